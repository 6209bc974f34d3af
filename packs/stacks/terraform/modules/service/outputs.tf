output "service_name" {
  description = "Name of the ClusterIP Service (the service's DNS name in its namespace)."
  value       = kubernetes_service_v1.this.metadata[0].name
}

output "port" {
  description = "Port of the Service."
  value       = var.port
}

output "deployment_name" {
  description = "Name of the Deployment."
  value       = kubernetes_deployment_v1.this.metadata[0].name
}

output "data_claim_name" {
  description = "Name of the PersistentVolumeClaim of the data volume, or null."
  value       = var.data_volume == null ? null : kubernetes_persistent_volume_claim_v1.data[0].metadata[0].name
}

variable "name" {
  description = "Name of the service: its Deployment, Service, ConfigMap and pod labels."
  type        = string
}

variable "namespace" {
  description = "Namespace to run the service in."
  type        = string
}

variable "part_of" {
  description = "The application the service belongs to (label app.kubernetes.io/part-of)."
  type        = string
}

variable "component" {
  description = "Role of the service in the application (label app.kubernetes.io/component)."
  type        = string
}

variable "image" {
  description = "Container image, with its registry and tag."
  type        = string
}

variable "port" {
  description = "Port the container listens on; the Service exposes the same port."
  type        = number
}

variable "replicas" {
  description = "Number of pods."
  type        = number
  default     = 1
}

variable "health_path" {
  description = "HTTP path of the startup, liveness and readiness probes."
  type        = string
  default     = "/healthz"
}

variable "run_as_user" {
  description = "Unprivileged user id the container runs as (the image's USER)."
  type        = number
}

variable "env" {
  description = "Settings that are not secret, kept in the service's ConfigMap."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment variables read from existing Secrets: name => {secret, key, optional}."
  type = map(object({
    secret   = string
    key      = string
    optional = optional(bool, false)
  }))
  default = {}
}

variable "namespace_env" {
  description = "Names of environment variables set to the pod's namespace (for $(NAME) in env values)."
  type        = list(string)
  default     = []
}

variable "data_volume" {
  description = "A persistent volume for the service's data (size such as \"1Gi\", mount path), or null. With it, the service runs one replica at a time (Recreate)."
  type = object({
    size       = string
    mount_path = string
  })
  default = null
}

variable "writable_paths" {
  description = "Paths the container writes to besides the data volume, each an empty volume (the root file system is read-only)."
  type        = list(string)
  default     = ["/tmp"]
}

variable "unprivileged_port_start" {
  description = "Sets the sysctl net.ipv4.ip_unprivileged_port_start of the pod (0 lets a non-root server listen on port 80), or null."
  type        = number
  default     = null
}

variable "resources" {
  description = "CPU and memory requests and memory limit of the container."
  type = object({
    cpu_request    = string
    memory_request = string
    memory_limit   = string
  })
  default = {
    cpu_request    = "100m"
    memory_request = "128Mi"
    memory_limit   = "256Mi"
  }
}

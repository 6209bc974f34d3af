# The cluster to deploy to: a kubeconfig file and context (see README.md for other ways to authenticate).
provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kube_context
}

# One service of the application on Kubernetes: its settings (ConfigMap), an optional data volume
# (PersistentVolumeClaim), the pods (Deployment: non-root, read-only root file system, probes, resources) and a
# ClusterIP Service on the same port. Secrets are only referenced (secret_env), never created here.

locals {
  selector = {
    "app.kubernetes.io/name" = var.name
  }
  labels = merge(local.selector, {
    "app.kubernetes.io/component"  = var.component
    "app.kubernetes.io/part-of"    = var.part_of
    "app.kubernetes.io/managed-by" = "terraform"
  })
}

resource "kubernetes_config_map_v1" "this" {
  metadata {
    name      = "${var.name}-config"
    namespace = var.namespace
    labels    = local.labels
  }
  data = var.env
}

resource "kubernetes_persistent_volume_claim_v1" "data" {
  count = var.data_volume == null ? 0 : 1
  metadata {
    name      = "${var.name}-data"
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    access_modes = ["ReadWriteOnce"]
    resources {
      requests = {
        storage = var.data_volume.size
      }
    }
  }
  # Storage classes that bind on first use wait for the pod, which the Deployment creates after this.
  wait_until_bound = false
}

resource "kubernetes_deployment_v1" "this" {
  metadata {
    name      = var.name
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    # A ReadWriteOnce volume is mounted by one pod at a time.
    replicas = var.data_volume == null ? var.replicas : 1
    selector {
      match_labels = local.selector
    }
    strategy {
      type = var.data_volume == null ? "RollingUpdate" : "Recreate"
    }
    template {
      metadata {
        labels = local.labels
      }
      spec {
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = var.run_as_user
          run_as_group    = var.run_as_user
          fs_group        = var.run_as_user
          seccomp_profile {
            type = "RuntimeDefault"
          }
          dynamic "sysctl" {
            for_each = var.unprivileged_port_start == null ? [] : [var.unprivileged_port_start]
            content {
              name  = "net.ipv4.ip_unprivileged_port_start"
              value = tostring(sysctl.value)
            }
          }
        }
        container {
          name  = var.name
          image = var.image
          port {
            name           = "http"
            container_port = var.port
            protocol       = "TCP"
          }
          env_from {
            config_map_ref {
              name = kubernetes_config_map_v1.this.metadata[0].name
            }
          }
          dynamic "env" {
            for_each = toset(var.namespace_env)
            content {
              name = env.value
              value_from {
                field_ref {
                  field_path = "metadata.namespace"
                }
              }
            }
          }
          dynamic "env" {
            for_each = var.secret_env
            content {
              name = env.key
              value_from {
                secret_key_ref {
                  name     = env.value.secret
                  key      = env.value.key
                  optional = env.value.optional
                }
              }
            }
          }
          startup_probe {
            http_get {
              path = var.health_path
              port = "http"
            }
            period_seconds    = 2
            failure_threshold = 30
          }
          liveness_probe {
            http_get {
              path = var.health_path
              port = "http"
            }
            period_seconds    = 10
            timeout_seconds   = 5
            failure_threshold = 3
          }
          readiness_probe {
            http_get {
              path = var.health_path
              port = "http"
            }
            period_seconds    = 5
            timeout_seconds   = 3
            failure_threshold = 2
          }
          resources {
            requests = {
              cpu    = var.resources.cpu_request
              memory = var.resources.memory_request
            }
            limits = {
              memory = var.resources.memory_limit
            }
          }
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            run_as_non_root            = true
            capabilities {
              drop = ["ALL"]
            }
          }
          dynamic "volume_mount" {
            for_each = var.data_volume == null ? [] : [var.data_volume]
            content {
              name       = "data"
              mount_path = volume_mount.value.mount_path
            }
          }
          dynamic "volume_mount" {
            for_each = { for i, p in var.writable_paths : "writable-${i}" => p }
            content {
              name       = volume_mount.key
              mount_path = volume_mount.value
            }
          }
        }
        dynamic "volume" {
          for_each = var.data_volume == null ? [] : [1]
          content {
            name = "data"
            persistent_volume_claim {
              claim_name = kubernetes_persistent_volume_claim_v1.data[0].metadata[0].name
            }
          }
        }
        dynamic "volume" {
          for_each = { for i, p in var.writable_paths : "writable-${i}" => p }
          content {
            name = volume.key
            empty_dir {
              size_limit = "64Mi"
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "this" {
  metadata {
    name      = var.name
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    type     = "ClusterIP"
    selector = local.selector
    port {
      name        = "http"
      port        = var.port
      target_port = "http"
      protocol    = "TCP"
    }
  }
}

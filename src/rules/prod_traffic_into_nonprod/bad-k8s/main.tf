# EW102 bad case (Kubernetes): an egress policy in the production namespace lets
# the production API call into the staging namespace (env = "staging") on 443.

resource "kubernetes_namespace_v1" "prod" {
  metadata {
    name = "payments-prod"

    labels = {
      env = "prod"
    }
  }
}

resource "kubernetes_namespace_v1" "staging" {
  metadata {
    name = "payments-staging"

    labels = {
      env = "staging"
    }
  }
}

# The production API may call into the staging namespace.
resource "kubernetes_network_policy_v1" "api_egress" {
  metadata {
    name      = "api-egress"
    namespace = "payments-prod"
  }

  spec {
    pod_selector {
      match_labels = {
        app = "api"
      }
    }

    policy_types = ["Egress"]

    egress {
      to {
        namespace_selector {
          match_labels = {
            env = "staging"
          }
        }
      }

      ports {
        port     = "443"
        protocol = "TCP"
      }
    }
  }
}

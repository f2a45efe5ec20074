# EW101 good case (Kubernetes): the production API admits pods from production
# namespaces (env = "prod") only.

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

# Only production namespaces may reach the production API.
resource "kubernetes_network_policy_v1" "allow_prod_clients" {
  metadata {
    name      = "allow-prod-clients"
    namespace = "payments-prod"
  }

  spec {
    pod_selector {
      match_labels = {
        app = "api"
      }
    }

    policy_types = ["Ingress"]

    ingress {
      from {
        namespace_selector {
          match_labels = {
            env = "prod"
          }
        }
      }

      ports {
        port     = "8080"
        protocol = "TCP"
      }
    }
  }
}

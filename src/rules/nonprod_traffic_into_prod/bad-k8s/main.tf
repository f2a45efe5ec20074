# EW101 bad case (Kubernetes): a network policy in the production namespace
# admits pods from the staging namespace (env = "staging") to the API on 8080.

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

# A production network policy that admits pods from the staging namespace.
resource "kubernetes_network_policy_v1" "allow_staging_clients" {
  metadata {
    name      = "allow-staging-clients"
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
            env = "staging"
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

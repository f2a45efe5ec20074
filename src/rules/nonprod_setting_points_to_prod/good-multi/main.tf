# EW202 good case: a staging workload pointed at staging (the staging Kafka
# brokers), and at a public SaaS host (Sentry). Nothing to report.

resource "kubernetes_namespace_v1" "staging" {
  metadata {
    name = "payments-staging"

    labels = {
      env = "staging"
    }
  }
}

# A staging workload pointed at staging, and at a public SaaS host.
resource "kubernetes_deployment_v1" "worker" {
  metadata {
    name      = "worker"
    namespace = "payments-staging"

    labels = {
      app = "worker"
    }
  }

  spec {
    replicas = "1"

    template {
      metadata {
        labels = {
          app = "worker"
        }
      }

      spec {
        container {
          name  = "worker"
          image = "acme/worker:3"

          env {
            name  = "KAFKA_BOOTSTRAP_SERVERS"
            value = "b-1.kafka.staging.example.com:9094"
          }

          env {
            name  = "SENTRY_DSN"
            value = "https://abc@o123.ingest.sentry.io/42"
          }
        }
      }
    }
  }
}

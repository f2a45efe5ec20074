# EW201 good case: traps that stay silent. A production Lambda function that
# pointed at staging is being destroyed: aws_lambda_function.legacy is in
# terraform.tfstate but no longer in this configuration, and a link that is
# being deleted must not be reported. A preprod function points at staging
# (non-production to non-production), and a production config map points at
# production and at a shared service.

resource "google_cloudfunctions2_function" "ingest_preprod" {
  name     = "ingest-preprod"
  location = "europe-west1"

  service_config {
    environment_variables = {
      BROKER_URL = "amqps://mq.staging.example.com/orders"
    }
  }
}

resource "kubernetes_config_map_v1" "settings" {
  metadata {
    name      = "orders-settings"
    namespace = "orders-prod"

    labels = {
      env = "prod"
    }
  }

  data = {
    DATABASE_URL = "postgresql://orders-db.prod.example.com/orders"
    PRODUCT_API  = "https://product-catalog.example.com"
  }
}

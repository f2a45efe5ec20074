# EW201 bad case (Google): production settings that name staging resources by
# resource name and gs:// URL. The Cloud Run service names the staging topic and
# bucket; the function is triggered by the staging topic. Traps, no finding: the
# production audit topic, and a partner's topic in a project no policy names.

resource "google_pubsub_topic" "orders_staging" {
  name    = "orders"
  project = "acme-payments-staging"
  labels = {
    env = "staging"
  }
}

resource "google_storage_bucket" "exports_staging" {
  name          = "acme-payments-exports-staging"
  project       = "acme-payments-staging"
  location      = "EU"
  force_destroy = false
  labels = {
    env = "staging"
  }
}

resource "google_pubsub_topic" "audit_prod" {
  name    = "audit"
  project = "acme-payments-prod"
  labels = {
    env = "prod"
  }
}

resource "google_cloud_run_v2_service" "api" {
  name     = "payments-api-prod"
  project  = "acme-payments-prod"
  location = "europe-west1"
  labels = {
    env = "prod"
  }

  template {
    containers {
      image = "europe-docker.pkg.dev/acme/api:1"
      env {
        name  = "ORDERS_TOPIC"
        value = "projects/acme-payments-staging/topics/orders"
      }
      env {
        name  = "EXPORTS_URI"
        value = "gs://acme-payments-exports-staging/daily/"
      }
      env {
        name  = "AUDIT_TOPIC"
        value = "projects/acme-payments-prod/topics/audit"
      }
      env {
        name  = "PARTNER_TOPIC"
        value = "projects/partner-events-4711/topics/payments"
      }
    }
  }
}

resource "google_cloudfunctions2_function" "settle" {
  name     = "settle-prod"
  project  = "acme-payments-prod"
  location = "europe-west1"
  labels = {
    env = "prod"
  }

  event_trigger {
    event_type   = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic = "projects/acme-payments-staging/topics/orders"
    retry_policy = "RETRY_POLICY_RETRY"
  }
}

# A production Cloud Run service, function and subscription that name staging
# Pub/Sub topics and buckets by their resource names and gs:// URLs.
RESOURCES = [
    {"address": "google_pubsub_topic.orders_staging",
     "values": {"name": "orders", "project": "acme-payments-staging", "labels": {"env": "staging"}},
     "computed": ["id"]},
    {"address": "google_storage_bucket.exports_staging",
     "values": {"name": "acme-payments-exports-staging", "project": "acme-payments-staging", "location": "EU",
                "labels": {"env": "staging"}, "force_destroy": False},
     "computed": ["id", "self_link", "url"]},
    {"address": "google_pubsub_topic.audit_prod",
     "values": {"name": "audit", "project": "acme-payments-prod", "labels": {"env": "prod"}},
     "computed": ["id"]},
    {"address": "google_cloud_run_v2_service.api",
     "values": {"name": "payments-api-prod", "project": "acme-payments-prod", "location": "europe-west1",
                "labels": {"env": "prod"},
                "template": [{"containers": [{"image": "europe-docker.pkg.dev/acme/api:1", "env": [
                    {"name": "ORDERS_TOPIC", "value": "projects/acme-payments-staging/topics/orders"},
                    {"name": "EXPORTS_URI", "value": "gs://acme-payments-exports-staging/daily/"},
                    {"name": "AUDIT_TOPIC", "value": "projects/acme-payments-prod/topics/audit"},
                    {"name": "PARTNER_TOPIC", "value": "projects/partner-events-4711/topics/payments"},
                ]}]}]},
     "computed": ["id", "uri"]},
    # The production function is triggered by the staging topic.
    {"address": "google_cloudfunctions2_function.settle",
     "values": {"name": "settle-prod", "project": "acme-payments-prod", "location": "europe-west1",
                "labels": {"env": "prod"},
                "event_trigger": [{"event_type": "google.cloud.pubsub.topic.v1.messagePublished",
                                   "pubsub_topic": "projects/acme-payments-staging/topics/orders",
                                   "retry_policy": "RETRY_POLICY_RETRY"}]},
     "computed": ["id", "url"]},
]

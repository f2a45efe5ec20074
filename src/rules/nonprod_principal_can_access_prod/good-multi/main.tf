# Grants that stay inside production, or name no principal envwall can place.

resource "google_service_account" "api_prod" {
  account_id   = "api-prod"
  project      = "acme-payments-prod"
  display_name = "API"
}

resource "google_pubsub_topic" "orders_prod" {
  name    = "orders-prod"
  project = "acme-payments-prod"
  labels  = { env = "prod" }
}

resource "google_pubsub_topic_iam_member" "api_publish" {
  project = "acme-payments-prod"
  topic   = google_pubsub_topic.orders_prod.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.api_prod.member
}

# A group is placed by no tag or name envwall can trust.
resource "google_project_iam_binding" "viewers" {
  project = "acme-payments-prod"
  role    = "roles/viewer"
  members = ["group:payments-staging-oncall@example.com", "user:alice@example.com", "domain:example.com"]
}

resource "azurerm_resource_group" "prod" {
  name     = "rg-orders-prod"
  location = "westeurope"
  tags     = { environment = "Production" }
}

resource "azurerm_user_assigned_identity" "app_prod" {
  name                = "id-orders-prod"
  location            = "westeurope"
  resource_group_name = "rg-orders-prod"
  tags                = { environment = "Production" }
}

resource "azurerm_role_assignment" "app_reads_prod" {
  scope                = azurerm_resource_group.prod.id
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.app_prod.principal_id
}

resource "kubernetes_namespace_v1" "prod" {
  metadata {
    name   = "payments-prod"
    labels = { env = "prod" }
  }
}

resource "kubernetes_service_account_v1" "worker_prod" {
  metadata {
    name      = "worker"
    namespace = "payments-prod"
  }
}

resource "kubernetes_role_binding_v1" "worker" {
  metadata {
    name      = "worker-access"
    namespace = "payments-prod"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "payments-editor"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "worker"
    namespace = "payments-prod"
  }
}

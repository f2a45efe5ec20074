# Production principals granted access to non-production resources, across clouds.

# Google: a production CI service account may publish to staging's topic.
resource "google_service_account" "ci_prod" {
  account_id   = "ci-prod"
  project      = "acme-payments-prod"
  display_name = "CI (prod)"
}

resource "google_pubsub_topic" "orders_staging" {
  name    = "orders-staging"
  project = "acme-payments-staging"
  labels  = { env = "staging" }
}

resource "google_pubsub_topic_iam_member" "ci_publish" {
  project = "acme-payments-staging"
  topic   = google_pubsub_topic.orders_staging.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.ci_prod.member
}

# Google: a production reporting account may view the staging project.
resource "google_project_iam_member" "prod_reporting" {
  project = "acme-payments-staging"
  role    = "roles/viewer"
  member  = "serviceAccount:reporting@acme-payments-prod.iam.gserviceaccount.com"
}

# Azure: a production identity may read staging's resource group and its vault's secrets.
resource "azurerm_resource_group" "staging" {
  name     = "rg-orders-staging"
  location = "westeurope"
  tags     = { environment = "staging" }
}

resource "azurerm_user_assigned_identity" "app_prod" {
  name                = "id-orders-prod"
  location            = "westeurope"
  resource_group_name = "rg-orders-prod"
  tags                = { environment = "prod" }
}

resource "azurerm_role_assignment" "prod_reads_staging" {
  scope                = azurerm_resource_group.staging.id
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.app_prod.principal_id
}

resource "azurerm_key_vault" "staging" {
  name                = "kv-orders-staging"
  location            = "westeurope"
  resource_group_name = "rg-orders-staging"
  sku_name            = "standard"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  tags                = { environment = "staging" }
}

resource "azurerm_key_vault_access_policy" "app_prod" {
  key_vault_id       = azurerm_key_vault.staging.id
  tenant_id          = "00000000-0000-0000-0000-000000000000"
  object_id          = azurerm_user_assigned_identity.app_prod.principal_id
  secret_permissions = ["Get", "List"]
}

# Kubernetes: production's worker service account is bound to a role in staging's namespace.
resource "kubernetes_namespace_v1" "staging" {
  metadata {
    name   = "payments-staging"
    labels = { env = "staging" }
  }
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

resource "kubernetes_role_binding_v1" "prod_worker_in_staging" {
  metadata {
    name      = "worker-access"
    namespace = "payments-staging"
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

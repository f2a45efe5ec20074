# Non-production principals granted access to production resources, across clouds.

# Google: a staging CI service account may publish to production's topic.
resource "google_service_account" "ci_staging" {
  account_id   = "ci-staging"
  project      = "acme-payments-staging"
  display_name = "CI (staging)"
}

resource "google_pubsub_topic" "orders_prod" {
  name    = "orders-prod"
  project = "acme-payments-prod"
  labels  = { env = "prod" }
}

resource "google_pubsub_topic_iam_member" "ci_publish" {
  project = "acme-payments-prod"
  topic   = google_pubsub_topic.orders_prod.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.ci_staging.member
}

# Google: a QA reporting account may view the production project.
resource "google_project_iam_member" "qa_reporting" {
  project = "acme-payments-prod"
  role    = "roles/viewer"
  member  = "serviceAccount:reporting@acme-payments-qa.iam.gserviceaccount.com"
}

# Google: a development CI account may mint tokens for production's deployer.
resource "google_service_account" "deployer_prod" {
  account_id   = "deployer-prod"
  project      = "acme-payments-prod"
  display_name = "Deployer"
}

resource "google_service_account_iam_member" "dev_impersonates_deployer" {
  service_account_id = google_service_account.deployer_prod.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:ci-dev@acme-payments-dev.iam.gserviceaccount.com"
}

# Azure: a staging identity may read production's resource group and its vault's secrets.
resource "azurerm_resource_group" "prod" {
  name     = "rg-orders-prod"
  location = "westeurope"
  tags     = { environment = "Production" }
}

resource "azurerm_user_assigned_identity" "app_staging" {
  name                = "id-orders-staging"
  location            = "westeurope"
  resource_group_name = "rg-orders-staging"
  tags                = { environment = "staging" }
}

resource "azurerm_role_assignment" "staging_reads_prod" {
  scope                = azurerm_resource_group.prod.id
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.app_staging.principal_id
}

resource "azurerm_key_vault" "prod" {
  name                = "kv-orders-prod"
  location            = "westeurope"
  resource_group_name = "rg-orders-prod"
  sku_name            = "standard"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  tags                = { environment = "Production" }
}

resource "azurerm_key_vault_access_policy" "app_staging" {
  key_vault_id       = azurerm_key_vault.prod.id
  tenant_id          = "00000000-0000-0000-0000-000000000000"
  object_id          = azurerm_user_assigned_identity.app_staging.principal_id
  secret_permissions = ["Get", "List"]
}

# Kubernetes: staging's worker service account is bound to a role in production's namespace.
resource "kubernetes_namespace_v1" "prod" {
  metadata {
    name   = "payments-prod"
    labels = { env = "prod" }
  }
}

resource "kubernetes_namespace_v1" "staging" {
  metadata {
    name   = "payments-staging"
    labels = { env = "staging" }
  }
}

resource "kubernetes_service_account_v1" "worker_staging" {
  metadata {
    name      = "worker"
    namespace = "payments-staging"
  }
}

resource "kubernetes_role_binding_v1" "staging_worker_in_prod" {
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
    namespace = "payments-staging"
  }
}

# Kubernetes: the same account is a cluster administrator of production's cluster.
resource "kubernetes_cluster_role_binding_v1" "prod_admins" {
  metadata {
    name = "payments-prod-admins"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "worker"
    namespace = "payments-staging"
  }
}

# EW202 bad case: non-production workloads configured with production endpoints,
# across clouds. The staging web app's connection string names the production
# SQL server (which already exists: see existing.tfstate); the staging Cloud Run
# service's DB_HOST is an address in the production subnetwork (10.110.0.0/20);
# the staging worker's Kafka bootstrap servers are the production brokers.

# --- Azure -------------------------------------------------------------------

resource "azurerm_resource_group" "prod" {
  name     = "rg-orders-prod"
  location = "westeurope"

  tags = {
    environment = "Production"
  }
}

resource "azurerm_resource_group" "staging" {
  name     = "rg-orders-staging"
  location = "westeurope"

  tags = {
    environment = "staging"
  }
}

# Already created (existing.tfstate): this plan leaves it unchanged.
resource "azurerm_mssql_server" "prod" {
  name                                    = "sql-orders-prod"
  resource_group_name                     = "rg-orders-prod"
  location                                = "westeurope"
  version                                 = "12.0"
  administrator_login                     = "orders"
  administrator_login_password_wo         = var.sql_admin_password
  administrator_login_password_wo_version = 1

  tags = {
    environment = "Production"
  }
}

resource "azurerm_linux_web_app" "orders_staging" {
  name                = "app-orders-staging"
  resource_group_name = "rg-orders-staging"
  location            = "westeurope"
  service_plan_id     = "/subscriptions/0000/resourceGroups/rg-orders-staging/providers/Microsoft.Web/serverFarms/asp-orders-staging"

  site_config {}

  app_settings = {
    FEATURE_X = "on"
  }

  # Staging's connection string names the production SQL server.
  connection_string {
    name  = "Orders"
    type  = "SQLAzure"
    value = "Server=tcp:sql-orders-prod.database.windows.net,1433;Initial Catalog=orders;User ID=app;Password=Sup3rS3cret!"
  }

  tags = {
    environment = "staging"
  }
}

# --- Google Cloud ------------------------------------------------------------

resource "google_compute_network" "prod" {
  name                    = "payments-prod"
  project                 = "acme-payments-prod"
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
  mtu                     = 1460
}

resource "google_compute_subnetwork" "prod" {
  name                     = "payments-prod-euw1"
  project                  = "acme-payments-prod"
  region                   = "europe-west1"
  network                  = google_compute_network.prod.id
  ip_cidr_range            = "10.110.0.0/20"
  private_ip_google_access = true
}

resource "google_cloud_run_v2_service" "api_staging" {
  name     = "api-staging"
  project  = "acme-payments-staging"
  location = "europe-west1"

  labels = {
    env = "staging"
  }

  template {
    containers {
      image = "gcr.io/acme/api:2"

      # An address in the production subnetwork.
      env {
        name  = "DB_HOST"
        value = "10.110.0.5"
      }

      env {
        name  = "MODE"
        value = "staging"
      }
    }
  }
}

# --- Kubernetes --------------------------------------------------------------

resource "kubernetes_namespace_v1" "staging" {
  metadata {
    name = "payments-staging"

    labels = {
      env = "staging"
    }
  }
}

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

          # The production brokers.
          env {
            name  = "KAFKA_BOOTSTRAP_SERVERS"
            value = "b-1.kafka.prod.example.com:9094,b-2.kafka.prod.example.com:9094"
          }
        }
      }
    }
  }
}

# EW101 bad case (Google): production allowlists that admit addresses staging
# owns. The database admits the staging NAT address (reserved by this plan: known
# only after apply, by reference) and the staging egress address (written out;
# it exists, existing.tfstate knows it), beside a vendor's address (owned by
# nothing here: the internet, no finding). The cluster's control plane admits
# the staging egress address.

resource "google_compute_address" "staging_nat" {
  name         = "payments-staging-nat"
  project      = "acme-payments-staging"
  region       = "europe-west1"
  address_type = "EXTERNAL"
  labels = {
    env = "staging"
  }
}

resource "google_compute_address" "staging_egress" {
  name         = "payments-staging-egress"
  project      = "acme-payments-staging"
  region       = "europe-west1"
  address_type = "EXTERNAL"
  labels = {
    env = "staging"
  }
}

resource "google_sql_database_instance" "prod" {
  name                = "payments-prod"
  project             = "acme-payments-prod"
  region              = "europe-west1"
  database_version    = "POSTGRES_15"
  deletion_protection = true

  settings {
    tier = "db-custom-2-7680"
    user_labels = {
      env = "prod"
    }
    ip_configuration {
      ipv4_enabled = true
      authorized_networks {
        name  = "staging-nat"
        value = google_compute_address.staging_nat.address
      }
      authorized_networks {
        name  = "staging-egress"
        value = "35.205.7.9/32"
      }
      authorized_networks {
        name  = "vendor"
        value = "34.120.5.6/32"
      }
    }
  }
}

resource "google_container_cluster" "prod" {
  name                = "payments-prod"
  project             = "acme-payments-prod"
  location            = "europe-west1"
  initial_node_count  = 1
  deletion_protection = true
  resource_labels = {
    env = "prod"
  }

  master_authorized_networks_config {
    cidr_blocks {
      display_name = "staging-egress"
      cidr_block   = "35.205.7.9/32"
    }
  }
}

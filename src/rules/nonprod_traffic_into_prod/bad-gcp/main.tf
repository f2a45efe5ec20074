# EW101 bad case (Google Cloud): a production network and a staging network with a
# subnetwork each. The production database admits staging's subnetwork
# (10.120.0.0/20) through a firewall rule on the production network, and the
# production Cloud SQL instance lists the staging bastion as an authorized network.

resource "google_compute_network" "prod" {
  name                    = "payments-prod"
  project                 = "acme-payments-prod"
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
  mtu                     = 1460
}

resource "google_compute_network" "staging" {
  name                    = "payments-staging"
  project                 = "acme-payments-staging"
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

resource "google_compute_subnetwork" "staging" {
  name                     = "payments-staging-euw1"
  project                  = "acme-payments-staging"
  region                   = "europe-west1"
  network                  = google_compute_network.staging.id
  ip_cidr_range            = "10.120.0.0/20"
  private_ip_google_access = true
}

# The production database, with the network tag "db" that the firewall rules target.
resource "google_compute_instance" "db" {
  name         = "payments-db-prod"
  machine_type = "e2-standard-4"
  zone         = "europe-west1-b"
  tags         = ["db"]

  labels = {
    env = "prod"
  }

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network            = google_compute_network.prod.self_link
    subnetwork         = google_compute_subnetwork.prod.self_link
    subnetwork_project = "acme-payments-prod"
  }
}

# Staging's subnetwork may reach the production database.
resource "google_compute_firewall" "allow_staging_db" {
  name          = "allow-staging-db"
  project       = "acme-payments-prod"
  network       = google_compute_network.prod.name
  direction     = "INGRESS"
  priority      = 1000
  source_ranges = ["10.120.0.0/20"]
  target_tags   = ["db"]

  allow {
    protocol = "tcp"
    ports    = ["5432"]
  }
}

# A production Cloud SQL instance whose public IP admits the staging bastion.
resource "google_sql_database_instance" "ledger" {
  name                = "ledger-prod"
  project             = "acme-payments-prod"
  region              = "europe-west1"
  database_version    = "POSTGRES_16"
  deletion_protection = true

  settings {
    tier = "db-custom-2-7680"

    user_labels = {
      env = "prod"
    }

    ip_configuration {
      ipv4_enabled = true

      authorized_networks {
        name  = "staging-bastion"
        value = "10.120.0.10/32"
      }
    }
  }
}

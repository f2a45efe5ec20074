# EW101 good case (Google Cloud): traps that must stay silent. Production's own
# subnetwork reaches the production database (prod to prod); staging is allowed
# at priority 1000 but denied at priority 100 first; and a rule that would let
# staging in on SSH is disabled.

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

# Production's own subnetwork: prod to prod.
resource "google_compute_firewall" "allow_prod_db" {
  name          = "allow-prod-db"
  project       = "acme-payments-prod"
  network       = google_compute_network.prod.name
  direction     = "INGRESS"
  priority      = 1000
  source_ranges = ["10.110.0.0/20"]
  target_tags   = ["db"]

  allow {
    protocol = "tcp"
    ports    = ["5432"]
  }
}

# Staging is allowed at priority 1000 (below), but denied at 100 first: every
# TCP port from anywhere in 10.120.0.0/16.
resource "google_compute_firewall" "deny_staging_db" {
  name          = "deny-staging-db"
  project       = "acme-payments-prod"
  network       = google_compute_network.prod.name
  direction     = "INGRESS"
  priority      = 100
  source_ranges = ["10.120.0.0/16"]
  target_tags   = ["db"]

  deny {
    protocol = "tcp"
  }
}

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

# A disabled rule is no link.
resource "google_compute_firewall" "allow_staging_debug" {
  name          = "allow-staging-debug"
  project       = "acme-payments-prod"
  network       = google_compute_network.prod.name
  direction     = "INGRESS"
  priority      = 1000
  disabled      = true
  source_ranges = ["10.120.0.0/20"]
  target_tags   = ["db"]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

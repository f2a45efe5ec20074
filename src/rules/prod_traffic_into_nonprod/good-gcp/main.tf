# EW102 good case (Google Cloud): egress from the production database stays in
# production's own subnetwork (10.110.0.0/20) or goes to the internet
# (0.0.0.0/0 on 443). Nothing to report.

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

# Egress from the production database to production's own subnetwork...
resource "google_compute_firewall" "db_to_prod" {
  name               = "db-to-prod"
  project            = "acme-payments-prod"
  network            = google_compute_network.prod.name
  direction          = "EGRESS"
  priority           = 1000
  destination_ranges = ["10.110.0.0/20"]
  target_tags        = ["db"]

  allow {
    protocol = "tcp"
    ports    = ["5432"]
  }
}

# ...and to the internet.
resource "google_compute_firewall" "db_to_internet" {
  name               = "db-to-internet"
  project            = "acme-payments-prod"
  network            = google_compute_network.prod.name
  direction          = "EGRESS"
  priority           = 1000
  destination_ranges = ["0.0.0.0/0"]
  target_tags        = ["db"]

  allow {
    protocol = "tcp"
    ports    = ["443"]
  }
}

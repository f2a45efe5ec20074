# EW102 bad case (Google Cloud): an egress rule on the production network lets
# the production database (network tag "db") open connections to staging's
# subnetwork (10.120.0.0/20) on 5432.

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

# Production's database instances may open connections to staging's subnetwork.
resource "google_compute_firewall" "db_to_staging" {
  name               = "db-to-staging"
  project            = "acme-payments-prod"
  network            = google_compute_network.prod.name
  direction          = "EGRESS"
  priority           = 1000
  destination_ranges = ["10.120.0.0/20"]
  target_tags        = ["db"]

  allow {
    protocol = "tcp"
    ports    = ["5432"]
  }
}

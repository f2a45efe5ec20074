# EW103 bad case (Google Cloud): the production network is peered with the
# staging network, so each can route to the other's subnets.

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

# Production to staging.
resource "google_compute_network_peering" "prod_staging" {
  name         = "prod-to-staging"
  network      = google_compute_network.prod.self_link
  peer_network = google_compute_network.staging.self_link

  export_custom_routes                = false
  import_custom_routes                = false
  export_subnet_routes_with_public_ip = true
  import_subnet_routes_with_public_ip = false
  stack_type                          = "IPV4_ONLY"
}

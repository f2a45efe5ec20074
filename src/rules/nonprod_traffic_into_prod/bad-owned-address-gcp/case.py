RESOURCES = [
    # The staging NAT address: reserved by this plan, its value known only after apply.
    {
        "address": "google_compute_address.staging_nat",
        "values": {"name": "payments-staging-nat", "project": "acme-payments-staging", "region": "europe-west1",
                   "address_type": "EXTERNAL", "labels": {"env": "staging"}},
        "computed": ["id", "address", "self_link", "creation_timestamp"],
    },
    # The staging egress address already exists: its value is known.
    {
        "address": "google_compute_address.staging_egress",
        "action": "no-op",
        "values": {"name": "payments-staging-egress", "project": "acme-payments-staging", "region": "europe-west1",
                   "address_type": "EXTERNAL", "address": "35.205.7.9", "labels": {"env": "staging"}},
        "known": {"id": "projects/acme-payments-staging/regions/europe-west1/addresses/payments-staging-egress"},
        "computed": ["id"],
    },
    # The production database admits both, and a vendor's address (owned by
    # nothing here: the internet, no finding).
    {
        "address": "google_sql_database_instance.prod",
        "values": {
            "name": "payments-prod", "project": "acme-payments-prod", "region": "europe-west1",
            "database_version": "POSTGRES_15", "deletion_protection": True,
            "settings": [{"tier": "db-custom-2-7680", "user_labels": {"env": "prod"},
                          "ip_configuration": [{"ipv4_enabled": True, "authorized_networks": [
                              {"name": "staging-nat"},
                              {"name": "staging-egress", "value": "35.205.7.9/32"},
                              {"name": "vendor", "value": "34.120.5.6/32"},
                          ]}]}],
        },
        "refs": {("settings", 0, "ip_configuration", 0, "authorized_networks", 0, "value"):
                 "google_compute_address.staging_nat.address"},
        "computed": ["id", "self_link", "connection_name", "first_ip_address", "ip_address"],
    },
    # The production cluster's control plane admits the staging egress address.
    {
        "address": "google_container_cluster.prod",
        "values": {
            "name": "payments-prod", "project": "acme-payments-prod", "location": "europe-west1",
            "initial_node_count": 1, "resource_labels": {"env": "prod"}, "deletion_protection": True,
            "master_authorized_networks_config": [{"cidr_blocks": [
                {"display_name": "staging-egress", "cidr_block": "35.205.7.9/32"},
            ]}],
        },
        "computed": ["id", "endpoint", "self_link"],
    },
]

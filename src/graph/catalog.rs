//! What the graph needs to know about resource types and attributes: which
//! attributes place a resource inside a container, which values are identities of
//! other resources, which name peer ranges. From the catalog in
//! `reference/terraform-and-clouds.md`, Part 2 (c).

/// How a containment attribute names its container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    /// An id, ARN or self link.
    Identity,
    /// The container's name, looked up among the given types.
    Name(&'static [&'static str]),
}

/// Containment attributes, matched on the attribute path's last key. The
/// referencing resource is inside the resource the value names.
pub(crate) const CONTAINMENT: &[(&str, By)] = &[
    ("vpc_id", By::Identity),
    ("subnet_id", By::Identity),
    ("subnet_ids", By::Identity),
    ("subnets", By::Identity),
    ("vnet_subnet_id", By::Identity),
    ("virtual_network_id", By::Identity),
    ("network", By::Name(&["google_compute_network"])),
    ("subnetwork", By::Name(&["google_compute_subnetwork"])),
    ("private_network", By::Identity),
    ("resource_group_name", By::Name(&["azurerm_resource_group"])),
    ("virtual_network_name", By::Name(&["azurerm_virtual_network"])),
    ("namespace", By::Name(&["kubernetes_namespace", "kubernetes_namespace_v1"])),
    ("db_subnet_group_name", By::Name(&["aws_db_subnet_group"])),
    ("subnet_group_name", By::Name(&["aws_elasticache_subnet_group"])),
    ("project", By::Name(&["google_project"])),
    // A standalone rule is part of the group it is added to.
    ("security_group_id", By::Identity),
    ("network_security_group_id", By::Identity),
    ("network_security_group_name", By::Name(&["azurerm_network_security_group"])),
];

/// Resource types whose `name` (or equivalent) other resources use to place
/// themselves in them, and the path of that name.
pub(crate) const NAMED_CONTAINERS: &[(&str, &[&str])] = &[
    ("azurerm_resource_group", &["name"]),
    ("azurerm_virtual_network", &["name"]),
    ("kubernetes_namespace", &["metadata", "name"]),
    ("kubernetes_namespace_v1", &["metadata", "name"]),
    ("aws_db_subnet_group", &["name"]),
    ("aws_elasticache_subnet_group", &["name"]),
    ("google_compute_network", &["name"]),
    ("google_compute_subnetwork", &["name"]),
    ("google_project", &["project_id"]),
    ("azurerm_network_security_group", &["name"]),
    ("aws_cloudwatch_event_rule", &["name"]),
    ("aws_s3_bucket", &["bucket"]),
    ("google_pubsub_topic", &["name"]),
];

/// Top-level attributes that identify a resource itself.
pub(crate) const IDENTITY_ATTRIBUTES: &[&str] = &["id", "arn", "self_link"];

/// Attributes never read for links: labels, prose and blobs.
pub(crate) const SKIPPED_ATTRIBUTES: &[&str] =
    &["tags", "tags_all", "labels", "effective_labels", "terraform_labels", "description", "user_data", "timeouts"];

/// Attributes whose values are peer address ranges (not the resource's own range).
pub(crate) const RANGE_ATTRIBUTES: &[&str] = &[
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "cidr_ipv4",
    "cidr_ipv6",
    "source_ranges",
    "destination_ranges",
    "src_ip_ranges",
    "dest_ip_ranges",
    "source_address_prefix",
    "source_address_prefixes",
    "destination_address_prefix",
    "destination_address_prefixes",
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "public_access_cidrs",
    "load_balancer_source_ranges",
];

/// AWS id prefixes of network objects worth a node when no input owns them.
const AWS_ID_PREFIXES: &[&str] = &[
    "sg",
    "vpc",
    "subnet",
    "pcx",
    "tgw",
    "tgw-attach",
    "tgw-rtb",
    "pl",
    "eni",
    "igw",
    "nat",
    "rtb",
    "vgw",
    "cgw",
    "vpce",
    "vpce-svc",
    "acl",
    "i",
    "lt",
    "eigw",
];

/// Computed attributes naming objects the resource itself owns (a VPC's default
/// security group and route table): no external endpoint for them.
pub(crate) fn is_owned_child(key: &str) -> bool {
    key.starts_with("default_") || matches!(key, "main_route_table_id" | "owner_id")
}

/// The containment rule for an attribute key, if it is one.
pub(crate) fn containment(key: &str) -> Option<By> {
    CONTAINMENT.iter().find(|(k, _)| *k == key).map(|(_, by)| *by)
}

/// Wiring between services that is part of the resource one of its top-level
/// attributes names: a Lambda event source mapping or permission is its
/// function's, a subscription its topic's, an EventBridge target its rule's, a
/// bucket notification its bucket's. They carry no environment of their own.
const PARTS_OF: &[(&str, &str, By)] = &[
    ("aws_lambda_event_source_mapping", "function_name", By::Identity),
    ("aws_lambda_permission", "function_name", By::Identity),
    ("aws_lambda_function_event_invoke_config", "function_name", By::Identity),
    ("aws_sns_topic_subscription", "topic_arn", By::Identity),
    ("aws_cloudwatch_event_target", "rule", By::Name(&["aws_cloudwatch_event_rule"])),
    ("aws_s3_bucket_notification", "bucket", By::Name(&["aws_s3_bucket"])),
    ("google_pubsub_subscription", "topic", By::Name(&["google_pubsub_topic"])),
    ("azurerm_eventgrid_event_subscription", "scope", By::Identity),
];

/// The containment rule for a resource's attribute at `path`: the wiring parts
/// above at their top-level attribute, else by the path's last key.
pub(crate) fn containment_at(kind: &str, first: &str, top_level: Option<&str>, last_key: &str) -> Option<By> {
    // A role binding's subjects name accounts of other namespaces: where they are,
    // not where the binding is.
    if first == "subject" {
        return None;
    }
    top_level
        .and_then(|attr| PARTS_OF.iter().find(|(k, a, _)| *k == kind && *a == attr).map(|(_, _, by)| *by))
        .or_else(|| containment(last_key))
}

/// Whether a value looks like the identity of a cloud object (an AWS network id,
/// an ARN with an account, a Google self link, an Azure resource id).
pub(crate) fn is_identity_shaped(value: &str) -> bool {
    if let Some(rest) = value.strip_prefix("arn:") {
        // arn:partition:service:region:account:resource; AWS-owned ARNs have no account.
        let account = rest.split(':').nth(3).unwrap_or("");
        return !account.is_empty() && account != "aws";
    }
    if value.starts_with("/subscriptions/") {
        return true;
    }
    if value.starts_with("https://www.googleapis.com/") || value.starts_with("projects/") {
        return ["/networks/", "/subnetworks/", "/instances/", "/firewalls/"].iter().any(|p| value.contains(p));
    }
    aws_network_id(value)
}

fn aws_network_id(value: &str) -> bool {
    let Some(dash) = value.rfind('-') else { return false };
    let (prefix, hex) = (&value[..dash], &value[dash + 1..]);
    // Real ids are 8 or 17 hex digits; hand-written fixtures use any lowercase
    // letters and digits (`sg-0db00prod`), so accept those too.
    (6..=24).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && hex.bytes().any(|b| b.is_ascii_digit())
        && AWS_ID_PREFIXES.contains(&prefix)
}

/// Whether an identity value is distinctive enough to link on: short or
/// word-like ids (`app`, `default`) would join unrelated resources.
pub(crate) fn is_distinctive(value: &str) -> bool {
    value.len() >= 6 && value.bytes().any(|b| b.is_ascii_digit() || b == b'/' || b == b':')
}

/// The attributes that hold addresses a resource owns: paths through blocks, the
/// last key a string, a list of strings, or a comma-separated string.
pub fn owned_address_attributes(kind: &str) -> &'static [&'static [&'static str]] {
    match kind {
        "aws_eip" | "aws_nat_gateway" => &[&["public_ip"]],
        "aws_instance" => &[&["public_ip"], &["ipv6_addresses"]],
        "aws_globalaccelerator_accelerator" => &[&["ip_sets", "ip_addresses"]],
        "google_compute_address" | "google_compute_global_address" => &[&["address"]],
        "google_compute_instance" => &[&["network_interface", "access_config", "nat_ip"]],
        "azurerm_public_ip" => &[&["ip_address"]],
        "azurerm_public_ip_prefix" => &[&["ip_prefix"]],
        "azurerm_linux_web_app"
        | "azurerm_windows_web_app"
        | "azurerm_linux_function_app"
        | "azurerm_windows_function_app"
        | "azurerm_app_service"
        | "azurerm_function_app" => &[
            &["outbound_ip_address_list"],
            &["possible_outbound_ip_address_list"],
            &["outbound_ip_addresses"],
            &["possible_outbound_ip_addresses"],
        ],
        _ => &[],
    }
}

/// Whether a string is an IPv4/IPv6 CIDR or address.
pub(crate) fn is_range(value: &str) -> bool {
    let (addr, len) = value.split_once('/').unwrap_or((value, "32"));
    len.parse::<u8>().is_ok() && addr.parse::<std::net::IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_shapes() {
        for yes in [
            "sg-0db00prod0000001",
            "sg-0123abcd",
            "vpc-0a1b2c3d4e5f60708",
            "arn:aws:rds:eu-west-1:111111111111:db:orders",
            "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
            "https://www.googleapis.com/compute/v1/projects/p/global/networks/default",
        ] {
            assert!(is_identity_shaped(yes), "{yes}");
        }
        for no in [
            "ami-0123456789abcdef0",
            "sg-xyz",
            "sg-abcdefgh",
            "arn:aws:iam::aws:policy/ReadOnly",
            "default",
            "sg-0DB00PROD",
        ] {
            assert!(!is_identity_shaped(no), "{no}");
        }
    }

    #[test]
    fn ranges() {
        assert!(is_range("10.0.0.0/16"));
        assert!(is_range("::/0"));
        assert!(is_range("10.1.2.3"));
        assert!(!is_range("10.0.0.0/x"));
        assert!(!is_range("sg-1"));
    }
}

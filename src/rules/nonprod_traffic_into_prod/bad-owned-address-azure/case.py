import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../fixtures/tools"))
from azure_common import SERVER, group, sql_rule

APP = "azurerm_linux_web_app.staging"
PLAN_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-staging/providers/Microsoft.Web/serverFarms/asp-orders-staging"

RESOURCES = [
    group("prod", "Production"), group("staging", "staging"),
    # The staging app: its outbound addresses are known only after apply.
    {
        "address": APP,
        "values": {"name": "app-orders-staging", "location": "westeurope", "service_plan_id": PLAN_ID,
                   "https_only": True, "tags": {"environment": "staging"}, "site_config": [{"always_on": True}]},
        "refs": {"resource_group_name": "azurerm_resource_group.staging.name"},
        "computed": ["id", "default_hostname", "outbound_ip_address_list", "outbound_ip_addresses",
                     "possible_outbound_ip_address_list", "possible_outbound_ip_addresses"],
    },
    # The staging egress address already exists: its value is known.
    {
        "address": "azurerm_public_ip.staging_egress",
        "action": "no-op",
        "values": {"name": "pip-orders-egress-staging", "location": "westeurope", "allocation_method": "Static",
                   "sku": "Standard", "ip_address": "20.105.1.7", "tags": {"environment": "staging"},
                   "resource_group_name": "rg-orders-staging"},
        "known": {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-staging/providers/Microsoft.Network/publicIPAddresses/pip-orders-egress-staging"},
        "computed": ["id"],
    },
    SERVER,
    # The production SQL server admits the staging app's first outbound address,
    # by reference, and the staging egress address, written out.
    dict(sql_rule("staging_app", None, None),
         refs={"server_id": "azurerm_mssql_server.prod.id",
               "start_ip_address": APP + ".outbound_ip_address_list[0]",
               "end_ip_address": APP + ".outbound_ip_address_list[0]"}),
    sql_rule("staging_egress", "20.105.1.7", "20.105.1.7"),
    # The production storage account admits the staging egress address and a
    # vendor's address (owned by nothing here: the internet, no finding).
    {
        "address": "azurerm_storage_account.prod",
        "values": {"name": "stordersprod", "location": "westeurope", "account_tier": "Standard",
                   "account_replication_type": "LRS", "tags": {"environment": "Production"},
                   "network_rules": [{"default_action": "Deny", "ip_rules": ["20.105.1.7", "34.120.5.6"],
                                      "bypass": ["AzureServices"], "virtual_network_subnet_ids": []}]},
        "refs": {"resource_group_name": "azurerm_resource_group.prod.name"},
        "computed": ["id", "primary_blob_endpoint"],
    },
    # The production key vault admits every outbound address of the staging app.
    {
        "address": "azurerm_key_vault.prod",
        "values": {"name": "kv-orders-prod", "location": "westeurope", "sku_name": "standard",
                   "tenant_id": "11111111-1111-1111-1111-111111111111", "tags": {"environment": "Production"},
                   "network_acls": [{"default_action": "Deny", "bypass": "AzureServices",
                                     "virtual_network_subnet_ids": []}]},
        "refs": {"resource_group_name": "azurerm_resource_group.prod.name",
                 ("network_acls", 0, "ip_rules"): APP + ".possible_outbound_ip_address_list"},
        "computed": ["id", "vault_uri"],
    },
]

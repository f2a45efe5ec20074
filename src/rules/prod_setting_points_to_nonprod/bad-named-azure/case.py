import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../fixtures/tools"))
from azure_common import group

# A production function app whose settings name staging services by the host
# names Azure derives from their names: known at plan time, before the services
# exist. The production storage account's queue is the trap.
PLAN_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-prod/providers/Microsoft.Web/serverFarms/asp-orders-prod"


def staging(address, values, computed):
    return {"address": address, "values": dict(values, location="westeurope", tags={"environment": "staging"}),
            "refs": {"resource_group_name": "azurerm_resource_group.staging.name"}, "computed": computed}


RESOURCES = [
    group("prod", "Production"), group("staging", "staging"),
    staging("azurerm_servicebus_namespace.staging", {"name": "sb-orders-staging", "sku": "Standard"},
            ["id", "endpoint"]),
    staging("azurerm_key_vault.staging", {"name": "kv-orders-staging", "sku_name": "standard",
                                          "tenant_id": "11111111-1111-1111-1111-111111111111"}, ["id", "vault_uri"]),
    staging("azurerm_storage_account.staging", {"name": "stordersstaging", "account_tier": "Standard",
                                                "account_replication_type": "LRS"},
            ["id", "primary_blob_endpoint", "primary_queue_endpoint"]),
    staging("azurerm_cosmosdb_account.staging", {"name": "cosmos-orders-staging", "offer_type": "Standard",
                                                 "kind": "GlobalDocumentDB"}, ["id", "endpoint"]),
    {"address": "azurerm_storage_account.prod",
     "values": {"name": "stordersprod", "location": "westeurope", "account_tier": "Standard",
                "account_replication_type": "LRS", "tags": {"environment": "Production"}},
     "refs": {"resource_group_name": "azurerm_resource_group.prod.name"},
     "computed": ["id", "primary_blob_endpoint", "primary_queue_endpoint"]},
    {"address": "azurerm_linux_function_app.orders",
     "values": {"name": "func-orders-prod", "location": "westeurope", "service_plan_id": PLAN_ID,
                "storage_account_name": "stordersprod", "tags": {"environment": "Production"},
                "site_config": [{"always_on": True}],
                "app_settings": {
                    "ServiceBusConnection": "Endpoint=sb://sb-orders-staging.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0",
                    "DbPassword": "@Microsoft.KeyVault(SecretUri=https://kv-orders-staging.vault.azure.net/secrets/db-password/)",
                    "ExportQueueUrl": "https://stordersstaging.queue.core.windows.net/exports",
                    "CosmosEndpoint": "https://cosmos-orders-staging.documents.azure.com:443/",
                    "AuditQueueUrl": "https://stordersprod.queue.core.windows.net/audit",
                }},
     "refs": {"resource_group_name": "azurerm_resource_group.prod.name"},
     "computed": ["id", "default_hostname", "outbound_ip_address_list"]},
]

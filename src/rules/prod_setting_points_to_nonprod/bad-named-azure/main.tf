# EW201 bad case (Azure): a production function app whose settings name staging
# services by the host names Azure derives from their names (the Service Bus
# namespace, a Key Vault secret reference, a storage queue URL, the Cosmos DB
# endpoint): known at plan time, before the services exist. Trap, no finding: the
# production storage account's queue.

resource "azurerm_resource_group" "prod" {
  name     = "rg-orders-prod"
  location = "westeurope"

  tags = {
    environment = "Production"
  }
}

resource "azurerm_resource_group" "staging" {
  name     = "rg-orders-staging"
  location = "westeurope"

  tags = {
    environment = "staging"
  }
}

resource "azurerm_servicebus_namespace" "staging" {
  name                = "sb-orders-staging"
  resource_group_name = azurerm_resource_group.staging.name
  location            = "westeurope"
  sku                 = "Standard"

  tags = {
    environment = "staging"
  }
}

resource "azurerm_key_vault" "staging" {
  name                = "kv-orders-staging"
  resource_group_name = azurerm_resource_group.staging.name
  location            = "westeurope"
  sku_name            = "standard"
  tenant_id           = "11111111-1111-1111-1111-111111111111"

  tags = {
    environment = "staging"
  }
}

resource "azurerm_storage_account" "staging" {
  name                     = "stordersstaging"
  resource_group_name      = azurerm_resource_group.staging.name
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  tags = {
    environment = "staging"
  }
}

resource "azurerm_cosmosdb_account" "staging" {
  name                = "cosmos-orders-staging"
  resource_group_name = azurerm_resource_group.staging.name
  location            = "westeurope"
  offer_type          = "Standard"
  kind                = "GlobalDocumentDB"

  tags = {
    environment = "staging"
  }
}

resource "azurerm_storage_account" "prod" {
  name                     = "stordersprod"
  resource_group_name      = azurerm_resource_group.prod.name
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  tags = {
    environment = "Production"
  }
}

resource "azurerm_linux_function_app" "orders" {
  name                 = "func-orders-prod"
  resource_group_name  = azurerm_resource_group.prod.name
  location             = "westeurope"
  service_plan_id      = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-prod/providers/Microsoft.Web/serverFarms/asp-orders-prod"
  storage_account_name = "stordersprod"

  site_config {
    always_on = true
  }

  app_settings = {
    ServiceBusConnection = "Endpoint=sb://sb-orders-staging.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0"
    DbPassword           = "@Microsoft.KeyVault(SecretUri=https://kv-orders-staging.vault.azure.net/secrets/db-password/)"
    ExportQueueUrl       = "https://stordersstaging.queue.core.windows.net/exports"
    CosmosEndpoint       = "https://cosmos-orders-staging.documents.azure.com:443/"
    AuditQueueUrl        = "https://stordersprod.queue.core.windows.net/audit"
  }

  tags = {
    environment = "Production"
  }
}

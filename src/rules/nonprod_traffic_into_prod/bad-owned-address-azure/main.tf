# EW101 bad case (Azure): production allowlists that admit addresses staging owns.
# The SQL server's firewall admits the staging app's first outbound address (by
# reference: known only after apply) and the staging egress public IP (written
# out; the IP exists, existing.tfstate knows its address). The storage account
# admits that egress address too, beside a vendor's address (owned by nothing
# here: the internet, no finding); the key vault admits every outbound address
# the staging app may use.

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

resource "azurerm_linux_web_app" "staging" {
  name                = "app-orders-staging"
  resource_group_name = azurerm_resource_group.staging.name
  location            = "westeurope"
  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-staging/providers/Microsoft.Web/serverFarms/asp-orders-staging"
  https_only          = true

  site_config {
    always_on = true
  }

  tags = {
    environment = "staging"
  }
}

resource "azurerm_public_ip" "staging_egress" {
  name                = "pip-orders-egress-staging"
  resource_group_name = "rg-orders-staging"
  location            = "westeurope"
  allocation_method   = "Static"
  sku                 = "Standard"

  tags = {
    environment = "staging"
  }
}

resource "azurerm_mssql_server" "prod" {
  name                                    = "sql-orders-prod"
  resource_group_name                     = azurerm_resource_group.prod.name
  location                                = "westeurope"
  version                                 = "12.0"
  administrator_login                     = "orders"
  administrator_login_password_wo         = var.sql_admin_password
  administrator_login_password_wo_version = 1
  public_network_access_enabled           = true

  tags = {
    environment = "Production"
  }
}

resource "azurerm_mssql_firewall_rule" "staging_app" {
  name             = "staging-app"
  server_id        = azurerm_mssql_server.prod.id
  start_ip_address = azurerm_linux_web_app.staging.outbound_ip_address_list[0]
  end_ip_address   = azurerm_linux_web_app.staging.outbound_ip_address_list[0]
}

resource "azurerm_mssql_firewall_rule" "staging_egress" {
  name             = "staging-egress"
  server_id        = azurerm_mssql_server.prod.id
  start_ip_address = "20.105.1.7"
  end_ip_address   = "20.105.1.7"
}

resource "azurerm_storage_account" "prod" {
  name                     = "stordersprod"
  resource_group_name      = azurerm_resource_group.prod.name
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
    ip_rules       = ["20.105.1.7", "34.120.5.6"]
  }

  tags = {
    environment = "Production"
  }
}

resource "azurerm_key_vault" "prod" {
  name                = "kv-orders-prod"
  resource_group_name = azurerm_resource_group.prod.name
  location            = "westeurope"
  sku_name            = "standard"
  tenant_id           = "11111111-1111-1111-1111-111111111111"

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
    ip_rules       = azurerm_linux_web_app.staging.possible_outbound_ip_address_list
  }

  tags = {
    environment = "Production"
  }
}

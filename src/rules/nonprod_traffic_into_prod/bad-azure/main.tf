# EW101 bad case (Azure): the production SQL subnet's network security group
# admits the staging virtual network (10.60.0.0/16) on 1433, and the production
# SQL server's own firewall admits a staging subnet (10.60.1.0/24).

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

resource "azurerm_virtual_network" "prod" {
  name                = "vnet-orders-prod"
  resource_group_name = azurerm_resource_group.prod.name
  location            = "westeurope"
  address_space       = ["10.50.0.0/16"]

  tags = {
    environment = "Production"
  }
}

resource "azurerm_virtual_network" "staging" {
  name                = "vnet-orders-staging"
  resource_group_name = azurerm_resource_group.staging.name
  location            = "westeurope"
  address_space       = ["10.60.0.0/16"]

  tags = {
    environment = "staging"
  }
}

resource "azurerm_network_security_group" "sql" {
  name                = "nsg-orders-sql-prod"
  resource_group_name = azurerm_resource_group.prod.name
  location            = "westeurope"

  # The production SQL subnet's NSG admits the staging network.
  security_rule {
    name                       = "allow-staging-sql"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "10.60.0.0/16"
    destination_address_prefix = "*"
  }

  tags = {
    environment = "Production"
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

# And the server's own firewall admits a staging subnet.
resource "azurerm_mssql_firewall_rule" "staging_app" {
  name             = "staging-app"
  server_id        = azurerm_mssql_server.prod.id
  start_ip_address = "10.60.1.0"
  end_ip_address   = "10.60.1.255"
}

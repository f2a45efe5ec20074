# EW101 good case (Azure): traps that must stay silent. The production SQL NSG
# allows 10.60.0.0/16 (staging) at priority 300, but denies it at 100 first; the
# other rules admit production (10.50.1.0/24) and Azure's load balancer probes;
# the SQL server's firewall admits a production subnet only.

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

  # Staging is denied at priority 100 before the broad allow at 300.
  security_rule {
    name                       = "deny-staging"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "10.60.0.0/16"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-private"
    priority                   = 300
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "10.60.0.0/16"
    destination_address_prefix = "*"
  }

  # Production to production, and Azure's own load balancer probes.
  security_rule {
    name                       = "allow-prod-app"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "10.50.1.0/24"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-lb"
    priority                   = 210
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "AzureLoadBalancer"
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

resource "azurerm_mssql_firewall_rule" "prod_app" {
  name             = "prod-app"
  server_id        = azurerm_mssql_server.prod.id
  start_ip_address = "10.50.1.0"
  end_ip_address   = "10.50.1.255"
}

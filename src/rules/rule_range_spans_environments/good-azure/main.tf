# EW104 good case (Azure): the production SQL NSG admits 10.50.0.0/15, wider than
# the production virtual network (10.50.0.0/16) but still production only; the
# staging network (10.60.0.0/16) is outside it.

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

  # 10.50.0.0/15 covers 10.50-10.51: production only.
  security_rule {
    name                       = "allow-prod"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "10.50.0.0/15"
    destination_address_prefix = "*"
  }

  tags = {
    environment = "Production"
  }
}

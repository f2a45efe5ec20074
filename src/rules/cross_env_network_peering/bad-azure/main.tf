# EW103 bad case (Azure): the production virtual network is peered with the
# staging one, with virtual network access allowed, so each can reach the other.

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

# Production to staging.
resource "azurerm_virtual_network_peering" "prod_to_staging" {
  name                         = "prod-to-staging"
  resource_group_name          = azurerm_resource_group.prod.name
  virtual_network_name         = azurerm_virtual_network.prod.name
  remote_virtual_network_id    = azurerm_virtual_network.staging.id
  allow_virtual_network_access = true
  allow_forwarded_traffic      = false
  allow_gateway_transit        = false
  use_remote_gateways          = false
}

# envwall policy: declare what makes a resource production or not.
#
# This file adds to envwall's built-in policy (envwall recognises the usual
# environment words in tags, labels, names and paths on its own: prod, production,
# prd, live / staging, stage, stg, preprod, uat / test, qa / dev / sandbox /
# nonprod / shared, hub, transit). What you declare here is stronger than any tag
# or name: an account, a CIDR range or a domain is hard to get wrong.
#
# envwall looks for this file in the current directory and its parents up to the
# repository root; `--policy PATH` names another. Check it with
# `envwall explain ADDRESS plan.json`.

environment "production" {
  tier = "production"
  # aliases       = ["prd", "live"]            # more words that mean production
  # accounts      = ["111111111111"]           # AWS accounts
  # projects      = ["acme-prod"]              # Google Cloud projects
  # subscriptions = ["00000000-0000-0000-0000-000000000000"] # Azure subscriptions
  # cidrs         = ["10.10.0.0/16"]           # address ranges
  # domains       = ["prod.example.internal"]  # DNS domains of its endpoints
  # addresses     = ["module.prod_*"]          # resource addresses (* matches anything)
  # paths         = ["*/envs/prod/*"]          # input paths
}

environment "staging" {
  tier = "non-production"
  # accounts = ["222222222222"]
  # cidrs    = ["10.20.0.0/16"]
}

# environment "shared-services" {
#   tier  = "shared"            # hubs that legitimately reach every environment
#   cidrs = ["10.0.0.0/16"]
# }

# Tag and label keys that name an environment, besides the built-in ones
# (Environment, env, Stage, ...). Words that never mean an environment.
# labels {
#   keys   = ["CostCentreEnv"]
#   ignore = ["production-line"]
# }

# Change a rule's severity, or turn it off.
# rule "EW301" {
#   severity = "low"
#   enabled  = true
# }

# Accept one known link until a date.
# exception "legacy-replica" {
#   rules   = ["EW301"]
#   address = "aws_db_instance.legacy_*"
#   reason  = "migrating off the shared replica (TICKET-123)"
#   expires = "2027-03-31"
# }

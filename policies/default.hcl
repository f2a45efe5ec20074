# envwall's built-in policy. It is always loaded; a .envwall.hcl adds to it (see
# `envwall init`). Environment names and aliases are matched as whole words in
# tags, labels, names and paths, after splitting on `- _ . / :`, case changes and
# digits: `orders-prod-db`, `ordersProdDb` and `prod2` say production, while
# `product-catalog` and `reproduce` say nothing.

labels {
  # Tag and label keys that name an environment. Matched case-insensitively, with
  # `-`, `_` and spaces ignored (`Environment`, `environment_name`, `Deployment-Environment`).
  keys = [
    "environment", "env", "stage", "environmentname", "envname", "deploymentenvironment",
    "appenv", "targetenv", "sdlc", "sdlcstage", "lifecycle", "workspace",
  ]

  # Word sequences that look like an environment but are not one.
  ignore = ["production-line", "production-ready", "stage-coach", "load-test-tool"]
}

environment "production" {
  tier    = "production"
  aliases = ["prod", "prd", "live", "prodn", "dr", "disaster-recovery"]
}

environment "staging" {
  tier    = "non-production"
  aliases = [
    "stage", "stg", "stag", "preprod", "pre-prod", "pprd", "preprd", "uat", "acceptance",
    "perf", "performance", "loadtest",
  ]
}

environment "test" {
  tier    = "non-production"
  aliases = ["tst", "testing", "qa", "qas", "sit", "integration", "e2e"]
}

environment "development" {
  tier    = "non-production"
  aliases = ["dev", "develop", "dv", "local", "review", "preview", "ephemeral"]
}

environment "sandbox" {
  tier    = "non-production"
  aliases = ["sbx", "playground", "lab", "poc", "demo", "trial", "training"]
}

environment "nonprod" {
  tier    = "non-production"
  aliases = [
    "non-prod", "nprod", "np", "notprod", "not-prod", "lower", "lowers",
    "prodlike", "prod-like", "prod-copy", "prod-mirror",
  ]
}

environment "shared" {
  tier    = "shared"
  aliases = ["common", "hub", "transit", "mgmt", "management"]
}

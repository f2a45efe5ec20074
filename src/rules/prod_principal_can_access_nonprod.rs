//! EW402 `prod-principal-can-access-nonprod`: a production principal is allowed
//! to act on, or depend on, a non-production resource.

use super::{Context, Finding, Rule};
use crate::policy::{Severity, Tier};

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW402",
    name: "prod-principal-can-access-nonprod",
    severity: Severity::High,
    summary: "a production principal may act on a non-production resource",
    docs: include_str!("prod_principal_can_access_nonprod/docs.md"),
    check: prod_principal_can_access_nonprod,
};

fn prod_principal_can_access_nonprod(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    super::access::crossing_access(ctx, Tier::Production, Tier::NonProduction, RULE.code)
}

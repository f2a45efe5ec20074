//! EW401 `nonprod-principal-can-access-prod`: a non-production principal is
//! granted access to a production resource.

use super::{Context, Finding, Rule};
use crate::policy::{Severity, Tier};

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW401",
    name: "nonprod-principal-can-access-prod",
    severity: Severity::Critical,
    summary: "a non-production principal may act on a production resource",
    docs: include_str!("nonprod_principal_can_access_prod/docs.md"),
    check: nonprod_principal_can_access_prod,
};

fn nonprod_principal_can_access_prod(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    super::access::crossing_access(ctx, Tier::NonProduction, Tier::Production, RULE.code)
}

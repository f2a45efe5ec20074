//! EW102 `prod-traffic-into-nonprod`: a rule lets a production resource open
//! connections to a non-production one, so production now depends on it.

use super::{Context, Finding, Rule};
use crate::policy::{Severity, Tier};

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW102",
    name: "prod-traffic-into-nonprod",
    severity: Severity::High,
    summary: "a rule lets production reach a non-production resource",
    docs: include_str!("prod_traffic_into_nonprod/docs.md"),
    check: prod_traffic_into_nonprod,
};

fn prod_traffic_into_nonprod(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    super::traffic::crossing_traffic(ctx, Tier::Production, Tier::NonProduction, RULE.code)
}

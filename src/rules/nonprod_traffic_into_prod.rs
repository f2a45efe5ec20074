//! EW101 `nonprod-traffic-into-prod`: a rule lets a non-production source open
//! connections to a production resource.

use super::{Context, Finding, Rule};
use crate::policy::{Severity, Tier};

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW101",
    name: "nonprod-traffic-into-prod",
    severity: Severity::High,
    summary: "a rule lets a non-production source reach a production resource",
    docs: include_str!("nonprod_traffic_into_prod/docs.md"),
    check: nonprod_traffic_into_prod,
};

fn nonprod_traffic_into_prod(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    super::traffic::crossing_traffic(ctx, Tier::NonProduction, Tier::Production, RULE.code)
}

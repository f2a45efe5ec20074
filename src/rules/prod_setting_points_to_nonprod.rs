//! EW201 `prod-setting-points-to-nonprod`: a production workload's setting (an
//! environment variable, an app setting, a connection string, a DNS record) points
//! at a non-production endpoint. The incident envwall exists for.

use super::{Context, Finding, Rule};
use crate::policy::{Severity, Tier};

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW201",
    name: "prod-setting-points-to-nonprod",
    severity: Severity::Critical,
    summary: "a production app setting or connection string targets a non-production endpoint",
    docs: include_str!("prod_setting_points_to_nonprod/docs.md"),
    check: prod_setting_points_to_nonprod,
};

fn prod_setting_points_to_nonprod(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    super::settings::crossing_settings(ctx, Tier::Production, Tier::NonProduction, RULE.code)
}

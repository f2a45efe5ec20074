//! EW202 `nonprod-setting-points-to-prod`: a non-production workload is configured
//! with a production endpoint.

use super::{Context, Finding, Rule};
use crate::policy::{Severity, Tier};

/// The rule.
pub static RULE: Rule = Rule {
    code: "EW202",
    name: "nonprod-setting-points-to-prod",
    severity: Severity::High,
    summary: "a non-production app is configured with a production endpoint",
    docs: include_str!("nonprod_setting_points_to_prod/docs.md"),
    check: nonprod_setting_points_to_prod,
};

fn nonprod_setting_points_to_prod(ctx: &Context<'_, '_, '_, '_>) -> Vec<Finding> {
    super::settings::crossing_settings(ctx, Tier::NonProduction, Tier::Production, RULE.code)
}

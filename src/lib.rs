//! envwall finds where production can talk to non-production in Terraform.
//!
//! The pipeline moves data forward only:
//!
//! ```text
//! inputs ──> model ──> graph ──> environments ──> rules ──> findings ──> reports
//! ```
//!
//! - [`input`] reads plan JSON, state JSON, raw state ([`input::source`], streamed)
//!   and Terraform source ([`input::hcl`]: parsing, modules, the partial
//!   evaluator) into one [`model::Model`].
//! - [`audit`] finds the stacks of a repository, merges each one's source and
//!   state, and links them to each other.
//! - [`graph`] links resources (references, containment, traffic, peering,
//!   settings) into a petgraph graph, with [`settings`] reading the application
//!   settings of each resource.
//! - [`env`](mod@env) gives every node its environment and tier, with the evidence, by the
//!   [`policy`].
//! - [`rules`] find the cross-environment links; [`findings`] names, locates,
//!   suppresses and sorts them; [`report`] renders them.
//! - [`vocab`] is the vocabulary all of them share (the words of a name, address
//!   ranges, connection strings, what of a value may be shown), and uses none.

pub mod audit;
pub mod baseline;
pub mod cli;
pub mod env;
pub mod findings;
#[doc(hidden)]
pub mod fuzzing;
pub mod graph;
pub(crate) mod hash;
pub mod input;
pub mod model;
pub(crate) mod parallel;
pub mod policy;
pub mod report;
pub mod rules;
pub mod settings;
pub mod text;
pub mod vocab;

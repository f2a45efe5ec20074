//! envwall finds where production can talk to non-production in Terraform.
//!
//! The pipeline moves data forward only: inputs → [`model`] → [`graph`] → reports.
//! [`input`] lowers plan JSON, state JSON and raw state into one [`model::Model`];
//! [`graph`] links resources (references, containment, across inputs) into a
//! petgraph graph; [`report`] renders it.

pub mod audit;
pub mod cli;
pub mod env;
pub mod findings;
#[doc(hidden)]
pub mod fuzzing;
pub mod graph;
pub(crate) mod hash;
pub mod input;
pub mod model;
pub mod parallel;
pub mod policy;
pub mod report;
pub mod rules;
pub mod settings;
pub mod text;

//! Reporters: turning results into text for people and machines. They see what
//! they render and nothing else; output is deterministic.

pub mod explain;
pub mod graph;
pub mod json;
pub mod pretty;
pub mod sarif;
pub mod terminal;
pub mod warnings;

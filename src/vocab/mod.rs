//! Vocabulary shared by the stages that read names, addresses and values: the
//! words a name is made of ([`tokens`]), address ranges with an index over them
//! ([`ranges`]), connection strings and the endpoints they name ([`connstr`]),
//! what of a value may be shown ([`mask`]), paths resolved lexically
//! ([`paths`]), and the accounts cloud identifiers carry ([`ids`]). The input, the policy, the graph,
//! the environments, the rules and the findings use them; they use nothing of
//! those stages, so data still flows one way.

pub mod connstr;
pub mod ids;
pub mod mask;
pub mod paths;
pub mod ranges;
pub mod tokens;

//! Warnings for people, on standard error.
//!
//! In: the model's warnings, each about a stack or none. Out: one line per distinct
//! message, naming the stacks it is about, with a count where the same thing was
//! said several times (a module missing in every stack that calls it, a function
//! used in a hundred places), then a line with the total.

use std::io::{self, Write};

use crate::hash::FastMap;
use crate::model::Model;

/// One distinct warning and where it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collapsed {
    /// The message.
    pub message: String,
    /// The stacks (input labels) it was given for, in first-seen order.
    pub stacks: Vec<String>,
    /// How many times it was given in all.
    pub count: usize,
}

/// The model's warnings, identical messages collapsed, in first-seen order.
pub fn collapse(model: &Model<'_>) -> Vec<Collapsed> {
    let mut out: Vec<Collapsed> = Vec::new();
    let mut index: FastMap<&str, usize> = FastMap::default();
    for w in &model.warnings {
        let at = *index.entry(&w.message).or_insert_with(|| {
            out.push(Collapsed { message: w.message.clone(), stacks: Vec::new(), count: 0 });
            out.len() - 1
        });
        let c = &mut out[at];
        c.count += 1;
        if let Some(label) = w.input.and_then(|i| model.inputs.get(i)).map(crate::model::Input::label)
            && !c.stacks.contains(&label)
        {
            c.stacks.push(label);
        }
    }
    out
}

/// Writes the warnings, then the count; nothing when there are none.
pub fn write(w: &mut dyn Write, model: &Model<'_>) -> io::Result<()> {
    let collapsed = collapse(model);
    for c in &collapsed {
        writeln!(w, "warning: {}", super::terminal::clean(&line(c)))?;
    }
    if !collapsed.is_empty() {
        let total = model.warnings.len();
        let distinct = if collapsed.len() < total { format!(" ({} distinct)", collapsed.len()) } else { String::new() };
        let s = if total == 1 { "" } else { "s" };
        writeln!(w, "envwall: {total} warning{s}{distinct}; -q hides them")?;
    }
    Ok(())
}

/// `[stack] message` (just the message when it starts with the stack's path),
/// `[3 stacks: a, b, c] message`, `... (given 12 times)`.
fn line(c: &Collapsed) -> String {
    let stacks = match c.stacks.as_slice() {
        [] => String::new(),
        // The message names its file, in the stack: that names the stack too.
        [one] if c.message.starts_with(one.as_str()) => String::new(),
        [one] => format!("[{one}] "),
        many => {
            let shown: Vec<&str> = many.iter().take(3).map(String::as_str).collect();
            let more = if many.len() > 3 { format!(" and {} more", many.len() - 3) } else { String::new() };
            format!("[{} stacks: {}{more}] ", many.len(), shown.join(", "))
        }
    };
    let times = if c.count > c.stacks.len().max(1) { format!(" (given {} times)", c.count) } else { String::new() };
    format!("{stacks}{}{times}", c.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Input, InputKind, Warning};

    fn input(name: &str) -> Input<'static> {
        Input {
            path: name.into(),
            place: Default::default(),
            kind: InputKind::Source,
            terraform_version: None,
            variables: Vec::new(),
            providers: Vec::new(),
            name: Some(name.to_owned()),
            workspace: None,
            labels: Vec::new(),
        }
    }

    #[test]
    fn names_stacks_and_collapses_identical_messages() {
        let w = |i: Option<usize>, m: &str| Warning { input: i, message: m.to_owned() };
        let warnings = vec![
            w(Some(0), "m.tf:3:1: module `x` is not available"),
            w(Some(1), "m.tf:3:1: module `x` is not available"),
            w(Some(2), "m.tf:3:1: module `x` is not available"),
            w(Some(3), "m.tf:3:1: module `x` is not available"),
            w(Some(1), "a.tf:9:2: `file(\"x\")`: no such file"),
            w(Some(1), "a.tf:9:2: `file(\"x\")`: no such file"),
            w(None, "policy: something"),
        ];
        let inputs = ["envs/dev", "envs/prod", "envs/stage", "envs/qa"].map(input).into();
        let model = Model { inputs, warnings, ..Model::default() };
        let mut out = Vec::new();
        write(&mut out, &model).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "warning: [4 stacks: envs/dev, envs/prod, envs/stage and 1 more] m.tf:3:1: module `x` is not available\n\
             warning: [envs/prod] a.tf:9:2: `file(\"x\")`: no such file (given 2 times)\n\
             warning: policy: something\n\
             envwall: 7 warnings (3 distinct); -q hides them\n"
        );
    }
}

//! Auditing many stacks at once: what is deployed, across stacks.
//!
//! In: the directories of a repository of Terraform stacks. Out: one [`Model`]
//! with an input per stack — its source and its state merged into one picture —
//! cross-stack lookups resolved (`terraform_remote_state` outputs, data sources that
//! find another stack's resources), ready for the same graph and rules `check` runs;
//! then, beside the findings, a summary per stack and a matrix of which environment
//! reaches which.

pub mod discover;
pub mod html;
mod link;
pub mod summary;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::input::{self, InputError, Source, hcl, merge};
use crate::model::Model;
pub use discover::{Stack, discover};

/// The files of one stack, read.
pub struct StackFiles {
    /// State files, read.
    pub states: Vec<Source>,
    /// Plan JSON files, read.
    pub plans: Vec<Source>,
}

/// Reads every stack's state and plan files (the model borrows their text).
pub fn read(stacks: &[Stack]) -> Result<Vec<StackFiles>, InputError> {
    stacks
        .iter()
        .map(|s| {
            Ok(StackFiles {
                states: s.states.iter().map(|(p, _)| Source::read(p)).collect::<Result<_, _>>()?,
                plans: s.plans.iter().map(|p| Source::read(p)).collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

/// Loads every stack, in parallel, into one model whose inputs are the stacks in
/// order (a stack without source but with several state files has one input per
/// file). Returns the model and, per input, its stack.
pub fn load<'a>(
    stacks: &[Stack],
    files: &'a [StackFiles],
    options: &hcl::Options,
    progress: &Progress,
) -> Result<(Model<'a>, Vec<usize>), InputError> {
    let producers = link::remote_state_producers(stacks, files);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(stacks.len()).max(1);
    let mut parts: Vec<Option<Result<Model<'a>, InputError>>> = (0..stacks.len()).map(|_| None).collect();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Vec<(usize, Result<Model<'a>, InputError>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(stack) = stacks.get(i) else { break };
                        out.push((i, load_stack(stack, &files[i], options, &producers)));
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        progress.update(n, stacks.len());
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    progress.finish();
    for (i, part) in results.into_iter().flatten() {
        parts[i] = Some(part);
    }
    let mut model = Model::default();
    let mut stack_of = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        let part = part.unwrap_or_else(|| Ok(Model::default()))?;
        stack_of.extend(std::iter::repeat_n(i, part.inputs.len()));
        model.append(part);
    }
    link::data_sources(&mut model, &stack_of);
    Ok((model, stack_of))
}

/// One stack's source and state, merged.
fn load_stack<'a>(
    stack: &Stack,
    files: &'a StackFiles,
    options: &hcl::Options,
    producers: &[hcl::RemoteState],
) -> Result<Model<'a>, InputError> {
    let mut part = Model::default();
    let mut options = options.clone();
    options.workspace = stack.workspace.clone().or(options.workspace);
    options.remote_states = producers.to_vec();
    if let Some(tg) = &stack.terragrunt {
        options.inputs.extend(hcl::terragrunt_inputs(tg)?);
    }
    match &stack.source {
        Some(dir) => {
            hcl::load(dir, &options, &mut part)?;
            for (state, (path, _)) in files.states.iter().zip(&stack.states) {
                let mut actual = Model::default();
                input::load_one(state, &options, &mut actual)?;
                merge::merge_state(&mut part, 0, actual, path, merge::state_serial(&state.text));
            }
            if !files.plans.is_empty() {
                part.warnings.push(format!(
                    "{}: plan JSON beside source is not read by audit; run `envwall check` on it",
                    stack.plans[0].display()
                ));
            }
        }
        None => {
            for source in files.states.iter().chain(&files.plans) {
                input::load_one(source, &options, &mut part)?;
            }
        }
    }
    for input in &mut part.inputs {
        input.name = Some(stack.name.clone());
        input.workspace.clone_from(&stack.workspace);
        if stack.source.is_some() {
            input.path.clone_from(&stack.dir);
        }
    }
    Ok(part)
}

/// A progress line on standard error, shown only on a terminal outside CI.
pub struct Progress {
    enabled: bool,
}

impl Progress {
    /// Enabled when standard error is a terminal and `CI` is not set.
    pub fn for_terminal() -> Progress {
        Progress { enabled: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() }
    }

    /// Never shows anything.
    pub fn hidden() -> Progress {
        Progress { enabled: false }
    }

    fn update(&self, done: usize, total: usize) {
        if !self.enabled {
            return;
        }
        let width = 30;
        let filled = done * width / total.max(1);
        let bar: String = "█".repeat(filled) + &"░".repeat(width - filled);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{bar} {done}/{total} stacks");
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(50));
            let _ = err.flush();
        }
    }
}

/// The stack directories, for messages.
pub fn names(stacks: &[Stack]) -> Vec<PathBuf> {
    stacks.iter().map(|s| s.dir.clone()).collect()
}

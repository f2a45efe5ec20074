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
pub use discover::{Discovery, Stack, discover};

/// The files of one stack, read.
pub struct StackFiles {
    /// State files, read.
    pub states: Vec<Source>,
    /// Plan JSON files, read.
    pub plans: Vec<Source>,
}

/// Reads every stack's state and plan files (the model borrows their text). A
/// stack whose files cannot be read keeps its error; the others are read.
pub fn read(stacks: &[Stack]) -> Vec<Result<StackFiles, InputError>> {
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

/// Every stack loaded into one model.
pub struct Loaded<'a> {
    /// The model: its inputs are the stacks in order (a stack without source but
    /// with several state files has one input per file; one that failed, none).
    pub model: Model<'a>,
    /// The stack of each input.
    pub stack_of: Vec<usize>,
    /// Why each stack could not be analysed, when it could not.
    pub errors: Vec<Option<String>>,
    /// The units each Terragrunt unit depends on (`dependency` blocks and
    /// `dependencies { paths }`), by directory, absolute.
    pub dependencies: Vec<Vec<PathBuf>>,
}

/// Loads every stack, in parallel, into one model. A stack that cannot be read
/// (a syntax error, Terraform 0.11 syntax, a state that is not one) keeps its
/// error and adds nothing; every other stack is analysed.
pub fn load<'a>(
    stacks: &[Stack],
    files: &'a [Result<StackFiles, InputError>],
    options: &hcl::Options,
    progress: &Progress,
) -> Loaded<'a> {
    let producers = link::remote_state_producers(stacks, files);
    let units = link::UnitOutputs::new(stacks, files);
    let indexes: Vec<usize> = (0..stacks.len()).collect();
    let parts = crate::parallel::map(
        &indexes,
        |&i| match &files[i] {
            Ok(f) => load_stack(&stacks[i], f, options, &producers, &units),
            Err(e) => Err(e.to_string()),
        },
        |n| progress.update(n, stacks.len()),
    );
    progress.finish();
    let mut model = Model::default();
    let mut stack_of = Vec::new();
    let mut errors = Vec::with_capacity(stacks.len());
    let mut dependencies = Vec::with_capacity(stacks.len());
    for (i, part) in parts.into_iter().enumerate() {
        match part {
            Ok((part, depends_on)) => {
                stack_of.extend(std::iter::repeat_n(i, part.inputs.len()));
                model.append(part);
                errors.push(None);
                dependencies.push(depends_on);
            }
            Err(e) => {
                errors.push(Some(e));
                dependencies.push(Vec::new());
            }
        }
    }
    link::data_sources(&mut model, &stack_of);
    link::dependencies(&mut model, stacks, &stack_of);
    Loaded { model, stack_of, errors, dependencies }
}

/// One stack's source and state, merged, and the units it depends on; an error
/// is the user's message.
fn load_stack<'a>(
    stack: &Stack,
    files: &'a StackFiles,
    options: &hcl::Options,
    producers: &std::sync::Arc<[hcl::RemoteState]>,
    units: &link::UnitOutputs,
) -> Result<(Model<'a>, Vec<PathBuf>), String> {
    let error = |e: InputError| e.to_string();
    let mut part = Model::default();
    let mut options = options.clone();
    options.workspace = stack.workspace.clone().or(options.workspace);
    options.remote_states = std::sync::Arc::clone(producers);
    let mut source = stack.source.clone();
    let mut labels = Vec::new();
    let mut depends_on = Vec::new();
    let mut unread = None;
    if let Some(file) = &stack.terragrunt {
        let unit = hcl::terragrunt::evaluate_unit(file, &|d| units.outputs(&d.dir)).map_err(error)?;
        options = hcl::terragrunt::unit_options(&unit.config, &options);
        part.warnings.extend(unit.config.warnings.iter().map(|w| crate::model::Warning::about(0, w.clone())));
        labels = hcl::terragrunt::unit_labels(file, &unit.config);
        for dir in unit.config.dependencies.iter().map(|d| &d.dir).chain(&unit.config.dependency_paths) {
            if !depends_on.contains(dir) {
                depends_on.push(dir.clone());
            }
        }
        source = match unit.source {
            Some(hcl::terragrunt::UnitSource::Local(dir)) if dir.is_dir() => Some(dir),
            other => {
                unread = Some(other);
                None
            }
        };
    }
    match &source {
        Some(dir) => {
            hcl::load(dir, &options, &mut part).map_err(error)?;
            for (state, (path, _)) in files.states.iter().zip(&stack.states) {
                let mut actual = Model::default();
                input::load_one(state, &options, &mut actual).map_err(error)?;
                merge::merge_state(&mut part, 0, actual, path, merge::state_serial(state));
            }
            if !files.plans.is_empty() {
                part.warnings.push(crate::model::Warning::about(
                    0,
                    format!(
                        "{}: plan JSON beside source is not read by audit; run `envwall check` on it",
                        stack.plans[0].display()
                    ),
                ));
            }
        }
        None => {
            for source in files.states.iter().chain(&files.plans) {
                input::load_one(source, &options, &mut part).map_err(error)?;
            }
        }
    }
    if part.inputs.is_empty()
        && let (Some(file), Some(unread)) = (&stack.terragrunt, unread)
    {
        hcl::terragrunt::unread_unit(&mut part, &stack.dir, &options, unread.as_ref(), file);
    }
    for input in &mut part.inputs {
        input.labels.clone_from(&labels);
        input.name = Some(stack.name.clone());
        input.place.clone_from(&stack.place);
        input.workspace.clone_from(&stack.workspace);
        if source.is_some() {
            input.path.clone_from(&stack.dir);
        }
    }
    Ok((part, depends_on))
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

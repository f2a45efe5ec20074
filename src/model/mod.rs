//! The model: one format-agnostic description of the resources in all inputs.
//!
//! In: what the input front-ends lower plan JSON, state JSON and raw state into.
//! Out: [`Model`], read by every later stage. Rules never learn which format a
//! resource came from; the model says only what exists, what its values are (known,
//! sensitive, or unknown until apply) and which other resources its attributes
//! reference, with how each reference was derived.

pub mod address;
pub mod value;

use std::fmt;
use std::path::PathBuf;

use address::Address;
use value::{AttrValue, InputStr, OwnedStep};

/// Index of an input in [`Model::inputs`].
pub type InputId = usize;

/// Everything loaded from the inputs of one run.
#[derive(Debug, Default)]
pub struct Model<'a> {
    /// The inputs, in the order given.
    pub inputs: Vec<Input<'a>>,
    /// Every resource instance of every input, in input order.
    pub resources: Vec<Resource<'a>>,
    /// Things worth telling the user that do not stop the run.
    pub warnings: Vec<Warning>,
    /// What the run worked out that the user may want to know (a data source
    /// resolved to another stack's resource).
    pub notes: Vec<String>,
    /// Terraform source files read (HCL inputs, `--source`), for locations.
    pub files: Vec<SourceFile>,
}

impl<'a> Model<'a> {
    /// Moves everything of `other` into `self`, renumbering its inputs and files.
    pub fn append(&mut self, other: Model<'a>) {
        let (inputs, files) = (self.inputs.len(), self.files.len());
        self.inputs.extend(other.inputs);
        self.files.extend(other.files);
        self.warnings.extend(other.warnings.into_iter().map(|mut w| {
            w.input = w.input.map(|i| i + inputs);
            w
        }));
        self.notes.extend(other.notes);
        self.resources.extend(other.resources.into_iter().map(|mut r| {
            r.input += inputs;
            if let Some(location) = &mut r.location {
                location.file += files;
            }
            r
        }));
    }
}

/// Something worth telling the user that does not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The input (stack) it is about, when it is about one.
    pub input: Option<InputId>,
    /// What happened and why, in the user's terms; it starts with `path:line:column:`
    /// where there is a place to point at.
    pub message: String,
}

impl Warning {
    /// A warning about input `input`.
    pub fn about(input: InputId, message: String) -> Warning {
        Warning { input: Some(input), message }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A Terraform source file, kept for locations and snippets.
#[derive(Debug)]
pub struct SourceFile {
    /// The path, as reached from the input given.
    pub path: PathBuf,
    /// Its decoded text.
    pub text: String,
}

/// Where things are written in the inputs, as the input stage knows: what the
/// findings need to point into files, without reading files themselves.
pub trait Locator {
    /// The file (an index in [`Model::files`]) and byte range where `attribute`
    /// of the resource block at `location` is written; the block itself when the
    /// attribute is not found there.
    fn attribute_span(
        &self,
        files: &[SourceFile],
        location: &SourceLocation,
        attribute: Option<&str>,
    ) -> (usize, std::ops::Range<usize>);

    /// The path of input `input`'s file, when it is a plan or state file.
    fn input_path(&self, input: InputId) -> Option<String>;

    /// The line and column of each of `resources` in input `input`'s file, by
    /// address text; `(1, 1)` for one not found.
    fn positions(&self, input: InputId, resources: &[&address::Address]) -> Vec<(String, (usize, usize))>;
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where a resource is written in Terraform source.
#[derive(Debug, Clone)]
pub struct SourceLocation {
    /// Index in [`Model::files`].
    pub file: usize,
    /// Byte range of the resource block (its attributes' ranges are found when a
    /// finding asks: `input::hcl::attribute_span`).
    pub span: std::ops::Range<usize>,
    /// `# envwall:ignore` comments on the block or its attributes.
    pub suppressions: std::sync::Arc<[InlineSuppression]>,
    /// The blocks of override files merged into it, in order: each one's file
    /// (index in [`Model::files`]) and byte range. What they set is written there.
    pub overrides: std::sync::Arc<[(usize, std::ops::Range<usize>)]>,
}

/// `# envwall:ignore EW101 EW102 -- reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSuppression {
    /// The rule codes it names; empty means every rule.
    pub rules: Vec<String>,
    /// Why.
    pub reason: String,
    /// The attribute it is written on, or `None` for the whole block.
    pub attribute: Option<String>,
    /// 1-based line of the comment.
    pub line: usize,
}

/// One input file.
#[derive(Debug)]
pub struct Input<'a> {
    /// The path as given.
    pub path: PathBuf,
    /// Where it sits in its repository (`input::place`): the path the stack's
    /// environment is read from, the same however the path was typed. Empty
    /// outside a repository: then no directory says anything of it.
    pub place: PathBuf,
    /// What the file turned out to be.
    pub kind: InputKind,
    /// `terraform_version` when the file has one.
    pub terraform_version: Option<String>,
    /// Root-module input variables of a plan.
    pub variables: Vec<(InputStr<'a>, AttrValue<'a>)>,
    /// Provider configurations of a plan (`configuration.provider_config`).
    pub providers: Vec<ProviderConfig<'a>>,
    /// The stack's name in an audit (`live/prod/network`); reports name the input
    /// by its path otherwise.
    pub name: Option<String>,
    /// The workspace the input belongs to, when known per input (audit).
    pub workspace: Option<String>,
    /// Environment names its configuration declares outside its module, with where:
    /// a Terragrunt unit's `env.hcl` local (`local environment in live/qa/env.hcl`, `qa`).
    pub labels: Vec<(String, String)>,
}

impl Input<'_> {
    /// How reports name the input: its stack name, else its path.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.path.display().to_string())
    }
}

/// A provider configuration, reduced to the settings that say where resources live.
#[derive(Debug)]
pub struct ProviderConfig<'a> {
    /// Terraform's opaque key (`aws`, `aws.east`, `module.child:aws`).
    pub key: String,
    /// Provider name (`aws`).
    pub name: String,
    /// The alias, if any.
    pub alias: Option<String>,
    /// Settings envwall reads (`region`, `assume_role`, `allowed_account_ids`,
    /// `project`, `subscription_id`, `default_tags`, ...), as values: constants are
    /// known, expressions with references unknown. Credentials are never kept.
    pub settings: AttrValue<'a>,
}

/// The formats envwall reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `terraform show -json PLANFILE`.
    Plan,
    /// `terraform show -json` of a state.
    ShowState,
    /// A raw `terraform.tfstate`, with its `version` (3 or 4).
    RawState(u32),
    /// A Terraform root module: a directory of `.tf`/`.tf.json` files, or one file.
    Source,
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputKind::Plan => f.write_str("plan JSON"),
            InputKind::ShowState => f.write_str("state JSON (terraform show -json)"),
            InputKind::RawState(v) => write!(f, "raw state file (version {v})"),
            InputKind::Source => f.write_str("Terraform source"),
        }
    }
}

/// One resource instance.
#[derive(Debug)]
pub struct Resource<'a> {
    /// The input it came from.
    pub input: InputId,
    /// Its absolute instance address.
    pub address: Address,
    /// The provider source address, e.g. `registry.terraform.io/hashicorp/aws`.
    pub provider: Option<smol_str::SmolStr>,
    /// Attribute values: after apply for a plan (before, for an object the plan
    /// destroys), current for a state.
    pub values: AttrValue<'a>,
    /// What the plan does to it.
    pub action: Action,
    /// The resources its attributes reference, resolved from the configuration.
    pub references: Vec<Reference>,
    /// Resource-level dependencies recorded in state (`depends_on`/`dependencies`).
    pub depends_on: Vec<Address>,
    /// Index of its provider configuration in its input's `providers`.
    pub provider_config: Option<usize>,
    /// Where it is written, when it comes from Terraform source (boxed: a
    /// plan's million resources have none).
    pub location: Option<Box<SourceLocation>>,
}

impl Resource<'_> {
    /// Whether the object exists once the plan is applied.
    pub fn exists_after(&self) -> bool {
        self.action.exists_after()
    }

    /// Whether it stands for a module whose source was not read (`module.eks`,
    /// of type `module`): a node its outputs come from, not a resource.
    pub fn is_unread_module(&self) -> bool {
        self.address.kind == "module" && self.address.mode == address::Mode::Managed
    }
}

/// What a plan does to a resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read from a state: it exists and nothing changes it.
    Existing,
    /// `["no-op"]`.
    NoOp,
    /// `["create"]`.
    Create,
    /// `["read"]`: a data source read during apply.
    Read,
    /// `["update"]`.
    Update,
    /// `["delete","create"]` or `["create","delete"]`.
    Replace,
    /// `["delete"]`: gone after apply.
    Delete,
    /// `["forget"]`: removed from state, but the object stays.
    Forget,
    /// In a stack's state but no longer in its source: it exists until the next
    /// apply destroys it.
    PendingRemoval,
}

impl Action {
    /// Reads Terraform's `change.actions`. An object exists after apply when the
    /// actions create, update, read or keep it.
    pub fn from_actions<S: std::ops::Deref<Target = str>>(actions: &[S]) -> Option<Action> {
        let has = |a: &str| actions.iter().any(|x| &**x == a);
        Some(match () {
            _ if has("delete") && has("create") => Action::Replace,
            _ if has("delete") => Action::Delete,
            _ if has("create") => Action::Create,
            _ if has("update") => Action::Update,
            _ if has("read") => Action::Read,
            _ if has("forget") => Action::Forget,
            _ if has("no-op") => Action::NoOp,
            _ => return None,
        })
    }

    /// Whether the object exists once the plan is applied.
    pub fn exists_after(self) -> bool {
        !matches!(self, Action::Delete)
    }

    /// Whether this plan creates the object (so links from it are new).
    pub fn creates(self) -> bool {
        matches!(self, Action::Create | Action::Replace)
    }

    /// Terraform's name for the action.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Existing => "existing",
            Action::NoOp => "no-op",
            Action::Create => "create",
            Action::Read => "read",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::Forget => "forget",
            Action::PendingRemoval => "pending-removal",
        }
    }
}

/// An attribute of one resource that references another resource instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The attribute path in the referencing resource (`ingress`, `vpc_id`,
    /// `environment[0].variables`).
    pub attribute: std::sync::Arc<[OwnedStep]>,
    /// The referenced instance, in the same input unless `through` says otherwise.
    pub target: std::sync::Arc<Address>,
    /// The attribute of the target that is read (`id`, `arn`), when known.
    pub target_attribute: Option<smol_str::SmolStr>,
    /// How the link was found.
    pub derivation: Derivation,
    /// When the target is another stack's: the Terragrunt dependency whose
    /// outputs lead there.
    pub through: Option<std::sync::Arc<Through>>,
}

impl Reference {
    /// The input that holds the target, `own` being the referencing resource's;
    /// `None` when the target is another stack's and that stack is not loaded.
    pub fn target_input(&self, own: usize) -> Option<usize> {
        match &self.through {
            None => Some(own),
            Some(t) => t.input,
        }
    }
}

/// A Terragrunt `dependency` block whose outputs a value comes from: the
/// producing unit's resources are another stack's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Through {
    /// The block's name (`dependency "db"`).
    pub dependency: smol_str::SmolStr,
    /// The producing unit's directory, absolute and normalised.
    pub unit: PathBuf,
    /// Whether the block has `mock_outputs`, which Terragrunt gives before the
    /// producer is applied and envwall never follows.
    pub mocked: bool,
    /// The producing unit's input, once the stacks are loaded together.
    pub input: Option<usize>,
}

/// How an edge between two resources was established, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Derivation {
    /// A known value (an id, ARN, self link, name) equals the target's.
    KnownValue,
    /// The configuration expression references the target, with an explicit or
    /// unambiguous instance.
    ConfigReference,
    /// The configuration references a repeated resource without a key; the instance
    /// was paired by the referencing instance's own count index or for_each key.
    InferredKey,
    /// Only a resource-level `depends_on` says the two are related.
    Dependency,
}

impl Derivation {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Derivation::KnownValue => "known-value",
            Derivation::ConfigReference => "config-reference",
            Derivation::InferredKey => "inferred-key",
            Derivation::Dependency => "dependency",
        }
    }
}

/// Text many resources share (provider sources, resource types, the names of
/// counted resources), made once per thread: a [`smol_str::SmolStr`] of more
/// than 23 bytes is an allocation of its own, and a clone of one shares it. A
/// million resources of one provider hold one copy of its source, not a million.
pub(crate) fn shared(text: &str) -> smol_str::SmolStr {
    const INLINE: usize = 23;
    if text.len() <= INLINE {
        return smol_str::SmolStr::new(text);
    }
    thread_local! {
        static SEEN: std::cell::RefCell<crate::hash::FastSet<smol_str::SmolStr>> = Default::default();
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some(known) = seen.get(text) {
            return known.clone();
        }
        // Bounded: a file of unique long names gains nothing from keeping them.
        if seen.len() >= 4096 {
            seen.clear();
        }
        let new = smol_str::SmolStr::new(text);
        seen.insert(new.clone());
        new
    })
}

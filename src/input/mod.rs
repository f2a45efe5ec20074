//! Inputs → model: detecting what each file is and lowering it into the [`Model`].
//!
//! In: paths of plan JSON, state JSON and raw state files. Out: one [`Model`] whose
//! resources all inputs share, or an [`InputError`] saying what is wrong and where.
//! Detection is by content, never by file name. This stage resolves references
//! *within* one input (configuration expressions, through modules); linking
//! resources *across* inputs is the graph's job.

mod config;
pub mod hcl;
mod json;
pub mod locate;
pub mod merge;
pub mod place;
mod plan;
mod raw;
pub mod read;
pub mod source;
mod state;

use std::path::{Path, PathBuf};

use miette::Diagnostic;

use crate::hash::FastSet;
use crate::model::{InputKind, Model, Warning};
use raw::RawDoc;
pub use source::Source;

/// Why an input could not be read. Every variant is a user error (exit code 2).
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum InputError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    #[diagnostic(code(envwall::input::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A FIFO, a device, a directory where a file was expected.
    #[error("{} is {what}, not a regular file; envwall reads only regular files", path.display())]
    #[diagnostic(code(envwall::input::not_regular))]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is (`a FIFO (named pipe)`).
        what: &'static str,
    },
    /// Larger than the limit for its kind.
    #[error("{} is {}, more than the {} envwall reads of a {kind}", path.display(), read::size_text(*size), read::size_text(*limit))]
    #[diagnostic(
        code(envwall::input::too_large),
        help("if the file is what you meant to pass, raise the limit: --max-file-size {}", read::flag_size(*size))
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (at least; reading stops past the limit).
        size: u64,
        /// The limit.
        limit: u64,
        /// What it was read as.
        kind: &'static str,
    },
    /// JSON in a file Terraform reads as HCL (`main.tf`, `terraform.tfvars`).
    #[error("{} holds JSON, but Terraform reads a file of this name as HCL", path.display())]
    #[diagnostic(
        code(envwall::input::json_in_hcl),
        help("Terraform reads JSON only from files whose names end in `.json`: rename it to {}.json", path.display())
    )]
    JsonInHcl {
        /// The file.
        path: PathBuf,
    },
    /// A binary planfile (a ZIP archive) instead of its JSON rendering.
    #[error("{} is a binary plan file, not JSON", path.display())]
    #[diagnostic(
        code(envwall::input::binary_plan),
        help("render it first: `terraform show -json {} > plan.json` (or `tofu show -json`), then pass plan.json", path.display())
    )]
    BinaryPlan {
        /// The file.
        path: PathBuf,
    },
    /// `terraform show -json` (or `tofu`) could not render a binary planfile.
    #[error("{tool} show -json {} failed: {detail}", path.display())]
    #[diagnostic(
        code(envwall::input::plan_render),
        help("run `terraform init` in the planfile's directory first, or render it yourself: `terraform show -json {} > plan.json`, then pass plan.json", path.display())
    )]
    PlanRender {
        /// The planfile.
        path: PathBuf,
        /// The program that was run.
        tool: String,
        /// What it said.
        detail: String,
    },
    /// A plan file written by Terraform before 0.12.
    #[error("{} is a plan file from Terraform 0.11 or earlier", path.display())]
    #[diagnostic(
        code(envwall::input::legacy_plan),
        help("create the plan with Terraform 0.12 or later and render it with `terraform show -json`")
    )]
    LegacyPlan {
        /// The file.
        path: PathBuf,
    },
    /// Nothing but whitespace.
    #[error("{} is empty", path.display())]
    #[diagnostic(
        code(envwall::input::empty),
        help(
            "pass the output of `terraform show -json PLANFILE`, `terraform show -json`, or a terraform.tfstate file"
        )
    )]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Not UTF-8 or UTF-16 text.
    #[error("{}: {detail}", path.display())]
    #[diagnostic(code(envwall::input::encoding))]
    Encoding {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// Malformed JSON, or a value of the wrong type where Terraform writes another.
    #[error("{}:{line}:{column}: {message}{}", path.display(), at_pointer(pointer))]
    #[diagnostic(code(envwall::input::json))]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Where in the document, e.g. `resource_changes[3].change.actions`.
        pointer: String,
        /// The parser's message.
        message: String,
    },
    /// A state OpenTofu has encrypted (`encrypted_data`): its resources are not readable.
    #[error("{} is a state OpenTofu has encrypted; envwall cannot read its resources", path.display())]
    #[diagnostic(
        code(envwall::input::encrypted_state),
        help(
            "decrypt it with OpenTofu: `tofu show -json > state.json` in the stack's directory, with its encryption settings, then pass state.json"
        )
    )]
    EncryptedState {
        /// The file.
        path: PathBuf,
    },
    /// Valid JSON that no Terraform command writes.
    #[error("{} is JSON but not Terraform plan or state output ({found})", path.display())]
    #[diagnostic(
        code(envwall::input::not_terraform),
        help(
            "envwall reads `terraform show -json PLANFILE`, `terraform show -json` of a state, and terraform.tfstate files"
        )
    )]
    NotTerraform {
        /// The file.
        path: PathBuf,
        /// What the document holds instead.
        found: String,
    },
    /// A `format_version` whose major version envwall does not read.
    #[error("{} has format_version {version}; envwall reads versions 0.x and 1.x", path.display())]
    #[diagnostic(
        code(envwall::input::format_version),
        help("a new major format version changes the document's shape; upgrade envwall")
    )]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
        /// The declared version.
        version: String,
    },
    /// A raw state `version` envwall does not read.
    #[error("{} is a raw state file of version {version}; envwall reads versions 3 and 4", path.display())]
    #[diagnostic(
        code(envwall::input::state_version),
        help("refresh or re-save the state with a current Terraform (`terraform state pull > terraform.tfstate`)")
    )]
    UnsupportedState {
        /// The file.
        path: PathBuf,
        /// The declared version.
        version: String,
    },
    /// Terraform source that does not parse, or that Terraform would refuse (a
    /// cycle between locals).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(Box<SyntaxError>),
    /// Well-formed JSON whose content breaks Terraform's own rules (an address that
    /// does not parse, an unknown action).
    #[error("{}: {pointer}: {message}", path.display())]
    #[diagnostic(code(envwall::input::invalid))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where in the document.
        pointer: String,
        /// What is wrong.
        message: String,
    },
}

/// A mistake in Terraform source, with the file's text for a labelled snippet.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{}:{line}:{column}: {message}", path.display())]
#[diagnostic(code(envwall::input::syntax))]
pub struct SyntaxError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The file's text.
    #[source_code]
    pub src: miette::NamedSource<String>,
    /// Where.
    #[label("{message}")]
    pub span: miette::SourceSpan,
}

/// A resource's attribute values, which Terraform writes as an object (or null):
/// any other type is a broken file, refused with where it is, never read as a
/// resource with no attributes.
pub(crate) fn attribute_values<'a>(
    path: &Path,
    pointer: impl FnOnce() -> String,
    values: crate::model::value::AttrValue<'a>,
) -> Result<crate::model::value::AttrValue<'a>, InputError> {
    use crate::model::value::AttrValue;
    let found = match &values {
        AttrValue::Map(_) | AttrValue::Null => return Ok(values),
        AttrValue::Sensitive(inner) if matches!(**inner, AttrValue::Map(_)) => return Ok(values),
        AttrValue::Bool(_) => "a bool",
        AttrValue::Int(_) | AttrValue::Float(_) => "a number",
        AttrValue::String(_) => "a string",
        AttrValue::List(_) => "a list",
        AttrValue::Unknown | AttrValue::Sensitive(_) => "something else",
    };
    Err(InputError::Invalid {
        path: path.to_owned(),
        pointer: pointer(),
        message: format!("expected an object of attribute values, found {found}"),
    })
}

/// serde_json's message without its position (the loader gives its own), made
/// safe to print: it may quote a string of the document, which may be a secret,
/// so only the string's length is told.
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(at) => &full[..at],
        None => &full,
    };
    crate::text::clean(&hide_strings(message)).into_owned()
}

/// `invalid type: string "s3cret", expected ...` → `invalid type: a string of
/// 6 characters, expected ...`.
fn hide_strings(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("string \"") {
        out.push_str(&rest[..at]);
        let body = &rest[at + 8..];
        // serde_json writes the string escaped: its end is the first `"` not
        // after a backslash.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            out.push_str("a string");
            return out;
        };
        let length = serde_json::from_str::<String>(&format!("\"{}\"", &body[..end]))
            .map_or_else(|_| body[..end].chars().count(), |s| s.chars().count());
        out.push_str(&format!("a string of {length} character{}", if length == 1 { "" } else { "s" }));
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The [`crate::model::Locator`] of the inputs read: where findings point,
/// in source files and in plan and state files.
pub struct Locator<'s> {
    sources: &'s [Source],
}

impl<'s> Locator<'s> {
    /// The locator of these inputs, in the order they were loaded (none: only
    /// source locations are known).
    pub fn new(sources: &'s [Source]) -> Locator<'s> {
        Locator { sources }
    }
}

impl crate::model::Locator for Locator<'_> {
    fn attribute_span(
        &self,
        files: &[crate::model::SourceFile],
        location: &crate::model::SourceLocation,
        attribute: Option<&str>,
    ) -> (usize, std::ops::Range<usize>) {
        hcl::attribute_span(files, location, attribute)
    }

    fn input_path(&self, input: crate::model::InputId) -> Option<String> {
        self.sources.get(input).map(|s| s.path.display().to_string())
    }

    fn positions(
        &self,
        input: crate::model::InputId,
        resources: &[&crate::model::address::Address],
    ) -> Vec<(String, (usize, usize))> {
        let Some(source) = self.sources.get(input) else { return Vec::new() };
        let wanted: Vec<locate::Wanted> = resources
            .iter()
            .map(|a| locate::Wanted { address: a.to_string(), kind: a.kind.to_string(), name: a.name.to_string() })
            .collect();
        locate::positions(source, &wanted).into_iter().collect()
    }
}

fn at_pointer(pointer: &str) -> String {
    if pointer.is_empty() || pointer == "." {
        return String::new();
    }
    // A path through deep nesting is cut in the middle: its start says where
    // in the document, its end what was being read.
    const KEEP: usize = 60;
    let chars: Vec<char> = pointer.chars().collect();
    if chars.len() <= 2 * KEEP + 20 {
        return format!(" (at `{pointer}`)");
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!(" (at `{head}…{tail}`)")
}

/// Reads every path and lowers all of them into one model.
/// The same file or directory given twice (by any path to it) is read once.
pub fn read_sources(paths: &[PathBuf]) -> Result<Vec<Source>, InputError> {
    read_sources_with(paths, None)
}

/// Reads inputs as [`read_sources`] does; a binary planfile is rendered with
/// `terraform` (`show -json`, run in the planfile's directory) when `terraform` is
/// given.
pub fn read_sources_with(paths: &[PathBuf], terraform: Option<&Path>) -> Result<Vec<Source>, InputError> {
    let mut seen = FastSet::default();
    paths
        .iter()
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())))
        .map(|p| match terraform {
            Some(tool) if is_planfile(p) => render_planfile(p, tool),
            _ => Source::read(p),
        })
        .collect()
}

/// Whether `path` is a binary planfile (a ZIP archive, as `terraform plan -out`
/// writes).
pub fn is_planfile(path: &Path) -> bool {
    path.is_file() && read::head(path, 4).is_some_and(|head| head.starts_with(b"PK\x03\x04"))
}

/// The program that renders planfiles: `explicit`, else `terraform`, else `tofu`
/// on `PATH`.
pub fn find_terraform(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(p) => Some(p.to_owned()),
        None => which::which("terraform").or_else(|_| which::which("tofu")).ok(),
    }
}

/// `TOOL show -json PLANFILE` in the planfile's directory (where its configuration
/// and providers are), read as the planfile's JSON rendering.
pub fn render_planfile(path: &Path, tool: &Path) -> Result<Source, InputError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(PathBuf::from).unwrap_or_else(|| path.to_owned());
    let tool_name = tool.file_name().map_or_else(|| tool.display().to_string(), |n| n.to_string_lossy().into_owned());
    eprintln!("envwall: rendering {} with `{} show -json` in {}", path.display(), tool.display(), dir.display());
    let failed = |detail: String| InputError::PlanRender { path: path.to_owned(), tool: tool_name.clone(), detail };
    let out = std::process::Command::new(tool)
        .arg("show")
        .arg("-json")
        .arg(&name)
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| failed(format!("cannot run {}: {e}", tool.display())))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
        let code = out.status.code().map_or_else(|| "a signal".to_owned(), |c| format!("exit {c}"));
        return Err(failed(format!("{code}: {}", if said.is_empty() { "no message" } else { &said })));
    }
    Source::from_bytes(path, out.stdout)
}

/// Lowers already-read sources into one model that borrows from them, with no
/// variables given for Terraform source inputs.
pub fn load(sources: &[Source]) -> Result<Model<'_>, InputError> {
    load_with(sources, &hcl::Options::default())
}

/// Lowers already-read sources into one model; `options` gives the variables and
/// workspace of Terraform source inputs.
pub fn load_with<'a>(sources: &'a [Source], options: &hcl::Options) -> Result<Model<'a>, InputError> {
    let mut model = Model::default();
    for source in sources {
        load_one(source, options, &mut model)?;
    }
    let json_inputs: Vec<usize> =
        model.inputs.iter().enumerate().filter(|(_, i)| i.kind != InputKind::Source).map(|(n, _)| n).collect();
    if options.sources.len() > json_inputs.len() {
        return Err(InputError::Invalid {
            path: options.sources[json_inputs.len()].clone(),
            pointer: "--source".into(),
            message: format!(
                "{} --source directories given for {} plan or state inputs; each --source goes with one of them, in order",
                options.sources.len(),
                json_inputs.len()
            ),
        });
    }
    for (dir, &input) in options.sources.iter().zip(&json_inputs) {
        hcl::attach(dir, options, input, &mut model)?;
    }
    for input in &mut model.inputs {
        input.place = place::place(&input.path, None);
    }
    Ok(model)
}

/// Lowers one read source into `model`, as a new input.
pub fn load_one<'a>(source: &'a Source, options: &hcl::Options, model: &mut Model<'a>) -> Result<(), InputError> {
    let path = source.path.as_path();
    if source.is_terraform_source() {
        if let Some(unit) = hcl::terragrunt::unit_file(path) {
            return hcl::terragrunt::load_unit(&unit, options, model);
        }
        return hcl::load(path, options, model);
    }
    let id = model.inputs.len();
    let doc = match raw::read(source, id, None) {
        Err(InputError::Json { message, .. }) if message.starts_with("duplicate field") => {
            // Go's JSON decoder lets the last duplicate key win; Terraform wrote or
            // accepted this file, so read it the same way.
            let text = source.whole_text()?;
            let text = source.deduplicated.get_or_init(|| deduplicate(&text));
            model.warnings.push(Warning::about(
                id,
                format!("{}: duplicate JSON object keys; the last of each is used", path.display()),
            ));
            raw::read(source, id, Some(text))?
        }
        other => other?,
    };
    let kind = detect(path, &doc)?;
    match kind {
        InputKind::Plan => plan::lower(path, id, doc, model),
        InputKind::ShowState => state::lower_show(path, id, doc, model),
        InputKind::RawState(_) => state::lower_raw(path, id, kind, doc, model),
        InputKind::Source => unreachable!("detected from JSON"),
    }
}

fn deduplicate(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text).map_or_else(|_| text.to_owned(), |v| v.to_string())
}

fn detect(path: &Path, doc: &RawDoc<'_>) -> Result<InputKind, InputError> {
    let is_plan = doc.planned.present || doc.changes.is_some() || doc.configuration.is_some() || doc.prior.present;
    if doc.format_version.is_some() && is_plan {
        return Ok(InputKind::Plan);
    }
    let raw_shape = doc.resources.is_some() || doc.modules.is_some() || doc.lineage.is_some() || doc.serial.is_some();
    if let (Some(version), true) = (doc.version.as_deref(), raw_shape) {
        return match version.get().trim() {
            "4" => Ok(InputKind::RawState(4)),
            "3" => Ok(InputKind::RawState(3)),
            other => Err(InputError::UnsupportedState { path: path.to_owned(), version: other.to_owned() }),
        };
    }
    if doc.format_version.is_some() {
        // `terraform show -json` of an empty state prints only the versions.
        let only_versions =
            doc.keys.iter().all(|k| matches!(&**k, "format_version" | "terraform_version" | "values" | "checks"));
        if doc.values.is_some() || only_versions {
            return Ok(InputKind::ShowState);
        }
    }
    if doc.keys.iter().any(|k| &**k == "encrypted_data") && doc.keys.iter().any(|k| &**k == "encryption_version") {
        return Err(InputError::EncryptedState { path: path.to_owned() });
    }
    let found = if doc.keys.is_empty() {
        "an empty object".to_owned()
    } else {
        let mut keys: Vec<String> = doc.keys.iter().take(6).map(|k| format!("`{}`", &**k)).collect();
        if doc.keys.len() > 6 {
            keys.push("…".to_owned());
        }
        format!("top-level keys: {}", keys.join(", "))
    };
    Err(InputError::NotTerraform { path: path.to_owned(), found })
}

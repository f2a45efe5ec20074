//! Reading Terraform source: the files of a root module and of every module it calls.
//!
//! In: a directory (or one `.tf`/`.tf.json` file). Out: a [`Tree`] of parsed module
//! directories, each file kept with its text (for locations and snippets) and its
//! body in the evaluator's [`ir`](super::ir). Files of one level of the module tree
//! are parsed in parallel.
//!
//! A `.tf` file is read by [`native`](super::native), a parser of the native syntax
//! that builds the IR directly. What it leaves (a syntax error, a repeated key, a
//! template directive, and other rare forms) is parsed with hcl-edit and lowered;
//! hcl-edit's message and location are what the user sees for a syntax error.
//! `.tf.json` files are built into an hcl-edit body, their strings parsed as
//! templates, and lowered the same way, so the evaluator reads one syntax.
//!
//! Terraform accepts two things hcl-edit refuses, and so does envwall: a byte-order
//! mark (stripped when the file is decoded) and a key repeated in an object
//! constructor, where the last one wins. For the latter the later key is renamed in
//! a private copy of the text to a placeholder of the same length, so every span
//! stays true, and lowering puts the original name back.
use std::path::{Path, PathBuf};

use hcl_edit::Ident;
use hcl_edit::expr::{Array, Expression, Object, ObjectKey, ObjectValue};
use hcl_edit::structure::{Attribute, Block, BlockLabel, Body};
use hcl_edit::template::StringTemplate;

use super::super::InputError;
use super::super::read::FileKind;
use super::super::source::Source;
use super::ir::{self, Lowering};
use super::native;
use super::overrides;
use crate::hash::{FastMap, FastSet};
use crate::vocab::paths::normalize;

/// One parsed file.
pub(crate) struct File {
    /// The path, as reached from the input the user gave.
    pub path: PathBuf,
    /// The decoded text that spans point into.
    pub text: String,
    /// The parsed body.
    pub body: ir::Body,
    /// Whether it is `.tf.json` (no spans).
    pub json: bool,
}

/// One module directory.
pub(crate) struct Dir {
    /// The directory.
    pub path: PathBuf,
    /// Its `.tf` and `.tf.json` files, sorted by name.
    pub files: Vec<File>,
}

/// The root module and every module directory it reaches.
pub(crate) struct Tree {
    /// Directories; the root is the first.
    pub dirs: Vec<Dir>,
    /// Module call key path (`net`, `net.subnets`) → its directory, or `None` when
    /// the module's source is not available here.
    pub calls: FastMap<String, Option<usize>>,
    /// Things to tell the user.
    pub warnings: Vec<String>,
}

/// Reads the root module at `root` (a directory, or a single file) and, level by
/// level, every module it calls.
/// `early` gives root module calls' sources that are expressions (OpenTofu's
/// early evaluation), by call name, as worked out from the variables and locals.
pub(crate) fn read_tree(root: &Path, early: &FastMap<String, String>) -> Result<Tree, InputError> {
    let mut tree = Tree { dirs: Vec::new(), calls: FastMap::default(), warnings: Vec::new() };
    let (root_dir, root_files) = if root.is_dir() {
        (root.to_owned(), module_files(root, &mut tree.warnings)?)
    } else {
        (root.parent().map(Path::to_owned).unwrap_or_default(), vec![root.to_owned()])
    };
    if root_files.is_empty() {
        let json: Vec<String> = std::fs::read_dir(root)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".json") || n.ends_with(".tfstate"))
                    .collect()
            })
            .unwrap_or_default();
        let hint = match json.first() {
            Some(file) => format!("; to read {file}, pass the file itself"),
            None => "; `envwall audit` finds the stacks below a directory".to_owned(),
        };
        return Err(InputError::Invalid {
            path: root.to_owned(),
            pointer: String::new(),
            message: format!("no .tf, .tf.json or .tofu files in this directory{hint}"),
        });
    }
    let downloaded = downloaded_modules(&root_dir, &mut tree.warnings);
    // Directories are known by their canonical path: `../../` from
    // `examples/complete` is the root module, however the root was typed.
    let mut by_path: FastMap<PathBuf, usize> = FastMap::default();
    // Call key path → the canonical directory of its module, to refuse recursion.
    let mut dir_of_key: FastMap<String, PathBuf> = FastMap::from_iter([(String::new(), canonical(&root_dir))]);
    // Modules from elsewhere that `terraform init` has not downloaded, said once.
    let mut missing: Vec<String> = Vec::new();
    // (directory, its files, the call key paths that reach it)
    let mut level: Vec<(PathBuf, Vec<PathBuf>, Vec<String>)> = vec![(root_dir, root_files, vec![String::new()])];
    while !level.is_empty() {
        let all: Vec<&Path> = level.iter().flat_map(|(_, files, _)| files.iter().map(PathBuf::as_path)).collect();
        let mut parsed = parse_parallel(&all).into_iter();
        let mut next: Vec<(PathBuf, Vec<PathBuf>, Vec<String>)> = Vec::new();
        // Directories of the next level, by path, so each is read once however many
        // calls reach it.
        let mut pending: FastMap<PathBuf, usize> = FastMap::default();
        // Every directory of this level gets its index now, so a call between two of
        // them finds it.
        let base = tree.dirs.len();
        for (k, (dir, _, _)) in level.iter().enumerate() {
            by_path.insert(canonical(dir), base + k);
        }
        for (dir, files, keys) in level {
            let mut parsed_files = Vec::with_capacity(files.len());
            for _ in 0..files.len() {
                let (file, warnings) = parsed.next().expect("one result per file")?;
                tree.warnings.extend(warnings);
                parsed_files.push(file);
            }
            overrides::apply(&mut parsed_files)?;
            for mut call in module_calls(&parsed_files) {
                if base == 0
                    && let Some(source) = early.get(&call.name)
                {
                    call.source.clone_from(source);
                    call.expression = false;
                }
                for key in &keys {
                    let call_key = if key.is_empty() { call.name.clone() } else { format!("{key}.{}", call.name) };
                    let target = resolve_source(&dir, &call, &call_key, &downloaded);
                    let Some(target) = target else {
                        if call.expression {
                            tree.warnings.push(format!(
                                "{}: module `{call_key}`: source `{}` is an expression whose value is not known here (OpenTofu evaluates variables and locals in a root module's sources; Terraform refuses any expression). Its resources are not analysed; its outputs are unknown values of this stack",
                                call.at, call.source
                            ));
                        } else if is_remote_source(&call.source) {
                            missing.push(format!("`{call_key}` (source `{}`, {})", call.source, call.at));
                        } else {
                            tree.warnings.push(format!(
                                "{}: module `{call_key}`: source `{}` is neither a local path (starting with ./ or ../) nor a registry or remote address, and Terraform refuses it. Its resources are not analysed; its outputs are unknown values of this stack",
                                call.at, call.source
                            ));
                        }
                        tree.calls.insert(call_key, None);
                        continue;
                    };
                    let identity = canonical(&target);
                    if let Some(caller) = recursion(&dir_of_key, key, &identity) {
                        return Err(InputError::Invalid {
                            path: call.file.clone(),
                            pointer: format!("module.{}", call_key.replace('.', ".module.")),
                            message: format!(
                                "module `{call_key}` (source `{}`) calls {caller} again: a module cannot call itself, directly or through others, and terraform init refuses it",
                                call.source,
                            ),
                        });
                    }
                    dir_of_key.insert(call_key.clone(), identity.clone());
                    if let Some(&i) = by_path.get(&identity) {
                        tree.calls.insert(call_key, Some(i));
                    } else if let Some(&p) = pending.get(&identity) {
                        next[p].2.push(call_key);
                    } else if !target.is_dir() {
                        tree.warnings.push(format!(
                            "{}: module `{call_key}`: source directory {} does not exist. Its resources are not analysed; its outputs are unknown values of this stack",
                            call.at,
                            target.display()
                        ));
                        tree.calls.insert(call_key, None);
                    } else {
                        let files = module_files(&target, &mut tree.warnings)?;
                        pending.insert(identity, next.len());
                        next.push((target, files, vec![call_key]));
                    }
                }
            }
            tree.dirs.push(Dir { path: dir, files: parsed_files });
        }
        // Calls into directories parsed in this round point at their new indexes.
        for (k, (_, _, keys)) in next.iter().enumerate() {
            for key in keys {
                tree.calls.insert(key.clone(), Some(tree.dirs.len() + k));
            }
        }
        level = next;
    }
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(4).map(String::as_str).collect();
        let more = if missing.len() > 4 { format!(" and {} more", missing.len() - 4) } else { String::new() };
        tree.warnings.push(format!(
            "{} module(s) are not available here; run `terraform init` to download them. What they make is not analysed, and their outputs are unknown values of this stack: {}{more}",
            missing.len(),
            shown.join(", ")
        ));
    }
    Ok(tree)
}

/// Whether a module source is one Terraform fetches: a registry address
/// (`[host/]namespace/name/system`, with an optional `//subdir`), or a remote one
/// (`git::`, `github.com/...`, `https://`, ...).
fn is_remote_source(source: &str) -> bool {
    const PREFIXES: &[&str] =
        &["git::", "hg::", "s3::", "gcs::", "http://", "https://", "git@", "github.com/", "bitbucket.org/"];
    if PREFIXES.iter().any(|p| source.starts_with(p)) {
        return true;
    }
    let address = source.split("//").next().unwrap_or(source);
    let parts: Vec<&str> = address.split('/').collect();
    matches!(parts.len(), 3 | 4) && parts.iter().all(|p| !p.is_empty() && !matches!(*p, "." | ".."))
}

/// The module the call key path `key`, or one of its callers, is read from when
/// it is `target`: a call from `key` to `target` would recurse.
fn recursion(dir_of_key: &FastMap<String, PathBuf>, key: &str, target: &Path) -> Option<String> {
    let mut current = Some(key);
    while let Some(k) = current {
        if dir_of_key.get(k).is_some_and(|d| d == target) {
            return Some(if k.is_empty() { "the root module".to_owned() } else { format!("module `{k}`") });
        }
        current = (!k.is_empty()).then(|| k.rsplit_once('.').map_or("", |(parent, _)| parent));
    }
    None
}

/// The identity of a directory: its canonical path, or its lexical one when it
/// does not exist.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// The name a Terraform or OpenTofu configuration file has in Terraform's terms:
/// `main.tofu` is `main.tf`, `main.tofu.json` is `main.tf.json`; `None` for any
/// other file.
pub(crate) fn terraform_name(name: &str) -> Option<std::borrow::Cow<'_, str>> {
    if name.ends_with(".tf") || name.ends_with(".tf.json") {
        return Some(std::borrow::Cow::Borrowed(name));
    }
    let (stem, ext) = name
        .strip_suffix(".tofu")
        .map(|s| (s, ".tf"))
        .or_else(|| name.strip_suffix(".tofu.json").map(|s| (s, ".tf.json")))?;
    Some(std::borrow::Cow::Owned(format!("{stem}{ext}")))
}

/// The `.tf`, `.tf.json`, `.tofu` and `.tofu.json` files directly in `dir`, sorted;
/// a `.tofu` file replaces the `.tf` file of the same name, as OpenTofu reads them.
fn module_files(dir: &Path, warnings: &mut Vec<String>) -> Result<Vec<PathBuf>, InputError> {
    let entries = std::fs::read_dir(dir).map_err(|source| InputError::Io { path: dir.to_owned(), source })?;
    let names: Vec<String> = std::fs::read_dir(dir)
        .map(|e| e.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| InputError::Io { path: dir.to_owned(), source })?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(as_terraform) = terraform_name(&name) else { continue };
        // `main.tf` beside `main.tofu`: OpenTofu reads the `.tofu` one only.
        if as_terraform == name {
            let tofu = name
                .strip_suffix(".tf.json")
                .map_or_else(|| format!("{}.tofu", name.trim_end_matches(".tf")), |stem| format!("{stem}.tofu.json"));
            if names.contains(&tofu) {
                continue;
            }
        }
        if let Some(why) = super::unreadable(&path) {
            warnings.push(format!("{}: {why}; the module is read without it", path.display()));
            continue;
        }
        files.push(path);
    }
    // Override files come last, each in name order: they apply to the others.
    files.sort_by_key(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        (overrides::is_override(&name), p.clone())
    });
    Ok(files)
}

/// A parsed file and the warnings parsing it gave.
type Parsed = Result<(File, Vec<String>), InputError>;

/// Parses files on all cores; results come back in the order given.
fn parse_parallel(paths: &[&Path]) -> Vec<Parsed> {
    crate::parallel::map(paths, |p| parse_file(p), |_| {})
}

/// Reads and parses one file.
pub(crate) fn parse_file(path: &Path) -> Result<(File, Vec<String>), InputError> {
    let text = read_text(path, FileKind::Source)?;
    let json = path.extension().is_some_and(|x| x == "json");
    if json {
        let body = json_body(path, &text)?;
        let warnings = repeated_json_keys(&text)
            .into_iter()
            .map(|k| {
                format!("{}: object key `{k}` is repeated; the last one is used, as Terraform does", path.display())
            })
            .collect();
        let body = Lowering::detached(&FastMap::default()).body(&body);
        return Ok((File { path: path.to_owned(), text, body, json }, warnings));
    }
    refuse_json(path, &text)?;
    parse_text(path, text)
}

/// Refuses JSON in a file Terraform reads as HCL (`main.tf`, `terraform.tfvars`):
/// Terraform would stop at its first `{`, and the fix is a new name.
fn refuse_json(path: &Path, text: &str) -> Result<(), InputError> {
    // No HCL body starts with `{`, so this costs nothing for HCL.
    if text.trim_start().starts_with('{') && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        return Err(InputError::JsonInHcl { path: path.to_owned() });
    }
    Ok(())
}

/// A file's text, decoded as every input is (byte-order mark, UTF-16); an empty
/// file is an empty module file, not an error.
fn read_text(path: &Path, kind: FileKind) -> Result<String, InputError> {
    match Source::from_bytes(path, crate::input::read::read(path, kind)?) {
        Ok(source) => Ok(source.into_text().unwrap_or_default()),
        Err(InputError::Empty { .. }) => Ok(String::new()),
        Err(e) => Err(e),
    }
}

fn json_error(path: &Path, e: &serde_json::Error) -> InputError {
    InputError::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column().max(1),
        pointer: String::new(),
        message: crate::input::json_message(e),
    }
}

/// Reads any HCL file (a `terragrunt.hcl`).
pub(crate) fn parse_file_as_hcl(path: &Path) -> Result<(File, Vec<String>), InputError> {
    let text = read_text(path, FileKind::Source)?;
    refuse_json(path, &text)?;
    parse_text(path, text)
}

/// Adds the files a Terragrunt unit's `generate` blocks write to the root
/// module, as Terragrunt writes them into its working directory: a file of the
/// same name is replaced, unless `if_exists` is `skip` or `error` (then it
/// stays, and for `error` the warning says that Terragrunt stops there).
pub(crate) fn add_generated(
    tree: &mut Tree,
    generated: &[super::terragrunt::config::Generated],
) -> Result<(), InputError> {
    for g in generated {
        if g.path.contains(['/', '\\']) || terraform_name(&g.path).is_none() || g.path.ends_with(".json") {
            continue;
        }
        let root = &mut tree.dirs[0];
        let path = root.path.join(&g.path);
        let existing = root.files.iter().position(|f| f.path.file_name().is_some_and(|n| *n == *g.path));
        if existing.is_some() {
            match g.if_exists.as_str() {
                "skip" => continue,
                "error" => {
                    tree.warnings.push(format!(
                        "{}: a `generate` block writes this file, which the module has, with if_exists = \"error\": Terragrunt stops here; the module's own file is read",
                        path.display()
                    ));
                    continue;
                }
                _ => {}
            }
        }
        let (file, warnings) = parse_text(&path, g.contents.clone())?;
        tree.warnings.extend(warnings);
        match existing {
            Some(i) => root.files[i] = file,
            None => {
                root.files.push(file);
                root.files.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
            }
        }
    }
    Ok(())
}

/// Reads a `.tfvars` or `.tfvars.json` file: a body of attributes.
pub(crate) fn parse_var_file(path: &Path) -> Result<(File, Vec<String>), InputError> {
    let text = read_text(path, FileKind::Variables)?;
    if !path.to_string_lossy().ends_with(".json") {
        refuse_json(path, &text)?;
        return parse_text(path, text);
    }
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| json_error(path, &e))?;
    let serde_json::Value::Object(map) = value else {
        return Err(InputError::Invalid {
            path: path.to_owned(),
            pointer: String::new(),
            message: "a .tfvars.json file holds an object of variable values".into(),
        });
    };
    let mut body = Body::new();
    for (k, v) in map {
        body.push(Attribute::new(Ident::new_unchecked(k.as_str()), json_expression(path, &v)?));
    }
    let body = Lowering::detached(&FastMap::default()).body(&body);
    Ok((File { path: path.to_owned(), text, body, json: true }, Vec::new()))
}

/// Parses HCL text: with the native parser, else with hcl-edit, renaming repeated
/// object keys as described in the module docs.
pub(crate) fn parse_text(path: &Path, text: String) -> Result<(File, Vec<String>), InputError> {
    let parsed = match native::parse_or_limit(&text) {
        Ok(parsed) => Some(parsed),
        Err(Some((at, limit))) => {
            let (line, column) = line_column(&text, at);
            let message = match limit {
                native::Limit::Nesting => format!(
                    "expressions nest more than {} levels deep here (or chain more operators than that); envwall reads no deeper",
                    native::MAX_NESTING
                ),
                native::Limit::Digits => format!(
                    "this number has more than {} digits written out; envwall reads none longer",
                    super::number::MAX_DIGITS
                ),
            };
            return Err(InputError::Syntax(Box::new(super::super::SyntaxError {
                path: path.to_owned(),
                line,
                column,
                message,
                src: miette::NamedSource::new(
                    path.display().to_string(),
                    crate::text::clean_source(crate::vocab::mask::mask_source(&text)),
                ),
                span: (at, 1).into(),
            })));
        }
        Err(None) => None,
    };
    if let Some((body, repeated)) = parsed {
        let warnings = repeated
            .into_iter()
            .map(|(at, name)| {
                let (line, column) = line_column(&text, at);
                format!(
                    "{}:{line}:{column}: object key `{name}` is repeated; the last one is used, as Terraform does",
                    path.display()
                )
            })
            .collect();
        return Ok((File { path: path.to_owned(), text, body, json: false }, warnings));
    }
    parse_with_hcl_edit(path, text)
}

/// Parses HCL text with hcl-edit, renaming repeated object keys as described in
/// the module docs; what the user sees for a syntax error.
pub(crate) fn parse_with_hcl_edit(path: &Path, text: String) -> Result<(File, Vec<String>), InputError> {
    let mut renamed_keys = FastMap::default();
    let mut warnings = Vec::new();
    let mut working: Option<String> = None;
    loop {
        let current = working.as_deref().unwrap_or(&text);
        match hcl_edit::parser::parse_body(current) {
            Ok(body) => {
                let body = Lowering {
                    text: &text,
                    renamed_keys: &renamed_keys,
                    spans: true,
                    suppressible: ir::has_suppressions(&text),
                }
                .body(&body);
                return Ok((File { path: path.to_owned(), text, body, json: false }, warnings));
            }
            Err(e) if e.message().contains("redefined object key") && renamed_keys.len() < 10_000 => {
                let at = e.location().offset();
                let Some((start, name)) = key_at(current, at) else { return Err(syntax_error(path, &text, &e)) };
                let mut copy = current.to_owned();
                let placeholder = placeholder(name.len(), renamed_keys.len());
                copy.replace_range(start..start + name.len(), &placeholder);
                let (line, column) = line_column(&text, start);
                warnings.push(format!(
                    "{}:{line}:{column}: object key `{name}` is repeated; the last one is used, as Terraform does",
                    path.display()
                ));
                renamed_keys.insert(start, name.to_owned());
                working = Some(copy);
            }
            Err(e) => return Err(syntax_error(path, &text, &e)),
        }
    }
}

/// The identifier or the inside of the quoted string at `at`.
fn key_at(text: &str, at: usize) -> Option<(usize, &str)> {
    let rest = text.get(at..)?;
    if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"')?;
        return (end > 0).then(|| (at + 1, &quoted[..end]));
    }
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
    (end > 0).then(|| (at, &rest[..end]))
}

/// A key of `len` ASCII characters that no real key is: `_` then letters counting up.
fn placeholder(len: usize, n: usize) -> String {
    let mut s = String::from("_");
    let mut n = n;
    while s.len() < len {
        s.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
    }
    s
}

fn syntax_error(path: &Path, text: &str, e: &hcl_edit::parser::Error) -> InputError {
    // At the end of the file the parser's line and column point one past its last
    // byte while the offset is clamped to it; the offset is the one to trust.
    let offset = e.location().offset().min(text.len());
    let (line, column) = line_column(text, offset);
    InputError::Syntax(Box::new(super::super::SyntaxError {
        path: path.to_owned(),
        line,
        column,
        message: e.message().to_owned(),
        src: miette::NamedSource::new(
            path.display().to_string(),
            crate::text::clean_source(crate::vocab::mask::mask_source(text)),
        ),
        span: (offset, usize::from(offset < text.len())).into(),
    }))
}

pub(crate) use crate::model::line_column;

pub(crate) struct Call {
    pub name: String,
    pub source: String,
    /// Whether `source` is an expression, as written, rather than a string.
    pub expression: bool,
    /// The file the call is written in.
    file: PathBuf,
    /// Where: `path:line:column`.
    at: String,
}

pub(crate) fn module_calls(files: &[File]) -> Vec<Call> {
    let mut out = Vec::new();
    for file in files {
        for block in file.body.get_blocks("module") {
            let Some(name) = block.labels.first() else { continue };
            let attr = block.body.get_attribute("source");
            let literal = |elements: &[ir::Element]| -> Option<String> {
                elements
                    .iter()
                    .map(|e| match e {
                        ir::Element::Literal(l) => Some(&**l),
                        _ => None,
                    })
                    .collect()
            };
            let (source, expression) = match attr.map(|a| &a.value.kind) {
                Some(ir::Kind::String(s)) => (s.to_string(), false),
                Some(ir::Kind::Template(elements)) if literal(elements).is_some() => {
                    (literal(elements).unwrap_or_default(), false)
                }
                Some(_) => {
                    let written = attr.and_then(|a| a.value.span.get()).and_then(|r| file.text.get(r));
                    (written.unwrap_or_default().to_owned(), true)
                }
                None => (String::new(), false),
            };
            let at = match block.span.get() {
                Some(span) => {
                    let (line, column) = line_column(&file.text, span.start);
                    format!("{}:{line}:{column}", file.path.display())
                }
                None => file.path.display().to_string(),
            };
            out.push(Call { name: name.to_string(), source, expression, file: file.path.clone(), at });
        }
    }
    out
}

fn resolve_source(dir: &Path, call: &Call, key: &str, downloaded: &FastMap<String, PathBuf>) -> Option<PathBuf> {
    if call.source.starts_with("./") || call.source.starts_with("../") {
        return Some(normalize(&dir.join(&call.source)));
    }
    downloaded.get(key).cloned()
}

/// `.terraform/modules/modules.json`: module key → downloaded directory.
fn downloaded_modules(root: &Path, warnings: &mut Vec<String>) -> FastMap<String, PathBuf> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Dir")]
        dir: String,
    }
    let path = root.join(".terraform/modules/modules.json");
    let Some(text) = crate::input::read::text_if_readable(&path, FileKind::Source) else { return FastMap::default() };
    match serde_json::from_str::<Manifest>(&text) {
        Ok(m) => m.modules.into_iter().filter(|e| !e.key.is_empty()).map(|e| (e.key, root.join(e.dir))).collect(),
        Err(e) => {
            warnings.push(format!("{}: {e}; downloaded modules are not analysed", path.display()));
            FastMap::default()
        }
    }
}

// ---- .tf.json ----

/// The object keys a JSON document repeats; serde_json keeps the last of each, as
/// Terraform does, without saying so.
fn repeated_json_keys(text: &str) -> Vec<String> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::cell::RefCell;

    #[derive(Clone, Copy)]
    struct Scan<'r>(&'r RefCell<Vec<String>>);

    impl<'de> DeserializeSeed<'de> for Scan<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Scan<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = FastSet::default();
            while let Some(key) = map.next_key::<String>()? {
                if !seen.insert(key.clone()) {
                    self.0.borrow_mut().push(key);
                }
                map.next_value_seed(self)?;
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(self)?.is_some() {}
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    }

    let found = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let _ = Scan(&found).deserialize(&mut de);
    found.into_inner()
}

/// Block types and how many labels each has, per Terraform's JSON syntax.
const JSON_BLOCKS: &[(&str, usize)] = &[
    ("resource", 2),
    ("data", 2),
    ("module", 1),
    ("variable", 1),
    ("output", 1),
    ("provider", 1),
    ("locals", 0),
    ("terraform", 0),
];

fn json_body(path: &Path, text: &str) -> Result<Body, InputError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(path, &e))?;
    let serde_json::Value::Object(top) = value else {
        return Err(InputError::Invalid {
            path: path.to_owned(),
            pointer: String::new(),
            message: "a .tf.json file holds an object of block types".into(),
        });
    };
    let mut body = Body::new();
    for (kind, content) in top {
        let Some(&(_, labels)) = JSON_BLOCKS.iter().find(|(k, _)| *k == kind) else { continue };
        json_blocks(path, &kind, Vec::new(), labels, &content, &mut body)?;
    }
    Ok(body)
}

fn json_blocks(
    path: &Path,
    kind: &str,
    labels: Vec<String>,
    remaining: usize,
    content: &serde_json::Value,
    out: &mut Body,
) -> Result<(), InputError> {
    match content {
        serde_json::Value::Array(items) => {
            for item in items {
                json_blocks(path, kind, labels.clone(), remaining, item, out)?;
            }
        }
        serde_json::Value::Object(map) if remaining > 0 => {
            for (label, inner) in map {
                let mut labels = labels.clone();
                labels.push(label.clone());
                json_blocks(path, kind, labels, remaining - 1, inner, out)?;
            }
        }
        serde_json::Value::Object(map) => {
            let mut block = Block::new(Ident::new_unchecked(kind));
            block.labels = labels.into_iter().map(|l| BlockLabel::String(l.into())).collect();
            for (key, v) in map {
                if key == "//" {
                    continue;
                }
                if key == "dynamic" && matches!(kind, "resource" | "data") {
                    json_dynamic(path, v, &mut block.body)?;
                    continue;
                }
                let expr = if matches!(key.as_str(), "depends_on" | "provider" | "providers") {
                    json_expression_keys(path, v)?
                } else {
                    json_expression(path, v)?
                };
                block.body.push(Attribute::new(Ident::new_unchecked(key.as_str()), expr));
            }
            out.push(block);
        }
        _ => {
            return Err(InputError::Invalid {
                path: path.to_owned(),
                pointer: format!("{kind}.{}", labels.join(".")),
                message: "expected an object (a block body)".into(),
            });
        }
    }
    Ok(())
}

/// `"dynamic": {"ingress": {"for_each": ..., "iterator": ..., "content": {...}}}`
/// (or a list of such objects), as the `dynamic` blocks it stands for; a
/// `dynamic` inside `content` nests.
fn json_dynamic(path: &Path, v: &serde_json::Value, out: &mut Body) -> Result<(), InputError> {
    let bad = |what: &str| InputError::Invalid {
        path: path.to_owned(),
        pointer: "dynamic".to_owned(),
        message: format!("a dynamic block in JSON is an object of block type → {{for_each, content}}; {what}"),
    };
    let items: Vec<&serde_json::Value> = match v {
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        let serde_json::Value::Object(by_label) = item else { return Err(bad("found something else")) };
        for (label, spec) in by_label {
            let specs: Vec<&serde_json::Value> = match spec {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for spec in specs {
                let serde_json::Value::Object(spec) = spec else { return Err(bad("its body is not an object")) };
                let mut block = Block::new(Ident::new_unchecked("dynamic"));
                block.labels = vec![BlockLabel::String(label.clone().into())];
                for (key, value) in spec {
                    match key.as_str() {
                        "content" => {
                            let serde_json::Value::Object(content) = value else {
                                return Err(bad("its content is not an object"));
                            };
                            let mut inner = Block::new(Ident::new_unchecked("content"));
                            for (k, v) in content {
                                if k == "dynamic" {
                                    json_dynamic(path, v, &mut inner.body)?;
                                } else if k != "//" {
                                    inner.body.push(Attribute::new(
                                        Ident::new_unchecked(k.as_str()),
                                        json_expression(path, v)?,
                                    ));
                                }
                            }
                            block.body.push(inner);
                        }
                        // The iterator is a name, written as a string.
                        "iterator" => block
                            .body
                            .push(Attribute::new(Ident::new_unchecked("iterator"), json_expression_keys(path, value)?)),
                        "//" => {}
                        other => {
                            block.body.push(Attribute::new(Ident::new_unchecked(other), json_expression(path, value)?))
                        }
                    }
                }
                out.push(block);
            }
        }
    }
    Ok(())
}

/// A JSON value as an expression: strings are templates.
fn json_expression(path: &Path, v: &serde_json::Value) -> Result<Expression, InputError> {
    Ok(match v {
        serde_json::Value::Null => Expression::null(),
        serde_json::Value::Bool(b) => Expression::from(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Expression::from(i),
            None => Expression::from(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) if !s.contains("${") && !s.contains("%{") => Expression::from(s.as_str()),
        serde_json::Value::String(s) => {
            let template = hcl_edit::parser::parse_template(s).map_err(|e| InputError::Invalid {
                path: path.to_owned(),
                pointer: format!("template {s:?}"),
                message: e.message().to_owned(),
            })?;
            Expression::StringTemplate(template.iter().cloned().collect::<StringTemplate>())
        }
        serde_json::Value::Array(items) => {
            let mut array = Array::new();
            for item in items {
                array.push(json_expression(path, item)?);
            }
            Expression::Array(array)
        }
        serde_json::Value::Object(map) => {
            let mut object = Object::new();
            for (k, v) in map {
                if k == "//" {
                    continue;
                }
                object.insert(
                    ObjectKey::Expression(Expression::from(k.as_str())),
                    ObjectValue::new(json_expression(path, v)?),
                );
            }
            Expression::Object(object)
        }
    })
}

/// `depends_on`, `provider`, `providers`: strings are bare expressions (`"aws.east"`).
fn json_expression_keys(path: &Path, v: &serde_json::Value) -> Result<Expression, InputError> {
    match v {
        serde_json::Value::String(s) => hcl_edit::parser::parse_expr(s).map_err(|e| InputError::Invalid {
            path: path.to_owned(),
            pointer: format!("expression {s:?}"),
            message: e.message().to_owned(),
        }),
        serde_json::Value::Array(items) => {
            let mut array = Array::new();
            for item in items {
                array.push(json_expression_keys(path, item)?);
            }
            Ok(Expression::Array(array))
        }
        serde_json::Value::Object(map) => {
            let mut object = Object::new();
            for (k, v) in map {
                object.insert(
                    ObjectKey::Expression(Expression::from(k.as_str())),
                    ObjectValue::new(json_expression_keys(path, v)?),
                );
            }
            Ok(Expression::Object(object))
        }
        other => json_expression(path, other),
    }
}

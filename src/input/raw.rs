//! The JSON documents Terraform writes, as borrowed serde types.
//!
//! In: a plan (`terraform show -json PLANFILE`), a state rendered by `terraform
//! show -json`, or a raw `terraform.tfstate` (v4, and the legacy v3 `modules`
//! layout), as it is read. Out: typed structs, with strings borrowed from the
//! text when it is in memory. One top-level visitor reads every format, so kind
//! detection costs no second pass; what is largest is lowered on the way (see
//! [`RawDoc`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::json::{Cursor, Step, Stop, index_of, path_text};
use super::{InputError, Source};
use crate::model::address::{Address, Key};
use crate::model::value::{AttrValue, InputStr};
use crate::model::{InputId, Resource};

/// Every top-level key envwall reads, from any of the formats.
///
/// The largest parts are lowered as they are read (see [`read`]), so that the
/// raw form of every resource never exists at once: `resource_changes`, a
/// state's `values` and a raw state's `resources` become [`Resource`]s on the
/// way. Resources of `planned_values` and `prior_state` are kept raw (the text of
/// each) only while they may be missing from `resource_changes`: once the changes
/// have been read, the ones they list are skipped as they come.
#[derive(Default)]
pub(crate) struct RawDoc<'a> {
    pub format_version: Option<String>,
    pub terraform_version: Option<String>,
    pub variables: Option<BTreeMap<InputStr<'a>, RawVariable<'a>>>,
    /// `resource_changes`, lowered.
    pub changes: Option<Changes<'a>>,
    /// Resources of `planned_values` and of `prior_state` that the changes may
    /// not list, in the order read; whether each section was there.
    pub planned: Pending,
    pub prior: Pending,
    pub configuration: Option<RawConfig<'a>>,
    /// `terraform show -json` of a state: its `values`, lowered.
    pub values: Option<Vec<Resource<'a>>>,
    /// Raw state: `version`, `serial`, `lineage`, `resources` / `modules`.
    pub version: Option<Box<RawValue>>,
    pub serial: Option<Box<RawValue>>,
    pub lineage: Option<Box<RawValue>>,
    /// A raw state v4's `resources`, lowered.
    pub resources: Option<Vec<Resource<'a>>>,
    pub modules: Option<Vec<RawV3Module<'a>>>,
    /// Every top-level key, for the "not Terraform output" message.
    pub keys: Vec<String>,
}

/// `resource_changes`, lowered as read.
pub(crate) struct Changes<'a> {
    pub resources: Vec<Resource<'a>>,
    /// Deposed objects skipped (left over from `create_before_destroy`).
    pub deposed: usize,
    /// Each resource's address hash and index, sorted, to tell whether a resource
    /// of `planned_values` or `prior_state` is among them.
    index: Vec<(u64, u32)>,
}

impl<'a> Changes<'a> {
    fn new(resources: Vec<Resource<'a>>, deposed: usize) -> Changes<'a> {
        let mut index: Vec<(u64, u32)> =
            resources.iter().enumerate().map(|(i, r)| (address_hash(&r.address), i as u32)).collect();
        index.sort_unstable();
        Changes { resources, deposed, index }
    }

    /// Whether a resource at `address` is among the changes.
    pub fn lists(&self, address: &Address) -> bool {
        let hash = address_hash(address);
        let from = self.index.partition_point(|(h, _)| *h < hash);
        self.index[from..]
            .iter()
            .take_while(|(h, _)| *h == hash)
            .any(|(_, i)| self.resources[*i as usize].address == *address)
    }
}

fn address_hash(address: &Address) -> u64 {
    use std::hash::BuildHasher as _;
    crate::hash::Hasher::default().hash_one(address)
}

/// Resources of `planned_values` or `prior_state` kept for after the changes.
#[derive(Default)]
pub(crate) struct Pending {
    /// Whether the section is in the document.
    pub present: bool,
    pub resources: Vec<KeptResource>,
}

/// A resource of a values section kept for after the changes: its text, and
/// the address of its module when its own address leaves it out.
pub(crate) struct KeptResource {
    pub text: Box<str>,
    pub module: Option<Arc<str>>,
}

/// Which values section is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    /// A state's `values`: lowered as read.
    State,
    /// `planned_values` or `prior_state`: kept unless the changes list them.
    Kept,
}

/// The most modules deep a values section may nest (Terraform's are a handful).
const MAX_MODULE_DEPTH: usize = 256;

/// Reads a JSON document, lowering its largest parts as it goes (see the
/// [`super::json`] module). The values kept as text are kept by `source`, for the
/// document to borrow from.
///
/// `text` is the document when it is not the source's own (rewritten without
/// repeated keys).
pub(crate) fn read<'a>(source: &'a Source, id: InputId, text: Option<&str>) -> Result<RawDoc<'a>, InputError> {
    let open = |offset: u64| -> Result<Box<dyn std::io::BufRead + '_>, InputError> {
        match text {
            Some(t) => Ok(Box::new(t.as_bytes().get(offset as usize..).unwrap_or_default())),
            None => source.bytes_from(offset),
        }
    };
    let mut reader = Reader { source, id, cursor: Cursor::new(open(0)?) };
    let (mut doc, kept, deferred) = reader.document().map_err(|stop| reader.stopped(stop))?;
    // The values sections read before the changes: read again now, skipping the
    // resources the changes list.
    for (key, offset) in deferred {
        let mut reader = Reader { source, id, cursor: Cursor::at(open(offset)?, offset) };
        reader.cursor.path.push(Step::Key(key.to_owned()));
        let changes = doc.changes.as_ref();
        let pending = match key {
            "prior_state" => reader.prior_state(changes),
            _ => {
                let mut out = Lowered::default();
                reader.values(Section::Kept, changes, &mut out).map(|()| out.pending)
            }
        };
        let pending = pending.map_err(|stop| reader.stopped(stop))?;
        match key {
            "prior_state" => doc.prior = pending,
            _ => doc.planned = pending,
        }
    }
    for (key, offset, text) in source.keep(kept) {
        match key.as_str() {
            "variables" => doc.variables = parse_kept(source, key, *offset, text)?,
            "configuration" => doc.configuration = parse_kept(source, key, *offset, text)?,
            "modules" => doc.modules = parse_kept(source, key, *offset, text)?,
            _ => {}
        }
    }
    Ok(doc)
}

/// Why reading stopped: the cursor's, or the loader's own error.
enum Stopped {
    Cursor(Stop),
    Input(InputError),
}

impl From<Stop> for Stopped {
    fn from(stop: Stop) -> Stopped {
        Stopped::Cursor(stop)
    }
}

impl From<InputError> for Stopped {
    fn from(e: InputError) -> Stopped {
        Stopped::Input(e)
    }
}

struct Reader<'s, R> {
    source: &'s Source,
    id: InputId,
    cursor: Cursor<R>,
}

impl<'s, R: std::io::BufRead> Reader<'s, R> {
    fn path(&self) -> &'s Path {
        &self.source.path
    }

    /// The top-level object: what is lowered, what is kept as text, and where the
    /// values sections read before the changes are.
    #[allow(clippy::type_complexity)]
    fn document<'a>(&mut self) -> Result<(RawDoc<'a>, Vec<(String, u64, String)>, Vec<(&'static str, u64)>), Stopped> {
        let mut doc = RawDoc::default();
        let mut kept = Vec::new();
        let mut deferred = Vec::new();
        if !self.cursor.object()? {
            return Err(not_terraform(self.path(), "the top level is not an object").into());
        }
        let mut first = true;
        while let Some(key) = self.cursor.key(first)? {
            first = false;
            self.cursor.path.push(Step::Key(key.clone()));
            match key.as_str() {
                "format_version" => {
                    let v: String = self.value()?;
                    if !format_version_supported(&v) {
                        return Err(InputError::UnsupportedFormat { path: self.path().to_owned(), version: v }.into());
                    }
                    doc.format_version = Some(v);
                }
                "terraform_version" => doc.terraform_version = self.value()?,
                "variables" | "configuration" | "modules" => {
                    let mut text = Vec::new();
                    let offset = self.cursor.capture(&mut text)?;
                    let text = String::from_utf8(text).map_err(|_| Stop::Syntax { offset })?;
                    kept.push((key.clone(), offset, text));
                }
                // Before the changes (where Terraform writes them), passed over
                // and read again after, to keep only what the changes leave out.
                "planned_values" | "prior_state" if doc.changes.is_none() => {
                    if !self.cursor.null()? {
                        let name = if key == "planned_values" { "planned_values" } else { "prior_state" };
                        deferred.push((name, self.cursor.pass()?));
                    }
                }
                "planned_values" => {
                    let mut out = Lowered::default();
                    self.values(Section::Kept, doc.changes.as_ref(), &mut out)?;
                    doc.planned = out.pending;
                }
                "resource_changes" => doc.changes = self.changes()?,
                "prior_state" => doc.prior = self.prior_state(doc.changes.as_ref())?,
                "values" => {
                    let mut out = Lowered::default();
                    self.values(Section::State, None, &mut out)?;
                    doc.values = Some(out.lowered);
                }
                "version" => doc.version = Some(self.value()?),
                "serial" => doc.serial = Some(self.value()?),
                "lineage" => doc.lineage = Some(self.value()?),
                "resources" => doc.resources = self.state_resources()?,
                _ => self.skip()?,
            }
            self.cursor.path.pop();
            doc.keys.push(key);
        }
        if !self.cursor.at_end()? {
            return Err(Stop::Syntax { offset: self.cursor.offset() }.into());
        }
        Ok((doc, kept, deferred))
    }

    /// The next value, parsed as a `T`.
    fn value<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, Stopped> {
        let mut bytes = Vec::new();
        let offset = self.cursor.capture(&mut bytes)?;
        self.parse(offset, &bytes)
    }

    /// Parses a value read at `offset` as a `T`; an error says where in the
    /// document, and the path to what is wrong.
    fn parse<'b, T: Deserialize<'b>>(&self, offset: u64, bytes: &'b [u8]) -> Result<T, Stopped> {
        serde_json::from_slice(bytes).map_err(|e| {
            let inside = tracked_path::<T>(bytes);
            let pointer = join_path(&path_text(&self.cursor.path), &inside);
            value_error(self.source, offset, bytes, &e, pointer).into()
        })
    }

    /// Skips the next value, which must still be valid JSON.
    fn skip(&mut self) -> Result<(), Stopped> {
        let mut bytes = Vec::new();
        let offset = self.cursor.capture(&mut bytes)?;
        self.parse::<IgnoredAny>(offset, &bytes).map(|_| ())
    }

    /// `resource_changes`: each change lowered as it is read.
    fn changes<'a>(&mut self) -> Result<Option<Changes<'a>>, Stopped> {
        if !self.cursor.list()? {
            return Ok(None);
        }
        // Room for as many changes as the document could hold, so the list is
        // never copied to grow: a million resources are hundreds of megabytes,
        // and a copy would hold them twice. What is never filled is address
        // space only; the pages a process uses are the ones it writes.
        let room = (self.source.len() / MIN_CHANGE_BYTES) as usize;
        let (mut resources, mut deposed) = (Vec::with_capacity(room.min(MAX_ROOM)), 0);
        let mut bytes = Vec::new();
        let mut i = 0;
        while self.cursor.element(i == 0)? {
            self.cursor.path.push(Step::Index(i));
            let offset = self.cursor.capture(&mut bytes)?;
            let change: RawResourceChange<'_> = self.parse(offset, &bytes)?;
            if change.deposed.is_some() {
                deposed += 1;
            } else {
                resources.push(super::plan::change_to_resource(self.path(), self.id, i, change)?);
            }
            self.cursor.path.pop();
            i += 1;
        }
        Ok(Some(Changes::new(resources, deposed)))
    }

    /// `prior_state`: an object whose `values` is a values section.
    fn prior_state(&mut self, changes: Option<&Changes<'_>>) -> Result<Pending, Stopped> {
        if !self.cursor.object()? {
            return Ok(Pending::default());
        }
        let mut out = Lowered::default();
        let mut first = true;
        while let Some(key) = self.cursor.key(first)? {
            first = false;
            self.cursor.path.push(Step::Key(key.clone()));
            if key == "values" {
                self.values(Section::Kept, changes, &mut out)?;
            } else {
                self.skip()?;
            }
            self.cursor.path.pop();
        }
        out.pending.present = true;
        Ok(out.pending)
    }

    /// A values section (`planned_values`, `prior_state.values`, a state's
    /// `values`): an object whose `root_module` holds the resources.
    fn values<'a>(
        &mut self,
        section: Section,
        changes: Option<&Changes<'_>>,
        out: &mut Lowered<'a>,
    ) -> Result<(), Stopped> {
        if !self.cursor.object()? {
            return Ok(());
        }
        out.pending.present = true;
        let mut first = true;
        while let Some(key) = self.cursor.key(first)? {
            first = false;
            self.cursor.path.push(Step::Key(key.clone()));
            if key == "root_module" {
                self.module(section, changes, out, 0)?;
            } else {
                self.skip()?;
            }
            self.cursor.path.pop();
        }
        Ok(())
    }

    /// A module of a values section and its child modules, into `out`: every
    /// resource in the order Terraform writes them (a module's own, then its
    /// children's, whatever order the keys come in).
    fn module<'a>(
        &mut self,
        section: Section,
        changes: Option<&Changes<'_>>,
        out: &mut Lowered<'a>,
        depth: usize,
    ) -> Result<(), Stopped> {
        if depth > MAX_MODULE_DEPTH {
            return Err(InputError::Invalid {
                path: self.path().to_owned(),
                pointer: path_text(&self.cursor.path),
                message: format!("modules nest more than {MAX_MODULE_DEPTH} deep"),
            }
            .into());
        }
        if !self.cursor.object()? {
            return Ok(());
        }
        let mut children: Vec<Lowered<'a>> = Vec::new();
        let (lowered_from, pending_from) = (out.lowered.len(), out.pending.resources.len());
        let mut address: Option<Arc<str>> = None;
        let mut first = true;
        while let Some(key) = self.cursor.key(first)? {
            first = false;
            self.cursor.path.push(Step::Key(key.clone()));
            match key.as_str() {
                "resources" => self.module_resources(section, changes, address.as_ref(), out)?,
                "address" if depth > 0 => {
                    let mut bytes = Vec::new();
                    let offset = self.cursor.capture(&mut bytes)?;
                    let text: Option<String> = self.parse(offset, &bytes)?;
                    address = text.map(Arc::from);
                }
                "child_modules" if self.cursor.list()? => {
                    let mut i = 0;
                    while self.cursor.element(i == 0)? {
                        self.cursor.path.push(Step::Index(i));
                        let mut child = Lowered::default();
                        self.module(section, changes, &mut child, depth + 1)?;
                        children.push(child);
                        self.cursor.path.pop();
                        i += 1;
                    }
                }
                "child_modules" => {}
                _ => self.skip()?,
            }
            self.cursor.path.pop();
        }
        // Format 0.1 leaves the module out of its resources' addresses; when
        // the module's address came after them, they get it now.
        if let Some(module) = &address {
            let steps = module_steps(self.path(), module).map_err(Stopped::Input)?;
            for r in &mut out.lowered[lowered_from..] {
                if r.address.module.is_empty() {
                    r.address.module = steps.clone();
                }
            }
            for r in &mut out.pending.resources[pending_from..] {
                r.module.get_or_insert_with(|| module.clone());
            }
        }
        for child in children {
            out.lowered.extend(child.lowered);
            out.pending.resources.extend(child.pending.resources);
        }
        Ok(())
    }

    /// A module's `resources`: each lowered (a state's `values`), skipped (listed
    /// by the changes already read) or kept.
    fn module_resources<'a>(
        &mut self,
        section: Section,
        changes: Option<&Changes<'_>>,
        module: Option<&Arc<str>>,
        out: &mut Lowered<'a>,
    ) -> Result<(), Stopped> {
        if !self.cursor.list()? {
            return Ok(());
        }
        let mut bytes = Vec::new();
        let mut i = 0;
        while self.cursor.element(i == 0)? {
            self.cursor.path.push(Step::Index(i));
            let offset = self.cursor.capture(&mut bytes)?;
            let r: RawResourceValues<'_> = self.parse(offset, &bytes)?;
            if r.deposed_key.is_none() {
                match section {
                    Section::State => {
                        let pointer = path_text(&self.cursor.path);
                        let module = module.map(|m| &**m);
                        out.lowered.push(super::plan::values_to_resource(self.path(), self.id, &pointer, &r, module)?);
                    }
                    Section::Kept if changes.is_some_and(|c| Address::parse(&r.address).is_ok_and(|a| c.lists(&a))) => {
                    }
                    Section::Kept => {
                        let text = std::str::from_utf8(&bytes).map_err(|_| Stop::Syntax { offset })?;
                        out.pending.resources.push(KeptResource { text: text.into(), module: module.cloned() });
                    }
                }
            }
            self.cursor.path.pop();
            i += 1;
        }
        Ok(())
    }

    /// A raw state v4's `resources`: each lowered as it is read.
    fn state_resources<'a>(&mut self) -> Result<Option<Vec<Resource<'a>>>, Stopped> {
        if !self.cursor.list()? {
            return Ok(None);
        }
        let mut out = Vec::new();
        let mut bytes = Vec::new();
        let mut i = 0;
        while self.cursor.element(i == 0)? {
            self.cursor.path.push(Step::Index(i));
            let offset = self.cursor.capture(&mut bytes)?;
            let resource: RawV4Resource<'_> = self.parse(offset, &bytes)?;
            super::state::lower_v4_resource(self.path(), self.id, i, resource, &mut out)?;
            self.cursor.path.pop();
            i += 1;
        }
        out.shrink_to_fit();
        Ok(Some(out))
    }

    /// The error for where reading stopped.
    fn stopped(&mut self, stopped: Stopped) -> InputError {
        let stop = match stopped {
            Stopped::Input(e) => return e,
            Stopped::Cursor(stop) => stop,
        };
        let path = self.path().to_owned();
        let pointer = path_text(&self.cursor.path);
        match stop {
            Stop::Io(source) => InputError::Io { path, source },
            Stop::Type { offset } => {
                // The value is not the object or list the document has there:
                // serde_json words it, as for any other value of the wrong type.
                let mut bytes = Vec::new();
                let _ = self.cursor.capture(&mut bytes);
                let error = match self.cursor.path.is_empty() {
                    true => return top_level_error(self.source, &bytes),
                    false => serde_json::from_slice::<Container>(&bytes).err(),
                };
                match error {
                    Some(e) => value_error(self.source, offset, &bytes, &e, pointer),
                    None => syntax_error(self.source, offset, pointer),
                }
            }
            Stop::Syntax { offset } => syntax_error(self.source, offset, pointer),
        }
    }
}

/// What the outer structure expects where it found something else: an object or
/// a list (serde_json's message names both).
#[derive(Debug)]
struct Container;

impl<'de> Deserialize<'de> for Container {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Container, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Container;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or a list")
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Container, A::Error> {
                Ok(Container)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Container, A::Error> {
                Ok(Container)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// What values were lowered or kept, from one values section or module.
#[derive(Default)]
struct Lowered<'a> {
    lowered: Vec<Resource<'a>>,
    pending: Pending,
}

/// The fewest bytes a resource change takes in plan JSON (its address, mode,
/// type, name, provider and change: 250 and more in Terraform's output).
const MIN_CHANGE_BYTES: u64 = 200;

/// The most changes room is made for before the first is read.
const MAX_ROOM: usize = 20_000_000;

/// A module address's steps, for resources whose address leaves it out.
fn module_steps(path: &Path, module: &str) -> Result<Arc<[crate::model::address::ModuleStep]>, InputError> {
    crate::model::address::parse_module_path(module).map(Arc::from).map_err(|e| InputError::Invalid {
        path: path.to_owned(),
        pointer: "child_modules".into(),
        message: format!("`{module}` is not a module address: {}", e.message),
    })
}

fn not_terraform(path: &Path, found: &str) -> InputError {
    InputError::NotTerraform { path: path.to_owned(), found: found.to_owned() }
}

/// A document whose top level is not an object: what it is, when it is valid
/// JSON, else what is wrong with it.
fn top_level_error(source: &Source, first: &[u8]) -> InputError {
    if let Some(e) = whole_document_error(source) {
        return json_error(&source.path, &e, String::new());
    }
    let found = match first.first() {
        Some(b'[') => "the top level is an array",
        Some(b'"') => "the top level is a string",
        _ => "the top level is not an object",
    };
    not_terraform(&source.path, found)
}

/// serde_json's error for the whole document, read again from the start.
fn whole_document_error(source: &Source) -> Option<serde_json::Error> {
    let bytes = source.bytes().ok()?;
    serde_json::from_reader::<_, IgnoredAny>(bytes).err()
}

/// The document is not well-formed JSON at `offset`: serde_json, reading it
/// again, says how and where.
fn syntax_error(source: &Source, offset: u64, pointer: String) -> InputError {
    match whole_document_error(source) {
        Some(e) => json_error(&source.path, &e, pointer),
        None => {
            let (line, column) = position(source, offset);
            InputError::Json {
                path: source.path.clone(),
                line,
                column: column.max(1),
                pointer,
                message: "unexpected character".into(),
            }
        }
    }
}

/// A value read at `offset` that serde_json refused, placed in the document.
fn value_error(source: &Source, offset: u64, bytes: &[u8], e: &serde_json::Error, pointer: String) -> InputError {
    let at = offset + index_of(bytes, e.line(), e.column()) as u64;
    let (line, column) = position(source, at);
    InputError::Json {
        path: source.path.clone(),
        line,
        column: column.max(1),
        pointer,
        message: super::json_message(e),
    }
}

fn json_error(path: &Path, e: &serde_json::Error, pointer: String) -> InputError {
    InputError::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column().max(1),
        pointer,
        message: super::json_message(e),
    }
}

/// The line and column (serde_json's: bytes after the line's start) of an offset
/// in the document, counted by reading it again (for messages only).
fn position(source: &Source, offset: u64) -> (usize, usize) {
    use std::io::Read as _;
    let (mut line, mut line_start, mut at) = (1usize, 0u64, 0u64);
    let Ok(bytes) = source.bytes() else { return (1, offset as usize) };
    let mut bytes = bytes.take(offset);
    let mut chunk = vec![0u8; 1 << 16];
    while let Ok(n) = bytes.read(&mut chunk) {
        if n == 0 {
            break;
        }
        for i in memchr::memchr_iter(b'\n', &chunk[..n]) {
            line += 1;
            line_start = at + i as u64 + 1;
        }
        at += n as u64;
    }
    (line, (offset - line_start) as usize)
}

/// The path inside a value where serde_json refuses it as a `T`.
fn tracked_path<'b, T: Deserialize<'b>>(bytes: &'b [u8]) -> String {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => e.path().to_string(),
        Ok(_) => String::new(),
    }
}

fn join_path(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty() || inner == ".") {
        (_, true) => outer.to_owned(),
        (true, false) => inner.to_owned(),
        (false, false) if inner.starts_with('[') => format!("{outer}{inner}"),
        (false, false) => format!("{outer}.{inner}"),
    }
}

/// Parses a top-level value kept as text (`configuration`, `variables`), which
/// the model borrows from.
fn parse_kept<'a, T: Deserialize<'a>>(source: &Source, key: &str, offset: u64, text: &'a str) -> Result<T, InputError> {
    serde_json::from_str(text).map_err(|e| {
        let pointer = join_path(key, &tracked_path::<T>(text.as_bytes()));
        value_error(source, offset, text.as_bytes(), &e, pointer)
    })
}

/// Terraform's JSON formats promise compatibility within a major version; 0.x
/// (Terraform 0.12–0.15) and 1.x are read.
pub(crate) fn format_version_supported(v: &str) -> bool {
    matches!(v.split('.').next(), Some("0" | "1"))
}

#[derive(Deserialize)]
pub(crate) struct RawVariable<'a> {
    #[serde(borrow, default)]
    pub value: AttrValue<'a>,
}

#[derive(Deserialize)]
pub(crate) struct RawResourceValues<'a> {
    #[serde(borrow)]
    pub address: InputStr<'a>,
    #[serde(borrow, default)]
    pub provider_name: Option<InputStr<'a>>,
    // Kept unparsed while the resource may be among the changes.
    #[serde(borrow, default)]
    pub values: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub sensitive_values: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub depends_on: Vec<InputStr<'a>>,
    #[serde(borrow, default)]
    pub deposed_key: Option<InputStr<'a>>,
    /// The instance key, which format 0.1 leaves out of `address`.
    #[serde(borrow, default)]
    pub index: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(crate) struct RawResourceChange<'a> {
    #[serde(borrow)]
    pub address: InputStr<'a>,
    #[serde(borrow, default)]
    pub provider_name: Option<InputStr<'a>>,
    #[serde(borrow, default)]
    pub deposed: Option<InputStr<'a>>,
    #[serde(borrow)]
    pub change: RawChange<'a>,
}

#[derive(Deserialize)]
pub(crate) struct RawChange<'a> {
    #[serde(borrow)]
    pub actions: Vec<InputStr<'a>>,
    // `before` is parsed only for what the plan destroys.
    #[serde(borrow, default)]
    pub before: Option<&'a RawValue>,
    // The model's own: the text of the change is dropped once it is lowered.
    #[serde(default, deserialize_with = "owned_value")]
    pub after: Option<AttrValue<'static>>,
    #[serde(borrow, default)]
    pub after_unknown: Option<AttrValue<'a>>,
    #[serde(borrow, default)]
    pub before_sensitive: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub after_sensitive: Option<AttrValue<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawConfig<'a> {
    #[serde(borrow, default)]
    pub provider_config: BTreeMap<InputStr<'a>, RawProviderConfig<'a>>,
    #[serde(borrow, default)]
    pub root_module: Option<RawConfigModule<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawProviderConfig<'a> {
    #[serde(borrow, default)]
    pub name: Option<InputStr<'a>>,
    #[serde(borrow, default)]
    pub full_name: Option<InputStr<'a>>,
    #[serde(borrow, default)]
    pub alias: Option<InputStr<'a>>,
    #[serde(borrow, default)]
    pub expressions: Option<AttrValue<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawConfigModule<'a> {
    #[serde(borrow, default)]
    pub outputs: BTreeMap<InputStr<'a>, RawOutput<'a>>,
    #[serde(borrow, default)]
    pub resources: Vec<RawConfigResource<'a>>,
    #[serde(borrow, default)]
    pub module_calls: BTreeMap<InputStr<'a>, RawModuleCall<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawOutput<'a> {
    #[serde(borrow, default)]
    pub expression: Option<AttrValue<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawConfigResource<'a> {
    #[serde(borrow, default)]
    pub mode: Option<InputStr<'a>>,
    #[serde(borrow, default)]
    pub provider_config_key: Option<InputStr<'a>>,
    #[serde(borrow, rename = "type")]
    pub kind: InputStr<'a>,
    #[serde(borrow)]
    pub name: InputStr<'a>,
    #[serde(borrow, default)]
    pub expressions: Option<AttrValue<'a>>,
    #[serde(borrow, default)]
    pub for_each_expression: Option<AttrValue<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawModuleCall<'a> {
    #[serde(borrow, default)]
    pub expressions: Option<AttrValue<'a>>,
    #[serde(borrow, default)]
    pub for_each_expression: Option<AttrValue<'a>>,
    #[serde(borrow, default)]
    pub module: Option<RawConfigModule<'a>>,
}

/// A raw state v4 resource (`resources[]`), grouping its instances.
#[derive(Deserialize)]
pub(crate) struct RawV4Resource<'a> {
    #[serde(borrow, default)]
    pub module: Option<InputStr<'a>>,
    #[serde(borrow, default)]
    pub mode: Option<InputStr<'a>>,
    #[serde(borrow, rename = "type")]
    pub kind: InputStr<'a>,
    #[serde(borrow)]
    pub name: InputStr<'a>,
    #[serde(borrow, default)]
    pub provider: Option<InputStr<'a>>,
    #[serde(borrow, default)]
    pub instances: Vec<RawV4Instance<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawV4Instance<'a> {
    #[serde(default)]
    pub index_key: Option<Key>,
    #[serde(borrow, default)]
    pub deposed: Option<InputStr<'a>>,
    // The value's own strings: the map of the file is given back as it is read.
    #[serde(default, deserialize_with = "owned_value")]
    pub attributes: Option<AttrValue<'static>>,
    #[serde(borrow, default)]
    pub attributes_flat: Option<BTreeMap<InputStr<'a>, InputStr<'a>>>,
    #[serde(borrow, default)]
    pub sensitive_attributes: Option<AttrValue<'a>>,
    #[serde(borrow, default)]
    pub dependencies: Vec<InputStr<'a>>,
    #[serde(borrow, default)]
    pub depends_on: Vec<InputStr<'a>>,
}

/// A value read with every string its own; `null` is none.
fn owned_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<AttrValue<'static>>, D::Error> {
    let value = de::DeserializeSeed::deserialize(crate::model::value::Owned, deserializer)?;
    Ok((!matches!(value, AttrValue::Null)).then_some(value))
}

/// A legacy (Terraform ≤ 0.11) state module.
#[derive(Deserialize)]
pub(crate) struct RawV3Module<'a> {
    #[serde(borrow, default)]
    pub path: Vec<InputStr<'a>>,
    #[serde(borrow, default)]
    pub resources: BTreeMap<InputStr<'a>, RawV3Resource<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawV3Resource<'a> {
    #[serde(borrow, rename = "type", default)]
    pub kind: Option<InputStr<'a>>,
    #[serde(borrow, default)]
    pub depends_on: Vec<InputStr<'a>>,
    #[serde(borrow, default)]
    pub primary: Option<RawV3Instance<'a>>,
    #[serde(borrow, default)]
    pub provider: Option<InputStr<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawV3Instance<'a> {
    #[serde(borrow, default)]
    pub attributes: BTreeMap<InputStr<'a>, InputStr<'a>>,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an instance key (a number or a string)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                i64::try_from(v).map(Key::Int).map_err(|_| E::custom("instance index out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key::Str(v.into()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

//! Policy: which environments exist, how to recognise them, and how rules behave.
//!
//! In: the built-in `policies/default.hcl` (embedded) plus the user's policy files
//! (`--policy PATH`, else the nearest `.envwall.hcl`). Out: one [`Policy`]. A user
//! file adds to the built-in policy: a new environment is added; one with a built-in
//! name is merged into it; an alias a user environment claims is taken from every
//! built-in environment. Parsing and every mistake in a file (with the span to
//! show) live in `parse`.

mod date;
mod parse;

use std::path::{Path, PathBuf};

use ipnet::IpNet;

pub use date::Date;
pub use parse::PolicyError;

use crate::vocab::tokens::tokenize;

/// The embedded built-in policy.
pub const DEFAULT_POLICY: &str = include_str!("../../policies/default.hcl");

/// The file name looked up in the current directory and its parents.
pub const POLICY_FILE: &str = ".envwall.hcl";

/// How production-like an environment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Tier {
    /// Production.
    Production,
    /// Anything that is not production: staging, test, development, sandbox.
    NonProduction,
    /// Platform and hub networks that legitimately reach every environment.
    Shared,
    /// Not known.
    #[default]
    Unknown,
}

impl Tier {
    /// The name used in policy files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Production => "production",
            Tier::NonProduction => "non-production",
            Tier::Shared => "shared",
            Tier::Unknown => "unknown",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Tier> {
        Some(match s {
            "production" => Tier::Production,
            "non-production" => Tier::NonProduction,
            "shared" => Tier::Shared,
            _ => return None,
        })
    }

    /// Whether two tiers are production on one side and non-production on the other.
    pub fn crosses(self, other: Tier) -> bool {
        matches!((self, other), (Tier::Production, Tier::NonProduction) | (Tier::NonProduction, Tier::Production))
    }
}

/// Finding severities, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// For information only.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// The name used in policy files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a severity name.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

/// Where a policy item was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `policies/default.hcl`, embedded.
    BuiltIn,
    /// A user's policy file.
    File(PathBuf),
}

/// One environment and what identifies it.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Its name, e.g. `production`.
    pub name: String,
    /// Its tier.
    pub tier: Tier,
    /// Other words for it (the name is always one).
    pub aliases: Vec<String>,
    /// Address ranges that belong to it.
    pub cidrs: Vec<IpNet>,
    /// AWS account ids.
    pub accounts: Vec<String>,
    /// Google Cloud project ids.
    pub projects: Vec<String>,
    /// Azure subscription ids.
    pub subscriptions: Vec<String>,
    /// DNS domains (a host is in it when it equals or ends with `.domain`).
    pub domains: Vec<String>,
    /// Resource address patterns (`*` matches anything).
    pub addresses: Vec<Pattern>,
    /// Input path patterns (`*` matches anything).
    pub paths: Vec<Pattern>,
    /// Where it was declared.
    pub origin: Origin,
}

impl Environment {
    /// The name and aliases as token sequences, for matching words.
    pub fn alias_tokens(&self) -> impl Iterator<Item = Vec<String>> + '_ {
        std::iter::once(&self.name).chain(&self.aliases).map(|a| tokenize(a))
    }
}

/// A `*`/`?` wildcard pattern, compiled once.
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    /// `None` only if the pattern could not be compiled, which escaping every
    /// other character rules out; it then matches nothing.
    matcher: Option<globset::GlobMatcher>,
}

impl Pattern {
    /// The pattern as written: `*` is any run of characters, `?` one character,
    /// everything else itself (`[`, `{` and `\` included, as addresses hold them).
    pub fn new(text: impl Into<String>) -> Pattern {
        let text = text.into();
        let mut glob = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            match c {
                // `**` means more to globset than two `*`s; here it means one.
                '*' if glob.ends_with('*') => {}
                '*' | '?' => glob.push(c),
                c => glob.push_str(&globset::escape(c.encode_utf8(&mut [0; 4]))),
            }
        }
        let matcher = globset::GlobBuilder::new(&glob)
            .literal_separator(false)
            .backslash_escape(false)
            .build()
            .ok()
            .map(|g| g.compile_matcher());
        Pattern { text, matcher }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.is_match(text))
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.text == other.text
    }
}

impl Eq for Pattern {}

/// `rule "CODE" { enabled, severity }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetting {
    /// The rule code.
    pub code: String,
    /// Whether the rule runs (default: yes).
    pub enabled: Option<bool>,
    /// Its severity instead of the default.
    pub severity: Option<Severity>,
}

/// `exception "name" { rules, address, reason, expires }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// Its name.
    pub name: String,
    /// The rule codes it suppresses (empty: all).
    pub rules: Vec<String>,
    /// The addresses it applies to.
    pub address: Pattern,
    /// Why it is accepted.
    pub reason: String,
    /// The last day it applies.
    pub expires: Option<Date>,
}

/// The policy in force for a run.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Environments, built-in first.
    pub environments: Vec<Environment>,
    /// Normalised tag/label keys (lowercase, no `-`, `_` or spaces).
    pub label_keys: Vec<String>,
    /// Word sequences that never name an environment.
    pub ignore_words: Vec<Vec<String>>,
    /// Rule settings.
    pub rules: Vec<RuleSetting>,
    /// Accepted exceptions.
    pub exceptions: Vec<Exception>,
    /// The user files the policy was read from (none: built-in only).
    pub files: Vec<PathBuf>,
}

/// Normalises a tag or label key: lowercase, without `-`, `_`, `.`, `:` or spaces.
pub fn normalize_key(key: &str) -> String {
    normalized_chars(key).collect()
}

/// Whether `key` normalizes to `normalized`, without building the normalized key
/// (tag keys are compared by the hundred thousand).
pub fn key_is(key: &str, normalized: &str) -> bool {
    if !key.is_ascii() {
        return normalized_chars(key).eq(normalized.chars());
    }
    let mut wanted = normalized.bytes();
    key.bytes().filter(|b| !is_key_separator(char::from(*b))).all(|b| wanted.next() == Some(b.to_ascii_lowercase()))
        && wanted.next().is_none()
}

fn normalized_chars(key: &str) -> impl Iterator<Item = char> + '_ {
    key.chars().filter(|c| !is_key_separator(*c)).flat_map(char::to_lowercase)
}

fn is_key_separator(c: char) -> bool {
    matches!(c, '-' | '_' | ' ' | '.' | ':')
}

impl Policy {
    /// The built-in policy alone.
    pub fn builtin() -> Policy {
        // The embedded file is tested to parse (policy::tests); failing here would be
        // a build defect, reported as such rather than as a user error.
        let file = parse::parse(Origin::BuiltIn, "policies/default.hcl", DEFAULT_POLICY, &[], &[])
            .unwrap_or_else(|e| panic!("the built-in policy does not parse: {e}"));
        let mut policy = Policy {
            environments: Vec::new(),
            label_keys: Vec::new(),
            ignore_words: Vec::new(),
            rules: Vec::new(),
            exceptions: Vec::new(),
            files: Vec::new(),
        };
        policy.merge(file);
        policy
    }

    /// Loads the policy for a run: `explicit` (a file or a directory of `*.hcl`
    /// files) if given, else the nearest `.envwall.hcl` from `cwd` up to the
    /// repository root, on top of the built-in policy. `rule_codes` are the
    /// rules a policy may name (`envwall::rules::codes()`).
    pub fn discover(explicit: Option<&Path>, cwd: &Path, rule_codes: &[&str]) -> Result<Policy, PolicyError> {
        let mut policy = Policy::builtin();
        let files = match explicit {
            Some(p) => explicit_files(p)?,
            None => find_policy_file(cwd).into_iter().collect(),
        };
        for path in files {
            let bytes = crate::input::read::read(&path, crate::input::read::FileKind::Policy)
                .map_err(|e| PolicyError::unreadable(&path, format!("cannot read the policy: {e}")))?;
            let text = String::from_utf8(bytes).map_err(|_| PolicyError::io(&path, &"it is not UTF-8 text"))?;
            policy.add_file(path, &text, rule_codes)?;
        }
        Ok(policy)
    }

    /// Adds a policy file's text, read from `path`, on top of this policy; it
    /// may name the rules `rule_codes`.
    pub fn add_file(&mut self, path: PathBuf, text: &str, rule_codes: &[&str]) -> Result<(), PolicyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let builtin: Vec<String> = self.environments.iter().map(|e| e.name.clone()).collect();
        let file = parse::parse(Origin::File(path.clone()), &path.display().to_string(), text, &builtin, rule_codes)?;
        self.merge(file);
        self.files.push(path);
        Ok(())
    }

    fn merge(&mut self, file: parse::PolicyFile) {
        let user = matches!(file.origin, Origin::File(_));
        for env in file.environments {
            if user {
                // An alias a user environment claims is theirs alone.
                let claimed: Vec<String> =
                    std::iter::once(env.name.clone()).chain(env.aliases.iter().cloned()).collect();
                for other in self.environments.iter_mut().filter(|e| e.name != env.name) {
                    other.aliases.retain(|a| !claimed.contains(a));
                }
            }
            match self.environments.iter_mut().find(|e| e.name == env.name) {
                Some(existing) => {
                    if env.tier != Tier::Unknown {
                        existing.tier = env.tier;
                    }
                    for a in env.aliases {
                        if !existing.aliases.contains(&a) {
                            existing.aliases.push(a);
                        }
                    }
                    existing.cidrs.extend(env.cidrs);
                    existing.accounts.extend(env.accounts);
                    existing.projects.extend(env.projects);
                    existing.subscriptions.extend(env.subscriptions);
                    existing.domains.extend(env.domains);
                    existing.addresses.extend(env.addresses);
                    existing.paths.extend(env.paths);
                    existing.origin = env.origin;
                }
                None => self.environments.push(env),
            }
        }
        for key in file.label_keys {
            let key = normalize_key(&key);
            if !self.label_keys.contains(&key) {
                self.label_keys.push(key);
            }
        }
        self.ignore_words.extend(file.ignore_words.iter().map(|w| tokenize(w)));
        for rule in file.rules {
            match self.rules.iter_mut().find(|r| r.code == rule.code) {
                Some(existing) => {
                    existing.enabled = rule.enabled.or(existing.enabled);
                    existing.severity = rule.severity.or(existing.severity);
                }
                None => self.rules.push(rule),
            }
        }
        self.exceptions.extend(file.exceptions);
    }

    /// The environment with this name or alias.
    pub fn environment(&self, name: &str) -> Option<usize> {
        let tokens = tokenize(name);
        self.environments
            .iter()
            .position(|e| e.name == name)
            .or_else(|| self.words().into_iter().find(|(w, _)| *w == tokens).map(|(_, env)| env))
    }

    /// Every word sequence that names an environment, with the environment it
    /// names: each environment's name and aliases, then the negated forms of the
    /// production words. A production word with a negating prefix (`non`, `not`,
    /// `pre`) or the suffix `like` is never production: `non-production`,
    /// `NonProduction`, `notprd` and `prod-like` name the environment that holds
    /// `non-prod`, `preproduction` the one that holds `pre-prod`. A form an
    /// environment lists itself keeps its owner.
    pub fn words(&self) -> Vec<(Vec<String>, usize)> {
        let mut out: Vec<(Vec<String>, usize)> = Vec::new();
        for (i, env) in self.environments.iter().enumerate() {
            for alias in env.alias_tokens() {
                if !alias.is_empty() && !out.iter().any(|(w, _)| *w == alias) {
                    out.push((alias, i));
                }
            }
        }
        let production: Vec<Vec<String>> = out
            .iter()
            .filter(|(_, i)| self.environments[*i].tier == Tier::Production)
            .map(|(w, _)| w.clone())
            .collect();
        for (before, after) in [("non", ""), ("not", ""), ("pre", ""), ("", "like")] {
            let forms = |word: &[String]| -> Vec<Vec<String>> {
                let mut spaced: Vec<String> = word.to_vec();
                if !before.is_empty() {
                    spaced.insert(0, before.to_owned());
                }
                if !after.is_empty() {
                    spaced.push(after.to_owned());
                }
                let mut forms = vec![spaced];
                if let [one] = word {
                    forms.push(vec![format!("{before}{one}{after}")]);
                }
                forms
            };
            // Where the negated forms go: the environment that already lists one of
            // them (`non-prod`), else the first non-production one.
            let listed = production.iter().flat_map(|w| forms(w)).find_map(|f| out.iter().find(|(w, _)| *w == f));
            let target = listed.map(|(_, i)| *i).or_else(|| {
                let named = |n: &str| self.environments.iter().position(|e| e.name == n);
                let preferred = if before == "pre" { named("staging") } else { named("nonprod") };
                preferred
                    .filter(|&i| self.environments[i].tier == Tier::NonProduction)
                    .or_else(|| self.environments.iter().position(|e| e.tier == Tier::NonProduction))
            });
            let Some(target) = target else { continue };
            for word in &production {
                for form in forms(word) {
                    if !out.iter().any(|(w, _)| *w == form) {
                        out.push((form, target));
                    }
                }
            }
        }
        out
    }

    /// The setting for a rule, if the policy has one.
    pub fn rule(&self, code: &str) -> Option<&RuleSetting> {
        self.rules.iter().find(|r| r.code == code)
    }
}

fn explicit_files(path: &Path) -> Result<Vec<PathBuf>, PolicyError> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| PolicyError::io(path, &e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "hcl"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(PolicyError::io(path, &std::io::Error::other("the directory holds no .hcl files")));
        }
        Ok(files)
    } else {
        Ok(vec![path.to_owned()])
    }
}

/// `.envwall.hcl` in `start` or the nearest parent up to the repository root
/// (the first directory with a `.git`). Outside a repository only `start` itself
/// is looked in: a file in some directory above would apply to whatever is run
/// below it.
fn find_policy_file(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_owned());
    let root = start.ancestors().find(|d| d.join(".git").exists());
    let candidates: Vec<&Path> = match root {
        Some(root) => start.ancestors().take_while(|d| d.starts_with(root)).collect(),
        None => vec![start.as_path()],
    };
    candidates.into_iter().map(|d| d.join(POLICY_FILE)).find(|c| std::fs::metadata(c).is_ok_and(|m| m.is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Comparing in place agrees with normalizing both keys.
        #[test]
        fn key_is_compares_normalized_keys(a in "[a-zA-Zé_ .:-]{0,12}", b in "[a-zA-Z_ .:-]{0,12}") {
            proptest::prop_assert!(key_is(&a, &normalize_key(&a)));
            proptest::prop_assert_eq!(key_is(&a, &normalize_key(&b)), normalize_key(&a) == normalize_key(&b));
        }
    }

    #[test]
    fn key_is_ignores_case_and_separators() {
        assert!(key_is("Environment", "environment"));
        assert!(key_is("deploy-env", "deployenv"));
        assert!(key_is("Stage.Name", "stagename"));
        assert!(!key_is("Env", "environment"));
        assert!(!key_is("Environments", "environment"));
        assert!(key_is("ÉTAPE", "étape"));
    }

    #[test]
    fn builtin_policy_parses_and_has_every_tier() {
        let p = Policy::builtin();
        let tiers: Vec<Tier> = p.environments.iter().map(|e| e.tier).collect();
        for t in [Tier::Production, Tier::NonProduction, Tier::Shared] {
            assert!(tiers.contains(&t));
        }
        assert_eq!(p.environment("prd").map(|i| p.environments[i].name.as_str()), Some("production"));
        assert_eq!(p.environment("pre-prod").map(|i| p.environments[i].name.as_str()), Some("staging"));
        assert!(p.label_keys.contains(&"environment".to_owned()));
    }

    #[test]
    fn patterns() {
        let p = Pattern::new("aws_security_group_rule.bastion_*");
        assert!(p.matches("aws_security_group_rule.bastion_ssh"));
        assert!(!p.matches("aws_security_group_rule.db"));
        assert!(Pattern::new("module.*.aws_*.x?").matches("module.a[\"k\"].aws_vpc.x1"));
        assert!(Pattern::new("*").matches(""));
        // Brackets, braces and backslashes are themselves; `**` is `*`.
        assert!(Pattern::new("module.a[\"k\"].*").matches("module.a[\"k\"].aws_vpc.x"));
        assert!(!Pattern::new("module.a[\"k\"].*").matches("module.ak.aws_vpc.x"));
        assert!(Pattern::new("{a,b}\\?").matches("{a,b}\\x"));
        assert!(Pattern::new("envs/**/prod").matches("envs/x/y/prod"));
        assert!(Pattern::new("a?c").matches("a/c") && !Pattern::new("a?c").matches("ac"));
    }

    #[test]
    fn user_environments_claim_aliases() {
        let mut p = Policy::builtin();
        let text = "environment \"perf\" {\n  tier = \"production\"\n}\n";
        p.merge(parse::parse(Origin::File("x.hcl".into()), "x.hcl", text, &[], &[]).unwrap());
        let perf = p.environment("perf").map(|i| p.environments[i].name.clone());
        assert_eq!(perf.as_deref(), Some("perf"));
        let staging = &p.environments[p.environment("staging").unwrap()];
        assert!(!staging.aliases.contains(&"perf".to_owned()));
    }
}

//! Splitting names into words and finding environment words among them.
//!
//! In: a name (`ordersProdDb`, `rg-payments-preprod-weu`, `prod2`). Out: lowercase
//! word tokens, split on anything not a letter or digit, on case changes and on
//! letter/digit boundaries; and the aliases found as whole token sequences, so that
//! `product-catalog` holds no `prod` and `pre-prod` is one alias, not `prod`.

use std::borrow::Cow;

use crate::hash::FastMap;

/// A name's lowercase tokens, as spans of one lowercase copy of it: borrowed when
/// the name is lowercase already, as most are. Names are classified by the tens of
/// thousands; a `String` per token was most of the cost.
#[derive(Debug)]
pub struct Tokens<'a> {
    lower: Cow<'a, str>,
    spans: Vec<(usize, usize)>,
}

impl<'a> Tokens<'a> {
    /// Splits `name`.
    pub fn of(name: &'a str) -> Tokens<'a> {
        if name.is_ascii() { tokenize_ascii(name) } else { tokenize_chars(name) }
    }

    /// How many tokens there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Token `i`.
    pub fn get(&self, i: usize) -> &str {
        let (start, end) = self.spans[i];
        &self.lower[start..end]
    }

    /// The tokens, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Whether the tokens are exactly `seq`.
    pub fn equals(&self, seq: &[String]) -> bool {
        self.len() == seq.len() && self.starts_with_at(0, seq)
    }

    /// Whether the tokens from `i` on start with `seq`.
    fn starts_with_at(&self, i: usize, seq: &[String]) -> bool {
        self.len() - i >= seq.len() && seq.iter().enumerate().all(|(j, s)| self.get(i + j) == s)
    }
}

/// Splits a name into lowercase tokens.
pub fn tokenize(name: &str) -> Vec<String> {
    Tokens::of(name).iter().map(str::to_owned).collect()
}

/// [`Tokens::of`] for ASCII names (nearly all), byte by byte: lowercasing keeps
/// every byte where it is, so the spans are those of the name.
fn tokenize_ascii(name: &str) -> Tokens<'_> {
    let bytes = name.as_bytes();
    let mut spans = Vec::with_capacity(8);
    let mut start = None;
    for (i, &c) in bytes.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| bytes.get(p)) {
            let next = bytes.get(i + 1);
            let boundary = (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (prev.is_ascii_alphabetic() && c.is_ascii_digit())
                || (prev.is_ascii_digit() && c.is_ascii_alphabetic())
                || (prev.is_ascii_uppercase() && c.is_ascii_uppercase() && next.is_some_and(u8::is_ascii_lowercase));
            if boundary
                && prev.is_ascii_alphanumeric()
                && let Some(s) = start.replace(i)
            {
                spans.push((s, i));
            }
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        spans.push((s, bytes.len()));
    }
    let lower = if bytes.iter().any(u8::is_ascii_uppercase) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    };
    Tokens { lower, spans }
}

/// [`Tokens::of`] for any text.
fn tokenize_chars(name: &str) -> Tokens<'_> {
    let mut lower = String::new();
    let mut spans = Vec::new();
    let mut start = None;
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if let Some(s) = start.take() {
                spans.push((s, lower.len()));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p)) {
            let next = chars.get(i + 1).copied();
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_alphabetic() && c.is_numeric())
                || (prev.is_numeric() && c.is_alphabetic())
                // `HTTPServer` → `http`, `server`
                || (prev.is_uppercase() && c.is_uppercase() && next.is_some_and(char::is_lowercase));
            if boundary
                && prev.is_alphanumeric()
                && let Some(s) = start.replace(lower.len())
            {
                spans.push((s, lower.len()));
            }
        }
        start.get_or_insert(lower.len());
        lower.extend(c.to_lowercase());
    }
    if let Some(s) = start {
        spans.push((s, lower.len()));
    }
    Tokens { lower: Cow::Owned(lower), spans }
}

/// A match of an alias in a token list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the matched alias in the list given to [`Vocabulary::find`].
    pub alias: usize,
    /// The matched words, joined with `-`.
    pub words: String,
}

/// Aliases (token sequences) indexed by their first word, and the word sequences
/// that never count.
#[derive(Debug)]
pub struct Vocabulary {
    aliases: Vec<Vec<String>>,
    ignore: Vec<Vec<String>>,
    /// First word → the aliases and the ignored sequences that start with it: one
    /// lookup per token.
    by_first: FastMap<String, Starting>,
    /// The bytes some alias or ignored sequence starts with: most tokens start
    /// with none of them and need no lookup.
    starts: [bool; 256],
}

/// The sequences that start with one word.
#[derive(Debug, Default)]
struct Starting {
    aliases: Vec<usize>,
    ignore: Vec<usize>,
}

impl Vocabulary {
    /// Indexes `aliases` (whose positions [`Hit::alias`] reports) and `ignore`.
    pub fn new(aliases: Vec<Vec<String>>, ignore: Vec<Vec<String>>) -> Self {
        let mut by_first: FastMap<String, Starting> = FastMap::default();
        let mut starts = [false; 256];
        for (ignored, seqs) in [(false, &aliases), (true, &ignore)] {
            for (i, seq) in seqs.iter().enumerate() {
                let Some(first) = seq.first() else { continue };
                let entry = by_first.entry(first.clone()).or_default();
                if ignored {
                    entry.ignore.push(i)
                } else {
                    entry.aliases.push(i)
                }
                if let Some(&b) = first.as_bytes().first() {
                    starts[usize::from(b)] = true;
                }
            }
        }
        Vocabulary { aliases, ignore, by_first, starts }
    }

    /// The aliases, in the order given.
    pub fn aliases(&self) -> &[Vec<String>] {
        &self.aliases
    }

    /// Finds aliases in `tokens`, longest first at each position, skipping ignored
    /// sequences.
    pub fn find(&self, tokens: &Tokens<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let token = tokens.get(i);
            let starting = token
                .as_bytes()
                .first()
                .is_some_and(|&b| self.starts[usize::from(b)])
                .then(|| self.by_first.get(token))
                .flatten();
            let Some(starting) = starting else {
                i += 1;
                continue;
            };
            if let Some(&c) = starting.ignore.iter().find(|&&c| tokens.starts_with_at(i, &self.ignore[c])) {
                i += self.ignore[c].len();
                continue;
            }
            let best = starting
                .aliases
                .iter()
                .copied()
                .filter(|&c| tokens.starts_with_at(i, &self.aliases[c]))
                .max_by_key(|&c| (self.aliases[c].len(), std::cmp::Reverse(c)));
            match best {
                Some(c) => {
                    hits.push(Hit { alias: c, words: self.aliases[c].join("-") });
                    i += self.aliases[c].len();
                }
                None => i += 1,
            }
        }
        hits
    }
}

/// For names written without separators (Azure storage accounts:
/// `stordersprodweu01`): an alias followed only by a region code and digits, or by
/// digits, or at the very end. Weaker than a token match.
pub fn find_in_run(name: &str, aliases: &[Vec<String>]) -> Option<Hit> {
    const REGIONS: &[&str] = &[
        "weu", "neu", "eus", "eus2", "wus", "wus2", "cus", "scus", "ncus", "uks", "ukw", "frc", "gwc", "sea", "ea",
        "jpe", "aue", "cac", "cae", "brs", "inc", "use1", "use2", "usw2", "euw1", "euc1",
    ];
    let lower = name.to_lowercase();
    if !lower.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for (j, alias) in aliases.iter().enumerate() {
        let [word] = alias.as_slice() else { continue };
        if word.len() < 3 {
            continue;
        }
        for (at, _) in lower.match_indices(word.as_str()) {
            let rest = lower[at + word.len()..].trim_end_matches(|c: char| c.is_ascii_digit());
            let ends_well = rest.is_empty() || REGIONS.contains(&rest);
            if ends_well && best.is_none_or(|(_, len)| word.len() > len) {
                best = Some((j, word.len()));
            }
        }
    }
    best.map(|(j, _)| Hit { alias: j, words: aliases[j][0].clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        tokenize(s)
    }

    proptest::proptest! {
        /// The ASCII path splits exactly as the general one.
        #[test]
        fn ascii_path_is_the_general_one(name in "[a-zA-Z0-9_. /:-]{0,24}") {
            let strings = |t: Tokens<'_>| t.iter().map(str::to_owned).collect::<Vec<_>>();
            proptest::prop_assert_eq!(strings(tokenize_ascii(&name)), strings(tokenize_chars(&name)));
        }
    }

    #[test]
    fn splits_on_separators_case_and_digits() {
        assert_eq!(toks("ordersProdDb"), ["orders", "prod", "db"]);
        assert_eq!(toks("rg-payments_preprod.weu/01:x"), ["rg", "payments", "preprod", "weu", "01", "x"]);
        assert_eq!(toks("prod2"), ["prod", "2"]);
        assert_eq!(toks("HTTPServerProd"), ["http", "server", "prod"]);
        assert_eq!(toks("QA"), ["qa"]);
        assert_eq!(toks(""), Vec::<String>::new());
        assert_eq!(toks("Größe-ProdDB"), ["größe", "prod", "db"]);
        assert_eq!(toks("--orders--"), ["orders"]);
    }

    #[test]
    fn finds_whole_token_sequences_longest_first() {
        let vocab = Vocabulary::new(vec![toks("prod"), toks("pre-prod"), toks("non-prod")], Vec::new());
        let hit = |s: &str| vocab.find(&Tokens::of(s)).into_iter().map(|h| h.alias).collect::<Vec<_>>();
        assert_eq!(hit("app-pre-prod-db"), [1]);
        assert_eq!(hit("non_prod"), [2]);
        assert_eq!(hit("product-catalog"), Vec::<usize>::new());
        assert_eq!(hit("orders-prod"), [0]);
        let vocab = Vocabulary::new(vec![toks("production")], vec![toks("production-line")]);
        assert!(vocab.find(&Tokens::of("production-line-api")).is_empty());
        assert_eq!(vocab.find(&Tokens::of("production-api")).len(), 1);
    }

    #[test]
    fn finds_aliases_in_names_without_separators() {
        let aliases: Vec<Vec<String>> = vec![toks("prod"), toks("dev"), toks("staging")];
        assert_eq!(find_in_run("stordersprodweu01", &aliases).map(|h| h.alias), Some(0));
        assert_eq!(find_in_run("acrsharedstaging", &aliases).map(|h| h.alias), Some(2));
        assert_eq!(find_in_run("stproductcatalog", &aliases), None);
        assert_eq!(find_in_run("stdevicesweu", &aliases), None);
        assert_eq!(find_in_run("st-prod", &aliases), None);
    }
}

//! Splitting names into words and finding environment words among them.
//!
//! In: a name (`ordersProdDb`, `rg-payments-preprod-weu`, `prod2`). Out: lowercase
//! word tokens, split on anything not a letter or digit, on case changes and on
//! letter/digit boundaries; and the aliases found as whole token sequences, so that
//! `product-catalog` holds no `prod` and `pre-prod` is one alias, not `prod`.

use crate::hash::FastMap as HashMap;

/// Splits a name into lowercase tokens.
pub fn tokenize(name: &str) -> Vec<String> {
    if name.is_ascii() { tokenize_ascii(name.as_bytes()) } else { tokenize_chars(name) }
}

/// [`tokenize`] for ASCII names (nearly all), byte by byte.
fn tokenize_ascii(name: &[u8]) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    for (i, &c) in name.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            flush(&mut cur, &mut tokens);
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| name.get(p)) {
            let next = name.get(i + 1);
            let boundary = (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (prev.is_ascii_alphabetic() && c.is_ascii_digit())
                || (prev.is_ascii_digit() && c.is_ascii_alphabetic())
                || (prev.is_ascii_uppercase() && c.is_ascii_uppercase() && next.is_some_and(u8::is_ascii_lowercase));
            if boundary && prev.is_ascii_alphanumeric() {
                flush(&mut cur, &mut tokens);
            }
        }
        cur.push(char::from(c.to_ascii_lowercase()));
    }
    flush(&mut cur, &mut tokens);
    tokens
}

/// [`tokenize`] for any text.
fn tokenize_chars(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut cur, &mut tokens);
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p)) {
            let next = chars.get(i + 1).copied();
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_alphabetic() && c.is_numeric())
                || (prev.is_numeric() && c.is_alphabetic())
                // `HTTPServer` → `http`, `server`
                || (prev.is_uppercase() && c.is_uppercase() && next.is_some_and(char::is_lowercase));
            if boundary && prev.is_alphanumeric() {
                flush(&mut cur, &mut tokens);
            }
        }
        cur.extend(c.to_lowercase());
    }
    flush(&mut cur, &mut tokens);
    tokens
}

fn flush(cur: &mut String, tokens: &mut Vec<String>) {
    if !cur.is_empty() {
        tokens.push(std::mem::take(cur));
    }
}

/// A match of an alias in a token list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the matched alias in the list given to [`find`].
    pub alias: usize,
    /// The matched words, joined with `-`.
    pub words: String,
}

/// Aliases (token sequences) indexed by their first word, and the word sequences
/// that never count.
#[derive(Debug, Default)]
pub struct Vocabulary {
    aliases: Vec<Vec<String>>,
    by_first: HashMap<String, Vec<usize>>,
    ignore: Vec<Vec<String>>,
    ignore_by_first: HashMap<String, Vec<usize>>,
}

impl Vocabulary {
    /// Indexes `aliases` (whose positions [`Hit::alias`] reports) and `ignore`.
    pub fn new(aliases: Vec<Vec<String>>, ignore: Vec<Vec<String>>) -> Self {
        let index = |seqs: &[Vec<String>]| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::default();
            for (i, seq) in seqs.iter().enumerate() {
                if let Some(first) = seq.first() {
                    map.entry(first.clone()).or_default().push(i);
                }
            }
            map
        };
        Vocabulary { by_first: index(&aliases), ignore_by_first: index(&ignore), aliases, ignore }
    }

    /// The aliases, in the order given.
    pub fn aliases(&self) -> &[Vec<String>] {
        &self.aliases
    }

    /// Finds aliases in `tokens`, longest first at each position, skipping ignored
    /// sequences.
    pub fn find(&self, tokens: &[String]) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut i = 0;
        'outer: while i < tokens.len() {
            let rest = &tokens[i..];
            if let Some(candidates) = self.ignore_by_first.get(&tokens[i]) {
                for &c in candidates {
                    if starts_with(rest, &self.ignore[c]) {
                        i += self.ignore[c].len();
                        continue 'outer;
                    }
                }
            }
            let best = self.by_first.get(&tokens[i]).and_then(|candidates| {
                candidates
                    .iter()
                    .copied()
                    .filter(|&c| starts_with(rest, &self.aliases[c]))
                    .max_by_key(|&c| (self.aliases[c].len(), std::cmp::Reverse(c)))
            });
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

fn starts_with(tokens: &[String], seq: &[String]) -> bool {
    tokens.len() >= seq.len() && tokens.iter().zip(seq).all(|(t, s)| t == s)
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
            proptest::prop_assert_eq!(tokenize_ascii(name.as_bytes()), tokenize_chars(&name));
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
    }

    #[test]
    fn finds_whole_token_sequences_longest_first() {
        let vocab = Vocabulary::new(vec![toks("prod"), toks("pre-prod"), toks("non-prod")], Vec::new());
        let hit = |s: &str| vocab.find(&toks(s)).into_iter().map(|h| h.alias).collect::<Vec<_>>();
        assert_eq!(hit("app-pre-prod-db"), [1]);
        assert_eq!(hit("non_prod"), [2]);
        assert_eq!(hit("product-catalog"), Vec::<usize>::new());
        assert_eq!(hit("orders-prod"), [0]);
        let vocab = Vocabulary::new(vec![toks("production")], vec![toks("production-line")]);
        assert!(vocab.find(&toks("production-line-api")).is_empty());
        assert_eq!(vocab.find(&toks("production-api")).len(), 1);
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

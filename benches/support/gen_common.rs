//! What the generators share: a seeded splitmix64 generator, seed mixing, and
//! `{{KEY}}` templates, writing a file. Deterministic and std only, so a seed always writes the
//! same input.
// Each generator uses part of this.
#![allow(dead_code)]

/// splitmix64.
#[derive(Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True `p` times in a hundred.
    pub fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    /// One of `xs`.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// A seed derived from two numbers.
pub fn mix(a: u64, b: u64) -> u64 {
    Rng(a ^ b.wrapping_mul(0xD6E8_FEB8_6659_FD93)).next()
}

/// FNV-1a of a string, to derive seeds from names.
pub fn fnv(x: &str) -> u64 {
    x.bytes().fold(0xcbf2_9ce4_8422_2325, |h, c| (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3))
}

/// Replaces every `{{KEY}}` in `template` with its value. Every key must be given.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").unwrap_or_else(|| panic!("unclosed template key in {after:.40}"));
        let key = &after[..end];
        let value = values.iter().find(|(k, _)| *k == key).unwrap_or_else(|| panic!("template key {key} not given"));
        out.push_str(value.1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Writes `text` to `rel` under `root`, making its directories.
pub fn write_file(root: &std::path::Path, rel: &str, text: &str) -> std::io::Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, text)
}

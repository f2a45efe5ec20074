//! Text that goes to a terminal, made safe: what envwall prints comes from the
//! inputs (tag values, names, keys, file contents), and a control character in it
//! must neither drive the terminal nor forge a line of the report.

/// `text` made safe to print on a terminal: every control character (ESC, BEL,
/// CR, backspace, a line break, the C1 controls) written as an escape (`\x1b`,
/// `\r`, `\n`), so a tag value or a name can neither drive the terminal nor
/// forge a line of the report. Text with none is returned as it is.
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Source text to quote in a report, its control characters but line breaks and
/// tabs replaced by characters of the same length in bytes, so every byte offset
/// into it stays true.
pub fn clean_source(text: String) -> String {
    if !text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return text;
    }
    let bytes = text.as_bytes();
    text.char_indices()
        .map(|(i, c)| match c {
            // A carriage return before a line feed ends the line; alone, it would
            // move the cursor.
            '\r' if bytes.get(i + 1) == Some(&b'\n') => '\r',
            '\n' | '\t' => c,
            c if c.is_control() && c.len_utf8() == 1 => '?',
            c if c.is_control() => '¿',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::clean("orders-prod"), "orders-prod");
        assert_eq!(
            super::clean("prod\x1b]0;PWNED\x07\r\nFAKE\x08\u{85}"),
            "prod\\x1b]0;PWNED\\x07\\r\\nFAKE\\x08\\x85"
        );
        let source = "a = \"x\x1b[2J\u{9b}\"\r\nb\n".to_owned();
        let cleaned = super::clean_source(source.clone());
        assert_eq!(cleaned, "a = \"x?[2J¿\"\r\nb\n");
        assert_eq!(cleaned.len(), source.len());
    }
}

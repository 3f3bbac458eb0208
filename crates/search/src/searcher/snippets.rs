//! Snippets: the passage of a result shown under its title (the matched
//! words' sentence, or the start of the text), a code item's signature, and
//! the readers of a stored document's fields.

use std::ops::Range;

use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

/// The longest snippet, in characters.
pub(super) const SNIPPET_CHARS: usize = 180;

pub(super) fn first_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

pub(super) fn all_str(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

pub(super) fn all_u64(doc: &TantivyDocument, field: Field) -> Vec<u64> {
    doc.get_all(field).filter_map(|v| v.as_u64()).collect()
}

/// The start of `text`, cut at a word boundary near `max` characters.
pub(super) fn lead(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(space) if space > max / 2 => format!("{}…", &cut[..space]),
        _ => format!("{cut}…"),
    }
}

/// The snippet's passage of `text`, ending with its sentence's punctuation
/// and marked `…` where the text goes on; the highlights shifted to match.
pub(super) fn widen(
    text: &str,
    range: Range<usize>,
    highlights: &[Range<usize>],
) -> (String, Vec<Range<usize>>) {
    let mut end = range.end.min(text.len());
    while let Some(c) = text[end..].chars().next() {
        if c.is_whitespace() || c.is_alphanumeric() {
            break;
        }
        end += c.len_utf8();
    }
    let start = range.start.min(end);
    let prefix = if text[..start].trim().is_empty() {
        ""
    } else {
        "… "
    };
    let suffix = if text[end..].trim().is_empty() {
        ""
    } else {
        " …"
    };
    let passage = format!("{prefix}{}{suffix}", &text[start..end]);
    let shifted = highlights
        .iter()
        .map(|r| r.start + prefix.len()..r.end + prefix.len())
        .collect();
    (passage, shifted)
}

/// The first lines of a code item, up to its opening brace.
pub(super) fn signature(code: &str) -> String {
    let mut lines = Vec::new();
    for line in code.lines().take(8) {
        lines.push(line);
        let t = line.trim_end();
        if (t.ends_with('{') || t.ends_with(';')) && !t.starts_with("#[") {
            break;
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_stops_at_the_brace() {
        assert_eq!(
            signature("#[derive(Debug)]\npub struct A {\n    x: u8,\n}"),
            "#[derive(Debug)]\npub struct A {"
        );
        assert_eq!(
            signature("pub fn f(\n    a: u8,\n) -> u8 {\n    a\n}"),
            "pub fn f(\n    a: u8,\n) -> u8 {"
        );
    }

    #[test]
    fn widened_snippets_keep_punctuation_and_mark_cuts() {
        let text = "Before. The breaker opens. After";
        let (passage, highlights) = widen(text, 8..25, &[Range { start: 4, end: 11 }]);
        assert_eq!(passage, "… The breaker opens. …");
        assert_eq!(&passage[highlights[0].clone()], "breaker");
        assert_eq!(widen("whole.", 0..5, &[]).0, "whole.");
    }

    #[test]
    fn lead_cuts_at_a_word() {
        assert_eq!(lead("short", 10), "short");
        assert_eq!(lead("one two three four", 10), "one two…");
    }
}

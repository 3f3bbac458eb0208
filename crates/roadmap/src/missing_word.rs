//! Finds words that went missing from the text: a doubled space between two
//! words (`Binary  Trees`). A bold label that lost its word
//! (`**Mock **`) is `malformed-emphasis`, reported by the parser.
//!
//! This is the trace a find-and-replace leaves when it deletes one word
//! everywhere (`Binary Search Trees` becomes `Binary  Trees` wherever it
//! was written). Markdown itself never needs two spaces inside a line
//! (indentation is at its start, a hard break at its end, table padding
//! between pipes), so the check is precise enough to be a warning, and it
//! skips fenced code.

use crate::LineIndex;
use crate::{Diagnostic, Span};

/// Every place in `source` where a word seems to be missing, in source order.
pub(crate) fn find_missing_words(source: &str, file: &str) -> Vec<Diagnostic> {
    let index = LineIndex::new(source);
    let mut found = Vec::new();
    let mut fence: Option<&str> = None;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        if trimmed.starts_with('|') || trimmed.starts_with("<!--") {
            continue;
        }
        let indent = content.len() - trimmed.len();
        if let Some(gap) = doubled_space(trimmed) {
            let at = start + indent + gap;
            found.push(diagnostic(
                source,
                file,
                &index,
                at..at + 2,
                line_context(trimmed, gap),
            ));
        }
    }
    found
}

fn diagnostic(
    source: &str,
    file: &str,
    index: &LineIndex,
    range: std::ops::Range<usize>,
    context: String,
) -> Diagnostic {
    let span: Span = index.span(source, range);
    Diagnostic::warning(
        "missing-word",
        file,
        span,
        format!("a word seems to be missing here: `{context}`"),
    )
    .with_label("two spaces where one word was")
    .with_help("write the missing word back (a find-and-replace that deleted a word everywhere leaves this trace), or remove the extra space")
}

/// The byte offset of the first doubled space between two non-space
/// characters of the line (after its indentation, before any trailing hard
/// break), skipping inline code.
fn doubled_space(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_code = false;
    let mut i = 0;
    while i + 2 < bytes.len() {
        match bytes[i] {
            b'`' => in_code = !in_code,
            b' ' if !in_code && bytes[i + 1] == b' ' && i > 0 => {
                let before = bytes[i - 1];
                let mut after = i + 2;
                while after < bytes.len() && bytes[after] == b' ' {
                    after += 1;
                }
                let list_marker = line[..i].trim_start_matches(['-', '*', '+']).is_empty()
                    || line[..i]
                        .trim_end_matches('.')
                        .bytes()
                        .all(|b| b.is_ascii_digit());
                if after < bytes.len() && before != b' ' && !list_marker {
                    return Some(i);
                }
                i = after;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A few words either side of the gap at `gap`, for the message.
fn line_context(line: &str, gap: usize) -> String {
    // Words only: list markers, checkboxes and heading marks say nothing.
    let word = |w: &&str| w.chars().any(char::is_alphanumeric);
    let before: Vec<&str> = line[..gap].split(' ').filter(word).rev().take(3).collect();
    let after: Vec<&str> = line[gap..]
        .trim_start()
        .split(' ')
        .filter(word)
        .take(3)
        .collect();
    let before: Vec<&str> = before.into_iter().rev().collect();
    format!("{}  {}", before.join(" "), after.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(source: &str, expect: &[(u32, u32, &str)]) {
        let found: Vec<(u32, u32, String)> = find_missing_words(source, "roadmap.md")
            .into_iter()
            .map(|d| (d.span.line, d.span.column, d.message))
            .collect();
        let expect: Vec<(u32, u32, String)> = expect
            .iter()
            .map(|&(line, column, context)| {
                (
                    line,
                    column,
                    format!("a word seems to be missing here: `{context}`"),
                )
            })
            .collect();
        assert_eq!(found, expect);
    }

    #[test]
    fn a_doubled_space_between_words_is_reported_at_the_gap() {
        check(
            "# System Design  Preparation\n\n- [ ] Mock  on coffee ordering\n",
            &[
                (1, 16, "System Design  Preparation"),
                (3, 11, "Mock  on coffee ordering"),
            ],
        );
    }

    #[test]
    fn markdown_that_needs_spaces_is_left_alone() {
        check(
            concat!(
                "-   indented list text\n",
                "1.  numbered\n",
                "line with a hard break  \n",
                "| a  | b |\n",
                "text with `code  spacing` inside\n",
                "```\nlet  x = 1;\n```\n",
                "**bold** and **more bold**\n",
            ),
            &[],
        );
    }

    #[test]
    fn crlf_and_cr_free_lines_keep_their_columns() {
        check(
            "ok\r\nSystem Design  Preparation\r\n",
            &[(2, 14, "System Design  Preparation")],
        );
    }
}

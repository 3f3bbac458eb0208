//! Markdown that is dangerous to publish or to render, found in the source:
//! containers nested deeper than the renderers downstream can recurse, and
//! links whose scheme runs code or embeds content (`javascript:`, `data:`).

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::Diagnostic;
use crate::LineIndex;

/// How deep block containers (quotes, lists, footnotes) may nest. Far more than
/// any plan needs, far less than what overflows the stack of the HTML
/// renderers that walk the tree recursively.
pub const MAX_NESTING: usize = 64;

/// The Markdown options roadbook and mdBook read with.
fn options() -> Options {
    Options::ENABLE_TASKLISTS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}

/// Whether a link or image destination is one a published page may carry:
/// `http(s):` and `mailto:` URLs, and relative or fragment references.
/// Browsers drop ASCII tabs, newlines and leading spaces before reading a
/// scheme, so this does too.
#[must_use]
pub fn is_safe_link(destination: &str) -> bool {
    let cleaned: String = destination
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return true;
    };
    let head = &cleaned[..colon];
    if head.contains(['/', '?', '#']) {
        // `path/a:b`, `?q=a:b`, `#a:b`: the colon is not a scheme's.
        return true;
    }
    let scheme = head.to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "mailto")
}

/// The first place where block containers nest deeper than [`MAX_NESTING`]:
/// its byte offset and how deep it is there.
#[must_use]
pub fn too_deep(source: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_)) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((range.start, depth));
                }
            }
            Event::End(end) if is_container(end) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn is_container(end: pulldown_cmark::TagEnd) -> bool {
    use pulldown_cmark::TagEnd;
    matches!(
        end,
        TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition
    )
}

/// Every link and image of `source` whose destination [`is_safe_link`]
/// rejects: its byte range and its destination.
#[must_use]
pub fn unsafe_links(source: &str) -> Vec<(std::ops::Range<usize>, String)> {
    Parser::new_ext(source, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !is_safe_link(&dest_url) =>
            {
                Some((range, dest_url.into_string()))
            }
            _ => None,
        })
        .collect()
}

/// The diagnostics of the hazards in a roadmap's `source`.
pub(crate) fn check(source: &str, file: &str, lines: &LineIndex) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if let Some((at, depth)) = too_deep(source) {
        diagnostics.push(
            Diagnostic::error(
                "too-deep",
                file,
                lines.span(source, at..at),
                format!("quotes and lists nest {depth} deep here, more than the {MAX_NESTING} a page may have"),
            )
            .with_label("nested too deep")
            .with_help("flatten the quotes or lists: nothing this deep can be rendered safely"),
        );
    }
    for (range, destination) in unsafe_links(source) {
        let shown: String = destination.chars().take(40).collect();
        diagnostics.push(
            Diagnostic::warning(
                "unsafe-link",
                file,
                lines.span(source, range),
                format!("the link to `{shown}` is not http(s), mailto, relative or a fragment"),
            )
            .with_label("published as text, not as a link")
            .with_help("link to an `https://` page instead"),
        );
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_mail_relative_and_fragment_links_are_safe() {
        for safe in [
            "https://example.org/a:b",
            "HTTP://example.org",
            "mailto:a@example.org",
            "../weeks/week-01.md#w01",
            "#top",
            "img/cup.svg",
            "//example.org/x",
            "a/b:c",
            "?q=a:b",
        ] {
            assert!(is_safe_link(safe), "{safe}");
        }
        for unsafe_ in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " java\tscript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_link(unsafe_), "{unsafe_}");
        }
    }

    #[test]
    fn nesting_is_measured_over_quotes_and_lists() {
        assert_eq!(too_deep("> > a\n\n- - b\n"), None);
        let quotes = ">".repeat(MAX_NESTING + 1) + " deep\n";
        assert_eq!(too_deep(&quotes).map(|(_, d)| d), Some(MAX_NESTING + 1));
        let lists: String = (0..=MAX_NESTING)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect();
        assert!(too_deep(&lists).is_some());
    }

    #[test]
    fn unsafe_links_and_images_are_found_with_their_range() {
        let source =
            "[a](https://x.org) [b](javascript:alert(1)) ![c](data:image/png,x) <vbscript:y>\n";
        let found = unsafe_links(source);
        let texts: Vec<&str> = found.iter().map(|(r, _)| &source[r.clone()]).collect();
        assert_eq!(
            texts,
            [
                "[b](javascript:alert(1))",
                "![c](data:image/png,x)",
                "<vbscript:y>"
            ]
        );
    }
}

//! Roadmap text is data: Markdown from roadmap.md goes onto generated pages
//! with its raw HTML shown as text, its unsafe links (anything but http(s),
//! mailto, relative and fragment links) shown as the text they were written
//! as, and its heading attribute blocks (`## A {onclick=…}`, which mdBook
//! would turn into attributes) shown as text. Everything else of the
//! Markdown is left as written, so it looks the same. (mdBook's `{{#…}}` directives never reach mdBook's
//! `links` preprocessor from generated pages: see `book/generated_text.rs`.)

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

/// The Markdown options mdBook renders with (the ones that change what is
/// HTML or a link).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// `markdown` (roadmap text) with raw HTML and unsafe links turned to text.
pub(crate) fn markdown(markdown: &str) -> String {
    rewrite(markdown, true)
}

/// `markdown` (a whole generated page, whose HTML is ours) with unsafe links
/// turned to text.
pub(crate) fn links(markdown: &str) -> String {
    rewrite(markdown, false)
}

/// What to do with a range of the source.
enum Edit {
    /// Raw HTML: `<` and `>` as entities.
    Html,
    /// An unsafe link or image: every ASCII punctuation backslash-escaped,
    /// so the link's source shows as written.
    Literal,
    /// The `{` of a heading's attribute block, as an entity.
    Brace,
}

/// How many times the text is read again: turning an HTML block into text
/// makes what it swallowed Markdown again (a link after an unclosed
/// `<script>`), so the rewrite repeats until nothing changes.
const PASSES: usize = 8;

fn rewrite(markdown: &str, html: bool) -> String {
    let mut text = markdown.to_owned();
    for _ in 0..PASSES {
        match rewrite_once(&text, html) {
            Some(next) => text = next,
            None => return text,
        }
    }
    // Still changing: show all of it as written.
    literal(&text)
}

/// Every ASCII punctuation of `text` backslash-escaped: Markdown that shows
/// as the characters it is made of.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One pass of the rewrite, or `None` when there is nothing to change.
fn rewrite_once(markdown: &str, html: bool) -> Option<String> {
    let mut edits: Vec<(Range<usize>, Edit)> = Vec::new();
    // Inside an unsafe link, nothing else needs an edit of its own.
    let mut literal_until = 0;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if range.start < literal_until {
            continue;
        }
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !roadmap::is_safe_link(&dest_url) =>
            {
                literal_until = range.end;
                edits.push((range, Edit::Literal));
            }
            Event::Html(_) | Event::InlineHtml(_) if html => edits.push((range, Edit::Html)),
            Event::Start(Tag::Heading {
                id, classes, attrs, ..
            }) if html && (id.is_some() || !classes.is_empty() || !attrs.is_empty()) => {
                let line = markdown[range.clone()].lines().next().unwrap_or_default();
                if let Some(brace) = line.rfind('{') {
                    let at = range.start + brace;
                    edits.push((at..at + 1, Edit::Brace));
                }
            }
            _ => {}
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut at = 0;
    for (range, edit) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        for c in markdown[range.clone()].chars() {
            match (&edit, c) {
                (Edit::Html, '<') => out.push_str("&lt;"),
                (Edit::Html, '>') => out.push_str("&gt;"),
                (Edit::Brace, '{') => out.push_str("&#123;"),
                (Edit::Literal, c) if c.is_ascii_punctuation() => {
                    out.push('\\');
                    out.push(c);
                }
                (_, c) => out.push(c),
            }
        }
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Parser::new_ext(markdown, options()));
        out
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let source = "Intro <img src=x onerror=alert(1)> text\n\n<script>alert(1)</script>\n\n<div\n>x</div>\n";
        let out = html(&markdown(source));
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<div"), "{out}");
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
    }

    #[test]
    fn unsafe_links_are_kept_as_the_text_they_were_written_as() {
        let source = "[a](https://example.org) [b](javascript:alert(1)) ![c](data:x) <vbscript:y> [r][d]\n\n[d]: JavaScript:alert(2)\n";
        let out = html(&markdown(source));
        assert!(
            out.contains("<a href=\"https://example.org\">a</a>"),
            "{out}"
        );
        assert!(!out.to_lowercase().contains("href=\"javascript"), "{out}");
        assert!(!out.contains("src=\"data"), "{out}");
        assert!(!out.contains("href=\"vbscript"), "{out}");
        assert!(out.contains("[b](javascript:alert(1))"), "{out}");
        assert!(out.contains("![c](data:x)"), "{out}");
        assert!(out.contains("&lt;vbscript:y&gt;"), "{out}");
        assert!(out.contains("[r][d]"), "{out}");
    }

    #[test]
    fn heading_attribute_blocks_are_shown_as_text() {
        let source = "#### Notes {#clobber .x onclick=alert(1)}\n\nText\n";
        let escaped = markdown(source);
        let out = html(&escaped);
        assert!(
            out.starts_with("<h4>Notes {#clobber .x onclick=alert(1)}</h4>"),
            "{out}"
        );
    }

    #[test]
    fn what_an_unclosed_html_block_swallowed_is_escaped_too() {
        let source = "<script>alert(1)</sc ipt>\n\n[a](javascript:alert(1)) <b>x</b>\n";
        let out = html(&markdown(source));
        assert!(!out.contains("href=\"javascript"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(out.contains("[a](javascript:alert(1))"), "{out}");
    }

    /// Inputs the `generated_page` fuzz target found, replayed.
    #[test]
    fn fuzz_findings_of_the_generated_page_path_stay_fixed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz/generated_page");
        let mut replayed = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let parsed = roadmap::parse_bytes(&bytes, "roadmap.md");
            let roadmap = &parsed.roadmap;
            let texts = roadmap
                .introduction
                .iter()
                .chain(&roadmap.prose)
                .map(|s| s.markdown.clone())
                .chain(
                    roadmap
                        .phases
                        .iter()
                        .flat_map(|p| &p.weeks)
                        .flat_map(|w| w.notes.clone()),
                );
            for text in texts {
                let out = html(&markdown(&text));
                assert!(!out.to_lowercase().contains("href=\"javascript"), "{out}");
                assert!(!out.contains("<script"), "{out}");
                assert!(!out.contains("<img src=x"), "{out}");
            }
            replayed += 1;
        }
        assert!(replayed >= 1);
    }

    #[test]
    fn safe_markdown_is_left_as_written() {
        let source = "## A *b* `c<d>`\n\n- [x](../weeks/week-01.md#w01) [y](#top) [m](mailto:a@b.c)\n\n```html\n<b>code</b>\n```\n";
        assert_eq!(markdown(source), source);
        assert_eq!(
            links("<p class=\"x\">[w](weeks/a.md)</p>\n"),
            "<p class=\"x\">[w](weeks/a.md)</p>\n"
        );
    }

    #[test]
    fn page_html_is_kept_but_its_unsafe_links_are_not() {
        let page = "<p class=\"roadbook-meta\">x</p>\n\n[bad](javascript:x)\n";
        let out = links(page);
        assert!(out.starts_with("<p class=\"roadbook-meta\">x</p>"), "{out}");
        assert!(!html(&out).contains("href=\"javascript"), "{out}");
    }
}

//! Any roadmap through the generated-page path: the prose and notes of the
//! parsed roadmap escaped as roadbook escapes them (`escape.rs`, the same
//! file the binary compiles), then rendered to HTML as mdBook renders
//! Markdown. Whatever the input, the HTML holds no tag or attribute that
//! roadmap text could have brought in (only what Markdown itself makes), and
//! every link and image points at an http(s), mailto, relative or fragment
//! address.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/roadbook/src/escape.rs"]
#[allow(dead_code, unreachable_pub)]
mod escape;

/// The tags pulldown-cmark writes for Markdown.
const TAGS: &[&str] = &[
    "p",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "input",
    "sup",
    "div",
    "span",
    "dl",
    "dt",
    "dd",
];

/// The attributes pulldown-cmark writes.
const ATTRIBUTES: &[&str] = &[
    "href", "src", "alt", "title", "class", "id", "type", "checked", "disabled", "start", "style",
];

fuzz_target!(|bytes: &[u8]| {
    let parsed = roadmap::parse_bytes(bytes, "roadmap.md");
    if parsed.diagnostics.iter().any(|d| d.code == "too-deep") {
        // The build stops at this error: nothing is rendered.
        return;
    }
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
        let escaped = escape::markdown(&text);
        let options = pulldown_cmark::Options::ENABLE_TABLES
            | pulldown_cmark::Options::ENABLE_FOOTNOTES
            | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
            | pulldown_cmark::Options::ENABLE_TASKLISTS
            | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES;
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(&escaped, options),
        );
        check_html(&html, &text);
    }
});

/// Walks the tags of `html`, asserting each is one Markdown makes.
fn check_html(html: &str, source: &str) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let close = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..close];
        rest = &rest[close..];
        let tag = tag.trim_start_matches('/').trim_end_matches('/');
        let name = tag.split_whitespace().next().unwrap_or_default();
        assert!(TAGS.contains(&name), "tag <{tag}> from {source:?}");
        for attribute in attributes(tag) {
            let (key, value) = attribute;
            assert!(
                ATTRIBUTES.contains(&key),
                "attribute {key} in <{tag}> from {source:?}"
            );
            if key == "href" || key == "src" {
                let value = value.replace("&amp;", "&");
                assert!(
                    roadmap::is_safe_link(&value),
                    "{key}={value:?} from {source:?}"
                );
            }
        }
    }
}

/// `key="value"` pairs of a tag (pulldown-cmark always quotes with `"`).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(char::is_whitespace).map_or("", |(_, r)| r);
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let key_end = rest.find(['=', ' ']).unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = &rest[key_end..];
        if let Some(after) = rest.strip_prefix("=\"") {
            let end = after.find('"').unwrap_or(after.len());
            out.push((key, &after[..end]));
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            out.push((key, ""));
        }
    }
    out
}

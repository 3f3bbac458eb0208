//! The 404 page, styled from `file://` too. mdBook writes `404.html` with
//! `<base href="SITE-URL">` (book.toml's `site-url`), so that a host serving
//! it for any missing path finds the stylesheets; opened from disk that base
//! points at the root of the file system and the page comes out unstyled.
//! roadbook keeps the base only over http(s): a script in its place adds it
//! there, and from `file://` the page's relative links resolve next to it,
//! at the book's root. The page's stylesheets and scripts are written by
//! `document.write` after that script, so that the browser's preload scanner
//! (which reads ahead in the HTML, before any script ran) does not fetch them
//! against the wrong base first.

use std::path::Path;

use anyhow::{Context, Result};

/// The page mdBook writes for missing paths.
pub(crate) const FILE: &str = "404.html";

/// Rewrites the 404 page of the book built in `dir`, if it has one.
pub(crate) fn write(dir: &Path) -> Result<()> {
    let path = dir.join(FILE);
    if !path.is_file() {
        return Ok(());
    }
    let html = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if let Some(fixed) = base_only_over_http(&html) {
        let fixed = resources_after_the_base(&fixed);
        std::fs::write(&path, fixed).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// `html` with each `<link …>` and `<script src=…></script>` turned into a
/// script that writes it, so that only the parser, after the base is set,
/// sees its URL.
fn resources_after_the_base(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 4096);
    let mut rest = html;
    loop {
        let link = rest.find("<link ");
        let script = rest.find("<script src=");
        let (start, end) = match (link, script) {
            (Some(l), s) if s.is_none_or(|s| l < s) => match rest[l..].find('>') {
                Some(len) => (l, l + len + 1),
                None => break,
            },
            (_, Some(s)) => match rest[s..].find("</script>") {
                Some(len) => (s, s + len + "</script>".len()),
                None => break,
            },
            _ => break,
        };
        out.push_str(&rest[..start]);
        out.push_str(&written_by_script(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A script that writes `tag` where it stands.
fn written_by_script(tag: &str) -> String {
    let literal = js_string(tag);
    format!("<script>document.write({literal});</script>")
}

/// `text` as a JavaScript string literal that cannot close a `<script>`.
fn js_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned())
        .to_string()
        .replace("</", "<\\/")
}

/// `html` with its `<base href="…">` replaced by a script that adds the same
/// base unless the page was opened from `file://`; `None` without a base.
fn base_only_over_http(html: &str) -> Option<String> {
    const OPEN: &str = "<base href=\"";
    let start = html.find(OPEN)?;
    let value_start = start + OPEN.len();
    let value_len = html[value_start..].find('"')?;
    let rest = &html[value_start + value_len..];
    let end = value_start + value_len + rest.find('>')? + 1;
    let href = unescape_attribute(&html[value_start..value_start + value_len]);
    let literal = js_string(&href);
    let script = format!(
        "<script>if (location.protocol !== \"file:\") {{ const base = document.createElement(\"base\"); \
         base.href = {literal}; document.head.append(base); }}</script>"
    );
    Some(format!("{}{script}{}", &html[..start], &html[end..]))
}

/// The text of an attribute value as mdBook escapes it.
fn unescape_attribute(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_added_only_over_http() {
        let html =
            "<head>\n<title>x</title>\n<base href=\"/roadbook/\">\n<link href=\"css/a.css\">";
        let fixed = base_only_over_http(html).unwrap();
        assert_eq!(
            fixed,
            "<head>\n<title>x</title>\n<script>if (location.protocol !== \"file:\") { const base = \
             document.createElement(\"base\"); base.href = \"/roadbook/\"; document.head.append(base); \
             }</script>\n<link href=\"css/a.css\">"
        );
        assert!(!fixed.contains("<base"), "no base is left for file://");
    }

    #[test]
    fn a_site_url_cannot_close_the_script() {
        let html = "<base href=\"/a&quot;&lt;/script&gt;&amp;b/\">";
        let fixed = base_only_over_http(html).unwrap();
        assert!(
            fixed.contains(r#"base.href = "/a\"<\/script>&b/";"#),
            "{fixed}"
        );
        assert_eq!(fixed.matches("</script>").count(), 1, "{fixed}");
    }

    #[test]
    fn stylesheets_and_scripts_are_written_after_the_base() {
        let html = "<head><link rel=\"stylesheet\" href=\"css/a.css\">\n<script>const x = 1;</script>\n\
                    <script src=\"toc.js\"></script></head><body><script src=\"b.js\"></script></body>";
        assert_eq!(
            resources_after_the_base(html),
            "<head><script>document.write(\"<link rel=\\\"stylesheet\\\" href=\\\"css/a.css\\\">\");</script>\n\
             <script>const x = 1;</script>\n\
             <script>document.write(\"<script src=\\\"toc.js\\\"><\\/script>\");</script></head><body>\
             <script>document.write(\"<script src=\\\"b.js\\\"><\\/script>\");</script></body>"
        );
    }

    #[test]
    fn a_page_without_a_base_is_left_alone() {
        assert_eq!(base_only_over_http("<head><title>x</title></head>"), None);
    }
}

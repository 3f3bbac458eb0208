//! Inline roadmap text for the pages: a heading without its leading emoji,
//! inline Markdown as the plain text a reader sees, and as HTML.

/// A heading without its leading emoji.
pub(crate) fn strip_icon(text: &str) -> &str {
    let start = text
        .split_inclusive(char::is_whitespace)
        .take_while(|token| !token.bytes().any(|b| b.is_ascii_alphanumeric()))
        .map(str::len)
        .sum::<usize>();
    text[start..].trim()
}

/// Inline Markdown as the text a reader sees: markup and links dropped,
/// their words kept, runs of white space as one space.
pub(crate) fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inline Markdown to HTML, without the paragraph around it. Raw HTML in
/// roadmap text is shown as text, not interpreted.
pub(super) fn inline_html(markdown: &str) -> String {
    use pulldown_cmark::Event;
    let markdown = crate::escape::links(markdown);
    let events = pulldown_cmark::Parser::new(markdown.trim()).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    let html = html.trim_end();
    let html = html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html);
    html.to_owned()
}

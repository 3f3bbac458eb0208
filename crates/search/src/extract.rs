//! Turning one built page's HTML into search records: a record per section
//! (at each h1-h4 with an id) and one per roadmap item, holding the text a
//! reader sees and nothing of mdBook's chrome.

use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};

/// Elements whose content a reader does not see as text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "button", "input", "svg", "nav", "iframe",
];

/// Classes of the generated pages' own chrome: edit links, "open the
/// exercise" links, progress counters, missing-page notes.
const SKIPPED_CLASSES: &[&str] = &[
    "boring",
    "mermaid",
    "roadbook-edit",
    "roadbook-exercise-link",
    "roadbook-missing",
    "roadbook-meta",
    "roadbook-progress",
];

/// One piece of a section, in reading order, as `roadbook show` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Block {
    /// A heading inside the section (h5/h6, or one without an id).
    Heading {
        /// The heading's text.
        text: String,
    },
    /// A paragraph (or a table row, a quote, …) as plain text.
    Text {
        /// The paragraph's text.
        text: String,
    },
    /// A list item; `checkbox` when it is a checklist entry.
    Item {
        /// The item's text.
        text: String,
        /// Whether the item is a checklist entry (a task to tick).
        checkbox: bool,
        /// The item's stable ID, when it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
    /// A code block.
    Code {
        /// The language from the block's `language-…` class (may be empty).
        lang: String,
        /// The code as shown (hidden `boring` lines left out).
        text: String,
    },
}

/// Whether a record is a page section, a roadmap item inside a section, or
/// an item of reference code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// A section of a page, from one heading to the next.
    Section,
    /// A roadmap item (task, milestone, …) inside a section.
    Item,
    /// An item of reference code (module, function, type).
    Code,
}

impl Unit {
    /// The name stored in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Section => "section",
            Unit::Item => "item",
            Unit::Code => "code",
        }
    }
}

/// One search document, before it goes into the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Section, item or code.
    pub unit: Unit,
    /// What it is: week, block, task, exercise, …, prose, code.
    pub kind: String,
    /// The stable ID of the record, or of what encloses it.
    pub id: String,
    /// The stable IDs that enclose it (page, week, block), outermost first.
    pub scopes: Vec<String>,
    /// The page, relative to the book root (`weeks/week-01.html`).
    pub page: String,
    /// Where to open it, relative to the book root, with its fragment.
    pub url: String,
    /// The page title.
    pub title: String,
    /// Whether this is the first section of its page (it carries the title
    /// for ranking).
    pub page_top: bool,
    /// The headings from the page's top down to this section.
    pub heading_path: Vec<String>,
    /// The section's own heading (empty for items).
    pub heading: String,
    /// The text a reader sees, code excluded.
    pub body: String,
    /// The code blocks' text.
    pub code: Vec<String>,
    /// The content in order, for `roadbook show`.
    pub blocks: Vec<Block>,
    /// The roadmap weeks it is about.
    pub weeks: Vec<u64>,
    /// The source file, relative to the book root.
    pub source: String,
    /// The line in `source`, when known.
    pub line: Option<u64>,
}

/// What is known about a page apart from its HTML.
#[derive(Debug, Clone)]
pub struct PageInfo<'a> {
    /// The page, relative to the book root (`exercises/w01-x.html`).
    pub path: &'a str,
    /// The kind of sections that carry no `data-kind` (exercise or prose).
    pub kind: &'a str,
    /// The page's own ID (an exercise page's file stem).
    pub id: String,
    /// The weeks the page is about (an exercise page's `wNN-` prefix).
    pub weeks: Vec<u64>,
    /// The page's source file, relative to the book root.
    pub source: String,
    /// The Markdown of a hand-written page, to find headings' lines in.
    pub markdown: Option<&'a str>,
    /// The roadmap file that `data-line` attributes refer to.
    pub roadmap: &'a str,
}

/// The stable-ID attributes of an element.
#[derive(Debug, Clone, Default)]
struct Attrs {
    id: String,
    kind: String,
    weeks: Option<Vec<u64>>,
    line: Option<u64>,
}

impl Attrs {
    fn of(el: ElementRef<'_>) -> Option<Attrs> {
        let id = el.attr("id")?;
        let kind = el.attr("data-kind")?;
        Some(Attrs {
            id: id.to_string(),
            kind: kind.trim().to_string(),
            weeks: el.attr("data-week").map(parse_weeks),
            line: el.attr("data-line").and_then(|l| l.trim().parse().ok()),
        })
    }
}

/// An open heading of the page, for heading paths and inheritance.
#[derive(Debug, Clone)]
struct Frame {
    level: u8,
    text: String,
    stable: Option<String>,
    kind: Option<String>,
    weeks: Option<Vec<u64>>,
}

/// The section being collected.
#[derive(Debug, Default)]
struct Section {
    started: bool,
    position: usize,
    kind: String,
    id: String,
    scopes: Vec<String>,
    fragment: Option<String>,
    heading_path: Vec<String>,
    heading: String,
    weeks: Vec<u64>,
    source: String,
    line: Option<u64>,
    blocks: Vec<Block>,
}

/// Parses `"3"`, `"1-2"` or `"1, 3, 5"` into week numbers (unparsable parts
/// are left out).
pub fn parse_weeks(text: &str) -> Vec<u64> {
    let mut weeks = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        if let Some((a, b)) = part.split_once('-') {
            if let (Ok(a), Ok(b)) = (a.trim().parse::<u64>(), b.trim().parse::<u64>())
                && a <= b
                && b - a < 1000
            {
                weeks.extend(a..=b);
            }
        } else if let Ok(n) = part.parse() {
            weeks.push(n);
        }
    }
    weeks.sort_unstable();
    weeks.dedup();
    weeks
}

/// The records of one built page: its sections and items, in page order.
/// Returns nothing for a page without a `<main>`.
pub fn extract_page(html: &str, info: &PageInfo<'_>) -> Vec<Record> {
    // Most of a built page is mdBook's chrome (sidebar, menus, scripts):
    // parse only its title and its <main>.
    let trimmed = main_only(html);
    let document = Html::parse_document(trimmed.as_deref().unwrap_or(html));
    let main_sel = Selector::parse("main").expect("static selector");
    let Some(main) = document.select(&main_sel).next() else {
        return Vec::new();
    };
    let title = page_title(&document, main);
    let mut walker = Walker {
        info,
        title,
        records: Vec::new(),
        stack: Vec::new(),
        section: Section::default(),
        para: String::new(),
        item_ctx: None,
        pending: None,
        sections_done: 0,
        next_position: 0,
        positions: Vec::new(),
    };
    walker.start_preamble();
    walker.walk(main);
    walker.flush_section();
    let mut ordered: Vec<(usize, Record)> =
        walker.positions.into_iter().zip(walker.records).collect();
    ordered.sort_by_key(|(position, _)| *position);
    ordered.into_iter().map(|(_, record)| record).collect()
}

/// A small document holding only `html`'s `<title>` and `<main>` element,
/// when both can be found by their tags.
fn main_only(html: &str) -> Option<String> {
    let title = match (html.find("<title>"), html.find("</title>")) {
        (Some(start), Some(end)) if start < end => &html[start..end + "</title>".len()],
        _ => "",
    };
    let start = html.find("<main")?;
    let end = html.rfind("</main>")? + "</main>".len();
    (start < end).then(|| {
        format!(
            "<!DOCTYPE html><html><head>{title}</head><body>{}</body></html>",
            &html[start..end]
        )
    })
}

/// The page title: the first h1 in `<main>`, else the `<title>` without the
/// book's name.
fn page_title(document: &Html, main: ElementRef<'_>) -> String {
    let h1 = Selector::parse("h1").expect("static selector");
    if let Some(h) = main.select(&h1).next() {
        let text = normalize(&visible_text(h));
        if !text.is_empty() {
            return text;
        }
    }
    let title = Selector::parse("title").expect("static selector");
    document
        .select(&title)
        .next()
        .map(|t| {
            let text = normalize(&t.text().collect::<String>());
            text.split(" - ").next().unwrap_or_default().to_string()
        })
        .unwrap_or_default()
}

struct Walker<'p, 'a> {
    info: &'p PageInfo<'a>,
    title: String,
    records: Vec<Record>,
    stack: Vec<Frame>,
    section: Section,
    para: String,
    /// Inside a list item: whether it is a checklist entry.
    item_ctx: Option<bool>,
    /// Stable-ID attributes of a container that wraps the next heading.
    pending: Option<Attrs>,
    sections_done: usize,
    /// Records get their place in page order from this counter.
    next_position: usize,
    positions: Vec<usize>,
}

impl Walker<'_, '_> {
    fn walk(&mut self, el: ElementRef<'_>) {
        for child in el.children() {
            match child.value() {
                Node::Text(text) => push_text(&mut self.para, text),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.element(child);
                    }
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, el: ElementRef<'_>) {
        let name = el.value().name();
        if is_hidden(el) {
            return;
        }
        let level = heading_level(name);
        if let Some(level) = level.filter(|l| *l <= 4)
            && el.attr("id").is_some()
        {
            self.heading(el, level);
            return;
        }
        if level.is_some() {
            self.flush_para();
            self.walk(el);
            let text = normalize(&std::mem::take(&mut self.para));
            if !text.is_empty() {
                self.section.blocks.push(Block::Heading { text });
            }
            return;
        }
        if name == "pre" {
            self.flush_para();
            self.code_block(el);
            return;
        }
        if let Some(attrs) = Attrs::of(el) {
            if contains_section_heading(el) {
                self.pending = Some(attrs);
                self.walk(el);
                return;
            }
            if roadmap::Kind::from_name(&attrs.kind).is_some_and(roadmap::Kind::is_item)
                || heading_level(name).is_none()
            {
                self.flush_para();
                self.item(el, attrs);
                return;
            }
        }
        match name {
            "br" => self.para.push(' '),
            "td" | "th" => {
                if !self.para.trim().is_empty() {
                    self.para.push_str(" · ");
                }
                self.walk(el);
            }
            "li" => {
                self.flush_para();
                let saved = self.item_ctx.replace(has_checkbox(el));
                self.walk(el);
                self.flush_para();
                self.item_ctx = saved;
            }
            _ if is_block(name) => {
                self.flush_para();
                self.walk(el);
                self.flush_para();
            }
            _ => self.walk(el),
        }
    }

    /// Ends the paragraph being collected.
    fn flush_para(&mut self) {
        let text = normalize(&std::mem::take(&mut self.para));
        if text.is_empty() {
            return;
        }
        let block = match self.item_ctx {
            Some(checkbox) => Block::Item {
                text,
                checkbox,
                id: None,
            },
            None => Block::Text { text },
        };
        self.section.blocks.push(block);
    }

    fn code_block(&mut self, pre: ElementRef<'_>) {
        let code_sel = Selector::parse("code").expect("static selector");
        let code = pre.select(&code_sel).next().unwrap_or(pre);
        let lang = code_language(code);
        let mut text = String::new();
        code_text(code, &mut text);
        let text = text.trim_end_matches('\n').to_string();
        if !text.trim().is_empty() {
            self.section.blocks.push(Block::Code { lang, text });
        }
    }

    fn item(&mut self, el: ElementRef<'_>, attrs: Attrs) {
        let text = normalize(&visible_text(el));
        let checkbox = attrs.kind == "task" || has_checkbox(el);
        self.section.blocks.push(Block::Item {
            text: text.clone(),
            checkbox,
            id: Some(attrs.id.clone()),
        });
        let mut scopes = self.section.scopes.clone();
        if !self.section.id.is_empty() && !scopes.contains(&self.section.id) {
            scopes.push(self.section.id.clone());
        }
        let weeks = attrs.weeks.unwrap_or_else(|| self.section.weeks.clone());
        let (source, line) = match attrs.line {
            Some(line) => (self.info.roadmap.to_string(), Some(line)),
            None => (self.section.source.clone(), self.section.line),
        };
        let mut blocks = Vec::new();
        let mut code = Vec::new();
        collect_code(el, &mut code, &mut blocks);
        self.positions.push(self.next_position);
        self.next_position += 1;
        self.records.push(Record {
            unit: Unit::Item,
            kind: attrs.kind,
            url: format!("{}#{}", self.info.path, attrs.id),
            id: attrs.id,
            scopes,
            page: self.info.path.to_string(),
            title: self.title.clone(),
            page_top: false,
            heading_path: self.section.heading_path.clone(),
            heading: String::new(),
            body: text.clone(),
            code,
            blocks: {
                let mut all = vec![Block::Item {
                    text,
                    checkbox,
                    id: None,
                }];
                all.extend(blocks);
                all
            },
            weeks,
            source,
            line,
        });
    }

    fn take_position(&mut self) -> usize {
        self.next_position += 1;
        self.next_position - 1
    }

    fn start_preamble(&mut self) {
        self.section = Section {
            started: true,
            position: self.take_position(),
            kind: self.info.kind.to_string(),
            id: self.info.id.clone(),
            scopes: vec![self.info.id.clone()],
            fragment: None,
            heading_path: Vec::new(),
            heading: String::new(),
            weeks: self.info.weeks.clone(),
            source: self.info.source.clone(),
            line: None,
            blocks: Vec::new(),
        };
    }

    fn heading(&mut self, el: ElementRef<'_>, level: u8) {
        self.flush_para();
        self.flush_section();
        let text = normalize(&visible_text(el));
        let dom_id = el.attr("id").unwrap_or_default().to_string();
        let attrs = Attrs::of(el).or_else(|| self.pending.take());
        self.pending = None;
        while self.stack.last().is_some_and(|f| f.level >= level) {
            self.stack.pop();
        }
        let inherited_kind = self.stack.iter().rev().find_map(|f| f.kind.clone());
        let inherited_weeks = self.stack.iter().rev().find_map(|f| f.weeks.clone());
        let inherited_id = self.stack.iter().rev().find_map(|f| f.stable.clone());
        let mut scopes = vec![self.info.id.clone()];
        scopes.extend(self.stack.iter().filter_map(|f| f.stable.clone()));
        scopes.dedup();
        let frame = Frame {
            level,
            text: text.clone(),
            stable: attrs.as_ref().map(|a| a.id.clone()),
            kind: attrs.as_ref().map(|a| a.kind.clone()),
            weeks: attrs.as_ref().and_then(|a| a.weeks.clone()),
        };
        self.stack.push(frame);
        let heading_path = self.stack.iter().map(|f| f.text.clone()).collect();
        let (source, line) = match attrs.as_ref().and_then(|a| a.line) {
            Some(line) => (self.info.roadmap.to_string(), Some(line)),
            None => (
                self.info.source.clone(),
                self.info
                    .markdown
                    .and_then(|md| find_heading_line(md, &text)),
            ),
        };
        self.section = Section {
            started: true,
            position: self.take_position(),
            kind: attrs
                .as_ref()
                .map(|a| a.kind.clone())
                .or(inherited_kind)
                .unwrap_or_else(|| self.info.kind.to_string()),
            id: attrs
                .as_ref()
                .map(|a| a.id.clone())
                .or(inherited_id)
                .unwrap_or_else(|| self.info.id.clone()),
            scopes,
            fragment: Some(dom_id),
            heading_path,
            heading: text,
            weeks: attrs
                .as_ref()
                .and_then(|a| a.weeks.clone())
                .or(inherited_weeks)
                .unwrap_or_else(|| self.info.weeks.clone()),
            source,
            line,
            blocks: Vec::new(),
        };
    }

    fn flush_section(&mut self) {
        self.flush_para();
        let section = std::mem::take(&mut self.section);
        if !section.started {
            return;
        }
        let is_preamble = section.fragment.is_none();
        if is_preamble && section.blocks.is_empty() {
            return;
        }
        let page_top = self.sections_done == 0;
        self.sections_done += 1;
        let mut body = Vec::new();
        let mut code = Vec::new();
        for block in &section.blocks {
            match block {
                Block::Heading { text } | Block::Text { text } => body.push(text.as_str()),
                Block::Item { text, id: None, .. } => body.push(text.as_str()),
                Block::Item { id: Some(_), .. } => {}
                Block::Code { text, .. } => code.push(text.clone()),
            }
        }
        let url = match &section.fragment {
            Some(fragment) if !page_top => format!("{}#{}", self.info.path, fragment),
            _ => self.info.path.to_string(),
        };
        let mut scopes = section.scopes;
        scopes.retain(|s| *s != section.id);
        self.positions.push(section.position);
        self.records.push(Record {
            unit: Unit::Section,
            kind: section.kind,
            id: section.id,
            scopes,
            page: self.info.path.to_string(),
            url,
            title: self.title.clone(),
            page_top,
            heading_path: section.heading_path,
            heading: section.heading,
            body: body.join("\n"),
            code,
            blocks: section.blocks,
            weeks: section.weeks,
            source: section.source,
            line: section.line,
        });
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "ul"
            | "ol"
            | "table"
            | "thead"
            | "tbody"
            | "tr"
            | "blockquote"
            | "dl"
            | "dt"
            | "dd"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "figure"
            | "figcaption"
            | "details"
            | "summary"
            | "hr"
            | "aside"
    )
}

/// Whether the reader does not see `el`'s content as text: scripts, styles,
/// hidden Rust lines, Mermaid sources, mdBook's buttons.
fn is_hidden(el: ElementRef<'_>) -> bool {
    let value = el.value();
    SKIPPED.contains(&value.name())
        || value.classes().any(|c| SKIPPED_CLASSES.contains(&c))
        || value.attr("hidden").is_some()
        || value.attr("aria-hidden") == Some("true")
}

fn has_checkbox(el: ElementRef<'_>) -> bool {
    el.descendent_elements()
        .any(|d| d.value().name() == "input" && d.attr("type").is_some_and(|t| t == "checkbox"))
}

fn contains_section_heading(el: ElementRef<'_>) -> bool {
    el.descendent_elements()
        .skip(1)
        .any(|d| heading_level(d.value().name()).is_some_and(|l| l <= 4) && d.attr("id").is_some())
}

/// The visible text of an element, hidden parts left out.
fn visible_text(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    fn go(el: ElementRef<'_>, out: &mut String) {
        for child in el.children() {
            match child.value() {
                Node::Text(text) => out.push_str(text),
                Node::Element(e) => {
                    if let Some(child) = ElementRef::wrap(child)
                        && !is_hidden(child)
                    {
                        if is_block(e.name()) || e.name() == "li" || e.name() == "br" {
                            out.push(' ');
                        }
                        go(child, out);
                    }
                }
                _ => {}
            }
        }
    }
    go(el, &mut out);
    out
}

/// Code blocks inside an item, for its own record.
fn collect_code(el: ElementRef<'_>, code: &mut Vec<String>, blocks: &mut Vec<Block>) {
    let pre = Selector::parse("pre > code").expect("static selector");
    for c in el.select(&pre) {
        let mut text = String::new();
        code_text(c, &mut text);
        let lang = code_language(c);
        code.push(text.clone());
        blocks.push(Block::Code { lang, text });
    }
}

/// The text of a code block as shown: whitespace kept, hidden lines out.
fn code_text(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(_) => {
                if let Some(child) = ElementRef::wrap(child)
                    && !is_hidden(child)
                {
                    code_text(child, out);
                }
            }
            _ => {}
        }
    }
}

/// Appends HTML text to a paragraph, with runs of whitespace made one space.
fn push_text(para: &mut String, text: &str) {
    let mut last_space = para.ends_with(' ') || para.is_empty();
    for ch in text.chars() {
        if ch.is_whitespace() {
            if !last_space {
                para.push(' ');
                last_space = true;
            }
        } else {
            para.push(ch);
            last_space = false;
        }
    }
}

/// Collapses whitespace and trims.
pub(crate) fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The 1-based line of the Markdown heading whose text is `heading` (best
/// effort: ATX headings, compared without markup and case).
pub fn find_heading_line(markdown: &str, heading: &str) -> Option<u64> {
    let wanted = simplify(heading);
    if wanted.is_empty() {
        return None;
    }
    let mut fallback = None;
    for (n, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('#') {
            let text = rest.trim_start_matches('#');
            let text = text.split(" {#").next().unwrap_or(text);
            if simplify(text) == wanted {
                return Some(n as u64 + 1);
            }
        }
        if fallback.is_none() && simplify(line).contains(&wanted) {
            fallback = Some(n as u64 + 1);
        }
    }
    fallback
}

/// Lowercase letters and digits only, single-spaced: markup-insensitive
/// comparison of heading texts.
fn simplify(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    normalize(&mapped)
}

/// The language of a code element, from mdBook's `language-…` class.
fn code_language(code: ElementRef<'_>) -> String {
    code.attr("class")
        .into_iter()
        .flat_map(|c| c.split_whitespace())
        .find_map(|c| c.strip_prefix("language-"))
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info<'a>(path: &'a str, md: Option<&'a str>) -> PageInfo<'a> {
        PageInfo {
            path,
            kind: "prose",
            id: "page".into(),
            weeks: vec![],
            source: "src/page.md".into(),
            markdown: md,
            roadmap: "roadmap.md",
        }
    }

    #[test]
    fn parses_week_lists_and_ranges() {
        assert_eq!(parse_weeks("3"), vec![3]);
        assert_eq!(parse_weeks("1-2"), vec![1, 2]);
        assert_eq!(parse_weeks("11-12, 1,3"), vec![1, 3, 11, 12]);
        assert_eq!(parse_weeks("x"), Vec::<u64>::new());
        assert_eq!(parse_weeks("5-2"), Vec::<u64>::new());
    }

    #[test]
    fn splits_sections_and_skips_chrome() {
        let html = r##"<html><head><title>Intro - Book</title><script>var x = "secret";</script></head>
        <body><nav>sidebar text</nav><main>
        <h1 id="intro"><a class="header" href="#intro">Intro</a></h1>
        <p>Welcome <em>reader</em>.</p>
        <script>hidden()</script>
        <h2 id="setup"><a class="header" href="#setup">Set up</a></h2>
        <p>Install it.</p>
        <pre><code class="language-rust"><span class="boring">fn main() {
</span>let x = 1;
<span class="boring">}
</span></code></pre>
        <pre class="mermaid">graph TD; A--&gt;B</pre>
        </main><nav class="nav-wrapper">Next</nav></body></html>"##;
        let records = extract_page(html, &info("intro.html", Some("# Intro\n\n## Set up\n")));
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].title, "Intro");
        assert_eq!(records[0].url, "intro.html");
        assert!(records[0].page_top);
        assert_eq!(records[0].body, "Welcome reader.");
        assert_eq!(records[0].line, Some(1));
        assert_eq!(records[1].heading_path, vec!["Intro", "Set up"]);
        assert_eq!(records[1].url, "intro.html#setup");
        assert_eq!(records[1].body, "Install it.");
        assert_eq!(records[1].code, vec!["let x = 1;".to_string()]);
        assert_eq!(records[1].line, Some(3));
        assert!(!records.iter().any(|r| r.body.contains("secret")
            || r.body.contains("sidebar")
            || r.body.contains("graph")));
    }

    #[test]
    fn items_with_data_kind_become_records_of_their_own() {
        let html = r##"<main>
        <h1 id="w01" data-kind="week" data-week="1" data-line="10">Week 1</h1>
        <p>Focus: scale.</p>
        <h2 id="w01-mon" data-kind="block" data-line="12">Monday-Tuesday: Scalability</h2>
        <ul><li id="w01-lb" data-kind="task" data-line="13"><input type="checkbox" disabled> Study load balancing</li>
        <li>plain note</li></ul>
        <h3 id="notes">Notes</h3><p>More.</p>
        </main>"##;
        let records = extract_page(html, &info("weeks/week-01.html", None));
        let summary: Vec<_> = records
            .iter()
            .map(|r| (r.unit, r.kind.as_str(), r.id.as_str(), r.url.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (Unit::Section, "week", "w01", "weeks/week-01.html"),
                (
                    Unit::Section,
                    "block",
                    "w01-mon",
                    "weeks/week-01.html#w01-mon"
                ),
                (Unit::Item, "task", "w01-lb", "weeks/week-01.html#w01-lb"),
                (
                    Unit::Section,
                    "block",
                    "w01-mon",
                    "weeks/week-01.html#notes"
                ),
            ]
        );
        let task = &records[2];
        assert_eq!(task.body, "Study load balancing");
        assert_eq!(task.weeks, vec![1]);
        assert_eq!(task.line, Some(13));
        assert_eq!(task.source, "roadmap.md");
        assert_eq!(task.scopes, vec!["page", "w01", "w01-mon"]);
        assert_eq!(
            task.heading_path,
            vec!["Week 1", "Monday-Tuesday: Scalability"]
        );
        // The block's body keeps the plain note but not the task, which is
        // its own record; show still sees the task as a checklist entry.
        let block = &records[1];
        assert_eq!(block.body, "plain note");
        assert!(
            matches!(&block.blocks[0], Block::Item { checkbox: true, id: Some(id), .. } if id == "w01-lb")
        );
        assert_eq!(block.weeks, vec![1]);
        assert_eq!(records[3].weeks, vec![1]);
        assert_eq!(
            records[3].heading_path,
            vec!["Week 1", "Monday-Tuesday: Scalability", "Notes"]
        );
    }
}

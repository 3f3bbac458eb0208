//! The sidebar in pieces, so that a first visit stays light at any book size.
//!
//! mdBook's sidebar is `toc.js`: one script for every page that sets the
//! sidebar's `innerHTML` to the whole chapter list (about 180-430 bytes a
//! chapter), then marks the current page's link, expands its parents,
//! restores the scroll offset and wires the fold toggles. When that list is
//! over a byte budget ([`DEFAULT_BUDGET`]), this step rewrites the staged
//! `toc.js` into
//!
//! - a **shell**: mdBook's script unchanged but for the list, which becomes
//!   `window.roadbookToc.html(this)` (a few lines of roadbook's own before
//!   the class put the list together): the chapter tree down to the depth
//!   that fits the budget, each deeper list an empty placeholder
//!   `<ol class="section" data-roadbook-piece="N">`, and when even the top
//!   level does not fit, windows of consecutive top-level entries as
//!   placeholder `<li data-roadbook-piece="N">` (as tall as what they stand for);
//! - **pieces** `toc/N-DIGEST.js`, classic scripts that hand their part of
//!   the list to `window.roadbookToc.piece(N, '…')` (no fetch, no modules,
//!   so they load from `file://` too), each under a quarter of the budget and
//!   itself cut the same way;
//! - in every chapter page, after its `toc.js` tag, a `<script>` tag for
//!   each piece on the path from the shell to the page's own link. They run
//!   before the sidebar element is parsed, so mdBook's code finds the current
//!   link in place: it marks it, expands its parents and scrolls to it as it
//!   always did. Other pieces load when their placeholder comes into view in
//!   the sidebar (an `IntersectionObserver`): a folded entry's placeholder is
//!   hidden until the reader expands it.
//!
//! A list within the budget (the shipped book's) leaves `toc.js` untouched:
//! byte for byte what mdBook wrote, no pieces, no page changed. So does a
//! `toc.js` not in the shape mdBook writes (a theme's own), with a warning.
//!
//! The list is read with a real HTML parser (scraper, html5ever) and written
//! back with mdBook's own escaping. mdBook leaves some `</li>`s for the
//! parser to close (an entry after a nested list, a part title nested in an
//! entry's `<li>`), so the pieces put back together are not its bytes but
//! its document tree: every build checks that the list written back parses
//! to the same tree as mdBook's, and leaves `toc.js` whole if not.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use scraper::{ElementRef, Html, Node as HtmlNode};

/// Bytes of the chapter list the shell may carry (and over which the list is
/// cut at all). Pieces hold at most a quarter of it.
pub(crate) const DEFAULT_BUDGET: usize = 20_000;

/// Overrides [`DEFAULT_BUDGET`], for tests only: a small value gives the
/// shipped book pieces, so that the browser check can exercise them.
pub(crate) const BUDGET_VAR: &str = "ROADBOOK_SIDEBAR_BUDGET";

/// The folder of the pieces, at the book's root.
pub(crate) const DIR: &str = "toc";

/// The statement of mdBook's `toc.js` that holds the list.
const LIST_START: &str = "this.innerHTML = '";

/// What the list's string literal becomes in the shell.
const LIST_CALL: &str = "window.roadbookToc.html(this)";

/// The bytes a placeholder is counted as while cutting: its markup's
/// longest (a list's, 66 bytes and its two numbers).
const PLACEHOLDER_COST: usize = 80;

/// Rewrites the staged book in `dir`: its `toc.js` into a shell and pieces,
/// and its chapter pages to load their own pieces, when the list is over the
/// budget (`ROADBOOK_SIDEBAR_BUDGET`, else [`DEFAULT_BUDGET`]).
pub(crate) fn write(dir: &Path) -> Result<()> {
    let budget = match std::env::var(BUDGET_VAR) {
        Ok(value) => value
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("{BUDGET_VAR}={value:?} is not a positive number of bytes"))?,
        Err(_) => DEFAULT_BUDGET,
    };
    write_with(dir, budget)
}

/// [`write`] with the budget given.
pub(crate) fn write_with(dir: &Path, budget: usize) -> Result<()> {
    let Some(name) = toc_file(dir)? else {
        return Ok(());
    };
    let path = dir.join(&name);
    let script = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let split = match split(&script, budget) {
        Ok(Some(split)) => split,
        Ok(None) => return Ok(()),
        Err(why) => {
            tracing::warn!("{name} left whole (the sidebar loads in one piece): {why}");
            return Ok(());
        }
    };
    for piece in &split.pieces {
        crate::assets::write_new(&dir.join(DIR).join(&piece.file), piece.script.as_bytes())?;
    }
    std::fs::write(&path, &split.shell)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // The pages, each read and written once: on every core, the step's
    // largest cost at scale.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = split.pages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = split
            .pages
            .chunks(chunk)
            .map(|pages| scope.spawn(|| add_piece_tags(dir, &name, &split.pieces, pages)))
            .collect();
        workers
            .into_iter()
            .try_for_each(|worker| worker.join().expect("a page writer panicked"))
    })?;
    Ok(())
}

/// The sidebar's pieces in the book built in `dir`, as paths from its root
/// (`toc/N-DIGEST.js`), in name order; none for a book without.
pub(crate) fn pieces(dir: &Path) -> Result<Vec<String>> {
    let folder = dir.join(DIR);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in
        std::fs::read_dir(&folder).with_context(|| format!("cannot list {}", folder.display()))?
    {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".js") {
            out.push(format!("{DIR}/{name}"));
        }
    }
    out.sort();
    Ok(out)
}

/// Adds to each of `pages` (in `dir`) the tags of its pieces after its tag
/// for `toc` (the toc script's name).
fn add_piece_tags(
    dir: &Path,
    toc: &str,
    pieces: &[Piece],
    pages: &[(String, Vec<usize>)],
) -> Result<()> {
    for (href, chain) in pages {
        let page = dir.join(href);
        let Ok(html) = std::fs::read_to_string(&page) else {
            continue;
        };
        let files: Vec<&str> = chain.iter().map(|&n| pieces[n].file.as_str()).collect();
        if let Some(html) = with_piece_tags(&html, toc, &files) {
            std::fs::write(&page, html)
                .with_context(|| format!("cannot write {}", page.display()))?;
        }
    }
    Ok(())
}

/// The name of mdBook's `toc.js` at the root of `dir` (`toc-HASH.js` with
/// hashed file names), if it has one.
fn toc_file(dir: &Path) -> Result<Option<String>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let hashed = name
            .strip_prefix("toc-")
            .and_then(|rest| rest.strip_suffix(".js"))
            .is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()));
        if name == "toc.js" || hashed {
            found.push(name);
        }
    }
    found.sort();
    match found.len() {
        0 | 1 => Ok(found.pop()),
        _ => {
            tracing::warn!("the sidebar loads in one piece: more than one toc script ({found:?})");
            Ok(None)
        }
    }
}

/// `html` (a page) with a `<script>` tag for each of `files` (under
/// [`DIR`]) right after its tag for `toc` (the toc script's name), with the
/// same path to the root; `None` when the page has no such tag.
fn with_piece_tags(html: &str, toc: &str, files: &[&str]) -> Option<String> {
    let tag_end = format!("{toc}\"></script>");
    let at = html.find(&tag_end)?;
    let src = html[..at].rfind("src=\"")? + "src=\"".len();
    let prefix = &html[src..at];
    if prefix.contains(['"', '<', '>']) {
        return None;
    }
    let end = at + tag_end.len();
    let mut out = String::with_capacity(html.len() + files.len() * 64);
    out.push_str(&html[..end]);
    for file in files {
        out.push_str(&format!("<script src=\"{prefix}{DIR}/{file}\"></script>"));
    }
    out.push_str(&html[end..]);
    Some(out)
}

/// What [`split`] makes of a `toc.js` over the budget.
#[derive(Debug)]
struct Split {
    /// The new `toc.js`.
    shell: String,
    /// The pieces, by number.
    pieces: Vec<Piece>,
    /// Each page's path from the book's root (a link's `href`, and
    /// `index.html` for the first link) with the pieces it loads up front:
    /// those on the way from the shell to its link, outermost first.
    pages: Vec<(String, Vec<usize>)>,
}

#[derive(Debug)]
struct Piece {
    /// Its file name under [`DIR`].
    file: String,
    /// The script: `window.roadbookToc.piece(N, '…');`.
    script: String,
    /// Its part of the list, as the shell puts it back (the tests read it).
    #[cfg_attr(not(test), allow(dead_code))]
    html: String,
}

/// The shell and pieces of `script` (mdBook's `toc.js`) for a list budget
/// of `budget` bytes; `None` when the list fits (nothing to do), `Err` with
/// the reason when `script` is not in the shape mdBook writes.
fn split(script: &str, budget: usize) -> Result<Option<Split>, String> {
    let (literal_start, list, literal_end) = list_literal(script)?;
    if list.len() <= budget {
        return Ok(None);
    }
    let parsed = Html::parse_fragment(&list);
    let tree = parse(&parsed)?;
    let mut full = String::with_capacity(list.len());
    tree.serialize(&mut full);
    if full != list && canonical(&full) != parsed.root_element().inner_html() {
        return Err("its chapter list does not read back as the same HTML".into());
    }
    let Node::Element { children, .. } = &tree else {
        unreachable!("parse returns an element");
    };
    let mut cutter = Cutter {
        piece_budget: (budget / 4).max(1),
        pieces: Vec::new(),
        links: Vec::new(),
    };
    let mut shell_list = String::new();
    tree.open_tag(&mut shell_list);
    cutter.list(children, budget, None, &mut shell_list);
    tree.close_tag(&mut shell_list);
    if cutter.pieces.is_empty() {
        return Ok(None);
    }

    // The pieces on the way to each piece, outermost first.
    let parents: Vec<Option<usize>> = cutter.pieces.iter().map(|p| p.parent).collect();
    let chain = |mut owner: Option<usize>| {
        let mut out = Vec::new();
        while let Some(n) = owner {
            out.push(n);
            owner = parents[n];
        }
        out.reverse();
        out
    };
    let mut pages: Vec<(String, Vec<usize>)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut add = |href: &str, pieces: Vec<usize>| match seen.get(href) {
        Some(&i) => {
            let known: &mut Vec<usize> = &mut pages[i].1;
            for n in pieces {
                if !known.contains(&n) {
                    known.push(n);
                }
            }
        }
        None => {
            seen.insert(href.to_owned(), pages.len());
            pages.push((href.to_owned(), pieces));
        }
    };
    // mdBook's script marks the first link active on the home page too.
    if let Some((_, owner)) = cutter.links.first() {
        add("index.html", chain(*owner));
    }
    for (href, owner) in &cutter.links {
        if let Some(href) = href.as_deref().filter(|h| is_page(h)) {
            add(href.split('#').next().unwrap_or(href), chain(*owner));
        }
    }
    pages.retain(|(_, chain)| !chain.is_empty());

    let names: Vec<String> = cutter
        .pieces
        .iter()
        .enumerate()
        .map(|(n, piece)| format!("{n}-{}", crate::build_stamp::digest(&piece.html)))
        .collect();
    let pieces: Vec<Piece> = cutter
        .pieces
        .into_iter()
        .enumerate()
        .map(|(n, piece)| Piece {
            file: format!("{}.js", names[n]),
            script: format!(
                "// Part of the sidebar's chapter list, written by roadbook build (see toc.js).\n\
                 window.roadbookToc.piece({n}, {});\n",
                js_string(&piece.html)
            ),
            html: piece.html,
        })
        .collect();

    let names_js = names
        .iter()
        .map(|name| js_string(name))
        .collect::<Vec<_>>()
        .join(",");
    let mut shell = String::with_capacity(script.len() + shell_list.len());
    let (before, rest) = RUNTIME.split_once("SHELL").expect("the runtime has SHELL");
    let (between, after) = rest.split_once("NAMES").expect("the runtime has NAMES");
    shell.push_str(before);
    shell.push_str(&js_string(&shell_list));
    shell.push_str(between);
    shell.push_str(&names_js);
    shell.push_str(after);
    shell.push_str(&script[..literal_start]);
    shell.push_str(LIST_CALL);
    shell.push_str(&script[literal_end..]);
    Ok(Some(Split {
        shell,
        pieces,
        pages,
    }))
}

/// A link to a page of the book (not to elsewhere, not to an anchor).
fn is_page(href: &str) -> bool {
    !href.is_empty()
        && !href.starts_with(['#', '/', '?'])
        && !href.contains("://")
        && !href.starts_with("mailto:")
        && !href.contains("..")
}

/// The byte range of the list's string literal in `script` (from its
/// opening quote to after its closing one) and the list it spells.
fn list_literal(script: &str) -> Result<(usize, String, usize), String> {
    let mut starts = script.match_indices(LIST_START);
    let Some((at, _)) = starts.next() else {
        return Err(format!("no `{LIST_START}…'` statement"));
    };
    if starts.next().is_some() {
        return Err(format!("more than one `{LIST_START}…'` statement"));
    }
    let quote = at + LIST_START.len() - 1;
    let (list, end) = read_js_string(script, quote)?;
    if !script[end..].starts_with(';') {
        return Err("the list's string is not the whole statement".into());
    }
    Ok((quote, list, end))
}

/// Reads the single-quoted JavaScript string literal at byte `quote` of
/// `text`: its value and the byte after its closing quote. mdBook writes the
/// list into the literal as it is (its names are HTML-escaped, `'` and `\`
/// included); the escapes a template might add are read too.
fn read_js_string(text: &str, quote: usize) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut chars = text[quote + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return Ok((out, quote + 1 + i + 1)),
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => {
                return Err("a line break inside the list's string".into());
            }
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    '\\' | '\'' | '"' | '/' => out.push(e),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 4)
                            .and_then(char::from_u32)
                            .ok_or("an escape `\\u` the step does not read")?;
                        out.push(code);
                    }
                    'x' => {
                        let hex: String = chars.by_ref().take(2).map(|(_, h)| h).collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 2)
                            .and_then(char::from_u32)
                            .ok_or("an escape `\\x` the step does not read")?;
                        out.push(code);
                    }
                    other => return Err(format!("an escape `\\{other}` the step does not read")),
                }
            }
            c => out.push(c),
        }
    }
    Err("the list's string does not end".into())
}

/// `value` as a single-quoted JavaScript string literal.
fn js_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The document tree a browser builds from `html`, as html5ever writes it
/// back: two lists with the same one are the same sidebar.
fn canonical(html: &str) -> String {
    Html::parse_fragment(html).root_element().inner_html()
}

/// The chapter list's tree, as the parser reads it.
#[derive(Debug)]
enum Node {
    Element {
        name: String,
        /// Attributes in the parser's order (mdBook writes one a tag).
        attrs: Vec<(String, String)>,
        children: Vec<Node>,
    },
    Text(String),
}

/// The chapter list's tree from its parse: one `<ol class="chapter">`.
fn parse(html: &Html) -> Result<Node, String> {
    let mut top = html.root_element().children();
    let (Some(ol), None) = (top.next().and_then(ElementRef::wrap), top.next()) else {
        return Err("the chapter list is not one element".into());
    };
    let node = convert(ol)?;
    match &node {
        Node::Element { name, attrs, .. }
            if name == "ol"
                && attrs
                    .iter()
                    .any(|(n, v)| n == "class" && v.split(' ').any(|c| c == "chapter")) =>
        {
            Ok(node)
        }
        _ => Err("the chapter list is not an <ol class=\"chapter\">".into()),
    }
}

fn convert(element: ElementRef<'_>) -> Result<Node, String> {
    let value = element.value();
    if &*value.name.ns != "http://www.w3.org/1999/xhtml" {
        return Err(format!("a <{}> outside HTML", value.name()));
    }
    let attrs = value
        .attrs()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let mut children = Vec::new();
    for child in element.children() {
        match child.value() {
            HtmlNode::Text(text) => children.push(Node::Text(text.to_string())),
            HtmlNode::Element(_) => {
                children.push(convert(ElementRef::wrap(child).expect("an element"))?)
            }
            HtmlNode::Comment(_) => return Err("a comment in the chapter list".into()),
            _ => return Err("an unexpected node in the chapter list".into()),
        }
    }
    Ok(Node::Element {
        name: value.name().to_owned(),
        attrs,
        children,
    })
}

/// HTML void elements: no closing tag, no children.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

impl Node {
    fn is(&self, tag: &str) -> bool {
        matches!(self, Node::Element { name, .. } if name == tag)
    }

    fn attr(&self, wanted: &str) -> Option<&str> {
        match self {
            Node::Element { attrs, .. } => attrs
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.as_str()),
            Node::Text(_) => None,
        }
    }

    fn children(&self) -> &[Node] {
        match self {
            Node::Element { children, .. } => children,
            Node::Text(_) => &[],
        }
    }

    /// Writes the node as mdBook does: its escaping of names and attributes.
    fn serialize(&self, out: &mut String) {
        match self {
            Node::Text(text) => escape(text, out),
            Node::Element { children, .. } => {
                self.open_tag(out);
                for child in children {
                    child.serialize(out);
                }
                self.close_tag(out);
            }
        }
    }

    fn open_tag(&self, out: &mut String) {
        if let Node::Element { name, attrs, .. } = self {
            out.push('<');
            out.push_str(name);
            for (attr, value) in attrs {
                out.push(' ');
                out.push_str(attr);
                out.push_str("=\"");
                escape(value, out);
                out.push('"');
            }
            out.push('>');
        }
    }

    fn close_tag(&self, out: &mut String) {
        if let Node::Element { name, .. } = self
            && !VOID.contains(&name.as_str())
        {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }

    fn len(&self) -> usize {
        let mut out = String::new();
        self.serialize(&mut out);
        out.len()
    }

    /// The bytes of the node with the lists nested more than `depth` lists
    /// below it as placeholders.
    fn cost(&self, depth: usize) -> usize {
        match self {
            Node::Text(_) => self.len(),
            Node::Element { children, .. } => {
                let mut tags = String::new();
                self.open_tag(&mut tags);
                self.close_tag(&mut tags);
                let inner: usize = children
                    .iter()
                    .map(|child| match child {
                        Node::Element { .. } if child.is("ol") && depth == 0 => PLACEHOLDER_COST,
                        _ if child.is("ol") => child.cost(depth - 1),
                        _ => child.cost(depth),
                    })
                    .sum();
                tags.len() + inner
            }
        }
    }

    /// How many lists deep the node goes.
    fn depth(&self) -> usize {
        let below = self.children().iter().map(Node::depth).max().unwrap_or(0);
        below + usize::from(self.is("ol"))
    }
}

/// mdBook's escaping (mdbook_core's `escape_html_attribute`), for text and
/// attribute values alike.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&quot;"),
            '\\' => out.push_str("&#92;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
}

/// The height in `em` that `items` take in the sidebar, about: mdBook's
/// 2.1 em a row (line height and margin), for the rows shown (an entry's
/// list only when it is expanded). A placeholder is as tall, so that the
/// sidebar scrolls as the whole list would and loads only what comes near.
fn height(items: &[Node]) -> usize {
    fn rows(node: &Node) -> usize {
        let expanded = node
            .attr("class")
            .is_some_and(|c| c.split(' ').any(|c| c == "expanded"));
        let below: usize = node.children().iter().map(rows).sum();
        if node.is("li") {
            1 + if expanded { below } else { 0 }
        } else {
            below
        }
    }
    (items.iter().map(rows).sum::<usize>() * 21).div_ceil(10)
}

/// A piece while it is cut.
struct PieceBuild {
    html: String,
    /// The piece (or the shell, `None`) holding its placeholder.
    parent: Option<usize>,
}

/// Cuts lists into the shell and pieces.
struct Cutter {
    piece_budget: usize,
    pieces: Vec<PieceBuild>,
    /// Every link in list order (`href`, `None` for one without), with the
    /// piece that holds it (`None`: the shell).
    links: Vec<(Option<String>, Option<usize>)>,
}

impl Cutter {
    /// Writes `items` (a list's entries) into `out` for `owner` within
    /// `budget` bytes: whole if they fit; else as deep as fits, each deeper
    /// list a placeholder for a new piece; else, when not even the entries
    /// without their lists fit, in windows of consecutive entries, those that
    /// do not fit placeholders for new pieces.
    fn list(&mut self, items: &[Node], budget: usize, owner: Option<usize>, out: &mut String) {
        let whole: usize = items.iter().map(Node::len).sum();
        if whole <= budget {
            for item in items {
                self.emit(item, usize::MAX, owner, out);
            }
            return;
        }
        let deepest = items.iter().map(Node::depth).max().unwrap_or(0);
        let fits = (0..=deepest)
            .rev()
            .find(|&depth| items.iter().map(|i| i.cost(depth)).sum::<usize>() <= budget);
        if let Some(depth) = fits {
            for item in items {
                self.emit(item, depth, owner, out);
            }
            return;
        }
        // Windows: consecutive entries, whole, that fit a piece together
        // (an entry over it is a window of its own, cut inside its piece).
        let mut windows: Vec<(&[Node], usize)> = Vec::new();
        let (mut start, mut size) = (0, 0);
        for (i, item) in items.iter().enumerate() {
            let len = item.len();
            if i > start && size + len > self.piece_budget {
                windows.push((&items[start..i], size));
                (start, size) = (i, 0);
            }
            size += len;
        }
        windows.push((&items[start..], size));
        // The first windows as they are while they fit beside the
        // placeholders of the rest; from the first that does not, placeholders.
        let mut used = 0;
        let mut inline = true;
        for (k, &(window, size)) in windows.iter().enumerate() {
            let rest = (windows.len() - k - 1) * PLACEHOLDER_COST;
            inline = inline && used + size + rest <= budget;
            if inline {
                used += size;
                for item in window {
                    self.emit(item, usize::MAX, owner, out);
                }
            } else {
                used += PLACEHOLDER_COST;
                let height = height(window);
                let n = self.piece(window, owner);
                out.push_str(&format!(
                    "<li data-roadbook-piece=\"{n}\" style=\"height:{height}em\"></li>"
                ));
            }
        }
    }

    /// A new piece holding `items`, cut to the piece budget; its number.
    fn piece(&mut self, items: &[Node], parent: Option<usize>) -> usize {
        let n = self.pieces.len();
        self.pieces.push(PieceBuild {
            html: String::new(),
            parent,
        });
        let mut html = String::new();
        self.list(items, self.piece_budget, Some(n), &mut html);
        self.pieces[n].html = html;
        n
    }

    /// Writes `node` for `owner` with its lists more than `depth` lists
    /// below it as placeholders, and records its links.
    fn emit(&mut self, node: &Node, depth: usize, owner: Option<usize>, out: &mut String) {
        if node.is("a") {
            self.links
                .push((node.attr("href").map(str::to_owned), owner));
        }
        match node {
            Node::Text(_) => node.serialize(out),
            Node::Element { children, .. } => {
                node.open_tag(out);
                for child in children {
                    if child.is("ol") && depth == 0 {
                        let height = height(child.children());
                        let n = self.piece(child.children(), owner);
                        out.push_str(&format!(
                            "<ol class=\"section\" data-roadbook-piece=\"{n}\" style=\"height:{height}em\"></ol>"
                        ));
                    } else if child.is("ol") {
                        child.open_tag(out);
                        for item in child.children() {
                            self.emit(item, depth - 1, owner, out);
                        }
                        child.close_tag(out);
                    } else {
                        self.emit(child, depth, owner, out);
                    }
                }
                node.close_tag(out);
            }
        }
    }
}

/// The shell's own code, before mdBook's class: `SHELL` is the list with
/// placeholders, `NAMES` the pieces' file names under toc/.
const RUNTIME: &str = include_str!("sidebar.js");

#[cfg(test)]
mod tests {
    use super::*;

    /// One entry of mdBook's chapter list: its level (1 = top), name, path
    /// (`None`: a draft) and whether it has sub-entries; or a part title.
    enum Entry {
        Chapter(usize, String, Option<String>, bool),
        Part(String),
    }

    /// The list as mdBook 0.5.4's toc helper writes it
    /// (vendor/mdbook-html/src/html_handlebars/helpers/toc.rs, no section
    /// labels), `</li>`s it leaves to the parser and all.
    fn mdbook_list(entries: &[Entry], fold: bool) -> String {
        let mut out = String::from("<ol class=\"chapter\">");
        let li = |out: &mut String, level: usize| {
            out.push_str("<li class=\"chapter-item ");
            if !fold || level < 2 {
                out.push_str("expanded ");
            }
            out.push_str("\">");
        };
        let mut current = 1;
        let mut first = true;
        for entry in entries {
            let level = match entry {
                Entry::Chapter(level, ..) => *level,
                Entry::Part(_) => 1,
            };
            match level.cmp(&current) {
                std::cmp::Ordering::Greater => {
                    assert_eq!(level, current + 1);
                    current += 1;
                    out.push_str("<ol class=\"section\">");
                }
                std::cmp::Ordering::Less => {
                    while level < current {
                        out.push_str("</li></ol>");
                        current -= 1;
                    }
                }
                std::cmp::Ordering::Equal if !first => out.push_str("</li>"),
                std::cmp::Ordering::Equal => {}
            }
            li(&mut out, level);
            first = false;
            match entry {
                Entry::Part(title) => {
                    out.push_str("<li class=\"part-title\">");
                    escape(title, &mut out);
                    out.push_str("</li>");
                }
                Entry::Chapter(_, name, path, sub) => {
                    out.push_str("<span class=\"chapter-link-wrapper\">");
                    match path {
                        Some(path) => out.push_str(&format!("<a href=\"{path}\">")),
                        None => out.push_str("<span>"),
                    }
                    escape(name, &mut out);
                    out.push_str(if path.is_some() { "</a>" } else { "</span>" });
                    if fold && *sub {
                        out.push_str("<a class=\"chapter-fold-toggle\"><div>❱</div></a>");
                    }
                    out.push_str("</span>");
                }
            }
        }
        while current > 0 {
            out.push_str("</li></ol>");
            current -= 1;
        }
        out
    }

    /// A roadmap-shaped book: `phases` phases (a part title every 10) of
    /// two weeks of three exercises each, a draft now and then, and names
    /// with the characters mdBook escapes.
    fn book(phases: usize) -> Vec<Entry> {
        let mut out = vec![Entry::Chapter(
            1,
            "Overview".into(),
            Some("overview.html".into()),
            false,
        )];
        for p in 0..phases {
            if p % 10 == 0 {
                out.push(Entry::Part(format!("Part {p}: \"Q&A\" <it's>")));
            }
            out.push(Entry::Chapter(
                1,
                format!("🚀 Weeks {p}: Data & Flow"),
                Some(format!("phases/p-{p}.html")),
                true,
            ));
            for w in 0..2 {
                let week = format!("weeks/week-{p}-{w}.html");
                out.push(Entry::Chapter(
                    2,
                    format!("Week {p}.{w}: it's a \\ week"),
                    Some(week),
                    true,
                ));
                for e in 0..3 {
                    let path =
                        (e != 1 || p % 7 != 0).then(|| format!("exercises/e-{p}-{w}-{e}.html"));
                    out.push(Entry::Chapter(3, format!("Exercise {e} <b>"), path, false));
                }
            }
        }
        out
    }

    /// A toc.js as mdBook writes it, from its own template, around `list`.
    fn toc_js(list: &str) -> String {
        include_str!("../../../../vendor/mdbook-html/front-end/templates/toc.js.hbs")
            .replace("{{#toc}}{{/toc}}", list)
    }

    /// The list the browser puts together from the shell and every piece
    /// (what sidebar.js's `assemble` does).
    fn reassemble(html: &str, pieces: &[Piece]) -> String {
        let mut out = String::new();
        let mut rest = html;
        loop {
            let next = [
                "<ol class=\"section\" data-roadbook-piece=\"",
                "<li data-roadbook-piece=\"",
            ]
            .iter()
            .filter_map(|start| rest.find(start).map(|at| (at, *start)))
            .min();
            let Some((at, start)) = next else { break };
            out.push_str(&rest[..at]);
            let after = &rest[at + start.len()..];
            let n: usize = after[..after.find('"').unwrap()].parse().unwrap();
            let close = if start.starts_with("<ol") {
                "></ol>"
            } else {
                "></li>"
            };
            let end = after.find(close).unwrap() + close.len();
            let inner = reassemble(&pieces[n].html, pieces);
            if start.starts_with("<ol") {
                out.push_str(&format!("<ol class=\"section\">{inner}</ol>"));
            } else {
                out.push_str(&inner);
            }
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    /// The shell's list (the string literal of `window.roadbookToc`).
    fn shell_list(shell: &str) -> String {
        let at = shell.find("const shell = '").unwrap() + "const shell = '".len() - 1;
        read_js_string(shell, at).unwrap().0
    }

    fn hrefs(html: &str) -> Vec<String> {
        html.match_indices("href=\"")
            .map(|(at, m)| {
                let rest = &html[at + m.len()..];
                rest[..rest.find('"').unwrap()].to_owned()
            })
            .collect()
    }

    #[test]
    fn a_list_within_the_budget_is_left_as_mdbook_wrote_it() {
        let script = toc_js(&mdbook_list(&book(3), false));
        assert!(split(&script, DEFAULT_BUDGET).unwrap().is_none());

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("toc-0123abcd.js"), &script).unwrap();
        let page = r#"<head><script src="../toc-0123abcd.js"></script></head>"#;
        std::fs::create_dir(dir.path().join("weeks")).unwrap();
        std::fs::write(dir.path().join("weeks/week-0-0.html"), page).unwrap();
        write_with(dir.path(), DEFAULT_BUDGET).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("toc-0123abcd.js")).unwrap(),
            script
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("weeks/week-0-0.html")).unwrap(),
            page
        );
        assert!(!dir.path().join(DIR).exists(), "no pieces");
    }

    #[test]
    fn the_shipped_books_list_fits_the_default_budget() {
        // About 55 pages of the shipped book's shape (13 KB when measured):
        // the default keeps it whole with room to grow.
        let list = mdbook_list(&book(6), false);
        assert!(list.len() * 3 / 2 < DEFAULT_BUDGET, "{} bytes", list.len());
    }

    /// Splits a book of `phases` phases at `budget` and checks what every
    /// split must hold.
    fn check_split(phases: usize, budget: usize, fold: bool) -> Split {
        let list = mdbook_list(&book(phases), fold);
        let script = toc_js(&list);
        let split = split(&script, budget).unwrap().expect("over the budget");
        let shell = shell_list(&split.shell);

        // The budget: the shell's list within it, each piece within a quarter.
        assert!(
            shell.len() <= budget,
            "shell list {} > {budget}",
            shell.len()
        );
        for (n, piece) in split.pieces.iter().enumerate() {
            assert!(
                piece.html.len() <= budget / 4,
                "piece {n}: {} bytes",
                piece.html.len()
            );
        }

        // Put back together, the pieces are the list mdBook wrote: the same
        // document tree, and the same bytes but for the `</li>`s mdBook
        // leaves out.
        let whole = reassemble(&shell, &split.pieces);
        assert_eq!(canonical(&whole), canonical(&list));
        let mut written = String::new();
        parse(&Html::parse_fragment(&list))
            .unwrap()
            .serialize(&mut written);
        assert_eq!(whole, written);

        // Every link in exactly one place.
        let mut all = hrefs(&shell);
        for piece in &split.pieces {
            all.extend(hrefs(&piece.html));
        }
        let mut want = hrefs(&list);
        want.sort();
        all.sort();
        assert_eq!(all, want);

        // Each page loads the pieces from the shell down to its link.
        let holder = |href: &str| -> Option<usize> {
            let needle = format!("href=\"{href}\"");
            split.pieces.iter().position(|p| p.html.contains(&needle))
        };
        for href in hrefs(&list) {
            let chain = split
                .pages
                .iter()
                .find(|(h, _)| *h == href)
                .map(|(_, c)| c.clone())
                .unwrap_or_default();
            assert_eq!(chain.last().copied(), holder(&href), "{href}: {chain:?}");
            if let Some(&first) = chain.first() {
                assert!(
                    shell.contains(&format!("data-roadbook-piece=\"{first}\"")),
                    "{href}"
                );
            }
            for pair in chain.windows(2) {
                let placeholder = format!("data-roadbook-piece=\"{}\"", pair[1]);
                assert!(
                    split.pieces[pair[0]].html.contains(&placeholder),
                    "{href}: {chain:?}"
                );
            }
        }
        // The home page, which mdBook's script gives the first link's place.
        let home = split.pages.iter().find(|(h, _)| h == "index.html");
        assert_eq!(
            home.map(|(_, c)| c.last().copied()),
            holder("overview.html").map(Some)
        );

        // The shell is mdBook's script but for the list's string.
        let literal_end = script.find("';\n        // Set the current").unwrap() + 1;
        assert!(split.shell.ends_with(&script[literal_end..]));
        assert!(
            split
                .shell
                .contains(&format!("this.innerHTML = {LIST_CALL};"))
        );
        split
    }

    #[test]
    fn a_list_over_the_budget_is_cut_by_depth() {
        let split = check_split(12, 6_000, false);
        let shell = shell_list(&split.shell);
        assert!(shell.contains("<ol class=\"section\" data-roadbook-piece="));
        assert!(
            !shell.contains("<li data-roadbook-piece="),
            "the top level fits"
        );
    }

    #[test]
    fn a_top_level_over_the_budget_is_cut_in_windows() {
        // 300 phases, ~4,000 entries: even the top level is over 20 KB.
        let split = check_split(300, DEFAULT_BUDGET, true);
        let shell = shell_list(&split.shell);
        assert!(shell.contains("<li data-roadbook-piece="));
        assert!(
            shell.contains("href=\"phases/p-0.html\""),
            "the first entries stay"
        );
        // Pieces are real pieces: a deep page's chain is short.
        let longest = split.pages.iter().map(|(_, c)| c.len()).max().unwrap();
        assert!(longest <= 3, "a page loads {longest} pieces");
    }

    #[test]
    fn the_pieces_are_scripts_that_give_their_list() {
        let split = check_split(12, 3_000, true);
        for (n, piece) in split.pieces.iter().enumerate() {
            let call = format!("window.roadbookToc.piece({n}, '");
            let at = piece.script.find(&call).unwrap() + call.len() - 1;
            let (html, end) = read_js_string(&piece.script, at).unwrap();
            assert_eq!(html, piece.html);
            assert_eq!(&piece.script[end..], ");\n");
            assert!(piece.file.starts_with(&format!("{n}-")) && piece.file.ends_with(".js"));
        }
    }

    #[test]
    fn the_build_writes_the_shell_the_pieces_and_the_pages_tags() {
        let dir = tempfile::tempdir().unwrap();
        let script = toc_js(&mdbook_list(&book(12), true));
        std::fs::write(dir.path().join("toc-0123abcd.js"), &script).unwrap();
        std::fs::create_dir(dir.path().join("exercises")).unwrap();
        let page = "<head><script src=\"../toc-0123abcd.js\"></script>\n</head>";
        std::fs::write(dir.path().join("exercises/e-5-1-2.html"), page).unwrap();
        write_with(dir.path(), 3_000).unwrap();
        let shell = std::fs::read_to_string(dir.path().join("toc-0123abcd.js")).unwrap();
        assert!(shell.contains("window.roadbookToc = "));
        let html = std::fs::read_to_string(dir.path().join("exercises/e-5-1-2.html")).unwrap();
        let tags: Vec<&str> = html.matches("<script src=\"../toc/").collect();
        assert!(!tags.is_empty(), "{html}");
        for name in html.split("<script src=\"../toc/").skip(1) {
            let file = &name[..name.find('"').unwrap()];
            let piece = std::fs::read_to_string(dir.path().join(DIR).join(file)).unwrap();
            assert!(piece.contains("window.roadbookToc.piece("));
        }
        // The last piece of the chain holds the page's link.
        let last = html.rsplit("<script src=\"../toc/").next().unwrap();
        let last = &last[..last.find('"').unwrap()];
        let piece = std::fs::read_to_string(dir.path().join(DIR).join(last)).unwrap();
        assert!(piece.contains("href=\"exercises/e-5-1-2.html\""));
        assert!(html.starts_with(
            "<head><script src=\"../toc-0123abcd.js\"></script><script src=\"../toc/"
        ));
    }

    #[test]
    fn a_toc_js_of_another_shape_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let theirs =
            "class X extends HTMLElement { connectedCallback() { this.innerHTML = list(); } }";
        std::fs::write(dir.path().join("toc.js"), theirs).unwrap();
        write_with(dir.path(), 10).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("toc.js")).unwrap(),
            theirs
        );
        assert!(split(theirs, 10).is_err());
        let comment = toc_js("<ol class=\"chapter\"><!-- x --><li>a</li></ol>");
        assert!(split(&comment, 10).is_err());
        let two = toc_js("<ol class=\"chapter\"></ol><ol class=\"chapter\"></ol>");
        assert!(split(&two, 10).is_err());
        let unread = toc_js("<ol class=\"chapter\">\\q</ol>");
        assert!(split(&unread, 10).is_err());
    }

    #[test]
    fn javascript_strings_read_back() {
        for text in ["plain", "it's \\ a \"test\"\n\r\u{2028}❱", ""] {
            let literal = js_string(text);
            assert_eq!(
                read_js_string(&literal, 0).unwrap(),
                (text.to_owned(), literal.len())
            );
        }
        assert_eq!(read_js_string(r"'\u0041\x42\/'", 0).unwrap().0, "AB/");
        assert!(read_js_string("'no end", 0).is_err());
        assert!(read_js_string("'a\nb'", 0).is_err());
    }

    #[test]
    fn piece_tags_go_after_the_toc_tag_with_its_path() {
        let page = r#"<script src="../../toc-ab12.js"></script><body>"#;
        assert_eq!(
            with_piece_tags(page, "toc-ab12.js", &["0-aa.js", "3-bb.js"]).unwrap(),
            r#"<script src="../../toc-ab12.js"></script><script src="../../toc/0-aa.js"></script><script src="../../toc/3-bb.js"></script><body>"#
        );
        assert!(with_piece_tags("<body>", "toc-ab12.js", &["0-aa.js"]).is_none());
    }
}

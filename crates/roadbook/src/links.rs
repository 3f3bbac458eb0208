//! The link check of a built book (`roadbook check --links`): every local
//! `href`/`src` must name a file of the output and every `#fragment` an id of
//! its target page; external links are counted and listed, never fetched.
//!
//! A broken link is reported where a contributor can fix it: a generated page
//! points back to its roadmap line (the `data-line` attribute the templates
//! put on each element), a hand-written page to the line of the link in
//! `src/<same path>.md`, and mdBook's own chrome to the line of the HTML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use roadmap::{Diagnostic, LineIndex, Span};
use scraper::{ElementRef, Html, Selector};

use crate::config::Config;
use crate::project::{Project, relative};

/// What the link check found.
#[derive(Debug, Default)]
pub(crate) struct LinkReport {
    /// One error per broken link (code `broken-link`), deduplicated by where
    /// it is written and where it points.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Every external URL (fragment dropped) with how many times it occurs.
    pub(crate) external: BTreeMap<String, usize>,
    /// The texts the diagnostics point into, by path relative to the root.
    pub(crate) sources: BTreeMap<String, String>,
    /// How many HTML pages had their links checked.
    pub(crate) pages: usize,
    /// How many local links were resolved.
    pub(crate) local_links: usize,
}

/// Checks the links of `project`'s built book and adds what it found to the
/// project's diagnostics and sources.
pub(crate) fn check_project(project: &mut Project) -> Result<LinkReport> {
    let report = check(&project.config)?;
    project
        .diagnostics
        .extend(report.diagnostics.iter().cloned());
    for (name, text) in &report.sources {
        project.sources.add(name, text.clone());
    }
    Ok(report)
}

impl LinkReport {
    /// What was checked, and the external links, for people: one line per
    /// external URL with its count, then a one-line tally.
    pub(crate) fn summary(&self) -> String {
        let mut out = String::new();
        if !self.external.is_empty() {
            out.push_str("external links (listed, not fetched):\n");
            for (url, count) in &self.external {
                out.push_str(&format!("  {url} ({count}×)\n"));
            }
        }
        out.push_str(&format!(
            "checked links: {} pages, {} local links, {} broken, {} external URLs\n",
            self.pages,
            self.local_links,
            self.diagnostics.len(),
            self.external.len()
        ));
        out
    }
}

/// Checks the book built in `config.build_dir`.
pub(crate) fn check(config: &Config) -> Result<LinkReport> {
    let out = &config.build_dir;
    if !out.join("index.html").is_file() {
        bail!(
            "no built book in {}: run `roadbook build` first",
            out.display()
        );
    }
    let site = Site::read(out)?;
    let mut report = LinkReport::default();
    let mut locator = Locator::new(config);
    let mut seen = BTreeSet::new();
    let mut labels = BTreeSet::new();
    // mdBook's print page repeats every chapter, with links between chapters
    // turned into fragments of itself: check it last, and report only missing
    // files the chapters did not already show.
    let (print, chapters): (Vec<_>, Vec<_>) = site
        .pages
        .iter()
        .partition(|(path, _)| path.as_str() == PRINT_PAGE);
    for (page_path, page) in chapters.into_iter().chain(print) {
        if page.foreign {
            continue;
        }
        report.pages += 1;
        for link in &page.links {
            let target = match classify(&link.value) {
                Kind::Ignored => continue,
                Kind::External(url) => {
                    if page_path != PRINT_PAGE {
                        *report.external.entry(url).or_default() += 1;
                    }
                    continue;
                }
                Kind::Local => resolve(page_path, page.base.as_deref(), &link.value, &site),
            };
            report.local_links += 1;
            let Err(problem) = target else { continue };
            let label = problem.label();
            let repeated = !labels.insert(label.clone());
            if page_path == PRINT_PAGE
                && (repeated || matches!(problem, Problem::MissingFragment { .. }))
            {
                continue;
            }
            let (file, span) = locator.locate(page_path, link);
            if !seen.insert((file.clone(), span.start, label.clone())) {
                continue;
            }
            let where_built = format!("{}/{page_path}", out_name(config));
            let mut help = problem.help();
            if file == locator.roadmap_name() {
                help = format!(
                    "a link in the roadmap is relative to the page it is shown on \
                     (`{page_path}`); {help}"
                );
            }
            report.diagnostics.push(
                Diagnostic::error(
                    "broken-link",
                    &file,
                    span,
                    format!("broken link `{}` in {where_built}", link.value),
                )
                .with_label(label)
                .with_help(help),
            );
        }
    }
    report.sources = locator.sources;
    Ok(report)
}

/// mdBook's page of the whole book, which repeats every chapter.
const PRINT_PAGE: &str = "print.html";

/// The build folder as written in diagnostics (`book`).
fn out_name(config: &Config) -> String {
    relative(&config.root, &config.build_dir)
}

/// The built output: every file, and what each HTML page holds.
struct Site {
    files: BTreeSet<String>,
    pages: BTreeMap<String, Page>,
}

/// What the check needs of one HTML page.
struct Page {
    ids: BTreeSet<String>,
    links: Vec<Link>,
    base: Option<String>,
    /// Made by another tool (rustdoc's API pages under `api/`): links to it
    /// are checked, its own links are that tool's business (rustdoc's
    /// source-line fragments, for one, exist only for its JavaScript).
    foreign: bool,
}

/// One `href` or `src` attribute.
struct Link {
    value: String,
    /// The roadmap line of the nearest element carrying `data-line`.
    data_line: Option<u32>,
    /// The link's text, to find it in the Markdown when the URL is not there.
    text: String,
}

impl Site {
    fn read(out: &Path) -> Result<Site> {
        let mut files = BTreeSet::new();
        let mut pages = BTreeMap::new();
        for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot list {}", out.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let path = relative(out, entry.path());
            if path.ends_with(".html") {
                let text = std::fs::read_to_string(entry.path())
                    .with_context(|| format!("cannot read {}", entry.path().display()))?;
                pages.insert(path.clone(), Page::parse(&text));
            }
            files.insert(path);
        }
        Ok(Site { files, pages })
    }
}

impl Page {
    fn parse(text: &str) -> Page {
        let html = Html::parse_document(text);
        let with_id = Selector::parse("[id], a[name]").expect("valid selector");
        let linking = Selector::parse("[href], [src]").expect("valid selector");
        let base = Selector::parse("base[href]").expect("valid selector");
        let ids = html
            .select(&with_id)
            .flat_map(|e| [e.attr("id"), e.attr("name")])
            .flatten()
            .map(str::to_owned)
            .collect();
        let mut links = Vec::new();
        for element in html.select(&linking) {
            if element.value().name() == "base" {
                continue;
            }
            for attr in ["href", "src"] {
                if let Some(value) = element.attr(attr) {
                    links.push(Link {
                        value: value.trim().to_owned(),
                        data_line: data_line(element),
                        text: element.text().collect::<String>().trim().to_owned(),
                    });
                }
            }
        }
        let base = html
            .select(&base)
            .next()
            .and_then(|e| e.attr("href"))
            .map(str::to_owned);
        let generator = Selector::parse("meta[name=generator]").expect("valid selector");
        let foreign = html
            .select(&generator)
            .filter_map(|e| e.attr("content"))
            .any(|content| content.eq_ignore_ascii_case("rustdoc"));
        Page {
            ids,
            links,
            base,
            foreign,
        }
    }
}

fn data_line(element: ElementRef<'_>) -> Option<u32> {
    std::iter::once(*element)
        .chain(element.ancestors())
        .filter_map(|node| node.value().as_element())
        .find_map(|e| e.attr("data-line"))
        .and_then(|line| line.parse().ok())
}

enum Kind {
    /// Not a link to check or list (`javascript:`, `data:`, an empty href).
    Ignored,
    /// Outside the book: listed, not fetched.
    External(String),
    /// Inside the book.
    Local,
}

fn classify(value: &str) -> Kind {
    if value.is_empty() {
        return Kind::Ignored;
    }
    if value.starts_with("//") {
        return Kind::External(without_fragment(value));
    }
    let scheme = value
        .find(':')
        .filter(|&i| !value[..i].contains(['/', '?', '#']))
        .map(|i| value[..i].to_ascii_lowercase());
    match scheme.as_deref() {
        None => Kind::Local,
        Some("javascript" | "data" | "blob" | "about") => Kind::Ignored,
        Some(_) => Kind::External(without_fragment(value)),
    }
}

fn without_fragment(url: &str) -> String {
    url.split('#').next().unwrap_or(url).to_owned()
}

/// Why a local link does not resolve.
enum Problem {
    MissingFile(String),
    MissingFragment { page: String, fragment: String },
    OutsideBook,
    AbsolutePath,
}

impl Problem {
    fn label(&self) -> String {
        match self {
            Problem::MissingFile(path) => format!("`{path}` is not in the built book"),
            Problem::MissingFragment { page, fragment } => {
                format!("`{page}` has no element with id `{fragment}`")
            }
            Problem::OutsideBook => "this points outside the built book".to_owned(),
            Problem::AbsolutePath => "an absolute path breaks the book opened from disk".to_owned(),
        }
    }

    fn help(&self) -> String {
        match self {
            Problem::MissingFile(path) if path.ends_with(".html") => {
                "link to the page's Markdown file (`other.md`) with a path relative to this page"
                    .to_owned()
            }
            Problem::MissingFile(_) => {
                "put the file under src/ (mdBook copies it into the book) or fix the path"
                    .to_owned()
            }
            Problem::MissingFragment { .. } => {
                "use the target's heading id (`#heading-text`) or an item's stable ID".to_owned()
            }
            Problem::OutsideBook | Problem::AbsolutePath => {
                "link to a file of the book with a relative path".to_owned()
            }
        }
    }
}

/// Resolves `value`, written on `page`, against the site.
fn resolve(page: &str, base: Option<&str>, value: &str, site: &Site) -> Result<(), Problem> {
    let (rest, fragment) = match value.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (value, None),
    };
    let path = rest.split('?').next().unwrap_or(rest);
    let path = percent_decode(path);
    let target = if path.is_empty() {
        page.to_owned()
    } else {
        let dir = match base {
            // `<base href="/site-url/">` (mdBook's 404 page) makes links
            // relative to the book's root.
            Some(base) if base.starts_with('/') => String::new(),
            _ => page
                .rsplit_once('/')
                .map(|(d, _)| d)
                .unwrap_or("")
                .to_owned(),
        };
        if path.starts_with('/') {
            return Err(Problem::AbsolutePath);
        }
        let mut joined = normalize(&format!("{dir}/{path}")).ok_or(Problem::OutsideBook)?;
        if joined.is_empty() || path.ends_with('/') || site.is_dir(&joined) {
            joined = if joined.is_empty() {
                "index.html".to_owned()
            } else {
                format!("{joined}/index.html")
            };
        }
        joined
    };
    if !site.files.contains(&target) {
        return Err(Problem::MissingFile(target));
    }
    let Some(fragment) = fragment.map(percent_decode) else {
        return Ok(());
    };
    match site.pages.get(&target) {
        Some(page) if !fragment.is_empty() && !page.ids.contains(&fragment) => {
            Err(Problem::MissingFragment {
                page: target,
                fragment,
            })
        }
        _ => Ok(()),
    }
}

impl Site {
    fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|f| f.starts_with(&prefix))
    }
}

/// `a/./b/../c` to `a/c`; `None` when it climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Decodes `%XX` escapes; malformed ones stay as written.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Maps a link on a built page back to the file and line it came from.
struct Locator<'a> {
    config: &'a Config,
    sources: BTreeMap<String, String>,
}

impl<'a> Locator<'a> {
    fn new(config: &'a Config) -> Self {
        Locator {
            config,
            sources: BTreeMap::new(),
        }
    }

    /// The file (relative to the root) and span where `link` of `page` is
    /// written, as well as it can be known.
    fn locate(&mut self, page: &str, link: &Link) -> (String, Span) {
        let markdown = format!("{}.md", page.trim_end_matches(".html"));
        let handwritten = self.config.src.join(&markdown);
        if handwritten.is_file() {
            let name = relative(&self.config.root, &handwritten);
            if let Some(text) = self.text(&name) {
                let span = find_in_markdown(text, link).unwrap_or_else(|| span_of(text, 0, 0));
                return (name, span);
            }
        }
        if let Some(line) = link.data_line {
            let name = self.roadmap_name();
            if let Some(text) = self.text(&name) {
                let whole = line_span(text, line);
                // Narrow to the link's URL when the line spells it out.
                let span = find_in_markdown(&text[whole.start..whole.end], link)
                    .map(|s| span_of(text, whole.start + s.start, whole.start + s.end))
                    .unwrap_or(whole);
                return (name, span);
            }
        }
        let name = relative(&self.config.root, &self.config.build_dir.join(page));
        match self.text(&name) {
            Some(text) => {
                let needle = format!("\"{}\"", link.value);
                let span = text
                    .find(&needle)
                    .map(|at| span_of(text, at + 1, at + needle.len() - 1))
                    .unwrap_or_else(|| span_of(text, 0, 0));
                (name, span)
            }
            None => (name, Span::default()),
        }
    }

    /// The roadmap's path relative to the root.
    fn roadmap_name(&self) -> String {
        relative(&self.config.root, &self.config.roadmap_path())
    }

    /// The text of `name` (relative to the root), read once.
    fn text(&mut self, name: &str) -> Option<&str> {
        if !self.sources.contains_key(name) {
            let text = std::fs::read_to_string(self.config.root.join(name)).ok()?;
            self.sources.insert(name.to_owned(), text);
        }
        self.sources.get(name).map(String::as_str)
    }
}

/// Where `link` is written in a Markdown page: its URL as written (mdBook
/// turns `other.md` into `other.html`), else its text.
fn find_in_markdown(text: &str, link: &Link) -> Option<Span> {
    let value = link.value.as_str();
    let (path, fragment) = match value.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (value, None),
    };
    let mut candidates = Vec::new();
    if let Some(stem) = path.strip_suffix(".html") {
        let md = format!("{stem}.md");
        candidates.push(match fragment {
            Some(f) => format!("{md}#{f}"),
            None => md,
        });
    }
    candidates.push(value.to_owned());
    if !path.is_empty() && fragment.is_some() {
        candidates.push(path.replace(".html", ".md"));
    }
    for candidate in &candidates {
        for needle in [
            format!("]({candidate}"),
            format!("\"{candidate}\""),
            candidate.clone(),
        ] {
            if let Some(at) = text.find(&needle) {
                let start = at + needle.find(candidate.as_str()).unwrap_or(0);
                return Some(span_of(text, start, start + candidate.len()));
            }
        }
    }
    let words = link.text.as_str();
    if !words.is_empty()
        && let Some(at) = text.find(words)
    {
        return Some(span_of(text, at, at + words.len()));
    }
    None
}

/// The span of line `line` (1-based) without its indentation.
fn line_span(text: &str, line: u32) -> Span {
    let start = LineIndex::new(text)
        .line_start(line as usize)
        .unwrap_or(text.len());
    let rest = &text[start..];
    let content = rest.split(['\n', '\r']).next().unwrap_or("");
    let indent = content.len() - content.trim_start().len();
    let end = start + content.trim_end().len();
    span_of(text, (start + indent).min(end), end)
}

/// The span of bytes `start..end` of `text`, with its line and column.
fn span_of(text: &str, start: usize, end: usize) -> Span {
    LineIndex::new(text).span(text, start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Site {
        Site {
            files: files.iter().map(|(p, _)| p.to_string()).collect(),
            pages: files
                .iter()
                .filter(|(p, _)| p.ends_with(".html"))
                .map(|(p, html)| (p.to_string(), Page::parse(html)))
                .collect(),
        }
    }

    #[track_caller]
    fn check(page: &str, value: &str, want: Option<&str>) {
        let site = site(&[
            ("index.html", r#"<h1 id="top">x</h1>"#),
            (
                "weeks/week-01.html",
                r#"<li id="w01-a">a</li><a name="old">"#,
            ),
            ("css/chrome.css", ""),
            ("exercises/index.html", ""),
        ]);
        let got = resolve(page, None, value, &site).err().map(|p| p.label());
        assert_eq!(got.as_deref(), want, "{value} on {page}");
    }

    #[test]
    fn resolves_relative_paths_fragments_and_folders() {
        check("weeks/week-01.html", "../index.html#top", None);
        check("weeks/week-01.html", "#w01-a", None);
        check("weeks/week-01.html", "#old", None);
        check("index.html", "weeks/week-01.html#w01-a", None);
        check("index.html", "./css/chrome.css?v=1", None);
        check("index.html", "exercises/", None);
        check("index.html", "exercises", None);
        check("index.html", "#", None);
        check("index.html", "weeks/week%2D01.html", None);
    }

    #[test]
    fn reports_missing_files_fragments_and_escapes() {
        check(
            "index.html",
            "weeks/week-02.html",
            Some("`weeks/week-02.html` is not in the built book"),
        );
        check(
            "index.html",
            "weeks/week-01.html#w01-b",
            Some("`weeks/week-01.html` has no element with id `w01-b`"),
        );
        check(
            "index.html",
            "../outside.html",
            Some("this points outside the built book"),
        );
        check(
            "index.html",
            "/weeks/week-01.html",
            Some("an absolute path breaks the book opened from disk"),
        );
    }

    #[test]
    fn a_base_element_makes_links_relative_to_the_root() {
        let site = site(&[("index.html", ""), ("sub/404.html", "")]);
        assert!(resolve("sub/404.html", Some("/site/"), "index.html", &site).is_ok());
        assert!(resolve("sub/404.html", None, "index.html", &site).is_err());
    }

    #[test]
    fn classifies_external_and_ignored_links() {
        assert!(
            matches!(classify("https://a.org/x#y"), Kind::External(u) if u == "https://a.org/x")
        );
        assert!(matches!(classify("//cdn.example/x.js"), Kind::External(_)));
        assert!(matches!(classify("mailto:a@b.c"), Kind::External(_)));
        assert!(matches!(classify("javascript:void(0)"), Kind::Ignored));
        assert!(matches!(
            classify("data:image/png;base64,xx"),
            Kind::Ignored
        ));
        assert!(matches!(classify("a/b:c.html"), Kind::Local));
        assert!(matches!(classify("x.html?a=b:c"), Kind::Local));
    }

    #[test]
    fn finds_a_link_in_markdown_by_its_source_url_then_its_text() {
        let text = "# T\n\nSee [the week](../weeks/week-09.md#w09-x) and\n[other](b.md).\n";
        let link = |value: &str, text: &str| Link {
            value: value.to_owned(),
            data_line: None,
            text: text.to_owned(),
        };
        let span = find_in_markdown(text, &link("../weeks/week-09.html#w09-x", "")).unwrap();
        assert_eq!((span.line, span.column), (3, 16));
        assert_eq!(&text[span.start..span.end], "../weeks/week-09.md#w09-x");
        let span = find_in_markdown(text, &link("elsewhere.html", "other")).unwrap();
        assert_eq!((span.line, span.column), (4, 2));
        assert!(find_in_markdown(text, &link("nowhere.html", "nothing")).is_none());
    }

    #[test]
    fn a_line_span_leaves_out_indentation() {
        let text = "a\n  - [ ] task\nc";
        let span = line_span(text, 2);
        assert_eq!(&text[span.start..span.end], "- [ ] task");
        assert_eq!((span.line, span.column), (2, 3));
    }

    #[test]
    fn rustdoc_pages_are_foreign_and_their_ids_still_count() {
        let page = Page::parse(
            r#"<meta name="generator" content="rustdoc"><h2 id="examples">E</h2><a href="x.rs.html#1-4">src</a>"#,
        );
        assert!(page.foreign);
        assert!(page.ids.contains("examples"));
        assert!(!Page::parse(r#"<meta name="generator" content="mdBook"><p>x</p>"#).foreign);
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
    }
}

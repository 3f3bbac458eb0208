//! mdBook's link directives (`{{#include}}`, `{{#rustdoc_include}}`, `{{#playground}}`,
//! `{{#title}}`) expanded the way mdBook 0.5's `links` preprocessor expands them.
//!
//! mdBook keeps these functions private, so they are rewritten here line for line from
//! `mdbook-driver-0.5.4/src/builtin_preprocessors/links.rs` (and its `take_lines.rs`), with the
//! regular expressions turned into small scanners; `tests/mdbook_parity.rs` runs mdBook's own
//! preprocessor on the same inputs and compares. Its public face, `LinkPreprocessor::run`, does
//! not serve the doctest generator: it takes a whole `Book` and gives back only the expanded text,
//! with no record of which page line each expanded line came from (the doctests' names and the
//! build's error messages need it) nor of the files it read (the build script watches them), and
//! it reports a broken directive by logging it and leaving the text as written. It would also make
//! all of mdbook-driver a build dependency of this crate. Where mdBook logs an error and carries on (an
//! unreadable file, a missing anchor, too deep a nesting), [`expand`] returns an error instead:
//! a book whose code is verified must not silently show something else.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// How deep includes may nest, as in mdBook.
const MAX_LINK_NESTED_DEPTH: usize = 10;

/// Which part of an included file a directive takes (mdBook's `RangeOrAnchor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Lines `start..end` of the file, 0-based, `end` exclusive; `None` means to the end.
    /// `path` alone is `start: 0, end: None`; `path:10:20` is `start: 9, end: Some(20)`.
    Lines {
        /// First line taken, 0-based.
        start: usize,
        /// Line after the last one taken, 0-based; `None` takes the rest of the file.
        end: Option<usize>,
    },
    /// The lines between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
}

impl Selection {
    /// Parses the part after the first `:` of a directive's path, as mdBook does.
    #[must_use]
    pub fn parse(parts: Option<&str>) -> Self {
        let mut parts = parts.unwrap_or("").splitn(3, ':').fuse();
        let next_element = parts.next();
        let start = if let Some(value) = next_element.and_then(|s| s.parse::<usize>().ok()) {
            // line numbers are written 1-based
            Some(value.saturating_sub(1))
        } else if let Some("") = next_element {
            None
        } else if let Some(anchor) = next_element {
            return Self::Anchor(anchor.to_owned());
        } else {
            None
        };
        // a start without an end takes one line; an end that is not a number takes the rest
        let end = parts.next().map(|s| s.parse::<usize>());
        match (start, end) {
            (Some(start), Some(Ok(end))) => Self::Lines {
                start,
                end: Some(end),
            },
            (Some(start), Some(Err(_))) => Self::Lines { start, end: None },
            (Some(start), None) => Self::Lines {
                start,
                end: Some(start + 1),
            },
            (None, Some(Ok(end))) => Self::Lines {
                start: 0,
                end: Some(end),
            },
            (None, None) | (None, Some(Err(_))) => Self::Lines {
                start: 0,
                end: None,
            },
        }
    }

    fn contains(&self, index: usize) -> bool {
        match self {
            Self::Lines { start, end } => index >= *start && end.is_none_or(|end| index < end),
            Self::Anchor(_) => false,
        }
    }
}

/// What a directive asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectiveKind {
    /// `\{{#…}}`: written out without the backslash, not expanded.
    Escaped,
    /// `{{#include path}}`: the selected lines of a file.
    Include(PathBuf, Selection),
    /// `{{#rustdoc_include path}}`: the whole file, lines outside the selection hidden with `# `.
    RustdocInclude(PathBuf, Selection),
    /// `{{#playground path attrs}}`: a file as a ```` ```rust ```` block.
    Playground(PathBuf, Vec<String>),
    /// `{{#title text}}`: sets the page title, expands to nothing.
    Title(String),
}

/// One directive found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Byte range of the directive, braces included.
    pub range: std::ops::Range<usize>,
    /// What it asks for.
    pub kind: DirectiveKind,
}

/// Finds the directives of `text` in order, as mdBook's `find_links` does.
#[must_use]
pub fn find_directives(text: &str) -> Vec<Directive> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let Some(candidate) = text[at..].find(['\\', '{']).map(|i| at + i) else {
            break;
        };
        match match_link(text, candidate) {
            Some((end, kind)) => {
                if let Some(kind) = kind {
                    found.push(Directive {
                        range: candidate..end,
                        kind,
                    });
                }
                at = end;
            }
            None => at = candidate + 1,
        }
    }
    found
}

/// Tries mdBook's link regex at `start`; returns the end of the match and, when mdBook makes a
/// link of it, what kind.
fn match_link(text: &str, start: usize) -> Option<(usize, Option<DirectiveKind>)> {
    let rest = &text[start..];
    if let Some(after) = rest.strip_prefix("\\{{#") {
        // `\\\{\{\#.*\}\}`: greedy up to the last `}}` of the line
        let line = &after[..after.find('\n').unwrap_or(after.len())];
        let close = line.rfind("}}")?;
        return Some((start + 4 + close + 2, Some(DirectiveKind::Escaped)));
    }
    let after_open = rest.strip_prefix("{{")?;
    let after_ws = after_open.trim_start();
    let after_hash = after_ws.strip_prefix('#')?;
    let typ_len = after_hash
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(after_hash.len());
    if typ_len == 0 {
        return None;
    }
    let typ = &after_hash[..typ_len];
    let after_typ = &after_hash[typ_len..];
    // `\s+([^}]+)\}\}`: the whitespace run, then everything up to the first `}`, which must
    // open `}}`; the whitespace gives back its last character if nothing else is left
    let run_len = after_typ.find('}').unwrap_or(after_typ.len());
    let run = &after_typ[..run_len];
    if !after_typ[run_len..].starts_with("}}") {
        return None;
    }
    let ws_len = run.len() - run.trim_start().len();
    let target = if ws_len < run.len() {
        if ws_len == 0 {
            return None;
        }
        &run[ws_len..]
    } else {
        // only whitespace: it needs at least two characters, one for each group
        let mut chars = run.char_indices();
        let (_, first) = chars.next()?;
        let (second, _) = chars.next()?;
        debug_assert!(first.is_whitespace());
        &run[run[second..]
            .char_indices()
            .last()
            .map_or(second, |(i, _)| second + i)..]
    };
    let end = text.len() - after_typ.len() + run_len + 2;
    Some((end, link_kind(typ, target)))
}

/// mdBook's `Link::from_capture` for a non-escaped match.
fn link_kind(typ: &str, target: &str) -> Option<DirectiveKind> {
    if typ == "title" {
        return Some(DirectiveKind::Title(target.to_owned()));
    }
    let mut props = target.split_whitespace();
    let path = props.next()?;
    match typ {
        "include" => {
            let (path, selection) = split_path(path);
            Some(DirectiveKind::Include(path, selection))
        }
        "rustdoc_include" => {
            let (path, selection) = split_path(path);
            Some(DirectiveKind::RustdocInclude(path, selection))
        }
        "playground" | "playpen" => Some(DirectiveKind::Playground(
            path.into(),
            props.map(str::to_owned).collect(),
        )),
        _ => None,
    }
}

fn split_path(path: &str) -> (PathBuf, Selection) {
    let mut parts = path.splitn(2, ':');
    let file = parts.next().unwrap_or_default();
    (file.into(), Selection::parse(parts.next()))
}

// ANCHOR: take_lines
/// Takes a range of lines of `s`, joined with `\n` (mdBook's `take_lines`).
#[must_use]
pub fn take_lines(s: &str, start: usize, end: Option<usize>) -> String {
    let lines = s.lines().skip(start);
    match end {
        Some(end) => lines
            .take(end.saturating_sub(start))
            .collect::<Vec<_>>()
            .join("\n"),
        None => lines.collect::<Vec<_>>().join("\n"),
    }
}
// ANCHOR_END: take_lines

/// The name of the first `ANCHOR: name` on `line` (mdBook's `ANCHOR_START` regex).
#[must_use]
pub fn anchor_start(line: &str) -> Option<&str> {
    anchor_after(line, "ANCHOR:")
}

/// The name of the first `ANCHOR_END: name` on `line` (mdBook's `ANCHOR_END` regex).
#[must_use]
pub fn anchor_end(line: &str) -> Option<&str> {
    anchor_after(line, "ANCHOR_END:")
}

/// `MARKER\s*([\w_-]+)`: the first occurrence of `marker` followed by a name. `\w` is
/// approximated by `char::is_alphanumeric`, which differs only on combining marks and on
/// numerals such as `²`.
fn anchor_after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = line[from..].find(marker) {
        let after = line[from + i + marker.len()..].trim_start();
        let len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        if len > 0 {
            return Some(&after[..len]);
        }
        from += i + marker.len();
    }
    None
}

/// Takes the lines between the anchors named `anchor`, dropping lines that hold other anchors
/// (mdBook's `take_anchored_lines`).
#[must_use]
pub fn take_anchored_lines(s: &str, anchor: &str) -> String {
    let mut retained = Vec::<&str>::new();
    let mut anchor_found = false;
    for l in s.lines() {
        if anchor_found {
            match anchor_end(l) {
                Some(name) => {
                    if name == anchor {
                        break;
                    }
                }
                None => {
                    if anchor_start(l).is_none() {
                        retained.push(l);
                    }
                }
            }
        } else if anchor_start(l) == Some(anchor) {
            anchor_found = true;
        }
    }
    retained.join("\n")
}

/// Keeps the lines of `selection` and hides the others behind `# ` (mdBook's
/// `take_rustdoc_include_lines` and `take_rustdoc_include_anchored_lines`).
#[must_use]
pub fn take_rustdoc_include(s: &str, selection: &Selection) -> String {
    let mut output = String::with_capacity(s.len());
    match selection {
        Selection::Lines { .. } => {
            for (index, line) in s.lines().enumerate() {
                if !selection.contains(index) {
                    output.push_str("# ");
                }
                output.push_str(line);
                output.push('\n');
            }
        }
        Selection::Anchor(anchor) => {
            let mut within = false;
            for l in s.lines() {
                if within {
                    match anchor_end(l) {
                        Some(name) => {
                            if name == anchor {
                                within = false;
                            }
                        }
                        None => {
                            if anchor_start(l).is_none() {
                                output.push_str(l);
                                output.push('\n');
                            }
                        }
                    }
                } else if let Some(name) = anchor_start(l) {
                    // lines opening other anchors are dropped, not hidden
                    if name == anchor {
                        within = true;
                    }
                } else if anchor_end(l).is_none() {
                    output.push_str("# ");
                    output.push_str(l);
                    output.push('\n');
                }
            }
        }
    }
    output.pop();
    output
}

/// Whether `s` has a line `ANCHOR: anchor` and, after it, a line `ANCHOR_END: anchor`.
#[must_use]
pub fn has_anchor(s: &str, anchor: &str) -> bool {
    let mut lines = s.lines();
    lines.any(|l| anchor_start(l) == Some(anchor)) && lines.any(|l| anchor_end(l) == Some(anchor))
}

/// A Markdown text with its directives expanded, able to say which source line each part came
/// from.
#[derive(Debug, Clone)]
pub struct Expanded {
    /// The expanded text.
    pub text: String,
    /// Every file the expansion read, in the order it read them.
    pub files_read: Vec<PathBuf>,
    pieces: Vec<Piece>,
    source_line_starts: Vec<usize>,
}

/// A stretch of the expanded text: copied from the source at `source_start`, or produced by the
/// directive on `directive_line`.
#[derive(Debug, Clone)]
struct Piece {
    start: usize,
    origin: Origin,
}

#[derive(Debug, Clone, Copy)]
enum Origin {
    Copied { source_start: usize },
    Directive { line: usize },
}

impl Expanded {
    /// The 1-based source line that the byte at `offset` of the expanded text comes from: its
    /// own line when copied, the directive's line when a directive produced it.
    #[must_use]
    pub fn source_line(&self, offset: usize) -> usize {
        let index = self.pieces.partition_point(|p| p.start <= offset);
        let Some(piece) = index.checked_sub(1).and_then(|i| self.pieces.get(i)) else {
            return 1;
        };
        match piece.origin {
            Origin::Copied { source_start } => line_of(
                &self.source_line_starts,
                source_start + (offset - piece.start),
            ),
            Origin::Directive { line } => line,
        }
    }
}

/// Line starts of `text`, for [`line_of`].
#[must_use]
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The 1-based line holding byte `offset`.
pub(crate) fn line_of(line_starts: &[usize], offset: usize) -> usize {
    line_starts.partition_point(|&start| start <= offset).max(1)
}

/// Why a directive could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    /// 1-based line of the directive in the page.
    pub line: usize,
    /// What went wrong, lowercase.
    pub message: String,
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ExpandError {}

/// Expands every directive of a page whose directory is `base`, reading files with `read`.
///
/// The result is byte for byte what mdBook's `links` preprocessor makes of the page, except that
/// whatever mdBook would only log is an [`ExpandError`] here.
pub fn expand(
    source: &str,
    base: &Path,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
) -> Result<Expanded, ExpandError> {
    let source_line_starts = line_starts(source);
    let mut expanded = Expanded {
        text: String::with_capacity(source.len()),
        files_read: Vec::new(),
        pieces: Vec::new(),
        source_line_starts,
    };
    let mut previous_end = 0;
    for directive in find_directives(source) {
        let line = line_of(&expanded.source_line_starts, directive.range.start);
        expanded.pieces.push(Piece {
            start: expanded.text.len(),
            origin: Origin::Copied {
                source_start: previous_end,
            },
        });
        expanded
            .text
            .push_str(&source[previous_end..directive.range.start]);
        let mut files = Vec::new();
        let content = render(&directive, source, base, 0, read, &mut files)
            .map_err(|message| ExpandError { line, message })?;
        expanded.files_read.extend(files);
        expanded.pieces.push(Piece {
            start: expanded.text.len(),
            origin: Origin::Directive { line },
        });
        expanded.text.push_str(&content);
        previous_end = directive.range.end;
    }
    expanded.pieces.push(Piece {
        start: expanded.text.len(),
        origin: Origin::Copied {
            source_start: previous_end,
        },
    });
    expanded.text.push_str(&source[previous_end..]);
    Ok(expanded)
}

/// mdBook's `replace_all` below the page: every directive of `text` replaced, recursively.
fn replace_all(
    text: &str,
    base: &Path,
    depth: usize,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
    files: &mut Vec<PathBuf>,
) -> Result<String, String> {
    let mut previous_end = 0;
    let mut replaced = String::with_capacity(text.len());
    for directive in find_directives(text) {
        replaced.push_str(&text[previous_end..directive.range.start]);
        replaced.push_str(&render(&directive, text, base, depth, read, files)?);
        previous_end = directive.range.end;
    }
    replaced.push_str(&text[previous_end..]);
    Ok(replaced)
}

/// The text that replaces one directive, its own directives expanded (mdBook's
/// `render_with_path` followed by the recursion of `replace_all`).
fn render(
    directive: &Directive,
    text: &str,
    base: &Path,
    depth: usize,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
    files: &mut Vec<PathBuf>,
) -> Result<String, String> {
    let link_text = &text[directive.range.clone()];
    let (path, content) = match &directive.kind {
        DirectiveKind::Escaped => (None, link_text[1..].to_owned()),
        DirectiveKind::Title(_) => (None, String::new()),
        DirectiveKind::Include(path, selection) => {
            let (target, s) = read_target(base, path, link_text, read, files)?;
            let content = match selection {
                Selection::Lines { start, end } => take_lines(&s, *start, *end),
                Selection::Anchor(anchor) => {
                    require_anchor(&s, anchor, &target)?;
                    take_anchored_lines(&s, anchor)
                }
            };
            (Some(path), content)
        }
        DirectiveKind::RustdocInclude(path, selection) => {
            let (target, s) = read_target(base, path, link_text, read, files)?;
            if let Selection::Anchor(anchor) = selection {
                require_anchor(&s, anchor, &target)?;
            }
            (Some(path), take_rustdoc_include(&s, selection))
        }
        DirectiveKind::Playground(path, attrs) => {
            let (_, mut contents) = read_target(base, path, link_text, read, files)?;
            let ftype = if attrs.is_empty() { "rust" } else { "rust," };
            if !contents.ends_with('\n') {
                contents.push('\n');
            }
            let content = format!("```{ftype}{}\n{contents}```\n", attrs.join(","));
            (Some(path), content)
        }
    };
    if depth >= MAX_LINK_NESTED_DEPTH {
        return Err(format!(
            "includes nest more than {MAX_LINK_NESTED_DEPTH} deep at {link_text}: check for cyclic includes"
        ));
    }
    let Some(path) = path else {
        return Ok(content);
    };
    let joined = normalize(&base.join(path));
    let nested_base = joined.parent().unwrap_or(base);
    replace_all(&content, nested_base, depth + 1, read, files)
}

/// `path` with its `.` and `..` components folded away without asking the file system, so
/// that messages show `/book/crates/x.rs` rather than `/book/src/ch/../../crates/x.rs`.
#[must_use]
pub fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            _ => parts.push(component),
        }
    }
    parts.iter().collect()
}

fn read_target(
    base: &Path,
    path: &Path,
    link_text: &str,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
    files: &mut Vec<PathBuf>,
) -> Result<(PathBuf, String), String> {
    let target = normalize(&base.join(path));
    files.push(target.clone());
    let s = read(&target).map_err(|e| {
        format!(
            "cannot read `{}` for {link_text}: {}",
            target.display(),
            e.to_string().to_lowercase()
        )
    })?;
    Ok((target, s))
}

fn require_anchor(s: &str, anchor: &str, target: &Path) -> Result<(), String> {
    if anchor_start_exists(s, anchor) {
        Ok(())
    } else {
        Err(format!(
            "anchor `{anchor}` not found in `{}` (expected a line with `ANCHOR: {anchor}`)",
            target.display()
        ))
    }
}

fn anchor_start_exists(s: &str, anchor: &str) -> bool {
    s.lines().any(|l| anchor_start(l) == Some(anchor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const LOREM: &str = "Lorem\nipsum\ndolor\nsit\namet";

    #[test]
    fn take_lines_follows_mdbook() {
        assert_eq!(take_lines(LOREM, 1, Some(3)), "ipsum\ndolor");
        assert_eq!(take_lines(LOREM, 3, None), "sit\namet");
        assert_eq!(take_lines(LOREM, 0, Some(3)), "Lorem\nipsum\ndolor");
        assert_eq!(take_lines(LOREM, 0, None), LOREM);
        assert_eq!(take_lines(LOREM, 4, Some(3)), "");
        assert_eq!(take_lines(LOREM, 0, Some(100)), LOREM);
    }

    #[test]
    fn anchored_lines_skip_nested_anchor_lines() {
        let s = "Lorem\nANCHOR:    test2\nipsum\nANCHOR: test\ndolor\nsit\namet\nANCHOR_END: test\nlorem\nANCHOR_END:test2\nipsum";
        assert_eq!(
            take_anchored_lines(s, "test2"),
            "ipsum\ndolor\nsit\namet\nlorem"
        );
        assert_eq!(take_anchored_lines(s, "test"), "dolor\nsit\namet");
        assert_eq!(take_anchored_lines(s, "something"), "");
        // an anchor without an end runs to the end of the file
        assert_eq!(
            take_anchored_lines("a\n// ANCHOR: x\nb\nc", "x"),
            "b\nc".to_owned()
        );
    }

    #[test]
    fn rustdoc_include_hides_what_is_outside() {
        let s = "Lorem\nANCHOR: test\nipsum\nANCHOR_END: test\ndolor\nANCHOR: test\nsit\nANCHOR_END: test\namet";
        assert_eq!(
            take_rustdoc_include(s, &Selection::Anchor("test".into())),
            "# Lorem\nipsum\n# dolor\nsit\n# amet"
        );
        assert_eq!(
            take_rustdoc_include(
                LOREM,
                &Selection::Lines {
                    start: 1,
                    end: Some(3)
                }
            ),
            "# Lorem\nipsum\ndolor\n# sit\n# amet"
        );
    }

    #[test]
    fn rustdoc_include_drops_lines_opening_other_anchors() {
        // found by tests/mdbook_parity.rs: mdBook drops them rather than hiding them
        let s = "a\n// ANCHOR: other\nb\n// ANCHOR: t\nc\n// ANCHOR_END: t";
        assert_eq!(
            take_rustdoc_include(s, &Selection::Anchor("t".into())),
            "# a\n# b\nc"
        );
    }

    #[track_caller]
    fn check_selection(written: &str, expected: Selection) {
        let parts = written.split_once(':').map(|(_, rest)| rest);
        assert_eq!(Selection::parse(parts), expected, "{written}");
    }

    #[test]
    fn selections_parse_like_mdbook() {
        let lines = |start, end| Selection::Lines { start, end };
        check_selection("f.rs", lines(0, None));
        check_selection("f.rs:10", lines(9, Some(10)));
        check_selection("f.rs:10:20", lines(9, Some(20)));
        check_selection("f.rs:10:", lines(9, None));
        check_selection("f.rs::20", lines(0, Some(20)));
        check_selection("f.rs:0:5", lines(0, Some(5)));
        check_selection("f.rs:main", Selection::Anchor("main".into()));
        check_selection("f.rs:my-anchor:3", Selection::Anchor("my-anchor".into()));
    }

    #[track_caller]
    fn check_directives(text: &str, expected: &[(&str, DirectiveKind)]) {
        let found: Vec<_> = find_directives(text)
            .into_iter()
            .map(|d| (&text[d.range], d.kind))
            .collect();
        let expected: Vec<_> = expected.iter().map(|(t, k)| (*t, k.clone())).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn directives_are_found_like_mdbooks_regex() {
        let include = |p: &str, s| DirectiveKind::Include(p.into(), s);
        let whole = Selection::Lines {
            start: 0,
            end: None,
        };
        check_directives(
            "a {{#include f.rs}} b {{ #include  g.rs:x }}",
            &[
                ("{{#include f.rs}}", include("f.rs", whole.clone())),
                (
                    "{{ #include  g.rs:x }}",
                    include("g.rs", Selection::Anchor("x".into())),
                ),
            ],
        );
        check_directives(
            r"\{{#include f.rs}} and }} more",
            &[(r"\{{#include f.rs}} and }}", DirectiveKind::Escaped)],
        );
        // an unknown kind is consumed without being a directive
        check_directives(
            "{{#unknown x}}{{#include f.rs}}",
            &[("{{#include f.rs}}", include("f.rs", whole.clone()))],
        );
        // a single `}` ends the target: no directive
        check_directives("{{#include a}b}}", &[]);
        check_directives("{{#include}}", &[]);
        check_directives(
            "{{#playground ex.rs editable}}",
            &[(
                "{{#playground ex.rs editable}}",
                DirectiveKind::Playground("ex.rs".into(), vec!["editable".into()]),
            )],
        );
        check_directives(
            "{{#title  My Title }}",
            &[(
                "{{#title  My Title }}",
                DirectiveKind::Title("My Title ".into()),
            )],
        );
    }

    fn files(entries: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
        entries
            .iter()
            .map(|(p, s)| (PathBuf::from(p), (*s).to_owned()))
            .collect()
    }

    fn expand_with(
        source: &str,
        files: &BTreeMap<PathBuf, String>,
    ) -> Result<Expanded, ExpandError> {
        expand(source, Path::new("/book/src/ch"), &mut |p| {
            files
                .get(p)
                .cloned()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "No such file"))
        })
    }

    #[test]
    fn expansion_nests_relative_to_the_included_file() {
        let files = files(&[
            ("/book/src/part/a.md", "A {{#include inner/b.txt}} A"),
            ("/book/src/part/inner/b.txt", "B"),
        ]);
        let expanded = expand_with("x\n{{#include ../part/a.md}}\ny", &files).unwrap();
        assert_eq!(expanded.text, "x\nA B A\ny");
        assert_eq!(expanded.files_read.len(), 2);
    }

    #[test]
    fn source_lines_survive_expansion() {
        let files = files(&[("/book/src/ch/f.rs", "1\n2\n3\n4")]);
        let source = "one\n```rust\n{{#include f.rs}}\n```\nfive\n";
        let expanded = expand_with(source, &files).unwrap();
        let line_of_text = |needle: &str| expanded.source_line(expanded.text.find(needle).unwrap());
        assert_eq!(line_of_text("one"), 1);
        assert_eq!(line_of_text("3"), 3);
        assert_eq!(line_of_text("five"), 5);
    }

    #[test]
    fn missing_files_and_anchors_are_errors_with_the_line() {
        let files = files(&[(
            "/book/src/ch/f.rs",
            "// ANCHOR: here\nx\n// ANCHOR_END: here",
        )]);
        let err = expand_with("a\n\n{{#include f.rs:there}}", &files).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("anchor `there` not found"), "{err}");
        let err = expand_with("{{#rustdoc_include nope.rs}}", &files).unwrap_err();
        assert_eq!(err.line, 1);
        assert!(
            err.message.contains("cannot read `/book/src/ch/nope.rs`"),
            "{err}"
        );
    }

    #[test]
    fn cyclic_includes_are_an_error() {
        let files = files(&[("/book/src/ch/self.md", "{{#include self.md}}")]);
        let err = expand_with("{{#include self.md}}", &files).unwrap_err();
        assert!(err.message.contains("cyclic"), "{err}");
    }

    #[test]
    fn normalize_folds_dots() {
        assert_eq!(
            normalize(Path::new("/w/src/ex/../../crates/./p.rs")),
            PathBuf::from("/w/crates/p.rs")
        );
        assert_eq!(
            normalize(Path::new("../a/../../b")),
            PathBuf::from("../../b")
        );
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
    }

    #[test]
    fn has_anchor_wants_start_then_end() {
        assert!(has_anchor("// ANCHOR: a\nx\n// ANCHOR_END: a", "a"));
        assert!(!has_anchor("// ANCHOR: a\nx", "a"));
        assert!(!has_anchor("// ANCHOR_END: a\n// ANCHOR: a", "a"));
        assert!(!has_anchor("// ANCHOR: ab\n// ANCHOR_END: ab", "a"));
    }
}

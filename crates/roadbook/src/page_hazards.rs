//! What makes a hand-written page of `src/` unsafe to build: an mdBook
//! include (`{{#include}}`, `{{#rustdoc_include}}`, `{{#playground}}`) that
//! reads a file outside the book's root, directly or through a symlink, or
//! one that reads nothing; and quotes or lists nested deeper than the HTML
//! renderers can recurse. Each is an error at the page's line and column, so
//! `check` fails and `build` refuses the book.

use std::path::{Component, Path, PathBuf};

use anyhow::Result;
use roadmap::{Diagnostic, Span};

use crate::config::Config;

/// The directives that read a file, as mdBook names them.
const READING: &[&str] = &["include", "rustdoc_include", "playground", "playpen"];

/// A hand-written page with problems: its path relative to the root, its
/// text, and the problems.
pub(crate) struct Finding {
    /// The page, relative to the book root.
    pub(crate) path: String,
    /// Its text, for showing the lines.
    pub(crate) text: String,
    /// What is wrong in it.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Checks every Markdown page under the book's `src/`.
pub(crate) fn check(config: &Config) -> Result<Vec<Finding>> {
    let root = config
        .root
        .canonicalize()
        .unwrap_or_else(|_| config.root.clone());
    let mut findings = Vec::new();
    for entry in walkdir::WalkDir::new(&config.src)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| entry.ok())
    {
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let name = crate::project::relative(&config.root, path);
        let dir = path.parent().unwrap_or(&config.src);
        let diagnostics = page(&text, &name, dir, &root);
        if !diagnostics.is_empty() {
            findings.push(Finding {
                path: name,
                text,
                diagnostics,
            });
        }
    }
    Ok(findings)
}

/// The problems of one page's `text`, named `name`, in folder `dir`.
fn page(text: &str, name: &str, dir: &Path, root: &Path) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for directive in directives(text) {
        if !READING.contains(&directive.kind) {
            continue;
        }
        let target = directive.path.split(':').next().unwrap_or_default();
        let span = span(text, directive.range.clone());
        // Resolved from the page's real folder, so `..` and symlinks are
        // judged against the real root.
        let base = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let joined = base.join(target);
        match joined.canonicalize() {
            Ok(real) if real.starts_with(root) => {}
            Ok(real) => diagnostics.push(
                Diagnostic::error(
                    "include-outside-book",
                    name,
                    span,
                    format!(
                        "`{{{{#{}}}}}` reads `{target}`, outside the book",
                        directive.kind
                    ),
                )
                .with_label(if normalized(&joined).starts_with(root) {
                    format!("a symlink leads to {}", real.display())
                } else {
                    "outside the book's root".to_owned()
                })
                .with_help(
                    "include files of this book only: copy the file into the book, or link to it",
                ),
            ),
            Err(_) if !normalized(&joined).starts_with(root) => diagnostics.push(
                Diagnostic::error(
                    "include-outside-book",
                    name,
                    span,
                    format!(
                        "`{{{{#{}}}}}` reads `{target}`, outside the book",
                        directive.kind
                    ),
                )
                .with_label("outside the book's root")
                .with_help(
                    "include files of this book only: copy the file into the book, or link to it",
                ),
            ),
            Err(_) => diagnostics.push(
                Diagnostic::error(
                    "include-missing",
                    name,
                    span,
                    format!(
                        "`{{{{#{}}}}}` reads `{target}`, which does not exist",
                        directive.kind
                    ),
                )
                .with_label("no such file")
                .with_help("fix the path: it is relative to this page's folder"),
            ),
        }
    }
    if let Some((at, depth)) = roadmap::too_deep(text) {
        diagnostics.push(
            Diagnostic::error(
                "too-deep",
                name,
                span(text, at..at),
                format!(
                    "quotes and lists nest {depth} deep here, more than the {} a page may have",
                    roadmap::MAX_NESTING
                ),
            )
            .with_label("nested too deep")
            .with_help("flatten the quotes or lists: nothing this deep can be rendered safely"),
        );
    }
    diagnostics
}

/// One `{{#kind path …}}` directive as mdBook's `links` preprocessor finds
/// it (whitespace allowed after `{{`, the arguments may span lines); a
/// directive written `\{{#…}}` on one line is escaped and left out.
#[derive(Debug, PartialEq, Eq)]
struct Directive<'a> {
    kind: &'a str,
    path: &'a str,
    range: std::ops::Range<usize>,
}

fn directives(text: &str) -> Vec<Directive<'_>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("{{").map(|i| from + i) {
        from = at + 2;
        if at > 0 && bytes[at - 1] == b'\\' && text[at..].starts_with("{{#") {
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            if text[at..line_end].contains("}}") {
                // Escaped: mdBook shows the rest of the line up to the last `}}`.
                from = at + text[at..line_end].rfind("}}").unwrap_or(0) + 2;
                continue;
            }
        }
        let rest = &text[at + 2..];
        let after_space = rest.trim_start();
        let Some(directive) = after_space.strip_prefix('#') else {
            continue;
        };
        let kind_len = directive
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let (kind, args) = directive.split_at(kind_len);
        if kind.is_empty() || !args.starts_with(char::is_whitespace) {
            continue;
        }
        let Some(close) = args.find('}') else {
            continue;
        };
        if !args[close..].starts_with("}}") || args[..close].trim().is_empty() {
            continue;
        }
        let path = args[..close].split_whitespace().next().unwrap_or_default();
        let end = text.len() - args.len() + close + 2;
        found.push(Directive {
            kind,
            path,
            range: at..end,
        });
        from = end;
    }
    found
}

/// `path` with `.` and `..` resolved without asking the file system.
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The line and column of `range` in `text` (lines end at LF, CRLF or CR).
fn span(text: &str, range: std::ops::Range<usize>) -> Span {
    roadmap::LineIndex::new(text).span(text, range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_found_as_mdbook_finds_them() {
        let text = "a {{#include ../x.rs:anchor}} b\n{{ #playground\n  p.rs editable}}\n\\{{#include /etc/passwd}}\n{{#title T}}\n";
        let found = directives(text);
        let kinds: Vec<(&str, &str)> = found.iter().map(|d| (d.kind, d.path)).collect();
        assert_eq!(
            kinds,
            [
                ("include", "../x.rs:anchor"),
                ("playground", "p.rs"),
                ("title", "T")
            ]
        );
        assert_eq!(&text[found[0].range.clone()], "{{#include ../x.rs:anchor}}");
    }

    #[test]
    fn includes_must_stay_in_the_book() {
        let book = tempfile::tempdir().unwrap();
        let root = book.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("src/ex")).unwrap();
        std::fs::write(root.join("code.rs"), "fn main() {}\n").unwrap();
        let dir = root.join("src/ex");
        let ok = page("{{#include ../../code.rs}}\n", "src/ex/p.md", &dir, &root);
        assert!(ok.is_empty(), "{ok:?}");
        let text = "# P\n\nx {{#include /etc/passwd}}\n{{#rustdoc_include ../../../../../etc/hosts}}\n{{#include nope.rs}}\n";
        let found = page(text, "src/ex/p.md", &dir, &root);
        let codes: Vec<(&str, u32, u32)> = found
            .iter()
            .map(|d| (d.code, d.span.line, d.span.column))
            .collect();
        assert_eq!(
            codes,
            [
                ("include-outside-book", 3, 3),
                ("include-outside-book", 4, 1),
                ("include-missing", 5, 1)
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_book_is_refused() {
        let book = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let root = book.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.join("link.txt"))
            .unwrap();
        let found = page("{{#include link.txt}}\n", "src/p.md", &root, &root);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].label.as_deref().unwrap().contains("symlink"),
            "{found:?}"
        );
    }
}

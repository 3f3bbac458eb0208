//! Turns a Markdown page into the doctests rustdoc runs: one small Markdown file per Rust block,
//! padded so that rustdoc reports the block's line in the page, and the Rust items that carry
//! them (`build.rs` writes both to `OUT_DIR`).

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::blocks::{BlockKind, code_blocks, is_rust, rust_blocks, rustdoc_info};
use crate::include::{Selection, expand, has_anchor, normalize};

/// The doctests of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDoctests {
    /// The page as shown to people, e.g. `src/exercises/w01-x.md`.
    pub page: String,
    /// One doctest per Rust block that is not an excerpt, in page order.
    pub doctests: Vec<Doctest>,
    /// Every file read to expand or check the page, sorted, for `cargo:rerun-if-changed`.
    pub files_read: Vec<PathBuf>,
}

/// One Rust block as rustdoc will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doctest {
    /// 1-based line of the block in the page (of the directive, for a block a directive made).
    pub line: usize,
    /// Name of the item carrying it: `Line42`, or `Line42Part2` for the second block one
    /// directive produced.
    pub item: String,
    /// Where it goes, relative to the output directory: `<page>/line-42.md`.
    pub file: String,
    /// The Markdown rustdoc reads: a comment naming the page, blank lines up to `line`, the block.
    pub markdown: String,
}

/// A problem with a page, at a line of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    /// 1-based line in the page.
    pub line: usize,
    /// What is wrong, lowercase.
    pub message: String,
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Builds the doctests of `page` (its text is `source`, its directory `base`), reading included
/// files with `read`. Excerpt blocks are checked (the file exists, the anchor or lines are in it)
/// instead of becoming doctests; every problem found is returned.
pub fn page_doctests(
    page: &str,
    source: &str,
    base: &Path,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
) -> Result<PageDoctests, Vec<PageError>> {
    let mut errors = Vec::new();
    let mut files_read = Vec::new();
    let mut excerpt_lines = BTreeSet::new();
    for block in rust_blocks(source, &[]) {
        if let BlockKind::Excerpt { path, selection } = &block.kind {
            excerpt_lines.insert(block.line);
            let target = normalize(&base.join(path));
            files_read.push(target.clone());
            if let Err(message) = check_excerpt(&target, selection, read) {
                errors.push(PageError {
                    line: block.line,
                    message,
                });
            }
        }
    }
    if !errors.is_empty() {
        // the expansion would only report the first of them again
        return Err(errors);
    }
    let expanded = match expand(source, base, read) {
        Ok(expanded) => expanded,
        Err(e) => {
            return Err(vec![PageError {
                line: e.line,
                message: e.message,
            }]);
        }
    };
    files_read.extend(expanded.files_read.iter().cloned());
    files_read.sort();
    files_read.dedup();

    let mut doctests: Vec<Doctest> = Vec::new();
    for block in code_blocks(&expanded.text) {
        let Some(info) = block.info.as_deref().filter(|info| is_rust(info)) else {
            continue;
        };
        let line = expanded.source_line(block.range.start);
        if excerpt_lines.contains(&line) {
            continue;
        }
        let part = doctests.iter().filter(|d| d.line == line).count() + 1;
        let (item, file) = if part == 1 {
            (format!("Line{line}"), format!("{page}/line-{line}.md"))
        } else {
            (
                format!("Line{line}Part{part}"),
                format!("{page}/line-{line}-part-{part}.md"),
            )
        };
        doctests.push(Doctest {
            line,
            item,
            file,
            markdown: doctest_markdown(page, line, &rustdoc_info(info), &block.code),
        });
    }
    Ok(PageDoctests {
        page: page.to_owned(),
        doctests,
        files_read,
    })
}

fn check_excerpt(
    target: &Path,
    selection: &Selection,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
) -> Result<(), String> {
    let text = read(target).map_err(|e| {
        format!(
            "excerpt of `{}`: cannot read it: {}",
            target.display(),
            e.to_string().to_lowercase()
        )
    })?;
    match selection {
        Selection::Anchor(anchor) if !has_anchor(&text, anchor) => Err(format!(
            "excerpt of `{}`: anchor `{anchor}` not found (expected a line `// ANCHOR: {anchor}` and, after it, `// ANCHOR_END: {anchor}`)",
            target.display()
        )),
        Selection::Lines { start, end } => {
            let lines = text.lines().count();
            let last = end.unwrap_or(lines);
            if *start >= lines || last > lines || last <= *start {
                Err(format!(
                    "excerpt of `{}`: lines {}..{} are not within its {lines} lines",
                    target.display(),
                    start + 1,
                    last
                ))
            } else {
                Ok(())
            }
        }
        Selection::Anchor(_) => Ok(()),
    }
}

/// The Markdown file rustdoc reads for one block: its opening fence lands on `line`, so that
/// rustdoc's "(line N)" is the line in the page.
fn doctest_markdown(page: &str, line: usize, info: &str, code: &str) -> String {
    let longest_run = code
        .lines()
        .map(|l| l.trim_start().chars().take_while(|&c| c == '`').count())
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    let mut markdown = String::new();
    if line > 1 {
        // rustdoc counts from the first line that is not blank
        let _ = writeln!(
            markdown,
            "<!-- {page} line {line}, generated by book-tests -->"
        );
        markdown.push_str(&"\n".repeat(line - 2));
    }
    let _ = writeln!(markdown, "{fence}{info}");
    markdown.push_str(code);
    if !code.is_empty() && !code.ends_with('\n') {
        markdown.push('\n');
    }
    let _ = writeln!(markdown, "{fence}");
    markdown
}

/// A Rust module name for a page path such as `exercises/w01-x.md`: `exercises_w01_x`.
#[must_use]
pub fn module_name(path: &str) -> String {
    let stem = path.strip_suffix(".md").unwrap_or(path);
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "page_");
    }
    if is_keyword(&name) {
        name.push_str("_page");
    }
    name
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "try"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "_"
    )
}

/// The Rust items carrying the doctests: per page a module named after it (made unique), per
/// block a unit struct whose doc is `include_str!` of the block's file under `OUT_DIR/<dir>/`.
#[must_use]
pub fn render_items(pages: &[(String, PageDoctests)], dir: &str) -> String {
    let mut out = String::from(
        "// @generated by crates/book-tests/build.rs from the book's Markdown; do not edit\n",
    );
    let mut taken = BTreeSet::new();
    for (name, page) in pages {
        if page.doctests.is_empty() {
            continue;
        }
        let mut module = name.clone();
        let mut n = 2;
        while !taken.insert(module.clone()) {
            module = format!("{name}_{n}");
            n += 1;
        }
        let _ = write!(
            out,
            "\n/// Doctests of `{}`.\npub mod {module} {{\n",
            page.page
        );
        for doctest in &page.doctests {
            let file = format!("/{dir}/{}", doctest.file);
            let _ = write!(
                out,
                "    #[doc = include_str!(concat!(env!(\"OUT_DIR\"), {file:?}))]\n    pub struct {};\n",
                doctest.item
            );
        }
        out.push_str("}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn reader(files: &[(&str, &str)]) -> impl FnMut(&Path) -> std::io::Result<String> + use<> {
        let files: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(p, s)| (PathBuf::from(p), (*s).to_owned()))
            .collect();
        move |p: &Path| {
            files
                .get(p)
                .cloned()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "No such file"))
        }
    }

    const RETRY: &str = "\
use std::time::Duration;
// ANCHOR: backoff
pub fn backoff(n: u32) -> Duration {
    Duration::from_millis(100 << n)
}
// ANCHOR_END: backoff
";

    const PAGE: &str = "\
# Retry

```rust,noplayground
{{#include ../../crates/patterns/src/retry.rs:backoff}}
```

```toml
[not] = \"rust\"
```

```rust,should_panic
{{#rustdoc_include ../../crates/patterns/src/retry.rs:backoff}}
assert_eq!(backoff(0).as_millis(), 1);
```

    indented();

```rust,ignore
pseudo code
```
";

    #[test]
    fn a_page_becomes_one_doctest_per_block_at_its_line() {
        let mut read = reader(&[("/w/crates/patterns/src/retry.rs", RETRY)]);
        let page = page_doctests(
            "src/exercises/retry.md",
            PAGE,
            Path::new("/w/src/exercises"),
            &mut read,
        )
        .unwrap();
        let lines: Vec<_> = page
            .doctests
            .iter()
            .map(|d| (d.line, d.item.as_str()))
            .collect();
        assert_eq!(lines, [(11, "Line11"), (18, "Line18")]);
        let first = &page.doctests[0];
        assert_eq!(first.file, "src/exercises/retry.md/line-11.md");
        insta::assert_snapshot!(first.markdown, @r"
        <!-- src/exercises/retry.md line 11, generated by book-tests -->









        ```rust,should_panic
        # use std::time::Duration;
        pub fn backoff(n: u32) -> Duration {
            Duration::from_millis(100 << n)
        }
        assert_eq!(backoff(0).as_millis(), 1);
        ```
        ");
        assert_eq!(
            first.markdown.lines().position(|l| l.starts_with("```")),
            Some(10)
        );
        assert_eq!(
            page.files_read,
            [PathBuf::from("/w/crates/patterns/src/retry.rs")]
        );
    }

    #[test]
    fn excerpts_must_point_at_existing_anchors_and_lines() {
        let page = "\
```rust
{{#include ../../crates/patterns/src/retry.rs:jitter}}
```

```rust
{{#include ../../crates/patterns/src/missing.rs:x}}
```

```rust
{{#include ../../crates/patterns/src/retry.rs:40:50}}
```
";
        let mut read = reader(&[("/w/crates/patterns/src/retry.rs", RETRY)]);
        let errors = page_doctests(
            "src/exercises/retry.md",
            page,
            Path::new("/w/src/exercises"),
            &mut read,
        )
        .unwrap_err();
        let shown: Vec<_> = errors.iter().map(ToString::to_string).collect();
        insta::assert_debug_snapshot!(shown, @r#"
        [
            "line 1: excerpt of `/w/crates/patterns/src/retry.rs`: anchor `jitter` not found (expected a line `// ANCHOR: jitter` and, after it, `// ANCHOR_END: jitter`)",
            "line 5: excerpt of `/w/crates/patterns/src/missing.rs`: cannot read it: no such file",
            "line 9: excerpt of `/w/crates/patterns/src/retry.rs`: lines 40..50 are not within its 6 lines",
        ]
        "#);
    }

    #[test]
    fn blocks_made_by_one_directive_get_distinct_items() {
        let mut read = reader(&[(
            "/w/src/shared.md",
            "```rust\nlet a = 1;\n```\n\n```rust\nlet b = 2;\n```\n",
        )]);
        let page = page_doctests(
            "src/page.md",
            "Intro\n\n{{#include shared.md}}\n",
            Path::new("/w/src"),
            &mut read,
        )
        .unwrap();
        let items: Vec<_> = page.doctests.iter().map(|d| d.item.as_str()).collect();
        assert_eq!(items, ["Line3", "Line3Part2"]);
    }

    #[test]
    fn fences_outgrow_the_code() {
        let markdown = doctest_markdown("p.md", 1, "rust", "let s = \"\n````\";\n");
        assert!(markdown.starts_with("`````rust\n"), "{markdown}");
    }

    #[test]
    fn module_names_are_rust_identifiers() {
        assert_eq!(
            module_name("exercises/w01-design-failure-recovery.md"),
            "exercises_w01_design_failure_recovery"
        );
        assert_eq!(module_name("SUMMARY.md"), "summary");
        assert_eq!(module_name("2024/notes.md"), "page_2024_notes");
        assert_eq!(module_name("type.md"), "type_page");
    }

    #[test]
    fn items_are_unique_and_skip_pages_without_code() {
        let doctest = Doctest {
            line: 3,
            item: "Line3".into(),
            file: "src/a-b.md/line-3.md".into(),
            markdown: String::new(),
        };
        let page = |p: &str, doctests| PageDoctests {
            page: p.into(),
            doctests,
            files_read: vec![],
        };
        let pages = vec![
            ("a_b".to_owned(), page("src/a-b.md", vec![doctest.clone()])),
            ("a_b".to_owned(), page("src/a_b.md", vec![doctest])),
            ("empty".to_owned(), page("src/empty.md", vec![])),
        ];
        insta::assert_snapshot!(render_items(&pages, "doctests"), @r#"
        // @generated by crates/book-tests/build.rs from the book's Markdown; do not edit

        /// Doctests of `src/a-b.md`.
        pub mod a_b {
            #[doc = include_str!(concat!(env!("OUT_DIR"), "/doctests/src/a-b.md/line-3.md"))]
            pub struct Line3;
        }

        /// Doctests of `src/a_b.md`.
        pub mod a_b_2 {
            #[doc = include_str!(concat!(env!("OUT_DIR"), "/doctests/src/a-b.md/line-3.md"))]
            pub struct Line3;
        }
        "#);
    }
}

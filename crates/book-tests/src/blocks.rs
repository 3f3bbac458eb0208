//! The Rust code blocks of a Markdown page: where they are, how the book verifies each one
//! (doctest, excerpt of a compiled file, or ignored) and which modules of the reference crates they use.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::include::{DirectiveKind, Selection, find_directives, line_of, line_starts};

/// A code block of a Markdown text, whatever its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// Byte range of the whole block, fences included.
    pub range: Range<usize>,
    /// 1-based line of the opening fence (or first line of an indented block).
    pub line: usize,
    /// The info string of a fenced block; `None` for an indented block.
    pub info: Option<String>,
    /// The code, without fences and container indentation.
    pub code: String,
}

/// Every code block of `markdown`, parsed with the options mdBook's renderer uses.
#[must_use]
pub fn code_blocks(markdown: &str) -> Vec<CodeBlock> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    options.insert(Options::ENABLE_DEFINITION_LIST);
    options.insert(Options::ENABLE_GFM);
    let starts = line_starts(markdown);
    let mut blocks = Vec::new();
    let mut current: Option<CodeBlock> = None;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => Some(info.into_string()),
                    CodeBlockKind::Indented => None,
                };
                current = Some(CodeBlock {
                    line: line_of(&starts, range.start),
                    range,
                    info,
                    code: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    block.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

/// The words of an info string (mdBook and rustdoc both split on commas and whitespace).
fn info_words(info: &str) -> impl Iterator<Item = &str> {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
}

/// Whether a fenced block with this info string is a Rust block of the book: its language (the
/// first word, as mdBook reads it) is `rust`.
#[must_use]
pub fn is_rust(info: &str) -> bool {
    info_words(info).next() == Some("rust")
}

/// The info string rustdoc should see: the words rustdoc knows (`rust`, `ignore`, `no_run`,
/// `should_panic`, `compile_fail`, `edition2024`, `standalone_crate`, …) and none of mdBook's
/// (`noplayground`, `editable`, `mdbook-runnable`, `hidelines=…`).
#[must_use]
pub fn rustdoc_info(info: &str) -> String {
    info_words(info)
        .filter(|w| is_rustdoc_word(w))
        .collect::<Vec<_>>()
        .join(",")
}

fn is_rustdoc_word(word: &str) -> bool {
    matches!(
        word,
        "rust"
            | "ignore"
            | "should_panic"
            | "no_run"
            | "compile_fail"
            | "test_harness"
            | "standalone_crate"
    ) || word.starts_with("ignore-")
        || word.starts_with("edition")
        || (word.len() == 5
            && word.starts_with('E')
            && word[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// How the book verifies a Rust block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    /// Compiled and run by rustdoc.
    Doctest,
    /// An anchored excerpt (`{{#include ../../crates/C/src/F.rs:ANCHOR}}`) of a file that its
    /// crate compiles and tests; checked to exist, not run again.
    Excerpt {
        /// The path as written, relative to the page's directory.
        path: String,
        /// The part of the file shown.
        selection: Selection,
    },
    /// Marked `ignore`: pseudo-code, counted but not compiled.
    Ignored,
}

/// A Rust block of a page and what verifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustBlock {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The info string as written, e.g. `rust,noplayground`.
    pub info: String,
    /// How it is verified.
    pub kind: BlockKind,
    /// The modules of the reference crates it uses, sorted: the paths `CRATE::M` of a doctest,
    /// the file `SRC/M.rs` of an excerpt (for each [`CodeCrate`] the caller names).
    pub modules: Vec<String>,
}

/// A crate of reference code, as far as the classifier needs it: how code names it and where
/// its sources are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeCrate {
    /// The crate's name in Rust paths (`my_patterns`).
    pub name: String,
    /// Its source folder as excerpt paths end in it (`crates/patterns/src`), `/`-separated.
    pub src: String,
}

/// Lists the Rust blocks of a Markdown page with how each is verified, as written (directives
/// not expanded), with the modules of `crates` each uses.
#[must_use]
pub fn rust_blocks(markdown: &str, crates: &[CodeCrate]) -> Vec<RustBlock> {
    code_blocks(markdown)
        .into_iter()
        .filter_map(|block| {
            let info = block.info?;
            if !is_rust(&info) {
                return None;
            }
            let kind = classify(&info, &block.code);
            let modules = match &kind {
                BlockKind::Excerpt { path, .. } => crates
                    .iter()
                    .find_map(|c| excerpt_module(path, &c.src))
                    .into_iter()
                    .collect(),
                BlockKind::Doctest | BlockKind::Ignored => {
                    let mut modules: Vec<String> = crates
                        .iter()
                        .flat_map(|c| used_modules(&block.code, &c.name))
                        .collect();
                    modules.sort();
                    modules.dedup();
                    modules
                }
            };
            Some(RustBlock {
                line: block.line,
                info,
                kind,
                modules,
            })
        })
        .collect()
}

fn classify(info: &str, code: &str) -> BlockKind {
    if info_words(info).any(|w| w == "ignore") {
        return BlockKind::Ignored;
    }
    let trimmed = code.trim();
    if let [directive] = find_directives(trimmed).as_slice()
        && directive.range == (0..trimmed.len())
        && let DirectiveKind::Include(path, selection) = &directive.kind
        && let Some(path) = path.to_str()
        && is_crate_source(path)
    {
        return BlockKind::Excerpt {
            path: path.to_owned(),
            selection: selection.clone(),
        };
    }
    BlockKind::Doctest
}

/// `(../)*crates/<crate>/src/<file>`: a source file of a workspace crate.
fn is_crate_source(path: &str) -> bool {
    let mut rest = path;
    while let Some(r) = rest.strip_prefix("../") {
        rest = r;
    }
    let mut parts = rest.split('/');
    parts.next() == Some("crates")
        && parts.next().is_some_and(|c| !c.is_empty())
        && parts.next() == Some("src")
        && parts.next().is_some_and(|f| !f.is_empty())
}

/// The module of `SRC/M.rs` or `SRC/M/…`, for the source folder `src`.
fn excerpt_module(path: &str, src: &str) -> Option<String> {
    let folder = format!("{}/", src.trim_end_matches('/'));
    let at = path.find(&folder)?;
    if at > 0 && !path[..at].ends_with('/') {
        return None;
    }
    let inside = &path[at + folder.len()..];
    let first = inside.split('/').next()?;
    let module = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(module, "lib" | "main") && !module.is_empty()).then(|| module.to_owned())
}

/// The modules named by `CRATE::M` paths in `code` (`krate` is the crate's name), including
/// `use CRATE::{a, b::C}` groups; sorted, without repeats.
#[must_use]
pub fn used_modules(code: &str, krate: &str) -> Vec<String> {
    let mut modules = Vec::new();
    for (at, _) in code.match_indices(krate) {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(rest) = code[at + krate.len()..].trim_start().strip_prefix("::") else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if c.is_whitespace() => {}
                    _ if item_start => {
                        item_start = false;
                        modules.extend(module_ident(&group[i..]));
                    }
                    _ => {}
                }
            }
        } else {
            modules.extend(module_ident(rest));
        }
    }
    modules.sort();
    modules.dedup();
    modules
}

/// The leading identifier of `s` if it can name a module (lowercase, not a path keyword).
fn module_ident(s: &str) -> Option<String> {
    let len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let ident = &s[..len];
    let first = ident.chars().next()?;
    let is_module = (first.is_ascii_lowercase() || first == '_')
        && !matches!(ident, "self" | "super" | "crate" | "_");
    is_module.then(|| ident.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference crate of the examples below.
    fn patterns() -> Vec<CodeCrate> {
        vec![CodeCrate {
            name: "demo_patterns".into(),
            src: "crates/patterns/src".into(),
        }]
    }

    #[track_caller]
    fn kinds(markdown: &str) -> Vec<(usize, BlockKind)> {
        rust_blocks(markdown, &patterns())
            .into_iter()
            .map(|b| (b.line, b.kind))
            .collect()
    }

    #[test]
    fn only_rust_fences_are_rust_blocks() {
        let page = "# T\n\n```\nplain\n```\n\n```toml\nx = 1\n```\n\n    indented\n\n```rust,noplayground\nlet x = 1;\n```\n\n```rustc\nnot rust\n```\n";
        assert_eq!(kinds(page), vec![(13, BlockKind::Doctest)]);
        assert_eq!(code_blocks(page).len(), 5);
    }

    #[test]
    fn blocks_are_classified() {
        let page = "\
```rust,ignore
pseudo();
```

```rust
{{#include ../../crates/patterns/src/retry.rs:backoff}}
```

```rust,noplayground
  {{#include ../../crates/patterns/src/cache/lru.rs::20}}
```

```rust
{{#rustdoc_include ../../crates/patterns/src/retry.rs:backoff}}
```

```rust
{{#include ../../crates/patterns/src/retry.rs:backoff}}
let _unused = 1;
```

```rust
{{#include ../listings/example.rs}}
```
";
        let excerpt = |path: &str, selection| BlockKind::Excerpt {
            path: path.into(),
            selection,
        };
        assert_eq!(
            kinds(page),
            vec![
                (1, BlockKind::Ignored),
                (
                    5,
                    excerpt(
                        "../../crates/patterns/src/retry.rs",
                        Selection::Anchor("backoff".into())
                    )
                ),
                (
                    9,
                    excerpt(
                        "../../crates/patterns/src/cache/lru.rs",
                        Selection::Lines {
                            start: 0,
                            end: Some(20)
                        }
                    )
                ),
                (13, BlockKind::Doctest),
                (17, BlockKind::Doctest),
                (22, BlockKind::Doctest),
            ]
        );
        let modules: Vec<_> = rust_blocks(page, &patterns())
            .into_iter()
            .map(|b| b.modules)
            .collect();
        assert_eq!(modules[1], ["retry"]);
        assert_eq!(modules[2], ["cache"]);
        // Without a reference crate the same blocks use no module.
        assert!(rust_blocks(page, &[]).iter().all(|b| b.modules.is_empty()));
        let elsewhere = [CodeCrate {
            name: "other".into(),
            src: "other/src".into(),
        }];
        assert!(
            rust_blocks(page, &elsewhere)[1].modules.is_empty(),
            "an excerpt of another crate's folder uses none of its modules"
        );
    }

    #[test]
    fn blocks_inside_containers_keep_their_line() {
        let page =
            "1. step\n\n   ```rust\n   let a = 1;\n   ```\n\n> ```rust\n> let b = 2;\n> ```\n";
        let blocks = code_blocks(page);
        assert_eq!(
            blocks
                .iter()
                .map(|b| (b.line, b.code.as_str()))
                .collect::<Vec<_>>(),
            vec![(3, "let a = 1;\n"), (7, "let b = 2;\n")]
        );
    }

    #[test]
    fn rustdoc_sees_only_its_own_attributes() {
        assert_eq!(
            rustdoc_info("rust,noplayground,should_panic"),
            "rust,should_panic"
        );
        assert_eq!(
            rustdoc_info("rust editable edition2021 mdbook-runnable"),
            "rust,edition2021"
        );
        assert_eq!(
            rustdoc_info("rust,standalone_crate,ignore-windows,E0308,hidelines=!"),
            "rust,standalone_crate,ignore-windows,E0308"
        );
    }

    #[test]
    fn modules_are_read_from_paths_and_use_groups() {
        let code = "\
# use demo_patterns::clock::{Clock, ManualClock};
use demo_patterns::{retry::{Backoff, Jitter}, rng, Order};
let slot = demo_patterns::cluster::key_slot(\"{user}\");
let not_ours = my_demo_patterns::x::y;
use demo_patterns::*;
";
        assert_eq!(
            used_modules(code, "demo_patterns"),
            ["clock", "cluster", "retry", "rng"]
        );
        assert_eq!(used_modules(code, "my_demo_patterns"), ["x"]);
    }
}

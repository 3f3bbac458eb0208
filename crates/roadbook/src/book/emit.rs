//! `--emit-sources`: the book as an ordinary mdBook source tree, every
//! chapter already preprocessed (generated pages in, `{{#include}}` expanded,
//! Mermaid blocks converted), so that plain `mdbook build` renders the same
//! pages. The benchmark compares roadbook with mdBook on it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_renderer::{RenderContext, Renderer};

/// Stands for mdBook's HTML renderer, so that preprocessors run as they do
/// for it (Mermaid supports `html` only).
struct AsHtml;

impl Renderer for AsHtml {
    fn name(&self) -> &str {
        "html"
    }

    fn render(&self, _ctx: &RenderContext) -> Result<()> {
        Ok(())
    }
}

/// Writes `book`'s sources, preprocessed, to the empty folder `dir`.
pub(super) fn write(book: &MDBook, dir: &Path) -> Result<()> {
    let (preprocessed, _) = book.preprocess_book(&AsHtml)?;
    let src = dir.join("src");

    // Files the chapters refer to (images, 404.md, …) come first; the
    // chapters then overwrite their unprocessed originals.
    copy_tree(&book.source_dir(), &src)?;
    let _ = std::fs::remove_file(src.join("SUMMARY.md"));
    for chapter in preprocessed.chapters() {
        if let Some(path) = &chapter.path {
            write_file(
                &src.join(path),
                keep_directives_as_text(&chapter.content).as_bytes(),
            )?;
        }
    }
    write_file(&src.join("SUMMARY.md"), summary(&preprocessed).as_bytes())?;

    let html = book.config.html_config().unwrap_or_default();
    let theme = html.theme_dir(&book.root);
    if theme.is_dir() {
        let relative = theme.strip_prefix(&book.root).unwrap_or(Path::new("theme"));
        copy_tree(&theme, &dir.join(relative))?;
    }
    for file in html.additional_css.iter().chain(&html.additional_js) {
        let from = book.root.join(file);
        let bytes =
            std::fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
        write_file(&dir.join(file), &bytes)?;
    }

    write_file(
        &dir.join("book.toml"),
        book_toml(&book.root.join("book.toml"))?.as_bytes(),
    )
}

/// A preprocessed chapter's text for plain mdBook, which runs its `links`
/// preprocessor again: every `{{#` left in it is text (roadmap text, or an
/// escaped directive of a written page), so it is escaped the way mdBook
/// reads as literal text (`\{{#include …}}` renders `{{#include …}}`).
fn keep_directives_as_text(content: &str) -> String {
    content.replace("{{#", "\\{{#")
}

/// book.toml without the preprocessor tables (their work is done), reading
/// its chapters from `src/` and writing to `book/`.
fn book_toml(original: &Path) -> Result<String> {
    let mut table: toml::Table = if original.exists() {
        let text = std::fs::read_to_string(original)
            .with_context(|| format!("cannot read {}", original.display()))?;
        toml::from_str(&text).with_context(|| format!("invalid {}", original.display()))?
    } else {
        toml::Table::new()
    };
    table.remove("preprocessor");
    let section = |table: &mut toml::Table, name: &str| -> Result<toml::Table> {
        match table.remove(name) {
            Some(toml::Value::Table(inner)) => Ok(inner),
            Some(_) => anyhow::bail!("`{name}` in book.toml is not a table"),
            None => Ok(toml::Table::new()),
        }
    };
    let mut book = section(&mut table, "book")?;
    book.insert("src".into(), "src".into());
    table.insert("book".into(), book.into());
    let mut build = section(&mut table, "build")?;
    build.insert("build-dir".into(), "book".into());
    build.insert("create-missing".into(), false.into());
    table.insert("build".into(), build.into());
    Ok(format!(
        "# Written by `roadbook build --emit-sources`: the chapters in src/ are\n\
         # already preprocessed, build them with plain `mdbook build`.\n\n{}",
        toml::to_string(&table)?
    ))
}

/// A SUMMARY.md listing `book`'s items in order.
fn summary(book: &Book) -> String {
    fn line(out: &mut String, item: &BookItem, depth: usize) {
        let indent = "    ".repeat(depth);
        match item {
            BookItem::Chapter(chapter) => {
                let name = escape_link_text(&chapter.name);
                let target = match &chapter.path {
                    Some(path) => {
                        let path = path.to_string_lossy().replace('\\', "/");
                        if path.contains([' ', '(', ')', '<', '>']) {
                            format!("<{path}>")
                        } else {
                            path
                        }
                    }
                    None => String::new(),
                };
                let _ = writeln!(out, "{indent}- [{name}]({target})");
                for sub in &chapter.sub_items {
                    line(out, sub, depth + 1);
                }
            }
            BookItem::Separator => {
                let _ = writeln!(out, "\n---\n");
            }
            BookItem::PartTitle(title) => {
                let _ = writeln!(out, "\n# {title}\n");
            }
        }
    }
    let mut out = String::from("# Summary\n\n");
    for entry in &book.items {
        line(&mut out, entry, 0);
    }
    out
}

fn escape_link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if !from.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot list {}", from.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(from)
            .expect("walkdir stays under its root");
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        write_file(&to.join(relative), &bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use mdbook_driver::book::Chapter;

    use super::*;

    #[test]
    fn summary_escapes_titles_and_keeps_parts() {
        let mut week = Chapter::new("Week [1]", String::new(), "weeks/week 1.md", vec![]);
        week.sub_items
            .push(BookItem::Chapter(Chapter::new_draft("Draft", vec![])));
        let book = Book::new_with_items(vec![
            BookItem::Chapter(week),
            BookItem::PartTitle("Reference".into()),
            BookItem::Chapter(Chapter::new("A_b", String::new(), "a.md", vec![])),
        ]);
        insta::assert_snapshot!(summary(&book), @r"
        # Summary

        - [Week \[1\]](<weeks/week 1.md>)
            - [Draft]()

        # Reference

        - [A\_b](a.md)
        ");
    }
}

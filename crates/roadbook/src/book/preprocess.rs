//! roadbook's mdBook preprocessor: puts the generated pages in front of the
//! chapters SUMMARY.md lists, moving hand-written pages the generated part
//! claims (an exercise page under its week) instead of showing them twice.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use mdbook_preprocessor::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use crate::pages::{Page, PageSource};

/// The preprocessor's name: the same as book.toml's `[preprocessor.roadbook]`
/// table, so that registering it replaces the external command mdBook would
/// otherwise try to run for that table.
pub(crate) const NAME: &str = "roadbook";

/// Inserts the generated page tree into the book.
pub(crate) struct RoadbookPreprocessor {
    pages: Vec<Page>,
    /// The book's source folder, where written pages are read from.
    src: PathBuf,
    /// What generated chapters give mdBook as their source file, relative to
    /// `src` (`../roadmap.md`), so its edit button opens the roadmap.
    generated_source: Option<PathBuf>,
}

impl RoadbookPreprocessor {
    /// A preprocessor inserting `pages`; written pages are read from `src`.
    pub(crate) fn new(pages: Vec<Page>, src: PathBuf, generated_source: Option<PathBuf>) -> Self {
        Self {
            pages,
            src,
            generated_source,
        }
    }

    fn chapter(
        &self,
        page: &Page,
        parents: &[String],
        listed: &mut HashMap<PathBuf, Chapter>,
    ) -> Result<Chapter> {
        let path = PathBuf::from(&page.path);
        let mut chapter = match &page.source {
            PageSource::Generated(_) => {
                // The text comes after mdBook's `links` has run (roadmap
                // text is data): see `generated_text.rs`.
                let mut chapter = Chapter::new(&page.title, String::new(), &path, parents.to_vec());
                chapter.source_path = self.generated_source.clone();
                chapter
            }
            PageSource::Written => match listed.remove(&path) {
                Some(mut chapter) => {
                    chapter.name.clone_from(&page.title);
                    chapter.parent_names = parents.to_vec();
                    chapter
                }
                None => {
                    let file = self.src.join(&path);
                    let mut content = std::fs::read_to_string(&file)
                        .with_context(|| format!("cannot read the page {}", file.display()))?;
                    if content.starts_with('\u{feff}') {
                        content.remove(0);
                    }
                    Chapter::new(&page.title, content, &path, parents.to_vec())
                }
            },
        };
        if let Some(appendix) = &page.appendix {
            chapter.content.push_str("\n\n");
            chapter.content.push_str(appendix);
        }
        let mut own_parents = parents.to_vec();
        own_parents.push(page.title.clone());
        let listed_children = std::mem::take(&mut chapter.sub_items);
        for child in &page.children {
            let child = self.chapter(child, &own_parents, listed)?;
            chapter.sub_items.push(BookItem::Chapter(child));
        }
        // A moved chapter keeps the sub-chapters SUMMARY.md gave it, after ours.
        for mut item in listed_children {
            if let BookItem::Chapter(sub) = &mut item {
                reparent(sub, &own_parents);
            }
            chapter.sub_items.push(item);
        }
        Ok(chapter)
    }
}

impl Preprocessor for RoadbookPreprocessor {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let mut wanted = HashSet::new();
        collect_written(&self.pages, &mut wanted);
        let mut listed = HashMap::new();
        take_listed(&mut book.items, &wanted, &mut listed);
        drop_empty_parts(&mut book.items);

        let mut items = Vec::with_capacity(self.pages.len() + book.items.len());
        for page in &self.pages {
            items.push(BookItem::Chapter(self.chapter(page, &[], &mut listed)?));
        }
        // mdBook's sidebar nests chapters by their section numbers only, so
        // the generated tree is numbered (book.toml hides the labels) and
        // SUMMARY.md's numbered chapters come after it.
        number_tree(&mut items, &[]);
        let generated = i64::try_from(self.pages.len()).unwrap_or(i64::MAX);
        for item in &mut book.items {
            if let BookItem::Chapter(chapter) = item {
                shift_number(chapter, 0, generated);
            }
        }
        items.append(&mut book.items);
        book.items = items;
        Ok(book)
    }
}

fn collect_written(pages: &[Page], out: &mut HashSet<PathBuf>) {
    for page in pages {
        if page.source == PageSource::Written {
            out.insert(PathBuf::from(&page.path));
        }
        collect_written(&page.children, out);
    }
}

/// Removes the chapters whose path is in `wanted` from `items` (at any
/// depth) into `out`, closing the gap they leave in the section numbers.
fn take_listed(
    items: &mut Vec<BookItem>,
    wanted: &HashSet<PathBuf>,
    out: &mut HashMap<PathBuf, Chapter>,
) {
    let mut index = 0;
    while index < items.len() {
        let taken = match &items[index] {
            BookItem::Chapter(chapter) => chapter
                .path
                .as_ref()
                .is_some_and(|path| wanted.contains(path)),
            _ => false,
        };
        if !taken {
            if let BookItem::Chapter(chapter) = &mut items[index] {
                take_listed(&mut chapter.sub_items, wanted, out);
            }
            index += 1;
            continue;
        }
        let BookItem::Chapter(chapter) = items.remove(index) else {
            unreachable!("checked above")
        };
        if let Some(number) = &chapter.number {
            let depth = number.len() - 1;
            for item in &mut items[index..] {
                if let BookItem::Chapter(sibling) = item {
                    shift_number(sibling, depth, -1);
                }
            }
        }
        let path = chapter.path.clone().expect("a taken chapter has a path");
        out.insert(path, chapter);
    }
}

/// Removes each part title that no chapter follows any more (SUMMARY.md's
/// `# Exercises` once every exercise page has moved under its week), so the
/// sidebar shows no heading over nothing. A part ends at the next part title;
/// separators alone do not keep it, and go with it.
fn drop_empty_parts(items: &mut Vec<BookItem>) {
    let mut index = 0;
    while index < items.len() {
        if matches!(items[index], BookItem::PartTitle(_)) {
            let len = 1 + items[index + 1..]
                .iter()
                .take_while(|item| !matches!(item, BookItem::PartTitle(_)))
                .count();
            let empty = items[index + 1..index + len]
                .iter()
                .all(|item| matches!(item, BookItem::Separator));
            if empty {
                items.drain(index..index + len);
                continue;
            }
        }
        index += 1;
    }
}

/// Moves the section number of `chapter` and its sub-chapters by `by` at
/// `depth` (`1.3.2` → `1.2.2` for -1 at depth 1). Unnumbered chapters stay so.
fn shift_number(chapter: &mut Chapter, depth: usize, by: i64) {
    if let Some(number) = &mut chapter.number
        && let Some(part) = number.get_mut(depth)
    {
        *part = u32::try_from((i64::from(*part) + by).max(0)).unwrap_or(u32::MAX);
    }
    for item in &mut chapter.sub_items {
        if let BookItem::Chapter(sub) = item {
            shift_number(sub, depth, by);
        }
    }
}

/// Numbers every chapter of `items` and below in order: `prefix.1`,
/// `prefix.2`, …
fn number_tree(items: &mut [BookItem], prefix: &[u32]) {
    let mut next = 0;
    for item in items {
        if let BookItem::Chapter(chapter) = item {
            next += 1;
            let mut number = prefix.to_vec();
            number.push(next);
            number_tree(&mut chapter.sub_items, &number);
            chapter.number = Some(SectionNumber::new(number));
        }
    }
}

/// Gives a moved chapter its new parents.
fn reparent(chapter: &mut Chapter, parents: &[String]) {
    chapter.parent_names = parents.to_vec();
    let mut own = parents.to_vec();
    own.push(chapter.name.clone());
    for item in &mut chapter.sub_items {
        if let BookItem::Chapter(sub) = item {
            reparent(sub, &own);
        }
    }
}

/// The path, relative to `src`, that names `file` (both absolute or both
/// relative to the same root): `../roadmap.md` for `src/` and `roadmap.md`.
pub(crate) fn relative_to(src: &Path, file: &Path) -> Option<PathBuf> {
    let src: Vec<_> = src.components().collect();
    let file: Vec<_> = file.components().collect();
    let common = src.iter().zip(&file).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..src.len() {
        out.push("..");
    }
    for part in &file[common..] {
        out.push(part);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(path: &str, title: &str, children: Vec<Page>) -> Page {
        Page {
            path: path.into(),
            title: title.into(),
            source: PageSource::Generated(format!("# {title}\n")),
            children,
            appendix: None,
        }
    }

    fn written(path: &str, title: &str) -> Page {
        Page {
            path: path.into(),
            title: title.into(),
            source: PageSource::Written,
            children: vec![],
            appendix: None,
        }
    }

    fn numbered(name: &str, path: &str, number: &[u32], sub_items: Vec<BookItem>) -> BookItem {
        let mut chapter = Chapter::new(name, format!("# {name}\n"), path, vec![]);
        chapter.number = Some(SectionNumber::new(number.to_vec()));
        chapter.sub_items = sub_items;
        BookItem::Chapter(chapter)
    }

    /// `name [number] (path) parents` per chapter, indented by depth.
    fn outline(items: &[BookItem]) -> String {
        fn walk(items: &[BookItem], depth: usize, out: &mut String) {
            for item in items {
                match item {
                    BookItem::Chapter(ch) => {
                        let number = ch
                            .number
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        let path = ch
                            .path
                            .as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default();
                        out.push_str(&format!(
                            "{}{number}{} ({path}) {:?}\n",
                            "  ".repeat(depth),
                            ch.name,
                            ch.parent_names
                        ));
                        walk(&ch.sub_items, depth + 1, out);
                    }
                    BookItem::Separator => out.push_str("---\n"),
                    BookItem::PartTitle(title) => out.push_str(&format!("# {title}\n")),
                }
            }
        }
        let mut out = String::new();
        walk(items, 0, &mut out);
        out
    }

    fn run(pages: Vec<Page>, src: &Path, items: Vec<BookItem>) -> Result<Book> {
        let pre = RoadbookPreprocessor::new(pages, src.to_path_buf(), Some("../roadmap.md".into()));
        let ctx = PreprocessorContext::new(src.to_path_buf(), Default::default(), "html".into());
        pre.run(&ctx, Book::new_with_items(items))
    }

    #[test]
    fn generated_pages_come_first_and_written_pages_move_under_them() {
        let src = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(src.path().join("exercises")).unwrap();
        std::fs::write(
            src.path().join("exercises/w01-b.md"),
            "\u{feff}# B from disk\n",
        )
        .unwrap();
        let pages = vec![
            generated("overview.md", "Overview", vec![]),
            generated(
                "phases/weeks-01-02.md",
                "Weeks 1-2",
                vec![generated(
                    "weeks/week-01.md",
                    "Week 1",
                    vec![
                        written("exercises/w01-a.md", "Exercise A"),
                        written("exercises/w01-b.md", "Exercise B"),
                    ],
                )],
            ),
        ];
        let summary = vec![
            numbered("Intro", "intro.md", &[1], vec![]),
            numbered(
                "Exercises",
                "exercises/index.md",
                &[2],
                vec![
                    numbered("Exercise A (listed)", "exercises/w01-a.md", &[2, 1], vec![]),
                    numbered("Other", "exercises/other.md", &[2, 2], vec![]),
                ],
            ),
        ];
        let book = run(pages, src.path(), summary).unwrap();
        insta::assert_snapshot!(outline(&book.items), @r#"
        1.Overview (overview.md) []
        2.Weeks 1-2 (phases/weeks-01-02.md) []
          2.1.Week 1 (weeks/week-01.md) ["Weeks 1-2"]
            2.1.1.Exercise A (exercises/w01-a.md) ["Weeks 1-2", "Week 1"]
            2.1.2.Exercise B (exercises/w01-b.md) ["Weeks 1-2", "Week 1"]
        3.Intro (intro.md) []
        4.Exercises (exercises/index.md) []
          4.1.Other (exercises/other.md) []
        "#);
        let chapters: Vec<_> = book.chapters().collect();
        let b = chapters.iter().find(|c| c.name == "Exercise B").unwrap();
        assert_eq!(
            b.content, "# B from disk\n",
            "read from src/ without its BOM"
        );
        let a = chapters.iter().find(|c| c.name == "Exercise A").unwrap();
        assert_eq!(
            a.content, "# Exercise A (listed)\n",
            "the listed chapter was moved, not re-read"
        );
        let week = chapters.iter().find(|c| c.name == "Week 1").unwrap();
        assert_eq!(
            week.source_path.as_deref(),
            Some(Path::new("../roadmap.md"))
        );
        assert_eq!(week.path.as_deref(), Some(Path::new("weeks/week-01.md")));
    }

    #[test]
    fn a_moved_chapter_keeps_its_listed_sub_chapters() {
        let src = tempfile::tempdir().unwrap();
        let pages = vec![generated("w.md", "W", vec![written("a.md", "A")])];
        let summary = vec![numbered(
            "A",
            "a.md",
            &[1],
            vec![numbered("A1", "a1.md", &[1, 1], vec![])],
        )];
        let book = run(pages, src.path(), summary).unwrap();
        insta::assert_snapshot!(outline(&book.items), @r#"
        1.W (w.md) []
          1.1.A (a.md) ["W"]
            1.1.1.A1 (a1.md) ["W", "A"]
        "#);
    }

    #[test]
    fn a_part_left_without_chapters_loses_its_title() {
        let src = tempfile::tempdir().unwrap();
        let pages = vec![generated(
            "w.md",
            "W",
            vec![written("a.md", "A"), written("b.md", "B")],
        )];
        let summary = vec![
            numbered("Intro", "intro.md", &[1], vec![]),
            BookItem::PartTitle("Exercises".into()),
            numbered("A", "a.md", &[2], vec![]),
            BookItem::Separator,
            numbered("B", "b.md", &[3], vec![]),
            BookItem::PartTitle("Reference".into()),
            numbered("Glossary", "glossary.md", &[4], vec![]),
            BookItem::PartTitle("Empty at the end".into()),
        ];
        let book = run(pages, src.path(), summary).unwrap();
        insta::assert_snapshot!(outline(&book.items), @r#"
        1.W (w.md) []
          1.1.A (a.md) ["W"]
          1.2.B (b.md) ["W"]
        2.Intro (intro.md) []
        # Reference
        3.Glossary (glossary.md) []
        "#);
    }

    #[test]
    fn a_missing_written_page_names_the_file() {
        let src = tempfile::tempdir().unwrap();
        let err = run(
            vec![written("exercises/nope.md", "Nope")],
            src.path(),
            vec![],
        )
        .unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("exercises/nope.md"), "{message}");
    }

    #[test]
    fn relative_paths_climb_out_of_src() {
        assert_eq!(
            relative_to(Path::new("/b/src"), Path::new("/b/roadmap.md")),
            Some(PathBuf::from("../roadmap.md"))
        );
        assert_eq!(
            relative_to(Path::new("/b/book/src"), Path::new("/b/plan/r.md")),
            Some(PathBuf::from("../../plan/r.md"))
        );
    }
}

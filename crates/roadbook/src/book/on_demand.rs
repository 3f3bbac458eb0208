//! The scripts a page loads only when it needs them. `theme/mermaid-init.js`
//! (on every page, small) loads Mermaid (2.6 MB) and the diagram viewer only
//! on a page with a diagram, from the folder it was loaded from; a book's
//! `theme/highlight.js` stand-in (which mdBook uses in place of its own)
//! loads Highlight.js only on a page with a code block that names a
//! language, and then only the languages the page names (the pieces
//! `highlight_pieces.rs` cuts); `theme/search.js` (the search bar) loads the search engine on
//! the first search. mdBook copies only what book.toml lists, so roadbook
//! writes these scripts into the built book's `theme/` itself.

use std::path::Path;

use anyhow::Result;

/// The loaders, as book.toml's `additional-js` lists them, and the scripts
/// each loads, by file name in `theme/`.
pub(crate) const LOADERS: &[(&str, &[&str])] = &[
    (
        "theme/mermaid-init.js",
        &["mermaid.min.js", "diagram-viewer.js"],
    ),
    ("theme/search.js", &["search-engine.js"]),
];

/// The one Highlight.js file, in a book's `theme/` or built in, that the
/// stand-in's pieces are cut from.
pub(crate) const HIGHLIGHTER: &str = "highlight.full.js";

/// What marks a book's `theme/highlight.js` as the stand-in.
const STAND_IN_MARK: &[u8] = b"roadbook:highlight-on-demand";

/// Writes the scripts of each of [`LOADERS`] that `additional_js` lists into
/// the book built in `dir`, and the pieces of [`HIGHLIGHTER`] into
/// `theme/highlight/` when the book's `theme/highlight.js` is the stand-in:
/// from the book's own `theme/` copy where it has one (it wins, as for every
/// theme file), roadbook's built-in one otherwise.
pub(crate) fn write(
    book_root: &Path,
    additional_js: &[std::path::PathBuf],
    dir: &Path,
) -> Result<()> {
    let stand_in = std::fs::read(book_root.join("theme/highlight.js")).unwrap_or_default();
    if stand_in
        .windows(STAND_IN_MARK.len())
        .any(|window| window == STAND_IN_MARK)
    {
        let full = crate::assets::theme_file(book_root, HIGHLIGHTER)?;
        // A Highlight.js the split does not understand is written whole as
        // `core.js` with an empty table, so the stand-in loads it all: a
        // heavier page, never a broken one.
        let (pieces, _whole_because) = super::highlight_pieces::pieces(&full);
        let folder = dir.join("theme").join(super::highlight_pieces::DIR);
        for (name, bytes) in pieces {
            crate::assets::write_new(&folder.join(name), &bytes)?;
        }
    }
    for name in loaded_by(additional_js) {
        let bytes = crate::assets::theme_file(book_root, name)?;
        crate::assets::write_new(&dir.join("theme").join(name), &bytes)?;
    }
    Ok(())
}

/// The scripts the loaders among `additional_js` load, by file name in `theme/`.
pub(crate) fn loaded_by(
    additional_js: &[std::path::PathBuf],
) -> impl Iterator<Item = &'static str> {
    let listed: Vec<String> = additional_js
        .iter()
        .map(|path| path.to_string_lossy().replace('\\', "/"))
        .collect();
    LOADERS
        .iter()
        .filter(move |(loader, _)| listed.iter().any(|path| path == loader))
        .flat_map(|(_, scripts)| scripts.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A book whose `theme/highlight.js` is the stand-in, with `full` as its
    /// own `theme/highlight.full.js` when given, built into a temporary folder.
    fn built(full: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let theme = dir.path().join("theme");
        std::fs::create_dir_all(&theme).unwrap();
        std::fs::write(
            theme.join("highlight.js"),
            "// roadbook:highlight-on-demand\n",
        )
        .unwrap();
        if let Some(full) = full {
            std::fs::write(theme.join(HIGHLIGHTER), full).unwrap();
        }
        let book = dir.path().join("book");
        write(dir.path(), &[], &book).unwrap();
        (dir, book)
    }

    #[test]
    fn the_stand_in_gets_the_built_in_highlighter_in_pieces() {
        let (_dir, book) = built(None);
        let folder = book.join("theme/highlight");
        assert!(folder.join("core.js").is_file());
        assert!(folder.join("rust.js").is_file());
        assert!(folder.join("yaml.js").is_file());
        assert!(
            !book.join("theme").join(HIGHLIGHTER).exists(),
            "no whole copy besides"
        );
    }

    #[test]
    fn a_highlighter_that_cannot_be_cut_is_written_whole() {
        let other = "/* another highlighter */ window.hljs = { highlightBlock() {} };\n";
        let (_dir, book) = built(Some(other));
        let folder = book.join("theme/highlight");
        let names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["core.js"]);
        let core = std::fs::read_to_string(folder.join("core.js")).unwrap();
        assert!(core.starts_with(other), "the book's own file, whole");
        assert!(core.ends_with("var roadbookHighlightFiles = {};\n"));
    }

    #[test]
    fn without_the_stand_in_no_highlighter_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("book");
        write(dir.path(), &[], &book).unwrap();
        assert!(!book.join("theme/highlight").exists());
    }
}

//! The scripts a page loads only when it needs them. `theme/mermaid-init.js`
//! (on every page, small) loads Mermaid (2.6 MB) and the diagram viewer only
//! on a page with a diagram, from the folder it was loaded from; a book's
//! `theme/highlight.js` stand-in (which mdBook uses in place of its own)
//! loads the real Highlight.js only on a page with a code block that names a
//! language; `theme/search.js` (the search bar) loads the search engine on
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

/// The real highlighter the stand-in loads, in `theme/`.
pub(crate) const HIGHLIGHTER: &str = "highlight.full.js";

/// What marks a book's `theme/highlight.js` as the stand-in.
const STAND_IN_MARK: &[u8] = b"roadbook:highlight-on-demand";

/// Writes the scripts of each of [`LOADERS`] that `additional_js` lists into
/// the book built in `dir`, and [`HIGHLIGHTER`] when the book's `theme/highlight.js` is
/// the stand-in: the book's own `theme/` copy where it has one (it wins, as
/// for every theme file), roadbook's built-in one otherwise.
pub(crate) fn write(
    book_root: &Path,
    additional_js: &[std::path::PathBuf],
    dir: &Path,
) -> Result<()> {
    let mut wanted: Vec<&str> = loaded_by(additional_js).collect();
    let stand_in = std::fs::read(book_root.join("theme/highlight.js")).unwrap_or_default();
    if stand_in
        .windows(STAND_IN_MARK.len())
        .any(|window| window == STAND_IN_MARK)
    {
        wanted.push(HIGHLIGHTER);
    }
    for name in wanted {
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

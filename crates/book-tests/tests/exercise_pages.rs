//! The book's rules for exercise pages (`src/exercises/*.md`), checked over the real pages until
//! `roadbook check` reports them: every page shows verified code and no pseudo-code.

use std::fs;
use std::path::Path;

use book_tests::{BlockKind, rust_blocks};

/// `(page, its Rust blocks)` for every exercise page, sorted by file name.
fn exercise_pages() -> Vec<(String, Vec<book_tests::RustBlock>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src/exercises");
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut pages: Vec<_> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|x| x == "md"))
        .map(|path| {
            let text = fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, rust_blocks(&text, &[]))
        })
        .collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    pages
}

#[test]
fn exercise_pages_have_no_ignored_blocks() {
    let ignored: Vec<String> = exercise_pages()
        .iter()
        .flat_map(|(page, blocks)| {
            blocks
                .iter()
                .filter(|b| b.kind == BlockKind::Ignored)
                .map(move |b| format!("src/exercises/{page}:{}", b.line))
        })
        .collect();
    assert!(
        ignored.is_empty(),
        "exercise pages must not show `rust,ignore` pseudo-code: {ignored:?}"
    );
}

#[test]
fn exercise_pages_run_an_example() {
    let without: Vec<String> = exercise_pages()
        .into_iter()
        .filter(|(_, blocks)| !blocks.iter().any(|b| b.kind == BlockKind::Doctest))
        .map(|(page, _)| page)
        .collect();
    assert!(
        without.is_empty(),
        "exercise pages need a runnable example (a ```rust doctest): {without:?}"
    );
}

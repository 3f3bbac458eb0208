//! Scores the relevance set (tests/relevance/queries.tsv) against an
//! already built book, for tuning the ranking: indexes `ROOT/book` into a
//! temporary folder and prints each miss and the top-3 hit rate.
//!
//! `cargo run --release -p roadbook-search --example relevance -- ROOT`

use std::path::PathBuf;

use roadbook_search::{Filters, SearchIndex, Sources, build_index};

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let dir = tempfile::tempdir()?;
    let dest = dir.path().join("index");
    let report = build_index(
        &Sources {
            root: root.clone(),
            book_dir: root.join("book"),
            src_dir: root.join("src"),
            roadmap: root.join("roadmap.md"),
            code_dirs: vec![root.join("crates/patterns/src")],
            not_pages: vec!["api".into()],
        },
        &dest,
    )?;
    let index = SearchIndex::open(&dest)?;
    let set = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/relevance/queries.tsv"),
    )?;
    let (mut found, mut total) = (0, 0);
    for line in set
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let Some((query, page)) = line.split_once('\t') else {
            continue;
        };
        total += 1;
        let hits = index.search(query, &Filters::default(), 3)?;
        let pages: Vec<&str> = hits
            .iter()
            .map(|h| h.url.split('#').next().unwrap_or_default())
            .collect();
        if pages.contains(&page) {
            found += 1;
        } else {
            println!("miss: {query:?} wants {page}, got {pages:?}");
        }
    }
    println!(
        "{found}/{total} top-3 ({:.1} %), {} documents",
        100.0 * found as f64 / total as f64,
        report.documents
    );
    Ok(())
}

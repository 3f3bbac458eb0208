//! The offline search of a built roadbook: a tantivy index of what a reader
//! sees (every section and roadmap item of the built HTML, and the items of
//! the reference code), built by `roadbook build` and read by
//! `roadbook search` and `roadbook show`.
//!
//! # Example
//!
//! ```no_run
//! use roadbook_search::{Filters, SearchIndex, Sources, build_index};
//! use std::path::PathBuf;
//!
//! let sources = Sources {
//!     root: PathBuf::from("."),
//!     book_dir: PathBuf::from("book"),
//!     src_dir: PathBuf::from("src"),
//!     roadmap: PathBuf::from("roadmap.md"),
//!     code_dirs: vec![PathBuf::from("crates/my-code/src")],
//!     not_pages: vec![PathBuf::from("api")],
//! };
//! build_index(&sources, "search-index".as_ref())?;
//! let index = SearchIndex::open("search-index".as_ref())?;
//! for hit in index.search("circuit breaker", &Filters::default(), 5)? {
//!     println!("{} {}", hit.title, hit.url);
//! }
//! # Ok::<(), anyhow::Error>(())
//! ```

mod browser_index;
mod extract;
mod indexer;
mod integrity;
mod query;
pub mod render;
mod rust_items;
mod schema;
mod searcher;

pub use browser_index::{BROWSER_INDEX_DIR, BROWSER_INDEX_VERSION, BrowserIndex, browser_index};
pub use extract::{Block, PageInfo, Record, Unit, extract_page, find_heading_line, parse_weeks};
pub use indexer::{
    BuildReport, CodeRecords, IndexBuild, PageRecords, PagesFeed, Sources, build_index,
    collect_records, index_exists, week_of_id,
};
pub use integrity::Damaged;
pub use query::{Clause, ParsedQuery};
pub use rust_items::scan_file;
pub use schema::{MANIFEST, Manifest, SCHEMA_VERSION};
pub use searcher::{Entry, Filters, Hit, OpenError, SearchIndex, ShownRecord};

/// The kinds a record can have (the values of `--kind`), shared with the
/// page generator.
pub use roadmap::Kind;

/// The most results one search returns.
pub const MAX_LIMIT: usize = 10_000;

/// Parses a `--week` value: `3` or `3-4`.
///
/// # Errors
///
/// When it is neither, with a message saying what is expected.
pub fn parse_week_range(text: &str) -> anyhow::Result<std::ops::RangeInclusive<u64>> {
    let bad = || anyhow::anyhow!("invalid week `{text}`: expected a number or a range like 3-4");
    let text = text.trim();
    match text.split_once('-') {
        Some((a, b)) => {
            let a: u64 = a.trim().parse().map_err(|_| bad())?;
            let b: u64 = b.trim().parse().map_err(|_| bad())?;
            if a > b {
                return Err(bad());
            }
            Ok(a..=b)
        }
        None => {
            let n: u64 = text.parse().map_err(|_| bad())?;
            Ok(n..=n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_ranges() {
        assert_eq!(parse_week_range("3").unwrap(), 3..=3);
        assert_eq!(parse_week_range("3-4").unwrap(), 3..=4);
        assert!(parse_week_range("4-3").is_err());
        assert!(parse_week_range("three").is_err());
    }
}

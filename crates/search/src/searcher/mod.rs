//! Querying a built index: ranked search with field boosts, phrases,
//! exclusions, prefixes and typo tolerance, and the look-up of one ID for
//! `roadbook show`.
//!
//! This file opens an index ([`SearchIndex::open`]); each job of a search
//! has a file of its own:
//!
//! - `ranking.rs` — a query to tantivy's queries, run and grouped by page,
//!   with the ranking constants the browser index carries too;
//! - `lookup.rs` — one ID's records for `roadbook show`, and the IDs that
//!   look like a mistyped one;
//! - `snippets.rs` — the passage shown under a result and the readers of a
//!   stored document;
//! - `vocabulary.rs` — a query's words against the book's: stems, known
//!   words, words within a typo or two, words with a prefix.

mod lookup;
mod ranking;
mod snippets;
mod vocabulary;

pub(crate) use vocabulary::tokens;

pub use lookup::{Entry, ShownRecord};
pub(crate) use ranking::{
    ALL_WORDS_BONUS, CANDIDATES, FEW_RESULTS, FIELD_BOOSTS, PAGE_SPREAD, PAGE_SPREAD_SECTIONS,
};
pub use ranking::{Filters, Hit};

use std::path::{Path, PathBuf};

use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, Searcher};

use crate::schema::{Fields, MANIFEST, Manifest, SCHEMA_VERSION};

/// Why an index could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// There is no index at this path.
    Missing(PathBuf),
    /// The index was written with another schema version.
    Stale {
        /// The index folder.
        path: PathBuf,
        /// The schema version it has.
        found: u32,
    },
    /// The index's files are damaged.
    Damaged(crate::integrity::Damaged),
    /// The index is there but unreadable.
    Broken {
        /// The index folder.
        path: PathBuf,
        /// What went wrong.
        cause: anyhow::Error,
    },
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Missing(path) => write!(
                f,
                "no search index at {}: run `roadbook build`",
                path.display()
            ),
            OpenError::Stale { path, found } => write!(
                f,
                "the search index at {} is stale (schema version {found}, this roadbook reads \
                 {SCHEMA_VERSION}): run `roadbook build`",
                path.display()
            ),
            OpenError::Damaged(damaged) => write!(f, "{damaged}"),
            OpenError::Broken { path, cause } => write!(
                f,
                "cannot read the search index at {} ({cause:#}): run `roadbook build`",
                path.display()
            ),
        }
    }
}

impl std::error::Error for OpenError {}

/// An opened search index.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    searcher: Searcher,
    fields: Fields,
    manifest: Manifest,
    analyzer: TextAnalyzer,
    words_analyzer: TextAnalyzer,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`.
    ///
    /// # Errors
    ///
    /// [`OpenError::Missing`] when there is none, [`OpenError::Stale`] when
    /// it has another schema version, [`OpenError::Broken`] otherwise.
    pub fn open(dir: &Path) -> Result<SearchIndex, OpenError> {
        crate::integrity::contain(dir, || Self::open_checked(dir)).map_err(OpenError::Damaged)?
    }

    fn open_checked(dir: &Path) -> Result<SearchIndex, OpenError> {
        if !dir.join(MANIFEST).is_file() {
            return Err(OpenError::Missing(dir.to_path_buf()));
        }
        let broken = |cause: anyhow::Error| OpenError::Broken {
            path: dir.to_path_buf(),
            cause,
        };
        let manifest = Manifest::read(dir).map_err(broken)?;
        if manifest.schema_version != SCHEMA_VERSION {
            return Err(OpenError::Stale {
                path: dir.to_path_buf(),
                found: manifest.schema_version,
            });
        }
        let index = Index::open_in_dir(dir).map_err(|e| broken(e.into()))?;
        crate::integrity::check(&index, dir).map_err(OpenError::Damaged)?;
        let fields = Fields::of(&index.schema()).map_err(broken)?;
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| broken(e.into()))?;
        let searcher = reader.searcher();
        let analyzer = index
            .tokenizer_for_field(fields.body)
            .map_err(|e| broken(e.into()))?;
        let words_analyzer = index
            .tokenizer_for_field(fields.words)
            .map_err(|e| broken(e.into()))?;
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            searcher,
            fields,
            manifest,
            analyzer,
            words_analyzer,
        })
    }

    /// The index's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// When the index was written (its manifest's modification time).
    pub fn built_at(&self) -> Option<std::time::SystemTime> {
        std::fs::metadata(self.dir.join(MANIFEST))
            .and_then(|m| m.modified())
            .ok()
    }

    /// The underlying tantivy index (for tests and tools).
    pub fn tantivy(&self) -> &Index {
        &self.index
    }
}

//! The index's fields, and the manifest (`roadbook-index.json`) that carries
//! the schema version beside tantivy's own files.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// The version of the index layout; an index of another version is stale
/// and must be rebuilt.
pub const SCHEMA_VERSION: u32 = 1;

/// The manifest's file name inside the index folder.
pub const MANIFEST: &str = "roadbook-index.json";

/// The tokenizer of the ranked text fields (lower-cased, English stems).
pub(crate) const TEXT_TOKENIZER: &str = "en_stem";

/// The fields of a search document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Page title, indexed on the page's first section only (boosted).
    pub title: Field,
    /// The section's own heading (boosted).
    pub heading: Field,
    /// The text a reader sees.
    pub body: Field,
    /// The code blocks (one value each).
    pub code: Field,
    /// All words unstemmed: the vocabulary for typo and prefix matching.
    pub words: Field,
    pub kind: Field,
    pub unit: Field,
    pub id: Field,
    /// Stable IDs enclosing the record, for `show`.
    pub scope: Field,
    pub page: Field,
    pub page_title: Field,
    pub heading_path: Field,
    pub url: Field,
    pub source: Field,
    pub line: Field,
    pub week: Field,
    pub order: Field,
    /// The content in order as JSON, for `show`.
    pub blocks: Field,
    /// A ranking weight in percent (fast field): exercise pages over
    /// sections over items over reference code.
    pub weight: Field,
}

impl Fields {
    /// The schema and its fields.
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let ranked = |stored: bool| {
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TEXT_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("default")
                .set_index_option(IndexRecordOption::Basic),
        );
        let fields = Fields {
            title: b.add_text_field("title", ranked(false)),
            heading: b.add_text_field("heading", ranked(false)),
            body: b.add_text_field("body", ranked(true)),
            code: b.add_text_field("code", ranked(true)),
            words: b.add_text_field("words", words),
            kind: b.add_text_field("kind", STRING | STORED),
            unit: b.add_text_field("unit", STRING | STORED),
            id: b.add_text_field("id", STRING | STORED),
            scope: b.add_text_field("scope", STRING),
            page: b.add_text_field("page", STRING | STORED),
            page_title: b.add_text_field("page_title", STORED),
            heading_path: b.add_text_field("heading_path", STORED),
            url: b.add_text_field("url", STORED),
            source: b.add_text_field("source", STORED),
            line: b.add_u64_field("line", STORED),
            week: b.add_u64_field("week", INDEXED | STORED),
            order: b.add_u64_field("order", STORED),
            blocks: b.add_text_field("blocks", STORED),
            weight: b.add_u64_field("weight", FAST),
        };
        (b.build(), fields)
    }

    /// The fields of an opened index's schema (which must be ours).
    pub(crate) fn of(schema: &Schema) -> Result<Fields> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .with_context(|| format!("the index has no field {name}"))
        };
        Ok(Fields {
            title: get("title")?,
            heading: get("heading")?,
            body: get("body")?,
            code: get("code")?,
            words: get("words")?,
            kind: get("kind")?,
            unit: get("unit")?,
            id: get("id")?,
            scope: get("scope")?,
            page: get("page")?,
            page_title: get("page_title")?,
            heading_path: get("heading_path")?,
            url: get("url")?,
            source: get("source")?,
            line: get("line")?,
            week: get("week")?,
            order: get("order")?,
            blocks: get("blocks")?,
            weight: get("weight")?,
        })
    }
}

/// What `roadbook-index.json` says about an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout version ([`SCHEMA_VERSION`] when current).
    pub schema_version: u32,
    /// The program that built it (`roadbook-search 0.1.0`).
    pub generator: String,
    /// Number of search documents.
    pub documents: usize,
    /// Number of book pages indexed.
    pub pages: usize,
    /// Number of reference-code items indexed.
    pub code_items: usize,
}

impl Manifest {
    /// Reads the manifest of the index in `dir`.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("invalid {}", path.display()))
    }

    /// Writes the manifest into `dir`.
    pub(crate) fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST);
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    }
}

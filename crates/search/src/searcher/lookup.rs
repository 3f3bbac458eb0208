//! Look-up for `roadbook show`: the records of one ID in book order (with
//! a week's exercise pages), and the known IDs that look like a mistyped
//! one.

use std::collections::HashSet;

use anyhow::Result;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::SearchIndex;
use super::snippets::{all_str, all_u64, first_str};
use crate::extract::{Block, Unit};

/// One record as `roadbook show` prints it.
#[derive(Debug, Clone)]
pub struct ShownRecord {
    /// Section, item or code.
    pub unit: Unit,
    /// What it is.
    pub kind: String,
    /// Its stable ID (or its enclosing one).
    pub id: String,
    /// The page title.
    pub title: String,
    /// The heading path.
    pub heading_path: Vec<String>,
    /// Where it is in the built book.
    pub url: String,
    /// The source file, relative to the book root.
    pub source: String,
    /// The line in the source file.
    pub line: Option<u64>,
    /// The weeks it is about.
    pub weeks: Vec<u64>,
    /// Its content in order.
    pub blocks: Vec<Block>,
}

/// What `roadbook show ID` prints.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The ID asked for.
    pub id: String,
    /// The records, in book order.
    pub records: Vec<ShownRecord>,
    /// For a week: its exercise pages (ID and title).
    pub exercises: Vec<(String, String)>,
}

impl SearchIndex {
    /// Everything `roadbook show ID` prints: the records with that ID or
    /// inside it, in book order; sections win over the items they list.
    ///
    /// # Errors
    ///
    /// When the index cannot be read.
    pub fn lookup(&self, id: &str) -> Result<Option<Entry>> {
        crate::integrity::contain(&self.dir, || self.lookup_unguarded(id))?
    }

    fn lookup_unguarded(&self, id: &str) -> Result<Option<Entry>> {
        let f = &self.fields;
        let query = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.id, id),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.scope, id),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let mut records = self.records(&query)?;
        if records.is_empty() {
            return Ok(None);
        }
        if records.iter().any(|(_, r)| r.unit == Unit::Section) {
            records.retain(|(_, r)| r.unit == Unit::Section);
        }
        let records: Vec<ShownRecord> = records.into_iter().map(|(_, r)| r).collect();
        let mut exercises = Vec::new();
        if let Some(week) = records
            .first()
            .filter(|r| r.kind == "week" && r.id == id)
            .and_then(|r| r.weeks.first())
        {
            let query = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.kind, "exercise"),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>,
                ),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.unit, "section"),
                        IndexRecordOption::Basic,
                    )),
                ),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(f.week, *week),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            let mut seen = HashSet::new();
            for (_, r) in self.records(&query)? {
                if seen.insert(r.id.clone()) {
                    exercises.push((r.id, r.title));
                }
            }
        }
        Ok(Some(Entry {
            id: id.to_string(),
            records,
            exercises,
        }))
    }

    fn records(&self, query: &dyn Query) -> Result<Vec<(u64, ShownRecord)>> {
        let f = &self.fields;
        let addresses: Vec<DocAddress> = self
            .searcher
            .search(query, &DocSetCollector)?
            .into_iter()
            .collect();
        let mut records = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = self.searcher.doc(address)?;
            let unit = match first_str(&doc, f.unit).as_str() {
                "item" => Unit::Item,
                "code" => Unit::Code,
                _ => Unit::Section,
            };
            let blocks = serde_json::from_str(&first_str(&doc, f.blocks)).unwrap_or_default();
            records.push((
                doc.get_first(f.order).and_then(|v| v.as_u64()).unwrap_or(0),
                ShownRecord {
                    unit,
                    kind: first_str(&doc, f.kind),
                    id: first_str(&doc, f.id),
                    title: first_str(&doc, f.page_title),
                    heading_path: all_str(&doc, f.heading_path),
                    url: first_str(&doc, f.url),
                    source: first_str(&doc, f.source),
                    line: doc.get_first(f.line).and_then(|v| v.as_u64()),
                    weeks: all_u64(&doc, f.week),
                    blocks,
                },
            ));
        }
        records.sort_by_key(|(order, _)| *order);
        Ok(records)
    }

    /// Up to `n` known IDs that look like `id`, the closest first.
    ///
    /// # Errors
    ///
    /// When the index cannot be read.
    pub fn suggest(&self, id: &str, n: usize) -> Result<Vec<String>> {
        crate::integrity::contain(&self.dir, || self.suggest_unguarded(id, n))?
    }

    fn suggest_unguarded(&self, id: &str, n: usize) -> Result<Vec<String>> {
        let wanted = id.to_lowercase();
        let mut scored: Vec<(f64, String)> = Vec::new();
        let mut seen = HashSet::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.id)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if candidate.is_empty() || !seen.insert(candidate.to_string()) {
                    continue;
                }
                let lower = candidate.to_lowercase();
                let mut score = strsim::normalized_damerau_levenshtein(&lower, &wanted)
                    .max(strsim::jaro_winkler(&lower, &wanted) - 0.1);
                if wanted.len() >= 3 && lower.contains(&wanted) {
                    score += 0.5;
                }
                if score >= 0.6 {
                    scored.push((score, candidate.to_string()));
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(scored.into_iter().take(n).map(|(_, id)| id).collect())
    }
}

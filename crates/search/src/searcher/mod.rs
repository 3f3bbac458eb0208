//! Querying a built index: ranked search with field boosts, phrases,
//! exclusions, prefixes and typo tolerance, and the look-up of one ID for
//! `roadbook show`.

use std::collections::{BTreeMap, HashSet};
use std::ops::{Bound, Range, RangeInclusive};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocId, Index, Score, Searcher, SegmentReader, TantivyDocument, Term};

use crate::extract::{Block, Unit};
use crate::query::{Clause, ParsedQuery};
use crate::schema::{Fields, MANIFEST, Manifest, SCHEMA_VERSION};

/// Field boosts: titles and headings rank over body text, code below it.
/// The browser index carries them too (title, heading, body, code).
pub(crate) const FIELD_BOOSTS: [Score; 4] = [3.0, 2.0, 1.0, 0.6];

const BOOSTS: [(FieldName, Score); 4] = [
    (FieldName::Title, FIELD_BOOSTS[0]),
    (FieldName::Heading, FIELD_BOOSTS[1]),
    (FieldName::Body, FIELD_BOOSTS[2]),
    (FieldName::Code, FIELD_BOOSTS[3]),
];

/// Below this many exact results, typo-tolerant matching is tried for every
/// word.
pub(crate) const FEW_RESULTS: usize = 3;

/// The score added to a result that matches every word of the query.
pub(crate) const ALL_WORDS_BONUS: Score = 8.0;

/// How many ranked documents are gathered before sections are grouped by
/// page.
pub(crate) const CANDIDATES: usize = 60;

/// How much each further matching section of a page adds to the page's
/// best section.
pub(crate) const PAGE_SPREAD: Score = 0.3;

/// How many further sections of a page add to its score.
pub(crate) const PAGE_SPREAD_SECTIONS: usize = 4;

/// The longest snippet, in characters.
const SNIPPET_CHARS: usize = 180;

#[derive(Debug, Clone, Copy)]
enum FieldName {
    Title,
    Heading,
    Body,
    Code,
}

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

/// Which results to keep.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only results about one of these weeks.
    pub weeks: Option<RangeInclusive<u64>>,
    /// Only results of this kind.
    pub kind: Option<String>,
}

/// One search result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The page title (or the code item's path).
    pub title: String,
    /// The heading path, joined with ` › `.
    pub heading: String,
    /// Where to open it, relative to the book root, with its fragment.
    pub url: String,
    /// week, block, task, exercise, …, prose, code.
    pub kind: String,
    /// The stable ID of the result or of what encloses it.
    pub id: String,
    /// The (first) week it is about.
    pub week: Option<u64>,
    /// All the weeks it is about.
    pub weeks: Vec<u64>,
    /// The BM25 score (higher is better).
    pub score: Score,
    /// A passage of the text around the matched words.
    pub snippet: String,
    /// The source file, relative to the book root.
    pub source: String,
    /// The line in the source file.
    pub line: Option<u64>,
    /// The byte ranges of the matched words in `snippet`.
    #[serde(skip)]
    pub highlights: Vec<Range<usize>>,
    /// The heading path.
    #[serde(skip)]
    pub heading_path: Vec<String>,
    /// For a code item: its first lines (the signature).
    #[serde(skip)]
    pub code_excerpt: Option<String>,
    /// Whether the match was found through typo tolerance only.
    #[serde(skip)]
    pub fuzzy: bool,
    /// Section, item or code.
    #[serde(skip)]
    pub unit: Unit,
    /// The page (or source file) it is on.
    #[serde(skip)]
    pub page: String,
}

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

    /// The `limit` best results for `query`, best first. A query never
    /// fails to parse; words the index does not know are matched with up to
    /// two typos, and when few results come back every word is.
    ///
    /// # Errors
    ///
    /// When the index cannot be read.
    pub fn search(&self, query: &str, filters: &Filters, limit: usize) -> Result<Vec<Hit>> {
        crate::integrity::contain(&self.dir, || self.search_unguarded(query, filters, limit))?
    }

    fn search_unguarded(&self, query: &str, filters: &Filters, limit: usize) -> Result<Vec<Hit>> {
        let parsed = ParsedQuery::parse(query);
        let limit = limit.clamp(1, crate::MAX_LIMIT);
        let Some(exact) = self.build_query(&parsed, query, filters, false)? else {
            return Ok(Vec::new());
        };
        let candidates = (limit * 4).max(CANDIDATES);
        let group_code = filters.kind.as_deref() != Some("code");
        let mut hits = group(self.run(exact.as_ref(), candidates, false)?, group_code);
        hits.truncate(limit);
        let has_words = parsed
            .include
            .iter()
            .any(|c| matches!(c, Clause::Word { prefix: false, .. }));
        if hits.len() < FEW_RESULTS.min(limit)
            && has_words
            && let Some(fuzzy) = self.build_query(&parsed, query, filters, true)?
        {
            let seen: HashSet<String> = hits.iter().map(|h| h.url.clone()).collect();
            let more = group(self.run(fuzzy.as_ref(), candidates, true)?, group_code);
            hits.extend(more.into_iter().filter(|h| !seen.contains(&h.url)));
            hits.truncate(limit);
        }
        Ok(hits)
    }

    fn run(&self, query: &dyn Query, limit: usize, fuzzy: bool) -> Result<Vec<Hit>> {
        let f = &self.fields;
        let weighted = TopDocs::with_limit(limit).tweak_score(|segment: &SegmentReader| {
            let weights = segment
                .fast_fields()
                .u64("weight")
                .ok()
                .map(|column| column.first_or_default_col(100));
            move |doc: DocId, score: Score| match &weights {
                Some(weights) => score * weights.get_val(doc) as Score / 100.0,
                None => score,
            }
        });
        let top = self
            .searcher
            .search(query, &weighted)
            .context("search failed")?;
        let mut body_snippets = SnippetGenerator::create(&self.searcher, query, f.body)?;
        body_snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut code_snippets = SnippetGenerator::create(&self.searcher, query, f.code)?;
        code_snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = self.searcher.doc(address)?;
            let body = first_str(&doc, f.body);
            let mut snippet = body_snippets.snippet(&body);
            let mut source = body.as_str();
            let code_text: String;
            if snippet.highlighted().is_empty() {
                code_text = all_str(&doc, f.code).join("\n");
                let code = code_snippets.snippet(&code_text);
                if !code.highlighted().is_empty() {
                    snippet = code;
                    source = &code_text;
                }
            }
            let (snippet, highlights) = if snippet.fragment().trim().is_empty() {
                (lead(&body, SNIPPET_CHARS), Vec::new())
            } else {
                widen(source, snippet.fragment_range(), snippet.highlighted())
            };
            let kind = first_str(&doc, f.kind);
            let weeks = all_u64(&doc, f.week);
            let heading_path = all_str(&doc, f.heading_path);
            let code_excerpt = (kind == "code")
                .then(|| {
                    doc.get_all(f.code)
                        .last()
                        .and_then(|v| v.as_str())
                        .map(signature)
                })
                .flatten();
            hits.push(Hit {
                title: first_str(&doc, f.page_title),
                heading: heading_path.join(" › "),
                url: first_str(&doc, f.url),
                kind,
                id: first_str(&doc, f.id),
                week: weeks.first().copied(),
                weeks,
                score,
                snippet,
                source: first_str(&doc, f.source),
                line: doc.get_first(f.line).and_then(|v| v.as_u64()),
                highlights,
                heading_path,
                code_excerpt,
                fuzzy,
                unit: match first_str(&doc, f.unit).as_str() {
                    "item" => Unit::Item,
                    "code" => Unit::Code,
                    _ => Unit::Section,
                },
                page: first_str(&doc, f.page),
            });
        }
        Ok(hits)
    }

    /// The whole query, or `None` when it asks for nothing.
    fn build_query(
        &self,
        parsed: &ParsedQuery,
        raw: &str,
        filters: &Filters,
        fuzzy_all: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        let f = &self.fields;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut plain_stems = Vec::new();
        let (weeks, week_words) = week_hints(parsed);
        for (n, clause) in parsed.include.iter().enumerate() {
            if week_words.contains(&n) {
                continue;
            }
            match clause {
                Clause::Word { text, prefix: true } => {
                    let words = self.vocabulary(|w| w.starts_with(&text.to_lowercase()), 20)?;
                    let alternatives: Vec<Box<dyn Query>> = words
                        .iter()
                        .filter_map(|w| self.word_query(w, 1.0))
                        .collect();
                    if !alternatives.is_empty() {
                        should.push((Occur::Should, any_of(alternatives)));
                    }
                }
                Clause::Word {
                    text,
                    prefix: false,
                } => {
                    let stems = self.stems(text);
                    let known = self.is_known(text)?;
                    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
                    if let Some(q) = self.word_query(text, 1.0) {
                        alternatives.push(q);
                    }
                    if !known || fuzzy_all {
                        for candidate in self.near_words(text)? {
                            if let Some(q) = self.word_query(&candidate, 0.8) {
                                alternatives.push(q);
                            }
                        }
                    }
                    if known {
                        plain_stems.extend(stems);
                    }
                    if !alternatives.is_empty() {
                        should.push((Occur::Should, any_of(alternatives)));
                    }
                }
                Clause::Phrase(text) => {
                    if let Some(q) = self.phrase_query(&self.stems(text), 1.5) {
                        should.push((Occur::Should, q));
                    }
                }
            }
        }
        // A result with every word (or phrase) of the query gets a bonus
        // over one that has some words many times.
        if should.len() >= 2 {
            let all = BooleanQuery::new(
                should
                    .iter()
                    .map(|(_, q)| (Occur::Must, q.box_clone()))
                    .collect(),
            );
            should.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(all), ALL_WORDS_BONUS)),
            ));
        }
        // Words next to each other in the query rank higher next to each
        // other in the text.
        if plain_stems.len() >= 2
            && let Some(q) = self.phrase_query(&plain_stems, 1.0)
        {
            should.push((Occur::Should, q));
        }
        let has_text = !should.is_empty();
        for week in &weeks {
            let in_week = || {
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.week, *week),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            };
            should.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(in_week(), 1.5)),
            ));
            if !has_text {
                // `week 7` alone: the week itself first.
                let the_week = BooleanQuery::new(vec![
                    (Occur::Must, in_week()),
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.kind, "week"),
                            IndexRecordOption::Basic,
                        )),
                    ),
                ]);
                should.push((
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(Box::new(the_week), 10.0)),
                ));
            }
        }
        let has_positive = !should.is_empty();
        let raw = raw.trim();
        if !raw.is_empty() && !raw.contains(char::is_whitespace) {
            let term = Term::from_field_text(f.id, raw);
            should.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    20.0,
                )),
            ));
        }

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let has_filter = filters.weeks.is_some() || filters.kind.is_some();
        if has_positive {
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(should))));
        } else if has_filter || !parsed.exclude.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        } else {
            return Ok(None);
        }
        if let Some(kind) = &filters.kind {
            let term = Term::from_field_text(f.kind, kind);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if let Some(weeks) = &filters.weeks {
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(f.week, *weeks.start())),
                    Bound::Included(Term::from_field_u64(f.week, *weeks.end())),
                )),
            ));
        }
        for clause in &parsed.exclude {
            let stems = match clause {
                Clause::Word { text, .. } | Clause::Phrase(text) => self.stems(text),
            };
            if let Some(q) = self.phrase_query(&stems, 1.0) {
                clauses.push((Occur::MustNot, q));
            }
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// The stemmed tokens of `text`.
    fn stems(&self, text: &str) -> Vec<String> {
        tokens(&mut self.analyzer.clone(), text)
    }

    /// Whether every word of `text` occurs somewhere in the book.
    fn is_known(&self, text: &str) -> Result<bool> {
        let words = tokens(&mut self.words_analyzer.clone(), text);
        for word in &words {
            let term = Term::from_field_text(self.fields.words, word);
            if self.searcher.doc_freq(&term)? == 0 {
                return Ok(false);
            }
        }
        Ok(!words.is_empty())
    }

    /// Words of the book within one or two typos of `text` (none for short
    /// words and numbers), the most frequent first.
    fn near_words(&self, text: &str) -> Result<Vec<String>> {
        let word = text.to_lowercase();
        let len = word.chars().count();
        if len < 4 || word.chars().all(|c| c.is_ascii_digit()) {
            return Ok(Vec::new());
        }
        let max = if len >= 8 { 2 } else { 1 };
        let mut found: Vec<(usize, u64, String)> = Vec::new();
        self.each_word(|candidate, doc_freq| {
            if candidate == word || candidate.len().abs_diff(word.len()) > max {
                return;
            }
            let distance = strsim::osa_distance(candidate, &word);
            if distance <= max {
                found.push((distance, doc_freq, candidate.to_string()));
            }
        })?;
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        Ok(found.into_iter().take(3).map(|(_, _, w)| w).collect())
    }

    /// Words of the book for which `keep` holds, the most frequent first.
    fn vocabulary(&self, keep: impl Fn(&str) -> bool, limit: usize) -> Result<Vec<String>> {
        let mut found: Vec<(u64, String)> = Vec::new();
        self.each_word(|word, doc_freq| {
            if keep(word) {
                found.push((doc_freq, word.to_string()));
            }
        })?;
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(found.into_iter().take(limit).map(|(_, w)| w).collect())
    }

    fn each_word(&self, mut visit: impl FnMut(&str, u64)) -> Result<()> {
        let mut totals: BTreeMap<String, u64> = BTreeMap::new();
        let single = self.searcher.segment_readers().len() == 1;
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.words)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let doc_freq = u64::from(stream.value().doc_freq);
                if single {
                    visit(word, doc_freq);
                } else {
                    *totals.entry(word.to_string()).or_default() += doc_freq;
                }
            }
        }
        for (word, doc_freq) in totals {
            visit(&word, doc_freq);
        }
        Ok(())
    }

    /// A word across the ranked fields: one token is a term, several (as in
    /// `e-commerce`) a phrase plus each token.
    fn word_query(&self, text: &str, boost: Score) -> Option<Box<dyn Query>> {
        let stems = self.stems(text);
        match stems.len() {
            0 => None,
            1 => Some(self.fields_query(
                |field| {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &stems[0]),
                        IndexRecordOption::WithFreqs,
                    ))
                },
                boost,
            )),
            _ => {
                let mut parts: Vec<Box<dyn Query>> = Vec::new();
                parts.extend(self.phrase_query(&stems, boost));
                for stem in &stems {
                    parts.push(self.fields_query(
                        |field| {
                            Box::new(TermQuery::new(
                                Term::from_field_text(field, stem),
                                IndexRecordOption::WithFreqs,
                            ))
                        },
                        boost * 0.5,
                    ));
                }
                Some(any_of(parts))
            }
        }
    }

    /// Stems in this order, across the ranked fields.
    fn phrase_query(&self, stems: &[String], boost: Score) -> Option<Box<dyn Query>> {
        match stems.len() {
            0 => None,
            1 => self.word_query(&stems[0], boost),
            _ => Some(self.fields_query(
                |field| {
                    Box::new(PhraseQuery::new(
                        stems
                            .iter()
                            .map(|s| Term::from_field_text(field, s))
                            .collect(),
                    ))
                },
                boost,
            )),
        }
    }

    fn fields_query(&self, make: impl Fn(Field) -> Box<dyn Query>, boost: Score) -> Box<dyn Query> {
        let parts = BOOSTS
            .iter()
            .map(|(name, field_boost)| {
                let field = match name {
                    FieldName::Title => self.fields.title,
                    FieldName::Heading => self.fields.heading,
                    FieldName::Body => self.fields.body,
                    FieldName::Code => self.fields.code,
                };
                Box::new(BoostQuery::new(make(field), field_boost * boost)) as Box<dyn Query>
            })
            .collect();
        any_of(parts)
    }

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

    /// The underlying tantivy index (for tests and tools).
    pub fn tantivy(&self) -> &Index {
        &self.index
    }
}

/// One result per page: a page's sections become its best one, scored
/// higher the more of them match (up to a point), so a page about the
/// subject ranks over a passing mention; a code file's items (when
/// `group_code`) become its best one. Roadmap items stay results of their
/// own.
fn group(hits: Vec<Hit>, group_code: bool) -> Vec<Hit> {
    let mut groups: Vec<(Hit, Score, usize)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for hit in hits {
        let key = match hit.unit {
            Unit::Section => Some(format!("page:{}", hit.page)),
            Unit::Code if group_code => Some(format!("file:{}", hit.page)),
            _ => None,
        };
        match key.and_then(|k| index.get(&k).copied().map(|i| (k, i))) {
            Some((_, i)) => {
                let group = &mut groups[i];
                if group.0.unit == Unit::Section && group.2 < PAGE_SPREAD_SECTIONS {
                    group.1 += hit.score * PAGE_SPREAD;
                    group.2 += 1;
                }
            }
            None => {
                if let Some(key) = match hit.unit {
                    Unit::Section => Some(format!("page:{}", hit.page)),
                    Unit::Code if group_code => Some(format!("file:{}", hit.page)),
                    _ => None,
                } {
                    index.insert(key, groups.len());
                }
                let score = hit.score;
                groups.push((hit, score, 0));
            }
        }
    }
    let mut out: Vec<Hit> = groups
        .into_iter()
        .map(|(mut hit, score, _)| {
            hit.score = score;
            hit
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

/// A query matching any of `parts`, scores summed.
fn any_of(mut parts: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    Box::new(BooleanQuery::new(
        parts.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Week numbers the query names (`week 7`, `week-7`, `w07`), and the
/// positions of the clauses that name them: those rank by week, not as
/// text.
fn week_hints(parsed: &ParsedQuery) -> (Vec<u64>, Vec<usize>) {
    let words: Vec<Option<String>> = parsed
        .include
        .iter()
        .map(|c| match c {
            Clause::Word {
                text,
                prefix: false,
            } => Some(text.to_lowercase()),
            _ => None,
        })
        .collect();
    let number = |n: &str| n.parse::<u64>().ok().filter(|_| (1..=2).contains(&n.len()));
    let mut weeks = Vec::new();
    let mut used = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(word) = word else { continue };
        if word == "week" {
            let next = words.get(i + 1).cloned().flatten();
            if let Some(n) = next.as_deref().and_then(number) {
                weeks.push(n);
                used.extend([i, i + 1]);
            }
        } else if let Some(n) = word
            .strip_prefix("week-")
            .or_else(|| word.strip_prefix("week"))
            .or_else(|| word.strip_prefix('w'))
            .and_then(number)
        {
            weeks.push(n);
            used.push(i);
        }
    }
    weeks.sort_unstable();
    weeks.dedup();
    (weeks, used)
}

fn first_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn all_str(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn all_u64(doc: &TantivyDocument, field: Field) -> Vec<u64> {
    doc.get_all(field).filter_map(|v| v.as_u64()).collect()
}

/// The start of `text`, cut at a word boundary near `max` characters.
fn lead(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(space) if space > max / 2 => format!("{}…", &cut[..space]),
        _ => format!("{cut}…"),
    }
}

/// The snippet's passage of `text`, ending with its sentence's punctuation
/// and marked `…` where the text goes on; the highlights shifted to match.
fn widen(
    text: &str,
    range: Range<usize>,
    highlights: &[Range<usize>],
) -> (String, Vec<Range<usize>>) {
    let mut end = range.end.min(text.len());
    while let Some(c) = text[end..].chars().next() {
        if c.is_whitespace() || c.is_alphanumeric() {
            break;
        }
        end += c.len_utf8();
    }
    let start = range.start.min(end);
    let prefix = if text[..start].trim().is_empty() {
        ""
    } else {
        "… "
    };
    let suffix = if text[end..].trim().is_empty() {
        ""
    } else {
        " …"
    };
    let passage = format!("{prefix}{}{suffix}", &text[start..end]);
    let shifted = highlights
        .iter()
        .map(|r| r.start + prefix.len()..r.end + prefix.len())
        .collect();
    (passage, shifted)
}

/// The first lines of a code item, up to its opening brace.
fn signature(code: &str) -> String {
    let mut lines = Vec::new();
    for line in code.lines().take(8) {
        lines.push(line);
        let t = line.trim_end();
        if (t.ends_with('{') || t.ends_with(';')) && !t.starts_with("#[") {
            break;
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_hints_from_the_query() {
        let hints = |q: &str| week_hints(&ParsedQuery::parse(q));
        assert_eq!(hints("week 7 jwt"), (vec![7], vec![0, 1]));
        assert_eq!(hints("jwt w03 redis"), (vec![3], vec![1]));
        assert_eq!(hints("week-12 review"), (vec![12], vec![0]));
        assert_eq!(hints("weekly review"), (vec![], vec![]));
        assert_eq!(hints("week of w2000"), (vec![], vec![]));
    }

    #[test]
    fn signature_stops_at_the_brace() {
        assert_eq!(
            signature("#[derive(Debug)]\npub struct A {\n    x: u8,\n}"),
            "#[derive(Debug)]\npub struct A {"
        );
        assert_eq!(
            signature("pub fn f(\n    a: u8,\n) -> u8 {\n    a\n}"),
            "pub fn f(\n    a: u8,\n) -> u8 {"
        );
    }

    #[test]
    fn widened_snippets_keep_punctuation_and_mark_cuts() {
        let text = "Before. The breaker opens. After";
        let (passage, highlights) = widen(text, 8..25, &[Range { start: 4, end: 11 }]);
        assert_eq!(passage, "… The breaker opens. …");
        assert_eq!(&passage[highlights[0].clone()], "breaker");
        assert_eq!(widen("whole.", 0..5, &[]).0, "whole.");
    }

    #[test]
    fn lead_cuts_at_a_word() {
        assert_eq!(lead("short", 10), "short");
        assert_eq!(lead("one two three four", 10), "one two…");
    }
}

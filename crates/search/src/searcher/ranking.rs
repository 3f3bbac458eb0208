//! Ranking: a query parsed into tantivy queries (field boosts, phrases,
//! exclusions, prefixes, week words, typo-tolerant alternatives), run with
//! each document's weight, and grouped into one result per page.

use std::collections::HashSet;
use std::ops::{Bound, Range, RangeInclusive};

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocId, Score, SegmentReader, TantivyDocument, Term};

use super::SearchIndex;
use super::snippets::{SNIPPET_CHARS, all_str, all_u64, first_str, lead, signature, widen};
use crate::extract::Unit;
use crate::query::{Clause, ParsedQuery};

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

#[derive(Debug, Clone, Copy)]
enum FieldName {
    Title,
    Heading,
    Body,
    Code,
}

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

impl SearchIndex {
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
}

//! Vocabulary expansion: a query's words against the book's, read from
//! the index's `words` field — their stems, whether the book knows them,
//! its words within a typo or two, its words that start with a prefix.

use std::collections::BTreeMap;

use anyhow::Result;
use tantivy::Term;
use tantivy::tokenizer::TextAnalyzer;

use super::SearchIndex;

impl SearchIndex {
    /// The stemmed tokens of `text`.
    pub(super) fn stems(&self, text: &str) -> Vec<String> {
        tokens(&mut self.analyzer.clone(), text)
    }

    /// Whether every word of `text` occurs somewhere in the book.
    pub(super) fn is_known(&self, text: &str) -> Result<bool> {
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
    pub(super) fn near_words(&self, text: &str) -> Result<Vec<String>> {
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
    pub(super) fn vocabulary(
        &self,
        keep: impl Fn(&str) -> bool,
        limit: usize,
    ) -> Result<Vec<String>> {
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
}

/// The tokens `analyzer` makes of `text` (the browser index's writer uses
/// the same).
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

//! The in-browser search index: the same records as the tantivy index,
//! tokenised by the same analyzers, written as small JavaScript files the
//! book's `theme/search-engine.js` loads on demand with `<script>` tags (which work
//! from `file://`, where `fetch` and modules do not).
//!
//! Every file calls one global function, `roadbookSearchShard(name, data)`,
//! with a JSON value:
//!
//! - `manifest.js` — the collection statistics BM25 needs (document count,
//!   average field lengths, tantivy's field-norm table), the ranking
//!   constants of `searcher/ranking.rs`, the page of each document (as run lengths),
//!   and the maps from term prefixes and document numbers to shards.
//! - `t-N.js` — a term shard: the words that start with its prefix (each
//!   with its stem and document frequency), the postings of the stems that
//!   start with it (per field: document, field norm, term frequency,
//!   positions), and the records whose ID starts with it (with their
//!   weight class). A prefix whose
//!   shard would be too big is split by its next character.
//! - `v-L.js` — the words of `L` bytes, for typo tolerance (a word within
//!   two typos is within two bytes of length).
//! - `d-N.js` — what a result shows of a run of documents (URL, titles,
//!   kind, ID, weeks, the start of its text).
//! - `f-k-N.js`, `f-w-W.js` — the documents of the manifest's `N`th kind
//!   and of week `W`, each with its weight class, for filters and week
//!   words: a search loads only the ones it filters by.
//!
//! Numbers are written as base-64 variable-length quantities (five bits a
//! character, like source maps), lists of them as one string. Maps are
//! sorted, so the bytes depend only on the records.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::tokenizer::TokenizerManager;

use crate::extract::{Record, Unit};
use crate::schema::TEXT_TOKENIZER;
use crate::searcher::tokens;

/// The folder of the book the files go into.
pub const BROWSER_INDEX_DIR: &str = "search";

/// The version of the file layout, checked by the browser engine.
pub const BROWSER_INDEX_VERSION: u32 = 2;

/// A term shard is split by its next character above this many bytes.
const SHARD_BYTES: usize = 12 * 1024;

/// How deep prefixes go when splitting term shards.
const MAX_PREFIX_CHARS: usize = 4;

/// A document shard ends once it holds this many bytes.
const DOC_SHARD_BYTES: usize = 3 * 1024;

/// How much of a document's text a result shows, in characters.
const EXCERPT_CHARS: usize = 240;

/// The ranked fields, in the order postings list them.
const FIELDS: [&str; 4] = ["title", "heading", "body", "code"];

/// The files of a browser index: (path inside the book, bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserIndex {
    /// The files, `search/manifest.js` first.
    pub files: Vec<(String, Vec<u8>)>,
    /// How many documents it holds.
    pub documents: usize,
}

/// One stem's occurrences in one field: (document, positions), documents
/// increasing (the records are read in order).
type FieldPostings = Vec<(u32, Vec<u32>)>;

/// What the tokenising pass learns about the records. The two big maps are
/// hash maps, sorted once when the files are written.
#[derive(Default)]
struct Inverted {
    /// stem → field → its occurrences.
    postings: HashMap<String, [FieldPostings; 4]>,
    /// Unstemmed word → (stem, documents containing it).
    words: HashMap<String, (String, u32)>,
    /// Tokens per document per field.
    lengths: Vec<[u32; 4]>,
    /// ID → documents.
    ids: BTreeMap<String, Vec<u32>>,
}

/// Builds the browser index of `records` (pages first, then code, as the
/// tantivy index numbers them).
#[must_use]
pub fn browser_index(records: &[Record]) -> BrowserIndex {
    let manager = TokenizerManager::default();
    let mut stemmer = manager.get(TEXT_TOKENIZER).expect("tantivy has en_stem");
    let mut plain = manager.get("default").expect("tantivy has default");
    let mut inv = Inverted::default();
    for (doc, record) in records.iter().enumerate() {
        let doc = doc as u32;
        let title = if record.page_top {
            vec![record.title.as_str()]
        } else {
            Vec::new()
        };
        let values: [Vec<&str>; 4] = [
            title,
            vec![record.heading.as_str()],
            vec![record.body.as_str()],
            record.code.iter().map(String::as_str).collect(),
        ];
        let mut lengths = [0u32; 4];
        for (field, texts) in values.iter().enumerate() {
            let mut offset = 0u32;
            for text in texts {
                let mut end = offset;
                let mut stream = stemmer.token_stream(text);
                while stream.advance() {
                    let token = stream.token();
                    let position = offset + token.position as u32;
                    end = end.max(position + 1);
                    lengths[field] += 1;
                    let fields = match inv.postings.get_mut(token.text.as_str()) {
                        Some(fields) => fields,
                        None => inv.postings.entry(token.text.clone()).or_default(),
                    };
                    match fields[field].last_mut() {
                        Some((last, positions)) if *last == doc => positions.push(position),
                        _ => fields[field].push((doc, vec![position])),
                    }
                }
                // tantivy leaves a gap of one position between values.
                offset = end + 1;
            }
        }
        inv.lengths.push(lengths);
        let mut seen = Vec::new();
        for text in [&record.title, &record.heading, &record.body]
            .into_iter()
            .chain(&record.code)
        {
            seen.extend(tokens(&mut plain, text));
        }
        seen.sort_unstable();
        seen.dedup();
        for word in seen {
            let entry = inv.words.entry(word).or_insert_with_key(|w| {
                let stem = tokens(&mut stemmer, w)
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                (stem, 0)
            });
            entry.1 += 1;
        }
        inv.ids.entry(record.id.clone()).or_default().push(doc);
    }
    write(records, &inv)
}

/// An entry of a term shard, before the shard is chosen.
enum Entry<'a> {
    Word(&'a str, &'a (String, u32)),
    Stem(&'a str, String),
    Id(&'a str, String),
}

impl Entry<'_> {
    fn key(&self) -> &str {
        match self {
            Entry::Word(k, _) | Entry::Stem(k, _) | Entry::Id(k, _) => k,
        }
    }

    /// About how many bytes it takes in its shard.
    fn size(&self) -> usize {
        self.key().len()
            + match self {
                Entry::Word(w, (stem, _)) => 8 + if stem == w { 0 } else { stem.len() },
                Entry::Stem(_, postings) | Entry::Id(_, postings) => postings.len() + 8,
            }
    }
}

fn write(records: &[Record], inv: &Inverted) -> BrowserIndex {
    let n = records.len() as u32;
    let mut words: Vec<(&String, &(String, u32))> = inv.words.iter().collect();
    words.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut stems: Vec<(&String, &[FieldPostings; 4])> = inv.postings.iter().collect();
    stems.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for (word, info) in &words {
        entries.push(Entry::Word(word, info));
    }
    for (stem, fields) in &stems {
        let lists: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(field, docs)| postings(docs, field, &inv.lengths, records))
            .collect();
        entries.push(Entry::Stem(stem, lists.join(",")));
    }
    for (id, docs) in &inv.ids {
        // Each document with its weight class: an ID alone ranks it.
        entries.push(Entry::Id(id, docs_with_classes(docs, records)));
    }
    let keys = shard_keys(&entries);
    let mut shards: Vec<(Value, Value, Value)> = keys
        .iter()
        .map(|_| (json!({}), json!({}), json!({})))
        .collect();
    for entry in &entries {
        let shard = shard_of(&keys, entry.key());
        let (words, stems, ids) = &mut shards[shard];
        match entry {
            Entry::Word(word, (stem, df)) => {
                words[*word] = if stem == word {
                    json!([df])
                } else {
                    json!([df, stem])
                };
            }
            Entry::Stem(stem, lists) => stems[*stem] = json!(lists),
            Entry::Id(id, docs) => ids[*id] = json!(docs),
        }
    }

    let mut files = Vec::new();
    for (i, (words, stems, ids)) in shards.into_iter().enumerate() {
        let name = format!("t-{i}");
        files.push(script(&name, &json!({ "w": words, "s": stems, "i": ids })));
    }

    // Typo tolerance: words by byte length.
    let mut by_length: BTreeMap<usize, Vec<(&str, u32)>> = BTreeMap::new();
    for (word, (_, df)) in &words {
        by_length.entry(word.len()).or_default().push((word, *df));
    }
    for (length, words) in &by_length {
        let list: Vec<Value> = words.iter().map(|(w, df)| json!([w, df])).collect();
        files.push(script(&format!("v-{length}"), &Value::Array(list)));
    }

    // What results show, in runs of documents.
    let mut doc_shards = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    let mut bytes = 0;
    let mut first = 0usize;
    for (doc, record) in records.iter().enumerate() {
        let shown = json!([
            record.url,
            record.title,
            record.heading_path.join(" › "),
            record.kind,
            record.id,
            record.weeks,
            excerpt(record),
        ]);
        bytes += shown.to_string().len();
        current.push(shown);
        if bytes >= DOC_SHARD_BYTES || doc + 1 == records.len() {
            doc_shards.push(first as u32);
            let name = format!("d-{}", doc_shards.len() - 1);
            files.push(script(&name, &json!({ "first": first, "docs": current })));
            current = Vec::new();
            bytes = 0;
            first = doc + 1;
        }
    }

    // Filters: the documents of each kind and of each week, a file each, so
    // that a search loads only the ones it filters by (all of them together
    // grow with the book: 290 KB at 4,500 pages).
    let mut kinds: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut weeks: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for (doc, record) in records.iter().enumerate() {
        kinds
            .entry(record.kind.as_str())
            .or_default()
            .push(doc as u32);
        for week in &record.weeks {
            weeks.entry(*week).or_default().push(doc as u32);
        }
    }
    for (i, docs) in kinds.values().enumerate() {
        files.push(script(
            &format!("f-k-{i}"),
            &json!(docs_with_classes(docs, records)),
        ));
    }
    for (week, docs) in &weeks {
        files.push(script(
            &format!("f-w-{week}"),
            &json!(docs_with_classes(docs, records)),
        ));
    }

    // Documents of one page (or code file) are consecutive: their runs.
    let mut groups = Vec::new();
    let mut previous: Option<(&str, Unit)> = None;
    for record in records {
        let key = (record.page.as_str(), unit_group(record));
        if previous == Some(key) {
            *groups.last_mut().expect("a run was started") += 1;
        } else {
            groups.push(1u32);
            previous = Some(key);
        }
    }

    let totals = inv.lengths.iter().fold([0u64; 4], |mut acc, l| {
        for (a, x) in acc.iter_mut().zip(l) {
            *a += u64::from(*x);
        }
        acc
    });
    let average: Vec<f64> = totals
        .iter()
        .map(|t| {
            if n == 0 {
                0.0
            } else {
                *t as f64 / f64::from(n)
            }
        })
        .collect();
    let norms: Vec<u32> = (0..=255u8).map(FieldNormReader::id_to_fieldnorm).collect();
    let week_list: Vec<u64> = weeks.keys().copied().collect();
    let kind_list: Vec<&str> = kinds.keys().copied().collect();
    let manifest = json!({
        "version": BROWSER_INDEX_VERSION,
        "documents": n,
        "fields": FIELDS,
        "boosts": crate::searcher::FIELD_BOOSTS,
        "rank": {
            "allWordsBonus": crate::searcher::ALL_WORDS_BONUS,
            "fewResults": crate::searcher::FEW_RESULTS,
            "candidates": crate::searcher::CANDIDATES,
            "pageSpread": crate::searcher::PAGE_SPREAD,
            "pageSpreadSections": crate::searcher::PAGE_SPREAD_SECTIONS,
            "weights": WEIGHT_CLASSES.map(|(_, w)| w),
        },
        "average": average,
        "norms": deltas(&norms),
        "groups": vlq_list(&groups),
        "terms": keys,
        "vocabulary": by_length.keys().collect::<Vec<_>>(),
        "docs": deltas(&doc_shards),
        "kinds": kind_list,
        "weeks": week_list,
    });
    files.insert(0, script("manifest", &manifest));
    BrowserIndex {
        files,
        documents: records.len(),
    }
}

/// The ranking weight classes, in the order postings number them, with
/// their weight in percent (the tantivy index's `weight` field).
const WEIGHT_CLASSES: [(&str, u64); 4] = [
    ("exercise section", 120),
    ("section", 100),
    ("item", 90),
    ("code", 40),
];

/// The weight class of a record (an index into [`WEIGHT_CLASSES`]).
fn weight_class(record: &Record) -> u32 {
    let weight = crate::indexer::weight(record);
    WEIGHT_CLASSES
        .iter()
        .position(|(_, w)| *w == weight)
        .expect("every weight has a class") as u32
}

/// Increasing documents, each as its delta and its weight class: what a
/// document found by its ID or a filter alone needs to be ranked.
fn docs_with_classes(docs: &[u32], records: &[Record]) -> String {
    let mut list = String::new();
    let mut previous = 0;
    for doc in docs {
        push_vlq(&mut list, doc - previous);
        push_vlq(&mut list, weight_class(&records[*doc as usize]));
        previous = *doc;
    }
    list
}

/// What a record groups with in results: sections by page, code by file;
/// items stand alone but share their page's run.
fn unit_group(record: &Record) -> Unit {
    match record.unit {
        Unit::Code => Unit::Code,
        _ => Unit::Section,
    }
}

/// One field's postings of a stem: per document, the document (as a
/// delta), field norm id × 4 + weight class, term frequency, positions (as
/// deltas).
fn postings(
    docs: &FieldPostings,
    field: usize,
    lengths: &[[u32; 4]],
    records: &[Record],
) -> String {
    let mut out = String::new();
    let mut previous = 0;
    for (doc, positions) in docs {
        push_vlq(&mut out, doc - previous);
        previous = *doc;
        let norm = u32::from(FieldNormReader::fieldnorm_to_id(
            lengths[*doc as usize][field],
        ));
        push_vlq(&mut out, norm * 4 + weight_class(&records[*doc as usize]));
        push_vlq(&mut out, positions.len() as u32);
        let mut last = 0;
        for position in positions {
            push_vlq(&mut out, position - last);
            last = *position;
        }
    }
    out
}

/// The start of what a reader sees of a record.
fn excerpt(record: &Record) -> String {
    let text = if record.body.trim().is_empty() {
        record.code.first().map(String::as_str).unwrap_or_default()
    } else {
        record.body.as_str()
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= EXCERPT_CHARS {
        return text;
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    match cut.rfind(' ') {
        Some(space) if space > EXCERPT_CHARS / 2 => format!("{}…", &cut[..space]),
        _ => format!("{cut}…"),
    }
}

/// The prefixes that name term shards: the empty prefix, split by the next
/// character wherever a shard would be too big. A shard holds what starts
/// with its prefix but with no longer listed one.
fn shard_keys(entries: &[Entry<'_>]) -> Vec<String> {
    let mut keys = vec![String::new()];
    let mut pending: Vec<(String, Vec<&Entry<'_>>)> =
        vec![(String::new(), entries.iter().collect())];
    while let Some((prefix, group)) = pending.pop() {
        let depth = prefix.chars().count();
        let size: usize = group.iter().map(|e| e.size()).sum();
        if size <= SHARD_BYTES || depth >= MAX_PREFIX_CHARS {
            continue;
        }
        let mut children: BTreeMap<String, Vec<&Entry<'_>>> = BTreeMap::new();
        for entry in group {
            let key: String = entry.key().chars().take(depth + 1).collect();
            if key.chars().count() == depth + 1 {
                children.entry(key).or_default().push(entry);
            }
        }
        for (key, group) in children {
            keys.push(key.clone());
            pending.push((key, group));
        }
    }
    keys.sort();
    keys
}

/// The shard of `key`: the one of the longest prefix of it.
fn shard_of(keys: &[String], key: &str) -> usize {
    let mut best = 0;
    let mut best_len = 0;
    let mut prefix = String::new();
    for c in key.chars().take(MAX_PREFIX_CHARS) {
        prefix.push(c);
        if let Ok(i) = keys.binary_search(&prefix) {
            best = i;
            best_len = prefix.len();
        }
    }
    debug_assert!(best_len > 0 || keys[best].is_empty());
    best
}

/// `search/NAME.js`: a call of the registration function with `data`.
fn script(name: &str, data: &Value) -> (String, Vec<u8>) {
    let text = format!(
        "roadbookSearchShard({},{});\n",
        serde_json::to_string(name).expect("a string serialises"),
        // `</script>` cannot occur: every `<` is escaped.
        serde_json::to_string(data)
            .expect("JSON serialises")
            .replace('<', "\\u003c"),
    );
    (format!("{BROWSER_INDEX_DIR}/{name}.js"), text.into_bytes())
}

const VLQ_DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends `n` as a base-64 variable-length quantity: five bits a
/// character, low bits first, the sixth bit saying more follow.
fn push_vlq(out: &mut String, mut n: u32) {
    loop {
        let digit = n & 31;
        n >>= 5;
        if n == 0 {
            out.push(VLQ_DIGITS[digit as usize] as char);
            return;
        }
        out.push(VLQ_DIGITS[(digit | 32) as usize] as char);
    }
}

fn vlq_list(numbers: &[u32]) -> String {
    let mut out = String::new();
    for n in numbers {
        push_vlq(&mut out, *n);
    }
    out
}

/// Increasing numbers as the VLQs of their differences.
fn deltas(numbers: &[u32]) -> String {
    let mut previous = 0;
    let mut out = String::new();
    for n in numbers {
        push_vlq(&mut out, n - previous);
        previous = *n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the VLQs back (the browser engine's decoder, in Rust).
    fn decode(text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let (mut n, mut shift) = (0u32, 0);
        for c in text.bytes() {
            let digit = VLQ_DIGITS.iter().position(|d| *d == c).unwrap() as u32;
            n |= (digit & 31) << shift;
            if digit & 32 == 0 {
                out.push(n);
                (n, shift) = (0, 0);
            } else {
                shift += 5;
            }
        }
        out
    }

    #[test]
    fn vlq_round_trips() {
        let numbers = [0, 1, 31, 32, 1023, 1024, 65_535, u32::MAX];
        assert_eq!(decode(&vlq_list(&numbers)), numbers);
        assert_eq!(vlq_list(&[0, 31, 32]), "AfgB");
    }

    fn record(page: &str, heading: &str, body: &str, unit: Unit) -> Record {
        Record {
            unit,
            kind: if unit == Unit::Code { "code" } else { "prose" }.into(),
            id: page.trim_end_matches(".html").into(),
            scopes: Vec::new(),
            page: page.into(),
            url: format!("{page}#{}", heading.to_lowercase().replace(' ', "-")),
            title: "Title".into(),
            page_top: false,
            heading_path: vec![heading.into()],
            heading: heading.into(),
            body: body.into(),
            code: Vec::new(),
            blocks: Vec::new(),
            weeks: vec![1],
            source: "src/x.md".into(),
            line: None,
        }
    }

    fn shard(index: &BrowserIndex, name: &str) -> Value {
        let path = format!("search/{name}.js");
        let (_, bytes) = index.files.iter().find(|(p, _)| *p == path).unwrap();
        let text = std::str::from_utf8(bytes).unwrap();
        let json = text
            .strip_prefix(&format!("roadbookSearchShard(\"{name}\","))
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap();
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn words_map_to_tantivy_stems_and_postings_hold_positions() {
        let records = [
            record(
                "a.html",
                "Breakers",
                "The breaker opens. Breakers close.",
                Unit::Section,
            ),
            record("b.html", "Other", "retrying retries", Unit::Section),
        ];
        let index = browser_index(&records);
        let manifest = shard(&index, "manifest");
        assert_eq!(manifest["documents"], 2);
        assert_eq!(manifest["terms"], json!([""]), "one small shard");
        let terms = shard(&index, "t-0");
        assert_eq!(terms["w"]["breakers"], json!([1, "breaker"]));
        assert_eq!(terms["w"]["breaker"], json!([1]));
        assert_eq!(terms["w"]["retrying"], json!([1, "retri"]));
        let lists: Vec<&str> = terms["s"]["breaker"].as_str().unwrap().split(',').collect();
        // title: none; heading: doc 0, norm 1, class 1, tf 1 at 0; body:
        // doc 0, norm 5, tf 2 at 1 and 3.
        assert_eq!(decode(lists[0]), Vec::<u32>::new());
        assert_eq!(decode(lists[1]), [0, 4 + 1, 1, 0]);
        assert_eq!(decode(lists[2]), [0, 5 * 4 + 1, 2, 1, 2]);
        assert_eq!(terms["i"]["b"], "BB", "doc 1, a section");
    }

    #[test]
    fn big_shards_split_by_the_next_character_and_lookups_agree() {
        let records: Vec<Record> = (0..400)
            .map(|i| {
                let body = format!("word{i} waffle{i} wander{} alpha{i}", i % 7);
                record(&format!("p{i}.html"), "Heading", &body, Unit::Section)
            })
            .collect();
        let index = browser_index(&records);
        let manifest = shard(&index, "manifest");
        let keys: Vec<String> = serde_json::from_value(manifest["terms"].clone()).unwrap();
        assert!(keys.len() > 3, "{keys:?}");
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "sorted: {keys:?}");
        for (i, key) in keys.iter().enumerate() {
            let terms = shard(&index, &format!("t-{i}"));
            for word in terms["w"].as_object().unwrap().keys() {
                assert_eq!(
                    shard_of(&keys, word),
                    i,
                    "{word} is in the shard its prefix names"
                );
                assert!(word.starts_with(key.as_str()));
            }
        }
        for (path, bytes) in &index.files {
            if path.contains("/t-") {
                assert!(
                    bytes.len() < 3 * SHARD_BYTES,
                    "{path}: {} bytes",
                    bytes.len()
                );
            }
        }
    }

    #[test]
    fn documents_and_groups_follow_record_order() {
        let mut code = record("code/x.rs", "x", "docs of x", Unit::Code);
        code.code = vec!["pub fn x() {}".into()];
        let records = [
            record("a.html", "One", "first", Unit::Section),
            record("a.html", "Two", "second", Unit::Item),
            record("b.html", "Three", "third", Unit::Section),
            code,
        ];
        let index = browser_index(&records);
        let manifest = shard(&index, "manifest");
        assert_eq!(decode(manifest["groups"].as_str().unwrap()), [2, 1, 1]);
        let docs = shard(&index, "d-0");
        assert_eq!(docs["first"], 0);
        assert_eq!(docs["docs"][1][0], "a.html#two");
        assert_eq!(docs["docs"][3][6], "docs of x");
        // Kinds, sorted: code, prose; (delta, weight class) pairs.
        assert_eq!(manifest["kinds"], json!(["code", "prose"]));
        let code_kind = shard(&index, "f-k-0");
        assert_eq!(decode(code_kind.as_str().unwrap()), [3, 3]);
        let week = shard(&index, "f-w-1");
        assert_eq!(decode(week.as_str().unwrap()), [0, 1, 1, 2, 1, 1, 1, 3]);
        assert!(
            !index
                .files
                .iter()
                .any(|(path, _)| path.ends_with("facets.js"))
        );
    }

    #[test]
    fn the_same_records_give_the_same_bytes_and_no_raw_angle_brackets() {
        let records = [record("a.html", "Tags", "a </script> b", Unit::Section)];
        let first = browser_index(&records);
        assert_eq!(first, browser_index(&records));
        for (path, bytes) in &first.files {
            assert!(!bytes.contains(&b'<'), "{path}");
        }
    }
}

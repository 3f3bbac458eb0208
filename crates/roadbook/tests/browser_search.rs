//! The in-browser search against the terminal's: theme/search-engine.js,
//! run under Node over the `search/` folder `roadbook build` writes into
//! the book, must find what `roadbook search` finds (one spec, two engines).
//! Needs `node` (Node.js 20 or later) on the PATH, as the JavaScript unit
//! tests do.

mod common;

use common::{copy_dir, roadbook, workspace};
use roadbook_search::{Filters, SearchIndex, Sources};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// One query for both engines.
struct Query<'a> {
    text: &'a str,
    kind: Option<&'a str>,
    weeks: Option<(u64, u64)>,
}

impl<'a> Query<'a> {
    fn plain(text: &'a str) -> Self {
        Query {
            text,
            kind: None,
            weeks: None,
        }
    }
}

/// The URLs the browser engine returns for each query (at most `limit`).
fn browser_results(search_dir: &Path, queries: &[Query<'_>], limit: usize) -> Vec<Vec<String>> {
    let mut child = Command::new("node")
        .arg(workspace().join("tests/js/search-engine-cli.mjs"))
        .arg(search_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node (Node.js 20 or later) is needed to run the browser search engine");
    {
        let mut stdin = child.stdin.take().unwrap();
        for q in queries {
            let line = serde_json::json!({
                "query": q.text,
                "kind": q.kind,
                "weeks": q.weeks.map(|(a, b)| [a, b]),
                "limit": limit,
            });
            writeln!(stdin, "{line}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the browser engine failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Vec<String>> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let hits: Vec<serde_json::Value> = serde_json::from_str(line).unwrap();
            hits.iter()
                .map(|h| h["url"].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(lines.len(), queries.len(), "one line of results a query");
    lines
}

/// The URLs the terminal search returns for each query.
fn terminal_results(index: &SearchIndex, queries: &[Query<'_>], limit: usize) -> Vec<Vec<String>> {
    queries
        .iter()
        .map(|q| {
            let filters = Filters {
                weeks: q.weeks.map(|(a, b)| a..=b),
                kind: q.kind.map(str::to_string),
            };
            index
                .search(q.text, &filters, limit)
                .unwrap()
                .into_iter()
                .map(|h| h.url)
                .collect()
        })
        .collect()
}

fn page(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// On the search crate's fixture book, every query language feature gives
/// the same top three in both engines.
#[test]
fn both_engines_agree_on_the_fixture_book() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &workspace().join("crates/search/tests/fixtures/mini"),
        dir.path(),
    );
    let root = dir.path();
    let sources = Sources {
        root: root.to_path_buf(),
        book_dir: root.join("book"),
        src_dir: root.join("src"),
        roadmap: root.join("roadmap.md"),
        code_dirs: vec![root.join("code")],
        not_pages: vec!["api".into()],
    };
    roadbook_search::build_index(&sources, &root.join("search-index")).unwrap();
    let (records, _, _) = roadbook_search::collect_records(&sources).unwrap();
    let browser = roadbook_search::browser_index(&records);
    for (path, bytes) in &browser.files {
        let file = root.join("book").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
    let queries = [
        Query::plain("circuit breaker"),
        Query::plain("circut breaker"),
        Query::plain("\"half open\""),
        Query::plain("breaker -payments"),
        Query::plain("idempot*"),
        Query::plain("week 1"),
        Query::plain("w01-circuit-breaker"),
        Query {
            text: "breaker",
            kind: Some("task"),
            weeks: None,
        },
        Query {
            text: "breaker",
            kind: None,
            weeks: Some((2, 3)),
        },
        Query {
            text: "idempotency",
            kind: Some("code"),
            weeks: None,
        },
    ];
    let index = SearchIndex::open(&root.join("search-index")).unwrap();
    let terminal = terminal_results(&index, &queries, 3);
    let browser = browser_results(&root.join("book/search"), &queries, 3);
    for ((q, t), b) in queries.iter().zip(&terminal).zip(&browser) {
        assert_eq!(
            b, t,
            "query {:?} (kind {:?}, weeks {:?})",
            q.text, q.kind, q.weeks
        );
    }
    assert!(terminal.iter().filter(|r| !r.is_empty()).count() >= 8);
}

/// The real book: the relevance set the terminal passes passes in the
/// browser engine, and both put the same page first.
#[test]
fn both_engines_pass_the_relevance_set_on_the_real_book() {
    let book = common::shipped_book();
    let out = roadbook(book.path(), &["-q", "build", "--no-api-docs"]);
    assert!(
        out.status.success(),
        "roadbook build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let set =
        std::fs::read_to_string(workspace().join("crates/search/tests/relevance/queries.tsv"))
            .unwrap();
    let pairs: Vec<(&str, &str)> = set
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once('\t').expect("query<TAB>page"))
        .collect();
    let queries: Vec<Query<'_>> = pairs.iter().map(|(q, _)| Query::plain(q)).collect();
    let index = SearchIndex::open(&book.path().join("search-index")).unwrap();
    let terminal = terminal_results(&index, &queries, 3);
    let browser = browser_results(&book.path().join("book/search"), &queries, 3);

    let mut misses = Vec::new();
    let mut disagreements = Vec::new();
    for (((query, wanted), t), b) in pairs.iter().zip(&terminal).zip(&browser) {
        if !b.iter().any(|url| page(url) == *wanted) {
            misses.push(format!("{query:?} wants {wanted}, got {b:?}"));
        }
        if t.first().map(|u| page(u)) != b.first().map(|u| page(u)) {
            disagreements.push(format!("{query:?}: terminal {t:?}, browser {b:?}"));
        }
    }
    let total = pairs.len();
    let rate = (total - misses.len()) as f64 / total as f64;
    let agreement = (total - disagreements.len()) as f64 / total as f64;
    println!(
        "browser relevance: {}/{total} top-3 ({:.1} %); same first page as the terminal: {:.1} %",
        total - misses.len(),
        rate * 100.0,
        agreement * 100.0
    );
    assert!(
        rate >= 0.9,
        "browser top-3 hit rate {:.1} % < 90 %; misses:\n{}",
        rate * 100.0,
        misses.join("\n")
    );
    assert!(
        agreement >= 0.9,
        "the engines put different pages first for {:.1} % of the queries:\n{}",
        100.0 - agreement * 100.0,
        disagreements.join("\n")
    );
}

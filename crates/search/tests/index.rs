//! The index built from a small fixture book (tests/fixtures/mini: mdBook
//! 0.5 HTML with the generated pages' `data-kind` contract, a hand-written
//! exercise page, reference code), checked by the answers to queries.

use std::path::{Path, PathBuf};

use roadbook_search::{
    Block, Filters, Hit, MANIFEST, OpenError, SearchIndex, Sources, Unit, build_index,
};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

fn sources(root: &Path) -> Sources {
    Sources {
        root: root.to_path_buf(),
        book_dir: root.join("book"),
        src_dir: root.join("src"),
        roadmap: root.join("roadmap.md"),
        code_dirs: vec![root.join("code")],
        not_pages: vec!["api".into()],
    }
}

/// The fixture's index, built into a fresh temporary folder.
fn index() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("search-index");
    build_index(&sources(&fixture()), &dest).unwrap();
    let index = SearchIndex::open(&dest).unwrap();
    (dir, index)
}

fn search(index: &SearchIndex, query: &str) -> Vec<Hit> {
    index.search(query, &Filters::default(), 10).unwrap()
}

fn urls(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.url.as_str()).collect()
}

#[test]
fn the_exercise_page_comes_first_and_the_task_is_found_too() {
    let (_dir, index) = index();
    let hits = search(&index, "circuit breaker");
    assert_eq!(
        hits[0].url,
        "exercises/w01-circuit-breaker.html",
        "{:#?}",
        urls(&hits)
    );
    assert_eq!(hits[0].kind, "exercise");
    assert_eq!(hits[0].id, "w01-circuit-breaker");
    assert_eq!(hits[0].week, Some(1));
    let task = hits
        .iter()
        .find(|h| h.id == "w01-implement-circuit-breaker-pattern-go-coffee")
        .expect("the task on the week page");
    assert_eq!(task.kind, "task");
    assert_eq!(
        task.url,
        "weeks/week-01.html#w01-implement-circuit-breaker-pattern-go-coffee"
    );
    assert_eq!(
        task.heading,
        "Week 1: Reliability Basics › Monday-Tuesday: Fault Tolerance"
    );
    assert_eq!(task.source, "roadmap.md");
    assert_eq!(task.line, Some(8));
    // The matched words are marked in the snippet.
    let marked: Vec<&str> = task
        .highlights
        .iter()
        .map(|r| &task.snippet[r.clone()])
        .collect();
    assert_eq!(marked, vec!["circuit", "breaker"]);
}

#[test]
fn typos_are_tolerated() {
    let (_dir, index) = index();
    for query in ["circut breaker", "circuit braeker", "kubernets"] {
        let hits = search(&index, query);
        assert!(!hits.is_empty(), "{query}");
    }
    assert_eq!(
        search(&index, "circut breaker")[0].url,
        "exercises/w01-circuit-breaker.html"
    );
    assert_eq!(
        search(&index, "kubernets")[0].url,
        "intro.html#how-to-use-it"
    );
}

#[test]
fn phrases_exclusions_and_prefixes() {
    let (_dir, index) = index();
    let phrase = search(&index, "\"saga compensation\"");
    assert_eq!(
        urls(&phrase),
        vec!["weeks/week-01.html#w01-study-saga-compensation-orders"]
    );
    // The words apart but not as a phrase: no result.
    assert!(search(&index, "\"compensation saga\"").is_empty());

    // Exclusions apply to each section and item: the task says "pattern".
    let task = "weeks/week-01.html#w01-implement-circuit-breaker-pattern-go-coffee";
    assert!(urls(&search(&index, "circuit breaker")).contains(&task));
    let hits = search(&index, "circuit breaker -pattern");
    let without = urls(&hits);
    assert!(!without.contains(&task), "{without:#?}");
    assert!(without.contains(&"exercises/w01-circuit-breaker.html"));

    let prefix = search(&index, "kubern*");
    assert_eq!(urls(&prefix), vec!["intro.html#how-to-use-it"]);
}

#[test]
fn filters_by_week_and_kind() {
    let (_dir, index) = index();
    let tasks = index
        .search(
            "circuit breaker",
            &Filters {
                kind: Some("task".into()),
                ..Filters::default()
            },
            10,
        )
        .unwrap();
    assert!(!tasks.is_empty());
    assert!(tasks.iter().all(|h| h.kind == "task"));

    let week2 = Filters {
        weeks: Some(2..=3),
        ..Filters::default()
    };
    assert!(
        index
            .search("circuit breaker", &week2, 10)
            .unwrap()
            .is_empty()
    );
    let week1 = Filters {
        weeks: Some(1..=2),
        ..Filters::default()
    };
    let hits = index.search("circuit breaker", &week1, 10).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.weeks.contains(&1)));

    // A filter alone lists what it selects.
    let all_week1 = index.search("", &week1, 50).unwrap();
    assert!(all_week1.len() >= 4);
}

#[test]
fn the_week_of_a_query_ranks_that_week_first() {
    let (_dir, index) = index();
    let hits = search(&index, "week 1 redis");
    assert_eq!(hits[0].id, "w01-configure-redis-cluster-failover");
}

#[test]
fn malformed_queries_do_not_fail() {
    let (_dir, index) = index();
    for query in [
        "\"unclosed circuit",
        "title:(breaker",
        "-",
        "***",
        "AND OR NOT",
        "(((",
    ] {
        index.search(query, &Filters::default(), 10).unwrap();
    }
    assert!(!search(&index, "\"unclosed circuit").is_empty());
    assert!(!search(&index, "title:(breaker").is_empty());
}

#[test]
fn chrome_print_page_and_index_copy_are_not_indexed() {
    let (_dir, index) = index();
    // Words only in the sidebar, the navigation, scripts, the print page,
    // the 404 page, edit links and Mermaid sources.
    for word in [
        "zebrafish",
        "quokka",
        "wombat",
        "sidebarchrome",
        "Edit",
        "Grinder",
    ] {
        assert!(
            search(&index, word).is_empty(),
            "{word}: {:#?}",
            urls(&search(&index, word))
        );
    }
    // index.html is a copy of the first chapter: one result, not two.
    let hits = search(&index, "interviews");
    assert_eq!(urls(&hits), vec!["intro.html"]);
    assert_eq!(index.manifest().pages, 3);
}

#[test]
fn code_is_indexed_apart_and_hidden_lines_left_out() {
    let (_dir, index) = index();
    let code = index
        .search(
            "idempotency",
            &Filters {
                kind: Some("code".into()),
                ..Filters::default()
            },
            10,
        )
        .unwrap();
    assert_eq!(code[0].id, "breaker::Breaker::call");
    assert_eq!(code[0].source, "code/breaker.rs");
    assert_eq!(code[0].line, Some(19));
    assert!(
        code[0]
            .code_excerpt
            .as_deref()
            .unwrap()
            .starts_with("pub fn call<T>")
    );
    // rustdoc's hidden lines (`fn main() {` around the excerpt) are not text.
    assert!(search(&index, "allow unused").is_empty());
}

#[test]
fn show_an_exercise_with_its_checklist_and_code() {
    let (_dir, index) = index();
    let entry = index.lookup("w01-circuit-breaker").unwrap().unwrap();
    assert!(entry.records.iter().all(|r| r.unit == Unit::Section));
    let headings: Vec<_> = entry
        .records
        .iter()
        .map(|r| r.heading_path.last().unwrap().as_str())
        .collect();
    assert_eq!(
        headings,
        vec![
            "Circuit breaker for payments",
            "The design",
            "Reference implementation",
            "Checklist"
        ]
    );
    assert_eq!(
        entry.records[0].source,
        "src/exercises/w01-circuit-breaker.md"
    );
    assert_eq!(entry.records[1].line, Some(5));
    assert!(
        matches!(&entry.records[2].blocks[0], Block::Code { lang, text } if lang == "rust" && text.starts_with("pub fn call"))
    );
    let checklist: Vec<_> = entry.records[3]
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Item {
                text,
                checkbox: true,
                ..
            } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        checklist,
        vec!["Write the breaker", "Test the half-open probes"]
    );
}

#[test]
fn show_a_week_lists_its_blocks_tasks_and_exercises() {
    let (_dir, index) = index();
    let entry = index.lookup("w01").unwrap().unwrap();
    let ids: Vec<_> = entry.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["w01", "w01-monday-tuesday", "w01-wednesday-thursday"]
    );
    let tasks: Vec<_> = entry.records[1]
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Item { id: Some(id), .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        tasks,
        vec![
            "w01-implement-circuit-breaker-pattern-go-coffee",
            "w01-study-saga-compensation-orders",
            "w01-circuit-breaker"
        ]
    );
    assert_eq!(
        entry.exercises,
        vec![(
            "w01-circuit-breaker".to_string(),
            "Circuit breaker for payments".to_string()
        )]
    );
}

#[test]
fn show_an_item_and_suggest_for_unknown_ids() {
    let (_dir, index) = index();
    let entry = index
        .lookup("w01-configure-redis-cluster-failover")
        .unwrap()
        .unwrap();
    assert_eq!(entry.records.len(), 1);
    assert_eq!(entry.records[0].unit, Unit::Item);
    assert_eq!(entry.records[0].line, Some(13));

    assert!(index.lookup("w01-circuit-braker").unwrap().is_none());
    let suggestions = index.suggest("w01-circuit-braker", 3).unwrap();
    assert_eq!(suggestions[0], "w01-circuit-breaker");
    assert!(
        index
            .suggest("circuit-breaker", 3)
            .unwrap()
            .contains(&"w01-circuit-breaker".to_string())
    );
    assert!(index.suggest("zzzzzzzz", 3).unwrap().is_empty());
}

#[test]
fn missing_and_stale_indexes_say_run_roadbook_build() {
    let dir = tempfile::tempdir().unwrap();
    let missing = SearchIndex::open(&dir.path().join("nope")).unwrap_err();
    assert!(matches!(missing, OpenError::Missing(_)));
    assert!(missing.to_string().starts_with("no search index at "));
    assert!(missing.to_string().ends_with(": run `roadbook build`"));

    let dest = dir.path().join("idx");
    build_index(&sources(&fixture()), &dest).unwrap();
    let manifest = std::fs::read_to_string(dest.join(MANIFEST)).unwrap();
    std::fs::write(
        dest.join(MANIFEST),
        manifest.replace("\"schema_version\": 1", "\"schema_version\": 0"),
    )
    .unwrap();
    let stale = SearchIndex::open(&dest).unwrap_err();
    assert!(
        matches!(stale, OpenError::Stale { found: 0, .. }),
        "{stale}"
    );
    assert!(stale.to_string().contains("stale"));
    assert!(stale.to_string().ends_with("run `roadbook build`"));
}

#[test]
fn the_api_reference_folder_is_not_indexed_as_pages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book-root");
    copy_dir(&fixture(), &root);
    for page in ["api/mini/struct.Quicksilver.html", "apiary.html"] {
        let file = root.join("book").join(page);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(
            &file,
            "<main><h1 id=\"q\">Quicksilver</h1><p>quicksilver</p></main>",
        )
        .unwrap();
    }
    let dest = root.join("search-index");
    build_index(&sources(&root), &dest).unwrap();
    // rustdoc's pages under api/ are left out (their items come from the
    // code); a page whose name only starts with "api" is a page.
    assert_eq!(
        urls(&search(&SearchIndex::open(&dest).unwrap(), "quicksilver")),
        vec!["apiary.html"]
    );
}

#[test]
fn rebuilding_replaces_the_index_and_keeps_its_readme() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book-root");
    copy_dir(&fixture(), &root);
    let dest = root.join("search-index");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::write(dest.join("README.md"), "kept\n").unwrap();
    build_index(&sources(&root), &dest).unwrap();
    assert!(search(&SearchIndex::open(&dest).unwrap(), "quicksilver").is_empty());

    // A new page appears; the rebuilt index finds it, the README stays.
    std::fs::write(
        root.join("book/new.html"),
        "<main><h1 id=\"new\">New</h1><p>quicksilver</p></main>",
    )
    .unwrap();
    build_index(&sources(&root), &dest).unwrap();
    assert_eq!(
        urls(&search(&SearchIndex::open(&dest).unwrap(), "quicksilver")),
        vec!["new.html"]
    );
    assert_eq!(
        std::fs::read_to_string(dest.join("README.md")).unwrap(),
        "kept\n"
    );
    // No temporary or old folders are left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A failed build (no book) leaves the previous index working.
    std::fs::remove_dir_all(root.join("book")).unwrap();
    let err = build_index(&sources(&root), &dest).unwrap_err();
    assert!(err.to_string().starts_with("no built book at "), "{err}");
    assert_eq!(
        urls(&search(&SearchIndex::open(&dest).unwrap(), "quicksilver")),
        vec!["new.html"]
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn flipped_bytes_in_any_index_file_are_reported_as_damage_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("idx");
    build_index(&sources(&fixture()), &dest).unwrap();
    let files: Vec<PathBuf> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x != "json" && x != "md" && x != "lock")
        })
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 16))
        .collect();
    assert!(files.len() >= 4, "{files:?}");
    for file in &files {
        let pristine = std::fs::read(file).unwrap();
        // At the start, in the middle, and in the footer of the file.
        for at in [0, pristine.len() / 2, pristine.len().saturating_sub(3)] {
            let mut bytes = pristine.clone();
            bytes[at] ^= 0xFF;
            std::fs::write(file, &bytes).unwrap();
            let outcome = std::panic::catch_unwind(|| {
                SearchIndex::open(&dest)
                    .map_err(|e| e.to_string())
                    .and_then(|index| {
                        index
                            .search("circuit breaker", &Filters::default(), 10)
                            .map_err(|e| e.to_string())
                    })
            });
            let Ok(result) = outcome else {
                panic!("{} with byte {at} flipped panicked", file.display());
            };
            let err = result.expect_err(&format!(
                "{} byte {at}: damage went unnoticed",
                file.display()
            ));
            assert!(err.contains("is damaged"), "{err}");
            assert!(err.ends_with("run `roadbook build`"), "{err}");
        }
        std::fs::write(file, &pristine).unwrap();
    }
    assert!(SearchIndex::open(&dest).is_ok(), "restored");
}

#[test]
fn a_search_limit_beyond_the_maximum_is_capped_not_allocated() {
    let (_dir, index) = index();
    let hits = index
        .search("circuit", &Filters::default(), usize::MAX)
        .unwrap();
    assert!(!hits.is_empty() && hits.len() <= roadbook_search::MAX_LIMIT);
}

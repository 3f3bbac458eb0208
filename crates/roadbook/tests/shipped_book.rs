//! The shipped roadmap built into a book, read as a learner reads it: every
//! word of roadmap.md is on some generated page, and no page shows markup
//! debris (literal `**`) or double-encoded text.

mod common;

use std::process::Command;

use scraper::{Html, Selector};

/// The text a reader sees in the `<main>` of each generated page.
fn generated_page_texts(book: &std::path::Path) -> Vec<(String, String)> {
    let main = Selector::parse("main").unwrap();
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(book).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry
            .path()
            .strip_prefix(book)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let generated = [
            "index.html",
            "overview.html",
            "milestones.html",
            "metrics.html",
            "tracks.html",
            "certification.html",
            "exercises/index.html",
        ]
        .contains(&path.as_str())
            || path.starts_with("weeks/")
            || path.starts_with("phases/");
        if !generated {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
        let text: String = html
            .select(&main)
            .flat_map(|m| m.text())
            .collect::<Vec<_>>()
            .join(" ");
        pages.push((path, text));
    }
    pages
}

#[test]
fn every_word_of_the_roadmap_is_published_and_nothing_is_garbled() {
    let dir = common::shipped_book();
    let output = Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .arg("--root")
        .arg(dir.path())
        .args(["build", "-q", "--no-api-docs"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let pages = generated_page_texts(&dir.path().join("book"));
    assert!(
        pages.len() >= 12 + 6 + 5,
        "week, phase and part pages: {:?}",
        pages.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    for (path, text) in &pages {
        assert!(!text.contains("**"), "{path} shows literal asterisks");
        assert_eq!(
            roadmap::find_mojibake(text),
            vec![],
            "{path} shows double-encoded text"
        );
    }

    let published: String = pages
        .iter()
        .map(|(_, text)| text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let roadmap = std::fs::read_to_string(dir.path().join("roadmap.md")).unwrap();
    let missing: Vec<&str> = roadmap
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && !published.contains(word))
        .collect();
    assert_eq!(
        missing,
        Vec::<&str>::new(),
        "words of roadmap.md on no generated page"
    );
}

//! `mdbook-roadbook`, the standalone preprocessor, spoken to as mdBook does:
//! `supports RENDERER`, then the JSON `[context, book]` on stdin.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use mdbook_preprocessor::book::{Book, BookItem};

fn preprocessor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mdbook-roadbook"))
}

/// Runs `mdbook-roadbook` on the book at `root` as mdBook does: the book as
/// mdBook loads it, with its context, as JSON on stdin.
fn send_book(root: &std::path::Path) -> std::process::Output {
    let md = mdbook_driver::MDBook::load(root).unwrap();
    let ctx = mdbook_preprocessor::PreprocessorContext::new(
        root.to_path_buf(),
        md.config.clone(),
        "html".to_owned(),
    );
    let input = serde_json::to_string(&(&ctx, &md.book)).unwrap();
    let mut child = preprocessor()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn it_supports_html_only() {
    let html = preprocessor().args(["supports", "html"]).status().unwrap();
    assert_eq!(html.code(), Some(0));
    let other = preprocessor()
        .args(["supports", "markdown"])
        .status()
        .unwrap();
    assert_eq!(other.code(), Some(1));
}

/// The book mdBook sends comes back with the generated pages in front and
/// the exercise page moved under its week.
#[test]
fn it_adds_the_generated_pages_to_the_book_mdbook_sends() {
    let root = tempfile::tempdir().unwrap();
    let book_toml = "[book]\ntitle = \"P\"\n\n[preprocessor.roadbook]\ncommand = \"mdbook-roadbook\"\nmissing-exercise-page = \"warning\"\n";
    std::fs::write(root.path().join("book.toml"), book_toml).unwrap();
    std::fs::write(
        root.path().join("roadmap.md"),
        "# Plan\n\n### Week 1: Start\n**Mon: Setup**\n- [x] Install the tools\n- [ ] **Exercise**: Write a parser\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.path().join("src/exercises")).unwrap();
    std::fs::write(
        root.path().join("src/SUMMARY.md"),
        "# Summary\n\n- [Parser](exercises/w01-write-parser.md)\n",
    )
    .unwrap();
    std::fs::write(
        root.path().join("src/exercises/w01-write-parser.md"),
        "# Parser\n\nWrite it.\n",
    )
    .unwrap();

    let output = send_book(root.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let book: Book = serde_json::from_slice(&output.stdout).unwrap();

    let paths: Vec<String> = book
        .iter()
        .filter_map(|item| match item {
            BookItem::Chapter(c) => c.path.as_ref().map(|p| p.display().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        paths,
        [
            "overview.md",
            "plan.md",
            "phases/weeks-01-01.md",
            "weeks/week-01.md",
            "exercises/w01-write-parser.md",
            "exercises/index.md",
        ]
    );
    let mut week = String::new();
    for item in book.iter() {
        if let BookItem::Chapter(c) = item
            && c.path.as_deref() == Some(std::path::Path::new("weeks/week-01.md"))
        {
            week = c.content.clone();
        }
    }
    assert!(
        week.contains(r#"data-progress-id="w01-install-tools" checked>"#),
        "{week}"
    );
}

/// Roadmap errors fail the run, so mdBook stops the build.
#[test]
fn errors_in_the_roadmap_fail_it() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("book.toml"), "[book]\ntitle = \"P\"\n").unwrap();
    std::fs::write(root.path().join("roadmap.md"), "").unwrap();
    std::fs::create_dir_all(root.path().join("src")).unwrap();
    std::fs::write(root.path().join("src/SUMMARY.md"), "# Summary\n").unwrap();
    let output = send_book(root.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the roadmap is empty"), "{stderr}");
}

/// A book built by mdBook with `mdbook-roadbook` as its roadbook
/// preprocessor (`extra` added to that table) and `roadmap`.
fn book_with_the_preprocessor(extra: &str, roadmap: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let command = env!("CARGO_BIN_EXE_mdbook-roadbook").replace('\\', "/");
    std::fs::write(
        root.path().join("book.toml"),
        format!(
            "[book]\ntitle = \"P\"\n\n[preprocessor.roadbook]\ncommand = \"{command}\"\n{extra}"
        ),
    )
    .unwrap();
    std::fs::write(root.path().join("roadmap.md"), roadmap).unwrap();
    std::fs::create_dir_all(root.path().join("src")).unwrap();
    std::fs::write(root.path().join("src/SUMMARY.md"), "# Summary\n").unwrap();
    root
}

/// A plain mdBook build (mdbook-driver, as the `mdbook` CLI runs it) with
/// `command = "mdbook-roadbook"` gets the generated pages, and roadmap text
/// stays text: mdBook orders its `links` before `roadbook`.
#[test]
fn a_plain_mdbook_build_with_it_has_the_generated_pages_and_roadmap_text_stays_text() {
    let root = book_with_the_preprocessor(
        "",
        "# Plan\n\n### Week 1: Start\n**Mon: Setup**\n- [ ] Read {{#include /etc/hostname}} as text\n",
    );
    mdbook_driver::MDBook::load(root.path())
        .unwrap()
        .build()
        .unwrap();
    let week = std::fs::read_to_string(root.path().join("book/weeks/week-01.html")).unwrap();
    assert!(week.contains("data-progress-id=\"w01-"), "{week}");
    assert!(
        week.contains("Read {{#include /etc/hostname}} as text"),
        "{week}"
    );
}

/// Run before `links`, roadmap text would be expanded: refused, saying why.
#[test]
fn it_refuses_to_run_before_links() {
    let root = book_with_the_preprocessor(
        "before = [\"links\"]\n",
        "# Plan\n\n### Week 1: Start\n**Mon: Setup**\n- [ ] Set up\n",
    );
    let output = send_book(root.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("must run after mdBook's `links`"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "no book is written back");
}

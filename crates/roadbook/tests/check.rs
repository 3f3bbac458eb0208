//! `roadbook check` (and `build`) on broken books: the exit code, and the
//! diagnostic as a contributor reads it, one snapshot per kind of problem.
//!
//! Each `fixtures/broken/NAME.md` is a roadmap with one problem; the test
//! puts it in a minimal book and runs the real binary.

mod common;

use common::roadbook;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A book in a temporary folder whose roadmap is `roadmap` (raw bytes).
fn book_with(roadmap: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"Broken\"\n\n[preprocessor.roadbook]\noptional = true\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("roadmap.md"), roadmap).unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/SUMMARY.md"), "# Summary\n").unwrap();
    dir
}

/// Runs `check` on `fixtures/broken/NAME.md`; returns the exit code and
/// what it printed on stderr.
fn check_broken(name: &str) -> (i32, String) {
    let roadmap = std::fs::read(fixtures().join(format!("broken/{name}.md"))).unwrap();
    let book = book_with(&roadmap);
    let output = roadbook(book.path(), &["check"]);
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[track_caller]
fn assert_broken(name: &str, code: i32) {
    let (exit, stderr) = check_broken(name);
    assert_eq!(exit, code, "exit code of check on {name}:\n{stderr}");
    insta::assert_snapshot!(name, stderr);
}

#[test]
fn duplicate_id() {
    assert_broken("duplicate-id", 1);
}

#[test]
fn id_collision() {
    assert_broken("id-collision", 1);
}

#[test]
fn invalid_id() {
    assert_broken("invalid-id", 1);
}

#[test]
fn week_order() {
    assert_broken("week-order", 1);
}

#[test]
fn missing_week() {
    assert_broken("missing-week", 1);
}

#[test]
fn empty_block() {
    assert_broken("empty-block", 0);
}

#[test]
fn missing_exercise_page() {
    assert_broken("missing-exercise-page", 1);
}

#[test]
fn malformed_emphasis() {
    assert_broken("malformed-emphasis", 0);
}

#[test]
fn mojibake() {
    assert_broken("mojibake", 0);
}

#[test]
fn not_utf8() {
    assert_broken("not-utf8", 1);
}

#[test]
fn empty_file() {
    assert_broken("empty-file", 1);
}

#[test]
fn week_outside_phase() {
    assert_broken("week-outside-phase", 0);
}

#[test]
fn exercise_page_problems() {
    let output = roadbook(&fixtures().join("books/exercise-pages"), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(output.stderr).unwrap());
}

/// The book.toml setting that lowers a missing page to a warning while the
/// pages are being written.
#[test]
fn missing_pages_can_be_lowered_to_warnings() {
    let roadmap = std::fs::read(fixtures().join("broken/missing-exercise-page.md")).unwrap();
    let book = book_with(&roadmap);
    let toml = book.path().join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "missing-exercise-page = \"warning\"\n";
    std::fs::write(&toml, text).unwrap();
    let output = roadbook(book.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("warning[missing-exercise-page]"));
    let output = roadbook(book.path(), &["check", "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn json_and_github_formats() {
    let (_, _) = check_broken("missing-week");
    let roadmap = std::fs::read(fixtures().join("broken/missing-week.md")).unwrap();
    let book = book_with(&roadmap);
    let output = roadbook(book.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json[0]["code"], "missing-week");
    assert_eq!(json[0]["file"], "roadmap.md");
    assert_eq!(json[0]["span"]["line"], 8);
    let output = roadbook(book.path(), &["check", "--format", "github"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("::error file=roadmap.md,line=8,col=1,title=roadbook missing-week::week 2 is missing before week 3"), "{stdout}");
}

/// A broken roadmap stops the build before anything is written, and the
/// previous book stays as it was.
#[test]
fn build_refuses_a_broken_roadmap_and_keeps_the_last_book() {
    let roadmap = std::fs::read(fixtures().join("broken/duplicate-id.md")).unwrap();
    let book = book_with(&roadmap);
    let previous = book.path().join("book/index.html");
    std::fs::create_dir_all(previous.parent().unwrap()).unwrap();
    std::fs::write(&previous, "the last good build").unwrap();
    let output = roadbook(book.path(), &["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("error[duplicate-id]"));
    assert_eq!(
        std::fs::read_to_string(previous).unwrap(),
        "the last good build"
    );
}

#[test]
fn a_missing_book_toml_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = roadbook(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("error: cannot read "), "{stderr}");
    assert!(
        stderr.contains("run roadbook from the book's root or pass --root DIR"),
        "{stderr}"
    );
}

#[test]
fn the_model_carries_ids() {
    let roadmap = std::fs::read(fixtures().join("broken/empty-block.md")).unwrap();
    let book = book_with(&roadmap);
    let output = roadbook(book.path(), &["model"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let week = &json["phases"][0]["weeks"][0];
    assert_eq!(week["id"], "w01");
    assert_eq!(week["blocks"][0]["items"][0]["id"], "w01-read-guide");
}

/// A pull request that rewords an item changes its ID; `--base` with the
/// roadmap of the main branch catches it.
#[test]
fn changed_ids_against_a_base_roadmap() {
    let base = b"# Plan\n\n### Week 1: Basics\n\n**Monday: Start**\n- [ ] Read the guide\n- [ ] Write notes\n";
    let changed = String::from_utf8_lossy(base).replace("Read the guide", "Read the whole guide");
    let book = book_with(changed.as_bytes());
    std::fs::write(book.path().join("base.md"), base).unwrap();
    let output = roadbook(
        book.path(),
        &[
            "check",
            "--base",
            book.path().join("base.md").to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    insta::assert_snapshot!(stderr);
}

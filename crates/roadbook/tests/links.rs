//! `roadbook check --links` on built fixture books: a book whose links all
//! resolve passes and lists its external links; each kind of broken link is
//! reported at the line of the Markdown it was written on.
//!
//! Each test copies `fixtures/links-NAME/` into a temporary folder, builds it
//! with the real binary, then runs the link check.

mod common;

use common::copy_dir;
use common::roadbook;

use std::path::Path;

fn fixture(name: &str) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/links-{name}"));
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&from, dir.path());
    dir
}

/// The fixture `name`, built.
fn built(name: &str) -> tempfile::TempDir {
    let book = fixture(name);
    let output = roadbook(book.path(), &["build", "-q"]);
    assert!(
        output.status.success(),
        "build of links-{name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    book
}

#[test]
fn a_book_whose_links_resolve_passes_and_lists_external_links() {
    let book = built("ok");
    let output = roadbook(book.path(), &["check", "--links"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("broken-link"), "{stderr}");
    assert!(
        stderr
            .contains("external links (listed, not fetched):\n  https://www.rust-lang.org/ (1×)\n"),
        "{stderr}"
    );
    assert!(stderr.contains(", 0 broken, 1 external URLs"), "{stderr}");
}

#[test]
fn broken_links_are_errors_at_their_markdown_line() {
    let book = built("broken");
    let output = roadbook(book.path(), &["check", "--links", "-q"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(output.stderr).unwrap());
}

#[test]
fn broken_links_become_github_annotations() {
    let book = built("broken");
    let output = roadbook(
        book.path(),
        &["check", "--links", "-q", "--format", "github"],
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("broken-link"))
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for (file, line) in [
        ("src/exercises/w01-build-circuit-breaker.md", 4),
        ("src/guide.md", 5),
        ("roadmap.md", 7),
    ] {
        let at = format!("::error file={file},line={line},");
        assert!(
            lines.iter().any(|l| l.starts_with(&at)),
            "{at} in\n{stdout}"
        );
    }
}

#[test]
fn without_links_the_built_book_is_not_read() {
    let book = fixture("broken");
    let output = roadbook(book.path(), &["check", "-q"]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn checking_links_of_an_unbuilt_book_says_to_build_first() {
    let book = fixture("ok");
    let output = roadbook(book.path(), &["check", "--links"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("run `roadbook build` first"), "{stderr}");
}

/// Links into the API reference are checked like every other link: one to
/// a page rustdoc did not write is broken, one to a page it wrote is fine.
#[test]
fn api_links_are_checked_like_any_other() {
    let book = fixture("ok");
    let guide = book.path().join("src/guide.md");
    let text =
        std::fs::read_to_string(&guide).unwrap() + "\nSee [the API](api/demo/retry/index.html).\n";
    std::fs::write(&guide, text).unwrap();
    let output = roadbook(book.path(), &["build", "-q"]);
    assert!(output.status.success());

    let output = roadbook(book.path(), &["check", "--links", "-q"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[broken-link]: broken link `api/demo/retry/index.html`"),
        "{stderr}"
    );

    let api = book.path().join("book/api/demo/retry");
    std::fs::create_dir_all(&api).unwrap();
    std::fs::write(api.join("index.html"), "<p>retry</p>").unwrap();
    let output = roadbook(book.path(), &["check", "--links"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("not checked"), "{stderr}");
}

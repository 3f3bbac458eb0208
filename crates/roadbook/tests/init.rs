//! `roadbook init` through the binary: the book it writes builds and checks
//! clean at once, with and without reference code, and an existing book is
//! never overwritten.

mod common;

use std::path::Path;

use common::roadbook;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `roadbook ARGS` in `root` and asserts it succeeded with nothing on
/// stderr that looks like a problem; returns its stderr.
#[track_caller]
fn clean(root: &Path, args: &[&str]) -> String {
    let output = roadbook(root, args);
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "roadbook {args:?}:\n{stderr}"
    );
    assert!(
        !stderr.contains("warning") && !stderr.contains("error"),
        "roadbook {args:?}:\n{stderr}"
    );
    stderr
}

#[test]
fn a_new_book_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path(), &["init", "my-plan"]);
    let book = dir.path().join("my-plan");
    for file in [
        "book.toml",
        "roadmap.md",
        "src/SUMMARY.md",
        "src/about.md",
        "src/exercises/w01-count-words-text.md",
        "theme/progress.js",
        "theme/mermaid.min.js",
        "theme/.roadbook-copies",
        "diagrams/weeks-01-02.mmd",
        ".github/workflows/pull-request.yml",
        ".github/workflows/deploy.yml",
    ] {
        assert!(book.join(file).is_file(), "{file} is missing");
    }
    assert!(
        !book.join("Cargo.toml").exists(),
        "no code without --with-code"
    );
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    assert!(toml.contains("title = \"My Plan\""), "{toml}");

    clean(&book, &["check"]);
    clean(&book, &["build"]);
    clean(&book, &["check", "--links"]);
    let week = std::fs::read_to_string(book.join("book/weeks/week-01.html")).unwrap();
    assert!(
        week.contains(r#"data-progress-id="w01-write-run-hello-world" checked=""#),
        "the ticked task starts ticked"
    );
    assert!(
        week.contains(r#"href="../exercises/w01-count-words-text.html""#),
        "the exercise is linked from its week"
    );
    let phase = std::fs::read_to_string(book.join("book/phases/weeks-01-02.html")).unwrap();
    assert!(phase.contains("class=\"mermaid\""), "the diagram is drawn");
    assert!(book.join("book/tracks.html").is_file());
    assert!(book.join("book/milestones.html").is_file());
    assert!(book.join("search-index").is_dir());
}

/// A book started with an older roadbook: its unedited copies of the theme
/// scripts become this version's on the next build (the data they read
/// changes with roadbook), an edited one is kept with a warning.
#[test]
fn upgrading_roadbook_updates_its_unedited_theme_copies() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path(), &["init", "plan"]);
    let book = dir.path().join("plan");
    let old = "// progress.js as an older roadbook wrote it\n";
    let edited = "// the author's store.js\n";
    std::fs::write(book.join("theme/progress.js"), old).unwrap();
    std::fs::write(book.join("theme/store.js"), edited).unwrap();
    // The record (sha256sum's format, which init wrote) now says roadbook
    // wrote `old`.
    let record = std::fs::read_to_string(book.join("theme/.roadbook-copies")).unwrap();
    let record: String = record
        .lines()
        .map(|line| {
            if line.ends_with("  theme/progress.js") {
                format!("{}  theme/progress.js\n", sha256_hex(old.as_bytes()))
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    std::fs::write(book.join("theme/.roadbook-copies"), record).unwrap();

    let output = roadbook(&book, &["build"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "theme/progress.js was roadbook's copy from another version, unedited: replaced"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("theme/store.js is your edit of roadbook's copy, kept"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(book.join("theme/progress.js")).unwrap(),
        include_bytes!("../../../theme/progress.js"),
        "this version's script"
    );
    assert_eq!(
        std::fs::read_to_string(book.join("theme/store.js")).unwrap(),
        edited
    );
    // Once updated, the next build is quiet about it.
    let again = text(&roadbook(&book, &["build"]).stderr);
    assert!(!again.contains("progress.js"), "{again}");
}

/// SHA-256 in hex, through the `sha256sum` the record's format comes from.
fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum runs");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn init_refuses_to_overwrite_a_book() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path(), &["init", "b"]);
    let roadmap = dir.path().join("b/roadmap.md");
    std::fs::write(&roadmap, "# Mine\n").unwrap();
    let output = roadbook(dir.path(), &["init", "b"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("already holds a book"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&roadmap).unwrap(), "# Mine\n");

    // A folder with other files of the starter is refused too, file named.
    let other = dir.path().join("c/src");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("about.md"), "mine").unwrap();
    let output = roadbook(dir.path(), &["init", "c"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("about.md exists"), "{stderr}");
    assert!(
        !dir.path().join("c/book.toml").exists(),
        "nothing was written"
    );
}

/// With `--with-code`: a Cargo workspace with one tested module; the build
/// documents it under api/, the exercise page links to its module, and the
/// link check finds every API link.
#[test]
fn a_new_book_with_code_has_its_api_reference() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path(), &["init", "coded", "--with-code"]);
    let book = dir.path().join("coded");
    // The pull-request workflow runs `cargo test --locked`: the lock file
    // comes with the book, up to date.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let lock = std::fs::read_to_string(book.join("Cargo.lock")).unwrap();
    let metadata = std::process::Command::new(cargo)
        .current_dir(&book)
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .output()
        .unwrap();
    assert!(metadata.status.success(), "{}", text(&metadata.stderr));
    assert_eq!(
        std::fs::read_to_string(book.join("Cargo.lock")).unwrap(),
        lock,
        "cargo left the lock file as init wrote it"
    );
    clean(&book, &["check"]);
    let stderr = clean(&book, &["build"]);
    assert!(stderr.contains("Documented"), "{stderr}");
    assert!(
        book.join("book/api/reference_code/words/index.html")
            .is_file()
    );
    let page =
        std::fs::read_to_string(book.join("book/exercises/w01-count-words-text.html")).unwrap();
    assert!(
        page.contains(r#"href="../api/reference_code/words/index.html""#),
        "the page links to its module's rustdoc"
    );
    let links = clean(&book, &["check", "--links"]);
    assert!(links.contains("0 broken"), "{links}");
    // A second build reuses cargo doc's output.
    let again = clean(&book, &["build"]);
    assert!(again.contains("up to date"), "{again}");
    assert!(book.join("book/api/index.html").is_file());
}

//! The binary against hostile and clumsy input, as CI would meet it: roadmap
//! text that tries to be HTML or an mdBook directive, pages that include
//! files outside the book, builds that fail or are killed half-way, damaged
//! indexes, absurd arguments, odd line endings. Each test is named after
//! what it guards; the fixture books are in `fixtures/books/`.

mod common;

use common::{copy_dir, roadbook};

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

/// A copy of the fixture book `name` in a temporary folder.
fn book(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/books")
        .join(name);
    copy_dir(&from, dir.path());
    dir
}

/// A book with `roadmap` (raw bytes) and an empty SUMMARY.md.
fn book_with(roadmap: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"T\"\n\n[preprocessor.roadbook]\noptional = true\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("roadmap.md"), roadmap).unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/SUMMARY.md"), "# Summary\n").unwrap();
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[track_caller]
fn assert_no_panic(output: &Output) {
    let err = stderr(output);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(output.status.code(), Some(101), "{err}");
    assert!(output.status.code().is_some(), "killed by a signal: {err}");
}

/// The text of the first line of /etc/passwd, which must never be published.
fn passwd_secret() -> Option<String> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().next().map(str::to_owned)
}

// ---- Panics ----------------------------------------------------------------

#[test]
fn an_eleven_byte_roadmap_does_not_panic_any_command() {
    let root = book_with(b"## Week\n#\n-");
    for args in [
        &["check"][..],
        &["model"],
        &["check", "--coverage"],
        &["build"],
    ] {
        let output = roadbook(root.path(), args);
        assert_no_panic(&output);
        assert!(
            output.status.success(),
            "{args:?}: {}{}",
            stderr(&output),
            stdout(&output)
        );
    }
}

#[test]
fn a_blockquote_nested_2000_deep_is_an_error_at_its_line_not_a_stack_overflow() {
    let roadmap = format!(
        "# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task\n\n{} deep\n",
        ">".repeat(2000)
    );
    let root = book_with(roadmap.as_bytes());
    for command in ["check", "build"] {
        let output = roadbook(root.path(), &[command]);
        assert_no_panic(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{command}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("error[too-deep]"),
            "{}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("roadmap.md:8:"),
            "{}",
            stderr(&output)
        );
    }
    assert!(!root.path().join("book").exists());

    // The same in a hand-written page, and for lists.
    let root = book_with(b"# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task\n");
    let lists: String = (0..3000)
        .map(|i| format!("{}- x\n", " ".repeat(2 * i)))
        .collect();
    std::fs::write(
        root.path().join("src/SUMMARY.md"),
        "# Summary\n\n- [Deep](deep.md)\n",
    )
    .unwrap();
    std::fs::write(
        root.path().join("src/deep.md"),
        format!("# Deep\n\n{lists}"),
    )
    .unwrap();
    let output = roadbook(root.path(), &["build"]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("src/deep.md:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_playground_directive_in_a_heading_of_a_written_page_fails_the_build_cleanly() {
    let root = book("playground-in-heading");
    let output = roadbook(root.path(), &["build"]);
    assert_no_panic(&output);
    if output.status.success() {
        // mdBook rendered it: the page is there.
        assert!(root.path().join("book/play.html").exists());
    } else {
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("mdBook"), "{}", stderr(&output));
        assert!(!root.path().join("book").exists(), "nothing published");
    }
}

#[test]
fn a_huge_search_limit_and_other_bad_numbers_are_usage_errors() {
    let root = book_with(b"# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task\n");
    for args in [
        &["search", "--limit", "999999999", "x"][..],
        &["search", "--limit", "0", "x"],
        &["search", "--week", "5-3", "x"],
        &["search", "--week", "99999999999999999999", "x"],
        &["serve", "--port", "70000"],
    ] {
        let output = roadbook(root.path(), args);
        assert_no_panic(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("error: invalid value"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let output = roadbook(root.path(), &["search", "--limit", "999999999", "x"]);
    assert!(stderr(&output).contains("1..=10000"), "{}", stderr(&output));
}

#[test]
fn a_damaged_search_index_is_reported_with_what_to_run() {
    let root = book_with(b"# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] circuit breaker task\n");
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let index = root.path().join("search-index");
    let output = roadbook(root.path(), &["search", "circuit"]);
    assert!(output.status.success(), "{}", stderr(&output));

    // Flip bytes in the middle of every file tantivy and fst wrote.
    let pristine = tempfile::tempdir().unwrap();
    copy_dir(&index, pristine.path());
    let mut flipped = 0;
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") || name.starts_with('.') || name == "README.md" {
            continue;
        }
        let mut bytes = std::fs::read(&path).unwrap();
        if bytes.len() < 8 {
            continue;
        }
        let middle = bytes.len() / 2;
        for byte in &mut bytes[middle..middle + 4] {
            *byte ^= 0xA5;
        }
        std::fs::write(&path, bytes).unwrap();
        flipped += 1;
    }
    assert!(flipped >= 3, "index files were damaged");
    for args in [&["search", "circuit"][..], &["show", "w01"]] {
        let output = roadbook(root.path(), args);
        assert_no_panic(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let err = stderr(&output);
        assert!(err.contains("the search index at"), "{err}");
        assert!(err.contains("is damaged"), "{err}");
        assert!(err.contains("run `roadbook build`"), "{err}");
    }
}

// ---- Escapes ---------------------------------------------------------------

#[test]
fn roadmap_text_with_directives_and_html_is_published_as_text() {
    let root = book("roadmap-text-is-data");
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The javascript: link is warned about at its line.
    assert!(
        stderr(&output).contains("warning[unsafe-link]: roadmap.md:7:1"),
        "{}",
        stderr(&output)
    );
    let secret = passwd_secret();
    for page in [
        "book/overview.html",
        "book/index.html",
        "book/print.html",
        "book/weeks/week-01.html",
    ] {
        let html = read(root.path(), page);
        if let Some(secret) = &secret {
            assert!(
                !html.contains(secret.as_str()),
                "{page} includes /etc/passwd"
            );
        }
        assert!(
            !html.contains("<script>alert"),
            "{page} runs roadmap script"
        );
        assert!(!html.contains("<img src=\"x\""), "{page}");
        assert!(!html.contains("<img src=x"), "{page}");
        assert!(!html.contains("onclick=\""), "{page}");
        assert!(!html.to_lowercase().contains("href=\"javascript"), "{page}");
        assert!(
            !html.contains("<title>Pwned"),
            "{page} took its title from roadmap text"
        );
        assert!(!html.contains("<title>Also pwned"), "{page}");
    }
    let week = read(root.path(), "book/weeks/week-01.html");
    assert!(
        week.contains("Read {{#include /etc/passwd}} and &lt;script&gt;"),
        "{week}"
    );
    assert!(
        week.contains("{{#rustdoc_include ../../../../../../etc/passwd}}"),
        "{week}"
    );
    assert!(
        week.contains("{{#playground ../../../../etc/hostname}}"),
        "{week}"
    );
    assert!(week.contains("&lt;script&gt;alert("), "{week}");
    let overview = read(root.path(), "book/overview.html");
    assert!(
        overview.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{overview}"
    );
    assert!(overview.contains("{{#include /etc/passwd}}"), "{overview}");
    assert!(
        overview.contains("href=\"https://example.org\""),
        "{overview}"
    );
    assert!(
        overview.contains("[a link](javascript:alert(1))"),
        "{overview}"
    );
    let other = std::fs::read_dir(root.path().join("book/notes"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(
        other.contains("&lt;img src=y onerror=alert(2)&gt;"),
        "{other}"
    );

    // mdBook's own search index and ours hold the text, not the file.
    if let Some(secret) = &secret {
        for entry in walkdir::WalkDir::new(root.path().join("book"))
            .into_iter()
            .chain(walkdir::WalkDir::new(root.path().join("search-index")))
        {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).unwrap();
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(secret.as_str()),
                    "{} holds /etc/passwd",
                    entry.path().display()
                );
            }
        }
    }
    let output = roadbook(root.path(), &["search", "passwd", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("{{#include /etc/passwd}}"),
        "{}",
        stdout(&output)
    );
}

/// `--emit-sources` writes chapters for plain mdBook, whose `links`
/// preprocessor runs again on them: roadmap text must stay text there too.
#[test]
fn emitted_sources_keep_roadmap_directives_as_text_for_plain_mdbook() {
    let root = book("roadmap-text-is-data");
    let output = roadbook(root.path(), &["build", "--emit-sources", "emitted"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut plain = mdbook_driver::MDBook::load(root.path().join("emitted")).unwrap();
    plain.config.build.build_dir = root.path().join("plain");
    plain.build().unwrap();
    let week = read(root.path(), "plain/weeks/week-01.html");
    assert!(week.contains("{{#include /etc/passwd}}"), "{week}");
    assert!(
        week.contains("{{#playground ../../../../etc/hostname}}"),
        "{week}"
    );
    if let Some(secret) = passwd_secret() {
        assert!(
            !week.contains(secret.as_str()),
            "plain mdBook included /etc/passwd"
        );
    }
}

#[test]
fn an_include_outside_the_book_is_an_error_at_its_line_and_the_build_refuses_it() {
    let root = book("include-outside-book");
    let output = roadbook(root.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("error[include-outside-book]"), "{err}");
    assert!(err.contains("src/outside.md:4:1"), "{err}");
    assert!(err.contains("src/outside.md:6:19"), "{err}");
    let output = roadbook(root.path(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!root.path().join("book").exists(), "nothing was built");
}

#[cfg(unix)]
#[test]
fn an_include_through_a_symlink_out_of_the_book_is_refused() {
    let root = book("include-outside-book");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.path().join("src/link.txt"),
    )
    .unwrap();
    std::fs::write(
        root.path().join("src/outside.md"),
        "# Outside\n\n{{#include link.txt}}\n",
    )
    .unwrap();
    let output = roadbook(root.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let found = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "include-outside-book")
        .expect("reported");
    assert_eq!(found["file"], "src/outside.md");
    assert_eq!(found["span"]["line"], 3);
    assert!(
        found["label"].as_str().unwrap().contains("symlink"),
        "{found}"
    );
}

// ---- Data ------------------------------------------------------------------

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_missing_include_fails_the_build_and_keeps_the_previous_book() {
    let root = book("include-cycle");
    std::fs::write(
        root.path().join("src/cycle.md"),
        "# Cycle\n\nNo include yet.\n",
    )
    .unwrap();
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let before = files(&root.path().join("book"));

    std::fs::write(
        root.path().join("src/cycle.md"),
        "# Cycle\n\n{{#include missing.rs}}\n",
    )
    .unwrap();
    let output = roadbook(root.path(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("error[include-missing]"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("src/cycle.md:3:1"),
        "{}",
        stderr(&output)
    );
    assert!(
        files(&root.path().join("book")) == before,
        "book/ was replaced"
    );
}

#[test]
fn an_error_mdbook_only_logs_fails_the_build_and_keeps_the_previous_book() {
    let root = book("include-cycle");
    std::fs::write(
        root.path().join("src/cycle.md"),
        "# Cycle\n\nNo include yet.\n",
    )
    .unwrap();
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let before = files(&root.path().join("book"));
    let index_before = files(&root.path().join("search-index"));

    // mdBook logs "Stack depth exceeded" for a page that includes itself
    // and, left alone, builds on.
    std::fs::write(
        root.path().join("src/cycle.md"),
        "# Cycle\n\nThis page includes itself:\n\n{{#include cycle.md}}\n",
    )
    .unwrap();
    let output = roadbook(root.path(), &["build"]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("error: mdBook:"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("was left as it was"),
        "{}",
        stderr(&output)
    );
    assert!(
        files(&root.path().join("book")) == before,
        "book/ was replaced"
    );
    assert!(files(&root.path().join("search-index")) == index_before);
}

#[test]
fn leftovers_of_killed_builds_are_removed_by_the_next_build() {
    let root = book_with(b"# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task\n");
    // What builds killed at each stage leave (no process has these ids).
    let dead = u32::MAX - 1;
    for leftover in [
        format!(".book.building-{dead}-a1B2c3"),
        format!(".book.old-{dead}-a1B2c3"),
        ".book.building-x7Yz9Q".to_owned(),
        format!(".search-index.tmp-{dead}"),
        format!(".search-index.old-{dead}"),
    ] {
        let dir = root.path().join(leftover).join("sub");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "half").unwrap();
    }
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut left: Vec<String> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["book", "book.toml", "roadmap.md", "search-index", "src"]
    );
}

#[test]
fn a_build_killed_between_book_and_index_leaves_search_saying_stale() {
    let root = book_with(b"# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] alpha task\n");
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = roadbook(root.path(), &["search", "alpha"]);
    assert!(!stderr(&output).contains("stale"), "{}", stderr(&output));
    let first_index = tempfile::tempdir().unwrap();
    copy_dir(&root.path().join("search-index"), first_index.path());

    // A second build whose index never made it: its book beside the first
    // build's index.
    std::fs::write(
        root.path().join("roadmap.md"),
        "# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] beta task\n",
    )
    .unwrap();
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    std::fs::remove_dir_all(root.path().join("search-index")).unwrap();
    copy_dir(first_index.path(), &root.path().join("search-index"));
    let output = roadbook(root.path(), &["search", "alpha"]);
    assert!(
        stderr(&output).contains("the search index is stale"),
        "{}",
        stderr(&output)
    );
}

// ---- Output ----------------------------------------------------------------

#[test]
fn cr_only_line_endings_give_the_lines_lf_gives() {
    let lf = "# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task\n\n### Week 3: Three\n\n**Mon: B**\n- [ ] x\n";
    let run = |source: &str| {
        let root = book_with(source.as_bytes());
        let output = roadbook(root.path(), &["check"]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stderr(&output)
    };
    let expected = run(lf);
    assert!(expected.contains("roadmap.md:8:1"), "{expected}");
    assert_eq!(run(&lf.replace('\n', "\r\n")), expected, "CRLF");
    let cr = run(&lf.replace('\n', "\r"));
    assert_eq!(cr, expected, "CR only");
    insta::assert_snapshot!("cr-only-line-endings", cr);
}

#[test]
fn a_long_line_is_shown_cut_around_the_span() {
    // One 139 KB line holding many problems.
    let mut roadmap = String::from("# Plan\n\n");
    while roadmap.len() < 139_000 {
        roadmap.push_str("Some words and [a bad link](javascript:void(0)) ");
    }
    let root = book_with(roadmap.as_bytes());
    let started = Instant::now();
    let output = roadbook(root.path(), &["check"]);
    assert_no_panic(&output);
    let err = stderr(&output);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let warnings = err.matches("warning[unsafe-link]").count();
    assert!(warnings > 2000, "{warnings}");
    assert!(
        err.len() < warnings * 1000,
        "{} bytes of stderr for {warnings} diagnostics",
        err.len()
    );
    assert!(err.contains("3 │ …"), "{}", &err[..2000.min(err.len())]);
}

#[test]
fn json_offsets_are_byte_offsets_into_the_file_on_disk() {
    let bytes = b"# Plan \xff\xfe\xfd\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task \xe9\n\n### Week 3: Three\n\n**Mon: B**\n- [ ] x\n";
    let root = book_with(bytes);
    let output = roadbook(root.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let missing = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "missing-week")
        .expect("reported");
    let start = missing["span"]["start"].as_u64().unwrap() as usize;
    let end = missing["span"]["end"].as_u64().unwrap() as usize;
    assert_eq!(&bytes[start..end], b"### Week 3: Three");
    let not_utf8 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "not-utf8")
        .expect("reported");
    assert_eq!(not_utf8["span"]["start"], 7);
}

// ---- serve -----------------------------------------------------------------

/// Sends `method path` to 127.0.0.1:`port`; returns the response's head and
/// body.
fn request(port: u16, method: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (head.to_owned(), body.to_owned())
}

#[test]
fn serve_answers_get_and_head_and_refuses_other_methods_with_405() {
    let root = book_with(b"# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task\n");
    let (_server, mut err) = common::serve(root.path());
    let mut log = Vec::new();
    let mut buffer = [0; 256];
    let port: u16 = loop {
        let n = err.read(&mut buffer).unwrap();
        assert!(
            n > 0,
            "serve printed no address: {}",
            String::from_utf8_lossy(&log)
        );
        log.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&log);
        if let Some(rest) = text.split("http://127.0.0.1:").nth(1)
            && let Some(port) = rest.split('/').next().and_then(|p| p.parse().ok())
            && rest.contains('/')
        {
            break port;
        }
    };
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));

    let (head, body) = request(port, "GET", "/weeks/week-01.html");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.contains("Week 1"), "{body}");
    let (head, body) = request(port, "HEAD", "/weeks/week-01.html");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.is_empty(), "{body}");
    for method in ["POST", "PUT", "DELETE", "TRACE", "PATCH"] {
        let (head, _) = request(port, method, "/weeks/week-01.html");
        assert!(head.starts_with("HTTP/1.1 405"), "{method}: {head}");
        assert!(
            head.lines()
                .any(|l| l.eq_ignore_ascii_case("allow: GET, HEAD")),
            "{method}: {head}"
        );
    }
}

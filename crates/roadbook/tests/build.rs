//! `roadbook build` and `roadbook serve` run as a user runs them, on a small
//! book made in a temporary folder: determinism, atomic output, progress
//! lines, emitted sources, and the serve loop on a real port.

mod common;

use common::roadbook;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

const ROADMAP: &str = "# Tiny Plan

## 📅 Week-by-Week Implementation Plan

### 🚀 Week 1-2: Foundation & Fundamentals

#### Week 1: System Design Basics

**Focus**: Core concepts

**Monday-Tuesday: Scalability Fundamentals**
- [ ] Study horizontal vs vertical scaling concepts
- [ ] **Exercise**: Identify bottlenecks in order processing pipeline

**Deliverables**:
- Load testing results

#### Week 2: Architecture Patterns

**Focus**: Microservices

**Monday-Tuesday: Microservices Analysis**
- [ ] Map service boundaries
- [ ] **Exercise**: Refactor monolithic component to microservices

**Deliverables**:
- Service decomposition documentation
";

const BOOK_TOML: &str = r#"[book]
title = "Tiny"

[build]
create-missing = false

[output.html]
additional-js = ["theme/mermaid.min.js", "theme/mermaid-init.js", "theme/progress.js"]
additional-css = ["theme/progress.css"]
no-section-label = true

[preprocessor.roadbook]
optional = true
missing-exercise-page = "warning"
"#;

/// A book root with the roadmap above, one hand-written chapter holding a
/// Mermaid diagram, the repository's theme files and the first phase's
/// diagram.
fn fixture() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    write(dir, "roadmap.md", ROADMAP);
    write(dir, "book.toml", BOOK_TOML);
    write(dir, "src/SUMMARY.md", "# Summary\n\n- [Intro](intro.md)\n");
    write(
        dir,
        "src/intro.md",
        "# Intro\n\nHand-written.\n\n```mermaid\ngraph TD\nA --> B\n```\n",
    );
    for file in [
        "mermaid.min.js",
        "mermaid-init.js",
        "progress.js",
        "progress.css",
    ] {
        std::fs::create_dir_all(dir.join("theme")).unwrap();
        std::fs::copy(repo.join("theme").join(file), dir.join("theme").join(file)).unwrap();
    }
    std::fs::create_dir_all(dir.join("diagrams")).unwrap();
    std::fs::copy(
        repo.join("diagrams/weeks-01-02.mmd"),
        dir.join("diagrams/weeks-01-02.mmd"),
    )
    .unwrap();
    root
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            (relative, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

#[test]
fn two_builds_of_the_same_inputs_are_byte_identical() {
    let root = fixture();
    for dest in ["out-1", "out-2"] {
        let output = roadbook(root.path(), &["build", "--dest-dir", dest]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let first = snapshot(&root.path().join("out-1"));
    let second = snapshot(&root.path().join("out-2"));
    assert!(
        first.len() > 20,
        "a whole book: {:?}",
        first.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(
            bytes == &second[path],
            "{} differs between two builds",
            path.display()
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_book_untouched() {
    let root = fixture();
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let book = root.path().join("book");
    let before = snapshot(&book);
    assert!(before.contains_key(Path::new("weeks/week-01.html")));
    let index = root.path().join("search-index");
    let index_before = snapshot(&index);
    assert!(index_before.contains_key(Path::new("roadbook-index.json")));

    // mdBook fails: SUMMARY.md lists a page that does not exist.
    write(
        root.path(),
        "src/SUMMARY.md",
        "# Summary\n\n- [Intro](intro.md)\n- [Gone](gone.md)\n",
    );
    let output = roadbook(root.path(), &["build"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("gone.md"), "{}", stderr(&output));
    assert!(
        snapshot(&book) == before,
        "book/ changed after a failed build"
    );
    assert!(
        snapshot(&index) == index_before,
        "the search index changed after a failed build"
    );

    // The roadmap has an error (not UTF-8): exit 1, nothing written.
    write(
        root.path(),
        "src/SUMMARY.md",
        "# Summary\n\n- [Intro](intro.md)\n",
    );
    std::fs::write(
        root.path().join("roadmap.md"),
        b"# Plan\n\n\xff\xfe broken\n",
    )
    .unwrap();
    let output = roadbook(root.path(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("not-utf8"), "{}", stderr(&output));
    assert!(
        snapshot(&book) == before,
        "book/ changed after a roadmap error"
    );

    // Nothing half-built is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn progress_is_a_line_per_stage_and_quiet_is_silent() {
    let root = fixture();
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stderr(&output);
    let stages: Vec<&str> = text
        .lines()
        .filter_map(|line| line.trim_start().split(' ').next())
        .filter(|word| ["Parsed", "Rendered", "Built", "Indexed"].contains(word))
        .collect();
    assert_eq!(stages, ["Parsed", "Rendered", "Built", "Indexed"], "{text}");
    assert!(text.contains("Rendered 6 pages ("), "{text}");
    assert!(text.contains("Built book with mdBook ("), "{text}");

    let output = roadbook(root.path(), &["-q", "build"]);
    assert!(output.status.success());
    assert_eq!(stderr(&output), "", "quiet prints nothing but errors");
    assert!(output.stdout.is_empty());
}

#[test]
fn the_built_book_has_the_generated_pages_diagrams_and_no_reload_script() {
    let root = fixture();
    let output = roadbook(root.path(), &["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let book = root.path().join("book");
    let phase = std::fs::read_to_string(book.join("phases/weeks-01-02.html")).unwrap();
    assert!(
        phase.contains("<pre class=\"mermaid\">flowchart LR"),
        "the phase diagram, for Mermaid's JS"
    );
    let intro = std::fs::read_to_string(book.join("intro.html")).unwrap();
    assert!(
        intro.contains("<pre class=\"mermaid\">graph TD"),
        "written pages too"
    );
    for (path, bytes) in snapshot(&book) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__roadbook"),
            "{} has serve's reload script",
            path.display()
        );
        assert!(
            !text.contains("cdn.jsdelivr") && !text.contains("unpkg.com"),
            "{} loads from a CDN",
            path.display()
        );
    }
    let files = snapshot(&book);
    assert!(
        files
            .keys()
            .any(|p| p.starts_with("theme") && p.to_string_lossy().contains("mermaid")),
        "Mermaid's JS is in the book"
    );
    let data = std::fs::read_to_string(book.join("roadbook-data.js")).unwrap();
    assert!(
        data.contains("window.roadbookData = {\"version\":2,"),
        "the roadmap as data for the scripts: {}",
        &data[..data.len().min(200)]
    );
    let parts: Vec<_> = files.keys().filter(|p| p.starts_with("data")).collect();
    assert!(
        !parts.is_empty() && parts.iter().all(|p| p.to_string_lossy().ends_with(".js")),
        "the records are in data/N-STAMP.js: {parts:?}"
    );
    assert!(
        files.contains_key(Path::new("theme/progress-home.js")),
        "the home page's own script is in the book, under the name the page loads"
    );
}

#[test]
fn emitted_sources_build_the_same_pages_with_plain_mdbook() {
    let root = fixture();
    let output = roadbook(root.path(), &["build", "--emit-sources", "emitted"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let emitted = root.path().join("emitted");
    let toml = std::fs::read_to_string(emitted.join("book.toml")).unwrap();
    assert!(!toml.contains("preprocessor"), "{toml}");

    // What `mdbook build emitted` does, in-process.
    let mut plain = mdbook_driver::MDBook::load(&emitted).unwrap();
    plain.config.build.build_dir = root.path().join("plain");
    plain.build().unwrap();

    let main = |html: String| {
        let start = html.find("<main>").expect("a <main>");
        let end = html.find("</main>").expect("a </main>");
        html[start..end].to_owned()
    };
    for page in [
        "weeks/week-01.html",
        "phases/weeks-01-02.html",
        "intro.html",
        "overview.html",
    ] {
        let ours = std::fs::read_to_string(root.path().join("book").join(page)).unwrap();
        let theirs = std::fs::read_to_string(root.path().join("plain").join(page)).unwrap();
        assert_eq!(main(ours), main(theirs), "{page}");
    }
    let toc = |dir: &str| std::fs::read_to_string(root.path().join(dir).join("toc.html")).unwrap();
    assert_eq!(toc("book"), toc("plain"), "the same table of contents");
}

/// `GET path` on 127.0.0.1:`port`: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Polls the version endpoint until it says `want` (at most 60 s).
fn wait_for_version(port: u16, want: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if get(port, "/__roadbook/version").1 == want {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn serve_rebuilds_on_change_and_keeps_the_last_good_build() {
    let root = fixture();
    let (_server, stderr) = common::serve(root.path());
    let mut lines = BufReader::new(stderr).lines();
    let port: u16 = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // Keep reading stderr so the server never blocks on a full pipe.
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    {
        let log = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                log.lock().unwrap().push_str(&(line + "\n"));
            }
        });
    }

    let (status, page) = get(port, "/weeks/week-01.html");
    assert_eq!(status, 200);
    assert!(page.contains("System Design Basics"));
    assert!(
        page.contains("/__roadbook/version"),
        "served pages get the reload script"
    );
    assert_eq!(get(port, "/__roadbook/version").1, "1");
    assert_eq!(get(port, "/nope.html").0, 404);
    assert_eq!(get(port, "/../book.toml").0, 404);

    // An edit of the roadmap: a new build, a new version, the new text.
    let edited = ROADMAP.replace("System Design Basics", "Design Basics Revisited");
    std::fs::write(root.path().join("roadmap.md"), &edited).unwrap();
    assert!(
        wait_for_version(port, "2"),
        "no rebuild: {}",
        log.lock().unwrap()
    );
    assert!(
        get(port, "/weeks/week-01.html")
            .1
            .contains("Design Basics Revisited")
    );

    // A broken edit: the diagnostic is printed, the last good build stays.
    std::fs::write(root.path().join("roadmap.md"), b"# Plan\n\n\xff broken\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !log.lock().unwrap().contains("not-utf8") {
        assert!(
            Instant::now() < deadline,
            "no diagnostic: {}",
            log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(get(port, "/__roadbook/version").1, "2");
    assert!(
        get(port, "/weeks/week-01.html")
            .1
            .contains("Design Basics Revisited")
    );

    // A hand-written page changes too.
    std::fs::write(root.path().join("roadmap.md"), &edited).unwrap();
    assert!(
        wait_for_version(port, "3"),
        "no rebuild: {}",
        log.lock().unwrap()
    );
    write(root.path(), "src/intro.md", "# Intro\n\nEdited by hand.\n");
    assert!(
        wait_for_version(port, "4"),
        "no rebuild: {}",
        log.lock().unwrap()
    );
    assert!(get(port, "/intro.html").1.contains("Edited by hand."));
    let on_disk = std::fs::read_to_string(root.path().join("book/intro.html")).unwrap();
    assert!(
        !on_disk.contains("__roadbook"),
        "the reload script is never written"
    );
}

/// An edit saved while `serve`'s first build runs is not lost: watching
/// starts before that build, so the edit triggers the next one.
#[test]
fn serve_sees_an_edit_made_during_its_first_build() {
    let root = fixture();
    let (_server, stderr) = common::serve(root.path());
    let mut lines = BufReader::new(stderr).lines();
    // The first stage's line: the first build is under way.
    loop {
        let line = lines.next().expect("serve printed its progress").unwrap();
        if line.contains("Parsed") {
            break;
        }
    }
    let edited = ROADMAP.replace("System Design Basics", "Edited While Building");
    std::fs::write(root.path().join("roadmap.md"), &edited).unwrap();
    let port: u16 = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    assert!(
        wait_for_version(port, "2"),
        "the edit made during the first build was missed"
    );
    assert!(
        get(port, "/weeks/week-01.html")
            .1
            .contains("Edited While Building")
    );
}

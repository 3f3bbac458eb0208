//! roadbook builds with a patched mdbook-html whose page stage is linear in
//! the number of chapters (vendor/mdbook-html/PATCH.md). These tests keep the
//! patch honest: it is the mdbook-html in the build, and it changes no byte
//! of the book.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let path = entry.path().strip_prefix(dir).unwrap();
            (
                path.to_string_lossy().replace('\\', "/"),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// `roadbook build` of `root`, with mdbook-html's original per-page data
/// when `original` is set.
fn build(root: &Path, original: bool) -> BTreeMap<String, Vec<u8>> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_roadbook"));
    command
        .current_dir(root)
        .args(["build", "-q", "--no-api-docs"])
        .env("NO_COLOR", "1")
        .env_remove("MDBOOK_HTML_FULL_CHAPTER_DATA")
        .stdin(Stdio::null());
    if original {
        command.env("MDBOOK_HTML_FULL_CHAPTER_DATA", "1");
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    files(&root.join("book"))
}

#[test]
fn the_shipped_book_is_byte_identical_with_and_without_the_patch() {
    let root = common::shipped_book();
    let patched = build(root.path(), false);
    let original = build(root.path(), true);
    for page in [
        "index.html",
        "weeks/week-01.html",
        "print.html",
        "404.html",
        "toc.html",
    ] {
        assert!(patched.contains_key(page), "{page} is built");
    }
    assert_eq!(
        patched.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &patched {
        assert!(bytes == &original[path], "{path} differs");
    }
}

/// An mdBook upgrade that the patch does not fit makes cargo fall back to the
/// registry's mdbook-html (with only a warning): the lock file then names a
/// registry source for it, and this test says what to do.
#[test]
fn the_build_uses_the_patched_mdbook_html() {
    let lock = std::fs::read_to_string(common::workspace().join("Cargo.lock")).unwrap();
    let lock: toml::Table = lock.parse().unwrap();
    let packages = lock["package"].as_array().unwrap();
    let html: Vec<_> = packages
        .iter()
        .filter(|p| p["name"].as_str() == Some("mdbook-html"))
        .collect();
    assert_eq!(html.len(), 1, "one mdbook-html in the build");
    assert!(
        html[0].get("source").is_none(),
        "mdbook-html {} comes from {}, not vendor/mdbook-html: port the patch to the new \
         version (vendor/mdbook-html/PATCH.md) or remove [patch.crates-io]",
        html[0]["version"],
        html[0]["source"]
    );
}

/// A theme whose page template draws the sidebar itself with `{{#toc}}` (as
/// themes older than mdBook 0.5 did) still gets the chapter list on every
/// page.
#[test]
fn a_theme_that_reads_the_chapter_list_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::create_dir_all(root.join("theme")).unwrap();
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"Old theme\"\n").unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [First](first.md)\n- [Second](second.md)\n",
    )
    .unwrap();
    std::fs::write(root.join("src/first.md"), "# First\n").unwrap();
    std::fs::write(root.join("src/second.md"), "# Second\n").unwrap();
    std::fs::write(
        root.join("theme/index.hbs"),
        "<html><body><nav>{{#toc}}{{/toc}}</nav><main>{{{ content }}}</main></body></html>\n",
    )
    .unwrap();
    mdbook_driver::MDBook::load(root).unwrap().build().unwrap();
    for page in ["first.html", "second.html"] {
        let html = std::fs::read_to_string(root.join("book").join(page)).unwrap();
        let nav = &html[html.find("<nav>").unwrap()..html.find("</nav>").unwrap()];
        assert!(
            nav.contains("first.html") && nav.contains("second.html"),
            "{page}: {nav}"
        );
    }
}

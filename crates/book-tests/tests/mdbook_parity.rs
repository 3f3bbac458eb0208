//! Differential test: our directive expansion against mdBook's own `links` preprocessor, on the
//! same files, for inputs where the two are easy to get apart (nested and repeated anchors,
//! ranges, escapes, whitespace, nesting).

use std::fs;
use std::path::Path;

use book_tests::include::expand;
use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_driver::config::Config;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

const LISTING: &str = "\
// header
use std::time::Duration;
// ANCHOR: outer
fn outer() {
    // ANCHOR: inner
    let x = 1;
    // ANCHOR_END: inner
    // ANCHOR: other
    let y = x + 1;
    // ANCHOR_END: other
}
// ANCHOR_END: outer
// ANCHOR: twice
fn first() {}
// ANCHOR_END: twice
fn between() {}
// ANCHOR: twice
fn second() {}
// ANCHOR_END: twice
// ANCHOR: my-anchor_2
fn dashed() {}
// ANCHOR_END: my-anchor_2
// ANCHOR: café
fn accented() {}
// ANCHOR_END: café
// ANCHOR:    spaced // ANCHOR: ignored
fn spaced() {}
// ANCHOR_END:spaced
// ANCHOR: open
fn unterminated() {}
";

/// Inputs, each a page on its own; every one must expand to exactly what mdBook makes of it.
const PAGES: &[&str] = &[
    "{{#include listing.rs}}",
    "```rust\n{{#include listing.rs:outer}}\n```",
    "{{#include listing.rs:inner}} and {{#include listing.rs:other}}",
    "{{#include listing.rs:twice}}",
    "{{#include listing.rs:my-anchor_2}}",
    "{{#include listing.rs:café}}",
    "{{#include listing.rs:spaced}}",
    "{{#include listing.rs:open}}",
    "{{#include listing.rs:2}}|{{#include listing.rs:2:4}}|{{#include listing.rs:30:}}",
    "{{#include listing.rs::3}}|{{#include listing.rs:0:2}}|{{#include listing.rs:100}}",
    "{{#include listing.rs:5:2}}|{{#include listing.rs:4:x}}|{{#include listing.rs:+3:+4}}",
    "{{#rustdoc_include listing.rs:inner}}",
    "{{#rustdoc_include listing.rs:twice}}",
    "{{#rustdoc_include listing.rs:outer}}",
    "{{#rustdoc_include listing.rs:3:5}}",
    "{{#rustdoc_include listing.rs}}",
    r"\{{#include listing.rs}} stays, \{{#title x}} too }} and more",
    "{{#playground listing.rs}}\n{{#playground listing.rs editable should_panic}}",
    "{{#title A Title}}# Heading",
    "{{ #include   listing.rs:inner }}",
    "{{#include\nlisting.rs:inner\n}}",
    "{{#include  }} {{#unknown listing.rs}} {{#include a}b}} {{#include listing.rs:inner",
    "{{#include nested/part.md}}",
    "{{#include crlf.txt}}|{{#include crlf.txt:2}}|{{#rustdoc_include crlf.txt:2}}",
    "```rust\nfn main() { let s = \"{{\"; }\n```\n{{#include listing.rs:inner}}",
];

fn write_fixture(src: &Path) {
    let ch = src.join("ch");
    fs::create_dir_all(ch.join("nested/deeper")).unwrap();
    fs::write(ch.join("listing.rs"), LISTING).unwrap();
    fs::write(ch.join("crlf.txt"), "one\r\ntwo\r\nthree\r\n").unwrap();
    fs::write(
        ch.join("nested/part.md"),
        "part {{#include deeper/leaf.rs:leaf}} and {{#include ../listing.rs:inner}}\n",
    )
    .unwrap();
    fs::write(
        ch.join("nested/deeper/leaf.rs"),
        "// ANCHOR: leaf\nleaf \\{{#include x}}\n// ANCHOR_END: leaf\n",
    )
    .unwrap();
}

/// What mdBook's `links` preprocessor makes of `content` as `src/ch/page.md`.
fn mdbook_expand(root: &Path, content: &str) -> String {
    let ctx = PreprocessorContext::new(root.to_path_buf(), Config::default(), "html".into());
    let mut book = Book::new();
    book.push_item(Chapter::new(
        "Page",
        content.to_owned(),
        "ch/page.md",
        vec![],
    ));
    let book = LinkPreprocessor::new().run(&ctx, book).unwrap();
    book.iter()
        .find_map(|item| match item {
            BookItem::Chapter(ch) => Some(ch.content.clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn expansion_matches_mdbook() {
    let root = tempfile::tempdir().unwrap();
    let src = root.path().join("src");
    write_fixture(&src);
    for page in PAGES {
        let ours = expand(page, &src.join("ch"), &mut |p| fs::read_to_string(p))
            .unwrap_or_else(|e| panic!("{page:?}: {e}"));
        assert_eq!(ours.text, mdbook_expand(root.path(), page), "page {page:?}");
    }
}

#[test]
fn a_missing_anchor_is_our_error_where_mdbook_shows_nothing() {
    let root = tempfile::tempdir().unwrap();
    let src = root.path().join("src");
    write_fixture(&src);
    let page = "before\n{{#include listing.rs:nowhere}}\nafter";
    assert_eq!(mdbook_expand(root.path(), page), "before\n\nafter");
    let err = expand(page, &src.join("ch"), &mut |p| fs::read_to_string(p)).unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("anchor `nowhere` not found"), "{err}");
}

//! Compiles and runs every Rust code block of the book's Markdown as a doctest against the
//! book's reference crates (this crate's dev-dependencies), and tells which blocks are doctests, excerpts or ignored.
//!
//! `build.rs` walks `src/` of the workspace (and this crate's `fixtures/`), expands mdBook's
//! include directives the way mdBook does ([`include`]), checks that every excerpt
//! (`{{#include ../../crates/C/src/F.rs:ANCHOR}}`) points at an existing anchor, and writes one
//! Markdown file per remaining Rust block to `OUT_DIR` ([`generate`]). Each becomes the doc of a
//! `#[cfg(doctest)]` item named after its page and line, so `cargo test` runs it and a failure
//! reads `…/src/exercises/w01-x.md/line-42.md - exercises_w01_x::Line42 (line 42)`.
//!
//! The same code answers "what does this page verify, and with which modules" for reports:
//! [`rust_blocks`].

pub mod blocks;
pub mod generate;
pub mod include;

pub use blocks::{BlockKind, CodeCrate, RustBlock, rust_blocks};

#[cfg(doctest)]
include!(concat!(env!("OUT_DIR"), "/doctests.rs"));

#[cfg(test)]
mod tests {
    /// The items `build.rs` generated for this crate's fixture page: every Rust block but the
    /// excerpt (line 9) becomes a doctest, named after its line.
    #[test]
    fn the_fixture_page_becomes_its_doctests() {
        let items = include_str!(concat!(env!("OUT_DIR"), "/doctests.rs"));
        let (_, fixture) = items
            .split_once("pub mod fixture_pipeline {")
            .expect("the fixture page has doctests");
        let fixture = &fixture[..fixture.find('}').unwrap_or(fixture.len())];
        let structs: Vec<&str> = fixture
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub struct "))
            .collect();
        assert_eq!(structs, ["Line15;", "Line26;", "Line32;", "Line50;"]);
    }
}

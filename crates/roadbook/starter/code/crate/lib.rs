//! The book's reference code: one module per exercise, each documented with
//! examples that `cargo test` runs. roadbook indexes it for `roadbook
//! search` and puts its rustdoc under the book's `api/`.

pub mod words;

/// The exercise pages, so that `cargo test` runs their Rust blocks too.
#[cfg(doctest)]
#[doc = include_str!("../../../src/exercises/w01-count-words-text.md")]
pub struct ExercisePages;

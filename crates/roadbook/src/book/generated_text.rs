//! The second half of roadbook's preprocessing: the generated chapters get
//! their text only after mdBook's `links` preprocessor has run, so that
//! `{{#include}}`, `{{#rustdoc_include}}`, `{{#playground}}` and `{{#title}}`
//! written in roadmap.md reach the page as the text they are, never as
//! directives. (Hand-written pages keep every mdBook feature.)

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Result;
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use crate::pages::{Page, PageSource};

/// The preprocessor's name; `book.rs` orders it after `links`.
pub(crate) const NAME: &str = "roadbook-text";

/// Fills in the text of the generated chapters.
pub(crate) struct GeneratedText {
    texts: HashMap<PathBuf, String>,
}

impl GeneratedText {
    /// The texts of the generated pages of `pages` (at any depth).
    pub(crate) fn new(pages: &[Page]) -> Self {
        fn collect(pages: &[Page], texts: &mut HashMap<PathBuf, String>) {
            for page in pages {
                if let PageSource::Generated(text) = &page.source {
                    texts.insert(PathBuf::from(&page.path), text.clone());
                }
                collect(&page.children, texts);
            }
        }
        let mut texts = HashMap::new();
        collect(pages, &mut texts);
        Self { texts }
    }
}

impl Preprocessor for GeneratedText {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item
                && let Some(text) = chapter.path.as_ref().and_then(|p| self.texts.get(p))
            {
                // The chapter holds nothing yet but what was appended to it.
                let appended = std::mem::take(&mut chapter.content);
                chapter.content = format!("{text}{appended}");
            }
        });
        Ok(book)
    }
}

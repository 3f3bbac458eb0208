//! The book's in-browser search: its index is made from the staged HTML,
//! from the same records as the tantivy index, and goes into the book with
//! the pages (a build stage run inside mdBook's, before the swap).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};

use roadbook_search::{CodeRecords, PageRecords, PagesFeed, Sources};

use crate::book::{FromStaged, Progress, StagedFiles};

/// The stage that writes the browser index of the book staged in a folder:
/// `sources` but for their book folder, which is the staged one; `shown` is
/// the book's folder as the progress line names it. The reference code's
/// records come from the tantivy index's thread (`code`); the pages'
/// records go to that thread (`feed`), which indexes them while the rest of
/// the book is written: the pages are read once for both indexes.
pub(crate) fn stage(
    progress: Progress,
    shown: String,
    sources: Sources,
    code: CodeRecords,
    feed: PagesFeed,
) -> FromStaged {
    FromStaged(Arc::new(move |staged: &Path| {
        progress
            .stage(
                "Sharded",
                |files: &(usize, StagedFiles)| {
                    let bytes: usize = files.1.iter().map(|(_, b)| b.len()).sum();
                    format!(
                        "{} documents for the browser into {shown}/{} ({} files, {} KB)",
                        files.0,
                        roadbook_search::BROWSER_INDEX_DIR,
                        files.1.len(),
                        bytes.div_ceil(1024)
                    )
                },
                || {
                    let mut sources = sources.clone();
                    sources.book_dir = staged.to_path_buf();
                    files(&sources, &code, &feed)
                },
            )
            .map(|(_, files)| files)
    }))
}

/// The browser index's files of the book `sources` name; its page records
/// go to `feed`.
fn files(sources: &Sources, code: &CodeRecords, feed: &PagesFeed) -> Result<(usize, StagedFiles)> {
    let PageRecords { mut records, pages } = PageRecords::read(sources)
        .context("cannot read the built pages for the browser's search index")?;
    let page_records = records.len();
    records.extend(code.wait().iter().cloned());
    let index = roadbook_search::browser_index(&records);
    records.truncate(page_records);
    // Refused only when the index build ended early: it reports why.
    let _ = feed.send(PageRecords { records, pages });
    Ok((
        index.documents,
        index
            .files
            .into_iter()
            .map(|(path, bytes)| (PathBuf::from(path), bytes))
            .collect(),
    ))
}

//! Which build a book folder and a search index belong to. `build` writes
//! the same stamp (a digest of the built book, so two builds of the same
//! inputs stay byte-identical) into both once both are in place, the index
//! first; `search` calls the index stale when they differ (a build killed
//! between replacing book/ and search-index/, or an index copied from
//! elsewhere).

use std::path::Path;

use anyhow::{Context, Result};

/// The stamp's file name, in the book folder and in the index folder.
pub(crate) const FILE: &str = ".roadbook-build";

/// The stamp of the book built in `dir`: a digest of its files' paths and
/// bytes (the stamp file left out, and the service worker, which carries
/// this stamp as its version).
pub(crate) fn of_book(dir: &Path) -> Result<String> {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same book gives the same stamp.
    let mut hasher = std::hash::DefaultHasher::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if !entry.file_type().is_file()
            || relative == Path::new(FILE)
            || relative == Path::new(crate::book::offline::FILE)
        {
            continue;
        }
        relative.hash(&mut hasher);
        std::fs::read(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?
            .hash(&mut hasher);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

/// A short digest of `text`, for file names that change when it does (the
/// sidebar's pieces, the data parts).
pub(crate) fn digest(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same text gives the same name.
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    format!("{:08x}", hasher.finish() as u32)
}

/// Writes `stamp` into `dir`.
pub(crate) fn write(dir: &Path, stamp: &str) -> Result<()> {
    let path = dir.join(FILE);
    std::fs::write(&path, format!("{stamp}\n"))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The stamp in `dir`, if it has one.
pub(crate) fn read(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(FILE))
        .ok()
        .map(|text| text.trim().to_owned())
}

/// Whether the book in `book` and the index in `index` come from different
/// builds. Two folders without stamps (built before stamps existed) agree.
pub(crate) fn disagree(book: &Path, index: &Path) -> bool {
    book.is_dir() && read(book) != read(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_one_build_agree_and_of_two_do_not() {
        let root = tempfile::tempdir().unwrap();
        let (book, index) = (root.path().join("book"), root.path().join("index"));
        std::fs::create_dir_all(&book).unwrap();
        std::fs::create_dir_all(&index).unwrap();
        assert!(!disagree(&book, &index), "neither has a stamp");
        std::fs::write(book.join("index.html"), "one").unwrap();
        let first = of_book(&book).unwrap();
        write(&index, &first).unwrap();
        assert!(disagree(&book, &index), "only the index has one");
        write(&book, &first).unwrap();
        assert!(!disagree(&book, &index));
        assert_eq!(
            of_book(&book).unwrap(),
            first,
            "the stamp itself is left out"
        );
        std::fs::write(book.join("index.html"), "two").unwrap();
        let second = of_book(&book).unwrap();
        assert_ne!(second, first);
        write(&book, &second).unwrap();
        assert!(disagree(&book, &index));
    }
}

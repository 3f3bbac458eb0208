//! Replacing a folder all at once. A build writes its output into a
//! [`Staging`] folder next to the destination and, when everything is
//! written, [`Staging::replace`] renames it over the destination: a reader
//! sees the old folder or the new one, never half of each. Dropped before
//! that (an error, a panic), the staging folder is removed and the
//! destination stays as it was.
//!
//! The staging folder is named `.NAME.building-PID-XXXXXX` and the previous
//! output, while it is moved aside, `.NAME.old-PID-XXXXXX` (NAME the
//! destination's file name, PID this process's id), so that the folders a
//! killed process leaves behind can be recognised and removed by the next
//! build.
//!
//! ```
//! # fn main() -> anyhow::Result<()> {
//! let root = tempfile::tempdir()?;
//! let dest = root.path().join("book");
//! std::fs::create_dir(&dest)?;
//! std::fs::write(dest.join("old.html"), "old")?;
//!
//! let staging = roadbook_staging::Staging::next_to(&dest)?;
//! std::fs::write(staging.path().join("new.html"), "new")?;
//! // Until `replace`, the destination is untouched.
//! assert!(dest.join("old.html").exists());
//! staging.replace(&dest)?;
//!
//! assert!(dest.join("new.html").exists());
//! assert!(!dest.join("old.html").exists());
//! // Nothing is left next to it.
//! assert_eq!(std::fs::read_dir(root.path())?.count(), 1);
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A folder being filled next to its destination; removed when dropped
/// without [`Staging::replace`].
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
}

impl Staging {
    /// A new empty folder in the parent of `dest` (the same file system, so
    /// the final rename is atomic), named after `dest`. The parent is
    /// created if needed.
    ///
    /// # Errors
    ///
    /// When the parent cannot be created or written.
    pub fn next_to(dest: &Path) -> Result<Staging> {
        let parent = parent(dest);
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(
                ".{}.building-{}-",
                file_name(dest),
                std::process::id()
            ))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a build folder in {}", parent.display()))?;
        Ok(Staging { dir })
    }

    /// The folder to write into.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Puts the staged folder in place of `dest`. The old `dest` is moved
    /// aside first and removed after, so `dest` is only ever missing between
    /// two renames.
    ///
    /// # Errors
    ///
    /// When a rename fails (the previous `dest` is then put back, and the
    /// new output is kept beside it for inspection) or the previous output
    /// cannot be removed once replaced.
    pub fn replace(self, dest: &Path) -> Result<()> {
        let staged = self.dir.keep();
        if !dest.exists() {
            return std::fs::rename(&staged, dest)
                .with_context(|| format!("cannot move the new build to {}", dest.display()));
        }
        let old = aside(&staged);
        std::fs::rename(dest, &old)
            .with_context(|| format!("cannot move the previous build {} aside", dest.display()))?;
        if let Err(err) = std::fs::rename(&staged, dest) {
            let _ = std::fs::rename(&old, dest);
            return Err(err)
                .with_context(|| format!("cannot move the new build to {}", dest.display()));
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the previous build {}", old.display()))
    }
}

/// Where the previous output waits while the staged one takes its name:
/// the staging folder's name with `building` turned into `old`.
fn aside(staged: &Path) -> PathBuf {
    let name = staged
        .file_name()
        .map(|name| name.to_string_lossy().replacen(".building-", ".old-", 1))
        .unwrap_or_default();
    staged.with_file_name(name)
}

/// The folder holding `dest` (`.` for a bare name).
fn parent(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `dest`'s own name, as the staging folder's names carry it.
fn file_name(dest: &Path) -> String {
    dest.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_staging_folder_is_named_after_its_destination_and_this_process() {
        let root = tempfile::tempdir().unwrap();
        let staging = Staging::next_to(&root.path().join("search-index")).unwrap();
        let name = staging.path().file_name().unwrap().to_string_lossy();
        let prefix = format!(".search-index.building-{}-", std::process::id());
        assert!(name.starts_with(&prefix), "{name}");
        assert_eq!(staging.path().parent(), Some(root.path()));
    }

    #[test]
    fn a_destination_that_does_not_exist_yet_is_created_with_its_parent() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("out/book");
        let staging = Staging::next_to(&dest).unwrap();
        std::fs::write(staging.path().join("index.html"), "new").unwrap();
        staging.replace(&dest).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(names(&root.path().join("out")), ["book"]);
    }

    #[test]
    fn dropping_it_unreplaced_keeps_the_old_output_and_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("book");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("index.html"), "old").unwrap();
        {
            let staging = Staging::next_to(&dest).unwrap();
            std::fs::write(staging.path().join("index.html"), "half").unwrap();
        }
        assert_eq!(names(root.path()), ["book"]);
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "old"
        );
    }

    #[test]
    fn a_failed_rename_puts_the_previous_output_back() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("book");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("index.html"), "old").unwrap();
        let staging = Staging::next_to(&dest).unwrap();
        let staged = staging.path().to_path_buf();
        // The staged folder vanishes before the swap: the second rename fails.
        std::fs::remove_dir(&staged).unwrap();
        let err = staging.replace(&dest).unwrap_err();
        assert!(
            format!("{err:#}").contains("cannot move the new build"),
            "{err:#}"
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(names(root.path()), ["book"]);
    }

    #[test]
    fn the_previous_output_waits_under_an_old_name() {
        let staged = Path::new("/b/.book.building-12-aB3");
        assert_eq!(aside(staged), Path::new("/b/.book.old-12-aB3"));
        assert_eq!(parent(Path::new("book")), Path::new("."));
    }
}

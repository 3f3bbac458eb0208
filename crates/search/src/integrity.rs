//! A damaged index is reported, never panicked on. Opening checks every
//! index file against the checksum tantivy wrote in its footer; what a
//! checksum cannot catch (a file rewritten whole, a bug in a decoder) is
//! contained at the boundary: a panic inside tantivy or fst while opening or
//! reading becomes [`Damaged`], which says what to run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use tantivy::Index;

/// The index in a folder cannot be trusted.
#[derive(Debug)]
pub struct Damaged {
    /// The index folder.
    pub path: PathBuf,
    /// What was found wrong.
    pub detail: String,
}

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the search index at {} is damaged ({}): run `roadbook build`",
            self.path.display(),
            self.detail
        )
    }
}

impl std::error::Error for Damaged {}

/// Checks the checksum of every file of `index`, in folder `dir`.
pub(crate) fn check(index: &Index, dir: &Path) -> Result<(), Damaged> {
    let damaged = |detail: String| Damaged {
        path: dir.to_path_buf(),
        detail,
    };
    let corrupted = index
        .validate_checksum()
        .map_err(|err| damaged(format!("cannot check its files: {err}")))?;
    if corrupted.is_empty() {
        return Ok(());
    }
    let mut names: Vec<String> = corrupted.iter().map(|p| p.display().to_string()).collect();
    names.sort();
    Err(damaged(format!("{} fails its checksum", names.join(", "))))
}

/// Runs `f` (which must not call `contain` itself), turning a panic into
/// [`Damaged`].
pub(crate) fn contain<T>(dir: &Path, f: impl FnOnce() -> T) -> Result<T, Damaged> {
    // The panic is reported as a damaged index, not printed as a crash;
    // the lock keeps two threads from swapping the hook at once.
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = HOOK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    drop(guard);
    result.map_err(|panic| Damaged {
        path: dir.to_path_buf(),
        detail: panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "reading it failed".to_owned()),
    })
}

//! A damaged index is reported, never panicked on. Opening checks every
//! index file against the checksum tantivy wrote in its footer; what a
//! checksum cannot catch (a file rewritten whole, a bug in a decoder) is
//! contained at the boundary: a panic inside tantivy or fst while opening or
//! reading becomes [`Damaged`], which says what to run.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Once;

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

/// Runs `f`, turning a panic into [`Damaged`].
///
/// The panic is reported as a damaged index, not printed as a crash: the
/// process's panic hook stays quiet for this thread while `f` runs, and only
/// for it. A panic on another thread at the same moment (a `serve` request,
/// a test) is printed as always, and searches on several threads run at once.
pub(crate) fn contain<T>(dir: &Path, f: impl FnOnce() -> T) -> Result<T, Damaged> {
    install_quiet_hook();
    let outer = CONTAINED.replace(true);
    let result = catch_unwind(AssertUnwindSafe(f));
    CONTAINED.set(outer);
    result.map_err(|panic| Damaged {
        path: dir.to_path_buf(),
        detail: panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "reading it failed".to_owned()),
    })
}

thread_local! {
    /// Whether this thread is inside [`contain`].
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// A panic hook.
type Hook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Wraps the process's panic hook, once, in [`quiet`].
fn install_quiet_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| std::panic::set_hook(quiet(std::panic::take_hook())));
}

/// `previous`, but saying nothing for a thread inside [`contain`]: every
/// other panic goes to it.
fn quiet(previous: Hook) -> Hook {
    Box::new(move |info| {
        if !CONTAINED.with(Cell::get) {
            previous(info);
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    use super::*;

    /// No other test of this crate's library reaches `contain`, so the
    /// counting hook set here is the one the quiet hook wraps.
    #[test]
    fn only_the_contained_thread_is_quiet() {
        static PRINTED: AtomicUsize = AtomicUsize::new(0);
        // The hook `contain` installs, around one that counts. Installed
        // here, not by `contain`, which does it once per process: another
        // test may have opened an index (and installed it) before this one.
        std::panic::set_hook(quiet(Box::new(|_| {
            PRINTED.fetch_add(1, Ordering::SeqCst);
        })));
        let both_inside = Arc::new(Barrier::new(2));
        let other = {
            let both_inside = Arc::clone(&both_inside);
            std::thread::spawn(move || {
                both_inside.wait();
                panic!("a bug elsewhere, while an index is being read");
            })
        };
        let contained = contain(Path::new("idx"), || {
            both_inside.wait();
            // The other thread's panic happens while this one is inside.
            while !other.is_finished() {
                std::thread::yield_now();
            }
            panic!("a decoder gave up");
        });
        assert!(other.join().is_err());
        let damaged = contained.expect_err("the panic is contained");
        assert_eq!(damaged.detail, "a decoder gave up");
        assert_eq!(
            PRINTED.load(Ordering::SeqCst),
            1,
            "only the other thread's panic is printed"
        );
        // Nested: the inner one ends, the outer stays quiet.
        let nested = contain(Path::new("idx"), || {
            let inner = contain(Path::new("idx"), || panic!("inner"));
            assert!(inner.is_err());
            panic!("outer");
        });
        assert_eq!(nested.expect_err("contained").detail, "outer");
        assert_eq!(PRINTED.load(Ordering::SeqCst), 1);
        let _ = std::panic::take_hook();
    }
}

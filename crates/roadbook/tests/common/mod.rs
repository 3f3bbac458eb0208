//! Helpers shared by the CLI tests: where the workspace is, a copy of the
//! shipped book's inputs in a temporary folder, and `roadbook serve` run
//! for a test.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Output, Stdio};

/// The workspace root (the shipped book's root).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The shipped book's inputs (book.toml, roadmap.md, src/, diagrams/,
/// theme/, interview/, assessment/, the reference code, its workspace manifest and lock file, and the manifests its pages show) in a temporary folder, so a test can build
/// it without touching the repository's book/ or search-index/.
pub fn shipped_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = workspace();
    // The workspace's Cargo.toml and Cargo.lock: the practice kits take the
    // reference crate's dependency versions from them.
    for file in ["book.toml", "roadmap.md", "Cargo.toml", "Cargo.lock"] {
        std::fs::copy(root.join(file), dir.path().join(file)).unwrap();
    }
    for folder in [
        "src",
        "assessment",
        "diagrams",
        "theme",
        "crates/patterns/src",
        "crates/patterns/manifests",
        "interview",
    ] {
        copy_dir(&root.join(folder), &dir.path().join(folder));
    }
    std::fs::copy(
        root.join("crates/patterns/Cargo.toml"),
        dir.path().join("crates/patterns/Cargo.toml"),
    )
    .unwrap();
    dir
}

/// Runs the real `roadbook` binary in the book's root `root`, as a user
/// does, without colour, pager or standard input.
pub fn roadbook(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .current_dir(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("PAGER")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A `roadbook serve` that is killed when the test ends, passed or not.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `roadbook serve --port 0` on the book at `root`; its stderr (the
/// progress lines and the address) is the caller's to read.
pub fn serve(root: &Path) -> (Server, ChildStderr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    (Server(child), stderr)
}

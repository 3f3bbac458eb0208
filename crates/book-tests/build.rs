//! Generates the doctests of the book: walks the workspace's `src/` (and this crate's
//! `fixtures/`), turns every Rust block of every Markdown page into a doctest file in `OUT_DIR`,
//! and writes `OUT_DIR/doctests.rs` with the items that carry them. A page whose directives or
//! excerpts point at nothing stops the build with `error: PAGE:LINE: …` (`cargo::error`).

#[allow(dead_code, unreachable_pub)]
#[path = "src/blocks.rs"]
mod blocks;
#[allow(dead_code, unreachable_pub)]
#[path = "src/generate.rs"]
mod generate;
#[allow(dead_code, unreachable_pub)]
#[path = "src/include.rs"]
mod include;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::{env, fs, process};

use generate::{PageDoctests, module_name, page_doctests, render_items};

/// The directory under `OUT_DIR` holding one Markdown file per doctest.
const DOCTEST_DIR: &str = "doctests";

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it"));
    let workspace = include::normalize(&manifest_dir.join("../.."));
    let roots = [
        (workspace.join("src"), ""),
        (manifest_dir.join("fixtures"), "fixture_"),
    ];

    let mut watched = BTreeSet::new();
    let mut pages = Vec::new();
    let mut failed = false;
    for (root, prefix) in &roots {
        watched.insert(root.clone());
        for path in markdown_files(root) {
            let shown = shown_path(&path, &workspace);
            watched.insert(path.clone());
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let name = format!(
                "{prefix}{}",
                module_name(&relative.to_string_lossy().replace('\\', "/"))
            );
            match build_page(&path, &shown) {
                Ok(page) => {
                    watched.extend(page.files_read.iter().cloned());
                    pages.push((name, page));
                }
                Err(errors) => {
                    failed = true;
                    let root_prefix = format!("{}/", workspace.display());
                    for e in errors {
                        let message = e.message.replace(&root_prefix, "");
                        println!("cargo::error={shown}:{}: {message}", e.line);
                    }
                }
            }
        }
    }
    for path in &watched {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    if failed {
        // cargo shows the `cargo::error` lines and fails the build
        return;
    }

    let doctest_dir = out_dir.join(DOCTEST_DIR);
    if doctest_dir.exists() {
        fs::remove_dir_all(&doctest_dir).unwrap_or_else(|e| die(&doctest_dir, &e));
    }
    for (_, page) in &pages {
        for doctest in &page.doctests {
            let file = doctest_dir.join(&doctest.file);
            if let Some(parent) = file.parent() {
                fs::create_dir_all(parent).unwrap_or_else(|e| die(parent, &e));
            }
            fs::write(&file, &doctest.markdown).unwrap_or_else(|e| die(&file, &e));
        }
    }
    let items = out_dir.join("doctests.rs");
    fs::write(&items, render_items(&pages, DOCTEST_DIR)).unwrap_or_else(|e| die(&items, &e));
}

/// The Markdown files under `root`, in a stable order; none if `root` does not exist.
fn markdown_files(root: &Path) -> Vec<PathBuf> {
    if !root.exists() {
        return Vec::new();
    }
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.unwrap_or_else(|e| die(root, &e)))
        .filter(|entry| {
            entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "md")
        })
        .map(walkdir::DirEntry::into_path)
        .collect()
}

fn build_page(path: &Path, shown: &str) -> Result<PageDoctests, Vec<generate::PageError>> {
    let source = fs::read_to_string(path).unwrap_or_else(|e| die(path, &e));
    let base = path.parent().unwrap_or(Path::new("."));
    page_doctests(shown, &source, base, &mut |p| fs::read_to_string(p))
}

/// `path` relative to the workspace, with `/` separators: `src/exercises/w01-x.md`.
fn shown_path(path: &Path, workspace: &Path) -> String {
    path.strip_prefix(workspace)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn die(path: &Path, error: &dyn std::fmt::Display) -> ! {
    eprintln!("error: {}: {error}", path.display());
    process::exit(1)
}

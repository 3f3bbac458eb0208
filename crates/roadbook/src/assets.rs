//! The files compiled into the binary, so that an installed `roadbook`
//! needs nothing from its source tree: the theme assets a book loads, and
//! the starter book `roadbook init` writes. (The page templates are in
//! `pages/templates.rs`.) A book's own copy of a file always wins; roadbook
//! writes its built-in one only where the book has none.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A theme asset by its file name in `theme/`: its path in a book and its
/// bytes. One line a file, so that adding one touches one line.
macro_rules! theme {
    ($name:literal) => {
        (
            concat!("theme/", $name),
            include_bytes!(concat!("../../../theme/", $name)),
        )
    };
}

/// The theme assets, by their path in a book: Mermaid (MIT and MPL-2.0,
/// unchanged from mdbook-mermaid, see `theme/README.md`), progress tracking
/// and the accessibility repairs.
pub(crate) const THEME: &[(&str, &[u8])] = &[
    theme!("mermaid.min.js"),
    theme!("mermaid-init.js"),
    theme!("store.js"),
    theme!("progress-model.js"),
    theme!("progress.js"),
    theme!("progress-home.js"),
    theme!("progress.css"),
    theme!("a11y.js"),
    theme!("plan-model.js"),
    theme!("ics.js"),
    theme!("plan.js"),
    theme!("plan.css"),
    theme!("chrome.css"),
    theme!("diagram-viewer.js"),
    theme!("highlight.full.js"),
    theme!("offline.js"),
    theme!("sw.js"),
    theme!("search.js"),
    theme!("search.css"),
    theme!("mock.js"),
    theme!("mock.css"),
    theme!("assess.js"),
    theme!("assess.css"),
];

/// Writes the built-in copy of each theme asset that book.toml lists (in
/// `additional-js` / `additional-css`, as `listed`) but the book at `root`
/// does not have, so that mdBook finds it. Returns the paths written.
pub(crate) fn provide_theme<'a>(
    root: &Path,
    listed: impl IntoIterator<Item = &'a Path>,
) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for path in listed {
        let name = path.to_string_lossy().replace('\\', "/");
        let Some((_, bytes)) = THEME.iter().find(|(asset, _)| *asset == name) else {
            continue;
        };
        let file = root.join(path);
        if file.exists() {
            continue;
        }
        write_new(&file, bytes)?;
        written.push(name);
    }
    Ok(written)
}

/// The bytes of the theme file `name` for the book at `root`: the book's own
/// `theme/NAME` when it has one, roadbook's built-in copy otherwise.
pub(crate) fn theme_file(root: &Path, name: &str) -> Result<Vec<u8>> {
    let own = root.join("theme").join(name);
    if own.is_file() {
        return std::fs::read(&own).with_context(|| format!("cannot read {}", own.display()));
    }
    let path = format!("theme/{name}");
    THEME
        .iter()
        .find(|(asset, _)| *asset == path)
        .map(|(_, bytes)| bytes.to_vec())
        .with_context(|| format!("roadbook has no built-in {path}"))
}

/// The theme files one page loads itself (not listed in book.toml, so mdBook
/// does not copy them), by their path in the book (`theme/NAME`), for
/// `BuildOptions::files`: [`theme_file`] of each.
pub(crate) fn page_assets(root: &Path, paths: &[&str]) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    paths
        .iter()
        .map(|path| {
            let name = path.trim_start_matches("theme/");
            Ok((PathBuf::from(path), theme_file(root, name)?))
        })
        .collect()
}

/// Writes `bytes` to `file`, creating its folder.
pub(crate) fn write_new(file: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(file, bytes).with_context(|| format!("cannot write {}", file.display()))
}

/// The starter book's files, by path; `{title}` and friends are filled in
/// by `roadbook init`.
pub(crate) mod starter {
    /// book.toml, with `{title}` and `{reference}` to fill in.
    pub(crate) const BOOK_TOML: &str = include_str!("../starter/book.toml");
    /// The sample roadmap.
    pub(crate) const ROADMAP: &str = include_str!("../starter/roadmap.md");
    /// src/SUMMARY.md.
    pub(crate) const SUMMARY: &str = include_str!("../starter/SUMMARY.md");
    /// src/about.md.
    pub(crate) const ABOUT: &str = include_str!("../starter/about.md");
    /// The phase's diagram.
    pub(crate) const DIAGRAM: &str = include_str!("../starter/diagram.mmd");
    /// .gitignore.
    pub(crate) const GITIGNORE: &str = include_str!("../starter/gitignore");
    /// The exercise page of a book without reference code.
    pub(crate) const EXERCISE: &str = include_str!("../starter/exercise.md");
    /// The exercise page that runs the reference code.
    pub(crate) const CODE_EXERCISE: &str = include_str!("../starter/code/exercise.md");
    /// The workspace Cargo.toml at the book root.
    pub(crate) const WORKSPACE_TOML: &str = include_str!("../starter/code/workspace.toml");
    /// Its Cargo.lock, so that the workflow's `cargo test --locked` passes
    /// on a book committed before its first build.
    pub(crate) const WORKSPACE_LOCK: &str = include_str!("../starter/code/workspace.lock");
    /// The reference crate's Cargo.toml.
    pub(crate) const CRATE_TOML: &str = include_str!("../starter/code/crate/Cargo.toml");
    /// The reference crate's lib.rs.
    pub(crate) const CRATE_LIB: &str = include_str!("../starter/code/crate/lib.rs");
    /// Its one module.
    pub(crate) const CRATE_MODULE: &str = include_str!("../starter/code/crate/words.rs");
    /// The pull-request workflow, with `{test}` for the reference code's
    /// test step.
    pub(crate) const PULL_REQUEST: &str = include_str!("../starter/workflows/pull-request.yml");
    /// The GitHub Pages workflow.
    pub(crate) const DEPLOY: &str = include_str!("../starter/workflows/deploy.yml");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_missing_listed_assets_are_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("theme")).unwrap();
        std::fs::write(dir.path().join("theme/progress.js"), "// mine").unwrap();
        let listed = [
            Path::new("theme/progress.js"),
            Path::new("theme/a11y.js"),
            Path::new("theme/unknown.js"),
        ];
        let written = provide_theme(dir.path(), listed).unwrap();
        assert_eq!(written, ["theme/a11y.js"]);
        let mine = std::fs::read_to_string(dir.path().join("theme/progress.js")).unwrap();
        assert_eq!(mine, "// mine", "the book's own copy wins");
        assert!(!dir.path().join("theme/unknown.js").exists());
        assert!(
            !dir.path().join("theme/mermaid.min.js").exists(),
            "not listed"
        );
    }
}

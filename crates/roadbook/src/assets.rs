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
    theme!("search-engine.js"),
    theme!("search.css"),
    theme!("mock.js"),
    theme!("mock.css"),
    theme!("assess.js"),
    theme!("assess.css"),
];

/// The record of the theme files roadbook wrote into a book, beside them:
/// one `SHA256  PATH` line a file (the format of `sha256sum`). A copy whose
/// bytes still have the recorded digest is roadbook's, untouched, and a
/// newer roadbook replaces it with its own; an edited copy is the author's.
pub(crate) const COPIES: &str = "theme/.roadbook-copies";

/// What [`provide_theme`] did with a theme file of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ThemeCopy {
    /// It was missing: roadbook's copy is written.
    Written(String),
    /// It was roadbook's copy from another version, untouched: replaced by
    /// this version's.
    Updated(String),
    /// It is the author's edit of a copy whose original has changed since:
    /// kept.
    EditedAndOutdated(String),
    /// It differs from roadbook's copy and roadbook has no record of
    /// writing it (a book started before the record existed, or the
    /// author's own file): kept.
    Unrecorded(String),
}

impl std::fmt::Display for ThemeCopy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Written(path) => write!(f, "{path} was missing: wrote roadbook's built-in copy"),
            Self::Updated(path) => write!(
                f,
                "{path} was roadbook's copy from another version, unedited: replaced by this version's"
            ),
            Self::EditedAndOutdated(path) => write!(
                f,
                "{path} is your edit of roadbook's copy, kept; roadbook's own has changed since \
                 (delete yours to take the new one, then edit it again)"
            ),
            Self::Unrecorded(path) => write!(
                f,
                "{path} differs from roadbook's built-in copy, kept; if it is a copy an older \
                 roadbook wrote, delete it so that this version writes its own"
            ),
        }
    }
}

/// Provides each theme asset that book.toml lists (in `additional-js` /
/// `additional-css`, as `listed`) in the book at `root`: roadbook's built-in
/// copy where the book has none, or has roadbook's copy of another version
/// unedited; the book's own file otherwise. Updates [`COPIES`] for the
/// files it writes and returns what it did, for files it wrote or had to
/// keep although they differ from its own.
pub(crate) fn provide_theme<'a>(
    root: &Path,
    listed: impl IntoIterator<Item = &'a Path>,
) -> Result<Vec<ThemeCopy>> {
    let record_path = root.join(COPIES);
    let mut record = read_copies(&record_path)?;
    let mut changes = Vec::new();
    let mut recorded = false;
    for path in listed {
        let name = path.to_string_lossy().replace('\\', "/");
        let Some((_, bytes)) = THEME.iter().find(|(asset, _)| *asset == name) else {
            continue;
        };
        let ours = sha256(bytes);
        let file = root.join(path);
        let change = match std::fs::read(&file) {
            Ok(current) => {
                let current = sha256(&current);
                match record.get(&name) {
                    _ if current == ours => None,
                    Some(written) if *written == current => Some(ThemeCopy::Updated(name.clone())),
                    Some(_) => Some(ThemeCopy::EditedAndOutdated(name.clone())),
                    None => Some(ThemeCopy::Unrecorded(name.clone())),
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Some(ThemeCopy::Written(name.clone()))
            }
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", file.display())),
        };
        if let Some(ThemeCopy::Written(_) | ThemeCopy::Updated(_)) = change {
            write_new(&file, bytes)?;
            record.insert(name, ours);
            recorded = true;
        }
        changes.extend(change);
    }
    if recorded {
        write_copies(&record_path, &record)?;
    }
    Ok(changes)
}

/// The record of copies as `sha256sum` writes it, for `files` (path in the
/// book, bytes).
pub(crate) fn copies_record<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let record: std::collections::BTreeMap<String, String> = files
        .into_iter()
        .map(|(path, bytes)| (path.to_owned(), sha256(bytes)))
        .collect();
    render_copies(&record)
}

fn render_copies(record: &std::collections::BTreeMap<String, String>) -> String {
    let mut text = String::new();
    for (path, digest) in record {
        text.push_str(&format!("{digest}  {path}\n"));
    }
    text
}

/// The record at `path` (empty when there is none); lines that are not
/// `DIGEST  PATH` are ignored, so a damaged record only costs updates.
fn read_copies(path: &Path) -> Result<std::collections::BTreeMap<String, String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok(text
        .lines()
        .filter_map(|line| line.split_once("  "))
        .filter(|(digest, _)| digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(digest, path)| (path.to_owned(), digest.to_ascii_lowercase()))
        .collect())
}

fn write_copies(path: &Path, record: &std::collections::BTreeMap<String, String>) -> Result<()> {
    // Whole or not at all: a record cut short would make copies look edited.
    let text = render_copies(record);
    let partial = path.with_extension("partial");
    write_new(&partial, text.as_bytes())?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// The SHA-256 of `bytes` in lowercase hex.
fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
        let changes = provide_theme(dir.path(), listed).unwrap();
        assert_eq!(
            changes,
            [
                ThemeCopy::Unrecorded("theme/progress.js".into()),
                ThemeCopy::Written("theme/a11y.js".into())
            ]
        );
        let mine = std::fs::read_to_string(dir.path().join("theme/progress.js")).unwrap();
        assert_eq!(mine, "// mine", "the book's own copy wins");
        assert!(!dir.path().join("theme/unknown.js").exists());
        assert!(
            !dir.path().join("theme/mermaid.min.js").exists(),
            "not listed"
        );
        let record = std::fs::read_to_string(dir.path().join(COPIES)).unwrap();
        assert_eq!(
            record,
            copies_record([("theme/a11y.js", theme_bytes("theme/a11y.js"))]),
            "the copy written is recorded, the book's own file is not"
        );
        assert_eq!(
            provide_theme(dir.path(), [Path::new("theme/a11y.js")]).unwrap(),
            [],
            "an unedited copy of this version stays as it is"
        );
    }

    fn theme_bytes(path: &str) -> &'static [u8] {
        THEME.iter().find(|(p, _)| *p == path).unwrap().1
    }

    #[test]
    fn an_unedited_copy_of_another_version_is_updated_an_edited_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("theme")).unwrap();
        // What an older roadbook wrote and recorded.
        let old: &[u8] = b"// progress.js of an older roadbook\n";
        let old_store: &[u8] = b"// store.js of an older roadbook\n";
        std::fs::write(root.join("theme/progress.js"), old).unwrap();
        std::fs::write(
            root.join("theme/store.js"),
            b"// store.js, edited by the author\n",
        )
        .unwrap();
        std::fs::write(
            root.join(COPIES),
            copies_record([("theme/progress.js", old), ("theme/store.js", old_store)]),
        )
        .unwrap();
        let listed = [Path::new("theme/store.js"), Path::new("theme/progress.js")];
        let changes = provide_theme(root, listed).unwrap();
        assert_eq!(
            changes,
            [
                ThemeCopy::EditedAndOutdated("theme/store.js".into()),
                ThemeCopy::Updated("theme/progress.js".into())
            ]
        );
        assert_eq!(
            std::fs::read(root.join("theme/progress.js")).unwrap(),
            theme_bytes("theme/progress.js")
        );
        assert_eq!(
            std::fs::read(root.join("theme/store.js")).unwrap(),
            b"// store.js, edited by the author\n",
            "an edit is never lost"
        );
        let record = std::fs::read_to_string(root.join(COPIES)).unwrap();
        assert_eq!(
            record,
            copies_record([
                ("theme/progress.js", theme_bytes("theme/progress.js")),
                ("theme/store.js", old_store)
            ]),
        );
        assert!(!root.join("theme/.roadbook-copies.partial").exists());
        assert_eq!(
            provide_theme(root, listed).unwrap(),
            [ThemeCopy::EditedAndOutdated("theme/store.js".into())],
            "the update happens once"
        );
    }

    #[test]
    fn a_damaged_record_only_costs_updates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("theme")).unwrap();
        std::fs::write(root.join("theme/progress.js"), b"// old").unwrap();
        std::fs::write(
            root.join(COPIES),
            "not a digest  theme/progress.js\n\u{0}\n",
        )
        .unwrap();
        let changes = provide_theme(root, [Path::new("theme/progress.js")]).unwrap();
        assert_eq!(changes, [ThemeCopy::Unrecorded("theme/progress.js".into())]);
        assert_eq!(
            std::fs::read(root.join("theme/progress.js")).unwrap(),
            b"// old"
        );
    }

    #[test]
    fn sha256_is_the_published_digest() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

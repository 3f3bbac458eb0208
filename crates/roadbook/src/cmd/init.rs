//! `roadbook init [DIR]`: writes a small book that builds and checks clean
//! at once: book.toml, a roadmap showing the format, SUMMARY.md and an
//! about page, the theme assets, a diagram, the GitHub workflows and, with
//! `--with-code`, a reference crate whose one module and exercise page are
//! tested by `cargo test`. It never overwrites: a folder that already holds
//! a book (a book.toml or a roadmap.md) is refused.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::assets::{self, THEME, starter};
use crate::cli::InitArgs;

/// The stable ID of the starter roadmap's exercise (its page's file stem).
const EXERCISE_ID: &str = "w01-count-words-text";

/// The book.toml table naming the starter's reference crate.
const REFERENCE_TABLE: &str = "\n# The reference code the exercise pages verify: the search indexes it,\n\
# `roadbook build` puts its rustdoc under book/api/, and the exercise pages\n\
# link to the modules they use.\n\
[[preprocessor.roadbook.reference]]\n\
package = \"reference-code\"\n\
src = \"crates/reference-code/src\"\n";

/// The pull-request workflow's step testing the reference code.
const TEST_STEP: &str = "      - name: cargo test (the reference code and the exercise pages' examples)\n        run: cargo test --locked\n";

/// Runs `roadbook init`. `root` is `--root`, against which DIR is resolved.
pub(crate) fn run(root: &Path, quiet: bool, args: &InitArgs) -> Result<ExitCode> {
    let dir = root.join(&args.dir);
    for existing in ["book.toml", "roadmap.md"] {
        if dir.join(existing).exists() {
            bail!(
                "{} already holds a book ({existing} exists): roadbook init writes a new book and never overwrites one",
                dir.display()
            );
        }
    }
    let files = files(&dir, args.with_code);
    if let Some((path, _)) = files.iter().find(|(path, _)| dir.join(path).exists()) {
        bail!(
            "{} exists: roadbook init writes a new book and never overwrites a file",
            dir.join(path).display()
        );
    }
    for (path, bytes) in &files {
        assets::write_new(&dir.join(path), bytes)?;
    }
    if !quiet {
        eprintln!(
            "Wrote a new book to {} ({} files). Next:\n  cd {}\n  roadbook build    # the book into book/\n  roadbook serve    # see it, rebuilt on every change\n  roadbook check    # the gate the pull-request workflow runs",
            dir.display(),
            files.len(),
            args.dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Every file of the starter book, by path relative to its root.
fn files(dir: &Path, with_code: bool) -> Vec<(PathBuf, Vec<u8>)> {
    let title = dir
        .canonicalize()
        .ok()
        .or_else(|| std::path::absolute(dir).ok())
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|name| !name.is_empty())
        .map_or_else(|| "My Roadmap".to_owned(), |name| title_case(&name));
    let book_toml = starter::BOOK_TOML
        .replace("{title}", &title.replace('"', "'"))
        .replace("{reference}", if with_code { REFERENCE_TABLE } else { "" });
    let pull_request =
        starter::PULL_REQUEST.replace("{test}", if with_code { TEST_STEP } else { "" });
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("book.toml".into(), book_toml.into_bytes()),
        ("roadmap.md".into(), starter::ROADMAP.into()),
        ("src/SUMMARY.md".into(), starter::SUMMARY.into()),
        ("src/about.md".into(), starter::ABOUT.into()),
        ("diagrams/weeks-01-02.mmd".into(), starter::DIAGRAM.into()),
        (".gitignore".into(), starter::GITIGNORE.into()),
        (
            ".github/workflows/pull-request.yml".into(),
            pull_request.into_bytes(),
        ),
        (
            ".github/workflows/deploy.yml".into(),
            starter::DEPLOY.into(),
        ),
    ];
    files.extend(
        THEME
            .iter()
            .map(|(path, bytes)| ((*path).into(), bytes.to_vec())),
    );
    // Which theme files are roadbook's, so that a newer roadbook may update
    // them while they stay unedited.
    files.push((
        assets::COPIES.into(),
        assets::copies_record(THEME.iter().copied()).into_bytes(),
    ));
    let page = PathBuf::from(format!("src/exercises/{EXERCISE_ID}.md"));
    if with_code {
        files.extend([
            (page, starter::CODE_EXERCISE.into()),
            ("Cargo.toml".into(), starter::WORKSPACE_TOML.into()),
            ("Cargo.lock".into(), starter::WORKSPACE_LOCK.into()),
            (
                "crates/reference-code/Cargo.toml".into(),
                starter::CRATE_TOML.into(),
            ),
            (
                "crates/reference-code/src/lib.rs".into(),
                starter::CRATE_LIB.into(),
            ),
            (
                "crates/reference-code/src/words.rs".into(),
                starter::CRATE_MODULE.into(),
            ),
        ]);
    } else {
        files.push((page, starter::EXERCISE.into()));
    }
    files
}

/// `my-study-plan` → `My Study Plan`.
fn title_case(name: &str) -> String {
    name.split(['-', '_', ' '])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_comes_from_the_folder_name() {
        assert_eq!(title_case("my-study_plan"), "My Study Plan");
        assert_eq!(title_case("mybook"), "Mybook");
    }

    #[test]
    fn the_code_variant_adds_the_crate_and_its_table() {
        let dir = Path::new("some-book");
        let plain = files(dir, false);
        let code = files(dir, true);
        let names = |files: &[(PathBuf, Vec<u8>)]| -> Vec<String> {
            files.iter().map(|(p, _)| p.display().to_string()).collect()
        };
        assert!(!names(&plain).contains(&"Cargo.toml".to_owned()));
        assert!(names(&code).contains(&"crates/reference-code/src/words.rs".to_owned()));
        let toml = |files: &[(PathBuf, Vec<u8>)]| String::from_utf8(files[0].1.clone()).unwrap();
        assert!(toml(&code).contains("[[preprocessor.roadbook.reference]]"));
        assert!(!toml(&plain).contains("[[preprocessor.roadbook.reference]]"));
        assert!(toml(&plain).contains("title = \"Some Book\""));
    }
}

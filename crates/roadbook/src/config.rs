//! roadbook's settings: the `[preprocessor.roadbook]` table of `book.toml`,
//! plus the few mdBook settings roadbook reads (source and build folders,
//! repository URL).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// How `check` treats a hands-on item whose exercise page does not exist yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Level {
    /// Fail the check.
    #[default]
    Error,
    /// Report it and go on.
    Warning,
}

/// The `[preprocessor.roadbook]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct RoadbookConfig {
    /// mdBook's own key, accepted so the table stays valid for mdBook.
    pub(crate) optional: bool,
    /// mdBook's own key (the preprocessor command), accepted and ignored.
    pub(crate) command: Option<String>,
    /// mdBook's own ordering and renderer keys, accepted so that a book
    /// using `mdbook-roadbook` can set them (`mdbook-roadbook` checks that it
    /// runs after `links`).
    pub(crate) before: Vec<String>,
    /// See `before`.
    pub(crate) after: Vec<String>,
    /// See `before`.
    pub(crate) renderers: Vec<String>,
    /// The roadmap file, relative to the book root.
    pub(crate) roadmap: PathBuf,
    /// Severity of a hands-on item with no exercise page.
    pub(crate) missing_exercise_page: Level,
    /// Where `build` writes the tantivy index, relative to the book root.
    pub(crate) search_index: PathBuf,
    /// Where the Mermaid sources live, relative to the book root.
    pub(crate) diagrams: PathBuf,
    /// A folder of page templates replacing the built-in ones of the same
    /// name (`week.md.tera`, …), relative to the book root (default
    /// `templates`; a missing folder means the built-in ones).
    pub(crate) templates: Option<PathBuf>,
    /// The crates of reference code the exercise pages verify
    /// (`[[preprocessor.roadbook.reference]]`); none means a book without
    /// code: no code search results, no API links.
    pub(crate) reference: Vec<ReferenceCrate>,
    /// Where `build` puts the reference crates' rustdoc, relative to the
    /// build folder.
    pub(crate) api_docs: PathBuf,
    /// The interview prompt library (TOML), relative to the book root: a
    /// page per prompt, their index and the timed mock interview page. None
    /// means a book without interview practice.
    pub(crate) interview: Option<PathBuf>,
    /// The self-assessment's spec (areas, weights, levels, questions),
    /// relative to the book root: `build` makes the assessment page from
    /// it and `roadbook assess` scores answers files with it. None: a book
    /// without an assessment.
    pub(crate) assessment: Option<PathBuf>,
}

/// One crate of reference code: `[[preprocessor.roadbook.reference]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct ReferenceCrate {
    /// The Cargo package name (`my-patterns`); `cargo doc -p` takes it.
    pub(crate) package: String,
    /// Its source folder, relative to the book root (`crates/patterns/src`):
    /// indexed by the search, and how an excerpt's module is recognised.
    pub(crate) src: PathBuf,
    /// The crate's name in Rust paths, when it is not the package name with
    /// `-` replaced by `_`.
    #[serde(default)]
    pub(crate) crate_name: Option<String>,
    /// Modules nearly every example uses (an injected clock, seeded
    /// randomness): not what a page is about, left out of its coverage.
    #[serde(default)]
    pub(crate) support_modules: Vec<String>,
}

impl ReferenceCrate {
    /// The name Rust code uses for the crate (`my_patterns`).
    pub(crate) fn crate_name(&self) -> String {
        self.crate_name
            .clone()
            .unwrap_or_else(|| self.package.replace('-', "_"))
    }

    /// The crate as the block classifier of `book_tests` sees it.
    pub(crate) fn code_crate(&self) -> book_tests::CodeCrate {
        book_tests::CodeCrate {
            name: self.crate_name(),
            src: self.src.to_string_lossy().replace('\\', "/"),
        }
    }
}

impl Default for RoadbookConfig {
    fn default() -> Self {
        Self {
            optional: true,
            command: None,
            before: Vec::new(),
            after: Vec::new(),
            renderers: Vec::new(),
            roadmap: PathBuf::from("roadmap.md"),
            missing_exercise_page: Level::Error,
            search_index: PathBuf::from("search-index"),
            diagrams: PathBuf::from("diagrams"),
            templates: Some(PathBuf::from("templates")),
            reference: Vec::new(),
            api_docs: PathBuf::from("api"),
            interview: None,
            assessment: None,
        }
    }
}

/// Everything roadbook needs to know about a book, resolved against its root.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The book root (the folder holding `book.toml`).
    pub(crate) root: PathBuf,
    /// The Markdown source folder (`[book] src`), absolute.
    pub(crate) src: PathBuf,
    /// The output folder (`[build] build-dir`), absolute.
    pub(crate) build_dir: PathBuf,
    /// `[output.html] git-repository-url`, used for "edit in roadmap.md" links.
    pub(crate) repository_url: Option<String>,
    /// `[output.html] edit-url-template`, with `{path}` standing for a file
    /// path relative to the book root.
    pub(crate) edit_url_template: Option<String>,
    /// roadbook's own table.
    pub(crate) roadbook: RoadbookConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct BookToml {
    book: BookTable,
    build: BuildTable,
    output: OutputTable,
    preprocessor: PreprocessorTable,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BookTable {
    title: Option<String>,
    src: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct BuildTable {
    build_dir: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OutputTable {
    html: HtmlTable,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct HtmlTable {
    git_repository_url: Option<String>,
    edit_url_template: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PreprocessorTable {
    roadbook: RoadbookConfig,
}

impl Config {
    /// Reads `book.toml` in `root`.
    pub(crate) fn load(root: &Path) -> Result<Config> {
        let path = root.join("book.toml");
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "cannot read {}: run roadbook from the book's root or pass --root DIR",
                path.display()
            )
        })?;
        Self::from_toml(root, &text).with_context(|| format!("invalid {}", path.display()))
    }

    /// Parses the text of a `book.toml` whose book root is `root`.
    pub(crate) fn from_toml(root: &Path, text: &str) -> Result<Config> {
        let toml: BookToml = toml::from_str(text)?;
        let src = root.join(toml.book.src.unwrap_or_else(|| PathBuf::from("src")));
        let build_dir = root.join(
            toml.build
                .build_dir
                .unwrap_or_else(|| PathBuf::from("book")),
        );
        Ok(Config {
            root: root.to_path_buf(),
            src,
            build_dir,
            repository_url: toml.output.html.git_repository_url,
            edit_url_template: toml.output.html.edit_url_template,
            roadbook: toml.preprocessor.roadbook,
        })
    }

    /// The roadmap file, absolute.
    pub(crate) fn roadmap_path(&self) -> PathBuf {
        self.root.join(&self.roadbook.roadmap)
    }

    /// The search index folder, absolute.
    pub(crate) fn search_index_path(&self) -> PathBuf {
        self.root.join(&self.roadbook.search_index)
    }

    /// The reference crates as the block classifier sees them.
    pub(crate) fn code_crates(&self) -> Vec<book_tests::CodeCrate> {
        self.roadbook
            .reference
            .iter()
            .map(ReferenceCrate::code_crate)
            .collect()
    }

    /// The modules of the reference crates that say nothing about a page.
    pub(crate) fn support_modules(&self) -> Vec<&str> {
        self.roadbook
            .reference
            .iter()
            .flat_map(|c| &c.support_modules)
            .map(String::as_str)
            .collect()
    }

    /// The assessment spec named by book.toml, absolute.
    pub(crate) fn assessment_path(&self) -> Option<PathBuf> {
        self.roadbook.assessment.as_ref().map(|p| self.root.join(p))
    }

    /// The folder of exercise pages, absolute.
    pub(crate) fn exercises_dir(&self) -> PathBuf {
        self.src.join("exercises")
    }

    /// A link that opens `path` (relative to the book root) for editing,
    /// scrolled to `line` where the host supports it.
    pub(crate) fn edit_url(&self, path: &str, line: Option<u32>) -> Option<String> {
        let url = match (&self.edit_url_template, &self.repository_url) {
            (Some(template), _) => template.replace("{path}", path),
            (None, Some(repo)) => format!("{}/edit/main/{path}", repo.trim_end_matches('/')),
            (None, None) => return None,
        };
        Some(match line {
            Some(line) => format!("{url}#L{line}"),
            None => url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_roadbook_table_and_mdbook_keys() {
        let config = Config::from_toml(
            Path::new("/b"),
            r#"
            [book]
            title = "T"
            [output.html]
            git-repository-url = "https://example.org/r"
            [preprocessor.roadbook]
            optional = true
            missing-exercise-page = "warning"
            "#,
        )
        .unwrap();
        assert_eq!(config.src, Path::new("/b/src"));
        assert_eq!(config.roadbook.missing_exercise_page, Level::Warning);
        assert_eq!(
            config.edit_url("roadmap.md", Some(7)).as_deref(),
            Some("https://example.org/r/edit/main/roadmap.md#L7")
        );
    }

    #[test]
    fn reads_the_reference_crates() {
        let config = Config::from_toml(
            Path::new("/b"),
            r#"
            [preprocessor.roadbook]
            [[preprocessor.roadbook.reference]]
            package = "my-patterns"
            src = "crates/mine/src"
            support-modules = ["clock"]
            [[preprocessor.roadbook.reference]]
            package = "other"
            crate-name = "renamed"
            src = "other/src"
            "#,
        )
        .unwrap();
        let crates = config.code_crates();
        assert_eq!(crates[0].name, "my_patterns");
        assert_eq!(crates[0].src, "crates/mine/src");
        assert_eq!(crates[1].name, "renamed");
        assert_eq!(config.support_modules(), ["clock"]);
        assert_eq!(config.roadbook.api_docs, Path::new("api"));
        let none = Config::from_toml(Path::new("/b"), "").unwrap();
        assert!(none.code_crates().is_empty());
    }

    #[test]
    fn rejects_unknown_roadbook_keys() {
        let err = Config::from_toml(
            Path::new("/b"),
            "[preprocessor.roadbook]\nroadmapp = \"x\"\n",
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("unknown field `roadmapp`"),
            "{err:#}"
        );
    }
}

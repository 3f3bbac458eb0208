//! Running mdBook in-process: the generated pages and our preprocessors go
//! into mdbook-driver, the HTML comes out in the build folder, swapped in
//! whole so that a failed build leaves the previous one untouched.

use std::cell::Cell;
use std::path::Path;
#[cfg(test)]
use std::path::PathBuf;
use std::sync::Once;

use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use mdbook_driver::config::Config as MdConfig;
use mdbook_mermaid::Mermaid;
use roadbook_staging::Staging;

use crate::config::Config;
use crate::pages::Page;

mod emit;
pub(crate) mod generated_text;
mod highlight_pieces;
mod not_found;
pub(crate) mod offline;
mod on_demand;
pub(crate) mod preprocess;
mod progress;
mod sidebar;

pub(crate) use progress::Progress;

/// How to run one build.
#[derive(Debug, Clone)]
pub(crate) struct BuildOptions {
    /// Where the finished book goes (replaced atomically).
    pub(crate) dest: std::path::PathBuf,
    /// Also write the whole source tree (generated pages included) here.
    pub(crate) emit_sources: Option<std::path::PathBuf>,
    /// Print nothing but errors.
    pub(crate) quiet: bool,
    /// Folders put into the book before it is swapped in (hard links where
    /// the file system allows, see `api_docs::copy_dir`): (folder, path
    /// inside the book), e.g. the API reference under `api/`.
    pub(crate) add: Vec<(std::path::PathBuf, std::path::PathBuf)>,
    /// Files roadbook writes into the book besides mdBook's output (data
    /// files the theme's scripts read, downloads): (path inside the book,
    /// bytes). Written into the staging folder, so they are swapped in with
    /// the pages or not at all.
    pub(crate) files: Vec<(std::path::PathBuf, Vec<u8>)>,
    /// Stages run on the staged book once mdBook has written it, each
    /// returning more files like `files` (the browser's search index, made
    /// from the staged HTML so that it goes in with the pages).
    pub(crate) from_staged: Vec<FromStaged>,
}

/// Files made from the staged book: (path inside the book, bytes).
pub(crate) type StagedFiles = Vec<(std::path::PathBuf, Vec<u8>)>;

/// The work of a [`FromStaged`] stage: the staged book's folder in, files out.
pub(crate) type StagedWork = dyn Fn(&Path) -> Result<StagedFiles> + Send + Sync;

/// A stage that makes files from the staged book (given its folder).
#[derive(Clone)]
pub(crate) struct FromStaged(pub(crate) std::sync::Arc<StagedWork>);

impl std::fmt::Debug for FromStaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FromStaged(..)")
    }
}

/// Builds the book with `pages` as its generated part into `options.dest`.
///
/// The HTML is written to a fresh folder next to `dest` and renamed over it
/// once complete: on any error `dest` keeps the previous build.
pub(crate) fn build(config: &Config, pages: Vec<Page>, options: &BuildOptions) -> Result<()> {
    forward_mdbook_messages(options.quiet);
    let dest = std::path::absolute(&options.dest).with_context(|| {
        format!(
            "cannot resolve the output folder {}",
            options.dest.display()
        )
    })?;
    let staging = Staging::next_to(&dest)?;
    let book = load(config, pages, staging.path())?;
    let errors_before = MDBOOK_ERRORS.get();
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| book.build()));
    let failed = || {
        format!(
            "mdBook could not build the book of {}",
            config.root.display()
        )
    };
    match built {
        Ok(result) => result.with_context(failed)?,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return Err(anyhow::anyhow!("mdBook failed: {message}")).with_context(failed);
        }
    }
    // mdBook reports some failures (a missing `{{#include}}` file) only as
    // messages and builds on: they fail the build all the same.
    let errors = MDBOOK_ERRORS.get() - errors_before;
    if errors > 0 {
        anyhow::bail!(
            "mdBook reported {errors} error{} (above): {} was left as it was",
            if errors == 1 { "" } else { "s" },
            options.dest.display()
        );
    }
    if let Some(dir) = &options.emit_sources {
        let dir = std::path::absolute(dir)
            .with_context(|| format!("cannot resolve the sources folder {}", dir.display()))?;
        let sources = Staging::next_to(&dir)?;
        emit::write(&book, sources.path())
            .with_context(|| format!("cannot write the book's sources to {}", dir.display()))?;
        sources.replace(&dir)?;
    }
    for (from, inside) in &options.add {
        crate::api_docs::copy_dir(from, &staging.path().join(inside))?;
    }
    for (inside, bytes) in &options.files {
        crate::assets::write_new(&staging.path().join(inside), bytes)?;
    }
    let additional_js = book
        .config
        .html_config()
        .map(|html| html.additional_js)
        .unwrap_or_default();
    on_demand::write(&config.root, &additional_js, staging.path())?;
    not_found::write(staging.path())?;
    sidebar::write(staging.path())?;
    for stage in &options.from_staged {
        for (inside, bytes) in (stage.0)(staging.path())? {
            crate::assets::write_new(&staging.path().join(inside), &bytes)?;
        }
    }
    // Last: the worker's version is the digest of everything else.
    offline::write(&config.root, &additional_js, staging.path())?;
    staging.replace(&dest)
}

/// Loads the book at `config.root` the way roadbook builds it: our
/// preprocessor and Mermaid's registered, output going to `build_dir`.
fn load(config: &Config, pages: Vec<Page>, build_dir: &Path) -> Result<MDBook> {
    let toml = config.root.join("book.toml");
    let mut md_config = if toml.exists() {
        MdConfig::from_disk(&toml)
            .with_context(|| format!("mdBook cannot read {}", toml.display()))?
    } else {
        MdConfig::default()
    };
    md_config
        .update_from_env()
        .context("mdBook cannot read its MDBOOK_* environment variables")?;
    md_config.build.build_dir = build_dir.to_path_buf();
    if let Some(html) = md_config.html_config() {
        let listed = html.additional_js.iter().chain(&html.additional_css);
        for change in crate::assets::provide_theme(&config.root, listed.map(|p| p.as_path()))? {
            tracing::warn!("{change}");
        }
    }
    // Registering a preprocessor under the name of a `[preprocessor.NAME]`
    // table replaces the command mdBook would run for it, in the place the
    // table's `before`/`after` give it (mdbook-driver keeps them in an
    // IndexMap ordered at load time). So both get a table here: ours runs
    // before `links` expands `{{#include}}` in written pages (and before
    // `index`), Mermaid after ours and after `links`, so that generated and
    // included diagrams are converted too.
    md_config.set(
        format!("preprocessor.{}.before", preprocess::NAME),
        ["links", "index"],
    )?;
    md_config.set(
        format!("preprocessor.{}.after", generated_text::NAME),
        ["links"],
    )?;
    md_config.set(
        "preprocessor.mermaid.after",
        [preprocess::NAME, "links", generated_text::NAME],
    )?;

    let summary = config.src.join("SUMMARY.md");
    let mut book = if summary.exists() {
        MDBook::load_with_config(&config.root, md_config)
    } else {
        // A book made of generated pages only.
        MDBook::load_with_config_and_summary(
            &config.root,
            md_config,
            mdbook_summary::Summary::default(),
        )
    }
    .with_context(|| {
        format!(
            "mdBook could not load the book listed in {}",
            summary.display()
        )
    })?;

    let edit_source = preprocess::relative_to(&config.src, &config.roadmap_path());
    book.with_preprocessor(generated_text::GeneratedText::new(&pages));
    book.with_preprocessor(preprocess::RoadbookPreprocessor::new(
        pages,
        config.src.clone(),
        edit_source,
    ));
    book.with_preprocessor(Mermaid);
    Ok(book)
}

/// Shows mdBook's own warnings and errors (a missing `{{#include}}` file, an
/// optional preprocessor not installed) on stderr; only errors when `quiet`.
fn forward_mdbook_messages(quiet: bool) {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let level = if quiet {
            tracing_subscriber::filter::LevelFilter::ERROR
        } else {
            tracing_subscriber::filter::LevelFilter::WARN
        };
        let _ = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(std::io::stderr)
            .event_format(MdbookLine)
            .try_init();
    });
}

thread_local! {
    /// How many errors mdBook has reported on this thread (mdBook builds on
    /// the thread that calls it).
    static MDBOOK_ERRORS: Cell<usize> = const { Cell::new(0) };
}

/// `warning: mdBook: …`, like our own messages; counts the errors.
struct MdbookLine;

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for MdbookLine
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let level = match *event.metadata().level() {
            tracing::Level::ERROR => {
                MDBOOK_ERRORS.set(MDBOOK_ERRORS.get() + 1);
                "error"
            }
            tracing::Level::WARN => "warning",
            _ => "note",
        };
        write!(writer, "{level}: mdBook: ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// The files of a built book, relative to its folder, sorted.
#[cfg(test)]
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::PageSource;

    const BOOK_TOML: &str = r#"
[book]
title = "Test book"

[output.html]
edit-url-template = "https://example.org/edit/{path}"
additional-js = ["theme/mermaid.min.js", "theme/mermaid-init.js", "theme/progress.js"]

[preprocessor.roadbook]
optional = true
"#;

    /// A book root with a SUMMARY.md listing `intro.md` and an exercise page.
    fn fixture() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        std::fs::write(dir.join("book.toml"), BOOK_TOML).unwrap();
        std::fs::create_dir_all(dir.join("src/exercises")).unwrap();
        std::fs::create_dir_all(dir.join("theme")).unwrap();
        for js in ["mermaid.min.js", "mermaid-init.js", "progress.js"] {
            std::fs::write(dir.join("theme").join(js), format!("// {js}\n")).unwrap();
        }
        std::fs::write(dir.join("included.txt"), "INCLUDED TEXT").unwrap();
        std::fs::write(
            dir.join("src/exercises/w01-unlisted.md"),
            "# Two\n\n{{#include ../../included.txt}}\n\n```mermaid\ngraph TD\nP --> Q\n```\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("src/SUMMARY.md"),
            "# Summary\n\n[Intro](intro.md)\n\n- [Ex](exercises/w01-ex.md)\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("src/intro.md"),
            "# Intro\n\n```mermaid\ngraph TD\nA --> B\n```\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("src/exercises/w01-ex.md"),
            "# Exercise\n\n{{#include ../../included.txt}}\n",
        )
        .unwrap();
        root
    }

    fn pages() -> Vec<Page> {
        vec![Page {
            path: "weeks/week-01.md".into(),
            title: "Week 1".into(),
            source: PageSource::Generated(
                "# Week 1\n\n<input type=\"checkbox\" data-progress-id=\"w01-a\"> A\n\n```mermaid\ngraph LR\nX --> Y\n```\n"
                    .into(),
            ),
            children: vec![
                Page {
                    path: "exercises/w01-ex.md".into(),
                    title: "Exercise one".into(),
                    source: PageSource::Written,
                    children: vec![],
                    appendix: None,
                },
                // Not in SUMMARY.md: only we read it, so `links` must run after us.
                Page {
                    path: "exercises/w01-unlisted.md".into(),
                    title: "Exercise two".into(),
                    source: PageSource::Written,
                    children: vec![],
                    appendix: None,
                },
            ],
            appendix: None,
        }]
    }

    fn options(dest: &Path) -> BuildOptions {
        BuildOptions {
            dest: dest.to_path_buf(),
            emit_sources: None,
            quiet: true,
            add: Vec::new(),
            files: vec![("data/plan.js".into(), b"// data".to_vec())],
            from_staged: Vec::new(),
        }
    }

    #[test]
    fn builds_generated_and_written_pages_with_mermaid_and_includes() {
        let root = fixture();
        let config = Config::load(root.path()).unwrap();
        let dest = root.path().join("out");
        build(&config, pages(), &options(&dest)).unwrap();

        let week = std::fs::read_to_string(dest.join("weeks/week-01.html")).unwrap();
        assert!(
            week.contains("<pre class=\"mermaid\">graph LR\nX --&gt; Y\n</pre>"),
            "{week}"
        );
        assert!(week.contains("data-progress-id=\"w01-a\""), "{week}");
        // The edit button of a generated page opens the roadmap.
        assert!(week.contains("src/../roadmap.md"), "{week}");
        let exercise = std::fs::read_to_string(dest.join("exercises/w01-ex.html")).unwrap();
        assert!(
            exercise.contains("INCLUDED TEXT"),
            "links ran after us: {exercise}"
        );
        let unlisted = std::fs::read_to_string(dest.join("exercises/w01-unlisted.html")).unwrap();
        assert!(
            unlisted.contains("INCLUDED TEXT"),
            "links ran after us: {unlisted}"
        );
        assert!(
            unlisted.contains("<pre class=\"mermaid\">graph TD"),
            "mermaid ran after us"
        );
        let intro = std::fs::read_to_string(dest.join("intro.html")).unwrap();
        assert!(
            intro.contains("<pre class=\"mermaid\">"),
            "mermaid ran on written pages"
        );
        // The exercise appears once in the table of contents, under its week.
        let toc = std::fs::read_to_string(dest.join("toc.html")).unwrap();
        assert_eq!(toc.matches("exercises/w01-ex.html").count(), 1, "{toc}");
        assert!(
            toc.find("weeks/week-01.html") < toc.find("intro.html"),
            "generated pages first"
        );
        assert!(
            files_under(&dest).iter().any(|f| f.starts_with("theme")),
            "assets copied"
        );
        let data = std::fs::read(dest.join("data/plan.js")).unwrap();
        assert_eq!(
            data, b"// data",
            "roadbook's own files are swapped in with the pages"
        );
        // Nothing staged is left next to the output.
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".out."))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn our_preprocessor_replaces_the_external_command_of_its_table() {
        // Without `optional = true`, mdBook would fail if it tried to run
        // `mdbook-roadbook` (not installed) for the table.
        let root = fixture();
        let toml = BOOK_TOML.replace("optional = true\n", "");
        std::fs::write(root.path().join("book.toml"), toml).unwrap();
        let config = Config::load(root.path()).unwrap();
        build(&config, pages(), &options(&root.path().join("out"))).unwrap();
    }

    #[test]
    fn a_failed_build_keeps_the_previous_output() {
        let root = fixture();
        let config = Config::load(root.path()).unwrap();
        let dest = root.path().join("out");
        build(&config, pages(), &options(&dest)).unwrap();
        let before = files_under(&dest);

        let mut broken = pages();
        broken[0].children[0].path = "exercises/missing.md".into();
        let err = build(&config, broken, &options(&dest)).unwrap_err();
        assert!(
            format!("{err:#}").contains("exercises/missing.md"),
            "{err:#}"
        );
        assert_eq!(files_under(&dest), before);
        assert!(dest.join("weeks/week-01.html").exists());
    }

    #[test]
    fn builds_without_a_summary() {
        let root = fixture();
        std::fs::remove_file(root.path().join("src/SUMMARY.md")).unwrap();
        let config = Config::load(root.path()).unwrap();
        let dest = root.path().join("out");
        build(&config, pages(), &options(&dest)).unwrap();
        let index = std::fs::read_to_string(dest.join("index.html")).unwrap();
        assert!(
            index.contains("Week 1"),
            "the first generated page is the index"
        );
    }

    #[test]
    fn emitted_sources_hold_the_preprocessed_chapters() {
        let root = fixture();
        let config = Config::load(root.path()).unwrap();
        let sources = root.path().join("emitted");
        let mut opts = options(&root.path().join("out"));
        opts.emit_sources = Some(sources.clone());
        build(&config, pages(), &opts).unwrap();

        let summary = std::fs::read_to_string(sources.join("src/SUMMARY.md")).unwrap();
        insta::assert_snapshot!(summary, @r"
        # Summary

        - [Week 1](weeks/week-01.md)
            - [Exercise one](exercises/w01-ex.md)
            - [Exercise two](exercises/w01-unlisted.md)
        - [Intro](intro.md)
        ");
        let week = std::fs::read_to_string(sources.join("src/weeks/week-01.md")).unwrap();
        assert!(week.contains("<pre class=\"mermaid\">"), "{week}");
        let exercise = std::fs::read_to_string(sources.join("src/exercises/w01-ex.md")).unwrap();
        assert!(exercise.contains("INCLUDED TEXT"), "{exercise}");
        let toml = std::fs::read_to_string(sources.join("book.toml")).unwrap();
        assert!(!toml.contains("preprocessor"), "{toml}");
        assert!(sources.join("theme/mermaid.min.js").exists());
    }
}

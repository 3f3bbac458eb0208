//! `roadbook build`: parse the roadmap, render the generated pages, run
//! mdBook, build the search index; `serve` runs the same steps on each change.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::api_docs::{self, ApiDocs};
use crate::book::{self, BuildOptions, Progress};
use crate::cli::{BuildArgs, Format};
use crate::pages::{self, Page};
use crate::project::Project;
use crate::report;

/// Runs `roadbook build`.
pub(crate) fn run(root: &Path, quiet: bool, args: &BuildArgs) -> Result<ExitCode> {
    let request = Request {
        format: args.format,
        dest: args.dest_dir.clone(),
        emit_sources: args.emit_sources.clone(),
        api_docs: !args.no_api_docs,
    };
    Ok(match build(root, Progress::new(quiet), &request)? {
        Outcome::Built => ExitCode::SUCCESS,
        Outcome::InputErrors => ExitCode::from(1),
    })
}

/// What one build is asked to do.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// How diagnostics are printed.
    pub(crate) format: Format,
    /// The output folder, relative to the book root (book.toml's `build-dir`
    /// when `None`).
    pub(crate) dest: Option<PathBuf>,
    /// Where to write the book's sources too, relative to the book root.
    pub(crate) emit_sources: Option<PathBuf>,
    /// Whether to build the reference crates' API reference into the book.
    pub(crate) api_docs: bool,
}

/// How a build ended when roadbook itself did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The book (and index) were written.
    Built,
    /// The input has errors; they were printed and nothing was written.
    InputErrors,
}

/// Builds the book at `root`, printing diagnostics and a progress line per
/// stage. Errors in the roadmap or pages are an [`Outcome`]; an `Err` means
/// roadbook could not run (unreadable files, mdBook failing, I/O).
pub(crate) fn build(root: &Path, progress: Progress, request: &Request) -> Result<Outcome> {
    let project = progress.stage(
        "Parsed",
        |project: &Project| {
            let weeks = project.parsed.roadmap.weeks().count();
            format!(
                "{} ({weeks} weeks)",
                project.config.roadbook.roadmap.display()
            )
        },
        || Project::load(root),
    )?;

    // Diagnostics: errors always, warnings unless quiet.
    let shown: Vec<_> = project
        .diagnostics
        .iter()
        .filter(|d| !progress.is_quiet() || d.is_error())
        .cloned()
        .collect();
    report::print_for_build(&shown, &project.sources, request.format)?;
    if project.has_errors() {
        return Ok(Outcome::InputErrors);
    }

    let config = &project.config;
    let api = if request.api_docs && !config.roadbook.reference.is_empty() {
        progress.stage(
            "Documented",
            |api: &Option<ApiDocs>| match api {
                Some(api) if api.ran => "the reference crates with cargo doc".to_owned(),
                _ => "the reference crates (cargo doc's output is up to date)".to_owned(),
            },
            || api_docs::build(config),
        )?
    } else {
        None
    };
    let mut inputs = project.page_inputs()?;
    inputs.api = api.as_ref().map(|api| api.links.clone());
    let mut pages = progress.stage(
        "Rendered",
        |pages: &Vec<Page>| format!("{} pages", count(pages)),
        || pages::generate(&project.parsed.roadmap, config, &inputs),
    )?;
    let kits = crate::practice::for_book(&project, &mut pages)?;

    let dest = match &request.dest {
        Some(dest) => config.root.join(dest),
        None => config.build_dir.clone(),
    };
    // Folders left by builds that were killed go first.
    crate::leftovers::remove(&dest);
    crate::leftovers::remove(&config.search_index_path());
    // The search index starts on the reference code while mdBook runs.
    let index = super::search::start_index(config, &dest);
    // The browser index reads the staged pages and takes the code's records
    // from the index's thread; it hands the pages' records to that thread,
    // which indexes them while the rest of the book is written.
    let mut options = BuildOptions {
        dest: dest.clone(),
        emit_sources: request
            .emit_sources
            .as_ref()
            .map(|dir| config.root.join(dir)),
        quiet: progress.is_quiet(),
        add: api
            .iter()
            .map(|api| (api.dir.clone(), config.roadbook.api_docs.clone()))
            .collect(),
        files: crate::book_data::files(&project.parsed.roadmap, &inputs)
            .into_iter()
            .chain([(
                "theme/progress-home.js".into(),
                crate::assets::theme_file(&config.root, "progress-home.js")?,
            )])
            .chain(kits)
            .chain(crate::interview_pages::files(config)?)
            .chain(match &project.assessment {
                Some(_) => crate::assets::page_assets(&config.root, crate::assess_page::ASSETS)?,
                None => Vec::new(),
            })
            .collect(),
        from_staged: vec![crate::browser_search::stage(
            progress,
            display_path(&config.root, &dest),
            super::search::sources(config, &dest),
            index.code_records(),
            index.pages_feed(),
        )],
    };
    if crate::plan_page::applies(&project.parsed.roadmap) {
        options.files.extend(crate::plan_page::files(config)?);
    }
    progress.stage(
        "Built",
        |_| format!("{} with mdBook", display_path(&config.root, &dest)),
        || book::build(config, pages, &options),
    )?;
    if let Some(dir) = &options.emit_sources {
        progress.line(
            "Wrote",
            &format!("the book's sources to {}", display_path(&config.root, dir)),
        );
    }

    let index_dir = config.search_index_path();
    progress.stage(
        "Indexed",
        |report: &roadbook_search::BuildReport| {
            format!(
                "{} documents into {}",
                report.documents,
                display_path(&config.root, &index_dir)
            )
        },
        || super::search::finish_index(config, index),
    )?;
    // Both are in place: mark them as one build (the index first, so that
    // a build killed before this point leaves them disagreeing).
    let stamp = crate::build_stamp::of_book(&dest)?;
    crate::build_stamp::write(&index_dir, &stamp)?;
    crate::build_stamp::write(&dest, &stamp)?;

    Ok(Outcome::Built)
}

/// `path` as the user thinks of it: relative to the book root when inside it.
fn display_path(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(inside) if !inside.as_os_str().is_empty() => inside.display().to_string(),
        _ => path.display().to_string(),
    }
}

/// How many pages a page tree holds.
fn count(pages: &[Page]) -> usize {
    pages.iter().map(|page| 1 + count(&page.children)).sum()
}

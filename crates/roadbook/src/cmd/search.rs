//! `roadbook search`: ranked offline search over the index that `build`
//! writes, and the index build step itself.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result};
use roadbook_search::render::{self, Style};
use roadbook_search::{BuildReport, Filters, Hit, IndexBuild, Kind, SearchIndex, Sources};

use crate::cli::SearchArgs;
use crate::config::Config;

/// Runs `roadbook search`.
pub(crate) fn run(root: &Path, args: &SearchArgs) -> Result<ExitCode> {
    let config = Config::load(root)?;
    let index = open_index(&config)?;
    let filters = Filters {
        weeks: args
            .week
            .as_deref()
            .map(roadbook_search::parse_week_range)
            .transpose()?,
        kind: args.kind.as_deref().map(check_kind).transpose()?,
    };
    let query = args.query.join(" ");
    let hits = index.search(&query, &filters, args.limit)?;

    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        render::write_json(&mut out, &hits)?;
    } else if hits.is_empty() {
        eprintln!("no results for `{query}`");
    } else {
        let style = Style {
            color: render::use_color(),
        };
        let locate = |hit: &Hit| locate(&config, args.base_url.as_deref(), hit);
        render::write_hits(&mut out, &hits, style, &locate)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the book's index, warning on stderr when a source changed after it
/// was built.
pub(crate) fn open_index(config: &Config) -> Result<SearchIndex> {
    let dir = config.search_index_path();
    let index = SearchIndex::open(&display_path(&dir))?;
    if crate::build_stamp::disagree(&config.build_dir, &dir) {
        eprintln!(
            "warning: the search index is stale: {} and {} come from different builds; run \
             `roadbook build`",
            display_path(&dir).display(),
            display_path(&config.build_dir).display()
        );
    }
    if let Some(built) = index.built_at()
        && let Some(changed) = newer_source(config, built)
    {
        eprintln!(
            "warning: {} changed after the search index was built: run `roadbook build` to \
             refresh it",
            display_path(&changed).display()
        );
    }
    Ok(index)
}

/// The first source (roadmap or hand-written page) modified after `built`.
fn newer_source(config: &Config, built: SystemTime) -> Option<PathBuf> {
    let newer = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified > built)
    };
    let roadmap = config.roadmap_path();
    if newer(&roadmap) {
        return Some(roadmap);
    }
    walkdir::WalkDir::new(&config.src)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .find(|p| newer(p))
}

fn check_kind(kind: &str) -> Result<String> {
    let kind = kind.trim().to_lowercase();
    match Kind::from_name(&kind) {
        Some(kind) => Ok(kind.as_str().to_owned()),
        None => anyhow::bail!(
            "unknown kind `{kind}`: expected one of {}",
            Kind::ALL.map(Kind::as_str).join(", ")
        ),
    }
}

/// Where to open a hit: the file in the built book (or its URL under
/// `base_url`), or the source line for reference code.
fn locate(config: &Config, base_url: Option<&str>, hit: &Hit) -> String {
    if hit.kind == "code" {
        let line = hit.line.map(|l| format!(":{l}")).unwrap_or_default();
        return match (base_url, &config.repository_url) {
            (Some(_), Some(repo)) => format!(
                "{}/blob/main/{}{}",
                repo.trim_end_matches('/'),
                hit.source,
                hit.line.map(|l| format!("#L{l}")).unwrap_or_default()
            ),
            _ => format!(
                "{}{line}",
                display_path(&config.root.join(&hit.source)).display()
            ),
        };
    }
    match base_url {
        Some(base) => format!("{}/{}", base.trim_end_matches('/'), hit.url),
        None => format!("{}/{}", display_path(&config.build_dir).display(), hit.url),
    }
}

/// `path` without a leading `./`, for messages.
fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

/// Starts the search index of the book that is about to be written to
/// `book_dir`, into the index folder book.toml names: the reference code is
/// indexed while mdBook runs; [`finish_index`] adds the built pages.
pub(crate) fn start_index(config: &Config, book_dir: &Path) -> IndexBuild {
    IndexBuild::start(&sources(config, book_dir), &config.search_index_path())
}

/// What the search indexes of the book built into `book_dir` are made of.
pub(crate) fn sources(config: &Config, book_dir: &Path) -> Sources {
    Sources {
        root: config.root.clone(),
        book_dir: book_dir.to_path_buf(),
        src_dir: config.src.clone(),
        roadmap: config.roadmap_path(),
        code_dirs: config
            .roadbook
            .reference
            .iter()
            .map(|krate| config.root.join(&krate.src))
            .filter(|dir| dir.is_dir())
            .collect(),
        not_pages: vec![config.roadbook.api_docs.clone()],
    }
}

/// Finishes an index started by [`start_index`] once the book is built.
pub(crate) fn finish_index(config: &Config, build: IndexBuild) -> Result<BuildReport> {
    let dest = config.search_index_path();
    let report = build
        .finish()
        .with_context(|| format!("cannot build the search index {}", dest.display()))?;
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(report)
}

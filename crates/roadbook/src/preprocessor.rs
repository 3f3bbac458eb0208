//! `mdbook-roadbook`: the generated pages for a book that `mdbook build`
//! builds. mdBook runs the command named by `[preprocessor.roadbook]
//! command = "mdbook-roadbook"`: first `mdbook-roadbook supports RENDERER`
//! (exit 0 for `html`), then with the JSON `[context, book]` on stdin,
//! expecting the book back on stdout. The pages are the ones `roadbook
//! build` makes, from the same book.toml table, minus what needs roadbook's
//! own build: the API reference (no `cargo doc`, so no API links), Mermaid
//! (add mdbook-mermaid) and the search index.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mdbook_preprocessor::Preprocessor as _;

use crate::book::generated_text::GeneratedText;
use crate::book::preprocess::{RoadbookPreprocessor, relative_to};
use crate::cli::Format;
use crate::project::Project;

/// The renderers the generated pages are written for: Markdown carrying
/// HTML (checkboxes, `data-*` attributes) that only the HTML renderer shows.
const RENDERERS: &[&str] = &["html"];

/// Runs `mdbook-roadbook` with `args` (without the program name).
pub(crate) fn run(args: Vec<String>) -> Result<ExitCode> {
    match args.as_slice() {
        [command, renderer] if command == "supports" => {
            Ok(if RENDERERS.contains(&renderer.as_str()) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        [] => preprocess(std::io::stdin().lock(), std::io::stdout().lock()),
        [flag] if flag == "--version" || flag == "-V" => {
            println!("mdbook-roadbook {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!(
            "usage: mdbook-roadbook [supports RENDERER]: mdBook runs it for a book whose \
             book.toml has `[preprocessor.roadbook]` with `command = \"mdbook-roadbook\"`"
        ),
    }
}

/// Reads mdBook's `[context, book]` from `input` and writes the book with
/// the generated pages to `output`. Errors in the roadmap are printed on
/// stderr and fail the run (mdBook then stops the build).
fn preprocess(input: impl std::io::Read, mut output: impl std::io::Write) -> Result<ExitCode> {
    let (ctx, book) = mdbook_preprocessor::parse_input(input)
        .context("cannot read the book mdBook sends on stdin")?;
    let project = Project::load(&ctx.root)?;
    crate::report::print_for_build(&project.diagnostics, &project.sources, Format::Human)?;
    if project.has_errors() {
        return Ok(ExitCode::from(1));
    }
    let config = &project.config;
    let pages = crate::pages::generate(&project.parsed.roadmap, config, &project.page_inputs()?)?;
    if let Some(before) = ctx
        .config
        .get::<Vec<String>>("preprocessor.roadbook.before")?
        && before.iter().any(|name| name == "links")
    {
        bail!(
            "[preprocessor.roadbook] must run after mdBook's `links`, not before it: roadmap \
             text would be read as `{{{{#include}}}}` directives; remove \"links\" from its `before`"
        );
    }
    let edit_source = relative_to(&config.src, &config.roadmap_path());
    // The chapters first, then their text: after `links` (mdBook orders
    // `links` before `roadbook` by name), so roadmap text stays text.
    let texts = GeneratedText::new(&pages);
    let preprocessor = RoadbookPreprocessor::new(pages, config.src.clone(), edit_source);
    let book = texts.run(&ctx, preprocessor.run(&ctx, book)?)?;
    serde_json::to_writer(&mut output, &book).context("cannot write the book to stdout")?;
    output.flush()?;
    Ok(ExitCode::SUCCESS)
}

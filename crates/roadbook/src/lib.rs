//! roadbook: builds, checks, serves and searches a roadmap book. The crate's
//! two binaries are thin: `roadbook` (the command line, [`roadbook_main`])
//! and `mdbook-roadbook` (the same generated pages as an mdBook
//! preprocessor for a book built by `mdbook` itself, [`preprocessor_main`]).
//!
//! Exit codes: 0 success; 1 the input has errors (diagnostics were printed);
//! 2 roadbook could not run (bad arguments, unreadable files, I/O failure).

use std::process::ExitCode;

use clap::Parser;

mod api_docs;
mod assess;
mod assess_answers;
mod assess_page;
mod assess_score;
mod assets;
mod book;
mod book_data;
mod browser_search;
mod build_stamp;
mod cli;
mod cmd;
mod config;
mod coverage;
mod escape;
mod excerpt;
mod interview;
mod interview_pages;
mod leftovers;
mod links;
mod page_hazards;
mod pages;
mod plan_page;
mod practice;
mod practice_manifest;
mod practice_run;
mod practice_solution;
mod practice_verify;
mod practice_zip;
mod preprocessor;
mod project;
mod report;

/// The `roadbook` command: parses the command line and runs it.
#[must_use]
pub fn roadbook_main() -> ExitCode {
    let cli = cli::Cli::parse();
    finish(cmd::run(cli))
}

/// The `mdbook-roadbook` command: mdBook's preprocessor protocol
/// (`mdbook-roadbook supports RENDERER`, or the book as JSON on stdin).
#[must_use]
pub fn preprocessor_main() -> ExitCode {
    finish(preprocessor::run(std::env::args().skip(1).collect()))
}

/// The exit code of a command's result, printing the error of a failed one.
fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

/// `roadbook search … | head` closes our stdout early; that is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

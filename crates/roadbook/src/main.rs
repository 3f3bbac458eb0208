//! The `roadbook` command: builds, checks, serves and searches a roadmap book.
//!
//! Exit codes: 0 success; 1 the input has errors (diagnostics were printed);
//! 2 roadbook could not run (bad arguments, unreadable files, I/O failure).

use std::process::ExitCode;

use clap::Parser;

mod book;
mod build_stamp;
mod cli;
mod cmd;
mod config;
mod coverage;
mod escape;
mod excerpt;
mod leftovers;
mod links;
mod page_hazards;
mod pages;
mod project;
mod report;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
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

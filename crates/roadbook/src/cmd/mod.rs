//! One module per subcommand; `run` dispatches to them.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};

mod assess;
mod build;
mod check;
mod init;
mod model;
mod practice;
mod search;
mod serve;
mod show;

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    let root = cli.root;
    match cli.command {
        Command::Build(args) => build::run(&root, cli.quiet, &args),
        Command::Check(args) => check::run(&root, cli.quiet, &args),
        Command::Serve(args) => serve::run(&root, cli.quiet, &args),
        Command::Model => model::run(&root),
        Command::Search(args) => search::run(&root, &args),
        Command::Show(args) => show::run(&root, &args),
        Command::Init(args) => init::run(&root, cli.quiet, &args),
        Command::Assess(args) => assess::run(&root, &args),
        Command::Practice(args) => practice::run(&root, cli.quiet, &args),
    }
}

//! `roadbook check`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::CheckArgs;

/// Runs `roadbook check`.
pub fn run(root: &Path, quiet: bool, args: &CheckArgs) -> Result<ExitCode> {
    let _ = (root, quiet, args);
    anyhow::bail!("roadbook check is not implemented yet")
}

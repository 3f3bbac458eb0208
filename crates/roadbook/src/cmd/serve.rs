//! `roadbook serve`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ServeArgs;

/// Runs `roadbook serve`.
pub fn run(root: &Path, quiet: bool, args: &ServeArgs) -> Result<ExitCode> {
    let _ = (root, quiet, args);
    anyhow::bail!("roadbook serve is not implemented yet")
}

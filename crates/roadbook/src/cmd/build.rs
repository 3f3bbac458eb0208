//! `roadbook build`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::BuildArgs;

/// Runs `roadbook build`.
pub fn run(root: &Path, quiet: bool, args: &BuildArgs) -> Result<ExitCode> {
    let _ = (root, quiet, args);
    anyhow::bail!("roadbook build is not implemented yet")
}

//! `roadbook show`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ShowArgs;

/// Runs `roadbook show`.
pub fn run(root: &Path, args: &ShowArgs) -> Result<ExitCode> {
    let _ = (root, args);
    anyhow::bail!("roadbook show is not implemented yet")
}

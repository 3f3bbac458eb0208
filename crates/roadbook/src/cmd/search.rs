//! `roadbook search`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::SearchArgs;

/// Runs `roadbook search`.
pub fn run(root: &Path, args: &SearchArgs) -> Result<ExitCode> {
    let _ = (root, args);
    anyhow::bail!("roadbook search is not implemented yet")
}

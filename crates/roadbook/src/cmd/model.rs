//! `roadbook model`: the parsed roadmap as JSON, for other tools.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

/// Runs `roadbook model`.
pub fn run(root: &Path) -> Result<ExitCode> {
    let _ = root;
    anyhow::bail!("roadbook model is not implemented yet")
}

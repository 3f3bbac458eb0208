//! `roadbook model`: the parsed roadmap as JSON, for other tools and for
//! debugging the parser. Every element with an ID carries it as `id`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::project::Project;

/// Runs `roadbook model`.
pub(crate) fn run(root: &Path) -> Result<ExitCode> {
    let project = Project::load(root)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &project.parsed.roadmap)?;
    writeln!(stdout)?;
    Ok(ExitCode::SUCCESS)
}

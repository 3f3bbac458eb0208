//! `roadbook check`: every validation, nothing written; the pull-request gate.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::CheckArgs;
use crate::project::Project;
use crate::report;

/// Runs `roadbook check`.
pub(crate) fn run(root: &Path, quiet: bool, args: &CheckArgs) -> Result<ExitCode> {
    let mut project = Project::load(root)?;
    let links = match args.links {
        true => Some(crate::links::check_project(&mut project)?),
        false => None,
    };
    if let Some(base) = &args.base {
        let bytes = std::fs::read(base)
            .with_context(|| format!("cannot read the base roadmap {}", base.display()))?;
        let before = roadmap::parse_bytes(&bytes, &base.display().to_string());
        let file = crate::project::relative(&project.config.root, &project.config.roadmap_path());
        let changes = roadmap::check_id_changes(&before.roadmap, &project.parsed.roadmap, &file);
        project.diagnostics.extend(changes);
    }
    let tally = report::Tally::of(&project.diagnostics);
    let shown: Vec<_> = project
        .diagnostics
        .iter()
        .filter(|d| !quiet || d.is_error())
        .cloned()
        .collect();
    report::print(&shown, &project.sources, args.format)?;
    if args.coverage {
        let last_covered = project
            .coverage
            .items
            .iter()
            .filter(|(_, _, page)| page.is_some())
            .map(|(_, week, _)| *week)
            .max();
        print!(
            "{}",
            crate::coverage::report(&project.coverage, last_covered)
        );
    }
    if let Some(links) = links.filter(|_| !quiet) {
        eprint!("{}", links.summary());
    }
    let failed = tally.errors > 0 || (args.deny_warnings && tally.warnings > 0);
    if !quiet && !failed && args.format == crate::cli::Format::Human {
        let roadmap = &project.parsed.roadmap;
        let weeks: usize = roadmap.phases.iter().map(|p| p.weeks.len()).sum();
        let needing = roadmap::needing_pages(roadmap).count();
        let pages: std::collections::HashSet<&str> = project
            .exercise_pages
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        let written = roadmap::needing_pages(roadmap)
            .filter(|i| pages.contains(i.id.as_str()))
            .count();
        eprintln!(
            "checked {}: {weeks} week{}, {written}/{needing} exercise pages",
            project.config.roadbook.roadmap.display(),
            if weeks == 1 { "" } else { "s" }
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

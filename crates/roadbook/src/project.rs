//! Loading a book for any command: its config, its roadmap parsed, its
//! exercise pages listed, and every diagnostic about them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use roadmap::{Diagnostic, Parsed, Severity};

use crate::config::{Config, Level};
use crate::coverage::PageText;
use crate::report::Sources;

/// A book as read from disk, before anything is written.
pub(crate) struct Project {
    /// Its settings.
    pub(crate) config: Config,
    /// The parsed roadmap.
    pub(crate) parsed: Parsed,
    /// Every diagnostic: the roadmap's and the exercise pages'.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The texts diagnostics point into.
    pub(crate) sources: Sources,
    /// The exercise pages that exist: (ID, path relative to the book root).
    pub(crate) exercise_pages: Vec<(String, String)>,
    /// Each exercise page's title (its first `# ` heading), by ID.
    exercise_titles: std::collections::BTreeMap<String, String>,
    /// What the exercise pages verify.
    pub(crate) coverage: crate::coverage::Coverage,
    /// The interview prompt library, when book.toml names one that parses.
    interview: Option<crate::interview::Library>,
    /// The self-assessment's spec, when book.toml names one without errors.
    pub(crate) assessment: Option<crate::assess::Spec>,
    /// The practice modules cut for their kits (`practice::marker_diagnostics`).
    pub(crate) cuts: crate::practice::Cuts,
}

impl Project {
    /// Reads the book at `root`.
    pub(crate) fn load(root: &Path) -> Result<Project> {
        let config = Config::load(root)?;
        let roadmap_path = config.roadmap_path();
        let roadmap_name = relative(root, &roadmap_path);
        let bytes = std::fs::read(&roadmap_path)
            .with_context(|| format!("cannot read the roadmap {}", roadmap_path.display()))?;
        let parsed = roadmap::parse_bytes(&bytes, &roadmap_name);
        let mut sources = Sources::default();
        sources.add_bytes(&roadmap_name, &bytes);

        let exercise_pages = list_exercise_pages(&config)?;
        let missing = match config.roadbook.missing_exercise_page {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        };
        let mut diagnostics = parsed.diagnostics.clone();
        diagnostics.extend(roadmap::check_exercise_pages(
            &parsed.roadmap,
            &roadmap_name,
            &exercise_pages,
            missing,
        ));

        let mut texts = Vec::new();
        for (_, path) in &exercise_pages {
            let file = config.root.join(path);
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            texts.push(text);
        }
        let pages: Vec<PageText<'_>> = exercise_pages
            .iter()
            .zip(&texts)
            .map(|((id, path), text)| PageText { id, path, text })
            .collect();
        let crates = config.code_crates();
        let support = config.support_modules();
        let reference = crate::coverage::Reference {
            crates: &crates,
            support: &support,
        };
        let (coverage, page_diagnostics) =
            crate::coverage::measure(&parsed.roadmap, &pages, &reference);
        diagnostics.extend(page_diagnostics);
        let hazards = crate::page_hazards::check(&config)?;
        let mut interview = None;
        if let Some(loaded) = crate::interview_pages::load(&config, &exercise_pages)? {
            interview = loaded.library;
            diagnostics.extend(loaded.diagnostics);
            sources.add(&loaded.path, loaded.text);
        }
        let mut exercise_titles = std::collections::BTreeMap::new();
        for ((id, path), text) in exercise_pages.iter().zip(texts) {
            let title = text
                .lines()
                .find_map(|line| line.strip_prefix("# "))
                .map_or_else(|| id.clone(), |title| title.trim().to_owned());
            exercise_titles.insert(id.clone(), title);
            sources.add(path, text);
        }
        for finding in hazards {
            diagnostics.extend(finding.diagnostics);
            if !exercise_pages.iter().any(|(_, path)| *path == finding.path) {
                sources.add(&finding.path, finding.text);
            }
        }
        let assessment = crate::assess::load_for_book(&config, &mut sources, &mut diagnostics)?;
        let mut project = Project {
            assessment,
            config,
            parsed,
            diagnostics,
            sources,
            exercise_pages,
            exercise_titles,
            coverage,
            interview,
            cuts: crate::practice::Cuts::new(),
        };
        // Solution markers a practice kit could not be cut from.
        let (found, cuts) = crate::practice::marker_diagnostics(&project)?;
        project.cuts = cuts;
        for (diagnostic, text) in found {
            project.sources.add(&diagnostic.file, text);
            project.diagnostics.push(diagnostic);
        }
        Ok(project)
    }

    /// What page generation needs from disk: the exercise pages' titles and
    /// the Mermaid diagrams.
    pub(crate) fn page_inputs(&self) -> Result<crate::pages::Inputs> {
        let mut inputs = crate::pages::Inputs::default();
        inputs.exercises.clone_from(&self.exercise_titles);
        inputs.interview.clone_from(&self.interview);
        inputs.assessment.clone_from(&self.assessment);
        for (id, _, page) in &self.coverage.items {
            if let Some(page) = page.as_ref().filter(|page| !page.modules.is_empty()) {
                inputs
                    .modules
                    .insert(id.clone(), page.modules.iter().cloned().collect());
            }
        }
        let dir = self.config.root.join(&self.config.roadbook.diagrams);
        if dir.is_dir() {
            for entry in
                std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
            {
                let path = entry
                    .with_context(|| format!("cannot list {}", dir.display()))?
                    .path();
                if path.extension().is_some_and(|ext| ext == "mmd")
                    && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    inputs
                        .diagrams
                        .insert(stem.to_owned(), text.trim_end().to_owned());
                }
            }
        }
        Ok(inputs)
    }

    /// Whether any diagnostic is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// `src/exercises/*.md`, sorted, as (file stem, path relative to the root).
fn list_exercise_pages(config: &Config) -> Result<Vec<(String, String)>> {
    let dir = config.exercises_dir();
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut pages = Vec::new();
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
    {
        let path: PathBuf = entry
            .with_context(|| format!("cannot list {}", dir.display()))?
            .path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|ext| ext == "md") && stem != "index" && stem != "README" {
            pages.push((stem.to_owned(), relative(&config.root, &path)));
        }
    }
    pages.sort();
    Ok(pages)
}

/// `path` relative to `root`, with forward slashes (as diagnostics show
/// it); a path outside `root` is shown as it is.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.display().to_string(),
    }
}

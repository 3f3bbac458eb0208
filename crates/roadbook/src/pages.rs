//! The generated pages: the roadmap model rendered to Markdown chapters with
//! the tera templates of `templates/`, arranged as the book's table of
//! contents.

use anyhow::Result;
use roadmap::Roadmap;

use crate::config::Config;

/// One chapter of the book's generated part, with its sub-chapters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The chapter's path relative to `src/` (`weeks/week-01.md`); the
    /// built page is the same path with `.html`.
    pub path: String,
    /// The title shown in the sidebar.
    pub title: String,
    /// Where the chapter's Markdown comes from.
    pub source: PageSource,
    /// Sub-chapters, in order.
    pub children: Vec<Page>,
}

/// Where a chapter's Markdown comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageSource {
    /// Rendered by roadbook from the roadmap; never written to `src/`.
    Generated(String),
    /// A hand-written page read from `src/<path>` (an exercise page placed
    /// under its week). If SUMMARY.md lists the same path, the chapter is
    /// moved here rather than shown twice.
    Written,
}

/// Renders every generated page of `roadmap`, as the generated part of the
/// table of contents (placed before SUMMARY.md's own chapters).
pub fn generate(roadmap: &Roadmap, config: &Config) -> Result<Vec<Page>> {
    // Temporary minimal rendering until the tera templates land.
    let _ = config;
    let mut pages = vec![Page {
        path: "overview.md".into(),
        title: roadmap.title.clone(),
        source: PageSource::Generated(format!("# {}\n", roadmap.title)),
        children: vec![],
    }];
    for phase in &roadmap.phases {
        pages.push(Page {
            path: format!("phases/{}.md", phase.id),
            title: phase.title.clone(),
            source: PageSource::Generated(format!("# {}\n", phase.title)),
            children: phase
                .weeks
                .iter()
                .map(|week| Page {
                    path: format!("weeks/week-{:02}.md", week.number),
                    title: format!("Week {}: {}", week.number, week.title),
                    source: PageSource::Generated(format!("# Week {}\n", week.number)),
                    children: vec![],
                })
                .collect(),
        });
    }
    Ok(pages)
}

//! The generated pages: the roadmap model rendered to Markdown chapters with
//! the tera templates of `templates/`, arranged as the book's table of
//! contents. Pure: everything it needs comes in as arguments.
//!
//! This file is the page tree: which pages there are, their paths and
//! their order (`generate`). The rest of the job is in `pages/`:
//!
//! - `templates.rs` — the tera template set (built in, or the book's own)
//!   and what it adds to tera (HTML escaping, `anchor()`);
//! - `views.rs` — the model as the templates see it (the `*View` structs);
//! - `text.rs` — inline Markdown as plain text or as HTML, and headings
//!   without their icon.

mod templates;
mod text;
mod views;

pub(crate) use templates::templates;
pub(crate) use text::{plain_text, strip_icon};

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use roadmap::{Roadmap, UnitKind};

use crate::config::Config;
use views::{ItemView, SectionView, Views, WeekView};

/// One chapter of the book's generated part, with its sub-chapters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// The chapter's path relative to `src/` (`weeks/week-01.md`); the
    /// built page is the same path with `.html`.
    pub(crate) path: String,
    /// The title shown in the sidebar.
    pub(crate) title: String,
    /// Where the chapter's Markdown comes from.
    pub(crate) source: PageSource,
    /// Sub-chapters, in order.
    pub(crate) children: Vec<Page>,
    /// Markdown added at the end of the chapter (the API links of an
    /// exercise page).
    pub(crate) appendix: Option<String>,
}

/// Where a chapter's Markdown comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageSource {
    /// Rendered by roadbook from the roadmap; never written to `src/`.
    Generated(String),
    /// A hand-written page read from `src/<path>` (an exercise page placed
    /// under its week). If SUMMARY.md lists the same path, the chapter is
    /// moved here rather than shown twice.
    Written,
}

/// What the pages need besides the model: which exercise pages exist and
/// the diagrams found in `diagrams/`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Inputs {
    /// Exercise pages that exist: ID → title (their first heading).
    pub(crate) exercises: BTreeMap<String, String>,
    /// Mermaid sources by file stem (`weeks-01-02`, `week-03`).
    pub(crate) diagrams: BTreeMap<String, String>,
    /// The reference modules each exercise page verifies, by page ID.
    pub(crate) modules: BTreeMap<String, Vec<String>>,
    /// The API reference built into this book, if any: the exercise pages
    /// link to its module pages.
    pub(crate) api: Option<crate::api_docs::ApiLinks>,
    /// The interview prompt library, when book.toml names one.
    pub(crate) interview: Option<crate::interview::Library>,
    /// The self-assessment's spec: the assessment page and the
    /// certification page's account of the levels.
    pub(crate) assessment: Option<crate::assess::Spec>,
}

/// Renders every generated page of `roadmap`, as the generated part of the
/// table of contents (placed before SUMMARY.md's own chapters).
pub(crate) fn generate(roadmap: &Roadmap, config: &Config, inputs: &Inputs) -> Result<Vec<Page>> {
    let tera = templates(config)?;
    let views = Views { config, inputs };
    let render = |name: &str, context: &tera::Context| -> Result<String> {
        tera.render(name, context)
            .with_context(|| format!("cannot render the page template {name}"))
    };
    let prose = |part: roadmap::Part| -> Vec<SectionView> {
        roadmap
            .prose
            .iter()
            .filter(|s| s.part == part)
            .map(|s| views.section(s))
            .collect()
    };

    let mut pages = Vec::new();
    let title = strip_icon(&roadmap.title);
    let mut context = tera::Context::new();
    context.insert("title", &roadmap.title);
    context.insert(
        "introduction",
        &roadmap
            .introduction
            .iter()
            .map(|s| views.section(s))
            .collect::<Vec<_>>(),
    );
    context.insert(
        "phases",
        &roadmap
            .phases
            .iter()
            .map(|p| views.phase(p))
            .collect::<Vec<_>>(),
    );
    let mut overview_prose = prose(roadmap::Part::Introduction);
    overview_prose.extend(prose(roadmap::Part::Plan));
    context.insert("prose", &overview_prose);
    let unit = roadmap.weeks().next().map_or(UnitKind::Week, |w| w.unit);
    context.insert("units_title", &units_title(unit));
    context.insert("unit_name", unit.name());
    let units = roadmap.weeks().count();
    context.insert("glance_table", &(units <= GLANCE_MAX_UNITS));
    context.insert("unit_count", &units);
    let plan_data =
        crate::plan_page::applies(roadmap).then(|| crate::plan_page::home_json(roadmap));
    context.insert("plan_data", &plan_data);
    pages.push(generated(
        "overview.md",
        if title.is_empty() { "Overview" } else { title },
        render("overview.md.tera", &context)?,
    ));
    pages.extend(crate::plan_page::generate(roadmap, &tera)?);

    // A phase's page and its units' pages depend on nothing else rendered:
    // they are rendered on every core, in order.
    let phase_page = |phase: &roadmap::Phase| -> Result<Page> {
        let view = views.phase(phase);
        let mut context = tera::Context::new();
        context.insert("phase", &view);
        context.insert("weeks", &view.weeks);
        context.insert("diagram", &inputs.diagrams.get(&phase.id));
        let group = roadmap.milestones.iter().find(|g| {
            !g.weeks.is_empty()
                && g.weeks.first() == Some(&phase.first_week)
                && g.weeks.last() == Some(&phase.last_week)
        });
        context.insert("milestones", &group.map(|g| views.milestones(g, roadmap)));
        let mut page = generated(
            &format!("phases/{}.md", phase.id),
            &view.heading,
            render("phase.md.tera", &context)?,
        );
        for (week, week_view) in phase.weeks.iter().zip(&view.weeks) {
            let mut context = tera::Context::new();
            context.insert("phase", &view);
            context.insert("week", week_view);
            context.insert(
                "diagram",
                &inputs.diagrams.get(&format!("week-{:02}", week.number)),
            );
            let mut week_page = generated(
                &unit_path(week),
                &week_view.heading,
                render("week.md.tera", &context)?,
            );
            for item in week.blocks.iter().flat_map(|b| &b.items) {
                if let Some(title) = inputs.exercises.get(&item.id) {
                    week_page.children.push(Page {
                        path: format!("exercises/{}.md", item.id),
                        title: title.clone(),
                        source: PageSource::Written,
                        children: Vec::new(),
                        appendix: inputs.api.as_ref().and_then(|api| {
                            inputs
                                .modules
                                .get(&item.id)
                                .and_then(|modules| api.section(modules))
                        }),
                    });
                }
            }
            page.children.push(week_page);
        }
        Ok(page)
    };
    {
        use rayon::prelude::*;
        let phase_pages: Vec<Page> = roadmap
            .phases
            .par_iter()
            .map(phase_page)
            .collect::<Result<_>>()?;
        pages.extend(phase_pages);
    }

    // The parts after the plan: (part, its heading, whether the roadmap has
    // it, the page, its template, the title when the roadmap gives none).
    use roadmap::Part;
    let parts = [
        (
            Part::Milestones,
            &roadmap.part_titles.milestones,
            !roadmap.milestones.is_empty(),
            "milestones",
            "Milestones",
        ),
        (
            Part::Metrics,
            &roadmap.part_titles.metrics,
            !roadmap.metrics.is_empty(),
            "metrics",
            "Success Metrics",
        ),
        (
            Part::Tracks,
            &roadmap.part_titles.tracks,
            !roadmap.tracks.is_empty(),
            "tracks",
            "Study Tracks",
        ),
        (
            Part::Certifications,
            &roadmap.part_titles.certifications,
            !roadmap.certifications.is_empty(),
            "certification",
            "Certification",
        ),
    ];
    for (part, heading, present, name, fallback) in parts {
        let (path, template) = (format!("{name}.md"), format!("{name}.md.tera"));
        let part_prose = prose(part);
        if !present && part_prose.is_empty() {
            continue;
        }
        let title = heading
            .as_deref()
            .map(strip_icon)
            .filter(|t| !t.is_empty())
            .unwrap_or(fallback);
        let mut context = tera::Context::new();
        context.insert("title", heading.as_deref().unwrap_or(fallback));
        context.insert("prose", &part_prose);
        context.insert("plan_page", &crate::plan_page::applies(roadmap));
        match part {
            roadmap::Part::Milestones => context.insert(
                "groups",
                &roadmap
                    .milestones
                    .iter()
                    .map(|g| views.milestones(g, roadmap))
                    .collect::<Vec<_>>(),
            ),
            roadmap::Part::Metrics => context.insert(
                "groups",
                &roadmap
                    .metrics
                    .iter()
                    .map(|g| views.metrics(g))
                    .collect::<Vec<_>>(),
            ),
            roadmap::Part::Tracks => context.insert(
                "tracks",
                &roadmap
                    .tracks
                    .iter()
                    .map(|t| views.track(t, roadmap))
                    .collect::<Vec<_>>(),
            ),
            _ => context.insert(
                "levels",
                &roadmap
                    .certifications
                    .iter()
                    .map(|c| views.certification(c, roadmap))
                    .collect::<Vec<_>>(),
            ),
        }
        if part == Part::Certifications {
            let assessment = crate::assess_page::certification(inputs.assessment.as_ref());
            context.insert("assessment", &assessment);
        }
        pages.push(generated(&path, title, render(&template, &context)?));
    }
    pages.extend(crate::assess_page::pages(
        inputs.assessment.as_ref(),
        &tera,
    )?);

    // Sections the parser did not recognise: a page per top-level section.
    let mut other: Vec<(String, String, Vec<SectionView>)> = Vec::new();
    for section in roadmap
        .prose
        .iter()
        .filter(|s| s.part == roadmap::Part::Other)
    {
        let view = views.section(section);
        match other.last_mut() {
            Some((_, _, sections)) if section.level > 2 || section.level == 0 => {
                sections.push(view)
            }
            _ => other.push((
                section.id.clone(),
                strip_icon(&section.title).to_owned(),
                vec![view],
            )),
        }
    }
    for (id, title, sections) in other {
        let mut context = tera::Context::new();
        context.insert("id", &id);
        context.insert("title", &sections[0].title);
        context.insert("sections", &sections);
        pages.push(generated(
            &format!("notes/{id}.md"),
            &title,
            render("prose.md.tera", &context)?,
        ));
    }

    let mut context = tera::Context::new();
    let weeks: Vec<WeekView> = roadmap.weeks().map(|w| views.week(w)).collect();
    let hands_on: Vec<serde_json::Value> = weeks
        .iter()
        .map(|w| {
            let items: Vec<&ItemView> = w.blocks.iter().flat_map(|b| &b.items).filter(|i| i.label.is_some()).collect();
            serde_json::json!({ "number": w.number, "number_padded": w.number_padded, "title": w.title, "heading": w.heading, "name_in_text": w.name_in_text, "html_path": w.html_path, "id": w.id, "items": items })
        })
        .collect();
    context.insert("weeks", &hands_on);
    context.insert("unit_name", unit.name());
    let needing = roadmap::needing_pages(roadmap).count();
    let written = roadmap::needing_pages(roadmap)
        .filter(|i| inputs.exercises.contains_key(&i.id))
        .count();
    context.insert("needing", &needing);
    context.insert("written", &written);
    pages.push(generated(
        "exercises/index.md",
        "Exercises",
        render("exercises.md.tera", &context)?,
    ));
    if let Some(library) = &inputs.interview {
        pages.push(crate::interview_pages::generate(
            &tera,
            library,
            config,
            &inputs.exercises,
        )?);
    }
    Ok(pages)
}

fn generated(path: &str, title: &str, markdown: String) -> Page {
    Page {
        path: path.to_owned(),
        title: title.to_owned(),
        source: PageSource::Generated(crate::escape::links(&markdown)),
        children: Vec::new(),
        appendix: None,
    }
}

/// Where week `number`'s page lives, relative to `src/`.
pub(crate) fn week_path(number: u32) -> String {
    format!("weeks/week-{number:02}.md")
}

/// Where a unit's page lives, relative to `src/`: a week's under `weeks/`
/// by number, another unit's under its kind's folder by ID
/// (`days/day-1-3.md`).
pub(crate) fn unit_path(week: &roadmap::Week) -> String {
    match week.unit {
        UnitKind::Week => week_path(week.number),
        unit => format!("{}s/{}.md", unit.name(), week.id),
    }
}

/// The plural, capitalised, as a heading (`Weeks`, `Days`).
/// The most units the home page's "plan at a glance" table lists one by
/// one (four years of weeks). A bigger plan gets a sentence instead: its
/// table would be most of the home page's weight (475 KB at 3,000 weeks)
/// and repeat the sidebar and the progress table, which list every unit.
const GLANCE_MAX_UNITS: usize = 208;

fn units_title(unit: UnitKind) -> String {
    let name = unit.name();
    format!("{}{}s", name[..1].to_uppercase(), &name[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::from_toml(
            std::path::Path::new("/book"),
            "[output.html]\ngit-repository-url = \"https://example.org/r\"\n",
        )
        .unwrap()
    }

    fn render(source: &str, exercises: &[(&str, &str)]) -> Vec<Page> {
        let parsed = roadmap::parse(source, "roadmap.md");
        let inputs = Inputs {
            exercises: exercises
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
            diagrams: BTreeMap::new(),
            modules: BTreeMap::new(),
            api: None,
            ..Inputs::default()
        };
        generate(&parsed.roadmap, &config(), &inputs).unwrap()
    }

    fn find<'a>(pages: &'a [Page], path: &str) -> &'a Page {
        pages
            .iter()
            .flat_map(|p| {
                std::iter::once(p).chain(
                    p.children
                        .iter()
                        .flat_map(|c| std::iter::once(c).chain(&c.children)),
                )
            })
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("no page {path}"))
    }

    fn markdown(page: &Page) -> &str {
        match &page.source {
            PageSource::Generated(text) => text,
            PageSource::Written => panic!("{} is written by hand", page.path),
        }
    }

    #[test]
    fn exercise_pages_become_children_of_their_week() {
        let pages = render(
            include_str!("../../roadmap/tests/fixtures/four-week-plan.md"),
            &[("w01-build-order-queue-borrowed-views", "Order queue")],
        );
        let week = find(&pages, "weeks/week-01.md");
        assert_eq!(week.children.len(), 1);
        assert_eq!(week.children[0].source, PageSource::Written);
        assert!(
            markdown(week)
                .contains("href=\"../exercises/w01-build-order-queue-borrowed-views.html\"")
        );
        let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "overview.md",
                "plan.md",
                "phases/weeks-01-04.md",
                "milestones.md",
                "notes/further-reading.md",
                "exercises/index.md"
            ]
        );
    }

    #[test]
    fn a_plan_too_long_to_list_gets_a_sentence_in_place_of_the_glance_table() {
        let plan = |weeks: usize| {
            let mut text = String::from("# Long Plan\n\n## Schedule\n\n");
            for n in 1..=weeks {
                text.push_str(&format!(
                    "### Week {n}: Topic {n}\n**Focus**: focus {n}\n\n**Day 1-2: Study**\n- [ ] Study topic number {n}\n\n"
                ));
            }
            text
        };
        let long = render(&plan(GLANCE_MAX_UNITS + 1), &[]);
        let overview = markdown(find(&long, "overview.md"));
        assert!(
            overview.contains(&format!(
                "{} weeks, too many to list here",
                GLANCE_MAX_UNITS + 1
            )),
            "{overview}"
        );
        assert!(
            !overview.contains("[Week 2](weeks/week-02.md)"),
            "no table row"
        );
        let short = render(&plan(GLANCE_MAX_UNITS), &[]);
        let overview = markdown(find(&short, "overview.md"));
        assert!(!overview.contains("too many to list here"));
        assert!(
            overview.contains("[Week 2](weeks/week-02.md)"),
            "{overview}"
        );
    }

    #[test]
    fn week_page_of_the_shipped_roadmap() {
        let pages = render(
            include_str!("../../../roadmap.md"),
            &[(
                "w01-design-failure-recovery-payment-service",
                "Failure recovery",
            )],
        );
        insta::assert_snapshot!(markdown(find(&pages, "weeks/week-01.md")));
    }

    #[test]
    fn tracks_page_of_the_shipped_roadmap() {
        let pages = render(include_str!("../../../roadmap.md"), &[]);
        insta::assert_snapshot!(markdown(find(&pages, "tracks.md")));
    }

    #[test]
    fn certification_page_keeps_the_closing_words() {
        let pages = render(include_str!("../../../roadmap.md"), &[]);
        let page = markdown(find(&pages, "certification.md"));
        assert!(
            page.contains("Ready to embark on your 12-week journey"),
            "{page}"
        );
        assert!(
            page.contains("<strong>All <a href=\"#cert-bronze\">Bronze</a> Benefits</strong>"),
            "{page}"
        );
    }

    #[test]
    fn text_is_escaped_in_html() {
        let pages = render(
            "# P\n### Week 1: A\n**Mon: B**\n- [ ] use <script>alert(1)</script> & more\n",
            &[],
        );
        let page = markdown(find(&pages, "weeks/week-01.md"));
        assert!(!page.contains("<script>"), "{page}");
    }
}

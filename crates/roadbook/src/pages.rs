//! The generated pages: the roadmap model rendered to Markdown chapters with
//! the tera templates of `templates/`, arranged as the book's table of
//! contents. Pure: everything it needs comes in as arguments.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use roadmap::{Kind, Roadmap, Section, Span, UnitKind, WeekEffect};
use serde::Serialize;
use tera::Tera;

use crate::config::Config;

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

/// The built-in templates, compiled into the binary.
const TEMPLATES: &[(&str, &str)] = &[
    ("week.md.tera", include_str!("../templates/week.md.tera")),
    (
        "checklist.md.tera",
        include_str!("../templates/checklist.md.tera"),
    ),
    ("phase.md.tera", include_str!("../templates/phase.md.tera")),
    (
        "overview.md.tera",
        include_str!("../templates/overview.md.tera"),
    ),
    (
        "milestones.md.tera",
        include_str!("../templates/milestones.md.tera"),
    ),
    (
        "metrics.md.tera",
        include_str!("../templates/metrics.md.tera"),
    ),
    (
        "tracks.md.tera",
        include_str!("../templates/tracks.md.tera"),
    ),
    (
        "certification.md.tera",
        include_str!("../templates/certification.md.tera"),
    ),
    (
        "exercises.md.tera",
        include_str!("../templates/exercises.md.tera"),
    ),
    ("prose.md.tera", include_str!("../templates/prose.md.tera")),
    ("plan.md.tera", include_str!("../templates/plan.md.tera")),
    (
        "interview-index.md.tera",
        include_str!("../templates/interview-index.md.tera"),
    ),
    (
        "interview-prompt.md.tera",
        include_str!("../templates/interview-prompt.md.tera"),
    ),
    (
        "interview-mock.md.tera",
        include_str!("../templates/interview-mock.md.tera"),
    ),
    (
        "assessment.md.tera",
        include_str!("../templates/assessment.md.tera"),
    ),
];

/// The template set: the built-in templates, each replaced by a file of the
/// same name in the book's `templates` folder when book.toml names one.
pub(crate) fn templates(config: &Config) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".md.tera"]);
    tera.set_escape_fn(escape_html);
    let mut sources: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    if let Some(dir) = &config.roadbook.templates {
        let dir = config.root.join(dir);
        for (name, text) in &mut sources {
            let path = dir.join(&*name);
            if path.is_file() {
                *text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read the template {}", path.display()))?;
            }
        }
    }
    tera.add_raw_templates(sources)
        .context("invalid page template")?;
    tera.register_function("anchor", anchor);
    Ok(tera)
}

/// HTML escaping for text and attribute values. Unlike tera's default it
/// leaves `/` alone, so URLs stay readable in the generated Markdown.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `{{ anchor(id=…, kind=…, week=…, line=…) }}`: a heading attribute block
/// (`{#id data-kind=… data-week=… data-line=…}`) that gives the heading its
/// stable ID and tells the search index what it is.
fn anchor(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = |key: &str| {
        args.get(key).and_then(|v| match v {
            tera::Value::String(s) => Some(s.clone()),
            tera::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let id = text("id").ok_or_else(|| tera::Error::msg("anchor() needs an id"))?;
    let mut out = format!("{{#{id}");
    for key in ["kind", "week", "line"] {
        if let Some(value) = text(key).filter(|v| !v.is_empty()) {
            out.push_str(&format!(" data-{key}={value}"));
        }
    }
    out.push('}');
    Ok(tera::Value::String(out))
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
    let plan_data =
        crate::plan_page::applies(roadmap).then(|| crate::plan_page::data_json(roadmap, false));
    context.insert("plan_data", &plan_data);
    pages.push(generated(
        "overview.md",
        if title.is_empty() { "Overview" } else { title },
        render("overview.md.tera", &context)?,
    ));
    pages.extend(crate::plan_page::generate(roadmap, &tera)?);

    for phase in &roadmap.phases {
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
        pages.push(page);
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
fn units_title(unit: UnitKind) -> String {
    let name = unit.name();
    format!("{}{}s", name[..1].to_uppercase(), &name[1..])
}

/// A heading without its leading emoji.
pub(crate) fn strip_icon(text: &str) -> &str {
    let start = text
        .split_inclusive(char::is_whitespace)
        .take_while(|token| !token.bytes().any(|b| b.is_ascii_alphanumeric()))
        .map(str::len)
        .sum::<usize>();
    text[start..].trim()
}

/// Inline Markdown as the text a reader sees: markup and links dropped,
/// their words kept, runs of white space as one space.
pub(crate) fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inline Markdown to HTML, without the paragraph around it. Raw HTML in
/// roadmap text is shown as text, not interpreted.
fn inline_html(markdown: &str) -> String {
    use pulldown_cmark::Event;
    let markdown = crate::escape::links(markdown);
    let events = pulldown_cmark::Parser::new(markdown.trim()).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    let html = html.trim_end();
    let html = html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html);
    html.to_owned()
}

#[derive(Serialize)]
struct SectionView {
    id: String,
    title: String,
    hashes: String,
    line: u32,
    markdown: String,
}

#[derive(Serialize)]
struct PhaseView {
    id: String,
    heading: String,
    weeks_range: String,
    /// What the phase spans, for its page (`Weeks 1-2`, `3 versions`).
    range_text: String,
    /// What the phase spans, for the overview's table.
    range_cell: String,
    /// The heading of its list of units (`Weeks`).
    units_title: String,
    line: u32,
    edit_url: Option<String>,
    weeks: Vec<WeekView>,
}

#[derive(Serialize)]
struct WeekView {
    id: String,
    number: u32,
    number_padded: String,
    title: String,
    /// The unit's name (`Week 3`, `Day 1-3`).
    name: String,
    /// The unit's name inside a sentence (`week 3`, `Day 1-3`).
    name_in_text: String,
    /// Its page's title (`Week 3: Title`, `Version 1.1`).
    heading: String,
    /// Its page, relative to `src/` (`weeks/week-03.md`).
    path: String,
    /// Its built page, relative to the book root.
    html_path: String,
    time_frame: Option<String>,
    focus: Option<String>,
    line: u32,
    edit_url: Option<String>,
    blocks: Vec<BlockView>,
    deliverables: Vec<ItemView>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct BlockView {
    id: String,
    days: String,
    topic: String,
    /// `days: topic`, or whichever of them there is.
    heading: String,
    line: u32,
    items: Vec<ItemView>,
}

#[derive(Serialize)]
struct ItemView {
    id: String,
    kind: &'static str,
    html: String,
    label: Option<String>,
    checked: bool,
    line: u32,
    edit_url: Option<String>,
    exercise_url: Option<String>,
    needs_page: bool,
}

#[derive(Serialize)]
struct EntryView {
    id: String,
    label: String,
    html: String,
    line: u32,
}

#[derive(Serialize)]
struct MilestoneView {
    id: String,
    label: String,
    html: String,
    checked: bool,
    line: u32,
    edit_url: Option<String>,
}

#[derive(Serialize)]
struct MilestoneGroupView {
    id: String,
    title: String,
    weeks_range: String,
    line: u32,
    phase_id: Option<String>,
    phase_url: Option<String>,
    milestones: Vec<MilestoneView>,
}

#[derive(Serialize)]
struct CellView {
    number: u32,
    padded: String,
    state: &'static str,
}

/// Builds the template contexts from the model.
struct Views<'a> {
    config: &'a Config,
    inputs: &'a Inputs,
}

impl Views<'_> {
    fn edit(&self, span: Span) -> Option<String> {
        let roadmap =
            crate::project::relative(std::path::Path::new(""), &self.config.roadbook.roadmap);
        self.config.edit_url(&roadmap, Some(span.line))
    }

    fn section(&self, section: &Section) -> SectionView {
        SectionView {
            id: section.id.clone(),
            title: section.title.clone(),
            hashes: "#".repeat(usize::from(section.level.clamp(2, 6))),
            line: section.span.line,
            markdown: crate::escape::markdown(&section.markdown),
        }
    }

    fn phase(&self, phase: &roadmap::Phase) -> PhaseView {
        let unit = phase.weeks.first().map_or(UnitKind::Week, |w| w.unit);
        let title = match unit {
            UnitKind::Week => format!(
                "Weeks {}-{}: {}",
                phase.first_week, phase.last_week, phase.title
            ),
            _ => phase.title.clone(),
        };
        let heading = match &phase.icon {
            Some(icon) => format!("{icon} {title}"),
            None => title,
        };
        let weeks_range = weeks_range(&[phase.first_week, phase.last_week]);
        let (range_text, range_cell) = match unit {
            UnitKind::Week => (format!("Weeks {weeks_range}"), weeks_range.clone()),
            unit => {
                let count = phase.weeks.len();
                let plural = if count == 1 { "" } else { "s" };
                let labels: Vec<&str> = phase.weeks.iter().map(|w| w.label.as_str()).collect();
                let cell = match labels.as_slice() {
                    [] => String::new(),
                    [one] => (*one).to_owned(),
                    [first, .., last] => format!("{first} – {last}"),
                };
                (format!("{count} {}{plural}", unit.name()), cell)
            }
        };
        PhaseView {
            id: phase.id.clone(),
            heading,
            weeks_range,
            range_text,
            range_cell,
            units_title: units_title(unit),
            line: phase.span.line,
            edit_url: self.edit(phase.span),
            weeks: phase.weeks.iter().map(|w| self.week(w)).collect(),
        }
    }

    fn week(&self, week: &roadmap::Week) -> WeekView {
        let name = if week.label.is_empty() {
            format!("Week {}", week.number)
        } else {
            week.label.clone()
        };
        let name_in_text = match week.unit {
            UnitKind::Week => format!("week {}", week.number),
            _ => name.clone(),
        };
        let heading = if week.title.is_empty() {
            name.clone()
        } else {
            format!("{name}: {}", week.title)
        };
        let path = unit_path(week);
        WeekView {
            id: week.id.clone(),
            number: week.number,
            number_padded: format!("{:02}", week.number),
            title: week.title.clone(),
            name,
            name_in_text,
            heading,
            html_path: path.replace(".md", ".html"),
            path,
            time_frame: week.time_frame.clone(),
            focus: week.focus.as_deref().map(inline_html),
            line: week.span.line,
            edit_url: self.edit(week.span),
            blocks: week
                .blocks
                .iter()
                .map(|b| BlockView {
                    id: b.id.clone(),
                    days: b.days.clone(),
                    topic: b.topic.clone(),
                    heading: match (b.days.is_empty(), b.topic.is_empty()) {
                        (false, false) => format!("{}: {}", b.days, b.topic),
                        (false, true) => b.days.clone(),
                        (true, false) => b.topic.clone(),
                        (true, true) => "Items".to_owned(),
                    },
                    line: b.span.line,
                    items: b.items.iter().map(|i| self.item(i)).collect(),
                })
                .collect(),
            deliverables: week
                .deliverables
                .iter()
                .map(|d| ItemView {
                    id: d.id.clone(),
                    kind: Kind::Deliverable.as_str(),
                    html: inline_html(&d.text),
                    label: None,
                    checked: false,
                    line: d.span.line,
                    edit_url: self.edit(d.span),
                    exercise_url: None,
                    needs_page: false,
                })
                .collect(),
            notes: week
                .notes
                .iter()
                .map(|n| crate::escape::markdown(n))
                .collect(),
        }
    }

    fn item(&self, item: &roadmap::Item) -> ItemView {
        let needs_page = item
            .hands_on
            .as_ref()
            .is_some_and(|h| h.label.needs_exercise_page());
        ItemView {
            id: item.id.clone(),
            kind: Kind::of_item(item.hands_on.as_ref()).as_str(),
            html: inline_html(&item.text),
            label: item.hands_on.as_ref().map(|h| h.label_text.clone()),
            checked: item.checked,
            line: item.span.line,
            edit_url: self.edit(item.span),
            exercise_url: self
                .inputs
                .exercises
                .contains_key(&item.id)
                .then(|| format!("../exercises/{}.html", item.id)),
            needs_page,
        }
    }

    fn entry(&self, entry: &roadmap::Entry) -> EntryView {
        EntryView {
            id: entry.id.clone(),
            label: entry.label.clone(),
            html: inline_html(&entry.value),
            line: entry.span.line,
        }
    }

    fn milestones(&self, group: &roadmap::MilestoneGroup, roadmap: &Roadmap) -> MilestoneGroupView {
        let phase = roadmap.phases.iter().find(|p| {
            group.weeks.first() == Some(&p.first_week) && group.weeks.last() == Some(&p.last_week)
        });
        MilestoneGroupView {
            id: group.id.clone(),
            title: group.title.clone(),
            weeks_range: weeks_range(&group.weeks),
            line: group.span.line,
            phase_id: phase.map(|p| p.id.clone()),
            phase_url: phase.map(|p| format!("phases/{}.md", p.id)),
            milestones: group
                .milestones
                .iter()
                .map(|m| MilestoneView {
                    id: m.id.clone(),
                    label: m.label.clone(),
                    html: inline_html(&m.text),
                    checked: m.checked,
                    line: m.span.line,
                    edit_url: self.edit(m.span),
                })
                .collect(),
        }
    }

    fn metrics(&self, group: &roadmap::MetricGroup) -> serde_json::Value {
        serde_json::json!({
            "id": group.id,
            "name": group.name,
            "cadence": group.cadence,
            "line": group.span.line,
            "metrics": group.metrics.iter().map(|m| self.entry(m)).collect::<Vec<_>>(),
        })
    }

    fn track(&self, track: &roadmap::Track, roadmap: &Roadmap) -> serde_json::Value {
        let weeks: Vec<u32> = roadmap.weeks().map(|w| w.number).collect();
        let grid: Vec<CellView> = weeks
            .iter()
            .map(|&number| {
                let effect = track
                    .options
                    .iter()
                    .find(|o| o.weeks.contains(&number))
                    .map(|o| o.effect);
                CellView {
                    number,
                    padded: format!("{number:02}"),
                    state: match effect {
                        Some(WeekEffect::Skip) => "skip",
                        Some(WeekEffect::Focus) => "focus",
                        _ => "plan",
                    },
                }
            })
            .collect();
        let options: Vec<serde_json::Value> = track
            .options
            .iter()
            .map(|o| {
                let weeks_text = match (&o.duration, o.weeks.is_empty()) {
                    (Some(d), _) if d.min != d.max => Some(format!("{} to {} weeks in all", d.min, d.max)),
                    (Some(d), _) => Some(format!("{} weeks in all", d.min)),
                    (None, false) => Some(format!("{} week{} {}", match o.effect {
                        WeekEffect::Skip => "skips",
                        _ => "focuses on",
                    }, if o.weeks.len() == 1 { "" } else { "s" }, list_weeks(&o.weeks))),
                    (None, true) => None,
                };
                serde_json::json!({
                    "id": o.id, "label": o.label, "html": inline_html(&o.text), "line": o.span.line, "weeks_text": weeks_text,
                })
            })
            .collect();
        serde_json::json!({ "id": track.id, "title": track.title, "line": track.span.line, "grid": grid, "options": options })
    }

    fn certification(&self, cert: &roadmap::Certification, roadmap: &Roadmap) -> serde_json::Value {
        let inherits_name = cert
            .inherits
            .as_ref()
            .and_then(|id| roadmap.certifications.iter().find(|c| &c.id == id))
            .map(|c| c.name.clone());
        serde_json::json!({
            "id": cert.id,
            "name": cert.name,
            "title": cert.title,
            "line": cert.span.line,
            "score": cert.score.map(|s| format!("{}–{} %", s.min, s.max)),
            "inherits": cert.inherits,
            "inherits_name": inherits_name,
            "benefits": cert.benefits.iter().map(|b| self.entry(b)).collect::<Vec<_>>(),
        })
    }
}

/// `1-2` for a range of weeks, `3` for one, empty for none.
fn weeks_range(weeks: &[u32]) -> String {
    match (weeks.first(), weeks.last()) {
        (Some(first), Some(last)) if first != last => format!("{first}-{last}"),
        (Some(first), _) => first.to_string(),
        _ => String::new(),
    }
}

/// `1, 3, 5 and 11-12`: week numbers with runs folded.
fn list_weeks(weeks: &[u32]) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &week in weeks {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == week => *end = week,
            _ => runs.push((week, week)),
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    }
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
    fn folds_week_lists() {
        assert_eq!(list_weeks(&[1, 3, 5, 11, 12]), "1, 3, 5 and 11-12");
        assert_eq!(list_weeks(&[9, 10]), "9-10");
        assert_eq!(weeks_range(&[1, 2]), "1-2");
    }

    #[test]
    fn the_anchor_function_writes_heading_attributes() {
        let args = HashMap::from([
            ("id".to_owned(), tera::Value::from("w01")),
            ("kind".to_owned(), tera::Value::from("week")),
            ("line".to_owned(), tera::Value::from(29)),
        ]);
        assert_eq!(
            anchor(&args).unwrap(),
            tera::Value::from("{#w01 data-kind=week data-line=29}")
        );
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

//! The typed roadmap: what `parse` produces and every later stage reads.
//!
//! Every element that a reader can point at carries a stable [`id`](Item::id)
//! and the [`Span`] of its source text.

use serde::Serialize;

/// Where an element stands in the roadmap's source text.
///
/// `line` and `column` are 1-based (columns count characters, as editors
/// do); `start..end` is the byte range in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    /// 1-based line of the first character.
    pub line: u32,
    /// 1-based column (in characters) of the first character.
    pub column: u32,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

/// A whole roadmap, in the order its author wrote it.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct Roadmap {
    /// The document title (the first level-1 heading), emoji kept.
    pub title: String,
    /// The sections that introduce the plan (overview, learning approach,
    /// time commitment, …).
    pub introduction: Vec<Section>,
    /// The plan: phases, each holding its weeks.
    pub phases: Vec<Phase>,
    /// Milestones, grouped per phase.
    pub milestones: Vec<MilestoneGroup>,
    /// Success metrics (KPIs), grouped, each group with its cadence.
    pub metrics: Vec<MetricGroup>,
    /// Acceleration options: alternative study tracks.
    pub tracks: Vec<Track>,
    /// Certification levels, lowest first.
    pub certifications: Vec<Certification>,
    /// Everything else, kept as Markdown so no text is ever dropped; each
    /// section says which part of the roadmap it stood in.
    pub prose: Vec<Section>,
    /// The headings the author gave each part, where there was one.
    pub part_titles: PartTitles,
}

impl Roadmap {
    /// Every unit of the plan (week, day, module, …), in order.
    pub fn weeks(&self) -> impl Iterator<Item = &Week> {
        self.phases.iter().flat_map(|phase| &phase.weeks)
    }

    /// Every block of the plan with its unit, in order.
    pub fn blocks(&self) -> impl Iterator<Item = (&Week, &Block)> {
        self.weeks()
            .flat_map(|week| week.blocks.iter().map(move |block| (week, block)))
    }

    /// Every checklist item of the plan with its unit, in order.
    pub fn items(&self) -> impl Iterator<Item = (&Week, &Item)> {
        self.blocks()
            .flat_map(|(week, block)| block.items.iter().map(move |item| (week, item)))
    }
}

/// The parts of a roadmap, in the order a reader meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    /// Before the plan: overview, approach, commitment.
    #[default]
    Introduction,
    /// The phases and weeks.
    Plan,
    /// Milestones per phase.
    Milestones,
    /// Success metrics.
    Metrics,
    /// Acceleration options.
    Tracks,
    /// Certification levels.
    Certifications,
    /// A part the parser does not recognise.
    Other,
}

/// The heading of each part, as written (emoji kept).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PartTitles {
    /// The plan's heading (`📅 Week-by-Week Plan`).
    pub plan: Option<String>,
    /// The milestones' heading.
    pub milestones: Option<String>,
    /// The metrics' heading.
    pub metrics: Option<String>,
    /// The tracks' heading.
    pub tracks: Option<String>,
    /// The certification levels' heading.
    pub certifications: Option<String>,
}

/// A section the parser keeps as Markdown, with any `label: value` entries it
/// found in it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    /// Stable ID, from the heading text.
    pub id: String,
    /// The heading text (empty for text before any heading).
    pub title: String,
    /// The heading level (1-6; 0 for text under no heading of its own).
    pub level: u8,
    /// The part of the roadmap it stood in.
    pub part: Part,
    /// The section body as the author wrote it (Markdown, without the
    /// heading, up to the next heading).
    pub markdown: String,
    /// The `- **Label**: value` entries of its lists, if any.
    pub entries: Vec<Entry>,
    /// Where the heading (or the text) starts.
    pub span: Span,
}

/// A `**Label**: value` list entry (learning approach, time commitment,
/// metrics, benefits, track options).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Entry {
    /// Stable ID, from the owner's ID and the label.
    pub id: String,
    /// The bold label, trimmed (`Weekly Effort`).
    pub label: String,
    /// The text after the colon, inline Markdown.
    pub value: String,
    /// Where the list item starts.
    pub span: Span,
}

/// A phase of the plan: a run of weeks with a common theme.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Phase {
    /// Stable ID, from the weeks it spans (`weeks-01-02`).
    pub id: String,
    /// The theme (`Foundation & Fundamentals`).
    pub title: String,
    /// The heading's leading emoji, if any.
    pub icon: Option<String>,
    /// First and last week number the heading names.
    pub first_week: u32,
    /// Last week number the heading names.
    pub last_week: u32,
    /// The weeks, in source order.
    pub weeks: Vec<Week>,
    /// Where the heading starts.
    pub span: Span,
}

/// One unit of the plan: a week, or the day, module, lesson or version a
/// plan of another shape is made of (see [`UnitKind`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Week {
    /// Stable ID (`w01`; `day-1-3`, `module-2`, `version-1-1` for other
    /// units).
    pub id: String,
    /// The week number; for other units their position in the plan (1, 2,
    /// …), whatever their label says.
    pub number: u32,
    /// What kind of unit this is.
    pub unit: UnitKind,
    /// The unit's name as its heading gives it (`Week 3`, `Day 1-3`,
    /// `Module 2`, `Version 1.1`).
    pub label: String,
    /// A time frame the heading gives in parentheses (`Short-term: 1-3
    /// months`), for versions.
    pub time_frame: Option<String>,
    /// The title after `Week N:`.
    pub title: String,
    /// The `**Focus**:` line, if any.
    pub focus: Option<String>,
    /// The day blocks, in source order.
    pub blocks: Vec<Block>,
    /// The `**Deliverables**:` list.
    pub deliverables: Vec<Deliverable>,
    /// Text in the week the parser does not recognise, kept as Markdown.
    pub notes: Vec<String>,
    /// Where the heading starts.
    pub span: Span,
}

/// The kinds of unit a plan can be made of. A plan uses one kind: the
/// first unit heading decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    /// `Week 3: Title`, holding day blocks.
    #[default]
    Week,
    /// `Day 1: Title` or `Days 1-3: Title`.
    Day,
    /// `Module 2: Title`.
    Module,
    /// `Lesson 4: Title`.
    Lesson,
    /// `Version 1.1 (Short-term: 1-3 months)` or `Milestone 2: Title`: a
    /// release with a time frame.
    Version,
}

impl UnitKind {
    /// Every kind of unit.
    pub const ALL: [UnitKind; 5] = [
        UnitKind::Week,
        UnitKind::Day,
        UnitKind::Module,
        UnitKind::Lesson,
        UnitKind::Version,
    ];

    /// The unit's name in lowercase (`week`, `day`, …): the page folder is
    /// its plural (`days/`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            UnitKind::Week => "week",
            UnitKind::Day => "day",
            UnitKind::Module => "module",
            UnitKind::Lesson => "lesson",
            UnitKind::Version => "version",
        }
    }
}

/// A block of days inside a week (`Monday-Tuesday: Sorting Basics`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Block {
    /// Stable ID, from the week and the days (`w01-monday-tuesday`).
    pub id: String,
    /// The days label (`Monday-Tuesday`).
    pub days: String,
    /// The topic after the colon.
    pub topic: String,
    /// The checklist, in source order.
    pub items: Vec<Item>,
    /// Where the block's bold label starts.
    pub span: Span,
}

/// One checklist entry of a block: a plain task or a hands-on item.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Item {
    /// Stable ID, from the week and the text (`w01-implement-merge-sort` for
    /// `Implement merge sort`),
    /// or the `<!-- id: … -->` override on its line.
    pub id: String,
    /// The text, inline Markdown, without the checkbox or hands-on label.
    pub text: String,
    /// Present when the item is a hands-on item with a bold label.
    pub hands_on: Option<HandsOn>,
    /// Whether the checkbox is ticked in the source.
    pub checked: bool,
    /// Old IDs of the item, from `<!-- was: old-id -->` on its line:
    /// progress saved under one of them is the item's progress.
    pub aliases: Vec<String>,
    /// Where the list item starts.
    pub span: Span,
}

/// What makes an item hands-on: its bold label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandsOn {
    /// The kind of hands-on work.
    pub label: Label,
    /// The label as written, trimmed (`Mock`).
    pub label_text: String,
}

/// The kinds of hands-on item a roadmap names with a bold label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Label {
    /// `**Exercise**`
    Exercise,
    /// `**Practice**`
    Practice,
    /// `**Mock …**` (a mock interview)
    Mock,
    /// `**Study**`
    Study,
    /// `**Assessment**`
    Assessment,
    /// `**Celebration**`
    Celebration,
    /// Any other bold label.
    Other,
}

impl Label {
    /// Whether items with this label get an exercise page with reference code
    /// (exercises and practice; the others are sessions, not code).
    #[must_use]
    pub fn needs_exercise_page(&self) -> bool {
        matches!(self, Label::Exercise | Label::Practice)
    }
}

/// A deliverable of a week.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Deliverable {
    /// Stable ID (`w01-deliverable-sorting-benchmark` for `Sorting benchmark`).
    pub id: String,
    /// The text, inline Markdown.
    pub text: String,
    /// Where the list item starts.
    pub span: Span,
}

/// The milestones of one phase.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MilestoneGroup {
    /// Stable ID (`milestones-w01-02`).
    pub id: String,
    /// The heading text (`Week 1-2 Milestones`).
    pub title: String,
    /// The weeks the heading names.
    pub weeks: Vec<u32>,
    /// The milestones, in source order.
    pub milestones: Vec<Milestone>,
    /// Where the heading starts.
    pub span: Span,
}

/// A milestone: a labelled checkbox (`**Basics Done**: every sort written and tested`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Milestone {
    /// Stable ID (`ms-w01-02-basics-done`).
    pub id: String,
    /// The bold label, trimmed.
    pub label: String,
    /// The text after the colon.
    pub text: String,
    /// Whether the checkbox is ticked in the source.
    pub checked: bool,
    /// Old IDs of the milestone, from `<!-- was: old-id -->` on its line.
    pub aliases: Vec<String>,
    /// Where the list item starts.
    pub span: Span,
}

/// A group of success metrics measured together.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetricGroup {
    /// Stable ID (`kpi-problem-solving`).
    pub id: String,
    /// The group name without the cadence (`Problem Solving`).
    pub name: String,
    /// How often it is measured (`Weekly`, `Bi-Weekly`, `Monthly`), if said.
    pub cadence: Option<String>,
    /// The metrics, as label/value entries.
    pub metrics: Vec<Entry>,
    /// Where the heading starts.
    pub span: Span,
}

/// An alternative way through the plan (an acceleration option).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Track {
    /// Stable ID (`track-returning-students-1-year`).
    pub id: String,
    /// The heading text (`For Returning Students (1+ year)`).
    pub title: String,
    /// The options of the track, each with the weeks it names.
    pub options: Vec<TrackOption>,
    /// Where the heading starts.
    pub span: Span,
}

/// One option of a track, with the weeks its text names parsed out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrackOption {
    /// Stable ID, from the track and the label.
    pub id: String,
    /// The bold label (`Skip Weeks 1-2`).
    pub label: String,
    /// The text after the colon.
    pub text: String,
    /// What the option does with the weeks it names.
    pub effect: WeekEffect,
    /// The week numbers named by the label or text (`Weeks 1, 3, 5, 11-12`
    /// gives 1, 3, 5, 11, 12), sorted, without duplicates.
    pub weeks: Vec<u32>,
    /// A total duration in weeks (`16-20 weeks instead of 12` gives 16..=20).
    pub duration: Option<WeekRange>,
    /// Where the list item starts.
    pub span: Span,
}

/// What a track option does with the weeks it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WeekEffect {
    /// It names no weeks.
    #[default]
    None,
    /// The weeks are skipped (`Skip Weeks 1-2`).
    Skip,
    /// The weeks get the learner's attention (`Focus on …: Weeks 1, 3, 5`).
    Focus,
}

/// An inclusive range of weeks or a score range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeekRange {
    /// Lower bound.
    pub min: u32,
    /// Upper bound (equal to `min` for a single number).
    pub max: u32,
}

/// A certification level.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Certification {
    /// Stable ID (`cert-basic`).
    pub id: String,
    /// The level's name (`Basic`).
    pub name: String,
    /// The heading text (`Basic Certification (60-74%)`).
    pub title: String,
    /// The score range in percent, if the heading gives one.
    pub score: Option<WeekRange>,
    /// The ID of the level whose benefits this one includes
    /// (`**All Basic Benefits** +`).
    pub inherits: Option<String>,
    /// Its own benefits.
    pub benefits: Vec<Entry>,
    /// Where the heading starts.
    pub span: Span,
}

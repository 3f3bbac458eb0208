//! The second pass: top-level blocks to the typed [`Roadmap`], with
//! diagnostics for what is malformed. Headings decide where we are (which
//! part, phase, week); bold labels decide what a paragraph or item is.

use std::ops::Range;

use crate::blocks::{self, RawBlock, RawKind};
use crate::id;
use crate::model::*;
use crate::units;
use crate::weeks::{duration_named, weeks_named};
use crate::{Diagnostic, LineIndex, Parsed};

/// Parses `source`, read from `file`.
pub(crate) fn parse(source: &str, file: &str) -> Parsed {
    let mut parser = Parser {
        source,
        file,
        lines: LineIndex::new(source),
        roadmap: Roadmap::default(),
        diagnostics: Vec::new(),
        part: Part::Introduction,
        at: At::Start,
        aliases: Vec::new(),
    };
    if source.trim().is_empty() {
        parser.diagnostics.push(
            Diagnostic::error("empty-file", file, parser.span(0..0), "the roadmap is empty")
                .with_help("write the plan as Markdown: a `# Title`, then `### Week N: Title` headings with checklists"),
        );
        return parser.finish();
    }
    for block in blocks::split(source) {
        parser.block(&block);
    }
    parser.finish()
}

/// Where the parser is: what the next paragraph or list item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the first heading.
    Start,
    /// In `roadmap.introduction[i]`.
    Intro(usize),
    /// In the current week; `mode` says what its lists are.
    Week(WeekMode),
    /// In the last milestone group.
    Milestones,
    /// In the last metric group.
    Metrics,
    /// In the last track.
    Track,
    /// In the last certification level.
    Certification,
    /// In `roadmap.prose[i]`.
    Prose(usize),
    /// Under a part or phase heading, or after a rule: text here starts a
    /// prose section of the current part.
    Loose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WeekMode {
    /// Before the first day block.
    Head,
    /// In the last day block.
    Block,
    /// In the deliverables list.
    Deliverables,
}

struct Parser<'a> {
    source: &'a str,
    file: &'a str,
    lines: LineIndex,
    roadmap: Roadmap,
    diagnostics: Vec<Diagnostic>,
    part: Part,
    at: At,
    /// Every `<!-- was: … -->` alias read: (old ID, where the comment is,
    /// the ID of the element it stands on).
    aliases: Vec<(String, Span, String)>,
}

/// A `**Label**: rest` at the start of a paragraph or item.
struct Labelled<'a> {
    /// The label, trimmed, without a trailing colon.
    label: &'a str,
    /// The text after the label and its colon, trimmed.
    rest: &'a str,
    /// Whether a colon followed the label (or ended it).
    colon: bool,
    /// The `**…**` range, relative to the text it was found in.
    strong: Range<usize>,
    /// Whether the label has spaces just inside its asterisks.
    malformed: bool,
}

fn labelled(text: &str) -> Option<Labelled<'_>> {
    let inner = text.strip_prefix("**")?;
    let close = inner.find("**")?;
    let raw = &inner[..close];
    if raw.trim().is_empty() && !raw.is_empty() {
        return None;
    }
    let after = &inner[close + 2..];
    let (mut label, mut colon) = (raw.trim(), false);
    if let Some(stripped) = label.strip_suffix(':') {
        label = stripped.trim_end();
        colon = true;
    }
    let mut rest = after.trim_start();
    if let Some(stripped) = rest.strip_prefix(':') {
        rest = stripped;
        colon = true;
    }
    Some(Labelled {
        label,
        rest: rest.trim(),
        colon,
        strong: 0..close + 4,
        malformed: raw != raw.trim(),
    })
}

fn contains_any(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|word| lower.contains(word))
}

/// Splits a heading into its leading emoji/symbols and its words: the
/// leading space-separated tokens without an ASCII letter or digit.
fn split_icon(text: &str) -> (Option<String>, &str) {
    let mut start = 0;
    for token in text.split_inclusive(char::is_whitespace) {
        if token.trim().is_empty() || !token.bytes().any(|b| b.is_ascii_alphanumeric()) {
            start += token.len();
        } else {
            break;
        }
    }
    let icon = text[..start].trim();
    let icon = (!icon.is_empty()).then(|| icon.to_owned());
    (icon, text[start..].trim_start())
}

/// `Week 1-2: Title` → (1, 2, Title).
fn phase_heading(text: &str) -> Option<(u32, u32, &str)> {
    let (head, title) = text.split_once(':')?;
    let head = head.trim();
    let lower = head.to_lowercase();
    let numbers = lower
        .strip_prefix("weeks")
        .or_else(|| lower.strip_prefix("week"))?;
    let (first, last) = numbers.split_once(['-', '\u{2013}'])?;
    Some((
        first.trim().parse().ok()?,
        last.trim().parse().ok()?,
        title.trim(),
    ))
}

/// `Week 3: Title` → (3, Title).
fn week_heading(text: &str) -> Option<(u32, &str)> {
    let (head, title) = text.split_once(':')?;
    let lower = head.trim().to_lowercase();
    let number = lower.strip_prefix("week")?.trim().parse().ok()?;
    Some((number, title.trim()))
}

fn hands_on_label(label: &str) -> Label {
    let lower = label.to_lowercase();
    let kinds = [
        ("exercise", Label::Exercise),
        ("practice", Label::Practice),
        ("mock", Label::Mock),
        ("study", Label::Study),
        ("assessment", Label::Assessment),
        ("celebration", Label::Celebration),
    ];
    kinds
        .into_iter()
        .find(|(word, _)| lower.starts_with(word))
        .map_or(Label::Other, |(_, kind)| kind)
}

impl<'a> Parser<'a> {
    fn span(&self, range: Range<usize>) -> Span {
        self.lines.span(self.source, range)
    }

    fn text(&self, range: &Range<usize>) -> &'a str {
        &self.source[range.clone()]
    }

    fn block(&mut self, block: &RawBlock) {
        match &block.kind {
            RawKind::Heading { level, text } => self.heading(*level, text, block.range.clone()),
            RawKind::Paragraph => self.paragraph(block.range.clone()),
            RawKind::Item { checked, body } => {
                self.item(*checked, body.clone(), block.range.clone())
            }
            RawKind::Rule => {
                self.at = match self.at {
                    At::Week(_) => At::Week(WeekMode::Head),
                    At::Start | At::Intro(_) if self.roadmap.phases.is_empty() => self.at,
                    _ => At::Loose,
                };
            }
            RawKind::Other => self.leftover(block.range.clone()),
        }
    }

    fn heading(&mut self, level: u8, text: &str, range: Range<usize>) {
        let span = self.span(range.clone());
        let (icon, words) = split_icon(text);
        if level == 1 && self.roadmap.title.is_empty() {
            self.roadmap.title = text.to_owned();
            self.at = At::Start;
            return;
        }
        if let Some((first, last, title)) = phase_heading(words) {
            self.part = Part::Plan;
            self.roadmap.phases.push(Phase {
                id: format!("weeks-{first:02}-{last:02}"),
                title: title.to_owned(),
                icon,
                first_week: first,
                last_week: last,
                weeks: Vec::new(),
                span,
            });
            self.at = At::Loose;
            return;
        }
        if let Some((number, title)) = week_heading(words) {
            self.part = Part::Plan;
            self.week(number, title, span);
            return;
        }
        if let Some(heading) = units::unit_heading(words).filter(|_| !self.has_weeks()) {
            self.part = Part::Plan;
            self.unit(&heading, span);
            return;
        }
        if let At::Week(_) = self.at
            && self
                .current_week_level()
                .is_some_and(|week_level| level > week_level)
        {
            if self.current_week().unit == UnitKind::Week {
                // A sub-heading inside a week stays with the week.
                self.leftover(range);
            } else {
                // Inside another unit it starts a section of items.
                self.open_block("", words, span);
            }
            return;
        }
        if level > 2 && contains_any(words, &["milestone"]) {
            self.part = Part::Milestones;
        }
        if level <= 2 {
            self.part = self.classify_part(words);
            let title = Some(text.to_owned());
            match self.part {
                Part::Plan => self.roadmap.part_titles.plan = title,
                Part::Milestones => self.roadmap.part_titles.milestones = title,
                Part::Metrics => self.roadmap.part_titles.metrics = title,
                Part::Tracks => self.roadmap.part_titles.tracks = title,
                Part::Certifications => self.roadmap.part_titles.certifications = title,
                Part::Introduction | Part::Other => {
                    self.section(text, level, span);
                    return;
                }
            }
            self.at = At::Loose;
            return;
        }
        match self.part {
            Part::Milestones => self.milestone_group(text, span),
            Part::Metrics => self.metric_group(words, span),
            Part::Tracks => self.track(text, words, span),
            Part::Certifications => self.certification(text, words, span),
            Part::Introduction | Part::Plan | Part::Other => self.section(text, level, span),
        }
    }

    fn classify_part(&self, words: &str) -> Part {
        if contains_any(words, &["milestone", "progress", "checkpoint"]) {
            Part::Milestones
        } else if contains_any(words, &["metric", "kpi"]) {
            Part::Metrics
        } else if contains_any(words, &["acceleration", "track", "option", "path"]) {
            Part::Tracks
        } else if contains_any(words, &["certification", "reward", "recognition"]) {
            Part::Certifications
        } else if contains_any(words, &["plan", "week", "schedule", "curriculum"]) {
            Part::Plan
        } else if self.roadmap.phases.is_empty() {
            Part::Introduction
        } else {
            Part::Other
        }
    }

    /// Starts a section that keeps its text as Markdown.
    fn section(&mut self, title: &str, level: u8, span: Span) {
        let section = Section {
            id: String::new(),
            title: title.to_owned(),
            level,
            part: self.part,
            markdown: String::new(),
            entries: Vec::new(),
            span,
        };
        if self.part == Part::Introduction {
            self.roadmap.introduction.push(section);
            self.at = At::Intro(self.roadmap.introduction.len() - 1);
        } else {
            self.roadmap.prose.push(section);
            self.at = At::Prose(self.roadmap.prose.len() - 1);
        }
    }

    fn current_week_level(&self) -> Option<u8> {
        let week = self.roadmap.phases.last()?.weeks.last()?;
        let line = &self.source[week.span.start..];
        Some(line.bytes().take_while(|&b| b == b'#').count() as u8).filter(|&n| n > 0)
    }

    fn week(&mut self, number: u32, title: &str, span: Span) {
        match self.roadmap.phases.last() {
            // Weeks with no phase heading above them form an unnamed phase
            // (`first_week == 0` until `assign_section_ids` sets its range).
            None => {
                let title = self
                    .roadmap
                    .part_titles
                    .plan
                    .as_deref()
                    .map_or("Plan", |t| split_icon(t).1);
                self.roadmap.phases.push(Phase {
                    title: title.to_owned(),
                    span,
                    ..Phase::default()
                });
            }
            Some(phase)
                if phase.first_week != 0
                    && !(phase.first_week..=phase.last_week).contains(&number) =>
            {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "week-outside-phase",
                        self.file,
                        span,
                        format!("week {number} is outside its phase, weeks {}-{}", phase.first_week, phase.last_week),
                    )
                    .with_related(self.file, phase.span, "the phase starts here")
                    .with_help("move the week under the phase that covers it, or widen the phase heading's range"),
                );
            }
            Some(_) => {}
        }
        let phase = self.roadmap.phases.last_mut().expect("a phase exists");
        phase.weeks.push(Week {
            id: id::week_id(number),
            number,
            label: format!("Week {number}"),
            title: title.to_owned(),
            span,
            ..Week::default()
        });
        self.at = At::Week(WeekMode::Head);
    }

    /// Whether the plan has a `Week N` unit (then day, module and version
    /// headings inside it are sections, not units of their own).
    fn has_weeks(&self) -> bool {
        self.roadmap.weeks().any(|w| w.unit == UnitKind::Week)
    }

    /// Starts a unit other than a week: numbered by its place in the plan.
    fn unit(&mut self, heading: &units::UnitHeading<'_>, span: Span) {
        let number = self
            .roadmap
            .phases
            .iter()
            .map(|p| p.weeks.len() as u32)
            .sum::<u32>()
            + 1;
        self.week(number, heading.title, span);
        let week = self.current_week();
        week.id = id::slug(&heading.label);
        week.unit = heading.kind;
        week.label.clone_from(&heading.label);
        week.time_frame.clone_from(&heading.time_frame);
    }

    /// Starts a block of the current unit (`days` may be empty, as may
    /// `topic` for the items straight under a unit's heading).
    fn open_block(&mut self, days: &str, topic: &str, span: Span) {
        let week = self.current_week();
        let key = match (days.trim(), topic.trim()) {
            ("", "") => "items",
            ("", topic) => topic,
            (days, _) => days,
        };
        let block = Block {
            id: id::join(&week.id, &id::slug(key)),
            days: days.trim().to_owned(),
            topic: topic.trim().to_owned(),
            items: Vec::new(),
            span,
        };
        week.blocks.push(block);
        self.at = At::Week(WeekMode::Block);
    }

    fn current_week(&mut self) -> &mut Week {
        self.roadmap
            .phases
            .last_mut()
            .and_then(|phase| phase.weeks.last_mut())
            .expect("At::Week only while a week is open")
    }

    fn paragraph(&mut self, range: Range<usize>) {
        let At::Week(_) = self.at else {
            return self.leftover(range);
        };
        let text = self.text(&range);
        let Some(labelled) = labelled(text) else {
            return self.leftover(range);
        };
        self.check_emphasis(&labelled, range.start);
        let (label, rest, colon) = (
            labelled.label.to_owned(),
            labelled.rest.to_owned(),
            labelled.colon,
        );
        let span = self.span(range.clone());
        let lower = label.to_lowercase();
        if lower == "focus" && colon {
            self.current_week().focus = Some(rest);
        } else if (lower.starts_with("deliverable") || lower.starts_with("outcome"))
            && rest.is_empty()
        {
            self.at = At::Week(WeekMode::Deliverables);
        } else if let Some((days, topic)) = label.split_once(':').filter(|_| rest.is_empty()) {
            self.open_block(days, topic, span);
        } else {
            self.leftover(range);
        }
    }

    fn item(&mut self, checked: Option<bool>, body: Range<usize>, range: Range<usize>) {
        let span = self.span(range.clone());
        let text = self.text(&body).to_owned();
        let (text, override_id) = self.take_override(&text, body.start);
        let (text, aliases) = self.take_aliases(&text, body.start);
        let labelled = labelled(&text);
        if let Some(labelled) = &labelled {
            self.check_emphasis(labelled, body.start);
        }
        if self.at == At::Week(WeekMode::Head) && self.current_week().unit != UnitKind::Week {
            // Items straight under a day, module or version heading.
            self.open_block("", "", span);
        }
        let keeps_aliases = matches!(self.at, At::Week(WeekMode::Block) | At::Milestones);
        if !keeps_aliases && let Some((_, span)) = &aliases {
            self.diagnostics.push(
                Diagnostic::warning(
                    "unused-alias",
                    self.file,
                    *span,
                    "only checklist items and milestones keep progress, so only they take old IDs",
                )
                .with_label("this `<!-- was: … -->` is ignored")
                .with_help(
                    "remove the comment; links to the old ID of this element no longer lead here",
                ),
            );
        }
        match self.at {
            At::Week(WeekMode::Block) => {
                let week_id = self.current_week().id.clone();
                let (hands_on, text) = match labelled.filter(|l| l.colon) {
                    Some(l) => (
                        Some(HandsOn {
                            label: hands_on_label(l.label),
                            label_text: l.label.to_owned(),
                        }),
                        if l.rest.is_empty() {
                            l.label.to_owned()
                        } else {
                            l.rest.to_owned()
                        },
                    ),
                    None => (None, text.trim().to_owned()),
                };
                let id = override_id.unwrap_or_else(|| id::join(&week_id, &id::slug(&text)));
                let item = Item {
                    id: id.clone(),
                    text,
                    hands_on,
                    checked: checked.unwrap_or(false),
                    aliases: self.record_aliases(aliases, &id),
                    span,
                };
                self.current_week()
                    .blocks
                    .last_mut()
                    .expect("mode Block")
                    .items
                    .push(item);
            }
            At::Week(WeekMode::Deliverables) => {
                let week = self.current_week();
                let prefix = format!("{}-deliverable", week.id);
                week.deliverables.push(Deliverable {
                    id: override_id.unwrap_or_else(|| id::join(&prefix, &id::slug(&text))),
                    text: text.trim().to_owned(),
                    span,
                });
            }
            At::Milestones => {
                let group = self.roadmap.milestones.last_mut().expect("At::Milestones");
                let (label, text) = labelled.map_or((String::new(), text.trim().to_owned()), |l| {
                    (l.label.to_owned(), l.rest.to_owned())
                });
                let key = if label.is_empty() { &text } else { &label };
                let id = override_id.unwrap_or_else(|| {
                    id::join(&group.id.replacen("milestones", "ms", 1), &id::slug(key))
                });
                let aliases = self.record_aliases(aliases, &id);
                let group = self.roadmap.milestones.last_mut().expect("At::Milestones");
                group.milestones.push(Milestone {
                    id,
                    label,
                    text,
                    checked: checked.unwrap_or(false),
                    aliases,
                    span,
                });
            }
            At::Metrics => {
                let group = self.roadmap.metrics.last_mut().expect("At::Metrics");
                group.metrics.push(entry(
                    &group.id,
                    labelled.as_ref(),
                    &text,
                    override_id,
                    span,
                ));
            }
            At::Track => {
                let track = self.roadmap.tracks.last_mut().expect("At::Track");
                let entry = entry(&track.id, labelled.as_ref(), &text, override_id, span);
                let named = weeks_named(&entry.label);
                let (weeks, from_label) = if named.is_empty() {
                    (weeks_named(&entry.value), false)
                } else {
                    (named, true)
                };
                let skip = from_label && entry.label.to_lowercase().starts_with("skip");
                track.options.push(TrackOption {
                    effect: match (weeks.is_empty(), skip) {
                        (true, _) => WeekEffect::None,
                        (false, true) => WeekEffect::Skip,
                        (false, false) => WeekEffect::Focus,
                    },
                    weeks,
                    duration: duration_named(&entry.label).or_else(|| duration_named(&entry.value)),
                    id: entry.id,
                    label: entry.label,
                    text: entry.value,
                    span,
                });
            }
            At::Certification => self.benefit(labelled.as_ref(), &text, override_id, span),
            At::Intro(i) => {
                let section = &mut self.roadmap.introduction[i];
                let id = section.id.clone();
                if labelled.is_some() {
                    section
                        .entries
                        .push(entry(&id, labelled.as_ref(), &text, override_id, span));
                }
                let kept = self.repaired_label(&range, &body, labelled.as_ref());
                self.keep(range, kept);
            }
            _ => {
                let kept = self.repaired_label(&range, &body, labelled.as_ref());
                self.keep(range, kept);
            }
        }
    }

    /// The source of the list item at `range` with a malformed label
    /// (`** Ready**`) written as the label it was read as (`**Ready**`), so
    /// prose shows no literal asterisks; the diagnostic tells the author.
    fn repaired_label(
        &self,
        range: &Range<usize>,
        body: &Range<usize>,
        labelled: Option<&Labelled<'_>>,
    ) -> String {
        let source = self.text(range);
        match labelled {
            Some(l) if l.malformed && self.text(body).starts_with("**") => {
                let at = body.start - range.start;
                format!(
                    "{}**{}**{}",
                    &source[..at],
                    l.label,
                    &source[at + l.strong.end..]
                )
            }
            _ => source.to_owned(),
        }
    }

    /// Removes an `<!-- id: … -->` override from an item's text, checking it.
    fn take_override(&mut self, text: &str, offset: usize) -> (String, Option<String>) {
        let Some((value, range)) = id::find_override(text) else {
            return (text.to_owned(), None);
        };
        let span = self.span(offset + range.start..offset + range.end);
        let without = format!("{}{}", &text[..range.start], &text[range.end..]);
        if id::is_valid(&value) {
            (without.trim().to_owned(), Some(value))
        } else {
            self.diagnostics.push(
                Diagnostic::error("invalid-id", self.file, span, format!("`{value}` is not a valid ID"))
                    .with_label("IDs are URL fragments and progress keys")
                    .with_help("use lowercase letters, digits and single dashes, e.g. `<!-- id: w01-circuit-breaker -->`"),
            );
            (without.trim().to_owned(), None)
        }
    }

    /// Removes an `<!-- was: … -->` alias comment from an item's text,
    /// checking each name: the valid ones come back with the comment's span.
    fn take_aliases(&mut self, text: &str, offset: usize) -> (String, Option<(Vec<String>, Span)>) {
        let Some((names, range)) = id::find_aliases(text) else {
            return (text.to_owned(), None);
        };
        let span = self.span(offset + range.start..offset + range.end);
        let without = format!("{}{}", &text[..range.start], &text[range.end..]);
        let mut valid = Vec::new();
        for name in names {
            if id::is_valid(&name) {
                valid.push(name);
            } else {
                self.diagnostics.push(
                    Diagnostic::error("invalid-alias", self.file, span, format!("`{name}` is not a valid old ID"))
                        .with_label("an alias names an ID the element had before")
                        .with_help("write the old ID as `check --base` printed it, e.g. `<!-- was: w01-circuit-breaker -->`"),
                );
            }
        }
        (without.trim().to_owned(), Some((valid, span)))
    }

    /// Keeps `aliases` of the element `id` for the checks of `finish`, and
    /// returns the names.
    fn record_aliases(&mut self, aliases: Option<(Vec<String>, Span)>, id: &str) -> Vec<String> {
        let Some((names, span)) = aliases else {
            return Vec::new();
        };
        for name in &names {
            self.aliases.push((name.clone(), span, id.to_owned()));
        }
        names
    }

    fn benefit(
        &mut self,
        labelled: Option<&Labelled<'_>>,
        text: &str,
        override_id: Option<String>,
        span: Span,
    ) {
        let inherited = labelled.and_then(|l| {
            let lower = l.label.to_lowercase();
            let name = lower
                .strip_prefix("all ")?
                .strip_suffix(" benefits")?
                .trim()
                .to_owned();
            Some(name)
        });
        let index = self.roadmap.certifications.len() - 1;
        if let Some(name) = inherited {
            let parent = self.roadmap.certifications[..index]
                .iter()
                .find(|c| c.name.to_lowercase() == name)
                .map(|c| c.id.clone());
            if parent.is_none() {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "unknown-level",
                        self.file,
                        span,
                        format!("no earlier certification level is named `{name}`"),
                    )
                    .with_help(
                        "name a level defined above this one, e.g. `**All Bronze Benefits** +`",
                    ),
                );
            }
            self.roadmap.certifications[index].inherits = parent;
            return;
        }
        let cert = &mut self.roadmap.certifications[index];
        cert.benefits
            .push(entry(&cert.id, labelled, text, override_id, span));
    }

    fn milestone_group(&mut self, title: &str, span: Span) {
        let weeks = weeks_named(title);
        let key = match (weeks.first(), weeks.last()) {
            (Some(first), Some(last)) if first != last => format!("w{first:02}-{last:02}"),
            (Some(first), _) => id::week_id(*first),
            _ => id::slug(title),
        };
        self.roadmap.milestones.push(MilestoneGroup {
            id: id::join("milestones", &key),
            title: title.to_owned(),
            weeks,
            milestones: Vec::new(),
            span,
        });
        self.at = At::Milestones;
    }

    fn metric_group(&mut self, words: &str, span: Span) {
        let (name, cadence) = match words.rsplit_once('(') {
            Some((name, paren)) => {
                let inner = paren.trim_end().trim_end_matches(')').trim();
                let cadence = inner
                    .strip_prefix("Measured")
                    .or_else(|| inner.strip_prefix("measured"))
                    .unwrap_or(inner);
                (name.trim(), Some(cadence.trim().to_owned()))
            }
            None => (words.trim(), None),
        };
        self.roadmap.metrics.push(MetricGroup {
            id: id::join("kpi", &id::slug(name)),
            name: name.to_owned(),
            cadence,
            metrics: Vec::new(),
            span,
        });
        self.at = At::Metrics;
    }

    fn track(&mut self, title: &str, words: &str, span: Span) {
        let key = words.strip_prefix("For ").unwrap_or(words);
        self.roadmap.tracks.push(Track {
            id: id::join("track", &id::slug(key)),
            title: title.to_owned(),
            options: Vec::new(),
            span,
        });
        self.at = At::Track;
    }

    fn certification(&mut self, title: &str, words: &str, span: Span) {
        let (name, paren) = words.split_once('(').unwrap_or((words, ""));
        let name = name.replace("Certification", "").trim().to_owned();
        let score = paren.split_once('%').and_then(|(range, _)| {
            let (min, max) = range.split_once(['-', '\u{2013}'])?;
            Some(WeekRange {
                min: min.trim().parse().ok()?,
                max: max.trim().parse().ok()?,
            })
        });
        self.roadmap.certifications.push(Certification {
            id: id::join("cert", &id::slug(&name)),
            name,
            title: title.to_owned(),
            score,
            inherits: None,
            benefits: Vec::new(),
            span,
        });
        self.at = At::Certification;
    }

    /// Keeps a block the structure has no place for, as Markdown.
    fn leftover(&mut self, range: Range<usize>) {
        let text = self.text(&range).to_owned();
        self.keep(range, text);
    }

    /// Keeps `text` (the block at `range`, possibly repaired) as Markdown.
    fn keep(&mut self, range: Range<usize>, text: String) {
        let index = match self.at {
            At::Week(_) => {
                self.current_week().notes.push(text);
                return;
            }
            At::Intro(i) => return append(&mut self.roadmap.introduction[i], range.start, &text),
            At::Prose(i) => i,
            At::Start => {
                // Text before any heading that names a part: a nameless
                // section of the part we are in (the introduction, or the
                // plan when a part heading came first and an empty title
                // heading reset us to the start).
                self.section("", 0, self.span(range.clone()));
                match self.at {
                    At::Intro(i) => {
                        return append(&mut self.roadmap.introduction[i], range.start, &text);
                    }
                    At::Prose(i) => i,
                    _ => unreachable!("section() opens an introduction or prose section"),
                }
            }
            At::Loose | At::Milestones | At::Metrics | At::Track | At::Certification => {
                let (title, level) = match self.at {
                    At::Milestones => (self.roadmap.milestones.last().map(|g| g.title.clone()), 3),
                    At::Metrics => (self.roadmap.metrics.last().map(|g| g.name.clone()), 3),
                    At::Track => (self.roadmap.tracks.last().map(|t| t.title.clone()), 3),
                    At::Certification => (
                        self.roadmap.certifications.last().map(|c| c.title.clone()),
                        3,
                    ),
                    _ => (None, 0),
                };
                self.roadmap.prose.push(Section {
                    title: title.unwrap_or_default(),
                    level,
                    part: self.part,
                    span: self.span(range.clone()),
                    ..Section::default()
                });
                let index = self.roadmap.prose.len() - 1;
                if self.at == At::Loose {
                    self.at = At::Prose(index);
                }
                index
            }
        };
        append(&mut self.roadmap.prose[index], range.start, &text);
    }

    fn check_emphasis(&mut self, labelled: &Labelled<'_>, offset: usize) {
        if !labelled.malformed {
            return;
        }
        let range = offset + labelled.strong.start..offset + labelled.strong.end;
        let written = self.text(&range).to_owned();
        let fixed = format!("**{}**", written.trim_matches('*').trim());
        self.diagnostics.push(
            Diagnostic::warning(
                "malformed-emphasis",
                self.file,
                self.span(range),
                format!("`{written}` has spaces inside its asterisks"),
            )
            .with_label("Markdown shows these asterisks literally")
            .with_help(format!(
                "write `{fixed}` (roadbook reads it as the label `{}` meanwhile)",
                labelled.label
            ))
            .with_suggestion(fixed),
        );
    }

    fn finish(mut self) -> Parsed {
        self.diagnostics
            .extend(crate::hazards::check(self.source, self.file, &self.lines));
        self.assign_section_ids();
        self.check_weeks();
        self.check_ids();
        self.check_aliases();
        self.check_encoding();
        self.diagnostics
            .sort_by_key(|d| (d.file.clone(), d.span.start));
        Parsed {
            roadmap: self.roadmap,
            diagnostics: self.diagnostics,
        }
    }

    fn assign_section_ids(&mut self) {
        let mut taken = std::collections::BTreeSet::new();
        let plan_range = self
            .roadmap
            .phases
            .iter()
            .flat_map(|p| &p.weeks)
            .map(|w| w.number)
            .fold(None, |range: Option<(u32, u32)>, n| {
                Some(range.map_or((n, n), |(a, b)| (a.min(n), b.max(n))))
            });
        for phase in &mut self.roadmap.phases {
            if phase.id.is_empty() {
                let (first, last) = phase
                    .weeks
                    .iter()
                    .map(|w| w.number)
                    .fold((u32::MAX, 0), |(a, b), n| (a.min(n), b.max(n)));
                let (first, last) = if phase.weeks.is_empty() {
                    plan_range.unwrap_or((0, 0))
                } else {
                    (first, last)
                };
                phase.first_week = first;
                phase.last_week = last;
                let unit = phase.weeks.first().map_or(UnitKind::Week, |w| w.unit);
                phase.id = format!("{}s-{first:02}-{last:02}", unit.name());
            }
        }
        let sections = self
            .roadmap
            .introduction
            .iter_mut()
            .chain(self.roadmap.prose.iter_mut());
        for section in sections {
            let base = match id::slug(split_icon(&section.title).1) {
                slug if slug.is_empty() => {
                    format!("{}-notes", id::slug(&format!("{:?}", section.part)))
                }
                slug => slug,
            };
            let mut candidate = base.clone();
            let mut n = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{base}-{n}");
                n += 1;
            }
            section.id = candidate;
            for entry in &mut section.entries {
                if let Some(rest) = entry.id.strip_prefix('-') {
                    entry.id = format!("{}-{rest}", section.id);
                } else if entry.id.is_empty() {
                    entry.id = section.id.clone();
                }
            }
        }
    }

    fn check_weeks(&mut self) {
        let mut previous: Option<&Week> = None;
        let weeks: Vec<&Week> = self.roadmap.phases.iter().flat_map(|p| &p.weeks).collect();
        if weeks.is_empty() && !self.source.trim().is_empty() {
            self.diagnostics.push(
                Diagnostic::warning(
                    "no-weeks",
                    self.file,
                    self.span(0..0),
                    "the roadmap has no weeks; it will be published as prose",
                )
                .with_help(
                    "start each week with a heading like `#### Week 1: System Design Basics`",
                ),
            );
        }
        for week in weeks {
            let expected = previous.map_or(1, |p| p.number + 1);
            if week.number < expected {
                let mut diagnostic = Diagnostic::error(
                    "week-order",
                    self.file,
                    week.span,
                    format!("week {} comes after week {}", week.number, expected - 1),
                )
                .with_label("out of order")
                .with_help("weeks must be numbered 1, 2, 3, … in order");
                if let Some(previous) = previous {
                    diagnostic = diagnostic.with_related(
                        self.file,
                        previous.span,
                        format!("week {} is here", previous.number),
                    );
                }
                self.diagnostics.push(diagnostic);
            } else if week.number > expected {
                let missing = if week.number == expected + 1 {
                    format!("week {expected} is")
                } else {
                    format!("weeks {expected}-{} are", week.number - 1)
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        "missing-week",
                        self.file,
                        week.span,
                        format!("{missing} missing before week {}", week.number),
                    )
                    .with_label("the plan jumps here")
                    .with_help("add the missing weeks, or renumber this one"),
                );
            }
            if week.blocks.is_empty() {
                self.diagnostics.push(
                    Diagnostic::warning("empty-week", self.file, week.span, format!("week {} has no day blocks", week.number))
                        .with_help("add a block like `**Monday-Tuesday: Topic**` followed by a `- [ ]` checklist"),
                );
            }
            for block in &week.blocks {
                if block.items.is_empty() {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "empty-block",
                            self.file,
                            block.span,
                            format!(
                                "the block `{}` of week {} has no items",
                                block.days, week.number
                            ),
                        )
                        .with_label("no checklist follows")
                        .with_help("add `- [ ] task` lines under it, or remove the block"),
                    );
                }
            }
            previous = Some(week);
        }
    }

    fn check_ids(&mut self) {
        let mut seen: std::collections::BTreeMap<String, (Span, &str)> =
            std::collections::BTreeMap::new();
        for (id, span, what) in all_ids(&self.roadmap) {
            if let Some((first, first_what)) = seen.get(&id) {
                let overridden = self.source[span.start..span.end].contains("<!--");
                let (code, message) = if overridden {
                    (
                        "id-collision",
                        format!("the ID override `{id}` collides with the ID of a {first_what}"),
                    )
                } else {
                    ("duplicate-id", format!("the ID `{id}` is used twice"))
                };
                self.diagnostics.push(
                    Diagnostic::error(code, self.file, span, message)
                        .with_label(format!("this {what} gets the ID `{id}`"))
                        .with_related(self.file, *first, format!("the {first_what} with this ID"))
                        .with_help(format!("IDs must be unique: change the text, or give one of them its own ID with `<!-- id: {id}-2 -->` at the end of its line")),
                );
            } else {
                seen.insert(id, (span, what));
            }
        }
    }

    /// An old ID must name nothing else: not a live ID (progress saved
    /// under it would belong to two elements) and not another alias.
    fn check_aliases(&mut self) {
        let live: std::collections::BTreeMap<String, (Span, &str)> = all_ids(&self.roadmap)
            .into_iter()
            .map(|(id, span, what)| (id, (span, what)))
            .collect();
        let mut seen: std::collections::BTreeMap<&str, (Span, &str)> =
            std::collections::BTreeMap::new();
        for (alias, span, owner) in &self.aliases {
            if let Some((at, what)) = live.get(alias) {
                let (message, label) = if alias == owner {
                    (
                        format!("`{alias}` is this {what}'s own ID, not an old one"),
                        "an alias names an ID the element no longer has".to_owned(),
                    )
                } else {
                    (
                        format!("the old ID `{alias}` is the ID of a {what}"),
                        format!(
                            "progress saved under `{alias}` would count for `{owner}` and that {what}"
                        ),
                    )
                };
                self.diagnostics.push(
                    Diagnostic::error("alias-collision", self.file, *span, message)
                        .with_label(label)
                        .with_related(self.file, *at, format!("the {what} with the ID `{alias}`"))
                        .with_help("remove the alias, or give the other element its own ID with `<!-- id: … -->`"),
                );
            } else if let Some((first, first_owner)) = seen.get(alias.as_str()) {
                self.diagnostics.push(
                    Diagnostic::error("duplicate-alias", self.file, *span, format!("the old ID `{alias}` is claimed twice"))
                        .with_label(format!("here for `{owner}`"))
                        .with_related(self.file, *first, format!("first for `{first_owner}`"))
                        .with_help("an old ID's progress can follow one element only: keep the alias on the element that replaced it"),
                );
            } else {
                seen.insert(alias, (*span, owner));
            }
        }
    }

    fn check_encoding(&mut self) {
        for found in crate::find_mojibake(self.source) {
            let written = &self.source[found.range.clone()];
            self.diagnostics.push(
                Diagnostic::warning(
                    "mojibake",
                    self.file,
                    self.span(found.range.clone()),
                    format!("`{written}` looks like double-encoded text"),
                )
                .with_label(format!("UTF-8 read as {}", found.via))
                .with_help(format!("replace it with `{}`", found.repaired))
                .with_suggestion(found.repaired),
            );
        }
    }
}

/// Every ID a reader can link to or tick, with its span and what it names.
pub(crate) fn all_ids(roadmap: &Roadmap) -> Vec<(String, Span, &'static str)> {
    let mut ids = Vec::new();
    for phase in &roadmap.phases {
        ids.push((phase.id.clone(), phase.span, "phase"));
        for week in &phase.weeks {
            ids.push((week.id.clone(), week.span, "week"));
            for block in &week.blocks {
                ids.push((block.id.clone(), block.span, "block"));
                for item in &block.items {
                    ids.push((item.id.clone(), item.span, "item"));
                }
            }
            for deliverable in &week.deliverables {
                ids.push((deliverable.id.clone(), deliverable.span, "deliverable"));
            }
        }
    }
    for group in &roadmap.milestones {
        ids.push((group.id.clone(), group.span, "milestone group"));
        ids.extend(
            group
                .milestones
                .iter()
                .map(|m| (m.id.clone(), m.span, "milestone")),
        );
    }
    for group in &roadmap.metrics {
        ids.push((group.id.clone(), group.span, "metric group"));
        ids.extend(
            group
                .metrics
                .iter()
                .map(|m| (m.id.clone(), m.span, "metric")),
        );
    }
    for track in &roadmap.tracks {
        ids.push((track.id.clone(), track.span, "track"));
        ids.extend(
            track
                .options
                .iter()
                .map(|o| (o.id.clone(), o.span, "track option")),
        );
    }
    for cert in &roadmap.certifications {
        ids.push((cert.id.clone(), cert.span, "certification level"));
        ids.extend(
            cert.benefits
                .iter()
                .map(|b| (b.id.clone(), b.span, "benefit")),
        );
    }
    ids
}

fn entry(
    owner: &str,
    labelled: Option<&Labelled<'_>>,
    text: &str,
    override_id: Option<String>,
    span: Span,
) -> Entry {
    let (label, value) = labelled.map_or((String::new(), text.trim().to_owned()), |l| {
        (l.label.to_owned(), l.rest.to_owned())
    });
    let key = if label.is_empty() {
        id::slug(&value)
    } else {
        id::slug(&label)
    };
    // An empty owner (a section whose ID is given later) is marked by a
    // leading dash, filled in by `assign_section_ids`.
    let id = override_id.unwrap_or_else(|| {
        if owner.is_empty() {
            format!("-{key}")
        } else {
            id::join(owner, &key)
        }
    });
    Entry {
        id,
        label,
        value,
        span,
    }
}

/// Appends a block's Markdown to a section, keeping lists tight.
fn append(section: &mut Section, _start: usize, text: &str) {
    if !section.markdown.is_empty() {
        let list = |s: &str| s.trim_start().starts_with(['-', '*', '+']);
        // The last line only: `lines().last()` would walk the whole section
        // on every append.
        let last_line = section.markdown.rsplit('\n').next().unwrap_or_default();
        section.markdown.push_str(if list(last_line) && list(text) {
            "\n"
        } else {
            "\n\n"
        });
    }
    section.markdown.push_str(text);
}

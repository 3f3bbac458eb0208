//! The model as the page templates see it: one serialisable view per
//! thing a template shows (phases, weeks, blocks, items, milestones,
//! metrics, tracks, certifications, prose sections), with their headings,
//! paths, edit links and HTML already worked out.

use roadmap::{Kind, Roadmap, Section, Span, UnitKind, WeekEffect};
use serde::Serialize;

use super::text::inline_html;
use super::{Inputs, unit_path, units_title};
use crate::config::Config;

#[derive(Serialize)]
pub(super) struct SectionView {
    id: String,
    pub(super) title: String,
    hashes: String,
    line: u32,
    markdown: String,
}

#[derive(Serialize)]
pub(super) struct PhaseView {
    id: String,
    pub(super) heading: String,
    weeks_range: String,
    /// What the phase spans, for its page (`Weeks 1-2`, `3 versions`).
    range_text: String,
    /// What the phase spans, for the overview's table.
    range_cell: String,
    /// The heading of its list of units (`Weeks`).
    units_title: String,
    line: u32,
    edit_url: Option<String>,
    pub(super) weeks: Vec<WeekView>,
}

#[derive(Serialize)]
pub(super) struct WeekView {
    pub(super) id: String,
    pub(super) number: u32,
    pub(super) number_padded: String,
    pub(super) title: String,
    /// The unit's name (`Week 3`, `Day 1-3`).
    name: String,
    /// The unit's name inside a sentence (`week 3`, `Day 1-3`).
    pub(super) name_in_text: String,
    /// Its page's title (`Week 3: Title`, `Version 1.1`).
    pub(super) heading: String,
    /// Its page, relative to `src/` (`weeks/week-03.md`).
    path: String,
    /// Its built page, relative to the book root.
    pub(super) html_path: String,
    time_frame: Option<String>,
    focus: Option<String>,
    line: u32,
    edit_url: Option<String>,
    pub(super) blocks: Vec<BlockView>,
    deliverables: Vec<ItemView>,
    notes: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct BlockView {
    id: String,
    days: String,
    topic: String,
    /// `days: topic`, or whichever of them there is.
    heading: String,
    line: u32,
    pub(super) items: Vec<ItemView>,
}

#[derive(Serialize)]
pub(super) struct ItemView {
    id: String,
    kind: &'static str,
    html: String,
    pub(super) label: Option<String>,
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
pub(super) struct MilestoneGroupView {
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
pub(super) struct Views<'a> {
    pub(super) config: &'a Config,
    pub(super) inputs: &'a Inputs,
}

impl Views<'_> {
    fn edit(&self, span: Span) -> Option<String> {
        let roadmap =
            crate::project::relative(std::path::Path::new(""), &self.config.roadbook.roadmap);
        self.config.edit_url(&roadmap, Some(span.line))
    }

    pub(super) fn section(&self, section: &Section) -> SectionView {
        SectionView {
            id: section.id.clone(),
            title: section.title.clone(),
            hashes: "#".repeat(usize::from(section.level.clamp(2, 6))),
            line: section.span.line,
            markdown: crate::escape::markdown(&section.markdown),
        }
    }

    pub(super) fn phase(&self, phase: &roadmap::Phase) -> PhaseView {
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

    pub(super) fn week(&self, week: &roadmap::Week) -> WeekView {
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

    pub(super) fn milestones(
        &self,
        group: &roadmap::MilestoneGroup,
        roadmap: &Roadmap,
    ) -> MilestoneGroupView {
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

    pub(super) fn metrics(&self, group: &roadmap::MetricGroup) -> serde_json::Value {
        serde_json::json!({
            "id": group.id,
            "name": group.name,
            "cadence": group.cadence,
            "line": group.span.line,
            "metrics": group.metrics.iter().map(|m| self.entry(m)).collect::<Vec<_>>(),
        })
    }

    pub(super) fn track(&self, track: &roadmap::Track, roadmap: &Roadmap) -> serde_json::Value {
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

    pub(super) fn certification(
        &self,
        cert: &roadmap::Certification,
        roadmap: &Roadmap,
    ) -> serde_json::Value {
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

    #[test]
    fn folds_week_lists() {
        assert_eq!(list_weeks(&[1, 3, 5, 11, 12]), "1, 3, 5 and 11-12");
        assert_eq!(list_weeks(&[9, 10]), "9-10");
        assert_eq!(weeks_range(&[1, 2]), "1-2");
    }
}

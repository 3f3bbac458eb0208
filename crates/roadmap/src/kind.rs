//! The kinds of element a built book marks (`data-kind` on its pages): what
//! the page generator writes, the search index files records under, and
//! `roadbook search --kind` accepts. One list, so they cannot drift apart.

use serde::Serialize;

/// What an element of a built book is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A unit's page (a week, day, module or version).
    Week,
    /// A block of a unit (`Monday-Tuesday: Topic`).
    Block,
    /// A plain checklist item.
    Task,
    /// A hands-on item that gets an exercise page (`**Exercise**`, `**Practice**`).
    Exercise,
    /// Any other hands-on item (`**Mock**`, `**Study**`, `**Assessment**`, …).
    HandsOn,
    /// A deliverable of a unit.
    Deliverable,
    /// A milestone.
    Milestone,
    /// A success metric.
    Metric,
    /// A study track option.
    Track,
    /// A certification level.
    Certification,
    /// A phase.
    Phase,
    /// Text kept as Markdown.
    Prose,
    /// An item of the reference code.
    Code,
}

impl Kind {
    /// Every kind, in the order `--kind`'s help lists them.
    pub const ALL: [Kind; 13] = [
        Kind::Week,
        Kind::Block,
        Kind::Task,
        Kind::Exercise,
        Kind::HandsOn,
        Kind::Deliverable,
        Kind::Milestone,
        Kind::Metric,
        Kind::Track,
        Kind::Certification,
        Kind::Phase,
        Kind::Prose,
        Kind::Code,
    ];

    /// The name written in `data-kind` and accepted by `--kind`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Week => "week",
            Kind::Block => "block",
            Kind::Task => "task",
            Kind::Exercise => "exercise",
            Kind::HandsOn => "hands-on",
            Kind::Deliverable => "deliverable",
            Kind::Milestone => "milestone",
            Kind::Metric => "metric",
            Kind::Track => "track",
            Kind::Certification => "certification",
            Kind::Phase => "phase",
            Kind::Prose => "prose",
            Kind::Code => "code",
        }
    }

    /// The kind named `name` (as [`as_str`](Kind::as_str) writes it).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether an element of this kind is one item of the roadmap (a record
    /// of its own in the search index) rather than a section of a page.
    #[must_use]
    pub fn is_item(self) -> bool {
        matches!(
            self,
            Kind::Task
                | Kind::Exercise
                | Kind::HandsOn
                | Kind::Deliverable
                | Kind::Milestone
                | Kind::Metric
                | Kind::Track
                | Kind::Certification
        )
    }

    /// The kind of a checklist item with this hands-on label, if any.
    #[must_use]
    pub fn of_item(hands_on: Option<&crate::HandsOn>) -> Kind {
        match hands_on {
            Some(h) if h.label.needs_exercise_page() => Kind::Exercise,
            Some(_) => Kind::HandsOn,
            None => Kind::Task,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len());
        assert_eq!(Kind::from_name("hands_on"), None);
    }
}

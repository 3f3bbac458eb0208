//! W3C Trace Context: the `traceparent` header that ties one order's spans
//! together across services and regions, and the span tree built from them.
//!
//! A `traceparent` value is four dash-separated lowercase hex fields
//! (W3C Trace Context Level 1, §3.2):
//!
//! ```text
//! 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//! │  │                                │                └ trace-flags (01 = sampled)
//! │  │                                └ parent-id: the caller's span, 8 bytes
//! │  └ trace-id: the whole request, 16 bytes
//! └ version
//! ```
//!
//! [`TraceParent::parse`] applies the spec's rules: version `ff` is invalid;
//! hex must be lowercase; an all-zero trace-id or parent-id is invalid;
//! version `00` is exactly 55 characters. A *later* version is parsed by the
//! version-00 rules on its first 55 characters, and anything after them must
//! start with a dash (§4.3, "versioning of traceparent"), so a service that
//! knows only version 00 still joins a trace started by a newer one. Each hop
//! then calls [`TraceParent::child`]: same trace-id, its own span as the new
//! parent-id, version 00 (the only one it can vouch for).
//!
//! [`SpanTree`] puts the spans of one trace back together, even when they
//! arrive from collectors in different regions and in any order, and reports
//! spans whose parent never arrived instead of dropping them.
//!
//! # Example: the spec's example, field by field
//!
//! ```
//! use coffee_patterns::trace_context::TraceParent;
//!
//! let tp = TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
//! assert_eq!(tp.version, 0);
//! assert_eq!(tp.trace_id, 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736);
//! assert_eq!(tp.parent_id, 0x00f0_67aa_0ba9_02b7);
//! assert!(tp.sampled());
//!
//! // The order service in eu-west calls payments in us-east:
//! let outgoing = tp.child(0x53ce_929d_0e0e_4736);
//! assert_eq!(outgoing.to_string(), "00-4bf92f3577b34da6a3ce929d0e0e4736-53ce929d0e0e4736-01");
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// A parsed `traceparent` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    /// The format version the sender used (0 today).
    pub version: u8,
    /// The trace, shared by every span of the request.
    pub trace_id: u128,
    /// The span of the caller.
    pub parent_id: u64,
    /// Trace flags; bit 0 is "sampled".
    pub flags: u8,
}

/// Why a `traceparent` value was rejected. The receiver then starts a new
/// trace rather than failing the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceParentError {
    /// Too short, too long for version 00, or a dash missing.
    Malformed,
    /// Not lowercase hex (uppercase hex included).
    NotLowercaseHex,
    /// Version `ff`, which the spec forbids.
    ForbiddenVersion,
    /// A trace-id of all zeros.
    ZeroTraceId,
    /// A parent-id of all zeros.
    ZeroParentId,
}

impl fmt::Display for TraceParentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => {
                "traceparent is not version-trace_id-parent_id-flags of 2-32-16-2 hex digits"
            }
            Self::NotLowercaseHex => "traceparent must be lowercase hex",
            Self::ForbiddenVersion => "traceparent version ff is invalid",
            Self::ZeroTraceId => "traceparent trace-id is all zeros",
            Self::ZeroParentId => "traceparent parent-id is all zeros",
        })
    }
}

impl std::error::Error for TraceParentError {}

/// The length of a version-00 `traceparent`.
const V00_LEN: usize = 55;

fn lower_hex(field: &str) -> Result<u128, TraceParentError> {
    if !field
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(TraceParentError::NotLowercaseHex);
    }
    u128::from_str_radix(field, 16).map_err(|_| TraceParentError::NotLowercaseHex)
}

// ANCHOR: parse
// ANCHOR: solution
impl TraceParent {
    /// Parses and validates a `traceparent` value.
    ///
    /// # Errors
    ///
    /// A [`TraceParentError`] naming the first rule broken.
    pub fn parse(value: &str) -> Result<Self, TraceParentError> {
        let bytes = value.as_bytes();
        if bytes.len() < V00_LEN || !bytes[..V00_LEN].is_ascii() {
            return Err(TraceParentError::Malformed);
        }
        let (head, rest) = value.split_at(V00_LEN);
        let version = lower_hex(&head[..2])? as u8;
        if version == 0xff {
            return Err(TraceParentError::ForbiddenVersion);
        }
        // Version 00 is exactly 55 characters; later versions may append
        // fields, each introduced by a dash.
        if (version == 0 && !rest.is_empty())
            || (version > 0 && !rest.is_empty() && !rest.starts_with('-'))
        {
            return Err(TraceParentError::Malformed);
        }
        let dashes = [2, 35, 52];
        if dashes.iter().any(|&i| bytes[i] != b'-') {
            return Err(TraceParentError::Malformed);
        }
        let trace_id = lower_hex(&head[3..35])?;
        let parent_id = lower_hex(&head[36..52])? as u64;
        let flags = lower_hex(&head[53..55])? as u8;
        if trace_id == 0 {
            return Err(TraceParentError::ZeroTraceId);
        }
        if parent_id == 0 {
            return Err(TraceParentError::ZeroParentId);
        }
        Ok(Self {
            version,
            trace_id,
            parent_id,
            flags,
        })
    }

    /// Whether the caller recorded this trace (flag bit 0).
    #[must_use]
    pub fn sampled(&self) -> bool {
        self.flags & 0x01 == 1
    }

    /// The header to send downstream from span `span_id`: same trace, this
    /// span as parent, version 00 and only the flags version 00 defines.
    ///
    /// # Panics
    ///
    /// Panics if `span_id` is zero, which no valid span has.
    #[must_use]
    pub fn child(&self, span_id: u64) -> Self {
        assert_ne!(span_id, 0, "a span id of zero is invalid");
        Self {
            version: 0,
            trace_id: self.trace_id,
            parent_id: span_id,
            flags: self.flags & 0x01,
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: parse

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02x}-{:032x}-{:016x}-{:02x}",
            self.version, self.trace_id, self.parent_id, self.flags
        )
    }
}

/// One unit of work in one service, as a collector receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The trace it belongs to.
    pub trace_id: u128,
    /// Its own id.
    pub span_id: u64,
    /// The span that called it, `None` for the root.
    pub parent_id: Option<u64>,
    /// Where it ran.
    pub region: String,
    /// What ran it.
    pub service: String,
    /// Start and end, in microseconds on the collector's timeline.
    pub start_us: u64,
    /// End time.
    pub end_us: u64,
    /// Whether it ended in an error.
    pub error: bool,
}

impl Span {
    /// How long it took.
    #[must_use]
    pub fn duration_us(&self) -> u64 {
        self.end_us.saturating_sub(self.start_us)
    }
}

// ANCHOR: span_tree
// ANCHOR: solution
/// The spans of one trace, linked parent to children.
#[derive(Debug, Clone)]
pub struct SpanTree {
    spans: BTreeMap<u64, Span>,
    children: BTreeMap<u64, Vec<u64>>,
    roots: Vec<u64>,
    orphans: Vec<u64>,
}

impl SpanTree {
    /// Links `spans` (any order, duplicates ignored). A span whose parent is
    /// missing is an orphan: kept and reported, not silently made a root.
    #[must_use]
    pub fn build(spans: impl IntoIterator<Item = Span>) -> Self {
        let spans: BTreeMap<u64, Span> = spans.into_iter().map(|s| (s.span_id, s)).collect();
        let (mut children, mut roots, mut orphans) =
            (BTreeMap::<u64, Vec<u64>>::new(), vec![], vec![]);
        for s in spans.values() {
            match s.parent_id {
                None => roots.push(s.span_id),
                Some(p) if spans.contains_key(&p) => children.entry(p).or_default().push(s.span_id),
                Some(_) => orphans.push(s.span_id),
            }
        }
        for kids in children.values_mut() {
            kids.sort_by_key(|id| (spans[id].start_us, *id));
        }
        Self {
            spans,
            children,
            roots,
            orphans,
        }
    }

    /// Spans without a parent.
    #[must_use]
    pub fn roots(&self) -> &[u64] {
        &self.roots
    }

    /// Spans whose parent never arrived (a lost span, or a collector in
    /// another region that has not flushed yet).
    #[must_use]
    pub fn orphans(&self) -> &[u64] {
        &self.orphans
    }

    /// The span with this id.
    #[must_use]
    pub fn span(&self, id: u64) -> Option<&Span> {
        self.spans.get(&id)
    }

    /// The children of a span, by start time.
    #[must_use]
    pub fn children(&self, id: u64) -> &[u64] {
        self.children.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Parent-child calls that cross a region boundary, as
    /// `(from region, to region)` pairs in depth-first order.
    #[must_use]
    pub fn region_hops(&self) -> Vec<(&str, &str)> {
        let mut hops = Vec::new();
        let mut stack: Vec<u64> = self.roots.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            let parent = &self.spans[&id];
            for &child in self.children(id).iter().rev() {
                stack.push(child);
            }
            for &child in self.children(id) {
                let c = &self.spans[&child];
                if c.region != parent.region {
                    hops.push((parent.region.as_str(), c.region.as_str()));
                }
            }
        }
        hops
    }

    /// The trace the spans belong to, `None` if there are none.
    #[must_use]
    pub fn trace_id(&self) -> Option<u128> {
        self.spans.values().next().map(|s| s.trace_id)
    }

    /// Whether any span of the trace failed.
    #[must_use]
    pub fn has_error(&self) -> bool {
        self.spans.values().any(|s| s.error)
    }

    /// From the earliest start to the latest end.
    #[must_use]
    pub fn duration_us(&self) -> u64 {
        let start = self.spans.values().map(|s| s.start_us).min().unwrap_or(0);
        let end = self.spans.values().map(|s| s.end_us).max().unwrap_or(0);
        end - start
    }
}
// ANCHOR_END: solution
// ANCHOR_END: span_tree

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EXAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn the_spec_example_round_trips() {
        let tp = TraceParent::parse(EXAMPLE).unwrap();
        assert_eq!(tp.flags, 0x01);
        assert_eq!(tp.to_string(), EXAMPLE);
        let unsampled =
            TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").unwrap();
        assert!(!unsampled.sampled());
    }

    /// The invalid forms W3C Trace Context Level 1 lists (§3.2.2.3 trace-id
    /// and §3.2.2.4 parent-id all zeros, §3.2.2.1 version ff, lowercase hex
    /// only) and wrong lengths of every field.
    #[test]
    fn the_invalid_forms_of_the_spec_are_rejected() {
        use TraceParentError::*;
        let cases = [
            (
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                ZeroTraceId,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                ZeroParentId,
            ),
            (
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                ForbiddenVersion,
            ),
            (
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                NotLowercaseHex,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
                NotLowercaseHex,
            ),
            (
                "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                NotLowercaseHex,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
                NotLowercaseHex,
            ),
            // Wrong lengths: trace-id 31 and 33, parent-id 15 and 17, flags 1 and 3.
            (
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
                Malformed,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",
                Malformed,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
                Malformed,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b77-01",
                Malformed,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
                Malformed,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011",
                Malformed,
            ),
            // Version 00 has no room for more fields.
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what",
                Malformed,
            ),
            ("", Malformed),
            (
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                Malformed,
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(TraceParent::parse(value), Err(expected), "{value:?}");
        }
    }

    #[test]
    fn a_future_version_is_read_by_the_version_00_prefix() {
        let later =
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like";
        let tp = TraceParent::parse(later).unwrap();
        assert_eq!(
            (tp.version, tp.parent_id, tp.sampled()),
            (0xcc, 0x00f0_67aa_0ba9_02b7, true)
        );
        assert_eq!(
            TraceParent::parse(&later[..55]).unwrap(),
            tp,
            "the bare prefix is valid too"
        );
        // After the prefix, the next character must be a dash.
        let glued = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01what";
        assert_eq!(TraceParent::parse(glued), Err(TraceParentError::Malformed));
        // Propagated as version 00 with only the sampled flag.
        let out = TraceParent { flags: 0xff, ..tp }.child(7);
        assert_eq!(
            out.to_string(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000007-01"
        );
    }

    fn span(id: u64, parent: Option<u64>, region: &str, start: u64, end: u64) -> Span {
        Span {
            trace_id: 1,
            span_id: id,
            parent_id: parent,
            region: region.into(),
            service: format!("svc-{id}"),
            start_us: start,
            end_us: end,
            error: false,
        }
    }

    #[test]
    fn spans_from_two_regions_make_one_tree() {
        // eu-west: gateway(1) -> orders(2) -> [payments in us-east(3), kitchen(4)]
        let us = vec![span(3, Some(2), "us-east", 150, 900)];
        let eu = vec![
            span(4, Some(2), "eu-west", 120, 300),
            span(1, None, "eu-west", 0, 1000),
            span(2, Some(1), "eu-west", 100, 950),
        ];
        let tree = SpanTree::build(us.into_iter().chain(eu));
        assert_eq!(tree.roots(), [1]);
        assert_eq!(tree.children(2), [4, 3], "by start time");
        assert_eq!(tree.region_hops(), [("eu-west", "us-east")]);
        assert_eq!(tree.duration_us(), 1000);
        assert!(tree.orphans().is_empty());
        // us-east's collector is late: the payment span's parent is missing
        // on the us-east side alone.
        let partial = SpanTree::build([span(3, Some(2), "us-east", 150, 900)]);
        assert_eq!(partial.orphans(), [3]);
        assert!(partial.roots().is_empty());
    }

    proptest! {
        /// Every valid header prints back to itself, and its child keeps the
        /// trace and the sampled flag.
        #[test]
        fn valid_headers_round_trip(trace in 1u128.., parent in 1u64.., flags in any::<u8>(), span in 1u64..) {
            let tp = TraceParent { version: 0, trace_id: trace, parent_id: parent, flags };
            let text = tp.to_string();
            prop_assert_eq!(text.len(), 55);
            prop_assert_eq!(TraceParent::parse(&text), Ok(tp));
            let child = TraceParent::parse(&tp.child(span).to_string()).unwrap();
            prop_assert_eq!((child.trace_id, child.parent_id, child.sampled()), (trace, span, tp.sampled()));
        }

        /// Arbitrary text never panics the parser, and whatever it accepts is
        /// a header that prints back to its first 55 characters (for version 00: itself).
        #[test]
        fn any_text_parses_or_is_rejected(value in "[0-9a-fA-F-]{50,60}|.{0,80}") {
            if let Ok(tp) = TraceParent::parse(&value) {
                prop_assert_eq!(&tp.to_string()[..], &value[..55]);
            }
        }
    }
}

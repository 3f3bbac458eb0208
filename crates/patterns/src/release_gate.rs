//! The release gate at the end of a CI pipeline: tests, coverage, the image
//! scan and the image reference decide together whether a build may deploy.
//!
//! A pipeline earns trust by refusing things, and by saying exactly why. The
//! gate reads what the earlier stages produced and lists every **blocker**:
//!
//! - no tests ran (a green run that tested nothing is the most dangerous
//!   result a pipeline can give), or some failed;
//! - line coverage under the policy's floor;
//! - a vulnerability at or above the blocking severity in the container
//!   image scan (Trivy, Grype), unless a **waiver** covers it. A waiver names
//!   one finding, gives a reason, and **expires**: an accepted risk is
//!   re-decided, not forgotten;
//! - an image referenced by a tag (`orders:latest`) instead of a digest
//!   (`orders@sha256:…`): a tag can be moved after the scan, a digest cannot,
//!   so only a digest deploys what was tested.
//!
//! Time comes from an injected [`Clock`], so waiver expiry is tested exactly.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::release_gate::{Blocker, BuildReport, Finding, GatePolicy, Severity};
//!
//! let digest = format!("registry.example/orders@sha256:{}", "ab".repeat(32));
//! let mut build = BuildReport { tests_run: 412, tests_failed: 0, coverage_per_mille: 846,
//!     findings: vec![], image: digest };
//! let gate = GatePolicy::default();
//! let clock = ManualClock::new();
//! assert!(gate.evaluate(&build, &[], &clock).passed());
//!
//! build.findings.push(Finding::new("CVE-2024-45337", "golang.org/x/crypto", Severity::Critical));
//! let verdict = gate.evaluate(&build, &[], &clock);
//! assert_eq!(verdict.blockers, [Blocker::Vulnerability {
//!     id: "CVE-2024-45337".into(), severity: Severity::Critical }]);
//! ```

use std::fmt;
use std::time::Duration;

use crate::clock::Clock;

/// A scanner's severity scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Informational or hard to exploit.
    Low,
    /// Worth fixing in the normal course.
    Medium,
    /// Fix before release.
    High,
    /// Exploitable now.
    Critical,
}

/// One vulnerability the image scan reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Its identifier (`CVE-2024-45337`).
    pub id: String,
    /// The affected package.
    pub package: String,
    /// How bad it is.
    pub severity: Severity,
}

impl Finding {
    /// A finding.
    #[must_use]
    pub fn new(id: &str, package: &str, severity: Severity) -> Self {
        Self {
            id: id.to_owned(),
            package: package.to_owned(),
            severity,
        }
    }
}

/// An accepted risk: one finding allowed through until `expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The finding it covers.
    pub id: String,
    /// Why it is acceptable (unreachable code path, no fix released yet…).
    pub reason: String,
    /// The clock reading after which it no longer counts.
    pub expires: Duration,
}

/// What the pipeline's stages produced for one build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    /// Tests executed.
    pub tests_run: u32,
    /// Of those, failed.
    pub tests_failed: u32,
    /// Line coverage in tenths of a percent (846 = 84.6 %).
    pub coverage_per_mille: u32,
    /// The image scan's findings.
    pub findings: Vec<Finding>,
    /// The image reference that would be deployed.
    pub image: String,
}

/// What the gate requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatePolicy {
    /// The coverage floor, in tenths of a percent.
    pub min_coverage_per_mille: u32,
    /// Findings at or above this severity block.
    pub block_at: Severity,
}

impl Default for GatePolicy {
    /// 80 % coverage; High and Critical findings block.
    fn default() -> Self {
        Self {
            min_coverage_per_mille: 800,
            block_at: Severity::High,
        }
    }
}

/// One reason the build may not deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// The test stage executed nothing.
    NoTests,
    /// Tests failed.
    TestsFailed(u32),
    /// Coverage under the floor (tenths of a percent).
    CoverageBelow {
        /// Measured.
        have: u32,
        /// Required.
        need: u32,
    },
    /// A blocking finding without a valid waiver.
    Vulnerability {
        /// The finding.
        id: String,
        /// Its severity.
        severity: Severity,
    },
    /// A waiver that would have covered a blocking finding has expired.
    WaiverExpired {
        /// The finding it covered.
        id: String,
    },
    /// The image is referenced by tag, not by `@sha256:` digest.
    ImageNotPinned(String),
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTests => f.write_str("no tests ran"),
            Self::TestsFailed(n) => write!(f, "{n} tests failed"),
            Self::CoverageBelow { have, need } => write!(
                f,
                "line coverage {}.{}% is below {}.{}%",
                have / 10,
                have % 10,
                need / 10,
                need % 10
            ),
            Self::Vulnerability { id, severity } => write!(f, "{severity:?} finding {id}"),
            Self::WaiverExpired { id } => write!(f, "the waiver for {id} has expired"),
            Self::ImageNotPinned(image) => write!(f, "image {image} is not pinned by digest"),
        }
    }
}

/// The gate's answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    /// Every reason to stop, in the order the stages ran.
    pub blockers: Vec<Blocker>,
    /// Blocking findings let through by a valid waiver.
    pub waived: Vec<String>,
}

impl Verdict {
    /// Nothing blocks.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.blockers.is_empty()
    }
}

// ANCHOR: evaluate
// ANCHOR: solution
impl GatePolicy {
    /// Evaluates `build` with the `waivers` in force at `clock`'s now.
    pub fn evaluate(&self, build: &BuildReport, waivers: &[Waiver], clock: &impl Clock) -> Verdict {
        let mut verdict = Verdict::default();
        if build.tests_run == 0 {
            verdict.blockers.push(Blocker::NoTests);
        } else if build.tests_failed > 0 {
            verdict
                .blockers
                .push(Blocker::TestsFailed(build.tests_failed));
        }
        if build.coverage_per_mille < self.min_coverage_per_mille {
            verdict.blockers.push(Blocker::CoverageBelow {
                have: build.coverage_per_mille,
                need: self.min_coverage_per_mille,
            });
        }
        let now = clock.now();
        for finding in build
            .findings
            .iter()
            .filter(|f| f.severity >= self.block_at)
        {
            let waiver = waivers.iter().find(|w| w.id == finding.id);
            match waiver {
                Some(w) if now <= w.expires => verdict.waived.push(finding.id.clone()),
                Some(_) => verdict.blockers.push(Blocker::WaiverExpired {
                    id: finding.id.clone(),
                }),
                None => verdict.blockers.push(Blocker::Vulnerability {
                    id: finding.id.clone(),
                    severity: finding.severity,
                }),
            }
        }
        if !is_pinned(&build.image) {
            verdict
                .blockers
                .push(Blocker::ImageNotPinned(build.image.clone()));
        }
        verdict
    }
}

/// Whether `image` ends in `@sha256:` and 64 lowercase hex digits.
#[must_use]
pub fn is_pinned(image: &str) -> bool {
    image.rsplit_once("@sha256:").is_some_and(|(name, hex)| {
        !name.is_empty()
            && hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}
// ANCHOR_END: solution
// ANCHOR_END: evaluate

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn clean() -> BuildReport {
        BuildReport {
            tests_run: 412,
            tests_failed: 0,
            coverage_per_mille: 846,
            findings: vec![Finding::new("CVE-2023-0001", "libfoo", Severity::Medium)],
            image: format!("registry.example/orders@sha256:{}", "0f".repeat(32)),
        }
    }

    #[test]
    fn a_clean_build_passes_and_medium_findings_do_not_block() {
        let v = GatePolicy::default().evaluate(&clean(), &[], &ManualClock::new());
        assert!(v.passed(), "{v:?}");
        let strict = GatePolicy {
            block_at: Severity::Medium,
            ..GatePolicy::default()
        };
        assert!(!strict.evaluate(&clean(), &[], &ManualClock::new()).passed());
    }

    #[test]
    fn every_blocker_is_listed_with_its_reason() {
        let build = BuildReport {
            tests_run: 0,
            coverage_per_mille: 795,
            image: "registry.example/orders:latest".to_owned(),
            ..clean()
        };
        let v = GatePolicy::default().evaluate(&build, &[], &ManualClock::new());
        let reasons: Vec<String> = v.blockers.iter().map(ToString::to_string).collect();
        assert_eq!(
            reasons,
            [
                "no tests ran",
                "line coverage 79.5% is below 80.0%",
                "image registry.example/orders:latest is not pinned by digest",
            ]
        );
        let failing = BuildReport {
            tests_failed: 3,
            ..clean()
        };
        let v = GatePolicy::default().evaluate(&failing, &[], &ManualClock::new());
        assert_eq!(v.blockers, [Blocker::TestsFailed(3)]);
    }

    #[test]
    fn a_waiver_lets_one_finding_through_until_it_expires() {
        let clock = ManualClock::new();
        let mut build = clean();
        build
            .findings
            .push(Finding::new("CVE-2024-1111", "libbar", Severity::High));
        build
            .findings
            .push(Finding::new("CVE-2024-2222", "libbaz", Severity::Critical));
        let day = Duration::from_secs(86_400);
        let waivers = [Waiver {
            id: "CVE-2024-1111".to_owned(),
            reason: "the vulnerable parser is never called".to_owned(),
            expires: 30 * day,
        }];
        let v = GatePolicy::default().evaluate(&build, &waivers, &clock);
        assert_eq!(v.waived, ["CVE-2024-1111"]);
        assert_eq!(
            v.blockers,
            [Blocker::Vulnerability {
                id: "CVE-2024-2222".to_owned(),
                severity: Severity::Critical
            }]
        );
        build.findings.pop();
        assert!(
            GatePolicy::default()
                .evaluate(&build, &waivers, &clock)
                .passed()
        );
        clock.advance(30 * day);
        assert!(
            GatePolicy::default()
                .evaluate(&build, &waivers, &clock)
                .passed()
        );
        clock.advance(Duration::from_secs(1));
        let v = GatePolicy::default().evaluate(&build, &waivers, &clock);
        assert_eq!(
            v.blockers,
            [Blocker::WaiverExpired {
                id: "CVE-2024-1111".to_owned()
            }]
        );
    }

    #[test]
    fn only_a_full_digest_pins_an_image() {
        let hex = "0f".repeat(32);
        assert!(is_pinned(&format!("orders@sha256:{hex}")));
        assert!(is_pinned(&format!(
            "registry.example:5000/orders:1.4@sha256:{hex}"
        )));
        assert!(!is_pinned("orders:1.4"));
        assert!(!is_pinned(&format!("@sha256:{hex}")));
        assert!(!is_pinned(&format!("orders@sha256:{}", &hex[..63])));
        assert!(!is_pinned(&format!("orders@sha256:{}", hex.to_uppercase())));
        assert!(!is_pinned(&format!("orders@sha512:{hex}")));
    }
}

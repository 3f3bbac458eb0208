//! Service level objectives and multi-window, multi-burn-rate alerts, as in
//! the Google SRE Workbook (chapter 5, "Alerting on SLOs").
//!
//! An SLO of 99.9% of menu requests succeeding over 30 days leaves an
//! **error budget** of 0.1% of them. The **burn rate** is how fast it is
//! spent: the error ratio divided by the budget. Burning at 1× spends exactly
//! the budget in 30 days; at 14.4× it is gone in 50 hours.
//!
//! Alerting on the error ratio over one window forces a bad choice: a short
//! window pages for every blip, a long one notices a full outage late and
//! keeps firing for hours after it ends. The Workbook's answer is to alert
//! when the burn rate is high over a **long window** and also over a **short
//! window** a twelfth as long: the long window asks "has a real share of the
//! budget gone?", the short one "is it still burning now?", so the alert
//! stops minutes after the fix. Its recommended rules for a 30-day SLO:
//!
//! | severity | burn rate | long window | short window | budget spent when it fires |
//! |----------|-----------|-------------|--------------|----------------------------|
//! | page     | 14.4×     | 1 hour      | 5 minutes    | 2%                         |
//! | page     | 6×        | 6 hours     | 30 minutes   | 5%                         |
//! | ticket   | 1×        | 3 days      | 6 hours      | 10%                        |
//!
//! [`BurnRateMonitor`] counts requests and errors in time buckets (on an
//! injected clock) and keeps cumulative totals at each bucket boundary, so
//! the count over any window is one subtraction, whatever its length.
//!
//! # Example
//!
//! A 100% outage after three quiet days, evaluated every 10 seconds: the
//! 14.4× page fires after 60 seconds of outage (the formula says 51.84 s; the
//! 10 s buckets round it up), having spent 2.3% of the month's budget.
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::slo::{BurnRateMonitor, Severity, Slo, SRE_WORKBOOK_RULES};
//! use std::time::Duration;
//!
//! let slo = Slo::new(0.999, Duration::from_secs(30 * 86_400));
//! let page = SRE_WORKBOOK_RULES[0];
//! let formula = slo.detection_time(&page, 1.0).unwrap();
//! assert!((formula.as_secs_f64() - 51.84).abs() < 1e-6);
//!
//! let clock = ManualClock::new();
//! let step = Duration::from_secs(10);
//! let mut monitor = BurnRateMonitor::new(slo, &SRE_WORKBOOK_RULES, step, clock.clone());
//! for _ in 0..3 * 8_640 {
//!     monitor.record(10_000, 0); // 1,000 requests a second, all fine
//!     assert!(monitor.firing().is_empty());
//!     clock.advance(step);
//! }
//! let mut outage = Duration::ZERO;
//! loop {
//!     monitor.record(0, 10_000); // every request fails
//!     outage += step;
//!     if !monitor.firing().is_empty() {
//!         break;
//!     }
//!     clock.advance(step);
//! }
//! assert_eq!(outage, Duration::from_secs(60));
//! assert_eq!(monitor.firing()[0].severity, Severity::Page);
//! let spent = slo.budget_spent(slo.burn_rate(1.0), outage);
//! assert!((spent - 0.0231).abs() < 0.0001, "{spent}");
//! ```

use crate::clock::Clock;
use std::collections::VecDeque;
use std::time::Duration;

/// An availability objective over a period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slo {
    objective: f64,
    period: Duration,
}

/// Who gets told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Wake someone up now.
    Page,
    /// Someone looks at it during working hours.
    Ticket,
}

/// One alert rule: fire when the burn rate is at least `burn_rate` over both
/// windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnRateRule {
    /// Who gets told.
    pub severity: Severity,
    /// The burn rate threshold.
    pub burn_rate: f64,
    /// The window that measures how much budget has gone.
    pub long_window: Duration,
    /// The window that checks it is still burning.
    pub short_window: Duration,
}

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;

// ANCHOR: rules
/// The SRE Workbook's recommended rules for a 30-day SLO.
pub const SRE_WORKBOOK_RULES: [BurnRateRule; 3] = [
    BurnRateRule {
        severity: Severity::Page,
        burn_rate: 14.4,
        long_window: Duration::from_secs(HOUR),
        short_window: Duration::from_secs(5 * MINUTE),
    },
    BurnRateRule {
        severity: Severity::Page,
        burn_rate: 6.0,
        long_window: Duration::from_secs(6 * HOUR),
        short_window: Duration::from_secs(30 * MINUTE),
    },
    BurnRateRule {
        severity: Severity::Ticket,
        burn_rate: 1.0,
        long_window: Duration::from_secs(3 * 24 * HOUR),
        short_window: Duration::from_secs(6 * HOUR),
    },
];
// ANCHOR_END: rules

impl Slo {
    /// `objective` of requests succeed (0.999 for "three nines") over
    /// `period`.
    ///
    /// # Panics
    ///
    /// Panics unless `objective` is strictly between 0 and 1 and `period`
    /// is not zero.
    #[must_use]
    pub fn new(objective: f64, period: Duration) -> Self {
        assert!(
            objective > 0.0 && objective < 1.0,
            "an objective is a ratio below 1"
        );
        assert!(!period.is_zero(), "an SLO needs a period");
        Self { objective, period }
    }

    // ANCHOR: budget
    // ANCHOR: solution
    /// The share of requests allowed to fail: `1 - objective`.
    #[must_use]
    pub fn error_budget(&self) -> f64 {
        1.0 - self.objective
    }

    /// How many times faster than sustainable an error ratio spends the
    /// budget.
    #[must_use]
    pub fn burn_rate(&self, error_ratio: f64) -> f64 {
        error_ratio / self.error_budget()
    }

    /// The share of the period's budget that burning at `burn_rate` for
    /// `duration` spends.
    #[must_use]
    pub fn budget_spent(&self, burn_rate: f64, duration: Duration) -> f64 {
        burn_rate * duration.as_secs_f64() / self.period.as_secs_f64()
    }

    /// How long the whole budget lasts at `burn_rate`.
    #[must_use]
    pub fn time_to_exhaustion(&self, burn_rate: f64) -> Duration {
        self.period.div_f64(burn_rate)
    }

    /// How long after errors start at `error_ratio` (from none) `rule`
    /// fires: `long_window × threshold × budget / error_ratio`, the
    /// Workbook's formula. `None` when the ratio never reaches the threshold.
    #[must_use]
    pub fn detection_time(&self, rule: &BurnRateRule, error_ratio: f64) -> Option<Duration> {
        let burn = self.burn_rate(error_ratio);
        (burn >= rule.burn_rate).then(|| rule.long_window.mul_f64(rule.burn_rate / burn))
    }
    // ANCHOR_END: solution
    // ANCHOR_END: budget
}

/// A rule that is firing, with the burn rates that made it fire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alert {
    /// Who gets told.
    pub severity: Severity,
    /// The rule's threshold.
    pub threshold: f64,
    /// The burn rate over the long window.
    pub long_burn: f64,
    /// The burn rate over the short window.
    pub short_burn: f64,
}

/// Requests and failures so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Totals {
    requests: u64,
    errors: u64,
}

/// Counts requests in buckets and evaluates burn-rate rules over them.
#[derive(Debug)]
pub struct BurnRateMonitor<C> {
    slo: Slo,
    rules: Vec<BurnRateRule>,
    bucket: Duration,
    /// Cumulative totals at the start of each retained bucket, oldest first;
    /// the last one is the current bucket's start.
    starts: VecDeque<Totals>,
    current_bucket: u128,
    totals: Totals,
    clock: C,
}

impl<C: Clock> BurnRateMonitor<C> {
    // ANCHOR: solution
    /// A monitor of `slo` with `rules`, counting in buckets of `bucket`.
    ///
    /// # Panics
    ///
    /// Panics if `bucket` is zero or does not divide every window.
    pub fn new(slo: Slo, rules: &[BurnRateRule], bucket: Duration, clock: C) -> Self {
        assert!(!bucket.is_zero(), "buckets need a width");
        for rule in rules {
            for window in [rule.long_window, rule.short_window] {
                assert!(
                    window.as_nanos() % bucket.as_nanos() == 0,
                    "window {window:?} is not a whole number of {bucket:?} buckets"
                );
            }
        }
        let current_bucket = clock.now().as_nanos() / bucket.as_nanos();
        Self {
            slo,
            rules: rules.to_vec(),
            bucket,
            starts: VecDeque::from([Totals::default()]),
            current_bucket,
            totals: Totals::default(),
            clock,
        }
    }
    // ANCHOR_END: solution

    /// Counts `good` successful and `bad` failed requests, now.
    pub fn record(&mut self, good: u64, bad: u64) {
        self.roll();
        self.totals.requests += good + bad;
        self.totals.errors += bad;
    }

    // ANCHOR: windows
    // ANCHOR: solution
    /// Starts new buckets up to the clock's time, dropping those older than
    /// the longest window.
    fn roll(&mut self) {
        let now = self.clock.now().as_nanos() / self.bucket.as_nanos();
        let keep = self.buckets_in(self.longest_window()) + 1;
        let new_buckets = (now.saturating_sub(self.current_bucket)).min(keep as u128);
        for _ in 0..new_buckets {
            self.starts.push_back(self.totals);
            if self.starts.len() > keep {
                self.starts.pop_front();
            }
        }
        self.current_bucket = self.current_bucket.max(now);
    }

    /// The burn rate over the last `window`, the current bucket included.
    /// Zero when no requests were counted in it.
    pub fn burn_rate(&mut self, window: Duration) -> f64 {
        self.roll();
        let buckets = self.buckets_in(window).max(1);
        // Before monitoring began nothing was counted: start from the oldest.
        let start = self.starts[self.starts.len().saturating_sub(buckets)];
        let requests = self.totals.requests - start.requests;
        let errors = self.totals.errors - start.errors;
        if requests == 0 {
            return 0.0;
        }
        self.slo.burn_rate(errors as f64 / requests as f64)
    }

    /// The rules that fire now: burn rate at or above the threshold over
    /// both windows.
    pub fn firing(&mut self) -> Vec<Alert> {
        let mut alerts = Vec::new();
        for rule in self.rules.clone() {
            let long_burn = self.burn_rate(rule.long_window);
            let short_burn = self.burn_rate(rule.short_window);
            if long_burn >= rule.burn_rate && short_burn >= rule.burn_rate {
                alerts.push(Alert {
                    severity: rule.severity,
                    threshold: rule.burn_rate,
                    long_burn,
                    short_burn,
                });
            }
        }
        alerts
    }
    // ANCHOR_END: solution
    // ANCHOR_END: windows

    fn buckets_in(&self, window: Duration) -> usize {
        (window.as_nanos() / self.bucket.as_nanos()) as usize
    }

    fn longest_window(&self) -> Duration {
        self.rules
            .iter()
            .map(|r| r.long_window.max(r.short_window))
            .max()
            .unwrap_or(self.bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    const STEP: Duration = Duration::from_secs(60);

    fn month() -> Slo {
        Slo::new(0.999, Duration::from_secs(30 * 86_400))
    }

    /// Three quiet days of 1,000 requests a minute, then `minutes` at
    /// `errors_per_1000`; returns the minute of the first page and the first
    /// ticket (counted from the start of the errors), if any.
    fn scenario(errors_per_1000: u64, minutes: u64) -> (Option<u64>, Option<u64>) {
        let clock = ManualClock::new();
        let mut monitor = BurnRateMonitor::new(month(), &SRE_WORKBOOK_RULES, STEP, clock.clone());
        for _ in 0..3 * 24 * 60 {
            monitor.record(1_000, 0);
            clock.advance(STEP);
        }
        let (mut page, mut ticket) = (None, None);
        for minute in 1..=minutes {
            monitor.record(1_000 - errors_per_1000, errors_per_1000);
            for alert in monitor.firing() {
                let first = match alert.severity {
                    Severity::Page => &mut page,
                    Severity::Ticket => &mut ticket,
                };
                first.get_or_insert(minute);
            }
            clock.advance(STEP);
        }
        (page, ticket)
    }

    /// The Workbook's numbers: the budget each rule has spent when it
    /// fires, and the time a 100% outage takes to trigger each.
    #[test]
    fn workbook_table() {
        let slo = month();
        let spent: Vec<f64> = SRE_WORKBOOK_RULES
            .iter()
            .map(|r| slo.budget_spent(r.burn_rate, r.long_window))
            .collect();
        for (got, want) in spent.iter().zip([0.02, 0.05, 0.10]) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        let outage: Vec<f64> = SRE_WORKBOOK_RULES
            .iter()
            .map(|r| slo.detection_time(r, 1.0).unwrap().as_secs_f64() / 60.0)
            .collect();
        // 0.864 min, 2.16 min, 4.32 min: the Workbook's detection times for
        // a 100% error rate.
        for (got, want) in outage.iter().zip([0.864, 2.16, 4.32]) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        assert_eq!(slo.time_to_exhaustion(14.4), Duration::from_secs(50 * 3600));
    }

    #[test]
    fn a_fast_burn_pages_within_minutes() {
        // 2% errors: burn rate 20, above 14.4.
        let (page, _) = scenario(20, 120);
        let formula = month()
            .detection_time(&SRE_WORKBOOK_RULES[0], 0.02)
            .unwrap();
        assert!((formula.as_secs_f64() / 60.0 - 43.2).abs() < 1e-9);
        assert_eq!(
            page,
            Some(44),
            "43.2 minutes by the formula, then the next whole minute"
        );
    }

    #[test]
    fn a_slow_burn_of_1_1_never_pages_but_tickets_after_2_7_days() {
        // 1.1 errors per 1000: 11 per 10,000 requests a minute, for 3 days.
        let clock = ManualClock::new();
        let mut monitor = BurnRateMonitor::new(month(), &SRE_WORKBOOK_RULES, STEP, clock.clone());
        for _ in 0..3 * 24 * 60 {
            monitor.record(10_000, 0);
            clock.advance(STEP);
        }
        let mut first_ticket = None;
        for minute in 1..=3 * 24 * 60 {
            monitor.record(10_000 - 11, 11);
            let alerts = monitor.firing();
            assert!(
                alerts.iter().all(|a| a.severity == Severity::Ticket),
                "paged at minute {minute}"
            );
            if !alerts.is_empty() {
                first_ticket.get_or_insert(minute);
            }
            clock.advance(STEP);
        }
        // 3 days / 1.1 = 3927.3 minutes.
        assert_eq!(first_ticket, Some(3928));
        assert_eq!(
            month()
                .detection_time(&SRE_WORKBOOK_RULES[2], 0.0011)
                .map(|d| d.as_secs() / 60),
            Some(3927)
        );
    }

    /// After a 10-minute outage ends, the 1-hour window still burns at 166×
    /// for 50 minutes, but the short windows end the pages: the 14.4× rule
    /// within 5 minutes of the fix, the 6× rule within 30.
    #[test]
    fn the_short_window_ends_the_alert_soon_after_the_fix() {
        let clock = ManualClock::new();
        let mut monitor = BurnRateMonitor::new(month(), &SRE_WORKBOOK_RULES, STEP, clock.clone());
        for _ in 0..24 * 60 {
            monitor.record(1_000, 0);
            clock.advance(STEP);
        }
        for _ in 0..10 {
            monitor.record(0, 1_000);
            clock.advance(STEP);
        }
        let (mut last_fast, mut last_slow) = (0, 0);
        for minute in 1..=60 {
            monitor.record(1_000, 0);
            for alert in monitor.firing() {
                if alert.threshold == 14.4 {
                    last_fast = minute;
                } else if alert.threshold == 6.0 {
                    last_slow = minute;
                }
            }
            let hour_burn = monitor.burn_rate(Duration::from_secs(HOUR));
            assert_eq!(
                hour_burn > 166.0,
                minute <= 50,
                "minute {minute}: {hour_burn}"
            );
            clock.advance(STEP);
        }
        assert_eq!((last_fast, last_slow), (4, 29));
    }

    #[test]
    fn idle_time_and_startup_are_handled() {
        let clock = ManualClock::new();
        let mut monitor = BurnRateMonitor::new(month(), &SRE_WORKBOOK_RULES, STEP, clock.clone());
        assert_eq!(
            monitor.burn_rate(Duration::from_secs(HOUR)),
            0.0,
            "no requests, no burn"
        );
        monitor.record(999, 1);
        assert!((monitor.burn_rate(Duration::from_secs(HOUR)) - 1.0).abs() < 1e-9);
        // A week without traffic: the old error leaves every window.
        clock.advance(Duration::from_secs(7 * 24 * HOUR));
        monitor.record(1_000, 0);
        assert_eq!(monitor.burn_rate(Duration::from_secs(3 * 24 * HOUR)), 0.0);
        assert!(
            monitor.starts.len() <= 3 * 24 * 60 + 1,
            "memory stays bounded"
        );
    }

    #[test]
    #[should_panic(expected = "is not a whole number")]
    fn windows_must_be_whole_buckets() {
        let _ = BurnRateMonitor::new(
            month(),
            &SRE_WORKBOOK_RULES,
            Duration::from_secs(7),
            ManualClock::new(),
        );
    }
}

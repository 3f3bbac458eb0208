//! Progress lines on the terminal: one per stage of a build, with its timing,
//! cargo-style on stderr; nothing at all when quiet.

use std::time::{Duration, Instant};

/// Prints a line per finished stage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progress {
    quiet: bool,
}

impl Progress {
    /// A printer that prints nothing when `quiet`.
    pub(crate) fn new(quiet: bool) -> Self {
        Self { quiet }
    }

    /// Whether lines are printed.
    pub(crate) fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Runs `work` and then prints `verb what (time)`; `what` may be computed
    /// from the result (`rendering 42 pages`). A failed stage prints nothing:
    /// its error speaks for it.
    pub(crate) fn stage<T, E>(
        &self,
        verb: &str,
        what: impl FnOnce(&T) -> String,
        work: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let start = Instant::now();
        let value = work()?;
        self.line(
            verb,
            &format!("{} ({})", what(&value), format_duration(start.elapsed())),
        );
        Ok(value)
    }

    /// Prints `verb message` with the verb right-aligned, as cargo does.
    pub(crate) fn line(&self, verb: &str, message: &str) {
        if !self.quiet {
            eprintln!("{verb:>12} {message}");
        }
    }
}

/// `850 ms`, `1.24 s`.
fn format_duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{:.2} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(Duration::from_micros(12_400)), "12 ms");
        assert_eq!(format_duration(Duration::from_millis(1_240)), "1.24 s");
    }

    #[test]
    fn a_failed_stage_returns_its_error() {
        let result: Result<u32, &str> =
            Progress::new(true).stage("Failing", |_| String::new(), || Err("boom"));
        assert_eq!(result, Err("boom"));
    }
}

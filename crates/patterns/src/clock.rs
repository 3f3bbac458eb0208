//! Injected time: the [`Clock`] trait every time-dependent pattern takes, and a
//! [`ManualClock`] that tests and examples move by hand.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// A source of monotonic time, measured from an arbitrary origin.
///
/// Patterns never read the system clock themselves; they ask a `Clock`, so a
/// test can decide exactly when a timeout expires or a window rolls over.
pub trait Clock {
    /// The time elapsed since this clock's origin.
    fn now(&self) -> Duration;
}

/// A clock that only moves when told to. Clones share the same time.
///
/// ```
/// use coffee_patterns::clock::{Clock, ManualClock};
/// use std::time::Duration;
///
/// let clock = ManualClock::new();
/// let view = clock.clone();
/// clock.advance(Duration::from_secs(2));
/// assert_eq!(view.now(), Duration::from_secs(2));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Rc<Cell<Duration>>,
}

impl ManualClock {
    /// A clock standing at zero.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.now.set(self.now.get() + by);
    }

    /// Sets the clock to `at`; time may not go backwards.
    ///
    /// # Panics
    ///
    /// Panics if `at` is earlier than the current time.
    pub fn set(&self, at: Duration) {
        assert!(at >= self.now.get(), "a monotonic clock cannot go back");
        self.now.set(at);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.now.get()
    }
}

/// The real monotonic clock, for running a pattern outside tests.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// A clock whose origin is the moment of this call.
    #[must_use]
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Duration {
        (**self).now()
    }
}

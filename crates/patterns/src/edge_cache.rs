//! A CDN edge cache for menu API responses, with the HTTP freshness rules:
//! `max-age`, and RFC 5861's `stale-while-revalidate` and `stale-if-error`,
//! plus negative caching of "not found".
//!
//! The origin says how long a response may be reused in its `Cache-Control`
//! header, e.g. `max-age=60, stale-while-revalidate=30, stale-if-error=86400`.
//! With `age` the time since the edge stored the response:
//!
//! | age                          | the edge…                                              |
//! |------------------------------|--------------------------------------------------------|
//! | `< max-age`                  | serves it: **fresh**                                   |
//! | `< max-age + swr`            | serves it stale *and* refreshes it in the background    |
//! | later                        | asks the origin first, the customer waits               |
//! | origin fails, `< max-age + sie` | serves it stale instead of the error                 |
//!
//! RFC 5861 measures both windows from the moment the response became stale,
//! and only a 500, 502, 503 or 504 (or no answer at all) counts as an error
//! for `stale-if-error`; a 404 is an answer. `stale-while-revalidate` hides
//! the origin's latency: the customer who triggers the refresh still gets the
//! cached menu at once. `stale-if-error` hides an origin outage: the menu
//! stays up for a day while the menu service is down.
//!
//! A shop ID that does not exist would reach the origin on every request (a
//! typo in a link, or a scraper walking IDs). **Negative caching** stores
//! the "not found" too, for a short fixed time, so a burst of requests for a
//! missing item costs one origin call.
//!
//! `s-maxage` overrides `max-age` here, since an edge is a shared cache, and
//! `no-store` is never stored. Other directives are ignored, as RFC 9111
//! requires of directives a cache does not implement.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::edge_cache::{CacheControl, EdgeCache, OriginResponse, Status};
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let mut edge = EdgeCache::new(Duration::from_secs(10), clock.clone());
//! let policy: CacheControl = "max-age=60, stale-while-revalidate=30, stale-if-error=600".parse().unwrap();
//! let mut origin_up = |_: &str| OriginResponse::Ok { body: "menu v1".into(), control: policy };
//!
//! assert_eq!(edge.get("/menu", &mut origin_up).unwrap().status, Status::Miss);
//! clock.advance(Duration::from_secs(59));
//! assert_eq!(edge.get("/menu", &mut origin_up).unwrap().status, Status::Hit);
//!
//! // 70 s: stale but inside the 30 s window: served at once, refreshed later.
//! clock.advance(Duration::from_secs(11));
//! assert_eq!(edge.get("/menu", &mut origin_up).unwrap().status, Status::Stale);
//! assert_eq!(edge.pending_revalidations(), 1);
//!
//! // The origin goes down before the refresh runs; at 5 minutes the menu is
//! // served stale instead of an error, until 60 + 600 s.
//! let mut origin_down = |_: &str| OriginResponse::Error(503);
//! assert_eq!(edge.revalidate(&mut origin_down), 0);
//! clock.advance(Duration::from_secs(230));
//! assert_eq!(edge.get("/menu", &mut origin_down).unwrap().status, Status::StaleIfError);
//! clock.advance(Duration::from_secs(360));
//! assert!(edge.get("/menu", &mut origin_down).is_err());
//! ```

use crate::clock::Clock;
use crate::region_cache::InvalidationLog;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

// ANCHOR: control
/// The freshness directives of a `Cache-Control` response header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheControl {
    /// How long the response is fresh (`s-maxage` if given, else `max-age`).
    pub max_age: Duration,
    /// RFC 5861: how long after becoming stale it may be served while a
    /// background refresh runs.
    pub stale_while_revalidate: Duration,
    /// RFC 5861: how long after becoming stale it may be served when the
    /// origin fails.
    pub stale_if_error: Duration,
    /// `no-store`: never cache it.
    pub no_store: bool,
}
// ANCHOR_END: control

/// A `Cache-Control` header that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheControlError {
    /// Byte offset of the bad directive in the header value, from 0.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CacheControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cache-Control, byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for CacheControlError {}

impl FromStr for CacheControl {
    type Err = CacheControlError;

    // ANCHOR: solution
    /// Reads the directives, case-insensitively; values are delta-seconds,
    /// optionally quoted. Unknown directives are ignored.
    fn from_str(header: &str) -> Result<Self, Self::Err> {
        let mut control = Self::default();
        let (mut max_age, mut s_maxage) = (None, None);
        let mut offset = 0;
        for part in header.split(',') {
            let start = offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            let directive = part.trim();
            if directive.is_empty() {
                continue;
            }
            let (name, value) = match directive.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim().trim_matches('"'))),
                None => (directive, None),
            };
            let name = name.to_ascii_lowercase();
            let seconds = || -> Result<Duration, CacheControlError> {
                let text = value.ok_or_else(|| CacheControlError {
                    offset: start,
                    message: format!("`{name}` needs a number of seconds, like `{name}=60`"),
                })?;
                text.parse::<u64>()
                    .map(Duration::from_secs)
                    .map_err(|_| CacheControlError {
                        offset: start,
                        message: format!("`{name}={text}`: seconds must be a whole number"),
                    })
            };
            match name.as_str() {
                "max-age" => max_age = Some(seconds()?),
                "s-maxage" => s_maxage = Some(seconds()?),
                "stale-while-revalidate" => control.stale_while_revalidate = seconds()?,
                "stale-if-error" => control.stale_if_error = seconds()?,
                "no-store" => control.no_store = true,
                _ => {}
            }
        }
        control.max_age = s_maxage.or(max_age).unwrap_or_default();
        Ok(control)
    }
    // ANCHOR_END: solution
}

/// What the origin answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginResponse {
    /// 200, with the body and its caching policy.
    Ok {
        /// The response body.
        body: String,
        /// Its `Cache-Control`.
        control: CacheControl,
    },
    /// 404: the resource does not exist.
    NotFound,
    /// A 5xx status, or 504 for no answer.
    Error(u16),
}

/// How a response was produced, as in the `X-Cache` header CDNs add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Fresh from the edge.
    Hit,
    /// Fetched from the origin while the customer waited.
    Miss,
    /// Stale from the edge, a background refresh is queued.
    Stale,
    /// Stale from the edge because the origin failed.
    StaleIfError,
}

/// A response the edge gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The body, `None` for "not found".
    pub body: Option<String>,
    /// Where it came from.
    pub status: Status,
}

/// The origin failed and nothing stale could be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginFailed(pub u16);

impl fmt::Display for OriginFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "origin answered {} and no stale copy may be served",
            self.0
        )
    }
}

impl std::error::Error for OriginFailed {}

#[derive(Debug, Clone)]
struct Entry {
    body: Option<String>,
    stored_at: Duration,
    control: CacheControl,
}

/// Where a stored response stands at a given age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freshness {
    Fresh,
    ServeWhileRevalidating,
    MustRevalidate,
}

// ANCHOR: freshness
// ANCHOR: solution
impl Entry {
    fn freshness(&self, now: Duration) -> Freshness {
        let age = now.saturating_sub(self.stored_at);
        if age < self.control.max_age {
            Freshness::Fresh
        } else if age < self.control.max_age + self.control.stale_while_revalidate {
            Freshness::ServeWhileRevalidating
        } else {
            Freshness::MustRevalidate
        }
    }

    /// RFC 5861 §4: within `stale-if-error` of becoming stale.
    fn usable_on_error(&self, now: Duration) -> bool {
        let age = now.saturating_sub(self.stored_at);
        age < self.control.max_age + self.control.stale_if_error
    }
}
// ANCHOR_END: solution
// ANCHOR_END: freshness

/// One CDN node's cache.
#[derive(Debug)]
pub struct EdgeCache<C> {
    entries: HashMap<String, Entry>,
    revalidating: BTreeSet<String>,
    negative_ttl: Duration,
    applied: u64,
    clock: C,
}

impl<C: Clock> EdgeCache<C> {
    /// An empty edge cache that remembers "not found" for `negative_ttl`.
    pub fn new(negative_ttl: Duration, clock: C) -> Self {
        Self {
            entries: HashMap::new(),
            revalidating: BTreeSet::new(),
            negative_ttl,
            applied: 0,
            clock,
        }
    }

    // ANCHOR: get
    // ANCHOR: solution
    /// Serves `path`, from the cache when its policy allows, else from
    /// `origin`.
    ///
    /// # Errors
    ///
    /// [`OriginFailed`] when the origin fails and no stored copy is within
    /// its `stale-if-error` window.
    pub fn get(
        &mut self,
        path: &str,
        mut origin: impl FnMut(&str) -> OriginResponse,
    ) -> Result<Served, OriginFailed> {
        let now = self.clock.now();
        if let Some(entry) = self.entries.get(path) {
            match entry.freshness(now) {
                Freshness::Fresh => return Ok(served(entry, Status::Hit)),
                Freshness::ServeWhileRevalidating => {
                    // Queued once, however many requests see it stale.
                    self.revalidating.insert(path.to_string());
                    return Ok(served(entry, Status::Stale));
                }
                Freshness::MustRevalidate => {}
            }
        }
        let response = origin(path);
        if let OriginResponse::Error(code) = response {
            return match self.entries.get(path) {
                Some(entry) if entry.usable_on_error(now) => {
                    Ok(served(entry, Status::StaleIfError))
                }
                _ => Err(OriginFailed(code)),
            };
        }
        let body = match &response {
            OriginResponse::Ok { body, .. } => Some(body.clone()),
            _ => None,
        };
        self.store(path, response, now);
        Ok(Served {
            body,
            status: Status::Miss,
        })
    }

    /// Runs the queued background refreshes; a refresh that fails keeps the
    /// stale copy. Returns how many were refreshed.
    pub fn revalidate(&mut self, mut origin: impl FnMut(&str) -> OriginResponse) -> usize {
        let now = self.clock.now();
        let mut refreshed = 0;
        for path in std::mem::take(&mut self.revalidating) {
            let response = origin(&path);
            if !matches!(response, OriginResponse::Error(_)) {
                self.store(&path, response, now);
                refreshed += 1;
            }
        }
        refreshed
    }

    fn store(&mut self, path: &str, response: OriginResponse, now: Duration) {
        let entry = match response {
            OriginResponse::Ok { control, .. } if control.no_store => None,
            OriginResponse::Ok { body, control } => Some(Entry {
                body: Some(body),
                stored_at: now,
                control,
            }),
            // Negative caching: a fixed, short freshness and no stale use.
            OriginResponse::NotFound => Some(Entry {
                body: None,
                stored_at: now,
                control: CacheControl {
                    max_age: self.negative_ttl,
                    ..CacheControl::default()
                },
            }),
            OriginResponse::Error(_) => return,
        };
        match entry {
            Some(entry) => self.entries.insert(path.to_string(), entry),
            None => self.entries.remove(path),
        };
    }
    // ANCHOR_END: solution
    // ANCHOR_END: get

    // ANCHOR: purge
    // ANCHOR: solution
    /// Purges the paths the log changed since this node last read it, in
    /// order, and remembers how far it got: a CDN node that was unreachable
    /// during a price change purges it when it comes back. Returns how many
    /// entries were purged.
    pub fn catch_up(&mut self, log: &InvalidationLog) -> usize {
        let mut purged = 0;
        for change in log.since(self.applied) {
            purged += usize::from(self.entries.remove(&change.key).is_some());
            self.revalidating.remove(&change.key);
            self.applied = change.version;
        }
        purged
    }
    // ANCHOR_END: solution
    // ANCHOR_END: purge

    /// How many background refreshes are queued.
    #[must_use]
    pub fn pending_revalidations(&self) -> usize {
        self.revalidating.len()
    }

    /// The last log version this node applied.
    #[must_use]
    pub fn applied(&self) -> u64 {
        self.applied
    }
}

fn served(entry: &Entry, status: Status) -> Served {
    Served {
        body: entry.body.clone(),
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;
    use std::cell::Cell;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// RFC 5861's own examples: §3 `max-age=600, stale-while-revalidate=30`
    /// and §4 `max-age=600, stale-if-error=1200`.
    #[test]
    fn rfc_5861_examples() {
        let swr: CacheControl = "max-age=600, stale-while-revalidate=30".parse().unwrap();
        assert_eq!(
            (swr.max_age, swr.stale_while_revalidate),
            (secs(600), secs(30))
        );
        let sie: CacheControl = "max-age=600, stale-if-error=1200".parse().unwrap();
        assert_eq!((sie.max_age, sie.stale_if_error), (secs(600), secs(1200)));

        // §3: fresh for 600 s, then served stale for up to 30 s while it is
        // revalidated, then the cache must wait for the origin.
        let clock = ManualClock::new();
        let mut edge = EdgeCache::new(secs(5), clock.clone());
        let calls = Cell::new(0);
        let origin = |_: &str| {
            calls.set(calls.get() + 1);
            OriginResponse::Ok {
                body: format!("v{}", calls.get()),
                control: swr,
            }
        };
        edge.get("/menu", origin).unwrap();
        let status_at = |edge: &mut EdgeCache<ManualClock>, t| {
            clock.set(secs(t));
            edge.get("/menu", origin).unwrap().status
        };
        assert_eq!(status_at(&mut edge, 599), Status::Hit);
        assert_eq!(status_at(&mut edge, 600), Status::Stale);
        assert_eq!(status_at(&mut edge, 629), Status::Stale);
        assert_eq!(calls.get(), 1, "stale responses do not wait for the origin");
        assert_eq!(status_at(&mut edge, 630), Status::Miss);
        assert_eq!(calls.get(), 2);

        // §4: an origin error within 1200 s of becoming stale serves stale.
        let mut edge = EdgeCache::new(secs(5), clock.clone());
        edge.get("/menu", |_: &str| OriginResponse::Ok {
            body: "v1".into(),
            control: sie,
        })
        .unwrap();
        let start = clock.now();
        let down = |_: &str| OriginResponse::Error(502);
        clock.set(start + secs(600 + 1199));
        assert_eq!(
            edge.get("/menu", down).unwrap().status,
            Status::StaleIfError
        );
        clock.set(start + secs(600 + 1200));
        assert_eq!(edge.get("/menu", down), Err(OriginFailed(502)));
    }

    #[test]
    fn parsing_follows_rfc_9111() {
        let c: CacheControl = "public, MAX-AGE=\"60\", s-maxage=300, must-revalidate"
            .parse()
            .unwrap();
        assert_eq!(c.max_age, secs(300), "s-maxage wins in a shared cache");
        assert!("no-store".parse::<CacheControl>().unwrap().no_store);
        let error = "public, max-age=sixty".parse::<CacheControl>().unwrap_err();
        assert_eq!(error.offset, 8);
        assert_eq!(
            error.to_string(),
            "Cache-Control, byte 8: `max-age=sixty`: seconds must be a whole number"
        );
        assert!("stale-if-error".parse::<CacheControl>().is_err());
    }

    #[test]
    fn not_found_is_cached_briefly_and_no_store_never() {
        let clock = ManualClock::new();
        let mut edge = EdgeCache::new(secs(30), clock.clone());
        let calls = Cell::new(0);
        let origin = |path: &str| {
            calls.set(calls.get() + 1);
            match path {
                "/cart" => OriginResponse::Ok {
                    body: "yours".into(),
                    control: "no-store".parse().unwrap(),
                },
                _ => OriginResponse::NotFound,
            }
        };
        for _ in 0..100 {
            assert_eq!(edge.get("/shops/999999", origin).unwrap().body, None);
        }
        assert_eq!(
            calls.get(),
            1,
            "100 requests for a missing shop, one origin call"
        );
        clock.advance(secs(30));
        edge.get("/shops/999999", origin).unwrap();
        assert_eq!(calls.get(), 2, "the negative entry expired");
        for _ in 0..2 {
            let cart = edge.get("/cart", origin).unwrap();
            assert_eq!(
                (cart.body.as_deref(), cart.status),
                (Some("yours"), Status::Miss)
            );
        }
        assert_eq!(calls.get(), 4, "no-store: every request reaches the origin");
    }

    #[test]
    fn the_log_purges_changed_paths_in_order() {
        let clock = ManualClock::new();
        let mut edge = EdgeCache::new(secs(30), clock);
        let control: CacheControl = "max-age=3600".parse().unwrap();
        let v1 = |_: &str| OriginResponse::Ok {
            body: "4.50".into(),
            control,
        };
        edge.get("/menu/latte", v1).unwrap();
        edge.get("/menu/mocha", v1).unwrap();
        let mut log = InvalidationLog::new();
        log.publish("/menu/latte");
        assert_eq!(edge.catch_up(&log), 1);
        assert_eq!(edge.catch_up(&log), 0, "already applied");
        let v2 = |_: &str| OriginResponse::Ok {
            body: "4.75".into(),
            control,
        };
        assert_eq!(
            edge.get("/menu/latte", v2).unwrap().body.as_deref(),
            Some("4.75")
        );
        assert_eq!(edge.get("/menu/mocha", v2).unwrap().status, Status::Hit);
        assert_eq!(edge.applied(), 1);
    }

    proptest! {
        /// Against the table of the module doc: at any age, with any policy,
        /// the status is what the windows say, and the origin is called only
        /// when the customer has to wait.
        #[test]
        fn status_follows_the_windows(
            max_age in 0u64..100, swr in 0u64..100, sie in 0u64..100,
            age in 0u64..400, origin_up in any::<bool>(),
        ) {
            let clock = ManualClock::new();
            let mut edge = EdgeCache::new(secs(1), clock.clone());
            let control = CacheControl {
                max_age: secs(max_age), stale_while_revalidate: secs(swr),
                stale_if_error: secs(sie), no_store: false,
            };
            edge.get("/menu", |_: &str| OriginResponse::Ok { body: "old".into(), control }).unwrap();
            clock.advance(secs(age));
            let called = Cell::new(false);
            let got = edge.get("/menu", |_: &str| {
                called.set(true);
                if origin_up {
                    OriginResponse::Ok { body: "new".into(), control }
                } else {
                    OriginResponse::Error(503)
                }
            });
            let expected = if age < max_age {
                Ok(Status::Hit)
            } else if age < max_age + swr {
                Ok(Status::Stale)
            } else if origin_up {
                Ok(Status::Miss)
            } else if age < max_age + sie {
                Ok(Status::StaleIfError)
            } else {
                Err(OriginFailed(503))
            };
            prop_assert_eq!(got.map(|s| s.status), expected);
            prop_assert_eq!(called.get(), age >= max_age + swr);
        }
    }
}

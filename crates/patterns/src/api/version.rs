//! API version negotiation, by path (`/v2/menu`) or by media type
//! (`Accept: application/vnd.gocoffee.v2+json`), with deprecation headers.
//!
//! Mobile apps are the hardest API clients to upgrade: an app store release
//! takes days and some users never update. So old versions stay served for a
//! long time, announce their retirement in every response (`Deprecation`,
//! RFC 9745; `Sunset`, RFC 8594; a `Link` to the migration guide), and the
//! app can log a warning long before the sunset date.

use super::problem::Problem;

/// A version of the public API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiVersion {
    /// The first version: prices as decimal strings. Deprecated.
    V1,
    /// The current version: prices as integer cents.
    V2,
}

/// The retirement schedule of a deprecated version, as response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecation {
    /// When it was deprecated, in Unix seconds (`Deprecation: @<seconds>`).
    pub since: i64,
    /// When it stops working, as an HTTP date (`Sunset`).
    pub sunset: &'static str,
    /// The migration guide (`Link: <...>; rel="deprecation"`).
    pub guide: &'static str,
}

impl Deprecation {
    /// The three response headers that announce it.
    #[must_use]
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("Deprecation", format!("@{}", self.since)),
            ("Sunset", self.sunset.to_string()),
            ("Link", format!("<{}>; rel=\"deprecation\"", self.guide)),
        ]
    }
}

impl ApiVersion {
    /// The newest version, served when the client does not ask for one.
    pub const LATEST: Self = Self::V2;

    /// The version named `v1`, `v2`, ...
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "v1" => Some(Self::V1),
            "v2" => Some(Self::V2),
            _ => None,
        }
    }

    // ANCHOR: solution
    /// Its retirement schedule, if it is deprecated.
    #[must_use]
    pub fn deprecation(self) -> Option<Deprecation> {
        match self {
            Self::V1 => Some(Deprecation {
                since: 1_735_689_600, // 2025-01-01
                sunset: "Wed, 01 Jul 2026 00:00:00 GMT",
                guide: "https://developer.gocoffee.example/migrate-to-v2",
            }),
            Self::V2 => None,
        }
    }
    // ANCHOR_END: solution
}

/// The outcome of negotiation: the version, and the resource path without
/// its version prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated<'a> {
    /// The version to answer with.
    pub version: ApiVersion,
    /// The path inside that version, e.g. `/menu`.
    pub resource: &'a str,
}

const VENDOR_PREFIX: &str = "application/vnd.gocoffee.";

// ANCHOR: negotiate
// ANCHOR: solution
/// Picks the version: a `/vN/` path prefix wins; otherwise a vendor media
/// type in `Accept`; otherwise the latest version.
///
/// # Errors
///
/// `404` for an unknown version in the path, `406` for an unknown version
/// in `Accept`.
pub fn negotiate<'a>(path: &'a str, accept: Option<&str>) -> Result<Negotiated<'a>, Problem> {
    let mut segments = path.splitn(3, '/'); // "", "v2", "menu"
    if let (Some(""), Some(first)) = (segments.next(), segments.next())
        && first.starts_with('v')
        && first[1..].bytes().all(|b| b.is_ascii_digit())
    {
        let detail = format!("{first} is not a version of this API");
        let version = ApiVersion::parse(first).ok_or_else(|| unknown_version(404, &detail))?;
        let resource = &path[first.len() + 1..];
        return Ok(Negotiated { version, resource });
    }
    let requested = accept
        .into_iter()
        .flat_map(|a| a.split(','))
        .find_map(|media| {
            let media = media.split(';').next()?.trim();
            media.strip_prefix(VENDOR_PREFIX)?.strip_suffix("+json")
        });
    let version = match requested {
        None => ApiVersion::LATEST,
        Some(name) => ApiVersion::parse(name).ok_or_else(|| {
            unknown_version(406, &format!("{VENDOR_PREFIX}{name}+json is not served"))
        })?,
    };
    Ok(Negotiated {
        version,
        resource: path,
    })
}
// ANCHOR_END: solution
// ANCHOR_END: negotiate

fn unknown_version(status: u16, detail: &str) -> Problem {
    let type_uri = "https://developer.gocoffee.example/problems/unknown-version";
    Problem::new(status, type_uri, "Unknown API version").detail(format!("{detail}; use v1 or v2"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(path: &str, accept: Option<&str>, expect: Result<(ApiVersion, &str), u16>) {
        let actual = negotiate(path, accept)
            .map(|n| (n.version, n.resource))
            .map_err(|p| p.status);
        assert_eq!(actual, expect, "{path} {accept:?}");
    }

    #[test]
    fn negotiates_by_path_then_header_then_default() {
        check("/v1/menu", None, Ok((ApiVersion::V1, "/menu")));
        check(
            "/v2/menu",
            Some("application/vnd.gocoffee.v1+json"),
            Ok((ApiVersion::V2, "/menu")),
        );
        check(
            "/menu",
            Some("application/vnd.gocoffee.v1+json"),
            Ok((ApiVersion::V1, "/menu")),
        );
        check(
            "/menu",
            Some("text/html, application/vnd.gocoffee.v1+json; q=0.9"),
            Ok((ApiVersion::V1, "/menu")),
        );
        check(
            "/menu",
            Some("application/json"),
            Ok((ApiVersion::V2, "/menu")),
        );
        check("/menu", None, Ok((ApiVersion::V2, "/menu")));
        check("/v9/menu", None, Err(404));
        check("/menu", Some("application/vnd.gocoffee.v9+json"), Err(406));
        // Not a version segment: a resource that happens to start with "v".
        check("/vouchers", None, Ok((ApiVersion::V2, "/vouchers")));
    }

    #[test]
    fn deprecated_versions_announce_their_sunset() {
        let headers = ApiVersion::V1.deprecation().unwrap().headers();
        assert_eq!(headers[0], ("Deprecation", "@1735689600".to_string()));
        assert_eq!(headers[1].1, "Wed, 01 Jul 2026 00:00:00 GMT");
        assert!(ApiVersion::V2.deprecation().is_none());
    }
}

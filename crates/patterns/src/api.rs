//! Mobile-optimised REST endpoints for the menu: cursor pagination, sparse
//! fieldsets, ETags, version negotiation and RFC 9457 errors.
//!
//! A phone on a train has a slow, metered, flaky connection and a small
//! screen. Each technique here trims what crosses that connection:
//!
//! - [`cursor`]: small pages that stay correct while the menu changes;
//! - sparse fieldsets (`?fields=id,name,price_cents`): the list screen asks
//!   only for what it draws;
//! - [`etag`]: an unchanged menu costs a `304` with no body;
//! - [`version`]: old app releases keep working, and learn when they will
//!   stop;
//! - [`problem`]: errors the app can act on, in one format everywhere.
//!
//! [`MenuApi::handle`] puts them together for `GET /menu`.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::api::{MenuApi, MenuItem, Request};
//!
//! let api = MenuApi::new(vec![
//!     MenuItem::new(1, "Espresso", 250, "coffee"),
//!     MenuItem::new(2, "Flat white", 390, "coffee"),
//!     MenuItem::new(3, "Chai latte", 420, "tea"),
//! ]);
//! let first = api.handle(&Request::get("/v2/menu?limit=2&fields=id,price_cents"));
//! assert_eq!(first.status, 200);
//! assert!(first.body.starts_with(r#"{"items":[{"id":1,"price_cents":250},{"id":2,"price_cents":390}]"#));
//!
//! // Asking again with the ETag costs no body.
//! let etag = first.header("ETag").unwrap();
//! let again = api.handle(&Request::get("/v2/menu?limit=2&fields=id,price_cents").header("If-None-Match", etag));
//! assert_eq!((again.status, again.body.as_str()), (304, ""));
//! ```

pub mod cursor;
pub mod etag;
pub mod json;
pub mod problem;
pub mod version;

use cursor::{Cursor, paginate};
use etag::{if_none_match, strong_etag};
use json::Json;
use problem::{PROBLEM_JSON, Problem};
use version::ApiVersion;

/// An item of the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuItem {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its price, in cents.
    pub price_cents: u32,
    /// Its category (`coffee`, `tea`, ...).
    pub category: String,
    /// A longer description, which list screens do not need.
    pub description: String,
}

impl MenuItem {
    /// An item without description.
    #[must_use]
    pub fn new(id: u64, name: &str, price_cents: u32, category: &str) -> Self {
        Self {
            id,
            name: name.to_string(),
            price_cents,
            category: category.to_string(),
            description: String::new(),
        }
    }
}

/// An incoming `GET` request: path, decoded query parameters, headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The path, without the query.
    pub path: String,
    /// Query parameters, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// A `GET` of `target` (path and optional `?query`).
    #[must_use]
    pub fn get(target: &str) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(name), percent_decode(value))
            })
            .collect();
        Self {
            path: path.to_string(),
            query,
            headers: Vec::new(),
        }
    }

    /// This request with one more header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first value of header `name` (case-insensitive).
    #[must_use]
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    /// The first value of query parameter `name`.
    #[must_use]
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An outgoing response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body (empty for `304`).
    pub body: String,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    fn problem(problem: &Problem) -> Self {
        Self {
            status: problem.status,
            headers: vec![("Content-Type".into(), PROBLEM_JSON.into())],
            body: problem.to_json(),
        }
    }
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A field of a menu item that a client can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `id`.
    Id,
    /// `name`.
    Name,
    /// `price` (v1, a decimal string) or `price_cents` (v2, an integer).
    Price,
    /// `category`.
    Category,
    /// `description`.
    Description,
}

impl Field {
    const ALL: [Self; 5] = [
        Self::Id,
        Self::Name,
        Self::Price,
        Self::Category,
        Self::Description,
    ];

    /// The field's name in `version`.
    #[must_use]
    pub fn name(self, version: ApiVersion) -> &'static str {
        match (self, version) {
            (Self::Id, _) => "id",
            (Self::Name, _) => "name",
            (Self::Price, ApiVersion::V1) => "price",
            (Self::Price, ApiVersion::V2) => "price_cents",
            (Self::Category, _) => "category",
            (Self::Description, _) => "description",
        }
    }

    fn value(self, item: &MenuItem, version: ApiVersion) -> Json {
        match (self, version) {
            (Self::Id, _) => Json::Int(item.id as i64),
            (Self::Name, _) => Json::str(&item.name),
            (Self::Price, ApiVersion::V1) => Json::Str(format!(
                "{}.{:02}",
                item.price_cents / 100,
                item.price_cents % 100
            )),
            (Self::Price, ApiVersion::V2) => Json::Int(i64::from(item.price_cents)),
            (Self::Category, _) => Json::str(&item.category),
            (Self::Description, _) => Json::str(&item.description),
        }
    }
}

// ANCHOR: fields
// ANCHOR: solution
/// Parses a sparse fieldset such as `id,name,price_cents`, in the request's
/// order; no parameter means every field. Unknown names are all reported.
///
/// # Errors
///
/// The unknown field names.
pub fn parse_fields(param: Option<&str>, version: ApiVersion) -> Result<Vec<Field>, Vec<String>> {
    let Some(param) = param else {
        return Ok(Field::ALL.to_vec());
    };
    let mut fields = Vec::new();
    let mut unknown = Vec::new();
    for name in param.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match Field::ALL.into_iter().find(|f| f.name(version) == name) {
            Some(field) if !fields.contains(&field) => fields.push(field),
            Some(_) => {} // asked twice
            None => unknown.push(name.to_string()),
        }
    }
    if unknown.is_empty() {
        Ok(fields)
    } else {
        Err(unknown)
    }
}

/// The JSON of `item` with only `fields`.
#[must_use]
pub fn render_item(item: &MenuItem, fields: &[Field], version: ApiVersion) -> Json {
    fields.iter().fold(Json::object(), |object, field| {
        object.with(field.name(version), field.value(item, version))
    })
}
// ANCHOR_END: solution
// ANCHOR_END: fields

/// The menu endpoints.
#[derive(Debug, Clone, Default)]
pub struct MenuApi {
    items: Vec<MenuItem>,
}

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;
const INVALID_PARAMS: &str = "https://developer.gocoffee.example/problems/invalid-parameters";

impl MenuApi {
    /// An API serving `items`.
    #[must_use]
    pub fn new(items: Vec<MenuItem>) -> Self {
        Self { items }
    }

    /// Adds an item to the menu.
    pub fn insert(&mut self, item: MenuItem) {
        self.items.push(item);
    }

    /// Answers a request; errors become problem details.
    #[must_use]
    pub fn handle(&self, request: &Request) -> Response {
        self.try_handle(request)
            .unwrap_or_else(|problem| Response::problem(&problem.instance(request.path.clone())))
    }

    // ANCHOR: handle
    // ANCHOR: solution
    fn try_handle(&self, request: &Request) -> Result<Response, Problem> {
        let negotiated = version::negotiate(&request.path, request.header_value("Accept"))?;
        let version = negotiated.version;
        if negotiated.resource != "/menu" {
            return Err(Problem::new(404, "about:blank", "Not Found"));
        }
        let (limit, cursor, fields) = parse_query(request, version)?;
        let page = paginate(&self.items, cursor, limit);
        let items = page
            .items
            .iter()
            .map(|item| render_item(item, &fields, version));
        let next = page.next.map_or(Json::Null, |c| Json::Str(c.encode()));
        let body = Json::object()
            .with("items", Json::Array(items.collect()))
            .with("next_cursor", next)
            .to_string();

        let etag = strong_etag(body.as_bytes());
        let mut headers = vec![
            ("ETag".to_string(), etag.clone()),
            ("Vary".into(), "Accept".into()),
        ];
        if let Some(deprecation) = version.deprecation() {
            headers.extend(
                deprecation
                    .headers()
                    .map(|(name, value)| (name.to_string(), value)),
            );
        }
        if request
            .header_value("If-None-Match")
            .is_some_and(|h| if_none_match(h, &etag))
        {
            return Ok(Response {
                status: 304,
                headers,
                body: String::new(),
            });
        }
        headers.push(("Content-Type".into(), "application/json".into()));
        Ok(Response {
            status: 200,
            headers,
            body,
        })
    }
    // ANCHOR_END: solution
    // ANCHOR_END: handle
}

// ANCHOR: validation
// ANCHOR: solution
/// Reads `limit`, `cursor` and `fields`, reporting every invalid parameter
/// at once in an `invalid_params` extension.
fn parse_query(
    request: &Request,
    version: ApiVersion,
) -> Result<(usize, Option<Cursor>, Vec<Field>), Problem> {
    let mut invalid = Vec::new();
    let limit = match request.query_value("limit").map(str::parse::<usize>) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            invalid.push((
                "limit",
                format!("must be a whole number from 1 to {MAX_LIMIT}"),
            ));
            DEFAULT_LIMIT
        }
    };
    let cursor = match request.query_value("cursor").map(Cursor::decode) {
        None => None,
        Some(Ok(cursor)) => Some(cursor),
        Some(Err(_)) => {
            invalid.push(("cursor", "is not a cursor this API returned".to_string()));
            None
        }
    };
    let fields = parse_fields(request.query_value("fields"), version).unwrap_or_else(|unknown| {
        invalid.push(("fields", format!("unknown fields: {}", unknown.join(", "))));
        Vec::new()
    });
    if invalid.is_empty() {
        Ok((limit, cursor, fields))
    } else {
        Err(invalid_params(invalid))
    }
}
// ANCHOR_END: solution
// ANCHOR_END: validation

/// A `400` problem listing each invalid parameter and why.
fn invalid_params(invalid: Vec<(&str, String)>) -> Problem {
    let params = invalid.into_iter().map(|(name, reason)| {
        Json::object()
            .with("name", Json::str(name))
            .with("reason", Json::Str(reason))
    });
    Problem::new(
        400,
        INVALID_PARAMS,
        "Your request parameters didn't validate.",
    )
    .extension("invalid_params", Json::Array(params.collect()))
}

// ANCHOR: solution
/// Decodes `%XX` escapes and `+` (a space, in query strings); malformed
/// escapes are kept as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> MenuApi {
        let mut latte = MenuItem::new(3, "Latte", 420, "coffee");
        latte.description = "Espresso with steamed milk".into();
        MenuApi::new(vec![
            MenuItem::new(1, "Espresso", 250, "coffee"),
            MenuItem::new(2, "Flat white", 390, "coffee"),
            latte,
            MenuItem::new(4, "Sencha", 300, "tea"),
        ])
    }

    fn json(response: &Response) -> serde_json::Value {
        serde_json::from_str(&response.body).unwrap()
    }

    #[test]
    fn walks_every_page_with_cursors() {
        let api = api();
        let mut ids = Vec::new();
        let mut target = "/v2/menu?limit=3&fields=id".to_string();
        loop {
            let body = json(&api.handle(&Request::get(&target)));
            ids.extend(
                body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_u64().unwrap()),
            );
            match body["next_cursor"].as_str() {
                Some(cursor) => target = format!("/v2/menu?limit=3&fields=id&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(ids, [1, 4, 2, 3]); // by price: 250, 300, 390, 420
    }

    #[test]
    fn v1_is_served_with_its_own_field_names_and_deprecation_headers() {
        let response = api().handle(
            &Request::get("/menu?limit=1&fields=name,price")
                .header("accept", "application/vnd.gocoffee.v1+json"),
        );
        assert_eq!(
            json(&response)["items"][0],
            serde_json::json!({"name": "Espresso", "price": "2.50"})
        );
        assert_eq!(
            response.header("Sunset"),
            Some("Wed, 01 Jul 2026 00:00:00 GMT")
        );
        assert_eq!(response.header("Deprecation"), Some("@1735689600"));
        let v2 = api().handle(&Request::get("/v2/menu?fields=price"));
        assert_eq!(v2.status, 400); // `price` is `price_cents` in v2
    }

    #[test]
    fn invalid_parameters_are_reported_together_as_problem_details() {
        let response = api().handle(&Request::get(
            "/v2/menu?limit=0&cursor=nope&fields=id,colour",
        ));
        assert_eq!(response.status, 400);
        assert_eq!(
            response.header("content-type"),
            Some("application/problem+json")
        );
        let body = json(&response);
        assert_eq!(body["status"], 400);
        assert_eq!(body["instance"], "/v2/menu");
        let names: Vec<&str> = body["invalid_params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["limit", "cursor", "fields"]);
    }

    #[test]
    fn a_changed_menu_changes_the_etag() {
        let mut api = api();
        let first = api.handle(&Request::get("/v2/menu"));
        let etag = first.header("etag").unwrap().to_string();
        api.insert(MenuItem::new(5, "Mocha", 450, "coffee"));
        let second = api.handle(&Request::get("/v2/menu").header("If-None-Match", &etag));
        assert_eq!(second.status, 200);
        assert_ne!(second.header("etag"), Some(etag.as_str()));
    }

    #[test]
    fn unknown_paths_and_versions_are_problems() {
        assert_eq!(api().handle(&Request::get("/v2/orders")).status, 404);
        assert_eq!(api().handle(&Request::get("/v3/menu")).status, 404);
        let response = api()
            .handle(&Request::get("/menu").header("Accept", "application/vnd.gocoffee.v3+json"));
        assert_eq!(response.status, 406);
    }

    #[test]
    fn query_strings_are_percent_decoded() {
        let request = Request::get("/v2/menu?fields=id%2Cname&q=flat+white&bad=%zz");
        assert_eq!(request.query_value("fields"), Some("id,name"));
        assert_eq!(request.query_value("q"), Some("flat white"));
        assert_eq!(request.query_value("bad"), Some("%zz"));
    }
}

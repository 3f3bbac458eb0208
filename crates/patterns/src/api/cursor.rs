//! Keyset ("cursor") pagination with opaque cursors.
//!
//! An offset (`?page=3`) counts rows, so a row inserted on page 1 pushes an
//! item from page 3 onto page 4 and the app shows it twice; a deleted row
//! makes one disappear. A cursor instead records *where the last page ended*
//! — the sort key and id of its last item — and the next page starts
//! strictly after that position. Inserts and deletes elsewhere do not move
//! it. In SQL it is `WHERE (price_cents, id) > ($1, $2) ORDER BY price_cents,
//! id LIMIT $3`, served by an index on `(price_cents, id)`.
//!
//! The cursor is *opaque*: base64url of a versioned string, so clients pass
//! it back without building or parsing it, and the server can change its
//! contents later. (It is not secret; sign it if that matters.)

use super::MenuItem;

/// Where a page ended: the sort key and id of its last item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    /// The last item's price, the sort key.
    pub price_cents: u32,
    /// The last item's id, which breaks ties between equal prices.
    pub id: u64,
}

/// Why a cursor was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidCursor;

// ANCHOR: cursor
// ANCHOR: solution
impl Cursor {
    /// The cursor positioned on `item`.
    #[must_use]
    pub fn after(item: &MenuItem) -> Self {
        Self {
            price_cents: item.price_cents,
            id: item.id,
        }
    }

    /// The opaque form sent to clients.
    #[must_use]
    pub fn encode(&self) -> String {
        base64url_encode(format!("v1:{}:{}", self.price_cents, self.id).as_bytes())
    }

    /// Reads a cursor produced by [`Cursor::encode`].
    ///
    /// # Errors
    ///
    /// [`InvalidCursor`] for anything that `encode` did not produce.
    pub fn decode(token: &str) -> Result<Self, InvalidCursor> {
        let bytes = base64url_decode(token).ok_or(InvalidCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| InvalidCursor)?;
        let rest = text.strip_prefix("v1:").ok_or(InvalidCursor)?;
        let (price, id) = rest.split_once(':').ok_or(InvalidCursor)?;
        let parse = |s: &str| s.parse::<u64>().map_err(|_| InvalidCursor);
        let price_cents = u32::try_from(parse(price)?).map_err(|_| InvalidCursor)?;
        Ok(Self {
            price_cents,
            id: parse(id)?,
        })
    }
}

// ANCHOR_END: solution
// ANCHOR_END: cursor

// ANCHOR: paginate
// ANCHOR: solution
/// One page of results, and the cursor of the next page if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<'a> {
    /// The items, ordered by price then id.
    pub items: Vec<&'a MenuItem>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

/// The `limit` items that come after `after` in (price, id) order.
#[must_use]
pub fn paginate<'a>(items: &'a [MenuItem], after: Option<Cursor>, limit: usize) -> Page<'a> {
    let mut rest: Vec<&MenuItem> = items
        .iter()
        .filter(|item| after.is_none_or(|cursor| Cursor::after(item) > cursor))
        .collect();
    rest.sort_by_key(|item| Cursor::after(item));
    let more = rest.len() > limit;
    rest.truncate(limit);
    let next = if more {
        rest.last().map(|item| Cursor::after(item))
    } else {
        None
    };
    Page { items: rest, next }
}
// ANCHOR_END: solution
// ANCHOR_END: paginate

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 section 5),
/// the codec of [`crate::base64url`].
#[must_use]
pub fn base64url_encode(bytes: &[u8]) -> String {
    crate::base64url::encode(bytes)
}

/// The inverse of [`base64url_encode`]; `None` for any other input
/// (padding, other alphabets, impossible lengths, non-zero trailing bits).
#[must_use]
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    crate::base64url::decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The codec itself (RFC 4648 vectors, agreement with the `base64`
    // crate) is tested where it lives, in `crate::base64url`.

    #[test]
    fn rejects_what_encode_never_produces() {
        for token in ["Zg==", "Zh", "Z", "Zm9v+", "djE6MTox/", "!!!!"] {
            assert_eq!(base64url_decode(token), None, "{token}");
        }
        for token in [
            "",
            "Zm9v",
            &base64url_encode(b"v1:abc:1"),
            &base64url_encode(b"v1:99999999999:1"),
        ] {
            assert_eq!(Cursor::decode(token), Err(InvalidCursor), "{token}");
        }
    }

    fn item(id: u64, price_cents: u32) -> MenuItem {
        MenuItem::new(id, &format!("item {id}"), price_cents, "coffee")
    }

    proptest! {
        /// Walking the pages while new items are inserted between requests:
        /// no item is seen twice, and every item that existed at the start is
        /// seen once.
        #[test]
        fn pages_are_stable_under_inserts(
            prices in proptest::collection::vec(0u32..20, 0..30),
            inserts in proptest::collection::vec(0u32..20, 0..30),
            limit in 1usize..5,
        ) {
            let mut items: Vec<MenuItem> =
                prices.iter().enumerate().map(|(i, &p)| item(i as u64, p)).collect();
            let original: Vec<u64> = items.iter().map(|i| i.id).collect();
            let mut seen = Vec::new();
            let mut cursor = None;
            let mut inserts = inserts.into_iter();
            loop {
                let page = paginate(&items, cursor, limit);
                seen.extend(page.items.iter().map(|i| i.id));
                let Some(next) = page.next else { break };
                cursor = Some(Cursor::decode(&next.encode()).unwrap());
                if let Some(price) = inserts.next() {
                    let id = 1000 + items.len() as u64;
                    items.push(item(id, price));
                }
            }
            let mut unique = seen.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), seen.len(), "an item was seen twice");
            for id in original {
                prop_assert!(seen.contains(&id), "item {} was skipped", id);
            }
        }
    }
}

//! Coffee shops near a customer: great-circle distance, a geohash grid index
//! that answers "the k nearest shops" exactly, and routing a lookup to the
//! nearest region.
//!
//! Distances on a sphere come from the **haversine** formula, which stays
//! accurate for short distances (the law of cosines loses digits there).
//! Scanning all 40,000 shops per request is too slow at the edge, so
//! [`ProximityIndex`] files each shop under its geohash cell and searches
//! outwards from the customer's cell, ring by ring. The subtle part is when to
//! stop: a shop in the customer's own cell is not necessarily the nearest,
//! since the customer may stand at the cell's edge, with a shop just across
//! it. The search stops only when the k-th best distance found is no more
//! than a lower bound on the distance to anything outside the rings searched
//! so far (the distance to the nearest edge of the searched block). Because
//! columns wrap around, a customer in Fiji finds the shop across the
//! antimeridian too.
//!
//! [`nearest_region`] picks the region that serves a lookup: the one closest
//! to the customer, which is what a geo-DNS or anycast edge does.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::proximity::{Point, ProximityIndex};
//!
//! let mut shops = ProximityIndex::new(4).unwrap();
//! // Two shops in Taveuni, Fiji, on either side of the antimeridian.
//! shops.insert(Point::new(-16.80, 179.98).unwrap(), "Waiyevo Roasters");
//! shops.insert(Point::new(-16.80, -179.99).unwrap(), "Dateline Espresso");
//! shops.insert(Point::new(-16.70, 179.90).unwrap(), "Somosomo Cafe");
//!
//! // A customer just east of the line: the nearest shop is east too, the
//! // second nearest is west of it, in a cell whose hash has nothing in common.
//! let customer = Point::new(-16.80, -179.995).unwrap();
//! let found = shops.nearest(customer, 2);
//! assert_eq!(found[0].item, &"Dateline Espresso");
//! assert_eq!(found[1].item, &"Waiyevo Roasters");
//! assert!((found[1].distance_m - 2_662.0).abs() < 5.0);
//! ```

use crate::geohash::{Cell, GeohashError};
use std::collections::{HashMap, HashSet};

/// The Earth's mean radius (IUGG), in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point on Earth, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Latitude, −90 to 90.
    pub lat: f64,
    /// Longitude, −180 to 180.
    pub lon: f64,
}

impl Point {
    /// A point, checked to be on Earth.
    ///
    /// # Errors
    ///
    /// [`GeohashError::OutOfRange`] when it is not.
    pub fn new(lat: f64, lon: f64) -> Result<Self, GeohashError> {
        if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
            Ok(Self { lat, lon })
        } else {
            Err(GeohashError::OutOfRange { lat, lon })
        }
    }
}

// ANCHOR: haversine
// ANCHOR: solution
/// The angle between two points seen from the Earth's centre, in radians,
/// by the haversine formula.
#[must_use]
pub fn central_angle(a: Point, b: Point) -> f64 {
    let (phi_a, phi_b) = (a.lat.to_radians(), b.lat.to_radians());
    let d_phi = phi_b - phi_a;
    let d_lambda = (b.lon - a.lon).to_radians();
    let h =
        (d_phi / 2.0).sin().powi(2) + phi_a.cos() * phi_b.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * h.sqrt().min(1.0).asin()
}

/// The great-circle distance between two points, in metres.
#[must_use]
pub fn haversine_m(a: Point, b: Point) -> f64 {
    central_angle(a, b) * EARTH_RADIUS_M
}
// ANCHOR_END: solution
// ANCHOR_END: haversine

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearby<'a, T> {
    /// The indexed item.
    pub item: &'a T,
    /// Where it is.
    pub location: Point,
    /// Its great-circle distance from the query point, in metres.
    pub distance_m: f64,
}

/// Items on a geohash grid, searched ring by ring.
#[derive(Debug, Clone)]
pub struct ProximityIndex<T> {
    precision: usize,
    cells: HashMap<Cell, Vec<(Point, T)>>,
    len: usize,
}

impl<T> ProximityIndex<T> {
    /// An empty index on the grid of geohashes of `precision` characters
    /// (pick cells about the size of a typical search radius: 5 characters
    /// for a city, 3 for a sparse country).
    ///
    /// # Errors
    ///
    /// [`GeohashError::BadPrecision`] outside 1..=12.
    pub fn new(precision: usize) -> Result<Self, GeohashError> {
        Cell::containing(0.0, 0.0, precision)?;
        Ok(Self {
            precision,
            cells: HashMap::new(),
            len: 0,
        })
    }

    /// Adds `item` at `location`.
    pub fn insert(&mut self, location: Point, item: T) {
        let cell = self.cell_of(location);
        self.cells.entry(cell).or_default().push((location, item));
        self.len += 1;
    }

    /// How many items are indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the index is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn cell_of(&self, p: Point) -> Cell {
        Cell::containing(p.lat, p.lon, self.precision).expect("a Point is always on Earth")
    }

    // ANCHOR: nearest
    // ANCHOR: solution
    /// The `k` items nearest to `from`, nearest first (ties in insertion
    /// order within a cell). Exact: the same answer as measuring every item.
    #[must_use]
    pub fn nearest(&self, from: Point, k: usize) -> Vec<Nearby<'_, T>> {
        let centre = self.cell_of(from);
        let mut found: Vec<Nearby<'_, T>> = Vec::new();
        let mut searched = HashSet::new();
        for ring in 0u64.. {
            let cells_in_ring = (8 * ring).max(1) as usize;
            if cells_in_ring > self.cells.len() {
                // Walking the ring costs more than reading every occupied
                // cell: do that instead, which is exact by definition.
                let occupied: Vec<Cell> = self.cells.keys().copied().collect();
                for cell in occupied {
                    self.visit(cell, from, &mut searched, &mut found);
                }
                break;
            }
            for cell in ring_cells(centre, ring) {
                self.visit(cell, from, &mut searched, &mut found);
            }
            found.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
            found.truncate(k);
            let outside = distance_to_outside(centre, ring, from);
            if found.len() == k && found.last().is_none_or(|f| f.distance_m <= outside) {
                break;
            }
            if outside == f64::INFINITY {
                break; // the rings cover the whole globe
            }
        }
        found.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
        found.truncate(k);
        found
    }
    // ANCHOR_END: solution
    // ANCHOR_END: nearest

    /// Measures the items of `cell`, unless it was searched already (a
    /// column is reached twice once the rings wrap around the globe).
    fn visit<'s>(
        &'s self,
        cell: Cell,
        from: Point,
        searched: &mut HashSet<Cell>,
        found: &mut Vec<Nearby<'s, T>>,
    ) {
        if !searched.insert(cell) {
            return;
        }
        for (location, item) in self.cells.get(&cell).into_iter().flatten() {
            let distance_m = haversine_m(from, *location);
            found.push(Nearby {
                item,
                location: *location,
                distance_m,
            });
        }
    }
}

/// The cells exactly `ring` steps from `centre` (a square's border), without
/// the rows beyond the poles.
fn ring_cells(centre: Cell, ring: u64) -> Vec<Cell> {
    let r = ring as i64;
    let mut cells = Vec::new();
    for dy in -r..=r {
        let step = if dy.abs() == r { 1 } else { (2 * r).max(1) };
        let mut dx = -r;
        while dx <= r {
            cells.extend(centre.offset(dx, dy));
            dx += step;
        }
    }
    cells
}

// ANCHOR: bound
// ANCHOR: solution
/// A lower bound, in metres, on the distance from `from` (in `centre`) to any
/// point outside the block of cells within `ring` steps of `centre`; infinite
/// when the block is the whole globe. Any path out of the block crosses one of
/// its edges, so the distance to the nearest edge bounds it: a parallel at
/// latitude φ is at least |Δφ| away, a meridian at least its cross-track
/// distance `asin(|sin Δλ| cos φ)`.
fn distance_to_outside(centre: Cell, ring: u64, from: Point) -> f64 {
    let b = centre.bounds();
    let (height, width) = (b.max_lat - b.min_lat, b.max_lon - b.min_lon);
    let r = ring as f64;
    let mut bound = f64::INFINITY;
    if centre.y() > ring {
        let south = b.min_lat - r * height;
        bound = bound.min((from.lat - south).to_radians());
    }
    if centre.y() + ring + 1 < centre.rows() {
        let north = b.max_lat + r * height;
        bound = bound.min((north - from.lat).to_radians());
    }
    if 2 * ring + 1 < centre.columns() {
        let cos_lat = from.lat.to_radians().cos();
        let west = from.lon - (b.min_lon - r * width);
        let east = (b.max_lon + r * width) - from.lon;
        for d_lambda in [west, east] {
            let sin = d_lambda.to_radians().sin().abs();
            bound = bound.min((sin * cos_lat).min(1.0).asin());
        }
    }
    // A millimetre of slack for rounding in the distances compared with it.
    bound * EARTH_RADIUS_M - 1e-3
}
// ANCHOR_END: solution
// ANCHOR_END: bound

/// A region that can serve lookups, with where its data centre is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region<'a> {
    /// The region's name.
    pub name: &'a str,
    /// Where it runs.
    pub location: Point,
}

// ANCHOR: route
// ANCHOR: solution
/// The region nearest to `customer`, which serves the lookup; the next
/// nearest is the failover. `None` when there are no regions.
#[must_use]
pub fn nearest_region<'r, 'a>(
    regions: &'r [Region<'a>],
    customer: Point,
) -> Option<&'r Region<'a>> {
    regions.iter().min_by(|a, b| {
        haversine_m(customer, a.location).total_cmp(&haversine_m(customer, b.location))
    })
}
// ANCHOR_END: solution
// ANCHOR_END: route

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;
    use proptest::prelude::*;

    fn p(lat: f64, lon: f64) -> Point {
        Point::new(lat, lon).unwrap()
    }

    /// Rosetta Code's haversine task: Nashville BNA (36.12, −86.67) to Los
    /// Angeles LAX (33.94, −118.40) is 2887.2599506071106 km with
    /// R = 6372.8 km, and 2886.444442837983 km with R = 6371 km.
    #[test]
    fn published_haversine_vectors() {
        let angle = central_angle(p(36.12, -86.67), p(33.94, -118.40));
        assert!(
            (angle * 6372.8 - 2887.2599506071106).abs() < 1e-9,
            "{}",
            angle * 6372.8
        );
        assert!(
            (angle * 6371.0 - 2886.444442837983).abs() < 1e-9,
            "{}",
            angle * 6371.0
        );
    }

    #[test]
    fn distances_on_the_sphere() {
        // A quarter of the way round, and half of it.
        let quarter = std::f64::consts::FRAC_PI_2 * EARTH_RADIUS_M;
        assert!((haversine_m(p(0.0, 0.0), p(0.0, 90.0)) - quarter).abs() < 1e-6);
        assert!((haversine_m(p(90.0, 0.0), p(-90.0, 0.0)) - 2.0 * quarter).abs() < 1e-6);
        // Across the antimeridian: 0.02° of longitude at the equator.
        let short = haversine_m(p(0.0, 179.99), p(0.0, -179.99));
        assert!((short - 0.02f64.to_radians() * EARTH_RADIUS_M).abs() < 1e-3);
    }

    #[test]
    fn a_shop_across_the_cell_edge_beats_one_in_the_same_cell() {
        let mut index = ProximityIndex::new(5).unwrap();
        // A customer at the eastern edge of cell u4pru (about 2.6 km wide).
        let cell = Cell::containing(57.64911, 10.40744, 5).unwrap().bounds();
        let lat = (cell.min_lat + cell.max_lat) / 2.0;
        let customer = p(lat, cell.max_lon - 0.0001);
        index.insert(p(lat, cell.min_lon + 0.001), "same cell, far west");
        index.insert(p(lat, cell.max_lon + 0.0005), "next cell, just east");
        let found = index.nearest(customer, 1);
        assert_eq!(found[0].item, &"next cell, just east");
        assert!(found[0].distance_m < 50.0);
    }

    #[test]
    fn empty_and_small_indexes() {
        let mut index = ProximityIndex::new(6).unwrap();
        assert!(index.nearest(p(0.0, 0.0), 3).is_empty());
        index.insert(p(-33.87, 151.21), "Sydney");
        // One shop on the other side of the world is still found.
        let found = index.nearest(p(51.5, -0.12), 3);
        assert_eq!(found.len(), 1);
        assert!(found[0].distance_m > 16_000_000.0);
        assert!(ProximityIndex::<()>::new(0).is_err());
    }

    #[test]
    fn lookups_go_to_the_nearest_region() {
        let regions = [
            Region {
                name: "eu-west",
                location: p(53.35, -6.26),
            },
            Region {
                name: "us-east",
                location: p(38.9, -77.04),
            },
            Region {
                name: "ap-southeast",
                location: p(1.35, 103.82),
            },
        ];
        assert_eq!(
            nearest_region(&regions, p(48.86, 2.35)).unwrap().name,
            "eu-west"
        );
        assert_eq!(
            nearest_region(&regions, p(40.71, -74.0)).unwrap().name,
            "us-east"
        );
        assert_eq!(
            nearest_region(&regions, p(-33.87, 151.21)).unwrap().name,
            "ap-southeast"
        );
        assert_eq!(nearest_region(&[], p(0.0, 0.0)), None);
    }

    /// Shops crowded where searches go wrong: around the antimeridian, near
    /// the poles, and anywhere.
    fn shop() -> impl Strategy<Value = (f64, f64)> {
        prop_oneof![
            (-20.0f64..20.0, 175.0f64..=180.0),
            (-20.0f64..20.0, -180.0f64..-175.0),
            (80.0f64..=90.0, -180.0f64..=180.0),
            (-90.0f64..=90.0, -180.0f64..=180.0),
        ]
    }

    proptest! {
        /// The index returns exactly what measuring every shop returns.
        #[test]
        fn nearest_matches_brute_force(
            shops in proptest::collection::vec(shop(), 0..60),
            query in shop(),
            k in 1usize..6,
            precision in 1usize..=4,
        ) {
            let mut index = ProximityIndex::new(precision).unwrap();
            for (i, &(lat, lon)) in shops.iter().enumerate() {
                index.insert(p(lat, lon), i);
            }
            let from = p(query.0, query.1);
            let mut brute: Vec<f64> = shops.iter().map(|&(lat, lon)| haversine_m(from, p(lat, lon))).collect();
            brute.sort_by(f64::total_cmp);
            brute.truncate(k);
            let got: Vec<f64> = index.nearest(from, k).iter().map(|n| n.distance_m).collect();
            prop_assert_eq!(got, brute);
        }

        /// The haversine distance is a metric: symmetric, zero to itself,
        /// and obeys the triangle inequality.
        #[test]
        fn haversine_is_a_metric(
            a in shop(), b in shop(), c in shop(),
        ) {
            let (a, b, c) = (p(a.0, a.1), p(b.0, b.1), p(c.0, c.1));
            prop_assert!((haversine_m(a, b) - haversine_m(b, a)).abs() < 1e-6);
            prop_assert!(haversine_m(a, a) < 1e-6);
            prop_assert!(haversine_m(a, c) <= haversine_m(a, b) + haversine_m(b, c) + 1e-6);
        }
    }

    /// A city-sized index: 2,000 shops, exact against brute force, and the
    /// search reads a handful of cells rather than all of them.
    #[test]
    fn dense_city_index_agrees_with_brute_force() {
        let mut rng = SeededRng::new(6);
        let mut index = ProximityIndex::new(6).unwrap();
        let mut all = Vec::new();
        for i in 0..2_000 {
            let at = p(51.4 + 0.2 * rng.next_f64(), -0.3 + 0.4 * rng.next_f64());
            index.insert(at, i);
            all.push(at);
        }
        for _ in 0..50 {
            let from = p(51.4 + 0.2 * rng.next_f64(), -0.3 + 0.4 * rng.next_f64());
            let mut brute: Vec<f64> = all.iter().map(|&s| haversine_m(from, s)).collect();
            brute.sort_by(f64::total_cmp);
            let got: Vec<f64> = index
                .nearest(from, 5)
                .iter()
                .map(|n| n.distance_m)
                .collect();
            assert_eq!(got, brute[..5]);
        }
    }
}

//! Geohash: a point on Earth as a short string whose prefixes are the
//! rectangles that contain it.
//!
//! Geohash halves the world again and again, alternating longitude and
//! latitude: the first bit says whether the point is east of the Greenwich
//! meridian, the second whether it is north of the equator, and so on. Every
//! five bits become one character of the alphabet
//! `0123456789bcdefghjkmnpqrstuvwxyz`. Reading it back gives a rectangle, a
//! [`Cell`], not a point: the more characters, the smaller the rectangle (5
//! characters: about 4.9 km × 4.9 km at the equator, 11 characters: 15 cm).
//!
//! Two properties make it the standard key for "shops near me": points whose
//! hashes share a prefix are in the same rectangle, so a prefix scan in any
//! sorted store (Redis, DynamoDB, a B-tree) finds a cell's shops; and the
//! cells form a grid, so a cell's neighbours are found by arithmetic. The
//! pitfall is the grid's edges: two shops one metre apart can have hashes
//! with no common prefix at all, when a cell border (or the antimeridian)
//! runs between them. That is why a search looks at the neighbours too, and
//! why [`Cell`] works in grid coordinates, where crossing the antimeridian is
//! just a column index wrapping around.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::geohash::{self, Cell, Direction};
//!
//! // The published example: Jutland, Denmark.
//! assert_eq!(geohash::encode(57.64911, 10.40744, 11).unwrap(), "u4pruydqqvj");
//! let point = geohash::decode("u4pruydqqvj").unwrap();
//! assert!((point.lat - 57.64911).abs() <= point.lat_error);
//! assert!((point.lon - 10.40744).abs() <= point.lon_error);
//!
//! // The cell east of the last column is the first one: the antimeridian.
//! let fiji = Cell::containing(-17.0, 179.9, 3).unwrap();
//! let east = fiji.neighbour(Direction::East).unwrap();
//! assert!(east.bounds().min_lon == -180.0);
//!
//! // A bad hash is an error that says where, not a panic.
//! let error = geohash::decode("u4pa").unwrap_err();
//! assert_eq!(error.to_string(), "geohash has 'a' at position 4, which is not in the geohash alphabet");
//! ```

use std::fmt;

/// The 32 characters of a geohash, in bit order (no `a`, `i`, `l`, `o`).
const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";

/// The longest geohash supported: 12 characters, 60 bits.
pub const MAX_PRECISION: usize = 12;

/// Why a point or a hash could not be turned into a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum GeohashError {
    /// The latitude is outside −90..=90 or the longitude outside −180..=180
    /// (or either is not a number).
    OutOfRange {
        /// The latitude given.
        lat: f64,
        /// The longitude given.
        lon: f64,
    },
    /// The precision is 0 or more than [`MAX_PRECISION`] characters.
    BadPrecision(usize),
    /// A character of the hash is not in the alphabet.
    BadCharacter {
        /// The character's position, counted from 1.
        position: usize,
        /// The character.
        character: char,
    },
}

impl fmt::Display for GeohashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfRange { lat, lon } => write!(
                f,
                "({lat}, {lon}) is not a point on Earth: latitude must be in -90..=90, longitude in -180..=180"
            ),
            Self::BadPrecision(n) => {
                write!(f, "a geohash has 1 to {MAX_PRECISION} characters, not {n}")
            }
            Self::BadCharacter {
                position,
                character,
            } => write!(
                f,
                "geohash has {character:?} at position {position}, which is not in the geohash alphabet"
            ),
        }
    }
}

impl std::error::Error for GeohashError {}

/// A rectangle of latitudes and longitudes, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Southern edge.
    pub min_lat: f64,
    /// Northern edge.
    pub max_lat: f64,
    /// Western edge.
    pub min_lon: f64,
    /// Eastern edge.
    pub max_lon: f64,
}

/// A decoded geohash: the centre of its cell and how far from it the
/// original point can be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decoded {
    /// Latitude of the cell's centre.
    pub lat: f64,
    /// Longitude of the cell's centre.
    pub lon: f64,
    /// Half the cell's height: the largest latitude error.
    pub lat_error: f64,
    /// Half the cell's width: the largest longitude error.
    pub lon_error: f64,
}

/// The eight neighbours of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// North.
    North,
    /// North-east.
    NorthEast,
    /// East.
    East,
    /// South-east.
    SouthEast,
    /// South.
    South,
    /// South-west.
    SouthWest,
    /// West.
    West,
    /// North-west.
    NorthWest,
}

impl Direction {
    /// All eight, clockwise from north.
    pub const ALL: [Self; 8] = [
        Self::North,
        Self::NorthEast,
        Self::East,
        Self::SouthEast,
        Self::South,
        Self::SouthWest,
        Self::West,
        Self::NorthWest,
    ];

    /// The step in columns (east positive) and rows (north positive).
    #[must_use]
    pub fn offset(self) -> (i64, i64) {
        match self {
            Self::North => (0, 1),
            Self::NorthEast => (1, 1),
            Self::East => (1, 0),
            Self::SouthEast => (1, -1),
            Self::South => (0, -1),
            Self::SouthWest => (-1, -1),
            Self::West => (-1, 0),
            Self::NorthWest => (-1, 1),
        }
    }
}

// ANCHOR: cell
// ANCHOR: solution
/// One geohash cell as grid coordinates: column `x` counts from the
/// antimeridian eastwards, row `y` from the south pole northwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    precision: usize,
    x: u64,
    y: u64,
}

impl Cell {
    /// The cell of `precision` characters that contains the point.
    ///
    /// # Errors
    ///
    /// [`GeohashError::OutOfRange`] for a point not on Earth,
    /// [`GeohashError::BadPrecision`] outside 1..=12.
    pub fn containing(lat: f64, lon: f64, precision: usize) -> Result<Self, GeohashError> {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(GeohashError::OutOfRange { lat, lon });
        }
        check_precision(precision)?;
        let (lon_bits, lat_bits) = bits(precision);
        Ok(Self {
            precision,
            x: bisect(lon, -180.0, 180.0, lon_bits),
            y: bisect(lat, -90.0, 90.0, lat_bits),
        })
    }

    /// The neighbour in `direction`. Columns wrap around at the
    /// antimeridian; there is nothing north of the top row or south of the
    /// bottom one (the poles), so that is `None`.
    #[must_use]
    pub fn neighbour(self, direction: Direction) -> Option<Self> {
        let (dx, dy) = direction.offset();
        self.offset(dx, dy)
    }

    /// The cell `dx` columns east and `dy` rows north, wrapping columns.
    #[must_use]
    pub fn offset(self, dx: i64, dy: i64) -> Option<Self> {
        let y = self.y as i64 + dy;
        if y < 0 || y >= self.rows() as i64 {
            return None;
        }
        let columns = self.columns() as i64;
        let x = (self.x as i64 + dx).rem_euclid(columns);
        Some(Self {
            x: x as u64,
            y: y as u64,
            ..self
        })
    }
    // ANCHOR_END: solution
    // ANCHOR_END: cell

    /// The cell a hash names.
    ///
    /// # Errors
    ///
    /// [`GeohashError::BadPrecision`] for an empty or too long hash,
    /// [`GeohashError::BadCharacter`] for a character outside the alphabet.
    pub fn parse(hash: &str) -> Result<Self, GeohashError> {
        let precision = hash.chars().count();
        check_precision(precision)?;
        let mut bits = 0u64;
        for (i, character) in hash.chars().enumerate() {
            let value = ALPHABET
                .iter()
                .position(|&b| char::from(b) == character.to_ascii_lowercase())
                .ok_or(GeohashError::BadCharacter {
                    position: i + 1,
                    character,
                })?;
            bits = (bits << 5) | value as u64;
        }
        let (x, y) = deinterleave(bits, precision);
        Ok(Self { precision, x, y })
    }

    /// The geohash string of this cell.
    #[must_use]
    pub fn hash(self) -> String {
        let bits = interleave(self.x, self.y, self.precision);
        (0..self.precision)
            .map(|i| {
                let shift = 5 * (self.precision - 1 - i);
                char::from(ALPHABET[((bits >> shift) & 31) as usize])
            })
            .collect()
    }

    /// The rectangle this cell covers.
    #[must_use]
    pub fn bounds(self) -> Bounds {
        let width = 360.0 / self.columns() as f64;
        let height = 180.0 / self.rows() as f64;
        Bounds {
            min_lat: -90.0 + self.y as f64 * height,
            max_lat: -90.0 + (self.y + 1) as f64 * height,
            min_lon: -180.0 + self.x as f64 * width,
            max_lon: -180.0 + (self.x + 1) as f64 * width,
        }
    }

    /// The number of characters.
    #[must_use]
    pub fn precision(self) -> usize {
        self.precision
    }

    /// The column, counted from the antimeridian eastwards.
    #[must_use]
    pub fn x(self) -> u64 {
        self.x
    }

    /// The row, counted from the south pole northwards.
    #[must_use]
    pub fn y(self) -> u64 {
        self.y
    }

    /// How many columns the grid of this precision has.
    #[must_use]
    pub fn columns(self) -> u64 {
        1 << bits(self.precision).0
    }

    /// How many rows the grid of this precision has.
    #[must_use]
    pub fn rows(self) -> u64 {
        1 << bits(self.precision).1
    }
}

// ANCHOR: encode
// ANCHOR: solution
/// The geohash of `precision` characters of the point (degrees).
///
/// # Errors
///
/// See [`Cell::containing`].
pub fn encode(lat: f64, lon: f64, precision: usize) -> Result<String, GeohashError> {
    Cell::containing(lat, lon, precision).map(Cell::hash)
}

/// The centre of the cell `hash` names, with the cell's half-sizes.
///
/// # Errors
///
/// See [`Cell::parse`].
pub fn decode(hash: &str) -> Result<Decoded, GeohashError> {
    let b = Cell::parse(hash)?.bounds();
    Ok(Decoded {
        lat: (b.min_lat + b.max_lat) / 2.0,
        lon: (b.min_lon + b.max_lon) / 2.0,
        lat_error: (b.max_lat - b.min_lat) / 2.0,
        lon_error: (b.max_lon - b.min_lon) / 2.0,
    })
}

/// Which half of `lo..hi` the value is in, `bits` times over: the index of
/// its interval among `2^bits` equal ones. The upper edge belongs to the
/// last interval.
fn bisect(value: f64, mut lo: f64, mut hi: f64, bits: u32) -> u64 {
    let mut index = 0;
    for _ in 0..bits {
        let mid = (lo + hi) / 2.0;
        index <<= 1;
        if value >= mid {
            index |= 1;
            lo = mid;
        } else {
            hi = mid;
        }
    }
    index
}

/// Longitude bits and latitude bits of a hash of `precision` characters:
/// longitude takes the even bit positions, so it gets the odd one out.
fn bits(precision: usize) -> (u32, u32) {
    let total = 5 * precision as u32;
    (total.div_ceil(2), total / 2)
}

/// Shuffles column and row bits together: longitude first.
fn interleave(x: u64, y: u64, precision: usize) -> u64 {
    let (lon_bits, lat_bits) = bits(precision);
    let (mut lon_left, mut lat_left) = (lon_bits, lat_bits);
    let mut out = 0u64;
    for i in 0..lon_bits + lat_bits {
        let bit = if i % 2 == 0 {
            lon_left -= 1;
            (x >> lon_left) & 1
        } else {
            lat_left -= 1;
            (y >> lat_left) & 1
        };
        out = (out << 1) | bit;
    }
    out
}
// ANCHOR_END: solution
// ANCHOR_END: encode

/// The inverse of [`interleave`].
fn deinterleave(bits_in: u64, precision: usize) -> (u64, u64) {
    let total = 5 * precision as u32;
    let (mut x, mut y) = (0u64, 0u64);
    for i in 0..total {
        let bit = (bits_in >> (total - 1 - i)) & 1;
        if i % 2 == 0 {
            x = (x << 1) | bit;
        } else {
            y = (y << 1) | bit;
        }
    }
    (x, y)
}

fn check_precision(precision: usize) -> Result<(), GeohashError> {
    if (1..=MAX_PRECISION).contains(&precision) {
        Ok(())
    } else {
        Err(GeohashError::BadPrecision(precision))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The example of the original geohash announcement and Wikipedia's
    /// article: 57.64911, 10.40744 is `u4pruydqqvj`.
    #[test]
    fn published_vector_encodes_and_decodes() {
        assert_eq!(encode(57.64911, 10.40744, 11).unwrap(), "u4pruydqqvj");
        let d = decode("u4pruydqqvj").unwrap();
        assert!((d.lat - 57.64911).abs() <= d.lat_error);
        assert!((d.lon - 10.40744).abs() <= d.lon_error);
        // 11 characters = 27 latitude and 28 longitude bits.
        assert_eq!(d.lat_error, 90.0 / f64::from(1u32 << 27));
        assert_eq!(d.lon_error, 180.0 / f64::from(1u32 << 28));
        // Its prefixes are the cells that contain it.
        assert_eq!(encode(57.64911, 10.40744, 5).unwrap(), "u4pru");
    }

    /// More published vectors: Wikipedia's `ezs42` (42.6, −5.6) and the
    /// corner cells of the world.
    #[test]
    fn more_published_vectors() {
        let d = decode("ezs42").unwrap();
        // Wikipedia rounds the centre to 42.605, -5.603.
        assert!((d.lat - 42.605).abs() < 5e-4, "{}", d.lat);
        assert!((d.lon - -5.603).abs() < 5e-4, "{}", d.lon);
        assert_eq!(encode(42.6, -5.6, 5).unwrap(), "ezs42");
        assert_eq!(encode(-90.0, -180.0, 4).unwrap(), "0000");
        assert_eq!(encode(90.0, 180.0, 4).unwrap(), "zzzz");
        assert_eq!(encode(0.0, 0.0, 1).unwrap(), "s");
    }

    #[test]
    fn neighbours_wrap_at_the_antimeridian_and_stop_at_the_poles() {
        let west_edge = Cell::containing(0.5, -179.9, 2).unwrap();
        let across = west_edge.neighbour(Direction::West).unwrap();
        assert_eq!(across.x(), west_edge.columns() - 1);
        assert_eq!(across.bounds().max_lon, 180.0);
        let top = Cell::containing(89.9, 10.0, 3).unwrap();
        assert_eq!(top.neighbour(Direction::North), None);
        assert_eq!(top.neighbour(Direction::NorthEast), None);
        assert!(top.neighbour(Direction::South).is_some());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert_eq!(
            encode(91.0, 0.0, 5),
            Err(GeohashError::OutOfRange {
                lat: 91.0,
                lon: 0.0
            })
        );
        assert!(encode(f64::NAN, 0.0, 5).is_err());
        assert_eq!(encode(0.0, 0.0, 13), Err(GeohashError::BadPrecision(13)));
        assert_eq!(decode(""), Err(GeohashError::BadPrecision(0)));
        assert_eq!(
            decode("u4pi"),
            Err(GeohashError::BadCharacter {
                position: 4,
                character: 'i'
            })
        );
        // Upper case is accepted, as in most libraries.
        assert_eq!(Cell::parse("U4PRU").unwrap().hash(), "u4pru");
    }

    fn direction_of(d: Direction) -> geohash::Direction {
        match d {
            Direction::North => geohash::Direction::N,
            Direction::NorthEast => geohash::Direction::NE,
            Direction::East => geohash::Direction::E,
            Direction::SouthEast => geohash::Direction::SE,
            Direction::South => geohash::Direction::S,
            Direction::SouthWest => geohash::Direction::SW,
            Direction::West => geohash::Direction::W,
            Direction::NorthWest => geohash::Direction::NW,
        }
    }

    proptest! {
        /// Differential test against the `geohash` crate: the same hash for
        /// every point and precision, and the same decoded centre and errors.
        #[test]
        fn encode_and_decode_agree_with_the_geohash_crate(
            lat in -90.0f64..90.0,
            lon in -180.0f64..180.0,
            precision in 1usize..=12,
        ) {
            let ours = encode(lat, lon, precision).unwrap();
            let theirs = geohash::encode(geohash::Coord { x: lon, y: lat }, precision).unwrap();
            prop_assert_eq!(&ours, &theirs);
            let d = decode(&ours).unwrap();
            let (centre, lon_error, lat_error) = geohash::decode(&theirs).unwrap();
            prop_assert!((d.lat - centre.y).abs() < 1e-9 && (d.lon - centre.x).abs() < 1e-9);
            prop_assert!((d.lat_error - lat_error).abs() < 1e-12);
            prop_assert!((d.lon_error - lon_error).abs() < 1e-12);
            prop_assert!((d.lat - lat).abs() <= d.lat_error && (d.lon - lon).abs() <= d.lon_error);
        }

        /// Differential test of the neighbours against the `geohash` crate,
        /// away from the poles (where the crate and we disagree on purpose:
        /// it has no answer north of the top row either, but reports it
        /// differently).
        #[test]
        fn neighbours_agree_with_the_geohash_crate(
            lat in -80.0f64..80.0,
            lon in -180.0f64..180.0,
            precision in 1usize..=10,
            direction in 0usize..8,
        ) {
            let cell = Cell::containing(lat, lon, precision).unwrap();
            let direction = Direction::ALL[direction];
            if let Some(ours) = cell.neighbour(direction) {
                let theirs = geohash::neighbor(&cell.hash(), direction_of(direction)).unwrap();
                prop_assert_eq!(ours.hash(), theirs);
            }
        }

        /// Parsing a hash and printing it again gives the same hash, and a
        /// longer hash's cell lies inside its prefix's cell.
        #[test]
        fn hashes_round_trip_and_prefixes_contain(
            lat in -90.0f64..=90.0,
            lon in -180.0f64..=180.0,
        ) {
            let long = encode(lat, lon, 12).unwrap();
            prop_assert_eq!(Cell::parse(&long).unwrap().hash(), long.clone());
            for n in 1..12 {
                let outer = Cell::parse(&long[..n]).unwrap().bounds();
                let inner = Cell::parse(&long[..=n]).unwrap().bounds();
                prop_assert!(outer.min_lat <= inner.min_lat && inner.max_lat <= outer.max_lat);
                prop_assert!(outer.min_lon <= inner.min_lon && inner.max_lon <= outer.max_lon);
                prop_assert_eq!(encode(lat, lon, n).unwrap(), &long[..n]);
            }
        }
    }
}

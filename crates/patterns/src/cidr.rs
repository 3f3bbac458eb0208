//! CIDR blocks and allow/deny lists for IPv4 and IPv6: which networks may
//! reach the Go Coffee admin API, and which are shut out everywhere.
//!
//! A block `10.20.0.0/16` is an address and a prefix length; an address is
//! inside when its first 16 bits equal the block's. Both families are
//! compared as integers (`u32`, `u128`) under a mask.
//!
//! An [`AccessList`] holds allow and deny rules. The **most specific** rule
//! that matches decides (longest prefix, as routers do), a deny beats an allow
//! of the same length, and an address no rule matches gets the list's default.
//! So "allow the office `10.20.0.0/16`, but deny the guest Wi-Fi
//! `10.20.99.0/24` inside it" says what it means in either order.
//!
//! One trap: an IPv4 client can arrive as the IPv4-mapped IPv6 address
//! `::ffff:203.0.113.9` on a dual-stack socket. A deny list of IPv4 blocks
//! that compares families strictly would wave it through, so addresses are
//! canonicalised first.
//!
//! ```
//! use coffee_patterns::cidr::{AccessList, Cidr, Decision};
//!
//! let admin = AccessList::deny_by_default()
//!     .allow("10.20.0.0/16".parse().unwrap())
//!     .deny("10.20.99.0/24".parse().unwrap())
//!     .allow("2001:db8:c0ff:ee::/64".parse().unwrap());
//!
//! assert_eq!(admin.decide("10.20.1.7".parse().unwrap()), Decision::Allow);
//! assert_eq!(admin.decide("10.20.99.7".parse().unwrap()), Decision::Deny);
//! assert_eq!(admin.decide("2001:db8:c0ff:ee::42".parse().unwrap()), Decision::Allow);
//! assert_eq!(admin.decide("::ffff:10.20.99.7".parse().unwrap()), Decision::Deny);
//! assert_eq!(admin.decide("192.0.2.1".parse().unwrap()), Decision::Deny);
//!
//! assert!("10.20.1.0/16".parse::<Cidr>().is_err()); // host bits set: say 10.20.0.0/16
//! ```

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// An IPv4 or IPv6 network: address with its host bits zero, and prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// Why a CIDR block did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    /// Not an IP address before the `/`.
    BadAddress(String),
    /// A prefix that is not a number up to 32 (IPv4) or 128 (IPv6).
    BadPrefix(String),
    /// Bits set after the prefix; carries the block that was probably meant.
    HostBitsSet {
        /// The block with the host bits cleared.
        did_you_mean: String,
    },
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadAddress(a) => write!(f, "{a:?} is not an IP address"),
            Self::BadPrefix(p) => write!(f, "{p:?} is not a valid prefix length"),
            Self::HostBitsSet { did_you_mean } => {
                write!(f, "host bits are set; did you mean {did_you_mean}?")
            }
        }
    }
}

impl std::error::Error for CidrError {}

// ANCHOR: contains
// ANCHOR: solution
fn bits(addr: IpAddr) -> (u128, u8) {
    match addr {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    }
}

/// The mask of a `prefix`-bit network in a `width`-bit address.
fn mask(prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        (u128::MAX << (128 - u32::from(prefix))) >> (128 - u32::from(width))
    }
}
// ANCHOR_END: solution

impl Cidr {
    // ANCHOR: solution
    /// Whether `addr` is inside this block. IPv4-mapped IPv6 addresses
    /// count as the IPv4 address they carry.
    #[must_use]
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        if addr.is_ipv4() != self.network.is_ipv4() {
            return false;
        }
        let (a, width) = bits(addr);
        let (n, _) = bits(self.network);
        a & mask(self.prefix, width) == n
    }
    // ANCHOR_END: solution
    // ANCHOR_END: contains

    /// The prefix length.
    #[must_use]
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// The network address.
    #[must_use]
    pub fn network(&self) -> IpAddr {
        self.network
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    /// `a.b.c.d/n`, `x:y::/n`, or a bare address (a single-host block).
    fn from_str(s: &str) -> Result<Self, CidrError> {
        let (addr, prefix) = s.split_once('/').map_or((s, None), |(a, p)| (a, Some(p)));
        let network: IpAddr = addr
            .parse()
            .map_err(|_| CidrError::BadAddress(addr.to_owned()))?;
        let (value, width) = bits(network);
        let prefix = match prefix {
            None => width,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= width && !p.starts_with('+'))
                .ok_or_else(|| CidrError::BadPrefix(p.to_owned()))?,
        };
        let masked = value & mask(prefix, width);
        if masked != value {
            let meant = match network {
                IpAddr::V4(_) => IpAddr::from((masked as u32).to_be_bytes()),
                IpAddr::V6(_) => IpAddr::from(masked.to_be_bytes()),
            };
            return Err(CidrError::HostBitsSet {
                did_you_mean: format!("{meant}/{prefix}"),
            });
        }
        Ok(Self { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// What an access list says about an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Let it through.
    Allow,
    /// Refuse it.
    Deny,
}

/// Allow and deny rules; the most specific match decides.
#[derive(Debug, Clone)]
pub struct AccessList {
    rules: Vec<(Cidr, Decision)>,
    default: Decision,
}

// ANCHOR: decide
impl AccessList {
    /// A list that refuses whatever no rule allows (for admin endpoints).
    #[must_use]
    pub fn deny_by_default() -> Self {
        Self {
            rules: Vec::new(),
            default: Decision::Deny,
        }
    }

    /// A list that lets through whatever no rule denies (for public APIs).
    #[must_use]
    pub fn allow_by_default() -> Self {
        Self {
            rules: Vec::new(),
            default: Decision::Allow,
        }
    }

    /// Adds an allow rule.
    #[must_use]
    pub fn allow(mut self, block: Cidr) -> Self {
        self.rules.push((block, Decision::Allow));
        self
    }

    /// Adds a deny rule.
    #[must_use]
    pub fn deny(mut self, block: Cidr) -> Self {
        self.rules.push((block, Decision::Deny));
        self
    }

    // ANCHOR: solution
    /// The decision of the longest matching prefix; deny wins a tie.
    #[must_use]
    pub fn decide(&self, addr: IpAddr) -> Decision {
        self.rules
            .iter()
            .filter(|(block, _)| block.contains(addr))
            // Longest prefix first; at equal length Deny sorts after Allow,
            // so `max_by_key` picks it.
            .max_by_key(|(block, decision)| (block.prefix, *decision == Decision::Deny))
            .map_or(self.default, |&(_, decision)| decision)
    }
    // ANCHOR_END: solution
}
// ANCHOR_END: decide

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn cidr(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    #[test]
    fn edges_of_a_block() {
        let office = cidr("10.20.0.0/16");
        assert!(office.contains("10.20.0.0".parse().unwrap()));
        assert!(office.contains("10.20.255.255".parse().unwrap()));
        assert!(!office.contains("10.21.0.0".parse().unwrap()));
        assert!(!office.contains("10.19.255.255".parse().unwrap()));
        assert!(cidr("0.0.0.0/0").contains("255.255.255.255".parse().unwrap()));
        assert!(!cidr("0.0.0.0/0").contains("::1".parse().unwrap()));
        assert!(cidr("::/0").contains("::1".parse().unwrap()));
        assert!(cidr("2001:db8::/32").contains("2001:db8:ffff::1".parse().unwrap()));
        assert!(!cidr("2001:db8::/32").contains("2001:db9::".parse().unwrap()));
        assert_eq!(cidr("192.0.2.7"), cidr("192.0.2.7/32"));
    }

    #[test]
    fn parse_errors_say_what_was_meant() {
        assert_eq!(
            "10.20.1.0/16".parse::<Cidr>(),
            Err(CidrError::HostBitsSet {
                did_you_mean: "10.20.0.0/16".into()
            })
        );
        assert_eq!(
            "2001:db8::1/64".parse::<Cidr>(),
            Err(CidrError::HostBitsSet {
                did_you_mean: "2001:db8::/64".into()
            })
        );
        assert_eq!(
            "10.0.0.0/33".parse::<Cidr>(),
            Err(CidrError::BadPrefix("33".into()))
        );
        assert_eq!(
            "10.0.0.0/+8".parse::<Cidr>(),
            Err(CidrError::BadPrefix("+8".into()))
        );
        assert_eq!(
            "coffee/8".parse::<Cidr>(),
            Err(CidrError::BadAddress("coffee".into()))
        );
    }

    #[test]
    fn most_specific_rule_wins_in_any_order_and_deny_wins_ties() {
        let a = AccessList::deny_by_default()
            .deny(cidr("10.20.99.0/24"))
            .allow(cidr("10.20.0.0/16"));
        let b = AccessList::deny_by_default()
            .allow(cidr("10.20.0.0/16"))
            .deny(cidr("10.20.99.0/24"));
        for list in [a, b] {
            assert_eq!(list.decide("10.20.99.1".parse().unwrap()), Decision::Deny);
            assert_eq!(list.decide("10.20.98.1".parse().unwrap()), Decision::Allow);
        }
        let tie = AccessList::allow_by_default()
            .allow(cidr("198.51.100.0/24"))
            .deny(cidr("198.51.100.0/24"));
        assert_eq!(tie.decide("198.51.100.5".parse().unwrap()), Decision::Deny);
        assert_eq!(tie.decide("198.51.101.5".parse().unwrap()), Decision::Allow);
    }

    #[test]
    fn ipv4_mapped_addresses_do_not_slip_past_an_ipv4_deny() {
        let list = AccessList::allow_by_default().deny(cidr("203.0.113.0/24"));
        assert_eq!(
            list.decide("::ffff:203.0.113.9".parse().unwrap()),
            Decision::Deny
        );
        assert_eq!(list.decide("203.0.113.9".parse().unwrap()), Decision::Deny);
        // The mapped form is a different address family to `ipnet`, which
        // is why the differential tests below stay off ::ffff:0:0/96.
        let net: ipnet::IpNet = "203.0.113.0/24".parse().unwrap();
        assert!(!net.contains(&"::ffff:203.0.113.9".parse::<IpAddr>().unwrap()));
    }

    fn v4_or_v6() -> impl Strategy<Value = (IpAddr, u8)> {
        prop_oneof![
            (any::<u32>(), 0u8..=32).prop_map(|(a, p)| (IpAddr::V4(Ipv4Addr::from(a)), p)),
            (any::<u128>(), 0u8..=128)
                .prop_filter("not IPv4-mapped", |(a, _)| (a >> 32) != 0xffff)
                .prop_map(|(a, p)| (IpAddr::V6(Ipv6Addr::from(a)), p)),
        ]
    }

    proptest! {
        /// Differential against the `ipnet` crate: the same membership for
        /// random blocks and for addresses near and far from them.
        #[test]
        fn contains_agrees_with_ipnet(
            (addr, prefix) in v4_or_v6(),
            flip_bit in 0u32..128,
            other in v4_or_v6(),
        ) {
            let net = ipnet::IpNet::new(addr, prefix).unwrap().trunc();
            let ours: Cidr = net.to_string().parse().unwrap();
            prop_assert_eq!(ours.to_string(), net.to_string());
            // An address one bit away from the network: inside exactly
            // when the bit is a host bit.
            let (value, width) = bits(net.network());
            let near_value = value ^ (1u128 << (flip_bit % u32::from(width)));
            let near = match addr {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(near_value as u32)),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(near_value)),
            };
            for candidate in [addr, near, other.0] {
                if candidate.is_ipv6() && candidate.to_canonical().is_ipv4() {
                    continue;
                }
                prop_assert_eq!(ours.contains(candidate), net.contains(&candidate), "{} in {}", candidate, net);
            }
        }

        /// Longest-prefix decisions agree with a model that checks the
        /// rules with `ipnet`, from the most specific down.
        #[test]
        fn decisions_agree_with_an_ipnet_model(
            rules in proptest::collection::vec((any::<u32>(), 0u8..=32, any::<bool>()), 0..6),
            addr in any::<u32>(),
        ) {
            let mut list = AccessList::deny_by_default();
            let mut model: Vec<(ipnet::Ipv4Net, bool)> = Vec::new();
            for (a, p, deny) in rules {
                let net = ipnet::Ipv4Net::new(Ipv4Addr::from(a), p).unwrap().trunc();
                let block: Cidr = net.to_string().parse().unwrap();
                list = if deny { list.deny(block) } else { list.allow(block) };
                model.push((net, deny));
            }
            let addr = Ipv4Addr::from(addr);
            let expected = model
                .iter()
                .filter(|(net, _)| net.contains(&addr))
                .max_by_key(|(net, deny)| (net.prefix_len(), *deny))
                .map_or(Decision::Deny, |(_, deny)| if *deny { Decision::Deny } else { Decision::Allow });
            prop_assert_eq!(list.decide(IpAddr::V4(addr)), expected);
        }
    }
}

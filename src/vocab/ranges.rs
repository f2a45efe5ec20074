//! A prefix index over address ranges: which indexed ranges contain a given
//! address or range, found by probing one hash map per prefix length in use rather
//! than by comparing against every range.

use crate::hash::FastMap;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Ranges with a value each.
#[derive(Debug, Clone)]
pub struct PrefixIndex<T> {
    v4: FastMap<(u8, u32), Vec<T>>,
    v6: FastMap<(u8, u128), Vec<T>>,
    v4_lens: Vec<u8>,
    v6_lens: Vec<u8>,
}

impl<T> Default for PrefixIndex<T> {
    fn default() -> Self {
        PrefixIndex { v4: FastMap::default(), v6: FastMap::default(), v4_lens: Vec::new(), v6_lens: Vec::new() }
    }
}

impl<T> PrefixIndex<T> {
    /// Adds a range (host bits are ignored).
    pub fn insert(&mut self, net: IpNet, value: T) {
        match net.trunc() {
            IpNet::V4(n) => {
                self.v4.entry((n.prefix_len(), u32::from(n.network()))).or_default().push(value);
                insert_len(&mut self.v4_lens, n.prefix_len());
            }
            IpNet::V6(n) => {
                self.v6.entry((n.prefix_len(), u128::from(n.network()))).or_default().push(value);
                insert_len(&mut self.v6_lens, n.prefix_len());
            }
        }
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// Indexed ranges that contain `net` (equal or wider), longest prefix first.
    pub fn containing(&self, net: IpNet) -> Vec<(IpNet, &T)> {
        let mut out = Vec::new();
        match net {
            IpNet::V4(n) => {
                let addr = u32::from(n.network());
                for &len in self.v4_lens.iter().filter(|&&l| l <= n.prefix_len()) {
                    let masked = if len == 0 { 0 } else { addr & (u32::MAX << (32 - u32::from(len))) };
                    if let Some(values) = self.v4.get(&(len, masked)) {
                        let found = IpNet::V4(Ipv4Net::new(masked.into(), len).unwrap_or_default());
                        out.extend(values.iter().map(|v| (found, v)));
                    }
                }
            }
            IpNet::V6(n) => {
                let addr = u128::from(n.network());
                for &len in self.v6_lens.iter().filter(|&&l| l <= n.prefix_len()) {
                    let masked = if len == 0 { 0 } else { addr & (u128::MAX << (128 - u32::from(len))) };
                    if let Some(values) = self.v6.get(&(len, masked)) {
                        let found = IpNet::V6(Ipv6Net::new(masked.into(), len).unwrap_or_default());
                        out.extend(values.iter().map(|v| (found, v)));
                    }
                }
            }
        }
        out
    }
}

/// Keeps prefix lengths sorted longest first.
fn insert_len(lens: &mut Vec<u8>, len: u8) {
    if let Err(at) = lens.binary_search_by(|l| len.cmp(l)) {
        lens.insert(at, len);
    }
}

/// Parses `10.0.0.0/16` or a bare address (as a /32 or /128).
pub fn parse_range(s: &str) -> Option<IpNet> {
    s.parse::<IpNet>().ok().or_else(|| s.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_containing_ranges_longest_first() {
        let mut idx = PrefixIndex::default();
        idx.insert("10.0.0.0/8".parse().unwrap(), "a");
        idx.insert("10.20.0.0/16".parse().unwrap(), "b");
        idx.insert("0.0.0.0/0".parse().unwrap(), "any");
        idx.insert("2001:db8::/32".parse().unwrap(), "v6");
        let hits = |s: &str| idx.containing(parse_range(s).unwrap()).into_iter().map(|(_, v)| *v).collect::<Vec<_>>();
        assert_eq!(hits("10.20.3.0/24"), ["b", "a", "any"]);
        assert_eq!(hits("10.30.0.1"), ["a", "any"]);
        assert_eq!(hits("10.0.0.0/7"), ["any"]);
        assert_eq!(hits("2001:db8:1::/48"), ["v6"]);
        assert_eq!(hits("192.168.0.0/16"), ["any"]);
    }
}

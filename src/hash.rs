//! The hasher of the hot maps of one run (identities, addresses, names):
//! [foldhash]'s fast hasher, with a fixed seed so that a run is reproducible.
//!
//! It is not resistant to crafted collisions, which matters little for maps built
//! from the inputs of one local run, and it is several times faster than SipHash on
//! the short keys envwall hashes millions of times. It replaced a hand-written Fx
//! hasher whose weak mixing made a map of 300,000 locals (`l1`, `l2`, ...) probe
//! long chains; figures in ARCHITECTURE.md.

use std::collections::{HashMap, HashSet};

/// The hasher's builder: foldhash with its fixed seed.
pub type Hasher = foldhash::fast::FixedState;

/// A `HashMap` with the fast hasher.
pub type FastMap<K, V> = HashMap<K, V, Hasher>;

/// A `HashSet` with the fast hasher.
pub type FastSet<K> = HashSet<K, Hasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_equal_and_maps_work() {
        use std::hash::BuildHasher;
        let mut m: FastMap<String, usize> = FastMap::default();
        for i in 0..1000 {
            m.insert(format!("sg-{i:017x}"), i);
        }
        assert_eq!(m.len(), 1000);
        assert_eq!(m["sg-00000000000000007"], 7);
        let text = "orders-db.staging.example.com";
        assert_eq!(Hasher::default().hash_one(text), Hasher::default().hash_one(text));
    }
}

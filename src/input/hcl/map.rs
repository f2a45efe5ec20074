//! [`Map`]: the evaluator's object and map values, a vector of entries sorted by
//! key, shared between copies.
//!
//! Terraform iterates maps in key order, which is why the evaluator wants a sorted
//! map; but most of its maps are small (a resource's arguments, a block, a set of
//! tags) and a `BTreeMap` allocates a whole node, over 600 bytes for these entry
//! types, for even one entry. A sorted vector holds them in what they need, and
//! maps are mostly built in key order (from another map, or from a sorted body),
//! where each insert is a push.
//!
//! A copy of a map shares its entries until one of them is changed: `tags =
//! local.tags` in every resource of a module, or a module's output read by each of
//! its callers, is one vector however many hold it.

use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;

use super::value::EvalValue;
use smol_str::SmolStr;

/// A map from strings to values, iterated in key order.
#[derive(Clone, Default)]
pub struct Map {
    /// `None` when empty: an empty map allocates nothing.
    entries: Option<Arc<Vec<(SmolStr, EvalValue)>>>,
}

/// Iterates a [`Map`]'s entries by reference, in key order.
pub type Iter<'a> = std::iter::Map<
    std::slice::Iter<'a, (SmolStr, EvalValue)>,
    fn(&'a (SmolStr, EvalValue)) -> (&'a SmolStr, &'a EvalValue),
>;

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Map {
        Map { entries: (n > 0).then(|| Arc::new(Vec::with_capacity(n))) }
    }

    fn slice(&self) -> &[(SmolStr, EvalValue)] {
        self.entries.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The entries to change, copied first if another map shares them.
    fn entries_mut(&mut self) -> &mut Vec<(SmolStr, EvalValue)> {
        Arc::make_mut(self.entries.get_or_insert_with(Arc::default))
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        SmolStr: Borrow<Q>,
    {
        self.slice().binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: impl Into<SmolStr>, value: EvalValue) -> Option<EvalValue> {
        let key = key.into();
        // Entries mostly come in key order: then this is a push.
        if self.slice().last().is_none_or(|(last, _)| *last < key) {
            self.entries_mut().push((key, value));
            return None;
        }
        match self.find(key.as_str()) {
            Ok(i) => Some(std::mem::replace(&mut self.entries_mut()[i].1, value)),
            Err(i) => {
                self.entries_mut().insert(i, (key, value));
                None
            }
        }
    }

    /// The value under `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&EvalValue>
    where
        SmolStr: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.slice()[i].1)
    }

    /// Takes the value under `key` out.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<EvalValue>
    where
        SmolStr: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries_mut().remove(i).1)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.slice().len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.slice().is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_> {
        self.slice().iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &SmolStr> + ExactSizeIterator {
        self.slice().iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &EvalValue> + ExactSizeIterator {
        self.slice().iter().map(|(_, v)| v)
    }
}

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.slice() == other.slice()
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<SmolStr>> FromIterator<(K, EvalValue)> for Map {
    /// Like a `BTreeMap`, a key given twice keeps its last value.
    fn from_iter<I: IntoIterator<Item = (K, EvalValue)>>(iter: I) -> Map {
        let mut entries: Vec<(SmolStr, EvalValue)> = iter.into_iter().map(|(k, v)| (k.into(), v)).collect();
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: of equal keys, the last given stays last, and is kept.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut kept: Vec<(SmolStr, EvalValue)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match kept.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => kept.push(entry),
                }
            }
            entries = kept;
        }
        Map { entries: (!entries.is_empty()).then(|| Arc::new(entries)) }
    }
}

impl<K: Into<SmolStr>, const N: usize> From<[(K, EvalValue); N]> for Map {
    fn from(entries: [(K, EvalValue); N]) -> Map {
        entries.into_iter().collect()
    }
}

impl<K: Into<SmolStr>> Extend<(K, EvalValue)> for Map {
    fn extend<I: IntoIterator<Item = (K, EvalValue)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Map {
    type Item = (SmolStr, EvalValue);
    type IntoIter = std::vec::IntoIter<(SmolStr, EvalValue)>;
    /// The entries, moved out when this map was their only holder, else copied.
    fn into_iter(self) -> Self::IntoIter {
        let entries =
            self.entries.map_or_else(Vec::new, |e| Arc::try_unwrap(e).unwrap_or_else(|shared| (*shared).clone()));
        entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a SmolStr, &'a EvalValue);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An operation on a map: insert a key (and a number), or remove a key.
    #[derive(Debug, Clone)]
    enum Op {
        Insert(SmolStr, u8),
        Remove(SmolStr),
    }

    fn op() -> impl Strategy<Value = Op> {
        let key =
            prop::sample::select(vec!["a", "b", "c", "d", "id", "name", "tags", "z"]).prop_map(SmolStr::new_static);
        prop_oneof![(key.clone(), any::<u8>()).prop_map(|(k, n)| Op::Insert(k, n)), key.prop_map(Op::Remove),]
    }

    proptest! {
        /// Any sequence of inserts and removes leaves the same entries, in the same
        /// order, as a `BTreeMap`, and each returns what the `BTreeMap`'s returns.
        #[test]
        fn behaves_like_a_btree_map(ops in proptest::collection::vec(op(), 0..40)) {
            let mut map = Map::new();
            let mut model = std::collections::BTreeMap::new();
            // A copy taken halfway keeps what it had, whatever the original does after.
            let mut copies = None;
            for (n, op) in ops.iter().cloned().enumerate() {
                if n == ops.len() / 2 {
                    copies = Some((map.clone(), model.clone()));
                }
                match op {
                    Op::Insert(k, n) => {
                        let v = EvalValue::int(i64::from(n));
                        prop_assert_eq!(map.insert(k.clone(), v.clone()), model.insert(k, v));
                    }
                    Op::Remove(k) => prop_assert_eq!(map.remove(k.as_str()), model.remove(&k)),
                }
            }
            let entries: Vec<(&SmolStr, &EvalValue)> = map.iter().collect();
            prop_assert_eq!(entries, model.iter().collect::<Vec<_>>());
            let collected: Map = model.clone().into_iter().rev().collect();
            prop_assert_eq!(&collected, &map);
            if let Some((copy, copy_model)) = copies {
                prop_assert_eq!(copy.iter().collect::<Vec<_>>(), copy_model.iter().collect::<Vec<_>>());
                // Taking the entries of a shared map copies them; of its only holder, moves them.
                let shared = map.clone();
                prop_assert_eq!(shared.into_iter().collect::<Vec<_>>(), model.clone().into_iter().collect::<Vec<_>>());
                prop_assert_eq!(map.into_iter().collect::<Vec<_>>(), model.into_iter().collect::<Vec<_>>());
            }
        }
    }

    fn s(x: &str) -> EvalValue {
        EvalValue::str(x)
    }

    #[test]
    fn inserts_in_any_order_iterate_sorted_and_replace() {
        let mut m = Map::new();
        assert_eq!(m.insert("b", s("1")), None);
        assert_eq!(m.insert("a", s("2")), None);
        assert_eq!(m.insert("c", s("3")), None);
        assert_eq!(m.insert("a", s("4")), Some(s("2")));
        let keys: Vec<&str> = m.keys().map(SmolStr::as_str).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(m.get("a"), Some(&s("4")));
        assert_eq!(m.remove("b"), Some(s("1")));
        assert_eq!(m.get("b"), None);
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn an_emptied_map_equals_a_new_one() {
        let mut m = Map::with_capacity(3);
        assert_eq!(m, Map::new());
        m.insert("a", s("1"));
        assert_ne!(m, Map::new());
        m.remove("a");
        assert_eq!(m, Map::new());
        assert!(m.is_empty());
        assert_eq!(Map::from_iter(Vec::<(SmolStr, EvalValue)>::new()), Map::new());
    }

    #[test]
    fn collecting_keeps_the_last_of_a_repeated_key() {
        let m: Map = vec![("b", s("1")), ("a", s("2")), ("b", s("3"))].into_iter().collect();
        let entries: Vec<(&str, &EvalValue)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
        assert_eq!(entries, [("a", &s("2")), ("b", &s("3"))]);
    }
}

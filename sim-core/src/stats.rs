//! The statistics tree: gem5-like dotted names (`hart0.l1d.misses.user`)
//! mapped to integer counters, dumped as nested JSON.

use std::collections::BTreeMap;

/// A flat, ordered map of dotted counter names to values. Ordered so that
/// dumps are bit-identical across runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    counters: BTreeMap<String, u64>,
}

impl Stats {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`, replacing any earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: u64) {
        self.counters.insert(name.into(), value);
    }

    /// Adds `delta` to `name` (starting from 0).
    pub fn add(&mut self, name: impl Into<String>, delta: u64) {
        *self.counters.entry(name.into()).or_insert(0) += delta;
    }

    /// Whether the tree has no counter.
    pub fn is_empty(&self) -> bool {
        self.counters.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<u64> {
        self.counters.get(name).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.counters.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// Copies every counter of `other` under `prefix.` into this tree.
    pub fn merge_prefixed(&mut self, prefix: &str, other: &Stats) {
        for (k, v) in other.iter() {
            self.set(format!("{prefix}.{k}"), v);
        }
    }

    /// Nested JSON object: `a.b.c = 1` becomes `{"a":{"b":{"c":1}}}`. A name
    /// that is both a leaf and a prefix keeps its value under the key `"_"`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Map, Value};
        let mut root = Map::new();
        for (name, value) in &self.counters {
            let parts: Vec<&str> = name.split('.').collect();
            let mut node = &mut root;
            for part in &parts[..parts.len() - 1] {
                let entry = node
                    .entry(part.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    let leaf = entry.take();
                    let mut m = Map::new();
                    m.insert("_".into(), leaf);
                    *entry = Value::Object(m);
                }
                node = entry.as_object_mut().expect("made an object above");
            }
            let last = parts[parts.len() - 1].to_string();
            match node.get_mut(&last) {
                Some(Value::Object(m)) => {
                    m.insert("_".into(), Value::from(*value));
                }
                _ => {
                    node.insert(last, Value::from(*value));
                }
            }
        }
        Value::Object(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_json_and_ordering() {
        let mut s = Stats::new();
        s.add("hart0.l1d.misses.user", 3);
        s.add("hart0.l1d.misses.user", 2);
        s.set("hart0.instret", 10);
        s.set("hart0", 1);
        let j = s.to_json();
        assert_eq!(j["hart0"]["l1d"]["misses"]["user"], 5);
        assert_eq!(j["hart0"]["instret"], 10);
        assert_eq!(j["hart0"]["_"], 1);
        let names: Vec<_> = s.iter().map(|(k, _)| k.to_string()).collect();
        assert_eq!(names, ["hart0", "hart0.instret", "hart0.l1d.misses.user"]);
    }
}

//! A sweep: the product of values for each knob, from CLI lists or a TOML
//! file, expanded into points in one fixed order (so a shard, a resume
//! and a merge all agree on what the grid is).

use crate::record::PointConfig;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The values swept per knob. Every list must be non-empty.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    pub workloads: Vec<String>,
    pub designs: Vec<String>,
    pub concurrency: Vec<u64>,
    pub rounds: Vec<u64>,
    #[serde(default = "one_hart")]
    pub harts: Vec<u32>,
    #[serde(default = "functional")]
    pub presets: Vec<String>,
    /// Override sets; each is one `--set` combination (default: none).
    #[serde(default = "no_overrides")]
    pub sets: Vec<BTreeMap<String, String>>,
    #[serde(default = "seed_zero")]
    pub seeds: Vec<u64>,
}

fn one_hart() -> Vec<u32> {
    vec![1]
}
fn functional() -> Vec<String> {
    vec!["functional".into()]
}
fn no_overrides() -> Vec<BTreeMap<String, String>> {
    vec![BTreeMap::new()]
}
fn seed_zero() -> Vec<u64> {
    vec![0]
}

/// Why a sweep definition is unusable.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError(pub String);

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SpecError {}

impl SweepSpec {
    /// Parses and checks a sweep file.
    pub fn from_toml(text: &str) -> Result<SweepSpec, SpecError> {
        let spec: SweepSpec = toml::from_str(text).map_err(|e| SpecError(e.to_string()))?;
        spec.validate()?;
        Ok(spec)
    }

    /// Every list non-empty; concurrency, rounds and harts at least 1.
    pub fn validate(&self) -> Result<(), SpecError> {
        let lists = [
            ("workloads", self.workloads.len()),
            ("designs", self.designs.len()),
            ("concurrency", self.concurrency.len()),
            ("rounds", self.rounds.len()),
            ("harts", self.harts.len()),
            ("presets", self.presets.len()),
            ("sets", self.sets.len()),
            ("seeds", self.seeds.len()),
        ];
        if let Some((name, _)) = lists.iter().find(|(_, n)| *n == 0) {
            return Err(SpecError(format!("sweep: `{name}` is empty")));
        }
        if self.concurrency.contains(&0) || self.rounds.contains(&0) || self.harts.contains(&0) {
            return Err(SpecError(
                "sweep: concurrency, rounds and harts must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The points, in a fixed order: workload, preset, sets, harts, rounds,
    /// design, concurrency, seed (innermost). Duplicated values are
    /// dropped so that each point appears once.
    pub fn points(&self) -> Vec<PointConfig> {
        let mut points = Vec::new();
        for workload in dedup(&self.workloads) {
            for preset in dedup(&self.presets) {
                for overrides in dedup(&self.sets) {
                    for &harts in &dedup(&self.harts) {
                        for &rounds in &dedup(&self.rounds) {
                            for design in dedup(&self.designs) {
                                for &concurrency in &dedup(&self.concurrency) {
                                    for &seed in &dedup(&self.seeds) {
                                        points.push(PointConfig {
                                            workload: workload.clone(),
                                            design: design.clone(),
                                            concurrency,
                                            rounds,
                                            harts,
                                            preset: preset.clone(),
                                            overrides: overrides.clone(),
                                            seed,
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        points
    }
}

/// `values` without repeats, first occurrence kept.
fn dedup<T: Clone + PartialEq>(values: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// Slice `index` (1-based) of `count` of a grid: the points whose position
/// in [`SweepSpec::points`] is `index - 1` modulo `count`, so the slices are
/// disjoint, cover the grid, and are balanced across the inner knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole grid.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Parses `K/N` with 1 <= K <= N.
    pub fn parse(text: &str) -> Result<Shard, SpecError> {
        let bad = || SpecError(format!("shard {text:?}: expected K/N with 1 <= K <= N"));
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The points of this slice, in grid order.
    pub fn select(&self, points: Vec<PointConfig>) -> Vec<PointConfig> {
        points
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index - 1)
            .map(|(_, p)| p)
            .collect()
    }
}

/// Whether `values` (sorted, positive) grow geometrically (every ratio at
/// least 1.5), which is when plots use a log axis.
pub fn is_geometric(values: &[u64]) -> bool {
    values.len() >= 3
        && values[0] > 0
        && values.windows(2).all(|w| w[1] as f64 >= 1.5 * w[0] as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SweepSpec {
        SweepSpec::from_toml(
            r#"
            workloads = ["null"]
            designs = ["sync", "async-uintr"]
            concurrency = [1, 8, 64, 8]
            rounds = [10]
            seeds = [1, 2]
            "#,
        )
        .unwrap()
    }

    #[test]
    fn the_grid_is_the_product_in_a_fixed_order() {
        let points = spec().points();
        // The repeated 8 is dropped: 2 designs x 3 concurrencies x 2 seeds.
        assert_eq!(points.len(), 12);
        assert_eq!(points[0].design, "sync");
        assert_eq!((points[0].concurrency, points[0].seed), (1, 1));
        assert_eq!((points[1].concurrency, points[1].seed), (1, 2));
        assert_eq!(points[6].design, "async-uintr");
        assert_eq!(points[11].concurrency, 64);
        assert!(points
            .iter()
            .all(|p| p.harts == 1 && p.preset == "functional"));
        let keys: std::collections::BTreeSet<_> = points.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), points.len());
    }

    #[test]
    fn shards_are_disjoint_and_cover_the_grid() {
        let points = spec().points();
        for count in 1..=5 {
            let mut seen = Vec::new();
            for index in 1..=count {
                let shard = Shard::parse(&format!("{index}/{count}")).unwrap();
                seen.extend(shard.select(points.clone()));
            }
            seen.sort();
            let mut all = points.clone();
            all.sort();
            assert_eq!(seen, all, "count {count}");
        }
    }

    #[test]
    fn bad_shards_and_specs_are_errors() {
        for bad in ["0/2", "3/2", "1", "a/b", "1/0", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert!(SweepSpec::from_toml("designs = []").is_err());
        let err =
            SweepSpec::from_toml("workloads=['a']\ndesigns=['b']\nconcurrency=[]\nrounds=[1]")
                .unwrap_err();
        assert!(err.0.contains("concurrency"), "{err}");
        let err = SweepSpec::from_toml(
            "workloads=['a']\ndesigns=['b']\nconcurrency=[1]\nrounds=[1]\ncolour='x'",
        )
        .unwrap_err();
        assert!(err.0.contains("colour"), "{err}");
        assert!(SweepSpec::from_toml(
            "workloads=['a']\ndesigns=['b']\nconcurrency=[0]\nrounds=[1]"
        )
        .is_err());
    }

    #[test]
    fn geometric_detection() {
        assert!(is_geometric(&[1, 2, 4, 8, 16, 32, 64]));
        assert!(is_geometric(&[1, 8, 64]));
        assert!(!is_geometric(&[1, 2, 3, 4]));
        assert!(!is_geometric(&[1, 2]));
    }
}

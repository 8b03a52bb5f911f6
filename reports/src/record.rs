//! One point of a sweep and its result, as stored one JSON object per line
//! in `results.jsonl`. A point's configuration is everything that decides
//! its result (the simulator is deterministic), so its [`PointConfig::key`]
//! identifies the result: a re-run skips keys already present, and merge
//! and check match points by key.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Everything that determines a point's result.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointConfig {
    pub workload: String,
    pub design: String,
    /// Submitting coroutines per process.
    pub concurrency: u64,
    pub rounds: u64,
    pub harts: u32,
    /// Timing preset (`functional` = no timing model).
    pub preset: String,
    /// `--set key=value` overrides of the preset.
    #[serde(default)]
    pub overrides: BTreeMap<String, String>,
    pub seed: u64,
}

impl PointConfig {
    /// A canonical one-line identity: equal configurations, equal keys.
    pub fn key(&self) -> String {
        let mut key = format!(
            "workload={} design={} concurrency={} rounds={} harts={} preset={} seed={}",
            self.workload,
            self.design,
            self.concurrency,
            self.rounds,
            self.harts,
            self.preset,
            self.seed
        );
        for (k, v) in &self.overrides {
            let _ = write!(key, " set:{k}={v}");
        }
        key
    }

    /// The `asyncsim run` command that runs this point alone and gives its
    /// record's metrics (add `--json` for the model's counters too).
    pub fn rerun_command(&self) -> String {
        let mut cmd = format!(
            "asyncsim run --workload {} --design {} --concurrency {} --rounds {} --harts {} --preset {} --seed {}",
            shell_word(&self.workload),
            shell_word(&self.design),
            self.concurrency,
            self.rounds,
            self.harts,
            shell_word(&self.preset),
            self.seed
        );
        for (k, v) in &self.overrides {
            let _ = write!(cmd, " --set {}", shell_word(&format!("{k}={v}")));
        }
        cmd
    }

    /// The configuration without what varies along one series of a plot
    /// (concurrency) and what is averaged (seed): the curve a point is on,
    /// apart from its design.
    pub fn panel(&self) -> Panel {
        Panel {
            workload: self.workload.clone(),
            rounds: self.rounds,
            harts: self.harts,
            preset: self.preset.clone(),
            overrides: self.overrides.clone(),
        }
    }
}

/// `word` as one shell word: as it is if it needs no quoting, else in
/// single quotes.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.,:/=+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What a figure or a table section holds fixed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Panel {
    pub workload: String,
    pub rounds: u64,
    pub harts: u32,
    pub preset: String,
    pub overrides: BTreeMap<String, String>,
}

impl Panel {
    /// A short human title ("null, 10 rounds, 1 hart, functional").
    pub fn title(&self) -> String {
        let mut t = format!(
            "{}, {} rounds, {} hart{}, {}",
            self.workload,
            self.rounds,
            self.harts,
            if self.harts == 1 { "" } else { "s" },
            self.preset
        );
        for (k, v) in &self.overrides {
            let _ = write!(t, ", {k}={v}");
        }
        t
    }

    /// A file-name-safe version of the title.
    pub fn slug(&self) -> String {
        let mut s = format!(
            "{}-r{}-h{}-{}",
            self.workload, self.rounds, self.harts, self.preset
        );
        for (k, v) in &self.overrides {
            let _ = write!(s, "-{k}-{v}");
        }
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

/// How a point ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    /// The guest finished; its region-of-interest metrics (DESIGN.md §4
    /// names: `cycles_per_round`, `traps_per_syscall`, ...).
    Ok {
        metrics: BTreeMap<String, serde_json::Value>,
    },
    /// The point could not be measured, and why.
    Failed { reason: String },
}

/// One line of `results.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointRecord {
    pub config: PointConfig,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Fingerprint of the simulator build that measured the point (its
    /// sources, presets and guest code), so a resumed sweep never mixes
    /// results of two builds. None in files written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
}

impl PointRecord {
    /// Metric `name` as a number, if the point succeeded and has it.
    pub fn metric(&self, name: &str) -> Option<f64> {
        match &self.outcome {
            Outcome::Ok { metrics } => metrics.get(name)?.as_f64(),
            Outcome::Failed { .. } => None,
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Outcome::Ok { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rerun_command_names_every_setting_and_quotes_what_needs_it() {
        let mut config = PointConfig {
            workload: "seed".into(),
            design: "async-uintr".into(),
            concurrency: 8,
            rounds: 10,
            harts: 2,
            preset: "rocket-fpga".into(),
            overrides: BTreeMap::new(),
            seed: 3,
        };
        config.overrides.insert("l2.size_kib".into(), "1024".into());
        config
            .overrides
            .insert("param.note".into(), "it's two words".into());
        assert_eq!(
            config.rerun_command(),
            "asyncsim run --workload seed --design async-uintr --concurrency 8 --rounds 10 \
             --harts 2 --preset rocket-fpga --seed 3 --set l2.size_kib=1024 \
             --set 'param.note=it'\\''s two words'"
        );
    }
}

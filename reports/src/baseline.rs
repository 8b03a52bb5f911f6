//! The regression gate: compares the checked metrics of each point of a
//! baseline with the same point (by key) of new results. The simulator is
//! deterministic, so the default tolerance is exact; `relative` loosens
//! it (0.01 = 1 %).

use crate::record::{Outcome, PointRecord};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Metrics the gate compares.
pub const CHECKED: &[&str] = &["traps_per_syscall", "cycles_per_round"];

/// How far a metric may move.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    /// Allowed |new - old| / |old| (0 = exact).
    pub relative: f64,
}

impl Tolerance {
    pub const EXACT: Tolerance = Tolerance { relative: 0.0 };

    fn holds(&self, old: f64, new: f64) -> bool {
        if old == new {
            return true;
        }
        let scale = old.abs().max(f64::MIN_POSITIVE);
        (new - old).abs() / scale <= self.relative
    }
}

/// What happened to one checked value.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Holds,
    Moved,
    /// The point is in the baseline but not in the results.
    Missing,
    /// The point failed now (reason), or the metric is absent.
    Failed(String),
}

/// One line of the check's table.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub key: String,
    pub metric: String,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub verdict: Verdict,
}

/// The check's result.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    pub lines: Vec<Line>,
    /// Points in the results but not in the baseline (not a failure).
    pub new_points: Vec<String>,
    /// How to run the first point that did not hold alone (to look at
    /// its counters), if one did not.
    pub rerun: Option<String>,
}

impl CheckReport {
    /// Whether every checked value held.
    pub fn passed(&self) -> bool {
        self.lines.iter().all(|l| l.verdict == Verdict::Holds)
    }

    /// A readable table of what moved (or everything, with `all`), then a
    /// one-line verdict.
    pub fn render(&self, all: bool) -> String {
        let shown: Vec<&Line> = self
            .lines
            .iter()
            .filter(|l| all || l.verdict != Verdict::Holds)
            .collect();
        let mut out = String::new();
        if !shown.is_empty() {
            let width = shown.iter().map(|l| l.key.len()).max().unwrap_or(5).max(5);
            let _ = writeln!(
                out,
                "{:<width$}  {:<17}  {:>14}  {:>14}  {:>9}  verdict",
                "point", "metric", "baseline", "current", "change"
            );
            for l in shown {
                let change = match (l.baseline, l.current) {
                    (Some(b), Some(c)) if b != 0.0 => format!("{:+.2}%", (c - b) / b.abs() * 100.0),
                    (Some(b), Some(c)) if b == c => "0".into(),
                    (Some(_), Some(_)) => "new>0".into(),
                    _ => "-".into(),
                };
                let verdict = match &l.verdict {
                    Verdict::Holds => "ok".to_string(),
                    Verdict::Moved => "MOVED".to_string(),
                    Verdict::Missing => "MISSING".to_string(),
                    Verdict::Failed(why) => format!("FAILED: {why}"),
                };
                let _ = writeln!(
                    out,
                    "{:<width$}  {:<17}  {:>14}  {:>14}  {:>9}  {verdict}",
                    l.key,
                    l.metric,
                    fmt(l.baseline),
                    fmt(l.current),
                    change
                );
            }
        }
        let bad = self
            .lines
            .iter()
            .filter(|l| l.verdict != Verdict::Holds)
            .count();
        let _ = writeln!(
            out,
            "{} of {} checked values hold{}{}",
            self.lines.len() - bad,
            self.lines.len(),
            if bad > 0 {
                format!("; {bad} regressed")
            } else {
                String::new()
            },
            if self.new_points.is_empty() {
                String::new()
            } else {
                format!("; {} new points not in the baseline", self.new_points.len())
            }
        );
        if let Some(cmd) = &self.rerun {
            let _ = writeln!(
                out,
                "the first point that did not hold, alone: {cmd} --json"
            );
        }
        out
    }
}

fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v}"))
}

/// Compares `current` with `baseline` point by point.
pub fn check(
    baseline: &[PointRecord],
    current: &[PointRecord],
    tolerance: Tolerance,
) -> CheckReport {
    let now: BTreeMap<String, &PointRecord> = current.iter().map(|r| (r.config.key(), r)).collect();
    let mut lines = Vec::new();
    // How to run the first point that does not hold alone.
    let mut rerun = None;
    let mut base_keys = std::collections::BTreeSet::new();
    for old in baseline {
        let key = old.config.key();
        base_keys.insert(key.clone());
        for &metric in CHECKED {
            let before = old.metric(metric);
            let line = |current, verdict| Line {
                key: key.clone(),
                metric: metric.to_string(),
                baseline: before,
                current,
                verdict,
            };
            let checked = match now.get(&key) {
                None => line(None, Verdict::Missing),
                Some(new) => match (&new.outcome, new.metric(metric)) {
                    (Outcome::Failed { reason }, _) => line(None, Verdict::Failed(reason.clone())),
                    (_, None) => line(None, Verdict::Failed(format!("no {metric}"))),
                    (_, Some(after)) => match before {
                        // A baseline point that failed (or lacks the metric)
                        // holds only if it is the same now: it is not.
                        None => line(Some(after), Verdict::Moved),
                        Some(b) if tolerance.holds(b, after) => line(Some(after), Verdict::Holds),
                        Some(_) => line(Some(after), Verdict::Moved),
                    },
                },
            };
            if checked.verdict != Verdict::Holds && rerun.is_none() {
                rerun = Some(old.config.rerun_command());
            }
            lines.push(checked);
        }
    }
    let new_points = now
        .keys()
        .filter(|k| !base_keys.contains(*k))
        .cloned()
        .collect();
    CheckReport {
        lines,
        new_points,
        rerun,
    }
}

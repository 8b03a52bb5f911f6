//! Aggregation of a sweep's records: per (panel, design, concurrency) the
//! mean, standard deviation and extremes over seeds of each headline
//! metric; the speedup against `sync` at the same point; and each design's
//! crossover concurrency (the smallest swept concurrency at which it beats
//! sync). Written as CSV, JSON, Markdown and LaTeX.

use crate::record::{Panel, PointRecord};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The design every other one is compared with.
pub const BASELINE_DESIGN: &str = "sync";

/// Designs in the order tables and legends list them (DESIGN.md §3);
/// others follow alphabetically.
pub const DESIGN_ORDER: &[&str] = &[
    "sync",
    "async-uintr",
    "async-poll",
    "batch",
    "async-trapnotify",
    "adaptive",
    "ipc-sync",
    "ipc-uintr",
];

/// Sort key of a design name.
pub fn design_rank(design: &str) -> (usize, String) {
    let rank = DESIGN_ORDER
        .iter()
        .position(|d| *d == design)
        .unwrap_or(DESIGN_ORDER.len());
    (rank, design.to_string())
}

/// Metrics summarised per point, in column order.
pub const METRICS: &[&str] = &[
    "cycles_per_round",
    "cycles_per_syscall",
    "traps_per_syscall",
    "interrupts_per_syscall",
    "uintr_delivered",
];

/// A metric over the seeds of one point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    pub mean: f64,
    /// Sample standard deviation (0 with one seed).
    pub stddev: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = if values.len() > 1 {
            values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        Some(Spread {
            mean,
            stddev: var.sqrt(),
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// One (panel, design, concurrency) point over its seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub panel: Panel,
    pub design: String,
    pub concurrency: u64,
    /// Seeds that succeeded / failed.
    pub seeds: usize,
    pub failed: usize,
    pub metrics: BTreeMap<String, Spread>,
    /// sync's mean cycles_per_round / this design's, at the same point.
    pub speedup_vs_sync: Option<f64>,
}

impl Row {
    pub fn mean(&self, metric: &str) -> Option<f64> {
        self.metrics.get(metric).map(|s| s.mean)
    }
}

/// A design's crossover against sync in one panel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Crossover {
    pub panel: Panel,
    pub design: String,
    /// Smallest swept concurrency with speedup > 1, if any.
    pub concurrency: Option<u64>,
}

/// The whole summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub rows: Vec<Row>,
    pub crossovers: Vec<Crossover>,
}

/// Summarises `records` (any order; duplicates of a key count once per
/// record — merge first if that matters).
pub fn summarize(records: &[PointRecord]) -> Summary {
    type Key = (Panel, String, u64);
    let mut groups: BTreeMap<Key, Vec<&PointRecord>> = BTreeMap::new();
    for record in records {
        let c = &record.config;
        groups
            .entry((c.panel(), c.design.clone(), c.concurrency))
            .or_default()
            .push(record);
    }
    let mut rows: Vec<Row> = groups
        .into_iter()
        .map(|((panel, design, concurrency), group)| {
            let ok: Vec<_> = group.iter().filter(|r| r.is_ok()).collect();
            let metrics = METRICS
                .iter()
                .filter_map(|&m| {
                    let values: Vec<f64> = ok.iter().filter_map(|r| r.metric(m)).collect();
                    Some((m.to_string(), Spread::of(&values)?))
                })
                .collect();
            Row {
                panel,
                design,
                concurrency,
                seeds: ok.len(),
                failed: group.len() - ok.len(),
                metrics,
                speedup_vs_sync: None,
            }
        })
        .collect();

    rows.sort_by_cached_key(|r| (r.panel.clone(), design_rank(&r.design), r.concurrency));
    let sync: BTreeMap<(Panel, u64), f64> = rows
        .iter()
        .filter(|r| r.design == BASELINE_DESIGN)
        .filter_map(|r| {
            Some((
                (r.panel.clone(), r.concurrency),
                r.mean("cycles_per_round")?,
            ))
        })
        .collect();
    for row in &mut rows {
        let base = sync.get(&(row.panel.clone(), row.concurrency));
        row.speedup_vs_sync = match (base, row.mean("cycles_per_round")) {
            (Some(&base), Some(own)) if own > 0.0 => Some(base / own),
            _ => None,
        };
    }

    // Per design with at least one comparable point.
    let mut crossovers: BTreeMap<(Panel, (usize, String)), Option<u64>> = BTreeMap::new();
    for row in rows
        .iter()
        .filter(|r| r.design != BASELINE_DESIGN && r.speedup_vs_sync.is_some())
    {
        let entry = crossovers
            .entry((row.panel.clone(), design_rank(&row.design)))
            .or_insert(None);
        if row.speedup_vs_sync.is_some_and(|s| s > 1.0) {
            *entry = Some(entry.map_or(row.concurrency, |c| c.min(row.concurrency)));
        }
    }
    Summary {
        rows,
        crossovers: crossovers
            .into_iter()
            .map(|((panel, (_, design)), concurrency)| Crossover {
                panel,
                design,
                concurrency,
            })
            .collect(),
    }
}

/// A number for tables: integers without decimals, else 4 significant
/// digits' worth; empty if absent.
fn num(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", v as i64),
        Some(v) if v.abs() >= 100.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.4}"),
    }
}

impl Summary {
    /// `summary.csv`: one line per row; mean and stddev per metric.
    pub fn to_csv(&self) -> String {
        let mut out =
            String::from("workload,rounds,harts,preset,overrides,design,concurrency,seeds,failed");
        for m in METRICS {
            let _ = write!(out, ",{m},{m}_stddev");
        }
        out.push_str(",speedup_vs_sync\n");
        for r in &self.rows {
            let overrides: Vec<String> = r
                .panel
                .overrides
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let _ = write!(
                out,
                "{},{},{},{},{},{},{},{},{}",
                r.panel.workload,
                r.panel.rounds,
                r.panel.harts,
                r.panel.preset,
                overrides.join(";"),
                r.design,
                r.concurrency,
                r.seeds,
                r.failed
            );
            for m in METRICS {
                let s = r.metrics.get(*m);
                let _ = write!(
                    out,
                    ",{},{}",
                    num(s.map(|s| s.mean)),
                    num(s.map(|s| s.stddev))
                );
            }
            let _ = writeln!(out, ",{}", num(r.speedup_vs_sync));
        }
        out
    }

    /// `summary.json`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("summaries always serialize") + "\n"
    }

    /// Rows of one panel, grouped by design.
    fn panels(&self) -> BTreeMap<&Panel, Vec<&Row>> {
        let mut panels: BTreeMap<&Panel, Vec<&Row>> = BTreeMap::new();
        for r in &self.rows {
            panels.entry(&r.panel).or_default().push(r);
        }
        panels
    }

    fn crossover_text(&self, panel: &Panel) -> Vec<(String, String)> {
        self.crossovers
            .iter()
            .filter(|c| &c.panel == panel)
            .map(|c| {
                let at = c.concurrency.map_or_else(
                    || "never (in this sweep)".to_string(),
                    |c| format!("c = {c}"),
                );
                (c.design.clone(), at)
            })
            .collect()
    }

    /// `report.md`: per panel a table (design x concurrency) and the
    /// crossover of each design against sync.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# asyncsim sweep report\n");
        for (panel, rows) in self.panels() {
            let _ = writeln!(out, "\n## {}\n", panel.title());
            out.push_str(
                "| design | concurrency | cycles/round | cycles/syscall | traps/syscall | interrupts/syscall | speedup vs sync | seeds |\n",
            );
            out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for r in rows {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {}{} |",
                    r.design,
                    r.concurrency,
                    num(r.mean("cycles_per_round")),
                    num(r.mean("cycles_per_syscall")),
                    num(r.mean("traps_per_syscall")),
                    num(r.mean("interrupts_per_syscall")),
                    num(r.speedup_vs_sync),
                    r.seeds,
                    if r.failed > 0 {
                        format!(" ({} failed)", r.failed)
                    } else {
                        String::new()
                    }
                );
            }
            let crossovers = self.crossover_text(panel);
            if !crossovers.is_empty() {
                out.push_str("\nCrossover concurrency against sync:\n\n");
                for (design, at) in crossovers {
                    let _ = writeln!(out, "- {design}: {at}");
                }
            }
        }
        out
    }

    /// The same tables as LaTeX `tabular`s (booktabs style).
    pub fn to_latex(&self) -> String {
        let esc = |s: &str| {
            s.replace('_', "\\_")
                .replace('%', "\\%")
                .replace('&', "\\&")
        };
        let mut out = String::from("% asyncsim sweep report (needs \\usepackage{booktabs})\n");
        for (panel, rows) in self.panels() {
            let _ = writeln!(out, "\n% {}", esc(&panel.title()));
            out.push_str("\\begin{tabular}{lrrrrr}\n\\toprule\n");
            out.push_str("Design & $c$ & Cycles/round & Traps/syscall & Intr./syscall & Speedup \\\\\n\\midrule\n");
            for r in rows {
                let _ = writeln!(
                    out,
                    "{} & {} & {} & {} & {} & {} \\\\",
                    esc(&r.design),
                    r.concurrency,
                    num(r.mean("cycles_per_round")),
                    num(r.mean("traps_per_syscall")),
                    num(r.mean("interrupts_per_syscall")),
                    num(r.speedup_vs_sync)
                );
            }
            out.push_str("\\bottomrule\n\\end{tabular}\n");
        }
        out
    }
}

//! The reports crate on a tiny synthetic sweep: golden summary files,
//! speedups and crossovers, plots, results-file resume, and the check gate.
//! Set UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.

use reports::baseline::{check, Tolerance, Verdict};
use reports::plot::plot_all;
use reports::record::{Outcome, PointConfig, PointRecord};
use reports::results_file::{parse_results, read_results, write_results, ResultsWriter};
use reports::summary::summarize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn config(design: &str, concurrency: u64, seed: u64) -> PointConfig {
    PointConfig {
        workload: "null".into(),
        design: design.into(),
        concurrency,
        rounds: 10,
        harts: 1,
        preset: "functional".into(),
        overrides: BTreeMap::new(),
        seed,
    }
}

/// sync costs 1000 cycles per syscall and 1 trap; async-uintr pays a
/// fixed 3000 per round plus 400 per syscall and 2/c traps, so it loses at
/// c = 1, ties nowhere, and wins from c = 8; seeds differ by 1 %.
fn records() -> Vec<PointRecord> {
    let mut out = Vec::new();
    for seed in [1, 2] {
        let jitter = 1.0 + 0.01 * (seed as f64 - 1.0);
        for c in [1u64, 8, 64] {
            for (design, per_round, traps) in [
                ("sync", 1000.0 * c as f64, 1.0),
                (
                    "async-uintr",
                    (3000.0 + 400.0 * c as f64) * jitter,
                    2.0 / c as f64,
                ),
            ] {
                let mut metrics = BTreeMap::new();
                metrics.insert("cycles_per_round".into(), per_round.into());
                metrics.insert("cycles_per_syscall".into(), (per_round / c as f64).into());
                metrics.insert("traps_per_syscall".into(), traps.into());
                metrics.insert("interrupts_per_syscall".into(), 0.0.into());
                metrics.insert("uintr_delivered".into(), 10u64.into());
                out.push(PointRecord {
                    config: config(design, c, seed),
                    outcome: Outcome::Ok { metrics },
                    build: None,
                });
            }
        }
    }
    out.push(PointRecord {
        config: config("batch", 8, 1),
        outcome: Outcome::Failed {
            reason: "guest exited with code 1".into(),
        },
        build: None,
    });
    out
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}; run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "{name} differs from the golden file");
}

fn tmp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("harness")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn summary_files_match_the_golden_ones() {
    let summary = summarize(&records());
    golden("summary.csv", &summary.to_csv());
    golden("summary.json", &summary.to_json());
    golden("report.md", &summary.to_markdown());
    golden("report.tex", &summary.to_latex());
}

#[test]
fn speedups_and_crossovers() {
    let summary = summarize(&records());
    let row = |design: &str, c: u64| {
        summary
            .rows
            .iter()
            .find(|r| r.design == design && r.concurrency == c)
            .unwrap()
    };
    assert_eq!(row("sync", 8).speedup_vs_sync, Some(1.0));
    // c = 1: sync 1000 vs async 3400 (mean over the two seeds' jitter).
    let s1 = row("async-uintr", 1).speedup_vs_sync.unwrap();
    assert!((s1 - 1000.0 / (3400.0 * 1.005)).abs() < 1e-9, "{s1}");
    assert!(row("async-uintr", 8).speedup_vs_sync.unwrap() > 1.0);
    let spread = row("async-uintr", 64).metrics["cycles_per_round"];
    assert!(spread.stddev > 0.0 && spread.min < spread.max);
    assert_eq!(row("batch", 8).failed, 1);
    assert_eq!(row("batch", 8).seeds, 0);
    let cross: Vec<_> = summary
        .crossovers
        .iter()
        .map(|c| (c.design.as_str(), c.concurrency))
        .collect();
    // batch has no successful point: no crossover entry at all.
    assert_eq!(cross, [("async-uintr", Some(8))]);
}

#[test]
fn plots_are_written_and_not_trivial() {
    let dir = tmp_dir("plots");
    let files = plot_all(&summarize(&records()), &dir).unwrap();
    assert_eq!(files.len(), 6);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(
            bytes.len() > 5000,
            "{} is only {} bytes",
            f.display(),
            bytes.len()
        );
    }
    let svg = std::fs::read_to_string(dir.join("cycles_per_round.svg")).unwrap();
    for text in [
        "async-uintr",
        "sync",
        "cycles per round",
        "concurrency",
        "log scale",
    ] {
        assert!(svg.contains(text), "the SVG lacks {text:?}");
    }
    let png = std::fs::read(dir.join("speedup_vs_sync.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn results_survive_a_torn_last_line_and_resume_cleanly() {
    let dir = tmp_dir("results");
    let path = dir.join("results.jsonl");
    let all = records();
    {
        let mut w = ResultsWriter::open(&path).unwrap();
        for r in &all[..3] {
            w.append(r).unwrap();
        }
    }
    // An interrupted append: half a record, no newline.
    let line = serde_json::to_string(&all[3]).unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&line[..line.len() / 2]);
    std::fs::write(&path, &text).unwrap();
    assert_eq!(read_results(&path).unwrap(), all[..3]);
    // Resuming appends after a fresh newline; everything reads back.
    {
        let mut w = ResultsWriter::open(&path).unwrap();
        for r in &all[3..] {
            w.append(r).unwrap();
        }
    }
    assert_eq!(read_results(&path).unwrap(), all);
    // A bad line in the middle is an error that names the line.
    let err = parse_results("{}\n{\"x\":1}\n", Path::new("r.jsonl")).unwrap_err();
    assert!(err.to_string().starts_with("r.jsonl:1:"), "{err}");
    // Rewriting (merge) gives the same records.
    write_results(&path, &all).unwrap();
    assert_eq!(read_results(&path).unwrap(), all);
    assert_eq!(read_results(&dir.join("none.jsonl")).unwrap(), []);
}

#[test]
fn check_passes_unchanged_results_and_catches_changes() {
    let base = records();
    let report = check(&base, &base, Tolerance::EXACT);
    // The failed batch point is failed in both: its metrics are missing in
    // both, which does not hold (a baseline must be all successes).
    let bad: Vec<_> = report
        .lines
        .iter()
        .filter(|l| l.verdict != Verdict::Holds)
        .collect();
    assert_eq!(bad.len(), 2);
    assert!(bad.iter().all(|l| l.key.contains("design=batch")));
    let good: Vec<PointRecord> = base.iter().filter(|r| r.is_ok()).cloned().collect();
    assert!(check(&good, &good, Tolerance::EXACT).passed());

    let mut moved = good.clone();
    if let Outcome::Ok { metrics } = &mut moved[0].outcome {
        metrics.insert("cycles_per_round".into(), 1001.0.into());
    }
    moved.pop();
    let report = check(&good, &moved, Tolerance::EXACT);
    assert!(!report.passed());
    let table = report.render(false);
    assert!(
        table.contains("MOVED") && table.contains("+0.10%"),
        "{table}"
    );
    assert!(table.contains("MISSING"), "{table}");
    // 0.1 % is within a 1 % tolerance, the missing point still is not.
    let loose = check(&good, &moved, Tolerance { relative: 0.01 });
    assert_eq!(
        loose
            .lines
            .iter()
            .filter(|l| l.verdict != Verdict::Holds)
            .count(),
        2
    );
    // New points are reported, not failures.
    let report = check(&good[..4], &good, Tolerance::EXACT);
    assert!(report.passed());
    assert_eq!(report.new_points.len(), good.len() - 4);
}

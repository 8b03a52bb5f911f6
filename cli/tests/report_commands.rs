//! `asyncsim plot`, `check` and `merge` on small results files: outputs
//! written, exit codes 0 / 1 / 2 of the gate, shards merging into the whole.

use reports::record::{Outcome, PointConfig, PointRecord};
use reports::results_file::{read_results, write_results};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn record(design: &str, c: u64, cycles: f64) -> PointRecord {
    let mut metrics = BTreeMap::new();
    metrics.insert("cycles_per_round".into(), cycles.into());
    metrics.insert("cycles_per_syscall".into(), (cycles / c as f64).into());
    metrics.insert("traps_per_syscall".into(), (1.0 / c as f64).into());
    PointRecord {
        config: PointConfig {
            workload: "null".into(),
            design: design.into(),
            concurrency: c,
            rounds: 4,
            harts: 1,
            preset: "functional".into(),
            overrides: BTreeMap::new(),
            seed: 0,
        },
        outcome: Outcome::Ok { metrics },
        build: None,
    }
}

fn records() -> Vec<PointRecord> {
    let mut out = Vec::new();
    for c in [1, 4, 16] {
        out.push(record("sync", c, 100.0 * c as f64));
        out.push(record("batch", c, 150.0 + 50.0 * c as f64));
    }
    out
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("report_commands")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn asyncsim(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .args(args)
        .output()
        .expect("asyncsim runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn plot_writes_figures_and_tables() {
    let d = dir("plot");
    write_results(&d.join("results.jsonl"), &records()).unwrap();
    let out = asyncsim(&[Path::new("plot"), &d, Path::new("--latex")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for f in [
        "summary.csv",
        "summary.json",
        "report.md",
        "report.tex",
        "cycles_per_round.svg",
        "cycles_per_round.png",
        "traps_per_syscall.svg",
        "speedup_vs_sync.png",
    ] {
        let len = std::fs::metadata(d.join(f)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 100, "{f}: {len} bytes");
    }
    let md = std::fs::read_to_string(d.join("report.md")).unwrap();
    assert!(md.contains("- batch: c = 4"), "{md}");
}

#[test]
fn check_exit_codes() {
    let d = dir("check");
    let base = d.join("baseline.jsonl");
    write_results(&base, &records()).unwrap();
    let same = asyncsim(&[Path::new("check"), Path::new("--baseline"), &base, &base]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    assert!(text(&same).contains("12 of 12 checked values hold"));

    let mut changed = records();
    changed[3] = record("batch", 4, 351.0);
    let now = d.join("now.jsonl");
    write_results(&now, &changed).unwrap();
    let moved = asyncsim(&[Path::new("check"), Path::new("--baseline"), &base, &now]);
    assert_eq!(moved.status.code(), Some(1), "{}", text(&moved));
    let t = text(&moved);
    assert!(
        t.contains("design=batch concurrency=4") && t.contains("MOVED"),
        "{t}"
    );
    // How to look at the point alone.
    let rerun = "the first point that did not hold, alone: asyncsim run --workload null \
        --design batch --concurrency 4 --rounds 4 --harts 1 --preset functional --seed 0 --json";
    assert!(t.contains(rerun), "{t}");
    assert!(!text(&same).contains("alone"));
    let loose = asyncsim(&[
        Path::new("check"),
        Path::new("--tolerance"),
        Path::new("0.01"),
        Path::new("--baseline"),
        &base,
        &now,
    ]);
    assert_eq!(loose.status.code(), Some(0), "{}", text(&loose));

    std::fs::write(d.join("bad.jsonl"), "{\"not\": \"a record\"}\n").unwrap();
    let bad = asyncsim(&[
        Path::new("check"),
        Path::new("--baseline"),
        &d.join("bad.jsonl"),
        &now,
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("bad.jsonl:1:"), "{}", text(&bad));
    let missing = asyncsim(&[
        Path::new("check"),
        Path::new("--baseline"),
        &d.join("none"),
        &now,
    ]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
}

#[test]
fn merged_shards_are_the_whole() {
    let d = dir("merge");
    let all = records();
    let (a, b) = (d.join("a"), d.join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    write_results(&a.join("results.jsonl"), &all[..4]).unwrap();
    // Overlapping shards: the shared record must agree.
    write_results(&b.join("results.jsonl"), &all[2..]).unwrap();
    let out_dir = d.join("all");
    let out = asyncsim(&[Path::new("merge"), &out_dir, &a, &b]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut merged = read_results(&out_dir.join("results.jsonl")).unwrap();
    let mut want = all.clone();
    let key = |r: &PointRecord| r.config.key();
    merged.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(merged, want);

    let mut other = all[2..].to_vec();
    other[0] = record(
        &other[0].config.design.clone(),
        other[0].config.concurrency,
        1.0,
    );
    write_results(&b.join("results.jsonl"), &other).unwrap();
    let conflict = asyncsim(&[Path::new("merge"), &out_dir, &a, &b]);
    assert_eq!(conflict.status.code(), Some(2), "{}", text(&conflict));
    assert!(
        text(&conflict).contains("different result"),
        "{}",
        text(&conflict)
    );
}

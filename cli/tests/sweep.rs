//! `asyncsim sweep` end to end on tiny grids: determinism across thread
//! counts, resume after interruption, shards + merge = whole, a failing
//! point recorded while the others finish, bad input refused.

use reports::record::PointRecord;
use reports::results_file::read_results;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("sweep")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn sweep(out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .args([
            "sweep",
            "--quiet",
            "--workloads",
            "null",
            "--designs",
            "sync",
        ])
        .args(["--concurrency", "1,3,8", "--rounds", "2"])
        .arg("--out")
        .arg(out)
        .args(extra)
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

/// The records of `dir`, sorted by key (append order depends on threads).
fn records(dir: &Path) -> Vec<PointRecord> {
    let mut r = read_results(&dir.join("results.jsonl")).unwrap();
    r.sort_by_key(|r| r.config.key());
    r
}

#[test]
fn same_results_on_one_or_two_threads_and_reports_written() {
    let (a, b) = (dir("j1"), dir("j2"));
    let out = sweep(&a, &["--jobs", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = sweep(&b, &["--jobs", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (ra, rb) = (records(&a), records(&b));
    assert_eq!(ra.len(), 3);
    assert_eq!(ra, rb);
    for r in &ra {
        assert_eq!(r.metric("traps_per_syscall"), Some(1.0), "{r:?}");
        let c = r.config.concurrency as f64;
        assert_eq!(r.metric("syscalls"), Some(2.0 * c), "{r:?}");
    }
    for f in [
        "summary.csv",
        "report.md",
        "cycles_per_round.png",
        "traps_per_syscall.svg",
    ] {
        assert!(a.join(f).is_file(), "{f}");
    }
}

#[test]
fn an_interrupted_sweep_resumes_with_the_missing_points_only() {
    let d = dir("resume");
    assert_eq!(sweep(&d, &[]).status.code(), Some(0));
    let whole = records(&d);
    // Keep the first record and half of the second (a torn write).
    let text_file = std::fs::read_to_string(d.join("results.jsonl")).unwrap();
    let mut lines = text_file.lines();
    let first = lines.next().unwrap();
    let second = lines.next().unwrap();
    std::fs::write(
        d.join("results.jsonl"),
        format!("{first}\n{}", &second[..second.len() / 2]),
    )
    .unwrap();
    let out = sweep(&d, &["--no-report"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("sweep: 2 points run"), "{}", text(&out));
    assert_eq!(records(&d), whole);
    // Nothing left to do.
    let out = sweep(&d, &["--no-report"]);
    assert!(text(&out).contains("sweep: 0 points run"), "{}", text(&out));
}

/// Points another build measured are never taken as done: resuming over
/// them is refused (results of two builds would mix) unless --restart
/// discards them; every record names the build that measured it.
#[test]
fn results_of_another_build_are_not_resumed() {
    let d = dir("stale");
    assert_eq!(sweep(&d, &["--no-report"]).status.code(), Some(0));
    let whole = records(&d);
    let build = whole[0].build.clone().expect("records name their build");
    assert!(whole.iter().all(|r| r.build.as_deref() == Some(&*build)));
    let version = Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(
        text(&version).contains(&format!("(build {build})")),
        "{}",
        text(&version)
    );
    // The first point as if an older build had measured it.
    let file = d.join("results.jsonl");
    let old = std::fs::read_to_string(&file).unwrap();
    let (first, rest) = old.split_once('\n').unwrap();
    let first = first.replace(&build, "0123456789abcdef");
    std::fs::write(&file, format!("{first}\n{rest}")).unwrap();
    let out = sweep(&d, &["--no-report"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("1 of its 3 points came from another build"),
        "{}",
        text(&out)
    );
    let out = sweep(&d, &["--no-report", "--restart"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("sweep: 3 points run"), "{}", text(&out));
    assert_eq!(records(&d), whole);
}

#[test]
fn shards_merge_into_the_whole_sweep() {
    let (whole, s1, s2, merged) = (dir("whole"), dir("s1"), dir("s2"), dir("merged"));
    assert_eq!(sweep(&whole, &["--no-report"]).status.code(), Some(0));
    assert_eq!(
        sweep(&s1, &["--no-report", "--shard", "1/2"]).status.code(),
        Some(0)
    );
    assert_eq!(
        sweep(&s2, &["--no-report", "--shard", "2/2"]).status.code(),
        Some(0)
    );
    assert_eq!(records(&s1).len() + records(&s2).len(), 3);
    let out = Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .arg("merge")
        .args([&merged, &s1, &s2])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(records(&merged), records(&whole));
}

#[test]
fn a_failing_point_is_recorded_and_the_others_finish() {
    let d = dir("fail");
    // Enough budget for 50 rounds at c = 1, not at c = 256 (12,800
    // getpids through the coroutine executor, and the boot).
    let out = Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .args(["sweep", "--quiet", "--no-report", "--workloads", "null"])
        .args([
            "--designs",
            "sync",
            "--concurrency",
            "1,256",
            "--rounds",
            "50",
        ])
        .args(["--max-insns", "3000000"])
        .arg("--out")
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let r = records(&d);
    assert_eq!(r.len(), 2, "{r:?}");
    let failed: Vec<_> = r.iter().filter(|r| !r.is_ok()).collect();
    assert_eq!(failed.len(), 1, "{r:?}");
    assert_eq!(failed[0].config.concurrency, 256);
    let line = std::fs::read_to_string(d.join("results.jsonl")).unwrap();
    assert!(line.contains("\"status\":\"failed\""), "{line}");
    assert!(line.contains("budget"), "{line}");
}

#[test]
fn bad_sweeps_are_refused() {
    let d = dir("bad");
    let out = sweep(&d, &["--designs", "warp-drive"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("unknown design"), "{}", text(&out));
    // A workload paired with a design its program does not run: the
    // whole grid is refused, naming each such pair, before any point.
    let out = sweep(
        &d,
        &["--workloads", "null,echo", "--designs", "sync,ipc-sync"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    for pair in [
        "workload null does not run design ipc-sync",
        "workload echo does not run design ipc-sync (it runs: sync)",
    ] {
        assert!(text(&out).contains(pair), "{}", text(&out));
    }
    assert!(!text(&out).contains("workload null does not run design sync"));
    assert!(!d.join("results.jsonl").exists());
    let out = sweep(
        &d,
        &["--designs", "sync,batch", "--set", "param.worker_hart=1"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not with design batch"),
        "{}",
        text(&out)
    );
    let out = sweep(&d, &["--shard", "3/2"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = sweep(&d, &["--presets", "pentium"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = sweep(&d, &["--set", "param.kind=write"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("does not read it"), "{}", text(&out));
    for quantum in ["machine.quantum=0", "machine.quantum=soon"] {
        let out = sweep(&d, &["--set", quantum]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("at least 1"), "{}", text(&out));
    }
    // More harts than the bundled kernel brings up: refused, on run too
    // (the extra harts would stay parked and the record would misstate).
    let max = workloads::MAX_HARTS.to_string();
    let over = (workloads::MAX_HARTS + 1).to_string();
    let out = sweep(&d, &["--harts", &over]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("at most {max}")),
        "{}",
        text(&out)
    );
    let run = |harts: &str| {
        Command::new(env!("CARGO_BIN_EXE_asyncsim"))
            .args([
                "run",
                "--workload",
                "null",
                "--rounds",
                "1",
                "--harts",
                harts,
            ])
            .output()
            .expect("asyncsim runs")
    };
    assert_eq!(run(&over).status.code(), Some(2));
    assert_eq!(run(&max).status.code(), Some(0), "{}", text(&run(&max)));
    let spec = d.with_extension("toml");
    std::fs::write(&spec, "workloads = [\"null\"]\ndesigns = 3\n").unwrap();
    let out = sweep(&d, &["--spec", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // An output directory that cannot be created (a file is in the way).
    let blocker = dir("blocker");
    std::fs::write(&blocker, "x").unwrap();
    let out = sweep(&blocker.join("sub"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cannot create"), "{}", text(&out));
}

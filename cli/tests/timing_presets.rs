//! Runs with a timing model: `--preset` / `--set` on `run --workload` and
//! in sweeps give model cycles and the model's region counters, the same
//! twice; unknown presets and settings are refused as bad input.

use reports::record::PointConfig;
use std::process::{Command, Output};

fn asyncsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .args(args)
        .output()
        .expect("asyncsim runs")
}

fn workload_json(extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "run",
        "--workload",
        "null",
        "--design",
        "sync",
        "--concurrency",
        "4",
        "--rounds",
        "5",
        "--json",
    ];
    args.extend_from_slice(extra);
    json_of(&args)
}

/// The one JSON object a successful `asyncsim ARGS --json` prints.
fn json_of(args: &[&str]) -> serde_json::Value {
    let out = asyncsim(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn a_preset_gives_model_cycles_and_region_counters() {
    let functional = workload_json(&[]);
    let rocket = workload_json(&["--preset", "rocket-fpga"]);
    let (f, r) = (&functional["metrics"], &rocket["metrics"]);
    // Same program, same instructions and traps; different time.
    assert_eq!(f["instructions"], r["instructions"]);
    assert_eq!(r["traps_per_syscall"], 1.0);
    assert_eq!(
        r["cycle_model"].as_str(),
        Some("timing model: preset rocket-fpga")
    );
    let (fc, rc) = (f["cycles"].as_u64().unwrap(), r["cycles"].as_u64().unwrap());
    assert!(rc > r["instructions"].as_u64().unwrap(), "{rc}");
    assert_ne!(fc, rc);
    // The model's counters over the region, split by mode.
    let user_fetches = &rocket["model"]["hart0"]["l1i"]["accesses"]["user"];
    assert!(user_fetches.as_u64().unwrap() > 0, "{}", rocket["model"]);
    assert!(functional.get("model").is_none());
    // Deterministic, and an override changes the result.
    assert_eq!(workload_json(&["--preset", "rocket-fpga"]), rocket);
    // (The region's code and data are in the L2 already: its L1 misses
    // are L2 hits.)
    let slow = workload_json(&["--preset", "rocket-fpga", "--set", "l2.hit_latency=200"]);
    assert!(slow["metrics"]["cycles"].as_u64().unwrap() > rc);
}

#[test]
fn unknown_presets_and_settings_are_bad_input() {
    let base = ["run", "--workload", "null", "--rounds", "1"];
    // Each error names what the user can give instead.
    for (extra, names) in [
        (
            &["--preset", "pentium"][..],
            "known: functional, rocket-fpga, sifive-u74)",
        ),
        (
            &["--preset", "rocket-fpga", "--set", "l9.size=1"][..],
            "l1d.*, l1i.*, l2.*",
        ),
        (
            &["--preset", "rocket-fpga", "--set", "l1d.size=1"][..],
            "l1d.size_kib, l1d.ways",
        ),
        (
            &["--preset", "rocket-fpga", "--set", "l1d.size_kib=lots"][..],
            "expected a non-negative integer",
        ),
        (&["--set", "l1d.size_kib=64"][..], "pick a --preset"),
    ] {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let out = asyncsim(&args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(names), "{extra:?}: {err}");
    }
}

/// Runs `asyncsim sweep --quiet --no-report ARGS` into a fresh directory
/// `name` of the tests' own; its records.
fn sweep_records(name: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let mut all = vec![
        "sweep",
        "--quiet",
        "--no-report",
        "--out",
        dir.to_str().unwrap(),
    ];
    all.extend(args);
    let out = asyncsim(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("results.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_sweep_over_presets_records_the_model_counters() {
    let records = sweep_records(
        "timing_presets",
        &[
            "--workloads",
            "null",
            "--designs",
            "sync",
            "--concurrency",
            "2",
            "--rounds",
            "2",
            "--presets",
            "functional,sifive-u74",
        ],
    );
    assert_eq!(records.len(), 2);
    let u74 = records
        .iter()
        .find(|r| r["config"]["preset"] == "sifive-u74")
        .unwrap();
    assert!(u74["metrics"]["model"]["hart0"]["cycles"].is_object());
    assert!(u74["metrics"]["cycle_model"]
        .as_str()
        .unwrap()
        .contains("sifive-u74"));
}

/// A sweep's seeds are the timing model's random state: on a preset with
/// random replacement they move the cycles, on the functional model (no
/// randomness) they do not; and `asyncsim run --seed` reruns any point
/// exactly, so a point of a figure can be looked at alone.
#[test]
fn seeds_vary_the_model_and_run_seed_reruns_a_sweep_point() {
    let mut args = vec!["--workloads", "null", "--designs", "sync"];
    args.extend(["--presets", "functional,rocket-fpga", "--seeds", "0,1,2"]);
    args.extend(["--concurrency", "8", "--rounds", "4", "--harts", "2"]);
    let records = sweep_records("timing_presets_seeds", &args);
    assert_eq!(records.len(), 6);
    let cycles = |preset: &str| -> Vec<f64> {
        let mut by_seed: Vec<(u64, f64)> = records
            .iter()
            .filter(|r| r["config"]["preset"] == preset)
            .map(|r| {
                let seed = r["config"]["seed"].as_u64().unwrap();
                (seed, r["metrics"]["cycles_per_round"].as_f64().unwrap())
            })
            .collect();
        by_seed.sort_by_key(|&(seed, _)| seed);
        by_seed.into_iter().map(|(_, c)| c).collect()
    };
    let functional = cycles("functional");
    assert!(
        functional.iter().all(|&c| c == functional[0]),
        "{functional:?}"
    );
    let timed = cycles("rocket-fpga");
    assert!(timed.iter().any(|&c| c != timed[0]), "{timed:?}");
    for record in records
        .iter()
        .filter(|r| r["config"]["preset"] == "rocket-fpga")
    {
        // The command `check` prints for a point, word by word.
        let config: PointConfig = serde_json::from_value(record["config"].clone()).unwrap();
        let seed = config.seed;
        let command = config.rerun_command();
        let mut args: Vec<&str> = command.split(' ').collect();
        assert_eq!(args.remove(0), "asyncsim");
        args.push("--json");
        let run = json_of(&args);
        assert_eq!(run["seed"], seed);
        let model_line = run["metrics"]["cycle_model"].as_str().unwrap();
        assert_eq!(model_line.ends_with(&format!(", seed {seed}")), seed != 0);
        let mut swept = record["metrics"].clone();
        // The sweep keeps the model's counters inside its metrics; `run`
        // prints them beside.
        let model = swept.as_object_mut().unwrap().remove("model").unwrap();
        assert_eq!(run["metrics"], swept, "seed {seed}");
        assert_eq!(run["model"], model, "seed {seed}");
    }
}

/// `--set param.KEY=VALUE`, a sweep's way to reach the guest's command
/// line, works on `run --workload` too (as `--param KEY=VALUE`), so a
/// sweep's flags rerun its points; without a workload it is refused.
#[test]
fn run_takes_a_sweeps_param_settings() {
    let run = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["run", "--workload", "seed", "--design", "async-uintr"];
        args.extend(["--concurrency", "2", "--rounds", "2", "--harts", "2"]);
        args.extend(["--preset", "rocket-fpga", "--json"]);
        args.extend(extra);
        json_of(&args)
    };
    let by_set = run(&["--set", "param.worker_hart=1"]);
    assert_eq!(by_set, run(&["--param", "worker_hart=1"]));
    assert_eq!(by_set["params"]["worker_hart"], "1");
    assert_ne!(by_set["metrics"], run(&[])["metrics"]);
    let out = asyncsim(&["run", "--set", "param.worker_hart=1", "/dev/null"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--workload"));
}

/// With a timing preset the quantum defaults to the preset's cross-hart
/// latency (rocket-fpga: 15 cycles), so a design whose harts talk to each
/// other (async-poll's IO hart) is not timed at the grain of a long turn;
/// `--quantum` and a sweep's `--set machine.quantum=N` change it, and the
/// sweep's record reruns with it.
#[test]
fn the_quantum_defaults_to_the_presets_cross_hart_latency() {
    let run = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["run", "--workload", "null", "--design", "async-poll"];
        args.extend(["--concurrency", "16", "--rounds", "4", "--harts", "2"]);
        args.extend(["--preset", "rocket-fpga", "--json"]);
        args.extend(extra);
        json_of(&args)["metrics"].clone()
    };
    let default = run(&[]);
    assert_eq!(default, run(&["--quantum", "15"]));
    let mut args = vec!["run", "--workload", "null", "--rounds", "1", "--json"];
    assert_eq!(json_of(&args)["quantum"], 1000, "functional: instructions");
    args.extend(["--preset", "sifive-u74"]);
    assert_eq!(json_of(&args)["quantum"], 22);
    let long = run(&["--quantum", "1000"]);
    assert_ne!(default["cycles"], long["cycles"]);
    assert_eq!(long, run(&["--set", "machine.quantum=1000"]));
    let mut args = vec!["--workloads", "null", "--designs", "async-poll"];
    args.extend(["--concurrency", "16", "--rounds", "4", "--harts", "2"]);
    args.extend(["--presets", "rocket-fpga", "--set", "machine.quantum=1000"]);
    let records = sweep_records("timing_presets_quantum", &args);
    let config: PointConfig = serde_json::from_value(records[0]["config"].clone()).unwrap();
    assert_eq!(config.overrides["machine.quantum"], "1000");
    let mut swept = records[0]["metrics"].clone();
    swept.as_object_mut().unwrap().remove("model");
    assert_eq!(swept, long);
    let mut rerun: Vec<String> = config
        .rerun_command()
        .split(' ')
        .map(String::from)
        .collect();
    rerun.remove(0);
    rerun.push("--json".into());
    let rerun: Vec<&str> = rerun.iter().map(String::as_str).collect();
    assert_eq!(json_of(&rerun)["metrics"], long);
}

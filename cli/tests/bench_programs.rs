//! The benchmark programs (`bench-null`, `bench-seed`) under every
//! syscall design the kernel offers, booted through firmware + kernel on
//! the emulator: each program checks every syscall result itself and
//! exits non-zero on any error, so exit code 0 plus its summary line
//! means c coroutines x R rounds all got the right results. A design the
//! kernel cannot serve must end with the program's clear message and
//! exit code 3, never hang.

mod guest_kernel;
use guest_kernel::{boot_kernel, KernelRun};
use std::process::Command;

/// Boots firmware + kernel on one hart with `bootargs`.
fn boot(bootargs: &str) -> KernelRun {
    boot_kernel(bootargs, &[])
}

/// The designs this kernel serves on one hart (async-poll needs a
/// polling hart, which comes with SMP).
const DESIGNS: &[&str] = &[
    "sync",
    "async-uintr",
    "batch",
    "async-trapnotify",
    "adaptive",
];

/// Runs `program` with `design` at c = 1, 8 and 64 and checks each run
/// passed with its summary line.
fn all_concurrencies(program: &str, design: &str, rounds: u32, label: &str) {
    for c in [1u32, 8, 64] {
        let run = boot(&format!(
            "init={program} design={design} c={c} rounds={rounds}"
        ));
        let per_round = if program == "bench-seed" { 2 } else { 1 };
        let summary = format!(
            "{program}: design={design} c={c} rounds={rounds}{label}: {} syscalls ok",
            u64::from(c) * u64::from(rounds) * per_round
        );
        assert_eq!(run.code, Some(0), "{design} c={c}:\n{}", run.show());
        assert!(run.has(&summary), "no `{summary}` in:\n{}", run.show());
        assert!(run.has("process 1 exited with code 0"), "{}", run.show());
    }
}

#[test]
fn bench_null_completes_under_every_design() {
    for design in DESIGNS {
        all_concurrencies("bench-null", design, 3, "");
    }
}

#[test]
fn bench_seed_map_unmap_completes_under_every_design() {
    for design in DESIGNS {
        all_concurrencies("bench-seed", design, 3, " kind=mapunmap payload=64");
    }
}

#[test]
fn bench_seed_other_kinds_and_payloads() {
    for (design, extra, label) in [
        ("async-uintr", "kind=getpid", " kind=getpid payload=64"),
        ("batch", "kind=write payload=100", " kind=write payload=100"),
        (
            "sync",
            "kind=mapunmap payload=4096",
            " kind=mapunmap payload=4096",
        ),
        (
            "adaptive",
            "kind=write payload=8 threshold=2",
            " kind=write payload=8",
        ),
    ] {
        let run = boot(&format!(
            "init=bench-seed design={design} c=8 rounds=4 {extra}"
        ));
        let summary = format!("bench-seed: design={design} c=8 rounds=4{label}: 64 syscalls ok");
        assert_eq!(run.code, Some(0), "{design} {extra}:\n{}", run.show());
        assert!(run.has(&summary), "no `{summary}` in:\n{}", run.show());
    }
}

/// A design the kernel refuses, or one that is not a syscall design,
/// ends with a message naming it and exit code 3; bad parameters with 2.
#[test]
fn unavailable_designs_and_bad_parameters_fail_cleanly() {
    for (args, message) in [
        (
            "init=bench-seed design=async-poll c=4 rounds=2",
            "bench-seed: design async-poll is not available here",
        ),
        (
            "init=bench-null design=ipc-sync",
            "bench-null: design ipc-sync is not available here",
        ),
    ] {
        let run = boot(args);
        assert!(
            run.has_prefix(message),
            "no `{message}` in:\n{}",
            run.show()
        );
        assert!(run.has("process 1 exited with code 3"), "{}", run.show());
        assert_eq!(run.code, Some(1), "{}", run.show());
    }
    for (args, message) in [
        (
            "init=bench-seed kind=nope",
            "bench-seed: unknown kind (mapunmap, getpid, write)",
        ),
        (
            "init=bench-seed c=0",
            "bench-seed: c and rounds must be at least 1",
        ),
        (
            "init=bench-seed c=2000",
            "bench-seed: c is larger than the ring (1024)",
        ),
        (
            "init=bench-seed kind=write c=64 payload=4096",
            "bench-seed: kind=write needs 1 <= payload and c * payload <= 16384",
        ),
        ("init=bench-null design=fast", "bench-null: unknown design"),
    ] {
        let run = boot(args);
        assert!(run.has(message), "no `{message}` in:\n{}", run.show());
        assert!(run.has("process 1 exited with code 2"), "{}", run.show());
    }
}

/// The doorbell's counts follow the designs: sync never touches the
/// ring; batch enters once per batch; async-uintr wakes the worker and
/// waits at most once per batch, and its waits end in user interrupts.
#[test]
fn designs_trap_as_they_should() {
    let counts = |design: &str| {
        let run = boot(&format!("init=bench-null design={design} c=64 rounds=4"));
        assert_eq!(run.code, Some(0), "{}", run.show());
        let line = run
            .lines
            .iter()
            .find(|l| l.starts_with("bench-null: passes="))
            .unwrap_or_else(|| panic!("no stats line in:\n{}", run.show()))
            .clone();
        let value = |key: &str| -> u64 {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(&format!("{key}=")))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no {key} in {line}"))
        };
        (
            value("wakes"),
            value("enters"),
            value("waits"),
            value("notifications"),
            value("pushed"),
            value("direct"),
        )
    };
    assert_eq!(counts("sync"), (0, 0, 0, 0, 0, 0));
    let (wakes, enters, waits, _, pushed, direct) = counts("batch");
    assert_eq!((wakes, waits, pushed, direct), (0, 0, 256, 0));
    assert_eq!(enters, 4, "one enter per round of 64");
    let (wakes, enters, waits, notifications, pushed, _) = counts("async-uintr");
    assert_eq!((enters, pushed), (0, 256));
    assert!((1..=4).contains(&wakes), "wakes {wakes}");
    assert!(waits <= 4, "waits {waits}");
    assert_eq!(
        notifications, waits,
        "every wait ends with a user interrupt"
    );
    // Adaptive at c=64 takes the ring; at c=1 (below the threshold) it
    // makes plain ecalls.
    let (_, _, _, _, pushed, direct) = counts("adaptive");
    assert_eq!((pushed, direct), (256, 0));
    let run = boot("init=bench-null design=adaptive c=1 rounds=5");
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert!(
        run.has_prefix("bench-null: passes=")
            && run.lines.iter().any(|l| l.contains("direct=5 pushed=0")),
        "{}",
        run.show()
    );
}

/// `worker_hart=` makes the receiver spin instead of trapping; when the
/// named hart is the process's own (hart 0 here), the worker runs only
/// when the process leaves the CPU, so the spin gives up and blocks, and
/// the run still completes with every result right.
#[test]
fn a_spinning_receiver_falls_back_to_blocking_on_its_own_hart() {
    for design in ["async-uintr", "async-trapnotify"] {
        let run = boot(&format!(
            "init=bench-seed design={design} c=8 rounds=2 worker_hart=0"
        ));
        let summary = format!(
            "bench-seed: design={design} c=8 rounds=2 kind=mapunmap payload=64: 32 syscalls ok"
        );
        assert_eq!(run.code, Some(0), "{}", run.show());
        assert!(run.has(&summary), "{}", run.show());
        assert!(
            run.lines.iter().any(|l| l.contains(" waits=4 ")),
            "one wait per batch after the spin: {}",
            run.show()
        );
    }
}

/// Same inputs, same output (the executor runs in a fixed order).
#[test]
fn runs_are_deterministic() {
    let args = "init=bench-seed design=async-uintr c=8 rounds=3";
    let (a, b) = (boot(args), boot(args));
    assert_eq!(a.code, Some(0), "{}", a.show());
    assert_eq!(a.lines, b.lines);
}

/// A counter of the `--json` statistics printed after the output.
fn stat(run: &KernelRun, name: &str) -> u64 {
    let json = run
        .lines
        .iter()
        .position(|l| l.starts_with('{'))
        .map(|at| run.lines[at..].join("\n"))
        .unwrap_or_else(|| panic!("no JSON in:\n{}", run.show()));
    let mut value: &serde_json::Value = &serde_json::from_str(&json).expect("stats JSON");
    for key in name.split('.') {
        value = &value[key];
    }
    value
        .as_u64()
        .unwrap_or_else(|| panic!("no {name} in {json}"))
}

/// Traps and user interrupts per syscall in the steady state, measured
/// without the region of interest: the difference between runs of 8 and
/// 4 rounds is 4 rounds of c syscalls and nothing else (boot and set-up
/// are the same in both). Sync traps exactly once per syscall; batch
/// once per round; async-uintr wakes the worker and waits once per
/// round, and each wait ends with one user interrupt (no trap);
/// async-trapnotify pays an UPCALL_RETURN on top.
#[test]
fn traps_per_syscall_in_the_steady_state() {
    let c = 64u64;
    let extra_syscalls = 4 * c;
    let delta = |design: &str, key: &str| {
        let count = |rounds: u32| {
            let run = boot_kernel(
                &format!("init=bench-null design={design} c={c} rounds={rounds}"),
                &["--json"],
            );
            assert_eq!(run.code, Some(0), "{}", run.show());
            stat(&run, key)
        };
        count(8) - count(4)
    };
    let traps = "hart0.exceptions.from_user";
    let uintrs = "hart0.uintr.delivered";
    assert_eq!(
        delta("sync", traps),
        extra_syscalls,
        "sync: 1 trap per syscall"
    );
    assert_eq!(delta("batch", traps), 4, "batch: 1 enter per round");
    assert_eq!(
        delta("async-uintr", traps),
        8,
        "async-uintr: wake + wait per round"
    );
    assert_eq!(
        delta("async-uintr", uintrs),
        4,
        "one user interrupt per round"
    );
    assert_eq!(
        delta("async-trapnotify", traps),
        12,
        "wake + wait + upcall return"
    );
    assert_eq!(delta("async-trapnotify", uintrs), 0);
    assert_eq!(
        delta("adaptive", traps),
        8,
        "adaptive at c=64 = async-uintr"
    );
}

/// `asyncsim run --workload W --design D --concurrency C --rounds R
/// --json`: the region-of-interest metrics (exit code, the JSON object,
/// the guest's console on stderr).
fn workload_metrics(
    workload: &str,
    design: &str,
    c: u64,
    rounds: u64,
    extra: &[&str],
) -> (Option<i32>, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .arg("run")
        .args(["--workload", workload, "--design", design, "--json"])
        .args([
            "--concurrency",
            &c.to_string(),
            "--rounds",
            &rounds.to_string(),
        ])
        .args(extra)
        .output()
        .expect("asyncsim runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let metrics = match out.status.code() {
        Some(0) => serde_json::from_str::<serde_json::Value>(&stdout)
            .unwrap_or_else(|e| panic!("{e}: {stdout}"))["metrics"]
            .clone(),
        _ => serde_json::Value::Null,
    };
    (out.status.code(), metrics, stderr)
}

/// The trap frequencies DESIGN.md section 4 promises, inside the region
/// of interest, for both benchmarks at c = 64: sync exactly 1 per
/// syscall; batch one async_enter per batch (1/c); async-uintr and
/// adaptive (which takes the ring at this depth) far below 1, with a
/// user interrupt for every wait; async-trapnotify below 1 with none;
/// async-poll 0 with an IO core (two harts), a clean refusal without;
/// wake designs with a remote worker trap only to wake it (a remote
/// kernel side's munmaps fence the process's hart: interrupts, not traps).
#[test]
fn region_of_interest_trap_frequency_per_design() {
    let c = 64;
    let rounds = 4;
    for (workload, per_round) in [("null", 1), ("seed", 2)] {
        let syscalls = c * rounds * per_round;
        let batches = rounds * per_round;
        let metrics = |design: &str| {
            let (code, m, stderr) = workload_metrics(workload, design, c, rounds, &[]);
            assert_eq!(code, Some(0), "{workload} {design}: {stderr}");
            assert_eq!(m["syscalls"], syscalls, "{workload} {design}");
            assert_eq!(m["rounds"], rounds);
            assert_eq!(m["concurrency"], c);
            assert_eq!(m["interrupts"], 0, "{workload} {design}");
            m
        };
        let traps = |m: &serde_json::Value| m["traps"].as_u64().unwrap();
        let frequency = |m: &serde_json::Value| m["traps_per_syscall"].as_f64().unwrap();

        let sync = metrics("sync");
        assert_eq!(frequency(&sync), 1.0, "{workload}");
        assert_eq!(traps(&sync), syscalls);
        assert_eq!(sync["uintr_delivered"], 0);

        let batch = metrics("batch");
        assert_eq!(traps(&batch), batches, "{workload}: one enter per batch");
        assert!(frequency(&batch) <= 1.0 / c as f64, "{workload}: {batch}");

        for design in ["async-uintr", "adaptive"] {
            let m = metrics(design);
            // A wake and a wait per batch; each wait ends in a user interrupt.
            assert_eq!(traps(&m), 2 * batches, "{workload} {design}");
            assert!(frequency(&m) < 1.0);
            assert_eq!(m["uintr_delivered"], batches, "{workload} {design}");
        }

        let trapnotify = metrics("async-trapnotify");
        assert_eq!(
            traps(&trapnotify),
            3 * batches,
            "wake + wait + upcall return"
        );
        assert!(frequency(&trapnotify) < 1.0);
        assert_eq!(trapnotify["uintr_delivered"], 0);

        // One hart: no IO core to poll the ring, a clean refusal.
        let (code, _, stderr) = workload_metrics(workload, "async-poll", c, rounds, &[]);
        assert_eq!(code, Some(3), "{stderr}");
        assert!(
            stderr.contains("design async-poll is not available here"),
            "{stderr}"
        );
        // Two harts: the kernel makes the other one the IO core; the
        // process never traps inside the region. Each munmap the IO core
        // serves fences the process's hart before the frame is freed (a
        // remote sfence.vma, the TLB shootdown Linux pays too): an
        // interrupt from U-mode per munmap, none for getpid.
        let (code, poll, stderr) =
            workload_metrics(workload, "async-poll", c, rounds, &["--harts", "2"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(poll["syscalls"], syscalls, "{workload}");
        assert_eq!(poll["traps"], 0, "{workload}: {poll}");
        assert_eq!(poll["traps_per_syscall"], 0.0);
        let munmaps = if workload == "seed" { c * rounds } else { 0 };
        assert_eq!(poll["interrupts"], munmaps, "{workload}: {poll}");
        // A worker on the other hart: the receiver spins instead of
        // waiting, so only wakes trap (at most one per batch) and no
        // user interrupt is needed.
        for design in ["async-uintr", "async-trapnotify"] {
            let (code, m, stderr) = workload_metrics(
                workload,
                design,
                c,
                rounds,
                &["--harts", "2", "--param", "worker_hart=1"],
            );
            assert_eq!(code, Some(0), "{design}: {stderr}");
            assert_eq!(m["syscalls"], syscalls);
            let t = traps(&m);
            assert!((1..=batches).contains(&t), "{workload} {design}: {m}");
            assert_eq!(m["uintr_delivered"], 0, "{workload} {design}");
        }
    }
}

/// Every design with a kernel side on another hart (the IO core of
/// async-poll, a remote worker for the wake designs) completes both
/// programs at c = 1, 8 and 64 on two harts.
#[test]
fn io_core_and_remote_worker_designs_complete_on_two_harts() {
    for (design, extra) in [
        ("async-poll", ""),
        ("async-uintr", " worker_hart=1"),
        ("async-trapnotify", " worker_hart=1"),
        ("adaptive", " worker_hart=1"),
    ] {
        for (program, per_round, label) in [
            ("bench-null", 1u64, ""),
            ("bench-seed", 2, " kind=mapunmap payload=64"),
        ] {
            for c in [1u64, 8, 64] {
                let run = boot_kernel(
                    &format!("init={program} design={design} c={c} rounds=3{extra}"),
                    &["--harts", "2"],
                );
                let summary = format!(
                    "{program}: design={design} c={c} rounds=3{label}: {} syscalls ok",
                    c * 3 * per_round
                );
                assert_eq!(run.code, Some(0), "{design} c={c}:\n{}", run.show());
                assert!(run.has(&summary), "no `{summary}` in:\n{}", run.show());
            }
        }
    }
}

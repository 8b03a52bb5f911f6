//! `asyncsim run --workload`: the bundled kernel runs a benchmark, which
//! marks its region of interest and reports its counts through
//! sim-control; the CLI prints the §4 metrics. Checked against what the
//! guest itself prints, and for one clean error per kind of bad input.

mod guest_kernel;

use std::process::{Command, Output};

fn asyncsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .arg("run")
        .args(args)
        .output()
        .expect("asyncsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A refused run: exit `code`, exactly one line on stderr, no panic.
fn assert_one_line_error(o: &Output, code: i32, needle: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} in {err}");
}

const NULL_SYNC: &[&str] = &[
    "--workload",
    "null",
    "--design",
    "sync",
    "--concurrency",
    "4",
    "--rounds",
    "10",
    "--json",
];

/// The syscall count the guest prints ("...: N syscalls ok").
fn guest_reported_syscalls(console: &str) -> u64 {
    let line = console
        .lines()
        .find(|l| l.starts_with("bench-null:") && l.ends_with("syscalls ok"))
        .unwrap_or_else(|| panic!("no bench-null result line in:\n{console}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    words[words.len() - 3].parse().expect("a count")
}

#[test]
fn null_sync_takes_exactly_one_trap_per_syscall() {
    let o = asyncsim(NULL_SYNC);
    let stdout = text(&o.stdout);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stdout.trim_end().lines().count(), 1, "one object: {stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert_eq!(v["workload"], "null");
    assert_eq!(v["design"], "sync");
    assert_eq!(v["concurrency"], 4);
    let m = &v["metrics"];
    // The guest's console went to stderr, with its own count.
    assert_eq!(m["syscalls"], guest_reported_syscalls(&stderr));
    assert_eq!(m["syscalls"], 40);
    assert_eq!(m["rounds"], 10);
    assert_eq!(m["concurrency"], 4);
    assert_eq!(m["traps_per_syscall"], 1.0);
    assert_eq!(m["traps"], 40);
    assert_eq!(m["ecalls"], 40);
    assert_eq!(m["faults"], 0);
    assert_eq!(m["interrupts"], 0);
    assert_eq!(m["uintr_delivered"], 0);
    assert_eq!(m["regions"], 1);
    let insns = m["instructions"].as_u64().unwrap();
    let per_mode: u64 = [
        "instructions_user",
        "instructions_supervisor",
        "instructions_machine",
    ]
    .iter()
    .map(|k| m[k].as_u64().unwrap())
    .sum();
    assert_eq!(insns, per_mode);
    assert!(m["instructions_user"].as_u64().unwrap() > 0);
    // Functional time on one hart: a cycle per instruction and per trap.
    assert_eq!(m["cycles"].as_u64().unwrap(), insns + 40);
    let by_mode: u64 = ["cycles_user", "cycles_supervisor", "cycles_machine"]
        .iter()
        .map(|k| m[k].as_u64().unwrap())
        .sum();
    assert_eq!(by_mode, insns + 40);
    // Each ecall's cycle is the user's; the kernel's are its instructions.
    assert_eq!(m["cycles_supervisor"], m["instructions_supervisor"]);
    assert_eq!(
        m["cycles_per_round"].as_f64().unwrap(),
        m["cycles"].as_f64().unwrap() / 10.0
    );
    assert!(m["cycle_model"].as_str().unwrap().starts_with("functional"));
}

#[test]
fn same_request_same_json() {
    let a = asyncsim(NULL_SYNC);
    let b = asyncsim(NULL_SYNC);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(text(&a.stdout), text(&b.stdout));
}

#[test]
fn the_table_names_the_metrics_after_the_guest_output() {
    let o = asyncsim(&["--workload", "null", "--concurrency", "2", "--rounds", "3"]);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(stdout.contains("6 syscalls ok"), "{stdout}");
    for name in [
        "syscalls",
        "traps_per_syscall",
        "cycles_per_round",
        "cycle_model",
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(name)),
            "{name}: {stdout}"
        );
    }
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(row("syscalls"), "6");
    assert_eq!(row("traps_per_syscall"), "1.0000");
}

#[test]
fn unknown_names_and_bad_parameters_are_usage_errors() {
    let o = asyncsim(&["--workload", "nope"]);
    assert_one_line_error(&o, 2, "unknown workload \"nope\"");
    let o = asyncsim(&["--workload", "null", "--design", "warp"]);
    assert_one_line_error(&o, 2, "unknown design \"warp\"");
    let o = asyncsim(&["--workload", "null", "--param", "rounds=3"]);
    assert_one_line_error(&o, 2, "set by");
    let o = asyncsim(&["--workload", "null", "--param", "novalue"]);
    assert_one_line_error(&o, 2, "KEY=VALUE");
    // A key the workload's program does not read (a typo, or another
    // workload's) would be ignored by the guest: refused, with the keys.
    let o = asyncsim(&["--workload", "null", "--param", "worker_hrat=1"]);
    assert_one_line_error(&o, 2, "reads: worker_hart, threshold");
    let o = asyncsim(&["--workload", "null", "--param", "kind=write"]);
    assert_one_line_error(&o, 2, "workload null does not read it");
    // A design the workload's program does not run (it would refuse it
    // at start-up, after the boot): refused up front, with its designs.
    let o = asyncsim(&["--workload", "echo", "--design", "async-uintr"]);
    assert_one_line_error(
        &o,
        2,
        "workload echo does not run design async-uintr (it runs: sync)",
    );
    // A parameter the workload reads but the design cannot take.
    let o = asyncsim(&[
        "--workload",
        "null",
        "--design",
        "batch",
        "--param",
        "worker_hart=1",
    ]);
    assert_one_line_error(&o, 2, "not with design batch: batch serves its ring");
    let o = asyncsim(&["--workload", "null", "--concurrency", "0"]);
    assert_eq!(o.status.code(), Some(2));
    // A workload run has no ELF of its own.
    let o = asyncsim(&["/dev/null", "--workload", "null"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!text(&o.stderr).contains("panicked"));
}

#[test]
fn an_exhausted_budget_is_its_own_error() {
    let o = asyncsim(&["--workload", "null", "--max-insns", "20000", "--json"]);
    assert!(o.stdout.is_empty(), "no metrics: {}", text(&o.stdout));
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(124), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let errors: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("asyncsim: error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].contains("budget"), "{err}");
}

/// Runs `--workload NAME --design D --concurrency 4 --rounds 5 --json`
/// and returns the metrics, after checking the run ended cleanly.
fn pair_metrics(workload: &str, design: &str) -> (serde_json::Value, String) {
    let o = asyncsim(&[
        "--workload",
        workload,
        "--design",
        design,
        "--concurrency",
        "4",
        "--rounds",
        "5",
        "--json",
    ]);
    let stdout = text(&o.stdout);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "stderr: {stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert_eq!(v["workload"], workload);
    assert_eq!(v["design"], design);
    (v["metrics"].clone(), stderr)
}

/// The ipc workload starts bench-ipc twice (server and client). The
/// client reports 2 syscalls per call (its ipc_call and the server's
/// ipc_reply_recv), 2 x 4 x 5 = 40; each is exactly one ecall: a blocked
/// call is finished by the kernel without a second trap, and the server's
/// reply_recv that answers the last call traps before the client can end
/// the region.
#[test]
fn ipc_sync_takes_one_trap_per_syscall_of_the_pair() {
    let (m, console) = pair_metrics("ipc", "ipc-sync");
    assert!(
        console.contains("bench-ipc: design=ipc-sync c=4 rounds=5 payload=64: 20 calls ok"),
        "{console}"
    );
    assert!(
        console.contains("bench-ipc server: served 20 calls"),
        "{console}"
    );
    assert_eq!(m["syscalls"], 40);
    assert_eq!(m["rounds"], 5);
    assert_eq!(m["concurrency"], 4);
    assert_eq!(m["ecalls"], 40);
    assert_eq!(m["faults"], 0);
    assert_eq!(m["traps"], 40);
    assert_eq!(m["traps_per_syscall"], 1.0);
}

/// The echo workload: bench-echo twice over two named pipes; per echo the
/// client's write and read and the server's write and next read, all
/// inside the region: 4 x 4 x 5 = 80 syscalls, one trap each.
#[test]
fn echo_sync_takes_one_trap_per_syscall_of_the_pair() {
    let (m, console) = pair_metrics("echo", "sync");
    assert!(
        console.contains(
            "bench-echo: design=sync c=4 rounds=5 payload=64: 20 echoes ok (40 client syscalls)"
        ),
        "{console}"
    );
    assert_eq!(m["syscalls"], 80);
    assert_eq!(m["traps"], 80);
    assert_eq!(m["traps_per_syscall"], 1.0);
}

#[test]
fn idle_harts_add_nothing_to_the_region() {
    let metrics = |harts: &str| {
        let o = asyncsim(&[
            "--workload",
            "null",
            "--concurrency",
            "2",
            "--rounds",
            "5",
            "--harts",
            harts,
            "--json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
        assert_eq!(v["harts"], harts.parse::<u64>().unwrap());
        v["metrics"].clone()
    };
    let one = metrics("1");
    let two = metrics("2");
    assert_eq!(two["traps_per_syscall"], 1.0);
    assert_eq!(two["syscalls"], 10);
    // The second hart waits in WFI: no instructions, no traps of its own.
    assert_eq!(two["instructions"], one["instructions"]);
    assert_eq!(two["traps"], one["traps"]);
}

/// Timed, a hart asleep through the region is idled up to each of its
/// snapshots: its region lasts exactly as long as the workload hart's (it
/// used to be a whole number of quanta, those of its turns).
#[test]
fn a_sleeping_hart_spans_the_region_exactly() {
    let o = asyncsim(&[
        "--workload",
        "null",
        "--rounds",
        "4",
        "--harts",
        "2",
        "--preset",
        "rocket-fpga",
        "--quantum",
        "1000",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let region = v["metrics"]["cycles"].as_u64().unwrap();
    assert!(!region.is_multiple_of(1000), "{region}");
    let sleeper = &v["model"]["hart1"];
    assert_eq!(sleeper["cycles"]["total"].as_u64(), Some(region));
    assert_eq!(sleeper["idle_cycles"].as_u64(), Some(region));
}

/// Every parameter the host lets a workload take is one its program reads:
/// a malformed value of each makes the guest fail with bad parameters
/// naming the key (a key on the list that the program ignored would be
/// measured as its default without a word).
#[test]
fn every_accepted_parameter_is_read_by_the_program() {
    for w in workloads::WORKLOADS {
        let design = w.designs[0];
        for key in w.params {
            let param = format!("{key}=not-a-number");
            let o = asyncsim(&[
                "--workload",
                w.name,
                "--design",
                design,
                "--rounds",
                "1",
                "--harts",
                "2",
                "--param",
                &param,
            ]);
            let out = format!("{}{}", text(&o.stdout), text(&o.stderr));
            assert_eq!(o.status.code(), Some(3), "{} {param}: {out}", w.name);
            let named = format!("{key}=");
            assert!(
                out.contains(&named) || (*key == "kind" && out.contains("unknown kind")),
                "{} {param}: {out}",
                w.name
            );
        }
    }
}

/// The designs the registry says a workload runs are exactly the ones
/// its program runs: booted with every design (past the host's check),
/// each program completes a round of the listed ones and refuses the
/// others at start-up.
#[test]
fn every_workload_runs_exactly_the_designs_it_lists() {
    for w in workloads::WORKLOADS {
        for &design in workloads::DESIGNS {
            let run = guest_kernel::boot_kernel(
                &format!("init={} design={design} c=1 rounds=1", w.init_on(2)),
                &["--harts", "2"],
            );
            let runs = run.code == Some(0);
            assert_eq!(runs, w.runs(design), "{} {design}:\n{}", w.name, run.show());
            if !runs {
                // The program says why ("design D is not available here",
                // "only design=D is supported").
                let said = format!("{}: ", w.program);
                assert!(
                    run.lines
                        .iter()
                        .any(|l| l.starts_with(&said) && l.contains("design")),
                    "{} {design}:\n{}",
                    w.name,
                    run.show()
                );
            }
        }
    }
}

/// The parameters the registry says a design cannot take are ones its
/// program refuses: booted with them past the host's check, it fails at
/// set-up and says why.
#[test]
fn a_design_refuses_the_parameters_it_cannot_take() {
    for &(design, key, _) in workloads::NOT_FOR_DESIGN {
        for w in workloads::WORKLOADS.iter().filter(|w| w.runs(design)) {
            assert!(w.params.contains(&key), "{} {key}", w.name);
            let run = guest_kernel::boot_kernel(
                &format!("init={} design={design} c=1 rounds=1 {key}=1", w.init_on(2)),
                &["--harts", "2"],
            );
            assert_ne!(
                run.code,
                Some(0),
                "{} {design} {key}:\n{}",
                w.name,
                run.show()
            );
            let said = format!("{}: design {design} is not available here", w.program);
            assert!(
                run.lines.iter().any(|l| l.starts_with(&said)),
                "{} {design} {key}:\n{}",
                w.name,
                run.show()
            );
        }
    }
}

//! The guest kernel against random system calls: four `user-fuzz`
//! processes per boot, on one hart and on two, for several seeds, each
//! making calls with random numbers and hostile arguments (see
//! `user-fuzz.rs`) until it has made its calls or blocks for good.
//!
//! The kernel must never panic, lose track of a process or leak, and must
//! end every run in one of two ways: it ends each process (exit, kill, or
//! as a deadlock victim once all are blocked) and shuts down; or, when a
//! process holds a syscall ring (its worker might still wake someone, so
//! the kernel declares no deadlock) and every process blocked, the machine
//! idles for good, which the simulator reports and stops. Anything else,
//! such as idling with no ring, or a run that never stops, is a kernel bug.

mod guest_kernel;
use guest_kernel::{boot_kernel, KernelRun};

const SHUTDOWN: &str = "kernel: all processes done, shutting down";
const IDLE_FOR_GOOD: &str = "all harts wait for an interrupt that cannot arrive";
const SEEDS: u64 = 8;
/// Processes per boot; the test reads pids 1..=PROCESSES.
const PROCESSES: usize = 4;

/// Boots `PROCESSES` fuzzers with `seed` on `harts` harts (alternating),
/// functional.
fn fuzz(seed: u64, harts: usize) -> KernelRun {
    fuzz_with(seed, harts, &[])
}

/// [`fuzz`] with more `asyncsim run` flags.
fn fuzz_with(seed: u64, harts: usize, flags: &[&str]) -> KernelRun {
    let init: Vec<String> = (0..PROCESSES)
        .map(|i| format!("user-fuzz@{}", i % harts))
        .collect();
    let bootargs = format!("init={} fuzz_calls=20000 fuzz_seed={seed}", init.join(","));
    let harts = harts.to_string();
    let mut all = vec!["--harts", harts.as_str()];
    all.extend_from_slice(flags);
    boot_kernel(&bootargs, &all)
}

/// Whether a line contains `text`: the fuzzers write random bytes to the
/// console too, so a kernel line may follow some on the same line.
fn said(run: &KernelRun, text: &str) -> bool {
    run.lines.iter().any(|l| l.contains(text))
}

/// Whether the kernel reported how process `pid` ended.
fn ended(run: &KernelRun, pid: usize) -> bool {
    [
        format!("process {pid} exited with code"),
        format!("process {pid} killed by"),
        format!("process {pid}: deadlock"),
    ]
    .iter()
    .any(|report| said(run, report))
}

/// Checks one run; whether the kernel shut down (rather than idling with
/// a ring).
fn check(run: &KernelRun, what: &str) -> bool {
    for bad in ["panic", "lost", "leaked", "kernel tasks left"] {
        assert!(!said(run, bad), "{what}: {bad}\n{}", run.show());
    }
    if said(run, SHUTDOWN) {
        assert!(matches!(run.code, Some(0 | 1)), "{what}\n{}", run.show());
        for pid in 1..=PROCESSES {
            assert!(ended(run, pid), "{what}: pid {pid}\n{}", run.show());
        }
        return true;
    }
    assert!(
        run.stderr.contains(IDLE_FOR_GOOD),
        "{what}: neither shut down nor idle for good\n{}",
        run.show()
    );
    assert!(
        said(run, "has a syscall ring"),
        "{what}: idle for good although no process has a ring (the kernel \
         should have ended the deadlock)\n{}",
        run.show()
    );
    false
}

#[test]
fn random_syscalls_never_break_the_kernel() {
    let mut shut_down = 0;
    for harts in [1, 2] {
        for seed in 1..=SEEDS {
            let run = fuzz(seed, harts);
            shut_down += check(&run, &format!("seed {seed}, {harts} hart(s)")) as usize;
        }
    }
    // Most seeds end in a deadlock the kernel must break; a change that
    // made every run idle would leave that untested.
    assert!(
        shut_down >= SEEDS as usize / 2,
        "{shut_down} runs shut down"
    );
}

/// The same under the timing model: the model takes whatever events the
/// kernel's answers to random calls make (walks of torn-down spaces,
/// rings full of garbage, idle harts) without a host panic.
#[test]
fn random_syscalls_under_the_timing_model() {
    for harts in [1, 2] {
        for seed in [1, 2] {
            let run = fuzz_with(seed, harts, &["--preset", "rocket-fpga"]);
            check(&run, &format!("rocket-fpga, seed {seed}, {harts} hart(s)"));
        }
    }
}

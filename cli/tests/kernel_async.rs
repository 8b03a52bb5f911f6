//! The kernel side of the async syscall designs on the emulator: each
//! guest program checks its own results and exits non-zero on any
//! failure; these tests boot firmware + kernel with the programs named
//! in `init=` and check the exit code, the programs' summary lines and,
//! for user interrupts, the machine's own delivery counter.

mod guest_kernel;
use guest_kernel::{boot_kernel, KernelRun};

/// Runs firmware + kernel with `init=<programs>` (and `--json`).
fn boot(programs: &str) -> KernelRun {
    boot_on(1, programs)
}

/// As [`boot`], on `harts` harts.
fn boot_on(harts: u32, programs: &str) -> KernelRun {
    boot_kernel(
        &format!("init={programs}"),
        &["--json", "--harts", &harts.to_string()],
    )
}

/// The number after `"key": ` in the `--json` statistics block `block`.
fn counter(run: &KernelRun, block: &str, key: &str) -> Option<u64> {
    let json = run.json();
    let at = json.find(&format!("\"{block}\""))?;
    let rest = &json[at..];
    let at = rest.find(&format!("\"{key}\": "))? + key.len() + 4;
    let digits: String = rest[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Exit 0, every line of `summaries` printed, and an orderly shutdown.
fn assert_passed(run: &KernelRun, summaries: &[&str]) {
    run.assert_exit(0);
    for summary in summaries {
        assert!(run.has(summary), "no {summary:?} in:\n{}", run.show());
    }
    assert!(
        run.has("kernel: all processes done, shutting down"),
        "{}",
        run.show()
    );
}

/// Batch: requests run inside ASYNC_ENTER, completions in order with the
/// right tags and results; calls that cannot run from a ring fail there;
/// a full completion ring stops service without losing requests.
#[test]
fn batch_enter_runs_ring_requests() {
    let run = boot("user-async-enter");
    assert_passed(&run, &["user-async-enter: all 71 checks passed"]);
    assert!(run.has("user-async-enter: write from the ring"));
}

/// async-uintr, worker on the same hart: one wake trap per round, one
/// kernel notification per round, each delivered as a user interrupt.
#[test]
fn wake_worker_notifies_by_user_interrupt() {
    let run = boot("user-async-uintr");
    assert_passed(&run, &["user-async-uintr: all 141 checks passed"]);
    assert_eq!(
        counter(&run, "uintr", "delivered"),
        Some(5),
        "{}",
        run.json()
    );
}

/// async-trapnotify: the same rounds with upcalls; the interrupted
/// context (integer and FP) survives every upcall.
#[test]
fn wake_worker_notifies_by_upcall() {
    let run = boot("user-async-upcall");
    assert_passed(&run, &["user-async-upcall: all 90 checks passed"]);
    assert_eq!(
        counter(&run, "uintr", "delivered"),
        Some(0),
        "{}",
        run.json()
    );
}

/// User-to-user UINTR through a handle, with a hostile third process
/// that tries forged handles and unfilled sender-table indices: the
/// receiver gets exactly the sender's three interrupts.
#[test]
fn user_to_user_interrupts_reach_only_named_receivers() {
    let run = boot("user-uintr-recv,user-uintr-send,user-hostile-async");
    assert_passed(
        &run,
        &[
            "user-uintr-recv: all 16 checks passed",
            "user-uintr-send: all 9 checks passed",
            "user-hostile-async: all 102 checks passed",
        ],
    );
    // 3 to the receiver, 1 the hostile process sent itself.
    assert_eq!(
        counter(&run, "uintr", "delivered"),
        Some(4),
        "{}",
        run.json()
    );
}

/// The hostile async user alone (no receiver to attack) still gets every
/// error right, and the kernel survives its garbage rings.
#[test]
fn hostile_async_user_gets_errors_not_a_kernel_crash() {
    let run = boot("user-hostile-async");
    assert_passed(&run, &["user-hostile-async: all 101 checks passed"]);
}

/// Reading the ring address without a ring of one's own faults and kills
/// only that process, while another process with a ring runs to its end.
#[test]
fn another_process_ring_is_out_of_reach() {
    let run = boot("user-async-uintr,user-hostile-peek,user-hello");
    let all = run.lines.join("\n");
    assert_eq!(run.code, Some(1), "{all}\n{}", run.stderr);
    assert!(
        run.has_prefix("process 2 killed by load page fault (scause=0xd"),
        "{all}"
    );
    assert!(!all.contains("not isolated"), "{all}");
    assert!(run.has("user-async-uintr: all 141 checks passed"), "{all}");
    assert!(run.has("process 1 exited with code 0"), "{all}");
    assert!(run.has("process 3 exited with code 0"), "{all}");
}

/// Same inputs, same run.
#[test]
fn async_runs_are_deterministic() {
    let a = boot("user-uintr-recv,user-uintr-send,user-async-uintr");
    let b = boot("user-uintr-recv,user-uintr-send,user-async-uintr");
    assert_eq!(a.code, Some(0), "{}", a.lines.join("\n"));
    assert_eq!(a.lines, b.lines);
}

/// On two harts: the async designs' processes on hart 1 (its own
/// executor and UINTR set-up), and user-to-user interrupts from a sender
/// on hart 1 to a receiver blocked on hart 0.
#[test]
fn async_designs_and_cross_hart_user_interrupts_on_two_harts() {
    let run = boot_on(
        2,
        "user-async-uintr@1,user-async-upcall@1,user-async-enter,\
         user-uintr-recv,user-uintr-send@1,user-hostile-async@1",
    );
    assert_passed(
        &run,
        &[
            "user-async-uintr: all 141 checks passed",
            "user-async-upcall: all 90 checks passed",
            "user-async-enter: all 71 checks passed",
            "user-uintr-recv: all 16 checks passed",
            "user-uintr-send: all 9 checks passed",
            "user-hostile-async: all 102 checks passed",
        ],
    );
}

/// The other placements on four harts: a Mode::Poll ring served by an IO
/// core (no syscall between setup and exit: the only traps are the
/// setup, getpid, the summary write and exit) and a Mode::Wake worker on
/// another hart whose user interrupts reach the process; both on hart 3,
/// which takes the async-hart role when the first ring names it.
#[test]
fn io_core_polls_and_a_remote_worker_serves_on_another_hart() {
    let run = boot_on(4, "user-async-poll,user-async-remote worker_hart=3");
    assert_passed(&run, &["user-async-poll: all 395 checks passed"]);
    // How often it waits (one check each) depends on the placement.
    let remote = run
        .lines
        .iter()
        .find(|l| l.starts_with("user-async-remote: all "));
    assert!(
        remote.is_some_and(|l| l.ends_with(" checks passed")),
        "{}",
        run.lines.join("\n")
    );
    let delivered = counter(&run, "uintr", "delivered").unwrap_or(0);
    assert!(delivered >= 1, "{}", run.json());
}

/// On one hart there is no IO core for Mode::Poll: setup fails with
/// -ENODEV (user-hostile-async checks the -EINVAL of harts not online).
#[test]
fn poll_needs_another_online_hart() {
    let run = boot_on(1, "user-async-poll");
    let all = run.lines.join("\n");
    assert_eq!(run.code, Some(1), "{all}");
    assert!(
        run.has("user-async-poll: FAIL setup: got -19, want 805306368"),
        "{all}"
    );
}

/// Only secondary harts take the async-hart role: the boot hart runs the
/// kernel's `main` and never looks for one. A ring that names it, or an
/// IO core that could only be it, is refused at setup (the process fails
/// with the errno) instead of waiting forever for a service that never
/// starts; with a third hart the IO core goes there.
#[test]
fn the_boot_hart_is_never_given_the_async_role() {
    let remote = boot_on(2, "user-async-remote@1 worker_hart=0");
    remote.assert_exit(1);
    assert!(
        remote.has("user-async-remote: FAIL setup: got -16, want 805306368"),
        "{}",
        remote.show()
    );
    let poll = boot_on(2, "user-async-poll@1");
    poll.assert_exit(1);
    assert!(
        poll.has("user-async-poll: FAIL setup: got -19, want 805306368"),
        "{}",
        poll.show()
    );
    let poll = boot_on(3, "user-async-poll@1");
    assert_passed(&poll, &["user-async-poll: all 395 checks passed"]);
}

/// Interrupts taken in S-mode by hart `hart` of a `--json` run.
fn supervisor_interrupts(run: &KernelRun, hart: usize) -> u64 {
    let stats: serde_json::Value = serde_json::from_str(run.json()).expect("--json stats");
    stats[format!("hart{hart}")]["interrupts"]["from_supervisor"]
        .as_u64()
        .unwrap_or_else(|| panic!("no interrupt count for hart {hart}:\n{}", run.show()))
}

/// The kernel kicks a process's own hart (where it was placed, not the
/// boot hart that loaded it) when its completions are ready: with the
/// processes on hart 1 and their workers on hart 1 or 2, the boot hart
/// takes no more interrupts than when hart 1 runs a plain program.
#[test]
fn completion_ipis_go_to_the_hart_the_process_runs_on() {
    let plain = boot_on(3, "user-hello@1");
    plain.assert_exit(0);
    let boot_hart_alone = supervisor_interrupts(&plain, 0);
    for init in ["user-async-uintr@1", "user-async-remote@1 worker_hart=2"] {
        let run = boot_on(3, init);
        run.assert_exit(0);
        assert_eq!(
            supervisor_interrupts(&run, 0),
            boot_hart_alone,
            "{init}: the boot hart was kicked\n{}",
            run.show()
        );
    }
}

/// A munmap served by the IO core on another hart fences the process's
/// hart before the frame is freed: the process's next read of the page,
/// with no kernel entry in between, is a page fault at that address (a
/// stale translation would read the freed frame, and the program would
/// report it).
#[test]
fn a_remote_munmap_fences_the_process_hart() {
    let run = boot_on(2, "user-async-unmap");
    run.assert_exit(1);
    let killed = run.lines.iter().any(|l| {
        l.starts_with("process 1 killed by load page fault (scause=0xd")
            && l.ends_with("stval=0x20080000)")
    });
    assert!(killed, "{}", run.show());
    assert!(!run.has_prefix("user-async-unmap: FAIL"), "{}", run.show());
}

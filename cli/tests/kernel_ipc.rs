//! The guest kernel's blocking calls on the emulator: pipes (within one
//! process and across two, blocking on a full and an empty pipe), the
//! synchronous IPC endpoints, a hostile process against both, deadlock
//! detection, and the two benchmarks built on them (`bench-ipc` for
//! ipc-sync, `bench-echo` for sync). The user programs check their own
//! results and print "all N checks passed"; these tests also pin N, so a
//! check that silently stopped running is noticed.

mod guest_kernel;
use guest_kernel::{boot_kernel, KernelRun};

const BOOTED: &str = "kernel booted (Sv39)";
const SHUTDOWN: &str = "kernel: all processes done, shutting down";

/// Fails if the kernel reported a leaked page frame.
fn assert_no_leaks(run: &KernelRun) {
    assert!(
        !run.lines.iter().any(|l| l.contains("leaked")),
        "{}",
        run.show()
    );
}

/// Runs firmware + kernel on one hart with `bootargs`.
fn boot(bootargs: &str) -> KernelRun {
    boot_on(1, bootargs)
}

/// Runs firmware + kernel on `harts` harts with `bootargs`; the lines
/// from the kernel's boot line on.
fn boot_on(harts: u32, bootargs: &str) -> KernelRun {
    boot_kernel(bootargs, &["--harts", &harts.to_string()]).starting_at(BOOTED)
}

/// Error checks, a round trip, a full buffer, EOF and EPIPE in each of two
/// processes, then a writer blocking on a full named pipe while the
/// reader sleeps, the reader blocking on the empty one, and -EPIPE across
/// processes.
#[test]
fn pipes_work_and_block_within_and_across_processes() {
    let run = boot("init=user-pipes,user-pipes");
    run.assert_exit(0);
    run.line("user-pipes (writer): all 49 checks passed");
    run.line("user-pipes (reader): all 54 checks passed");
    run.line("process 1 exited with code 0");
    run.line("process 2 exited with code 0");
    run.line(SHUTDOWN);
    assert_no_leaks(&run);
}

/// Calls of 0..=256 bytes, one-way sends, truncated replies, every
/// argument error, and a server that dies without replying: its caller
/// gets -EPIPE instead of hanging.
#[test]
fn ipc_endpoints_call_send_reply_and_fail_cleanly() {
    let run = boot("init=user-ipc,user-ipc");
    run.assert_exit(0);
    let server = run.line("user-ipc (server): all 3 checks passed");
    let client = run.line("user-ipc (client): all 55 checks passed");
    // The client's last call ends only once the server has gone.
    assert!(server < client, "{:#?}", run.lines);
    run.line(SHUTDOWN);
    assert_no_leaks(&run);
}

/// Bad pointers, fds, flags and lengths against every pipe and IPC call
/// get the right errors; full tables are refused; the fds the process
/// still holds when it exits are released (no leak report).
#[test]
fn a_hostile_process_gets_errors_and_leaks_nothing() {
    let run = boot("init=user-ipc-hostile");
    run.assert_exit(0);
    run.line("user-ipc-hostile: all 55 checks passed");
    run.line("process 1 exited with code 0");
    assert_no_leaks(&run);
}

/// A process blocked forever (its own empty pipe) is ended once nothing
/// else can run, after the other process finished; the run fails.
#[test]
fn a_deadlock_is_reported_and_ended_not_hung() {
    let run = boot("init=user-deadlock,user-hello");
    run.assert_exit(1);
    run.line("hello from user space (pid 2)");
    let hello = run.line("process 2 exited with code 0");
    let dead = run.line("process 1: deadlock, every process is blocked");
    assert!(hello < dead, "{:#?}", run.lines);
    assert!(!run
        .lines
        .iter()
        .any(|l| l.starts_with("user-deadlock: read returned")));
    run.line(SHUTDOWN);
    assert_no_leaks(&run);
}

/// A process killed while holding the read end of a pipe wakes the
/// writer blocked on the full pipe with -EPIPE.
#[test]
fn a_killed_partner_wakes_the_blocked_writer_with_epipe() {
    let run = boot("init=user-partner-dies,user-partner-dies");
    run.assert_exit(1);
    let killed = run
        .lines
        .iter()
        .position(|l| l.starts_with("process 1 killed by store page fault"))
        .unwrap_or_else(|| panic!("no kill report in {:#?}", run.lines));
    let passed = run.line("user-partner-dies (survivor): all 7 checks passed");
    assert!(killed < passed, "{:#?}", run.lines);
    run.line("process 2 exited with code 0");
    assert_no_leaks(&run);
}

/// bench-ipc: the server echoes inverted bytes, the client checks every
/// reply; parameters come from the command line; other designs are
/// refused by both instances.
#[test]
fn the_ipc_benchmark_runs_ping_pong_with_its_parameters() {
    let run = boot("init=bench-ipc,bench-ipc design=ipc-sync c=2 rounds=50 payload=256");
    run.assert_exit(0);
    run.line("bench-ipc server: served 100 calls");
    run.line("bench-ipc: design=ipc-sync c=2 rounds=50 payload=256: 100 calls ok");
    assert_no_leaks(&run);

    let run = boot("init=bench-ipc,bench-ipc design=sync");
    run.assert_exit(1);
    assert_eq!(
        run.lines
            .iter()
            .filter(|l| *l == "bench-ipc: only design=ipc-sync is supported")
            .count(),
        2
    );
    let run = boot("init=bench-ipc,bench-ipc payload=257");
    run.assert_exit(1);
    run.line("bench-ipc: payload must be 1..=256 bytes");
}

/// bench-echo: requests through one named pipe, answers through another.
#[test]
fn the_echo_benchmark_runs_over_pipes() {
    let run = boot("init=bench-echo,bench-echo design=sync c=3 rounds=20 payload=4096");
    run.assert_exit(0);
    run.line(
        "bench-echo: design=sync c=3 rounds=20 payload=4096: 60 echoes ok (120 client syscalls)",
    );
    run.line("process 1 exited with code 0");
    assert_no_leaks(&run);

    let run = boot("init=bench-echo,bench-echo design=ipc-sync");
    run.assert_exit(1);
    run.line("bench-echo: only design=sync is supported");
}

/// Blocking and waking depend only on the guest's events: two runs of
/// the ping-pong retire exactly the same instructions.
#[test]
fn ipc_runs_are_deterministic() {
    let last_line = |run: &KernelRun| {
        run.stderr
            .lines()
            .find(|l| l.contains("instructions"))
            .map(|l| l.split(" in ").next().unwrap_or("").to_owned())
            .unwrap_or_default()
    };
    let a = boot("init=bench-ipc,bench-ipc rounds=30");
    let b = boot("init=bench-ipc,bench-ipc rounds=30");
    a.assert_exit(0);
    assert!(!last_line(&a).is_empty(), "{}", a.stderr);
    assert_eq!(last_line(&a), last_line(&b));
}

/// The ping-pong with the server on hart 0 and the client on hart 1: each
/// call wakes a process queued on the other hart (an IPI ends its idle
/// wait), every reply is checked, and nothing leaks.
#[test]
fn ipc_partners_on_two_harts_wake_each_other() {
    let run = boot_on(
        2,
        "init=bench-ipc@0,bench-ipc@1 design=ipc-sync c=2 rounds=50 payload=256",
    );
    run.assert_exit(0);
    run.line("bench-ipc server: served 100 calls");
    run.line("bench-ipc: design=ipc-sync c=2 rounds=50 payload=256: 100 calls ok");
    run.line("process 1 exited with code 0");
    run.line("process 2 exited with code 0");
    run.line(SHUTDOWN);
    assert_no_leaks(&run);
    // The other way round too (the client may be the one on hart 0).
    let run = boot_on(2, "init=bench-ipc@1,bench-ipc@0 rounds=20");
    run.assert_exit(0);
    run.line("bench-ipc: design=ipc-sync c=1 rounds=20 payload=64: 20 calls ok");
    assert_no_leaks(&run);
}

/// The pipe programs with writer and reader on different harts: blocking
/// on a full and an empty named pipe and -EPIPE work across harts.
#[test]
fn pipe_partners_on_two_harts_block_and_wake() {
    let run = boot_on(2, "init=user-pipes@0,user-pipes@1");
    run.assert_exit(0);
    run.line("user-pipes (writer): all 49 checks passed");
    run.line("user-pipes (reader): all 54 checks passed");
    run.line(SHUTDOWN);
    assert_no_leaks(&run);
    let run = boot_on(
        2,
        "init=bench-echo@1,bench-echo@0 c=2 rounds=10 payload=100",
    );
    run.assert_exit(0);
    run.line(
        "bench-echo: design=sync c=2 rounds=10 payload=100: 20 echoes ok (40 client syscalls)",
    );
    assert_no_leaks(&run);
}

/// IPC with the processes spread over four harts: the client/server pair
/// of user-ipc, where the server dies and its caller on another hart gets
/// -EPIPE.
#[test]
fn ipc_checks_pass_across_harts() {
    let run = boot_on(4, "init=user-ipc@2,user-ipc@3");
    run.assert_exit(0);
    run.line("user-ipc (server): all 3 checks passed");
    run.line("user-ipc (client): all 55 checks passed");
    assert_no_leaks(&run);
}

/// A process killed on one hart while holding the read end wakes the
/// writer blocked on another hart with -EPIPE.
#[test]
fn a_killed_partner_on_another_hart_wakes_the_writer() {
    let run = boot_on(2, "init=user-partner-dies@0,user-partner-dies@1");
    run.assert_exit(1);
    let killed = run
        .lines
        .iter()
        .position(|l| l.contains("killed by store page fault"))
        .unwrap_or_else(|| panic!("no kill report in {:#?}", run.lines));
    let passed = run.line("user-partner-dies (survivor): all 7 checks passed");
    assert!(killed < passed, "{:#?}", run.lines);
    assert_no_leaks(&run);
}

/// Deadlock detection counts every hart: the blocked process on hart 1
/// is ended only after the process on hart 0 has exited, and the idle
/// hart 1 is woken to end it.
#[test]
fn a_deadlock_across_harts_is_ended_by_the_blocked_process_hart() {
    let run = boot_on(2, "init=user-deadlock@1,user-spin@0");
    run.assert_exit(1);
    let spun = run.line("process 2 exited with code 0");
    let dead = run.line("process 1: deadlock, every process is blocked");
    assert!(spun < dead, "{:#?}", run.lines);
    run.line(SHUTDOWN);
    assert_no_leaks(&run);
}

/// Pipe and IPC calls from an async ring never block the kernel: -EAGAIN
/// for a pipe call that would wait, -EINVAL for the IPC calls that wait
/// for a partner, the rest served as by ecall.
#[test]
fn ring_pipe_and_ipc_calls_complete_without_blocking() {
    let run = boot("init=user-async-pipes");
    run.assert_exit(0);
    run.line("user-async-pipes: all 34 checks passed");
    assert_no_leaks(&run);
}

/// Two processes blocked forever on two harts: once both are blocked the
/// lower pid is ended, and after its end the other, now alone and still
/// blocked, is ended too; the kernel shuts down instead of hanging.
#[test]
fn deadlocks_are_ended_one_after_another_across_harts() {
    let run = boot_on(2, "init=user-deadlock@0,user-deadlock@1");
    run.assert_exit(1);
    let first = run.line("process 1: deadlock, every process is blocked");
    let second = run.line("process 2: deadlock, every process is blocked");
    assert!(first < second, "{:#?}", run.lines);
    run.line(SHUTDOWN);
    assert_no_leaks(&run);
}

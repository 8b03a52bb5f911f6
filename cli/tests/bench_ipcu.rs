//! The ipc-uintr design: `bench-ipcu` twice (server + client over a
//! user-to-user channel with UINTR notification) on the emulator, on one
//! hart (both sides wait in UINTR_WAIT) and on two (each side spins on
//! its hart). The client checks every reply and exits non-zero on any
//! mismatch; the kernel powers off with exit 1 if a process failed or a
//! page frame leaked (channel frames included), so exit 0 means all
//! replies were right and every frame came back.

mod guest_kernel;
use guest_kernel::boot_kernel;
use std::process::Command;

/// Boots firmware + kernel on `harts` harts with `bootargs`: exit code
/// and the console.
fn boot(bootargs: &str, harts: u32) -> (Option<i32>, String) {
    let run = boot_kernel(bootargs, &["--harts", &harts.to_string()]);
    (run.code, run.stdout + &run.stderr)
}

/// `run --workload ipcu --design ipc-uintr --json`: exit code, stdout.
fn workload_json(c: u64, rounds: u64, harts: u32) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .arg("run")
        .args(["--workload", "ipcu", "--design", "ipc-uintr", "--json"])
        .args(["--concurrency", &c.to_string()])
        .args(["--rounds", &rounds.to_string()])
        .args(["--harts", &harts.to_string()])
        .output()
        .expect("asyncsim runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn metrics(c: u64, rounds: u64, harts: u32) -> serde_json::Value {
    let (code, stdout, stderr) = workload_json(c, rounds, harts);
    assert_eq!(code, Some(0), "c={c} harts={harts}: {stderr}");
    serde_json::from_str::<serde_json::Value>(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
        ["metrics"]
        .clone()
}

#[test]
fn completes_at_every_concurrency_on_one_and_two_harts() {
    let rounds = 3;
    for (harts, init) in [
        (1, "bench-ipcu,bench-ipcu"),
        (2, "bench-ipcu@0,bench-ipcu@1"),
    ] {
        for (c, payload) in [(1, 1), (8, 64), (64, 256), (100, 64)] {
            let args =
                format!("init={init} design=ipc-uintr c={c} rounds={rounds} payload={payload}");
            let (code, console) = boot(&args, harts);
            let calls = c * rounds;
            let what = format!("{args} harts={harts}:\n{console}");
            assert_eq!(code, Some(0), "{what}");
            assert!(
                console.contains(&format!(
                    "bench-ipcu: design=ipc-uintr c={c} rounds={rounds} payload={payload}: {calls} calls ok"
                )),
                "{what}"
            );
            assert!(
                console.contains(&format!("bench-ipcu server: served {calls} requests")),
                "{what}"
            );
            assert!(!console.contains("leaked"), "{what}");
        }
    }
}

/// Exactly what traps inside the region of interest: on one hart each
/// side's UINTR_WAIT once per round (the client after sending its c
/// requests, the server after answering them), so 2 x rounds traps for
/// 2 x c x rounds messages: traps_per_syscall = 1/c; every notification
/// (one each way per round) is delivered when its receiver runs again.
/// On two harts nothing traps at all (both sides spin; set-up is over
/// before the region begins) and the notifications interrupt the
/// spinning receiver directly.
#[test]
fn traps_only_to_wait_and_never_on_two_harts() {
    let (c, rounds) = (8, 5);
    let one = metrics(c, rounds, 1);
    assert_eq!(one["syscalls"], 2 * c * rounds);
    assert_eq!(one["rounds"], rounds);
    assert_eq!(one["concurrency"], c);
    assert_eq!(one["traps"], 2 * rounds, "{one}");
    assert_eq!(one["ecalls"], 2 * rounds, "{one}");
    assert_eq!(one["traps_per_syscall"], 1.0 / c as f64, "{one}");
    assert_eq!(one["uintr_sent"], 2 * rounds, "{one}");
    assert_eq!(one["uintr_delivered"], 2 * rounds, "{one}");
    assert_eq!(one["uintr_send_rejected"], 0, "{one}");

    let two = metrics(c, rounds, 2);
    assert_eq!(two["syscalls"], 2 * c * rounds);
    assert_eq!(two["traps"], 0, "{two}");
    assert_eq!(two["traps_per_syscall"], 0.0, "{two}");
    assert!(two["uintr_delivered"].as_u64().unwrap() > 0, "{two}");
    assert_eq!(two["uintr_send_rejected"], 0, "{two}");
}

#[test]
fn same_json_twice() {
    for harts in [1, 2] {
        let a = workload_json(8, 3, harts);
        let b = workload_json(8, 3, harts);
        assert_eq!(a.0, Some(0), "{}", a.2);
        assert_eq!(a.1, b.1, "harts={harts}");
    }
}

/// A third process can neither join the pair's channel (-EBUSY) nor send
/// to either party; its own channel's frames are freed when it exits.
#[test]
fn a_third_process_stays_out() {
    let args = "init=bench-ipcu,bench-ipcu,user-hostile-channel design=ipc-uintr c=8 rounds=3";
    let (code, console) = boot(args, 1);
    assert_eq!(code, Some(0), "{console}");
    assert!(
        console.contains("user-hostile-channel: all ") && !console.contains("FAIL"),
        "{console}"
    );
    assert!(
        console.contains("bench-ipcu: design=ipc-uintr c=8 rounds=3 payload=64: 24 calls ok"),
        "{console}"
    );
    assert!(!console.contains("leaked"), "{console}");
}

/// A server whose client never comes gives up with a clear message (no
/// hang), and its channel's frames are freed with it (no leak report).
#[test]
fn a_lonely_server_gives_up_without_leaking() {
    let (code, console) = boot("init=bench-ipcu design=ipc-uintr c=1 rounds=1", 1);
    assert_eq!(code, Some(1), "{console}");
    assert!(
        console.contains("bench-ipcu: the peer never connected"),
        "{console}"
    );
    assert!(
        console.contains("process 1 exited with code 3"),
        "{console}"
    );
    assert!(!console.contains("leaked"), "{console}");
}

#[test]
fn bad_parameters_are_refused() {
    for bad in ["c=0", "payload=257", "payload=0", "design=ipc-sync"] {
        let (code, console) = boot(&format!("init=bench-ipcu,bench-ipcu {bad}"), 1);
        assert_eq!(code, Some(1), "{bad}: {console}");
        assert!(
            console.contains("process 1 exited with code 2"),
            "{bad}: {console}"
        );
        assert!(
            console.contains("process 2 exited with code 2"),
            "{bad}: {console}"
        );
    }
}

/// The client leaves without its quit message: the kernel marks the
/// channel closed and interrupts the server, which stops with exit code
/// 4 instead of waiting forever (spinning on two harts, in UINTR_WAIT on
/// one); the frames go back once both are gone.
#[test]
fn a_server_notices_its_client_leaving() {
    for (harts, init) in [
        (1, "bench-ipcu,bench-ipcu"),
        (2, "bench-ipcu@0,bench-ipcu@1"),
    ] {
        let args = format!("init={init} design=ipc-uintr c=4 rounds=5 leave_after=2");
        let (code, console) = boot(&args, harts);
        assert_eq!(code, Some(1), "harts={harts}: {console}");
        assert!(
            console.contains("bench-ipcu: leaving after 2 rounds"),
            "{console}"
        );
        assert!(
            console.contains("bench-ipcu: the peer left the channel"),
            "{console}"
        );
        // Either process may be the server (the first to create).
        let exited = |code: i32| {
            (1..=2)
                .filter(|pid| console.contains(&format!("process {pid} exited with code {code}")))
                .count()
        };
        assert_eq!((exited(4), exited(0)), (1, 1), "{console}");
        assert!(!console.contains("leaked"), "{console}");
    }
}

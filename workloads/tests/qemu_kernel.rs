//! The firmware + kernel pair on QEMU's virt machine (`-bios sbi -kernel
//! kernel`), the reference for `asyncsim run --bios --kernel` (see
//! cli/tests/kernel_boot.rs, which expects the same lines). QEMU's timer
//! follows the host clock, so where processes could be preempted at
//! different points the tests compare the set of lines, not their order.
//! Skipped, with a notice, when `qemu-system-riscv64` is not on PATH.

mod common;

use common::{elf_file, qemu_available, run_qemu};
use std::ffi::OsString;
use std::time::Duration;
use workloads::boot_transcript::{smp_selftest, DEFAULT_BOOT};

const TIMEOUT: Duration = Duration::from_secs(60);

/// Output lines the kernel and its processes must print, in this order.
const EXPECTED: &[&str] = DEFAULT_BOOT;

/// Boots firmware + kernel on QEMU with `harts` harts and `append` as the
/// command line; returns (exit code, output lines from the boot line on).
fn boot(harts: usize, append: Option<&str>) -> (Option<i32>, Vec<String>) {
    let sbi = elf_file("sbi", workloads::firmware());
    let kernel = elf_file("kernel", workloads::kernel());
    let mut args: Vec<OsString> = vec![
        "-bios".into(),
        sbi.clone().into(),
        "-kernel".into(),
        kernel.clone().into(),
        "-smp".into(),
        harts.to_string().into(),
    ];
    if let Some(a) = append {
        args.push("-append".into());
        args.push(a.into());
    }
    let (status, out) = run_qemu(&args, TIMEOUT, "kernel");
    let _ = std::fs::remove_file(&sbi);
    let _ = std::fs::remove_file(&kernel);
    let lines: Vec<String> = out
        .lines()
        .map(|l| l.trim_end_matches('\r').to_owned())
        .collect();
    let first = lines
        .iter()
        .position(|l| l == EXPECTED[0])
        .unwrap_or_else(|| panic!("no boot line in:\n{out}"));
    (status.code(), lines[first..].to_vec())
}

/// Asserts that `lines` are `expected` in some order.
fn assert_same_lines(lines: &[String], expected: &[&str]) {
    let mut got: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut want = expected.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "{lines:#?}");
}

#[test]
fn kernel_runs_user_processes_on_qemu() {
    if qemu_available() {
        let (code, lines) = boot(1, None);
        assert_eq!(code, Some(0), "{lines:#?}");
        assert_same_lines(&lines, EXPECTED);
    }
}

/// Every hart comes online through the firmware's HSM and passes the
/// IPI, remote-fence and stop/restart checks; then the processes run.
#[test]
fn every_hart_comes_online_on_qemu() {
    if qemu_available() {
        for harts in [2, 4] {
            let (code, lines) = boot(harts, None);
            assert_eq!(code, Some(0), "{lines:#?}");
            let smp = smp_selftest(0, harts);
            assert_eq!(lines[..2], EXPECTED[..2], "{lines:#?}");
            assert_eq!(lines[2..2 + smp.len()], smp[..], "{lines:#?}");
            let rest: Vec<String> = lines[2 + smp.len()..].to_vec();
            assert_same_lines(&rest, &EXPECTED[2..]);
        }
    }
}

/// `init=name@hart` runs a CPU hog on hart 0 and a yielding process plus
/// `user-hello` on hart 1: all exit 0.
#[test]
fn processes_run_on_two_harts_on_qemu() {
    if qemu_available() {
        let (code, lines) = boot(2, Some("init=user-spin@0,user-yield@1,user-hello@1"));
        assert_eq!(code, Some(0), "{lines:#?}");
        let smp = smp_selftest(0, 2);
        let rest: Vec<String> = lines[2 + smp.len()..].to_vec();
        let mut expected = vec![
            "spin: count 4000000 ok",
            "process 1 exited with code 0",
            "yield: done",
            "process 2 exited with code 0",
            "hello from user space (pid 3)",
            "process 3 exited with code 0",
            "kernel: all processes done, shutting down",
        ];
        let spins: Vec<String> = (1..=8).map(|i| format!("spin: {i}/8")).collect();
        let yields: Vec<String> = (0..5).map(|i| format!("yield {i}")).collect();
        expected.extend(spins.iter().chain(&yields).map(String::as_str));
        assert_same_lines(&rest, &expected);
    }
}

/// The spinner is preempted, the yielder runs: both exit 0 (the order of
/// their lines depends on the host's speed).
#[test]
fn spinning_and_yielding_processes_share_the_hart_on_qemu() {
    if qemu_available() {
        let (code, lines) = boot(1, Some("init=user-spin,user-yield"));
        assert_eq!(code, Some(0), "{lines:#?}");
        let mut expected = vec![
            "kernel booted (Sv39)",
            "kernel: SBI 1.0, timer ok",
            "spin: count 4000000 ok",
            "process 1 exited with code 0",
            "yield: done",
            "process 2 exited with code 0",
            "kernel: all processes done, shutting down",
        ];
        let spins: Vec<String> = (1..=8).map(|i| format!("spin: {i}/8")).collect();
        let yields: Vec<String> = (0..5).map(|i| format!("yield {i}")).collect();
        expected.extend(spins.iter().chain(&yields).map(String::as_str));
        assert_same_lines(&lines, &expected);
    }
}

#[test]
fn a_sleeping_process_wakes_on_qemu() {
    if qemu_available() {
        let (code, lines) = boot(1, Some("init=user-sleep"));
        assert_eq!(code, Some(0), "{lines:#?}");
        assert_same_lines(
            &lines,
            &[
                "kernel booted (Sv39)",
                "kernel: SBI 1.0, timer ok",
                "sleep 1: ok",
                "sleep 2: ok",
                "sleep 3: ok",
                "process 1 exited with code 0",
                "kernel: all processes done, shutting down",
            ],
        );
    }
}

/// Same as cli/tests/kernel_boot.rs: `user-files` passes every check of
/// the file system calls.
#[test]
fn the_file_system_calls_work_on_qemu() {
    if qemu_available() {
        let (code, lines) = boot(1, Some("init=user-files"));
        assert_eq!(code, Some(0), "{lines:#?}");
        assert_eq!(
            lines,
            [
                "kernel booted (Sv39)",
                "kernel: SBI 1.0, timer ok",
                "user-files: all 82 checks passed",
                "process 1 exited with code 0",
                "kernel: all processes done, shutting down",
            ],
        );
    }
}

/// Same as cli/tests/kernel_boot.rs: the faulting process is killed, the
/// next one runs, the machine exits with 1.
#[test]
fn a_faulting_process_is_killed_on_qemu() {
    if qemu_available() {
        let (code, lines) = boot(1, Some("init=user-fault,user-hello"));
        assert_eq!(code, Some(1), "{lines:#?}");
        assert_eq!(lines.len(), 7, "{lines:#?}");
        let killed = lines
            .iter()
            .filter(|l| {
                l.starts_with("process 1 killed by store page fault (scause=0xf sepc=")
                    && l.ends_with("stval=0x80200000)")
            })
            .count();
        assert_eq!(killed, 1, "{lines:#?}");
        for want in [
            "user-fault: storing to kernel memory",
            "hello from user space (pid 2)",
            "process 2 exited with code 0",
        ] {
            assert!(lines.iter().any(|l| l == want), "{want:?}: {lines:#?}");
        }
    }
}

/// The batch design needs no UINTR: its ring requests run inside
/// async_enter on QEMU exactly as on asyncsim (cli/tests/kernel_async.rs).
#[test]
fn batch_ring_requests_run_on_qemu() {
    if qemu_available() {
        let (code, lines) = boot(1, Some("init=user-async-enter"));
        assert_eq!(code, Some(0), "{lines:#?}");
        assert_same_lines(
            &lines,
            &[
                "kernel booted (Sv39)",
                "kernel: SBI 1.0, timer ok",
                "user-async-enter: write from the ring",
                "user-async-enter: all 71 checks passed",
                "process 1 exited with code 0",
                "kernel: all processes done, shutting down",
            ],
        );
    }
}

/// Boots `append` on `harts` harts: exit 0, every line of `passed`
/// printed, no leaked frame reported.
fn assert_runs_clean(harts: usize, append: &str, passed: &[&str]) {
    let (code, lines) = boot(harts, Some(append));
    assert_eq!(code, Some(0), "{append}: {lines:#?}");
    for want in passed {
        assert!(lines.iter().any(|l| l == want), "{want:?}: {lines:#?}");
    }
    assert!(!lines.iter().any(|l| l.contains("leaked")), "{lines:#?}");
}

/// Same as cli/tests/kernel_ipc.rs: pipes block and wake across two
/// processes, the IPC endpoints pass every check, and the ipc-sync
/// ping-pong and the pipe echo complete, on QEMU too.
#[test]
fn pipes_and_ipc_work_on_qemu() {
    if qemu_available() {
        for (append, passed) in [
            (
                "init=user-pipes,user-pipes",
                &[
                    "user-pipes (writer): all 49 checks passed",
                    "user-pipes (reader): all 54 checks passed",
                ][..],
            ),
            (
                "init=user-ipc,user-ipc",
                &[
                    "user-ipc (server): all 3 checks passed",
                    "user-ipc (client): all 55 checks passed",
                ][..],
            ),
            (
                "init=user-ipc-hostile",
                &["user-ipc-hostile: all 55 checks passed"][..],
            ),
            (
                "init=bench-ipc,bench-ipc rounds=100",
                &["bench-ipc: design=ipc-sync c=1 rounds=100 payload=64: 100 calls ok"][..],
            ),
            (
                "init=bench-echo,bench-echo rounds=100",
                &["bench-echo: design=sync c=1 rounds=100 payload=64: 100 echoes ok (200 client syscalls)"][..],
            ),
        ] {
            assert_runs_clean(1, append, passed);
        }
    }
}

/// The pipe and IPC pairs with their two processes on two harts (really
/// in parallel under QEMU): wake-ups cross harts, nothing leaks; and a
/// deadlock whose last blocked process sits on the other hart is ended.
#[test]
fn pipes_and_ipc_work_across_harts_on_qemu() {
    if qemu_available() {
        for (append, passed) in [
            (
                "init=user-pipes@0,user-pipes@1",
                &[
                    "user-pipes (writer): all 49 checks passed",
                    "user-pipes (reader): all 54 checks passed",
                ][..],
            ),
            (
                "init=bench-ipc@0,bench-ipc@1 rounds=200",
                &["bench-ipc: design=ipc-sync c=1 rounds=200 payload=64: 200 calls ok"][..],
            ),
            (
                "init=bench-echo@1,bench-echo@0 rounds=100",
                &["bench-echo: design=sync c=1 rounds=100 payload=64: 100 echoes ok (200 client syscalls)"][..],
            ),
        ] {
            assert_runs_clean(2, append, passed);
        }
        let (code, lines) = boot(2, Some("init=user-deadlock@1,user-hello@0"));
        assert_eq!(code, Some(1), "{lines:#?}");
        let line = |want: &str| {
            lines
                .iter()
                .position(|l| l == want)
                .unwrap_or_else(|| panic!("{want:?}: {lines:#?}"))
        };
        assert!(
            line("process 2 exited with code 0")
                < line("process 1: deadlock, every process is blocked")
        );
    }
}

/// The same kernel on QEMU's own firmware (OpenSBI, `-bios default`) with
/// 4 harts: it starts the harts through OpenSBI's HSM, passes the IPI,
/// remote-fence and stop/restart checks (the error-code checks are for
/// this repository's firmware only and are skipped) and runs the programs.
#[test]
fn the_kernel_runs_smp_on_opensbi() {
    if qemu_available() {
        let kernel = elf_file("kernel", workloads::kernel());
        let args: Vec<OsString> = vec![
            "-bios".into(),
            "default".into(),
            "-kernel".into(),
            kernel.clone().into(),
            "-smp".into(),
            "4".into(),
        ];
        let (status, out) = run_qemu(&args, TIMEOUT, "kernel on OpenSBI");
        let _ = std::fs::remove_file(&kernel);
        let lines: Vec<String> = out
            .lines()
            .map(|l| l.trim_end_matches('\r').to_owned())
            .collect();
        let first = lines
            .iter()
            .position(|l| l == EXPECTED[0])
            .unwrap_or_else(|| panic!("no boot line in:\n{out}"));
        // "asyncsim kernel: hart N, device tree at ..." names the boot hart.
        let boot: usize = lines[first - 1]
            .strip_prefix("asyncsim kernel: hart ")
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no kernel banner before the boot line:\n{out}"));
        let lines = &lines[first..];
        let smp: Vec<String> = smp_selftest(boot, 4)
            .into_iter()
            .filter(|l| !l.starts_with("kernel: SBI HSM"))
            .collect();
        assert_eq!(status.code(), Some(0), "{lines:#?}");
        assert_eq!(lines[..2], EXPECTED[..2], "{lines:#?}");
        assert_eq!(lines[2..2 + smp.len()], smp[..], "{lines:#?}");
        assert_same_lines(&lines[2 + smp.len()..], &EXPECTED[2..]);
    }
}

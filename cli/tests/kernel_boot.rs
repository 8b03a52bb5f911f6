//! The guest kernel on the emulator: `asyncsim run --bios sbi --kernel
//! kernel` boots the firmware, hands over to the S-mode kernel, which runs
//! `user-hello` and `user-hostile` as processes and powers off with 0; and
//! its scheduler: a CPU hog is preempted on the timer so that a yielding
//! process runs alongside it, sleeps end after their time, and all of it
//! is deterministic.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Output lines the kernel and its processes must print, in this order.
const EXPECTED: &[&str] = &[
    "kernel booted (Sv39)",
    "kernel: SBI 1.0, timer ok",
    "hello from user space (pid 1)",
    "process 1 exited with code 0",
    "user-hostile: all 7 checks passed",
    "process 2 exited with code 0",
    "kernel: all processes done, shutting down",
];

/// Writes `bytes` to a file no other test (or run) uses.
fn write_tmp(name: &str, bytes: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("asyncsim-kernel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{n}-{name}"));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs firmware + kernel on `harts` harts with `bootargs`; returns (exit
/// code, stdout lines from the kernel's boot line on, stderr).
fn boot(harts: u32, bootargs: Option<&str>) -> (Option<i32>, Vec<String>, String) {
    let sbi = write_tmp("sbi.elf", workloads::firmware());
    let kernel = write_tmp("kernel.elf", workloads::kernel());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_asyncsim"));
    cmd.arg("run")
        .arg("--bios")
        .arg(&sbi)
        .arg("--kernel")
        .arg(&kernel)
        .args(["--max-insns", "100000000"])
        .args(["--harts", &harts.to_string()]);
    if let Some(bootargs) = bootargs {
        cmd.args(["--bootargs", bootargs]);
    }
    let out = cmd.output().expect("asyncsim runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
    let start = lines
        .iter()
        .position(|l| l == EXPECTED[0])
        .unwrap_or_else(|| panic!("no boot line in:\n{stdout}\nstderr:\n{stderr}"));
    (out.status.code(), lines[start..].to_vec(), stderr)
}

#[test]
fn kernel_runs_user_processes_and_exits_zero() {
    let (code, lines, stderr) = boot(1, None);
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    assert!(stderr.contains("guest exited with code 0"), "{stderr}");
    assert_eq!(lines, EXPECTED, "{stderr}");
}

/// The firmware parks harts other than 0; the kernel runs as on one hart.
#[test]
fn secondary_harts_park_and_the_kernel_runs_on_hart_0() {
    let (code, lines, stderr) = boot(4, None);
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    assert_eq!(lines, EXPECTED, "{stderr}");
}

/// `init=` on the command line picks the programs; a process that stores
/// into kernel memory is killed with its cause, the next one still runs,
/// and the machine's exit code says that not all passed.
#[test]
fn a_faulting_process_is_killed_and_the_kernel_carries_on() {
    let (code, lines, stderr) = boot(1, Some("console=ttyS0 init=user-fault,user-hello,no-such"));
    assert_eq!(code, Some(1), "{lines:#?}\n{stderr}");
    let expected = [
        "kernel booted (Sv39)",
        "kernel: SBI 1.0, timer ok",
        "process 3: no program \"no-such\"",
        "user-fault: storing to kernel memory",
        "process 1 killed by store page fault (scause=0xf sepc=",
        "hello from user space (pid 2)",
        "process 2 exited with code 0",
        "kernel: all processes done, shutting down",
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(want),
            "{line:?} should start with {want:?}"
        );
    }
    assert!(lines[4].ends_with("stval=0x80200000)"), "{}", lines[4]);
}

/// Index of the line equal to `want`.
fn index_of(lines: &[String], want: &str) -> usize {
    lines
        .iter()
        .position(|l| l == want)
        .unwrap_or_else(|| panic!("no line {want:?} in {lines:#?}"))
}

/// `user-spin` never yields, so `user-yield` runs only because the timer
/// preempts the spinner: its lines appear between the spinner's first and
/// last progress lines. Both check their registers survived the switches.
/// A second run prints exactly the same lines.
#[test]
fn a_spinning_process_is_preempted_and_a_yielding_one_interleaves() {
    let bootargs = Some("init=user-spin,user-yield");
    let (code, lines, stderr) = boot(1, bootargs);
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    let first_spin = index_of(&lines, "spin: 1/8");
    let last_spin = index_of(&lines, "spin: 8/8");
    let yields: Vec<usize> = (0..5)
        .map(|i| index_of(&lines, &format!("yield {i}")))
        .collect();
    assert!(yields.windows(2).all(|w| w[0] < w[1]), "{lines:#?}");
    assert!(
        yields.iter().any(|&y| first_spin < y && y < last_spin),
        "no yield line between the spinner's progress lines: {lines:#?}"
    );
    assert!(index_of(&lines, "yield: done") < last_spin, "{lines:#?}");
    for want in [
        "spin: count 4000000 ok",
        "process 1 exited with code 0",
        "process 2 exited with code 0",
    ] {
        index_of(&lines, want);
    }
    let (code2, lines2, _) = boot(1, bootargs);
    assert_eq!((code2, lines2), (code, lines), "second run differs");
}

/// `user-sleep` sleeps 5 ms three times and checks the clock each time;
/// with nothing else to run the kernel idles in `wfi`.
#[test]
fn a_sleeping_process_wakes_after_its_time() {
    let (code, lines, stderr) = boot(1, Some("init=user-sleep"));
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    let expected = [
        "kernel booted (Sv39)",
        "kernel: SBI 1.0, timer ok",
        "sleep 1: ok",
        "sleep 2: ok",
        "sleep 3: ok",
        "process 1 exited with code 0",
        "kernel: all processes done, shutting down",
    ];
    assert_eq!(lines, expected, "{stderr}");
}

/// `user-files` creates, writes, seeks and reads back a file of the
/// kernel's memory file system and checks every error case of the file
/// calls (bad fds, bad pointers, full file, full store, full fd table).
#[test]
fn the_file_system_calls_work() {
    let (code, lines, stderr) = boot(1, Some("init=user-files"));
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    let expected = [
        "kernel booted (Sv39)",
        "kernel: SBI 1.0, timer ok",
        "user-files: all 82 checks passed",
        "process 1 exited with code 0",
        "kernel: all processes done, shutting down",
    ];
    assert_eq!(lines, expected, "{stderr}");
}

/// The run queue holds 8 processes: a 9th is refused (and reported), the
/// 8 run to the end, nothing leaks, and the exit code says not all ran.
#[test]
fn a_ninth_process_is_refused_and_the_others_run() {
    let bootargs = format!("init={}user-spin", "user-hello,".repeat(8));
    let (code, lines, stderr) = boot(1, Some(&bootargs));
    assert_eq!(code, Some(1), "{lines:#?}\n{stderr}");
    assert_eq!(lines[2], "process 9 (user-spin): too many processes");
    for pid in 1..=8 {
        index_of(&lines, &format!("hello from user space (pid {pid})"));
        index_of(&lines, &format!("process {pid} exited with code 0"));
    }
    assert!(!lines.iter().any(|l| l.contains("leaked")), "{lines:#?}");
    assert_eq!(lines.len(), 2 + 1 + 16 + 1, "{lines:#?}");
}

#[test]
fn mmap_munmap_and_the_command_line_reach_user_space() {
    let (code, lines, _) = boot(1, Some("init=user-memory marker=42"));
    assert_eq!(code, Some(1), "{lines:#?}");
    let passed = index_of(&lines, "user-memory: all 23 checks passed");
    let killed = lines
        .iter()
        .position(|l| l.starts_with("process 1 killed by load page fault (scause=0xd sepc="))
        .unwrap_or_else(|| panic!("no kill report in {lines:#?}"));
    assert!(passed < killed);
    // The fault is reported at the unmapped middle page of the first map.
    assert!(
        lines[killed].ends_with("stval=0x20001000)"),
        "{}",
        lines[killed]
    );
    // No frame leaked through the refused large mmap or the kill.
    assert!(!lines.iter().any(|l| l.contains("leaked")), "{lines:#?}");
}

#[test]
fn the_null_benchmark_runs_with_its_parameters() {
    let (code, lines, _) = boot(1, Some("init=bench-null design=sync c=4 rounds=25"));
    assert_eq!(code, Some(0), "{lines:#?}");
    index_of(
        &lines,
        "bench-null: design=sync c=4 rounds=25: 100 syscalls ok",
    );
    let (code, lines, _) = boot(1, Some("init=bench-null design=nope"));
    assert_eq!(code, Some(1), "{lines:#?}");
    index_of(&lines, "bench-null: unknown design");
}

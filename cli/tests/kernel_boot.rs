//! The guest kernel on the emulator: `asyncsim run --bios sbi --kernel
//! kernel` boots the firmware, hands over to the S-mode kernel, which runs
//! `user-hello` and `user-hostile` as processes and powers off with 0; and
//! its scheduler: a CPU hog is preempted on the timer so that a yielding
//! process runs alongside it, sleeps end after their time, and all of it
//! is deterministic; and SMP: every hart comes online, passes the IPI and
//! remote-fence self-test, and processes on two harts run in parallel.

mod guest_kernel;
use guest_kernel::boot_kernel;
use workloads::boot_transcript::{smp_selftest, DEFAULT_BOOT};

/// Output lines the kernel and its processes must print, in this order.
const EXPECTED: &[&str] = DEFAULT_BOOT;

/// Runs firmware + kernel on `harts` harts with `bootargs`; returns (exit
/// code, stdout lines from the kernel's boot line on, stderr).
fn boot(harts: u32, bootargs: Option<&str>) -> (Option<i32>, Vec<String>, String) {
    boot_with(harts, bootargs, &[])
}

/// [`boot`] with more `asyncsim run` flags.
fn boot_with(
    harts: u32,
    bootargs: Option<&str>,
    flags: &[&str],
) -> (Option<i32>, Vec<String>, String) {
    let harts = harts.to_string();
    let flags: Vec<&str> = ["--harts", harts.as_str()]
        .iter()
        .chain(flags)
        .copied()
        .collect();
    let run = boot_kernel(bootargs.unwrap_or(""), &flags).starting_at(EXPECTED[0]);
    (run.code, run.lines, run.stderr)
}

#[test]
fn kernel_runs_user_processes_and_exits_zero() {
    let (code, lines, stderr) = boot(1, None);
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    assert!(stderr.contains("guest exited with code 0"), "{stderr}");
    assert_eq!(lines, EXPECTED, "{stderr}");
}

/// With more than a gigabyte of RAM the device tree still lies where the
/// kernel maps RAM (below the 3 GiB mark, as on QEMU), so its command line
/// is read: before, the kernel found no tree and ran its default programs
/// instead of the ones asked for.
#[test]
fn the_command_line_is_read_with_more_ram_than_the_kernel_maps() {
    for mib in ["1025", "4096"] {
        let (code, lines, stderr) = boot_with(1, Some("init=user-hostile"), &["--mem-mib", mib]);
        assert_eq!(code, Some(0), "{mib}: {lines:#?}\n{stderr}");
        assert!(
            lines
                .iter()
                .any(|l| l == "user-hostile: all 7 checks passed"),
            "{lines:#?}"
        );
        assert!(
            !lines.iter().any(|l| l.starts_with("hello from user space")),
            "{lines:#?}"
        );
    }
}

/// With 2 and 4 harts every hart comes online and passes the SMP
/// self-test; the processes then run as on one hart (on hart 0).
#[test]
fn every_hart_comes_online_and_passes_the_smp_self_test() {
    for harts in [2, 4] {
        let (code, lines, stderr) = boot(harts as u32, None);
        assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
        let mut expected: Vec<String> = EXPECTED[..2].iter().map(|l| l.to_string()).collect();
        expected.extend(smp_selftest(0, harts));
        expected.extend(EXPECTED[2..].iter().map(|l| l.to_string()));
        assert_eq!(lines, expected, "{stderr}");
    }
}

/// The statistics `asyncsim run --json` printed after the guest output.
fn stats(lines: &[String]) -> serde_json::Value {
    let start = index_of(lines, "{");
    serde_json::from_str(&lines[start..].join("\n")).expect("stats JSON")
}

fn stat(stats: &serde_json::Value, hart: usize, path: &[&str]) -> u64 {
    let mut v = &stats[format!("hart{hart}")];
    for p in path {
        v = &v[p];
    }
    v.as_u64()
        .unwrap_or_else(|| panic!("no hart{hart}.{path:?} in {stats}"))
}

/// `init=user-spin@0,user-spin@1` puts one CPU hog on each of two harts:
/// both finish, hart 1 ran user code (its ecalls from U), and the run
/// takes about half the simulated time of the same two hogs sharing
/// hart 0 by preemption.
#[test]
fn processes_on_two_harts_run_in_parallel() {
    let json = ["--json"];
    let (code, parallel, stderr) = boot_with(2, Some("init=user-spin@0,user-spin@1"), &json);
    assert_eq!(code, Some(0), "{parallel:#?}\n{stderr}");
    for want in [
        "process 1 exited with code 0",
        "process 2 exited with code 0",
    ] {
        index_of(&parallel, want);
    }
    let oks = parallel
        .iter()
        .filter(|l| *l == "spin: count 4000000 ok")
        .count();
    assert_eq!(oks, 2, "{parallel:#?}");
    let (code, serial, stderr) = boot_with(2, Some("init=user-spin,user-spin"), &json);
    assert_eq!(code, Some(0), "{serial:#?}\n{stderr}");
    let (parallel, serial) = (stats(&parallel), stats(&serial));
    assert!(
        stat(&parallel, 1, &["exceptions", "from_user"]) >= 8,
        "{parallel}"
    );
    assert_eq!(
        stat(&serial, 1, &["exceptions", "from_user"]),
        0,
        "{serial}"
    );
    let (p, s) = (
        stat(&parallel, 0, &["cycles"]),
        stat(&serial, 0, &["cycles"]),
    );
    assert!(p * 10 < s * 6, "parallel {p} cycles vs serial {s}");
}

/// A process placed on a hart that is not online, or with a malformed
/// hart, is reported and not run; the others run and the exit code is 1.
#[test]
fn a_process_for_a_missing_hart_is_refused() {
    let (code, lines, stderr) = boot(2, Some("init=user-hello@5,user-hello@x,user-hello@1"));
    assert_eq!(code, Some(1), "{lines:#?}\n{stderr}");
    let mut expected: Vec<String> = EXPECTED[..2].iter().map(|l| l.to_string()).collect();
    expected.extend(smp_selftest(0, 2));
    expected.extend(
        [
            "process 1 (user-hello): hart 5 is not online",
            "process 2: bad hart in \"user-hello@x\"",
            "hello from user space (pid 3)",
            "process 3 exited with code 0",
            "kernel: all processes done, shutting down",
        ]
        .map(String::from),
    );
    assert_eq!(lines, expected, "{stderr}");
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

/// The kernel writes the user programs' code as data, so every hart must
/// execute a fence.i before it runs any of it (RISC-V fetches need not
/// see earlier stores): in the commit log, each hart's first user-mode
/// instruction comes after a fence.i of that hart.
#[test]
fn every_hart_fences_instruction_fetch_before_running_user_code() {
    let log = guest_kernel::write_tmp("commits.log", b"");
    let log_arg = log.to_str().expect("UTF-8 path");
    let (code, lines, stderr) = boot_with(
        2,
        Some("init=user-hello,user-hello@1"),
        &["--log-commits", log_arg],
    );
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    let commits = std::fs::read_to_string(&log).expect("commit log");
    std::fs::remove_file(&log).expect("commit log removed"); // tens of MB
    for hart in 0..2 {
        let core = format!("core   {hart}: ");
        let mut fenced = false;
        let first_user = commits.lines().filter(|l| l.starts_with(&core)).find(|l| {
            // "core   N: PRIV 0xPC (0xINSN) ..."
            let mut fields = l[core.len()..].split_whitespace();
            let privilege = fields.next();
            let insn = fields.nth(1);
            fenced |= insn == Some("(0x0000100f)");
            privilege == Some("0")
        });
        assert!(first_user.is_some(), "hart {hart} ran no user code");
        assert!(fenced, "hart {hart} ran user code before any fence.i");
    }
}

/// A counter of hart 0's timing model in a `--json` run with a timing
/// preset, over every mode.
fn model_count(stats: &serde_json::Value, path: &[&str]) -> u64 {
    let mut v = &stats["model"]["hart0"];
    for p in path {
        v = &v[p];
    }
    ["machine", "supervisor", "user"]
        .iter()
        .map(|mode| v[mode].as_u64().expect("a count per mode"))
        .sum()
}

/// A hart keeps the address space of the process it ran last while it
/// runs kernel code or idles (lazy TLB, as Linux): a process that waits
/// in the kernel every round (async-uintr at c = 1 blocks in uintr_wait
/// 20 times) costs no satp write or TLB flush when it runs again, only
/// the boot's (kernel space, the ASID probe's two, the process, the
/// kernel again at its exit: 5 from S-mode, the firmware's 1). Two
/// processes taking turns on one hart still switch.
#[test]
fn a_hart_keeps_the_space_of_the_process_it_ran_last() {
    let timing = ["--preset", "rocket-fpga", "--json"];
    let bootargs = "init=bench-null design=async-uintr c=1 rounds=20";
    let (code, lines, stderr) = boot_with(1, Some(bootargs), &timing);
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    assert!(lines.iter().any(|l| l.contains(" waits=20 ")), "{lines:#?}");
    assert_eq!(
        model_count(&stats(&lines), &["satp_switches"]),
        6,
        "{lines:#?}"
    );
    let (code, lines, stderr) = boot_with(1, Some("init=user-spin,user-yield"), &timing);
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    assert!(
        model_count(&stats(&lines), &["satp_switches"]) > 8,
        "{lines:#?}"
    );
}

/// With ASIDs (sifive-u74 implements 16 bits; the kernel probes them and
/// gives each process its pid) two processes taking turns on one hart
/// switch spaces without flushing the TLB: only the boot's and the
/// exits' switches to the kernel's space (ASID 0) flush. Without
/// (rocket-fpga: satp.ASID reads 0) every switch flushes.
#[test]
fn processes_with_asids_switch_without_flushing() {
    let run = |preset: &str| {
        let flags = ["--preset", preset, "--json"];
        let (code, lines, stderr) = boot_with(1, Some("init=user-spin,user-yield"), &flags);
        assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
        let stats = stats(&lines);
        let switches = model_count(&stats, &["satp_switches"]);
        let flushes = model_count(&stats, &["tlb", "flushes"]);
        (switches, flushes)
    };
    let (switches, flushes) = run("sifive-u74");
    assert!(switches > 8, "{switches} switches");
    // The firmware's, the kernel's first switch, its probe, two exits.
    assert_eq!(flushes, 5, "{switches} switches");
    let (switches, flushes) = run("rocket-fpga");
    assert!(
        switches > 8 && flushes + 1 >= switches,
        "{switches} {flushes}"
    );
}

//! Runs every guest program on QEMU's virt machine (the reference the
//! asyncsim emulator must match) and checks exit status and output.
//! Skipped, with a notice, when `qemu-system-riscv64` is not on PATH.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const QEMU: &str = "qemu-system-riscv64";
const TIMEOUT: Duration = Duration::from_secs(120);

fn qemu_available() -> bool {
    let found = Command::new(QEMU)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("skipping: {QEMU} not on PATH (apt-get install qemu-system-misc)");
    }
    found
}

/// Writes the embedded ELF of `program` to a file QEMU can load, named per
/// run so that tests running in parallel never share one.
fn elf_file(program: &str, harts: usize) -> PathBuf {
    let elf = workloads::guest_program(program).unwrap_or_else(|| panic!("no program {program}"));
    let name = format!("guest-{program}-smp{harts}-{}.elf", std::process::id());
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, elf).expect("write guest ELF");
    path
}

/// Runs `program` on `harts` harts; returns (exit code, console output).
/// Kills QEMU after [`TIMEOUT`].
fn run(program: &str, harts: usize) -> (i32, String) {
    let elf = elf_file(program, harts);
    let mut child = Command::new(QEMU)
        .args(["-machine", "virt", "-nographic", "-bios", "none", "-kernel"])
        .arg(&elf)
        .args(["-smp", &harts.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start qemu");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for qemu") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} on {harts} harts: killed after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = reader.join().expect("reader thread");
    let _ = std::fs::remove_file(&elf);
    let code = status
        .code()
        .unwrap_or_else(|| panic!("{program}: qemu killed by a signal"));
    (code, out)
}

fn expect_pass(program: &str, harts: usize, needles: &[&str]) {
    let (code, out) = run(program, harts);
    assert_eq!(
        code, 0,
        "{program} on {harts} harts exited {code}; output:\n{out}"
    );
    for needle in needles {
        assert!(
            out.contains(needle),
            "{program}: {needle:?} not in output:\n{out}"
        );
    }
}

#[test]
fn hello() {
    if qemu_available() {
        expect_pass("hello", 1, &["hello from asyncsim guest (harts=1)"]);
        expect_pass("hello", 3, &["hello from asyncsim guest (harts=3)"]);
    }
}

#[test]
fn selftest() {
    if qemu_available() {
        expect_pass("selftest", 1, &["selftest: all", "checks passed"]);
    }
}

#[test]
fn smp_atomics_one_hart() {
    if qemu_available() {
        expect_pass("smp-atomics", 1, &["harts=1 ", "smp-atomics: ok"]);
    }
}

#[test]
fn smp_atomics_four_harts() {
    if qemu_available() {
        expect_pass("smp-atomics", 4, &["harts=4 ", "smp-atomics: ok"]);
    }
}

/// ~1G instructions, about a second under QEMU.
#[test]
fn alu_loop() {
    if qemu_available() {
        expect_pass("alu-loop", 1, &["alu-loop: ok"]);
    }
}

/// ~126M instructions over 4 MiB, about a second under QEMU.
#[test]
fn memwalk() {
    if qemu_available() {
        expect_pass("memwalk", 1, &["memwalk: ok"]);
    }
}

#[test]
fn trap_is_reported_and_fails_with_102() {
    if qemu_available() {
        let (code, out) = run("fault-trap", 1);
        assert_eq!(code, 102, "output:\n{out}");
        assert!(
            out.contains("unexpected trap on hart 0: mcause=0x2 mepc=0x8"),
            "{out}"
        );
    }
}

#[test]
fn panic_on_a_secondary_hart_ends_the_machine_with_101() {
    if qemu_available() {
        let (code, out) = run("fault-panic", 2);
        assert_eq!(code, 101, "output:\n{out}");
        assert!(out.contains("panic on hart 1: panicked at"), "{out}");
        assert!(out.contains("index out of bounds"), "{out}");
    }
}

/// Every program of the list is covered above.
#[test]
fn all_programs_are_run_here() {
    let covered = [
        "hello",
        "selftest",
        "smp-atomics",
        "alu-loop",
        "memwalk",
        "fault-trap",
        "fault-panic",
    ];
    for program in workloads::GUEST_PROGRAMS {
        assert!(covered.contains(program), "{program} has no QEMU test");
    }
}

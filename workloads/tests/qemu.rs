//! Runs every guest program on QEMU's virt machine (the reference the
//! asyncsim emulator must match) and checks exit status and output.
//! Skipped, with a notice, when `qemu-system-riscv64` is not on PATH.

mod common;

use common::{elf_file, qemu_available, run_qemu};
use std::ffi::OsString;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `program` on `harts` harts; returns (exit code, console output).
/// Kills QEMU after [`TIMEOUT`].
fn run(program: &str, harts: usize) -> (i32, String) {
    let bytes = workloads::guest_program(program).unwrap_or_else(|| panic!("no program {program}"));
    let elf = elf_file(program, bytes);
    let args: Vec<OsString> = vec![
        "-bios".into(),
        "none".into(),
        "-kernel".into(),
        elf.clone().into(),
        "-smp".into(),
        harts.to_string().into(),
    ];
    let (status, out) = run_qemu(&args, TIMEOUT, &format!("{program} on {harts} harts"));
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

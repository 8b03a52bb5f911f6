//! The benchmark programs on QEMU's virt machine, the cross-check of
//! cli/tests/bench_programs.rs: designs that need no UINTR (sync, batch)
//! complete with every result right and the same summary line as on
//! asyncsim; QEMU has no sim-control device (the run goes unmeasured)
//! and no UINTC, so async-uintr must end with the program's clear
//! message and exit code 3. Skipped, with a notice, when
//! `qemu-system-riscv64` is not on PATH.

mod common;

use common::{elf_file, qemu_available, run_qemu};
use std::ffi::OsString;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);

/// Boots firmware + kernel on QEMU with `append`; returns (exit code,
/// output lines).
fn boot(append: &str) -> (Option<i32>, Vec<String>) {
    let sbi = elf_file("sbi", workloads::firmware());
    let kernel = elf_file("kernel", workloads::kernel());
    let args: Vec<OsString> = vec![
        "-bios".into(),
        sbi.clone().into(),
        "-kernel".into(),
        kernel.clone().into(),
        "-append".into(),
        append.into(),
    ];
    let (status, out) = run_qemu(&args, TIMEOUT, "kernel");
    let _ = std::fs::remove_file(&sbi);
    let _ = std::fs::remove_file(&kernel);
    let lines = out
        .lines()
        .map(|l| l.trim_end_matches('\r').to_owned())
        .collect();
    (status.code(), lines)
}

#[test]
fn benchmarks_without_uintr_complete_on_qemu() {
    if !qemu_available() {
        return;
    }
    for (program, design, label, syscalls) in [
        ("bench-seed", "sync", " kind=mapunmap payload=64", 48),
        ("bench-seed", "batch", " kind=mapunmap payload=64", 48),
        ("bench-null", "batch", "", 24),
    ] {
        let (code, lines) = boot(&format!("init={program} design={design} c=8 rounds=3"));
        let summary =
            format!("{program}: design={design} c=8 rounds=3{label}: {syscalls} syscalls ok");
        assert!(lines.contains(&summary), "no `{summary}` in {lines:#?}");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{program}: no sim-control device"))),
            "{lines:#?}"
        );
        assert_eq!(code, Some(0), "{lines:#?}");
    }
}

#[test]
fn async_uintr_is_refused_cleanly_on_qemu() {
    if !qemu_available() {
        return;
    }
    let (code, lines) = boot("init=bench-seed design=async-uintr c=8 rounds=3");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("bench-seed: design async-uintr is not available here")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l == "process 1 exited with code 3"),
        "{lines:#?}"
    );
    assert_eq!(code, Some(1), "{lines:#?}");
}

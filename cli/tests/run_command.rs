//! `asyncsim run` end to end: exit codes, the summary line, commit logs,
//! and one clear error line (never a panic) for every kind of bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn asyncsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .args(args)
        .output()
        .expect("asyncsim runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("run_command");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let p = tmp(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn program(name: &str) -> Vec<u8> {
    workloads::guest_program(name)
        .unwrap_or_else(|| panic!("guest program {name}"))
        .to_vec()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A bad-input run: exit code 2, a one-line error, no panic.
fn assert_clean_error(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.to_lowercase().contains(needle), "{needle:?} in {err}");
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn hello_runs_and_exits_zero_with_summary() {
    let elf = write("hello.elf", &program("hello"));
    let o = asyncsim(&["run", path_str(&elf)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("hello from asyncsim guest"));
    let err = stderr(&o);
    assert!(err.contains("guest exited with code 0"), "{err}");
    assert!(
        err.contains("instructions") && err.contains("MIPS"),
        "{err}"
    );
}

#[test]
fn budget_stops_with_distinct_code_and_message() {
    let elf = write("budget.elf", &program("hello"));
    let o = asyncsim(&["run", path_str(&elf), "--max-insns", "100"]);
    assert_eq!(o.status.code(), Some(124));
    assert!(stderr(&o).contains("budget"), "{}", stderr(&o));
}

#[test]
fn commit_log_is_written() {
    let elf = write("log.elf", &program("hello"));
    let log = tmp("hello.log");
    let o = asyncsim(&["run", path_str(&elf), "--log-commits", path_str(&log)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&log).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("core   0: 3 0x0000000000001000 ("),
        "{first}"
    );
    assert!(text.lines().count() > 100);
}

#[test]
fn uart_output_to_file() {
    let elf = write("uart.elf", &program("hello"));
    let out = tmp("uart.txt");
    let o = asyncsim(&["run", path_str(&elf), "--uart-output", path_str(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("hello from asyncsim guest"));
}

#[test]
fn missing_file() {
    assert_clean_error(&asyncsim(&["run", "/nonexistent/prog.elf"]), "cannot read");
}

#[test]
fn bad_flag() {
    let o = asyncsim(&["run", "--harts", "zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn truncated_elf() {
    let elf = program("hello");
    let p = write("trunc.elf", &elf[..100]);
    assert_clean_error(&asyncsim(&["run", path_str(&p)]), "cannot load");
}

#[test]
fn not_an_elf() {
    let p = write("text.elf", b"#!/bin/sh\necho not an elf\n");
    assert_clean_error(&asyncsim(&["run", path_str(&p)]), "cannot load");
}

fn u16_at(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}
fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

/// Offsets of the PT_LOAD program headers of an ELF64.
fn load_headers(b: &[u8]) -> Vec<usize> {
    let phoff = u64_at(b, 32) as usize;
    let n = u16_at(b, 56) as usize;
    (0..n)
        .map(|i| phoff + i * 56)
        .filter(|&o| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) == 1)
        .collect()
}

#[test]
fn wrong_machine() {
    let mut elf = program("hello");
    elf[18..20].copy_from_slice(&62u16.to_le_bytes()); // x86-64
    let p = write("x86.elf", &elf);
    assert_clean_error(&asyncsim(&["run", path_str(&p)]), "risc");
}

#[test]
fn segment_outside_ram() {
    let mut elf = program("hello");
    let ph = load_headers(&elf)[0];
    elf[ph + 24..ph + 32].copy_from_slice(&0x4000_0000u64.to_le_bytes()); // p_paddr
    elf[ph + 16..ph + 24].copy_from_slice(&0x4000_0000u64.to_le_bytes()); // p_vaddr
    let p = write("outside.elf", &elf);
    assert_clean_error(&asyncsim(&["run", path_str(&p)]), "outside");
}

#[test]
fn overlapping_segments() {
    let mut elf = program("hello");
    let phs = load_headers(&elf);
    assert!(phs.len() >= 2, "hello has several PT_LOAD segments");
    let first_paddr = u64_at(&elf, phs[0] + 24);
    let ph = phs[1];
    elf[ph + 24..ph + 32].copy_from_slice(&first_paddr.to_le_bytes());
    elf[ph + 16..ph + 24].copy_from_slice(&first_paddr.to_le_bytes());
    let p = write("overlap.elf", &elf);
    assert_clean_error(&asyncsim(&["run", path_str(&p)]), "overlap");
}

#[test]
fn illegal_instruction_is_a_guest_trap_not_a_host_error() {
    // A raw image of one reserved instruction: the guest traps to mtvec
    // (0 at reset -> access fault loop), the run ends at its budget.
    let p = write("illegal.bin", &[0xff, 0xff, 0xff, 0xff]);
    let o = asyncsim(&[
        "run",
        path_str(&p),
        "--raw-addr",
        "0x80000000",
        "--max-insns",
        "1000",
    ]);
    assert_eq!(o.status.code(), Some(124), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

//! Booting the repository's firmware + guest kernel under `asyncsim run`:
//! shared by the test binaries that run guest programs on the kernel.
// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A budget only a broken guest reaches (the longest test run retires
/// about a tenth of it).
const BUDGET: &str = "400000000";

/// Writes `bytes` to a file no other test (or run) uses: a directory per
/// test process, a counter per file.
pub fn write_tmp(name: &str, bytes: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("asyncsim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{n}-{name}"));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// How one boot ended and what it printed.
pub struct KernelRun {
    pub code: Option<i32>,
    /// Console and, with `--json`, the statistics after it.
    pub stdout: String,
    pub lines: Vec<String>,
    pub stderr: String,
}

/// Boots firmware + kernel with `bootargs` (`init=...` and parameters;
/// none if empty) and further `asyncsim run` flags (`--harts`, `--json`).
pub fn boot_kernel(bootargs: &str, flags: &[&str]) -> KernelRun {
    // Written once per test process: a copy per boot filled the temporary
    // directory (megabytes of kernel image a boot, tests boot hundreds).
    static IMAGES: std::sync::OnceLock<(PathBuf, PathBuf)> = std::sync::OnceLock::new();
    let (sbi, kernel) = IMAGES.get_or_init(|| {
        (
            write_tmp("sbi.elf", workloads::firmware()),
            write_tmp("kernel.elf", workloads::kernel()),
        )
    });
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_asyncsim"));
    cmd.arg("run")
        .arg("--bios")
        .arg(sbi)
        .arg("--kernel")
        .arg(kernel)
        .args(["--max-insns", BUDGET])
        .args(flags);
    if !bootargs.is_empty() {
        cmd.args(["--bootargs", bootargs]);
    }
    let out = cmd.output().expect("asyncsim runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    KernelRun {
        code: out.status.code(),
        lines: stdout.lines().map(str::to_owned).collect(),
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl KernelRun {
    pub fn has(&self, line: &str) -> bool {
        self.lines.iter().any(|l| l == line)
    }

    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.lines.iter().any(|l| l.starts_with(prefix))
    }

    /// Panics unless `want` is one of the output lines; returns its index.
    pub fn line(&self, want: &str) -> usize {
        self.lines
            .iter()
            .position(|l| l == want)
            .unwrap_or_else(|| panic!("no line {want:?} in:\n{}", self.show()))
    }

    /// Drops the lines before `first` (firmware banners), which must be there.
    pub fn starting_at(mut self, first: &str) -> Self {
        let at = self.line(first);
        self.lines.drain(..at);
        self
    }

    /// The statistics printed by `--json` (empty without it).
    pub fn json(&self) -> &str {
        self.stdout
            .find("\n{")
            .map_or("", |at| &self.stdout[at + 1..])
    }

    pub fn assert_exit(&self, code: i32) {
        assert_eq!(self.code, Some(code), "{}", self.show());
    }

    /// The output, for assertion messages.
    pub fn show(&self) -> String {
        format!("{}\nstderr:\n{}", self.lines.join("\n"), self.stderr)
    }
}

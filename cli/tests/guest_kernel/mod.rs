//! Booting the repository's firmware + guest kernel under `asyncsim run`:
//! shared by the test binaries that run guest programs on the kernel.
// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A budget only a broken guest reaches (the longest test run retires
/// about a tenth of it).
const BUDGET: &str = "400000000";

/// The directory cargo gives integration tests (under `target/`), so that
/// what the tests write neither fills the system's temporary directory nor
/// outlives `cargo clean`.
fn test_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guest_kernel");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `bytes` to a file no other test (or run) uses: the process id
/// and a counter per file name it. The caller removes it.
pub fn write_tmp(name: &str, bytes: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = test_dir().join(format!("{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Writes an image under a name made from its contents, once: test
/// processes (and concurrent `cargo test` runs) share it, and a rebuilt
/// image never replaces one another run is reading.
fn write_image(name: &str, bytes: &[u8]) -> PathBuf {
    let mut hash = DefaultHasher::new();
    bytes.hash(&mut hash);
    let path = test_dir().join(format!("{name}-{:016x}.elf", hash.finish()));
    if !path.exists() {
        let part = write_tmp(name, bytes);
        std::fs::rename(&part, &path).unwrap();
    }
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
    // Written once: a copy per boot filled the temporary directory
    // (megabytes of kernel image a boot, tests boot hundreds).
    static IMAGES: std::sync::OnceLock<(PathBuf, PathBuf)> = std::sync::OnceLock::new();
    let (sbi, kernel) = IMAGES.get_or_init(|| {
        (
            write_image("sbi", workloads::firmware()),
            write_image("kernel", workloads::kernel()),
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

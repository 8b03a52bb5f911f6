//! Fingerprints the sources a sweep's results depend on (the simulator's
//! crates, the presets, the guest firmware, kernel and programs), so that
//! `asyncsim sweep` can tell the results of this build from those of
//! another when it resumes (ASYNCSIM_BUILD_ID).

use std::path::{Path, PathBuf};

/// Paths below the workspace root whose contents decide the results.
const SOURCES: &[&str] = &[
    "Cargo.lock",
    "sim-core/src",
    "models/src",
    "models/presets",
    "riscv-core/src",
    "reports/src",
    "cli/src",
    "workloads/src",
    "workloads/build.rs",
    "workloads/guest/Cargo.toml",
    "workloads/guest/Cargo.lock",
    "workloads/guest/abi",
    "workloads/guest/rt",
    "workloads/guest/programs",
    "workloads/guest/sbi",
    "workloads/guest/kernel",
    "workloads/guest/user",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for source in SOURCES {
        let path = root.join(source);
        println!("cargo:rerun-if-changed={}", path.display());
        collect(&path, &mut files);
    }
    files.sort();
    // FNV-1a over (path, contents) of every file: stable across hosts and
    // compiler versions, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap_or(file);
        feed(relative.to_string_lossy().as_bytes());
        feed(&[0]);
        feed(&std::fs::read(file).unwrap_or_default());
    }
    println!("cargo:rustc-env=ASYNCSIM_BUILD_ID={hash:016x}");
}

/// Every file below `path` (or `path` itself).
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            collect(&entry.path(), files);
        }
    } else if path.is_file() {
        files.push(path.to_path_buf());
    }
}

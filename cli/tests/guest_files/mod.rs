//! Files the CLI tests hand to `asyncsim` (firmware and kernel images):
//! shared by the test binaries that boot the guest kernel.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

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

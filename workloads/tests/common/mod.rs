//! Running guest software on QEMU's virt machine, shared by the QEMU
//! cross-check tests. Each test skips (with a notice) when
//! `qemu-system-riscv64` is not on PATH.

#![allow(dead_code)]

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const QEMU: &str = "qemu-system-riscv64";

pub fn qemu_available() -> bool {
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

/// Writes an ELF for QEMU under a name no other test (or run) uses.
pub fn elf_file(name: &str, bytes: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = format!("qemu-test-{name}-{}-{n}.elf", std::process::id());
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).expect("write ELF");
    path
}

/// One QEMU at a time: a QEMU guest's timer is the host's clock, so many
/// multi-hart guests sharing a small host starve each other's vCPU threads
/// and the guest's own timed waits (a hart coming online, a pipe filling)
/// can expire.
static ONE_QEMU_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `qemu-system-riscv64 -machine virt -nographic <args>`, killing it
/// after `timeout`; returns its exit status and console output.
pub fn run_qemu(args: &[OsString], timeout: Duration, what: &str) -> (ExitStatus, String) {
    // A test that panicked while holding the lock leaves nothing to repair.
    let _turn = ONE_QEMU_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut child = Command::new(QEMU)
        .args(["-machine", "virt", "-nographic"])
        .args(args)
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
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} on qemu: killed after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status, reader.join().expect("reader thread"))
}

//! The firmware + kernel pair on QEMU's virt machine (`-bios sbi -kernel
//! kernel`), the reference for `asyncsim run --bios --kernel` (see
//! cli/tests/kernel_boot.rs, which expects the same lines). Skipped, with a
//! notice, when `qemu-system-riscv64` is not on PATH.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const QEMU: &str = "qemu-system-riscv64";
const TIMEOUT: Duration = Duration::from_secs(60);

/// Output lines the kernel and its processes must print, in this order.
const EXPECTED: &[&str] = &[
    "kernel booted (Sv39)",
    "hello from user space (pid 1)",
    "process 1 exited with code 0",
    "user-hostile: all 6 checks passed",
    "process 2 exited with code 0",
    "kernel: all processes done, shutting down",
];

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

fn elf_file(name: &str, bytes: &[u8]) -> PathBuf {
    let name = format!("kernel-test-{name}-{}.elf", std::process::id());
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).expect("write ELF");
    path
}

#[test]
fn kernel_runs_user_processes_on_qemu() {
    if !qemu_available() {
        return;
    }
    let sbi = elf_file("sbi", workloads::firmware());
    let kernel = elf_file("kernel", workloads::kernel());
    let mut child = Command::new(QEMU)
        .args(["-machine", "virt", "-nographic", "-bios"])
        .arg(&sbi)
        .arg("-kernel")
        .arg(&kernel)
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
            panic!("kernel on qemu: killed after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = reader.join().expect("reader thread");
    let _ = std::fs::remove_file(&sbi);
    let _ = std::fs::remove_file(&kernel);
    assert_eq!(status.code(), Some(0), "output:\n{out}");
    let lines: Vec<&str> = out.lines().map(|l| l.trim_end_matches('\r')).collect();
    let first = lines
        .iter()
        .position(|l| *l == EXPECTED[0])
        .unwrap_or_else(|| panic!("no boot line in:\n{out}"));
    assert_eq!(&lines[first..], EXPECTED, "output:\n{out}");
}

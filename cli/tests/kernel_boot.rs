//! The guest kernel on the emulator: `asyncsim run --bios sbi --kernel
//! kernel` boots the firmware, hands over to the S-mode kernel, which runs
//! `user-hello` and `user-hostile` as processes and powers off with 0.

use std::path::PathBuf;
use std::process::Command;

/// Output lines the kernel and its processes must print, in this order.
const EXPECTED: &[&str] = &[
    "kernel booted (Sv39)",
    "hello from user space (pid 1)",
    "process 1 exited with code 0",
    "user-hostile: all 6 checks passed",
    "process 2 exited with code 0",
    "kernel: all processes done, shutting down",
];

fn write_tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asyncsim-kernel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn kernel_runs_user_processes_and_exits_zero() {
    let sbi = write_tmp("sbi.elf", workloads::firmware());
    let kernel = write_tmp("kernel.elf", workloads::kernel());
    let out = Command::new(env!("CARGO_BIN_EXE_asyncsim"))
        .arg("run")
        .arg("--bios")
        .arg(&sbi)
        .arg("--kernel")
        .arg(&kernel)
        .args(["--max-insns", "100000000"])
        .output()
        .expect("asyncsim runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stderr.contains("guest exited with code 0"), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == EXPECTED[0])
        .unwrap_or_else(|| panic!("no boot line in:\n{stdout}"));
    assert_eq!(&lines[start..], EXPECTED, "output:\n{stdout}");
}

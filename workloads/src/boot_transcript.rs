//! What the bundled firmware + kernel print when they boot, line by line:
//! the one transcript both machines are held to (asyncsim in
//! cli/tests/kernel_boot.rs, QEMU's virt in workloads/tests/qemu_kernel.rs).

/// The kernel's lines, in order, for the default command line (it runs
/// `user-hello` and `user-hostile`, then powers off).
pub const DEFAULT_BOOT: &[&str] = &[
    "kernel booted (Sv39)",
    "kernel: SBI 1.0, timer ok",
    "hello from user space (pid 1)",
    "process 1 exited with code 0",
    "user-hostile: all 7 checks passed",
    "process 2 exited with code 0",
    "kernel: all processes done, shutting down",
];

/// Lines of the SMP bring-up and self-test on `harts` harts when hart
/// `boot` booted the kernel (OpenSBI may pick any; asyncsim's firmware
/// picks hart 0): each other hart comes online (started through SBI HSM,
/// in order), then the boot hart does a call round trip (IPI there and
/// back), a remote sfence.vma (which must drop the hart's cached
/// translation) and many remote fences crossing with the hart's own (no
/// firmware deadlock) with each, checks the firmware's HSM/IPI/RFENCE
/// error answers, and stops and restarts the last hart through HSM. They
/// come after the first two lines of [`DEFAULT_BOOT`], in this order on
/// any machine: the boot hart runs the checks one after another.
pub fn smp_selftest(boot: usize, harts: usize) -> Vec<String> {
    let others: Vec<usize> = (0..harts).filter(|&h| h != boot).collect();
    let Some(&last) = others.last() else {
        return Vec::new();
    };
    let mut lines: Vec<String> = others
        .iter()
        .map(|h| format!("kernel: hart {h} online"))
        .collect();
    lines.push(format!("kernel: {harts} harts online"));
    for h in &others {
        lines.push(format!("kernel: IPI round trip with hart {h} ok"));
        lines.push(format!("kernel: remote sfence.vma on hart {h} ok"));
        lines.push(format!("kernel: crossed remote fences with hart {h} ok"));
    }
    lines.push("kernel: SBI HSM, IPI and RFENCE errors ok".into());
    lines.push(format!("kernel: hart {last} stopped"));
    lines.push(format!("kernel: hart {last} online"));
    lines.push(format!("kernel: IPI round trip with hart {last} ok"));
    lines
}

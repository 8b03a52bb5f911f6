//! Guest programs built for riscv64 by this crate's build script (see
//! `build.rs` and `guest/`), embedded as ELF images.
//!
//! Programs (all bare-metal M-mode on the virt platform, exit code through
//! the sifive_test finisher, 0 = pass):
//! - `hello`: prints "hello from asyncsim guest".
//! - `selftest`: checks integer, FP, compressed and atomic instructions;
//!   exits with the number of the first failing check.
//! - `smp-atomics`: AMO, LR/SC and spin-lock counters on every hart.
//! - `alu-loop`: ~200M iterations of a 5-instruction loop (speed benchmark).
//! - `memwalk`: branchy, memory-heavy walk/sort/search over 4 MiB.
//! - `fault-trap`, `fault-panic`: fail on purpose (exit 102 after a trap
//!   report, 101 after a panic report) to test the failure path.
//!
//! Not in that list, because they only run together: [`firmware`], an
//! M-mode SBI firmware (load as the BIOS at 0x8000_0000), and [`kernel`],
//! an S-mode kernel at 0x8020_0000 that runs the user programs named by
//! `init=A,B` in the command line concurrently, round-robin with timer
//! preemption (default `user-hello` as pid 1 and `user-hostile`, which
//! checks that bad pointers and syscall numbers get -EFAULT/-EBADF/-ENOSYS,
//! as pid 2; `user-fault` must be killed; `user-spin`, `user-yield` and
//! `user-sleep` exercise the scheduler; `user-files` checks the memory
//! file system calls, `user-memory` mmap/munmap and the command line;
//! `bench-null` is the null-syscall benchmark; `user-pipes`, `user-ipc`,
//! `user-ipc-hostile`, `user-deadlock` and `user-partner-dies` check the
//! pipes and IPC endpoints; `bench-ipc` (ipc-sync) and `bench-echo` (sync,
//! pipes) are their benchmarks, each run as two processes) and powers off
//! with exit code 0
//! when every process exited with 0, else 1.
//! See guest/README.md.

/// The kernel/user contract (syscall numbers, ring layout, sim-control
/// registers, command-line keys), the same crate the guest compiles.
pub use abi;

/// Harts the bundled firmware and kernel bring up: a benchmark run on a
/// machine with more would measure only these.
pub use platform::MAX_HARTS;

/// What the bundled firmware + kernel print when they boot.
pub mod boot_transcript;

/// The `--workload` / `--design` registry of `asyncsim run`.
mod registry;
pub use registry::{not_for_design, workload, Workload, DESIGNS, NOT_FOR_DESIGN, WORKLOADS};

include!(concat!(env!("OUT_DIR"), "/guest_programs.rs"));

/// The ELF image of the guest program `name`, if there is one.
pub fn guest_program(name: &str) -> Option<&'static [u8]> {
    GUEST_ELVES
        .iter()
        .find(|(program, _)| *program == name)
        .map(|(_, elf)| *elf)
}

/// The SBI firmware ELF (`asyncsim run --bios`, QEMU `-bios`).
pub fn firmware() -> &'static [u8] {
    FIRMWARE_ELF
}

/// The kernel ELF (`asyncsim run --kernel`, QEMU `-kernel`), with its user
/// programs embedded. Needs [`firmware`] (or another SBI) to boot.
pub fn kernel() -> &'static [u8] {
    KERNEL_ELF
}

/// The exit code `name` ends with when it works as intended (the fault
/// programs fail on purpose).
pub fn expected_exit_code(name: &str) -> u32 {
    match name {
        "fault-trap" => 102,
        "fault-panic" => 101,
        _ => 0,
    }
}

/// The guests' device-tree reader (firmware, kernel and runtime share
/// it), a dependency of this crate too, so that its bounds checks are
/// tested here.
#[cfg(test)]
use platform::fdt as guest_fdt;
#[cfg(test)]
mod guest_fdt_tests;
/// Device trees built token by token for the tests below.
#[cfg(test)]
mod test_fdt;

/// The guest kernel's registry of blocked processes (wake-ups across
/// harts, deadlocks), host-compiled for its tests.
#[cfg(test)]
#[path = "../guest/kernel/src/blocking.rs"]
mod kernel_blocking;
#[cfg(test)]
mod kernel_blocking_tests;
/// The guest kernel's tick/nanosecond conversions, host-compiled for its tests.
#[cfg(test)]
#[path = "../guest/kernel/src/clock.rs"]
mod kernel_clock;
#[cfg(test)]
mod kernel_clock_tests;
/// The guest kernel's ELF loader, compiled for the host so that its checks
/// of malformed images are tested here.
#[cfg(test)]
#[path = "../guest/kernel/src/elf.rs"]
mod kernel_elf;
#[cfg(test)]
mod kernel_elf_tests;
/// The guest kernel's coroutine executor, host-compiled for its tests.
#[cfg(test)]
#[path = "../guest/kernel/src/executor.rs"]
mod kernel_executor;
#[cfg(test)]
mod kernel_executor_tests;
/// Tests of the device-tree reader's kernel parts: the command line,
/// the timebase and devices by `compatible`.
#[cfg(test)]
mod kernel_fdt_tests;
/// The guest kernel's round-robin run queue, host-compiled for its tests.
#[cfg(test)]
#[path = "../guest/kernel/src/scheduler.rs"]
mod kernel_scheduler;
#[cfg(test)]
mod kernel_scheduler_tests;
/// The guest kernel's UINTR handle table, host-compiled for its tests.
#[cfg(test)]
#[path = "../guest/kernel/src/uintr_handles.rs"]
mod kernel_uintr_handles;
#[cfg(test)]
mod kernel_uintr_handles_tests;

/// The user runtime's executor, barrier and ring-syscall futures,
/// host-compiled for their tests (which play the kernel's ring ends).
#[cfg(test)]
extern crate alloc;
#[cfg(test)]
#[path = "../guest/user/src/barrier.rs"]
mod user_barrier;
#[cfg(test)]
#[path = "../guest/user/src/executor.rs"]
mod user_executor;
#[cfg(test)]
#[path = "../guest/user/src/ring_calls.rs"]
mod user_ring_calls;
#[cfg(test)]
mod user_runtime_tests;

#[cfg(test)]
mod tests {
    use super::*;

    const EM_RISCV: u16 = 243;
    const ET_EXEC: u16 = 2;

    fn u16_at(b: &[u8], off: usize) -> u16 {
        u16::from_le_bytes([b[off], b[off + 1]])
    }

    #[test]
    fn lists_the_expected_programs() {
        for name in [
            "hello",
            "selftest",
            "smp-atomics",
            "alu-loop",
            "memwalk",
            "fault-trap",
            "fault-panic",
        ] {
            assert!(GUEST_PROGRAMS.contains(&name), "{name} missing");
        }
        assert!(guest_program("no-such-program").is_none());
    }

    #[test]
    fn every_program_is_a_riscv64_executable_at_ram_base() {
        for &name in GUEST_PROGRAMS {
            let elf = guest_program(name).unwrap_or_else(|| panic!("{name} not embedded"));
            assert!(elf.len() > 64, "{name}: too short");
            assert_eq!(&elf[..4], b"\x7fELF", "{name}: magic");
            assert_eq!(elf[4], 2, "{name}: not ELFCLASS64");
            assert_eq!(elf[5], 1, "{name}: not little-endian");
            assert_eq!(u16_at(elf, 16), ET_EXEC, "{name}: e_type");
            assert_eq!(u16_at(elf, 18), EM_RISCV, "{name}: e_machine");
            let entry = u64::from_le_bytes(elf[24..32].try_into().unwrap());
            assert_eq!(entry, 0x8000_0000, "{name}: entry");
        }
    }

    fn entry_of(elf: &[u8]) -> u64 {
        assert_eq!(&elf[..4], b"\x7fELF");
        assert_eq!(u16_at(elf, 18), EM_RISCV);
        u64::from_le_bytes(elf[24..32].try_into().unwrap())
    }

    #[test]
    fn firmware_and_kernel_are_separate_from_the_programs() {
        assert_eq!(entry_of(firmware()), 0x8000_0000);
        assert_eq!(entry_of(kernel()), 0x8020_0000);
        for name in ["sbi", "kernel", "user-hello", "user-hostile"] {
            assert!(!GUEST_PROGRAMS.contains(&name), "{name} is not standalone");
        }
    }
}
/// The guest kernel's memory file system and fd table, host-compiled for
/// their tests.
#[cfg(test)]
#[path = "../guest/kernel/src/fd_table.rs"]
mod kernel_fd_table;
#[cfg(test)]
mod kernel_fd_table_tests;
#[cfg(test)]
#[path = "../guest/kernel/src/ipc.rs"]
mod kernel_ipc;
/// The guest kernel's spin lock, host-compiled so that threads can hammer it.
#[cfg(test)]
#[path = "../guest/kernel/src/lock.rs"]
mod kernel_lock;
#[cfg(test)]
mod kernel_lock_tests;
#[cfg(test)]
#[path = "../guest/kernel/src/memfs.rs"]
mod kernel_memfs;
#[cfg(test)]
mod kernel_memfs_tests;
/// The guest kernel's pipe buffers and IPC endpoint state machine,
/// host-compiled for their unit tests (in the files themselves).
#[cfg(test)]
#[path = "../guest/kernel/src/pipe.rs"]
mod kernel_pipe;

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

include!(concat!(env!("OUT_DIR"), "/guest_programs.rs"));

/// The ELF image of the guest program `name`, if there is one.
pub fn guest_program(name: &str) -> Option<&'static [u8]> {
    GUEST_ELVES
        .iter()
        .find(|(program, _)| *program == name)
        .map(|(_, elf)| *elf)
}

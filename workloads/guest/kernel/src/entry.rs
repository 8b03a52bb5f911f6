//! Kernel entries from the firmware, both in S-mode with satp = 0.
//!
//! `_start` (the boot hart, a0 = hart id, a1 = device tree): takes its
//! stack, zeroes `.bss`, enables the FPU state and calls [`crate::kmain`].
//! `__kernel_secondary_entry` (a hart started by [`crate::smp`] through
//! SBI HSM, a0 = hart id, a1 = the opaque value = its stack top): takes
//! that stack and calls [`crate::smp::secondary_main`]. Both set tp to the
//! hart id ([`crate::smp::this_hart`]). Hart h's stack is `STACKS[h]`; a
//! boot hart with an id of [`MAX_HARTS`] or more has none and stops.

use crate::smp::MAX_HARTS;

/// Kernel stack bytes per hart.
const STACK_SIZE: usize = 64 * 1024;

#[repr(C, align(16))]
struct Stack([u8; STACK_SIZE]);

#[link_section = ".uninit.stack"]
static mut STACKS: [Stack; MAX_HARTS] = [const { Stack([0; STACK_SIZE]) }; MAX_HARTS];

core::arch::global_asm!(
    ".pushsection .text.init, \"ax\"",
    ".option push",
    ".option arch, rv64gc",
    ".globl _start",
    "_start:",
    "   csrw sie, zero",
    "   li t0, {max_harts}",
    "   bgeu a0, t0, 3f",
    // sp = top of STACKS[a0]
    "   la sp, {stacks}",
    "   addi t0, a0, 1",
    "   li t1, {stack_size}",
    "   mul t0, t0, t1",
    "   add sp, sp, t0",
    "   mv tp, a0",
    // sstatus.FS = Initial: compiled Rust may use the FPU.
    "   li t0, 0x2000",
    "   csrs sstatus, t0",
    "   la t0, __bss_start",
    "   la t1, __bss_end",
    "1: bgeu t0, t1, 2f",
    "   sd zero, 0(t0)",
    "   addi t0, t0, 8",
    "   j 1b",
    "2: mv fp, zero",
    "   mv ra, zero",
    "   call {start}",
    "3: wfi",
    "   j 3b",
    "",
    ".align 2",
    ".globl __kernel_secondary_entry",
    "__kernel_secondary_entry:",
    "   csrw sie, zero",
    "   mv sp, a1",
    "   mv tp, a0",
    "   li t0, 0x2000",
    "   csrs sstatus, t0",
    "   mv fp, zero",
    "   mv ra, zero",
    "   call {secondary}",
    "4: wfi",
    "   j 4b",
    ".option pop",
    ".popsection",
    stacks = sym STACKS,
    stack_size = const STACK_SIZE,
    max_harts = const MAX_HARTS,
    start = sym start,
    secondary = sym secondary,
);

extern "C" {
    fn __kernel_secondary_entry();
}

extern "C" fn start(hart: usize, fdt: usize) -> ! {
    crate::kmain(hart, fdt)
}

extern "C" fn secondary(hart: usize) -> ! {
    crate::smp::secondary_main(hart)
}

/// Physical address where a started secondary hart begins (for HSM).
pub fn secondary_entry_address() -> usize {
    __kernel_secondary_entry as *const () as usize
}

/// Top of hart `hart`'s kernel stack (`hart` < [`MAX_HARTS`]).
pub fn stack_top(hart: usize) -> usize {
    core::ptr::addr_of!(STACKS) as usize + (hart + 1) * STACK_SIZE
}

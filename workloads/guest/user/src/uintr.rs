//! The user-interrupt receiver (UINTR.md): the `utvec` entry, written in
//! assembly because it runs between any two instructions of the program
//! and must save every register it uses, and the user-mode controls
//! around it (ustatus.UIE, registration with the kernel).
//!
//! The entry marks [`crate::notification`], clears this receiver's
//! pending bits in the UINTC (UIPI READ, WRITE 0) and uip.USIP, and
//! `uret`s. The executor learns what arrived from the
//! completion ring itself, so a notification carries no data.

use crate::notification::{COUNT, NOTIFIED};
use crate::sys::syscall3;

core::arch::global_asm!(
    ".pushsection .text.uintr_entry, \"ax\"",
    ".balign 4",
    ".globl __uintr_entry",
    "__uintr_entry:",
    "   addi sp, sp, -16",
    "   sd t0, 0(sp)",
    "   sd t1, 8(sp)",
    // UIPI READ (custom-3, funct3 2, imm 1): t0 = pending bits, then
    // UIPI WRITE (imm 2) of 0 clears them. A SEND landing between the
    // two is dropped, which costs nothing here: the receiver looks at
    // the completion ring after every notification anyway.
    "   .insn i 0x7b, 2, t0, x0, 1",
    "   .insn i 0x7b, 2, x0, x0, 2",
    // uip.USIP (csr 0x044, bit 0) down: the line is low now unless a new
    // SEND came, which raises it again.
    "   csrci 0x044, 1",
    "   li t0, 1",
    "   la t1, {notified}",
    "   sw t0, 0(t1)",
    "   la t1, {count}",
    "   lw t0, 0(t1)",
    "   addi t0, t0, 1",
    "   sw t0, 0(t1)",
    "   ld t1, 8(sp)",
    "   ld t0, 0(sp)",
    "   addi sp, sp, 16",
    // uret
    "   .4byte 0x00200073",
    ".popsection",
    notified = sym NOTIFIED,
    count = sym COUNT,
);

extern "C" {
    fn __uintr_entry();
}

/// Registers this process as a UINTR receiver with the entry above
/// (UINTR_REGISTER_RECEIVER); the kernel enables user interrupts.
pub fn register_receiver() -> isize {
    syscall3(
        abi::nr::UINTR_REGISTER_RECEIVER,
        __uintr_entry as *const () as usize,
        0,
        0,
    )
}

/// Turns user interrupts off (ustatus.UIE = 0): a notification that
/// comes now stays pending in the UINTC.
pub fn disable() {
    // SAFETY: clears ustatus.UIE (csr 0x000 bit 0), a U-mode CSR of this
    // process; nothing else changes.
    unsafe { core::arch::asm!("csrci 0x000, 1", options(nostack)) };
}

/// Turns user interrupts on again; a pending one is taken right after.
pub fn enable() {
    // SAFETY: sets ustatus.UIE; the entry above then may run.
    unsafe { core::arch::asm!("csrsi 0x000, 1", options(nostack)) };
}

/// UINTR_WAIT: blocks in the kernel until a user interrupt is pending
/// (returns at once if one is). Call with user interrupts disabled
/// after checking for completions, so one that lands in between is not
/// taken (and cleared) before the kernel looks.
pub fn wait() -> isize {
    syscall3(abi::nr::UINTR_WAIT, 0, 0, 0)
}

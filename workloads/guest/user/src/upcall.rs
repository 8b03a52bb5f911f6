//! The trap-based notification of the async-trapnotify design: the
//! kernel enters [`register`]'s handler instead of returning to the
//! interrupted code (saving that context itself, like a signal), and the
//! handler ends with UPCALL_RETURN, which puts the context back. So the
//! handler may use any register; it only aligns the stack it borrows
//! below the interrupted `sp` (RISC-V has no red zone).

use crate::notification::{COUNT, NOTIFIED};
use crate::sys::syscall3;

core::arch::global_asm!(
    ".pushsection .text.upcall_entry, \"ax\"",
    ".balign 4",
    ".globl __upcall_entry",
    "__upcall_entry:",
    "   andi sp, sp, -16",
    "   li t0, 1",
    "   la t1, {notified}",
    "   sw t0, 0(t1)",
    "   la t1, {count}",
    "   lw t0, 0(t1)",
    "   addi t0, t0, 1",
    "   sw t0, 0(t1)",
    "   li a7, {upcall_return}",
    "   ecall",
    // UPCALL_RETURN came back: the kernel has no context to resume.
    "   li a0, 104",
    "   li a7, {exit}",
    "   ecall",
    "1: j 1b",
    ".popsection",
    notified = sym NOTIFIED,
    count = sym COUNT,
    upcall_return = const abi::nr::UPCALL_RETURN,
    exit = const abi::nr::EXIT,
);

extern "C" {
    fn __upcall_entry();
}

/// UPCALL_REGISTER with the entry above.
pub fn register() -> isize {
    syscall3(
        abi::nr::UPCALL_REGISTER,
        __upcall_entry as *const () as usize,
        0,
        0,
    )
}

//! M-mode trap entry: saves the interrupted registers on the firmware stack
//! (found through mscratch), lets [`handle`] serve an SBI call from S-mode
//! or a machine software interrupt (IPI and fence requests of other harts,
//! see [`crate::ipi`]), and returns. Any other trap reaching M-mode is a
//! firmware or kernel bug: it is reported on the console and ends the
//! machine with exit code 103.

use crate::{calls, finisher, hsm, ipi, uart};

/// mcause of an environment call from S-mode.
const ECALL_FROM_S: usize = 9;
/// mcause of a machine software interrupt (CLINT msip).
const MACHINE_SOFTWARE_INTERRUPT: usize = (1 << (usize::BITS - 1)) | 3;
/// Exit code of the machine after an unexpected M-mode trap.
const UNEXPECTED_TRAP_EXIT: u32 = 103;

core::arch::global_asm!(
    ".pushsection .text, \"ax\"",
    ".option push",
    ".option arch, rv64gc",
    ".align 2",
    ".globl __sbi_trap_entry",
    "__sbi_trap_entry:",
    "   csrrw sp, mscratch, sp",
    "   addi sp, sp, -256",
    "   .irp i,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31",
    "   sd x\\i, (\\i*8)(sp)",
    "   .endr",
    "   csrr t0, mscratch",
    "   sd t0, 16(sp)",
    "   mv a0, sp",
    "   call {handle}",
    "   addi t0, sp, 256",
    "   csrw mscratch, t0",
    "   .irp i,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31",
    "   ld x\\i, (\\i*8)(sp)",
    "   .endr",
    "   ld sp, 16(sp)",
    "   mret",
    ".option pop",
    ".popsection",
    handle = sym handle,
);

extern "C" {
    fn __sbi_trap_entry();
}

/// Address for mtvec (direct mode).
pub fn entry_address() -> usize {
    __sbi_trap_entry as *const () as usize
}

/// Serves the trap whose saved registers (x0..x31, x2 = interrupted sp) are `regs`.
extern "C" fn handle(regs: &mut [usize; 32]) {
    let (cause, epc, tval): (usize, usize, usize);
    // SAFETY: reading trap CSRs has no side effects.
    unsafe {
        core::arch::asm!(
            "csrr {0}, mcause",
            "csrr {1}, mepc",
            "csrr {2}, mtval",
            out(reg) cause,
            out(reg) epc,
            out(reg) tval,
        );
    }
    if cause == MACHINE_SOFTWARE_INTERRUPT {
        // mepc is the interrupted instruction: resume there.
        ipi::service(hsm::this_hart());
        return;
    }
    if cause != ECALL_FROM_S {
        uart::print_args(format_args!(
            "sbi: unexpected trap mcause={cause:#x} mepc={epc:#x} mtval={tval:#x}\n"
        ));
        finisher::exit(UNEXPECTED_TRAP_EXIT);
    }
    let args = [regs[10], regs[11], regs[12], regs[13], regs[14], regs[15]];
    let ret = calls::dispatch(regs[17], regs[16], args);
    regs[10] = ret.error as usize;
    if let Some(value) = ret.value {
        regs[11] = value;
    }
    // SAFETY: resume after the 4-byte ecall.
    unsafe { core::arch::asm!("csrw mepc, {0}", in(reg) epc + 4) };
}

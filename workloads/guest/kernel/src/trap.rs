//! Trap entry and the switch into user mode.
//!
//! [`run_user`] saves the kernel's callee-saved registers in the process's
//! [`TrapFrame`], loads the user registers and `sret`s. The next trap from
//! U-mode stores the user registers back and returns from `run_user` as if
//! it were an ordinary call, so the kernel handles every trap in plain Rust
//! on its own stack. While the kernel runs, sscratch is 0: a trap taken
//! then is a kernel bug, reported by [`kernel_trap`] before shutting down.

use crate::clock::Clock;
use crate::{kprintln, process_shared, sbi, syscall};

/// User registers x0..x31 and sepc, then the kernel's ra, sp, s0..s11
/// and tp (its hart id, see [`crate::smp::this_hart`]) while the process
/// runs, then what the fast path ([`fast_syscall`]) needs to answer a
/// call without the process: its pid and the clock. The assembly below
/// uses these offsets.
#[repr(C)]
#[derive(Debug)]
pub struct TrapFrame {
    pub regs: [usize; 32],
    pub sepc: usize,
    kernel: [usize; 15],
    pid: usize,
    pub clock: Clock,
}

impl TrapFrame {
    /// Registers of process `pid` about to start at `pc` with stack `sp`.
    pub fn new(pid: usize, pc: usize, sp: usize) -> Self {
        let mut regs = [0; 32];
        regs[2] = sp;
        Self {
            regs,
            sepc: pc,
            kernel: [0; 15],
            pid,
            clock: Clock::new(0),
        }
    }
}

const _: () = assert!(core::mem::offset_of!(TrapFrame, sepc) == 256);
const _: () = assert!(core::mem::offset_of!(TrapFrame, kernel) == 264);

/// The trap path's fast path, called by the trap entry on an ecall from
/// U-mode with the user registers saved in `frame`: serves the calls
/// that need only registers, the pid and the clock
/// ([`syscall::from_registers`]; no lock, no process), unless an upcall
/// waits (the slow path delivers it before the return). Returns whether
/// it served the call (result in a0, sepc past the ecall); if not, the
/// ecall goes to [`crate::process::Process::run`] untouched.
extern "C" fn fast_syscall(frame: &mut TrapFrame) -> bool {
    let Some(result) = syscall::from_registers(frame.pid, &frame.clock, frame.regs[17]) else {
        return false;
    };
    if process_shared::upcall_raised(frame.pid) {
        return false;
    }
    frame.regs[10] = result as usize;
    frame.sepc = frame.sepc.wrapping_add(4);
    true
}

/// scause of an environment call from U-mode.
pub const CAUSE_ECALL_FROM_U: usize = 8;
const SSTATUS_SPIE: usize = 1 << 5;
const SSTATUS_SPP: usize = 1 << 8;

core::arch::global_asm!(
    ".pushsection .text, \"ax\"",
    ".option push",
    ".option arch, rv64gc",
    ".globl __kernel_run_user",
    "__kernel_run_user:",
    "   sd ra, 264(a0)",
    "   sd sp, 272(a0)",
    "   sd s0, 280(a0)",
    "   sd s1, 288(a0)",
    "   .irp i,2,3,4,5,6,7,8,9,10,11",
    "   sd s\\i, (280+\\i*8)(a0)",
    "   .endr",
    "   sd tp, 376(a0)",
    "   csrw sscratch, a0",
    "2: ld t0, 256(a0)",
    "   csrw sepc, t0",
    "   .irp i,1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31",
    "   ld x\\i, (\\i*8)(a0)",
    "   .endr",
    "   ld a0, 80(a0)",
    "   sret",
    "",
    ".align 2",
    ".globl __kernel_trap_entry",
    "__kernel_trap_entry:",
    "   csrrw a0, sscratch, a0",
    "   beqz a0, 1f",
    "   .irp i,1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31",
    "   sd x\\i, (\\i*8)(a0)",
    "   .endr",
    "   csrr t0, sscratch",
    "   sd t0, 80(a0)",
    "   csrr t0, sepc",
    "   sd t0, 256(a0)",
    "   csrw sscratch, zero",
    // An ecall goes to the fast path first, on the kernel stack below
    // the frames of `run_user`'s caller (s0 keeps the frame: the call
    // preserves it). Served: back to U-mode at once.
    // Only the numbers it may serve go there: the others pay 8
    // instructions for the look, not a call.
    "   csrr t0, scause",
    "   li t1, 8",
    "   bne t0, t1, 3f",
    "   ld t0, 136(a0)",
    "   li t1, {getpid}",
    "   beq t0, t1, 4f",
    "   li t1, {clock_gettime}",
    "   bne t0, t1, 3f",
    "4: ld sp, 272(a0)",
    "   ld tp, 376(a0)",
    "   mv s0, a0",
    "   call {fast_syscall}",
    "   mv t0, a0",
    "   mv a0, s0",
    "   beqz t0, 3f",
    "   csrw sscratch, a0",
    "   j 2b",
    // Anything else returns from `__kernel_run_user` to the scheduler.
    "3: ld ra, 264(a0)",
    "   ld sp, 272(a0)",
    "   ld s0, 280(a0)",
    "   ld s1, 288(a0)",
    "   .irp i,2,3,4,5,6,7,8,9,10,11",
    "   ld s\\i, (280+\\i*8)(a0)",
    "   .endr",
    "   ld tp, 376(a0)",
    "   ret",
    "1: csrrw a0, sscratch, a0",
    "   call {kernel_trap}",
    ".option pop",
    ".popsection",
    kernel_trap = sym kernel_trap,
    fast_syscall = sym fast_syscall,
    getpid = const syscall::SYS_GETPID,
    clock_gettime = const syscall::SYS_CLOCK_GETTIME,
);

extern "C" {
    fn __kernel_run_user(frame: *mut TrapFrame);
    fn __kernel_trap_entry();
}

/// Points stvec at the trap entry; sscratch = 0 marks "in the kernel".
pub fn init() {
    // SAFETY: the entry is 4-byte aligned (direct mode) and handles both
    // user and kernel traps.
    unsafe {
        core::arch::asm!(
            "csrw sscratch, zero",
            "csrw stvec, {0}",
            in(reg) __kernel_trap_entry as *const () as usize,
        );
    }
}

/// Why control came back from user mode: scause split into its interrupt
/// bit and cause code, and stval.
#[derive(Debug, Clone, Copy)]
pub struct Trap {
    pub interrupt: bool,
    pub cause: usize,
    pub tval: usize,
}

/// scause's top bit: the trap is an interrupt.
const SCAUSE_INTERRUPT: usize = 1 << (usize::BITS - 1);

/// Runs the process whose registers are `frame` (its address space must be
/// active) in U-mode until its next trap.
pub fn run_user(frame: &mut TrapFrame) -> Trap {
    // SAFETY: sret goes to U-mode, where S interrupts enabled in sie are
    // taken whatever sstatus.SIE says; SPIE = 0 keeps them off in the
    // kernel after the next trap. The assembly returns here on that trap
    // with every kernel callee-saved register restored.
    unsafe {
        core::arch::asm!("csrc sstatus, {0}", in(reg) SSTATUS_SPP | SSTATUS_SPIE);
        __kernel_run_user(frame);
    }
    let (cause, tval): (usize, usize);
    // SAFETY: reading trap CSRs has no side effects.
    unsafe {
        core::arch::asm!("csrr {0}, scause", "csrr {1}, stval", out(reg) cause, out(reg) tval)
    };
    Trap {
        interrupt: cause & SCAUSE_INTERRUPT != 0,
        cause: cause & !SCAUSE_INTERRUPT,
        tval,
    }
}

/// The name of exception `cause` (scause without the interrupt bit).
pub fn cause_name(cause: usize) -> &'static str {
    match cause {
        0 => "instruction address misaligned",
        1 => "instruction access fault",
        2 => "illegal instruction",
        3 => "breakpoint",
        4 => "load address misaligned",
        5 => "load access fault",
        6 => "store address misaligned",
        7 => "store access fault",
        8 => "environment call from U-mode",
        12 => "instruction page fault",
        13 => "load page fault",
        15 => "store page fault",
        _ => "unexpected trap",
    }
}

/// A trap while the kernel itself ran: a kernel bug. Report and power off.
extern "C" fn kernel_trap() -> ! {
    let (cause, epc, tval): (usize, usize, usize);
    // SAFETY: reading trap CSRs has no side effects.
    unsafe {
        core::arch::asm!(
            "csrr {0}, scause",
            "csrr {1}, sepc",
            "csrr {2}, stval",
            out(reg) cause,
            out(reg) epc,
            out(reg) tval,
        );
    }
    kprintln!("kernel trap: scause={cause:#x} sepc={epc:#x} stval={tval:#x}");
    sbi::shutdown(false)
}

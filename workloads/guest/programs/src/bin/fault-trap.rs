//! Fails on purpose: executes an illegal instruction, so the runtime's trap
//! report (mcause 2, mepc, mtval) and exit code 102 can be tested.
#![no_std]
#![no_main]

rt::entry!(main);

fn main(hart: usize, _harts: usize) -> i32 {
    if hart == 0 {
        // SAFETY: traps at once; the runtime's handler never returns.
        unsafe { core::arch::asm!("unimp", options(nomem, nostack)) };
    }
    0
}

//! The few machine-mode CSRs that guest programs read.

/// Id of the hart running this code (`mhartid`).
#[inline(always)]
pub fn hart_id() -> usize {
    let id: usize;
    // SAFETY: reading mhartid has no side effects; the runtime runs in M-mode.
    unsafe { core::arch::asm!("csrr {0}, mhartid", out(reg) id, options(nomem, nostack)) };
    id
}

/// Instructions retired by this hart (`minstret`).
#[inline(always)]
pub fn instret() -> u64 {
    let n: u64;
    // SAFETY: reading minstret has no side effects.
    unsafe { core::arch::asm!("csrr {0}, minstret", out(reg) n, options(nomem, nostack)) };
    n
}

/// Cycles of this hart (`mcycle`).
#[inline(always)]
pub fn cycle() -> u64 {
    let n: u64;
    // SAFETY: reading mcycle has no side effects.
    unsafe { core::arch::asm!("csrr {0}, mcycle", out(reg) n, options(nomem, nostack)) };
    n
}

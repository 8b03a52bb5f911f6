//! The S-mode timer through SBI TIME: a boot-time check that a deadline
//! raises STIP and that moving it away clears STIP again, which exercises
//! the firmware's set_timer, Sstc, interrupt delegation and `time` reads
//! before any scheduler relies on them; then the timer interrupt enable
//! (the scheduler's idle wait is `smp::wait_for_ipi`, which the timer
//! interrupt also ends).

use crate::sbi;

const SIP_STIP: usize = 1 << 5;
/// Ticks from now until the test deadline.
const DELAY_TICKS: u64 = 100;
/// Ticks to poll at most for STIP (a broken timer must not hang the boot).
const MAX_WAIT_TICKS: u64 = 1_000_000;

/// The `time` CSR (needs mcounteren.TM from the firmware).
pub fn now() -> u64 {
    let t: u64;
    // SAFETY: reading `time` has no side effects.
    unsafe { core::arch::asm!("rdtime {0}", out(reg) t) };
    t
}

fn stip_pending() -> bool {
    let sip: usize;
    // SAFETY: reading sip has no side effects.
    unsafe { core::arch::asm!("csrr {0}, sip", out(reg) sip) };
    sip & SIP_STIP != 0
}

/// What went wrong in [`self_test`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerError {
    Sbi(sbi::SbiError),
    /// STIP did not rise after the deadline.
    NeverFired,
    /// STIP stayed pending after the deadline moved to the far future.
    NotCleared,
}

/// Sets a deadline just ahead, polls sip until STIP rises (interrupts stay
/// off, sie = 0: nothing is taken), then moves the deadline to never and
/// checks that STIP is gone. Returns the ticks waited. (It polls rather
/// than `wfi`s: asyncsim's WFI does not yet resume on a pending interrupt
/// that is enabled in sie but globally disabled.)
pub fn self_test() -> Result<u64, TimerError> {
    let start = now();
    sbi::set_timer(start + DELAY_TICKS).map_err(TimerError::Sbi)?;
    while !stip_pending() && now().wrapping_sub(start) < MAX_WAIT_TICKS {
        core::hint::spin_loop();
    }
    let fired = stip_pending();
    let waited = now().wrapping_sub(start);
    sbi::set_timer(u64::MAX).map_err(TimerError::Sbi)?;
    if !fired || waited < DELAY_TICKS {
        return Err(TimerError::NeverFired);
    }
    if stip_pending() {
        return Err(TimerError::NotCleared);
    }
    Ok(waited)
}

/// Allows the S timer interrupt (sie.STIE). The kernel itself runs with
/// sstatus.SIE = 0, so the interrupt is taken only in U-mode (always
/// enabled there) and merely wakes `wfi` in the kernel's idle loop.
pub fn enable_interrupt() {
    // SAFETY: sets one enable bit; nothing is taken while sstatus.SIE = 0.
    unsafe { core::arch::asm!("csrs sie, {0}", in(reg) SIP_STIP) };
}

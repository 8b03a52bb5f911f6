//! SBI Hart State Management (HSM): which harts the kernel runs on. Hart 0
//! boots the kernel; every other hart waits in M-mode ([`wait_stopped`])
//! in the STOPPED state until the kernel calls `hart_start` for it, and
//! goes back there on `hart_stop`. The state word of each hart is the
//! only thing two harts race on; it moves by compare-and-swap, and the
//! start address and opaque value are published before START_PENDING.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::{boot, calls::SbiRet, ipi};

/// Harts this firmware serves (hart ids 0..MAX_HARTS; others park).
pub use platform::MAX_HARTS;

/// HSM states as hart_get_status reports them (SBI spec v1.0).
pub const STARTED: usize = 0;
pub const STOPPED: usize = 1;
pub const START_PENDING: usize = 2;
/// Internal: a hart_start call has claimed the hart and is filling in its
/// start address (reported as START_PENDING).
const CLAIMED: usize = usize::MAX;

const SBI_ERR_INVALID_PARAM: isize = -3;
const SBI_ERR_INVALID_ADDRESS: isize = -5;
const SBI_ERR_ALREADY_AVAILABLE: isize = -6;
const SBI_ERR_FAILED: isize = -1;

/// Start of RAM: a start address must lie at or above it.
const RAM_BASE: usize = 0x8000_0000;

const MSTATUS_MPP_MASK: usize = 3 << 11;
const MSTATUS_MPP_S: usize = 1 << 11;
const MSTATUS_SIE: usize = 1 << 1;
/// SSIP, STIP, SEIP (and the enables at the same bits in mie).
const MIP_S_BITS: usize = (1 << 1) | (1 << 5) | (1 << 9);

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: AtomicUsize = AtomicUsize::new(0);
static STATE: [AtomicUsize; MAX_HARTS] = [ZERO; MAX_HARTS];
static START_ADDR: [AtomicUsize; MAX_HARTS] = [ZERO; MAX_HARTS];
static OPAQUE: [AtomicUsize; MAX_HARTS] = [ZERO; MAX_HARTS];
/// Harts of the machine (`cpu@N` nodes of the device tree, at most MAX_HARTS).
static HART_COUNT: AtomicUsize = AtomicUsize::new(1);

/// Called by hart 0 before it enters the kernel: `count` harts exist;
/// hart 0 is STARTED, the others STOPPED.
pub fn init(count: usize) {
    let count = count.clamp(1, MAX_HARTS);
    for (h, state) in STATE.iter().enumerate().take(count) {
        state.store(if h == 0 { STARTED } else { STOPPED }, Ordering::SeqCst);
    }
    HART_COUNT.store(count, Ordering::SeqCst);
}

/// Harts of the machine.
pub fn hart_count() -> usize {
    HART_COUNT.load(Ordering::SeqCst)
}

/// The calling hart's id.
pub fn this_hart() -> usize {
    let id: usize;
    // SAFETY: reading mhartid has no side effects.
    unsafe { core::arch::asm!("csrr {0}, mhartid", out(reg) id) };
    id
}

/// hart_start(hartid, start_addr, opaque).
pub fn hart_start(hart: usize, start_addr: usize, opaque: usize) -> SbiRet {
    if hart >= hart_count() {
        return SbiRet::err(SBI_ERR_INVALID_PARAM);
    }
    if start_addr < RAM_BASE || !start_addr.is_multiple_of(2) {
        return SbiRet::err(SBI_ERR_INVALID_ADDRESS);
    }
    if STATE[hart]
        .compare_exchange(STOPPED, CLAIMED, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        return SbiRet::err(SBI_ERR_ALREADY_AVAILABLE);
    }
    START_ADDR[hart].store(start_addr, Ordering::SeqCst);
    OPAQUE[hart].store(opaque, Ordering::SeqCst);
    STATE[hart].store(START_PENDING, Ordering::SeqCst);
    ipi::wake(hart);
    SbiRet::ok(0)
}

/// hart_stop(): the calling hart returns to [`wait_stopped`] and never
/// returns to its caller (an error only if it was not STARTED).
pub fn hart_stop() -> SbiRet {
    let hart = this_hart();
    if hart >= hart_count()
        || STATE[hart]
            .compare_exchange(STARTED, STOPPED, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
    {
        return SbiRet::err(SBI_ERR_FAILED);
    }
    quiesce_s_mode();
    boot::restart_stopped(hart)
}

/// hart_get_status(hartid).
pub fn hart_get_status(hart: usize) -> SbiRet {
    if hart >= hart_count() {
        return SbiRet::err(SBI_ERR_INVALID_PARAM);
    }
    match STATE[hart].load(Ordering::SeqCst) {
        CLAIMED => SbiRet::ok(START_PENDING),
        state => SbiRet::ok(state),
    }
}

/// Turns off what the kernel left on this hart's S level: its interrupt
/// enables, pending SSIP and timer (so `wfi` in [`wait_stopped`] sleeps).
fn quiesce_s_mode() {
    // SAFETY: M-mode CSR writes that only affect S-level interrupt state.
    unsafe {
        core::arch::asm!(
            "csrc mie, {s}",
            "csrc mip, {ssip}",
            "csrc mstatus, {sie}",
            s = in(reg) MIP_S_BITS,
            ssip = in(reg) 1usize << 1,
            sie = in(reg) MSTATUS_SIE,
        );
        if crate::calls::sstc_enabled() {
            core::arch::asm!("csrw stimecmp, {0}", in(reg) usize::MAX);
        }
    }
}

/// A STOPPED hart's loop (M-mode, mstatus.MIE = 0, mie.MSIE = 1, so
/// `wfi` wakes on the CLINT msip): serves IPI and fence requests, and
/// enters S-mode at the start address once hart_start asked for it.
pub extern "C" fn wait_stopped(hart: usize) -> ! {
    loop {
        ipi::service(hart);
        if STATE[hart].load(Ordering::SeqCst) == START_PENDING {
            let addr = START_ADDR[hart].load(Ordering::SeqCst);
            let opaque = OPAQUE[hart].load(Ordering::SeqCst);
            STATE[hart].store(STARTED, Ordering::SeqCst);
            enter_supervisor(hart, addr, opaque);
        }
        // SAFETY: wfi only waits.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) };
    }
}

/// `mret`s to S-mode at `addr` with a0 = hart id, a1 = `opaque`, satp = 0
/// and sstatus.SIE = 0, as the SBI spec says for hart_start.
pub fn enter_supervisor(hart: usize, addr: usize, opaque: usize) -> ! {
    quiesce_s_mode();
    // SAFETY: leaves M-mode for the kernel; this hart's trap entry and
    // stack (mscratch) are set up (boot::setup_hart ran).
    unsafe {
        core::arch::asm!(
            "csrc mstatus, {mpp_mask}",
            "csrs mstatus, {mpp_s}",
            "csrw mepc, {entry}",
            "csrw satp, zero",
            "sfence.vma",
            "mret",
            mpp_mask = in(reg) MSTATUS_MPP_MASK,
            mpp_s = in(reg) MSTATUS_MPP_S,
            entry = in(reg) addr,
            in("a0") hart,
            in("a1") opaque,
            options(noreturn),
        );
    }
}

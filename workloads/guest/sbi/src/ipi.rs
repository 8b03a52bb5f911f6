//! Inter-hart requests: the SBI IPI extension (an S-mode software
//! interrupt, SSIP, on the target harts) and the RFENCE extension (the
//! target harts execute `fence.i` or `sfence.vma`; the caller returns only
//! once they did).
//!
//! A request is a bit in the target's `PENDING` word plus a CLINT msip
//! write. The target sees a machine software interrupt (in S/U-mode,
//! where M interrupts are always enabled) or wakes from `wfi` in M-mode,
//! and [`service`] takes its bits: SSIP is set in `mip` (the kernel takes
//! it as its own software interrupt), fences are executed. A caller that
//! waits also sets its bit in the target's `WAITERS`; the target
//! acknowledges in the caller's `ACKS` after executing what was pending.
//! Because a caller posts `PENDING` before `WAITERS` and the target takes
//! `WAITERS` before `PENDING`, an acknowledgement always comes after the
//! caller's fence ran. A waiting caller serves its own requests while it
//! spins, so two harts fencing each other cannot deadlock.
//!
//! An `sfence.vma` request for one page (as OpenSBI, whose default range
//! limit is a page) flushes only that page when it is the target's only
//! one pending: the page waits in the target's `FENCE_PAGE` slot, written
//! before the request bit, and only a round that takes an `sfence.vma`
//! bit takes the slot. Anything else (a larger range, two different
//! pages, a bit whose slot an earlier round took) flushes the whole TLB,
//! whatever ASID was asked for: the SBI spec allows flushing more than
//! requested. So the round that acknowledges a caller, which took the
//! caller's bit, flushes the caller's page or everything after the
//! caller posted it.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::hsm::{self, MAX_HARTS};

/// Request bits.
pub const REQ_SSIP: usize = 1 << 0;
pub const REQ_FENCE_I: usize = 1 << 1;
pub const REQ_SFENCE_VMA: usize = 1 << 2;

const CLINT_MSIP: usize = 0x200_0000;
const MIP_SSIP: usize = 1 << 1;

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: AtomicUsize = AtomicUsize::new(0);
/// Requests waiting for each hart.
static PENDING: [AtomicUsize; MAX_HARTS] = [ZERO; MAX_HARTS];
/// Harts waiting for each hart to acknowledge (bit = waiting hart).
static WAITERS: [AtomicUsize; MAX_HARTS] = [ZERO; MAX_HARTS];
/// Acknowledgements each hart received (bit = acknowledging hart).
static ACKS: [AtomicUsize; MAX_HARTS] = [ZERO; MAX_HARTS];
/// What each hart's pending `sfence.vma` requests cover: [`EMPTY`] (no
/// request recorded one: all), [`ALL`], or a page-aligned address (that
/// page only). Taken only by a round that takes an `sfence.vma` bit.
static FENCE_PAGE: [AtomicUsize; MAX_HARTS] = [const { AtomicUsize::new(EMPTY) }; MAX_HARTS];
/// Neither is page-aligned, so neither is a page address.
const EMPTY: usize = usize::MAX;
const ALL: usize = usize::MAX - 1;
const PAGE_SIZE: usize = 4096;

/// What an `sfence.vma` request covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FenceRange {
    All,
    /// The page at this (aligned) address.
    Page(usize),
}

impl FenceRange {
    /// What a target's `FENCE_PAGE` slot records for it.
    fn slot(self) -> usize {
        match self {
            FenceRange::Page(page) => page,
            FenceRange::All => ALL,
        }
    }

    /// The range of an RFENCE call (start, size): one page if it fits in
    /// one, else all (size 0 and usize::MAX mean the whole space).
    pub fn of(start: usize, size: usize) -> Self {
        let page = start & !(PAGE_SIZE - 1);
        match start.checked_add(size) {
            Some(end) if size != 0 && end <= page + PAGE_SIZE => FenceRange::Page(page),
            _ => FenceRange::All,
        }
    }
}

/// Sets or clears `hart`'s CLINT msip (`hart` < the hart count).
fn set_msip(hart: usize, on: bool) {
    // SAFETY: the msip register of an existing hart; one 32-bit access.
    unsafe {
        core::arch::asm!("fence iorw, iorw", options(nostack));
        core::ptr::write_volatile((CLINT_MSIP + 4 * hart) as *mut u32, u32::from(on));
        core::arch::asm!("fence iorw, iorw", options(nostack));
    }
}

/// Rings `hart`'s doorbell without a request (hart_start uses it).
pub fn wake(hart: usize) {
    set_msip(hart, true);
}

/// The harts named by an SBI hart mask: bit i is hart `base + i`, and
/// `base == usize::MAX` means every hart. `None` if one does not exist.
pub fn decode_mask(mask: usize, base: usize) -> Option<usize> {
    let count = hsm::hart_count();
    let all = (1usize << count) - 1;
    if base == usize::MAX {
        return Some(all);
    }
    let mut harts = 0;
    for bit in 0..usize::BITS as usize {
        if mask & (1 << bit) != 0 {
            let hart = base.checked_add(bit).filter(|&h| h < count)?;
            harts |= 1 << hart;
        }
    }
    Some(harts)
}

/// Executes the requests in `bits` on this hart (`sfence.vma` narrowed
/// to `page` if it is a page address).
fn execute(bits: usize, page: usize) {
    // SAFETY: setting SSIP and fences only affect this hart's S-level
    // interrupt state and its caches of instructions and translations.
    unsafe {
        if bits & REQ_SSIP != 0 {
            core::arch::asm!("csrs mip, {0}", in(reg) MIP_SSIP);
        }
        if bits & REQ_FENCE_I != 0 {
            core::arch::asm!("fence.i");
        }
        if bits & REQ_SFENCE_VMA != 0 {
            if page & (PAGE_SIZE - 1) != 0 {
                core::arch::asm!("sfence.vma");
            } else {
                core::arch::asm!("sfence.vma {0}, zero", in(reg) page);
            }
        }
    }
}

/// Takes and executes the requests pending for `hart` (this hart), then
/// acknowledges them to the harts that wait.
pub fn service(hart: usize) {
    set_msip(hart, false);
    let waiters = WAITERS[hart].swap(0, Ordering::SeqCst);
    let bits = PENDING[hart].swap(0, Ordering::SeqCst);
    let page = if bits & REQ_SFENCE_VMA != 0 {
        FENCE_PAGE[hart].swap(EMPTY, Ordering::SeqCst)
    } else {
        EMPTY
    };
    execute(bits, page);
    for (waiter, acks) in ACKS.iter().enumerate() {
        if waiters & (1 << waiter) != 0 {
            acks.fetch_or(1 << hart, Ordering::SeqCst);
        }
    }
}

/// Posts `request` to every hart in `harts` (a bit mask of existing
/// harts); the calling hart executes its own share directly. With `wait`,
/// returns only after every target executed it. `range` narrows an
/// `sfence.vma` request.
pub fn send(harts: usize, request: usize, range: FenceRange, wait: bool) {
    let me = hsm::this_hart();
    let others = harts & !(1 << me);
    if wait {
        ACKS[me].fetch_and(!others, Ordering::SeqCst);
    }
    for hart in 0..MAX_HARTS {
        if others & (1 << hart) == 0 {
            continue;
        }
        if request & REQ_SFENCE_VMA != 0 {
            narrow(hart, range);
        }
        PENDING[hart].fetch_or(request, Ordering::SeqCst);
        if wait {
            WAITERS[hart].fetch_or(1 << me, Ordering::SeqCst);
        }
        set_msip(hart, true);
    }
    if harts & (1 << me) != 0 {
        execute(request, range.slot());
    }
    if wait {
        while ACKS[me].load(Ordering::SeqCst) & others != others {
            // Serve requests to this hart (it cannot take the interrupt
            // here); skip the msip write when there are none.
            if PENDING[me].load(Ordering::SeqCst) | WAITERS[me].load(Ordering::SeqCst) != 0 {
                service(me);
            }
            core::hint::spin_loop();
        }
    }
}

/// Records what `hart`'s next `sfence.vma` must cover, before the request
/// bit is posted: the page if the slot is empty or holds the same page,
/// else all.
fn narrow(hart: usize, range: FenceRange) {
    let slot = &FENCE_PAGE[hart];
    let page = range.slot();
    if let Err(other) = slot.compare_exchange(EMPTY, page, Ordering::SeqCst, Ordering::SeqCst) {
        if other != page {
            slot.store(ALL, Ordering::SeqCst);
        }
    }
}

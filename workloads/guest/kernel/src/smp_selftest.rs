//! Boot-time proof that the SMP base works, run by the boot hart against
//! every other online hart:
//!
//! - IPI round trip: [`smp::call_on`] posts a call and IPIs the hart,
//!   which answers with its own id and IPIs back.
//! - Remote `sfence.vma`: the hart switches to a test address space and
//!   reads a user page (its TLB now holds the translation); the boot hart
//!   swaps the frames behind two pages and fences the hart remotely; the
//!   hart reads again without touching satp and must see the other frame.
//!   Without the fence its cached translation would still give the old one.
//! - Crossed remote fences: the hart (as a service) and the boot hart
//!   fence each other many times at once; the firmware must not deadlock.
//! - The firmware's error answers (HSM, IPI, RFENCE) for bad hart ids,
//!   a running hart and (to a stopped hart) a bad start address; only
//!   with this repository's firmware, as other firmware (OpenSBI) may
//!   order or relax these checks differently.
//! - HSM stop and restart: the last hart stops itself (a service calling
//!   [`smp::stop_this_hart`]), the firmware reports it stopped, and
//!   [`smp::start_hart`] brings it back online; a round trip follows.
//!
//! Prints one line per check; returns whether all passed.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::frames::{FRAMES, PAGE_SIZE};
use crate::page_table::{AddressSpace, PTE_R, PTE_W};
use crate::sbi::{self, SbiError};
use crate::smp::{self, ServiceContext, SmpError};
use crate::{entry, kprintln, timer};

/// The two user pages of the test space and what their frames hold.
const PAGE_X: usize = 0x1000_0000;
const PAGE_Y: usize = PAGE_X + PAGE_SIZE;
const VALUE_A: usize = 0xa11c_e000;
const VALUE_B: usize = 0xb0b0_0000;
const SSTATUS_SUM: usize = 1 << 18;

/// Runs the checks on every online hart but this one.
pub fn run() -> bool {
    let me = smp::this_hart();
    let mut ok = true;
    let mut last = None;
    for hart in (0..smp::MAX_HARTS).filter(|&h| h != me && smp::is_online(h)) {
        ok &= round_trip(hart);
        ok &= remote_fence(hart);
        ok &= crossed_fences(hart);
        last = Some(hart);
    }
    let own_firmware = sbi::impl_id() == Ok(sbi::IMPL_ASYNCSIM);
    if let Some(hart) = last {
        if own_firmware {
            ok &= firmware_errors(hart);
        }
        ok &= stop_and_restart(hart, own_firmware);
    }
    ok
}

/// Remote fences each side of [`crossed_fences`] asks for.
const CROSSED_ROUNDS: usize = 40;
/// The hart [`fence_storm`] fences, and how its rounds went (0 = running,
/// 1 = all accepted, 2 = one refused).
static STORM_TARGET: AtomicUsize = AtomicUsize::new(0);
static STORM_RESULT: AtomicUsize = AtomicUsize::new(0);

/// A service that fences [`STORM_TARGET`] remotely, over and over.
fn fence_storm(_: &ServiceContext) {
    let target = STORM_TARGET.load(Ordering::SeqCst);
    let all_ok = (0..CROSSED_ROUNDS).all(|_| smp::remote_sfence_vma(1 << target, None).is_ok());
    STORM_RESULT.store(if all_ok { 1 } else { 2 }, Ordering::SeqCst);
    let _ = smp::send_ipi(target);
}

/// `hart` fences this hart while this hart fences `hart`: each waits for
/// the other's acknowledgement inside the firmware at the same time.
fn crossed_fences(hart: usize) -> bool {
    STORM_TARGET.store(smp::this_hart(), Ordering::SeqCst);
    STORM_RESULT.store(0, Ordering::SeqCst);
    if let Err(e) = smp::start_service(hart, fence_storm) {
        kprintln!("kernel: crossed remote fences with hart {hart}: {e:?}");
        return false;
    }
    let mine = (0..CROSSED_ROUNDS).all(|_| smp::remote_sfence_vma(1 << hart, None).is_ok());
    while STORM_RESULT.load(Ordering::SeqCst) == 0 {
        smp::wait_for_ipi();
    }
    // The hart is idle again once the service has returned.
    while !smp::is_idle(hart) {
        core::hint::spin_loop();
    }
    if mine && STORM_RESULT.load(Ordering::SeqCst) == 1 {
        kprintln!("kernel: crossed remote fences with hart {hart} ok");
        true
    } else {
        kprintln!("kernel: crossed remote fences with hart {hart} failed");
        false
    }
}

/// SBI error codes (SBI spec v1.0).
const INVALID_PARAM: isize = -3;
const INVALID_ADDRESS: isize = -5;
const ALREADY_AVAILABLE: isize = -6;
/// A hart id no machine of ours has.
const NO_HART: usize = 63;
/// HSM states.
const STARTED: usize = 0;
const STOPPED: usize = 1;

/// The firmware refuses what it must refuse; `online` is another hart.
fn firmware_errors(online: usize) -> bool {
    let me = smp::this_hart();
    let entry = entry::secondary_entry_address();
    let err = |code| Err(SbiError(code));
    let status_err = |code| Err(SbiError(code));
    let checks: [(&str, bool); 7] = [
        (
            "start self",
            sbi::hart_start(me, entry, 0) == err(ALREADY_AVAILABLE),
        ),
        (
            "start running",
            sbi::hart_start(online, entry, 0) == err(ALREADY_AVAILABLE),
        ),
        (
            "start missing",
            sbi::hart_start(NO_HART, entry, 0) == err(INVALID_PARAM),
        ),
        ("status self", sbi::hart_get_status(me) == Ok(STARTED)),
        (
            "status missing",
            sbi::hart_get_status(NO_HART) == status_err(INVALID_PARAM),
        ),
        (
            "ipi missing",
            sbi::send_ipi(1 << NO_HART) == err(INVALID_PARAM),
        ),
        (
            "fence missing",
            sbi::remote_sfence_vma(1 << NO_HART, None) == err(INVALID_PARAM),
        ),
    ];
    let failed = checks.iter().filter(|(_, ok)| !ok).map(|(name, _)| *name);
    let mut all = true;
    for name in failed {
        kprintln!("kernel: SBI check {name:?} failed");
        all = false;
    }
    if all {
        kprintln!("kernel: SBI HSM, IPI and RFENCE errors ok");
    }
    all
}

/// A service that only hands its hart back to the firmware.
fn stop_service(ctx: &ServiceContext) {
    let error = smp::stop_this_hart();
    kprintln!("kernel: hart {} cannot stop: {error:?}", ctx.hart());
}

/// Ticks to wait for a hart to report stopped (1 s at 10 MHz).
const STOP_TIMEOUT_TICKS: u64 = 10_000_000;

/// Stops `hart` and starts it again; with `check_address`, first checks
/// that a start below RAM is refused and leaves the hart stopped.
fn stop_and_restart(hart: usize, check_address: bool) -> bool {
    if let Err(e) = smp::start_service(hart, stop_service) {
        kprintln!("kernel: hart {hart} cannot take the stop service: {e:?}");
        return false;
    }
    let since = timer::now();
    while sbi::hart_get_status(hart) != Ok(STOPPED)
        && timer::now().wrapping_sub(since) < STOP_TIMEOUT_TICKS
    {
        core::hint::spin_loop();
    }
    if sbi::hart_get_status(hart) != Ok(STOPPED) || smp::is_online(hart) {
        kprintln!("kernel: hart {hart} did not stop");
        return false;
    }
    kprintln!("kernel: hart {hart} stopped");
    if check_address {
        let refused = sbi::hart_start(hart, 0x1000, 0) == Err(SbiError(INVALID_ADDRESS));
        if !refused || sbi::hart_get_status(hart) != Ok(STOPPED) {
            kprintln!("kernel: hart {hart} started at 0x1000");
            return false;
        }
    }
    if let Err(e) = smp::start_hart(hart) {
        kprintln!("kernel: hart {hart} did not restart: {e:?}");
        return false;
    }
    round_trip(hart)
}

/// Answers a round-trip call: the hart id in the upper half.
fn whoami(token: usize) -> usize {
    (smp::this_hart() << 32) | token
}

fn round_trip(hart: usize) -> bool {
    let token = 0x5eed_0000 + hart;
    match smp::call_on(hart, whoami, token) {
        Ok(answer) if answer == (hart << 32) | token => {
            kprintln!("kernel: IPI round trip with hart {hart} ok");
            true
        }
        other => {
            kprintln!("kernel: IPI round trip with hart {hart} failed: {other:?}");
            false
        }
    }
}

/// Reads the word at `PAGE_X` of the current space (a user page, so with
/// sstatus.SUM set for the access).
fn read_page_x(_: usize) -> usize {
    let value: usize;
    // SAFETY: the caller's space maps PAGE_X (the test space); SUM lets
    // S-mode read a user page; only this load runs with it set.
    unsafe {
        core::arch::asm!(
            "csrs sstatus, {sum}",
            "ld {value}, 0({va})",
            "csrc sstatus, {sum}",
            sum = in(reg) SSTATUS_SUM,
            va = in(reg) PAGE_X,
            value = out(reg) value,
        );
    }
    value
}

/// Switches this hart to the space `satp` (fenced) and reads `PAGE_X`.
fn enter_and_read(satp: usize) -> usize {
    switch_to(satp);
    read_page_x(0)
}

/// Returns this hart to the kernel space.
fn leave(_: usize) -> usize {
    smp::activate_kernel_space();
    0
}

fn switch_to(satp: usize) {
    smp::switch_space(satp);
}

/// Writes `value` at the start of frame `frame` (identity-mapped).
fn fill(frame: usize, value: usize) {
    // SAFETY: a frame just allocated for the test space, mapped one to one.
    unsafe { (frame as *mut usize).write_volatile(value) };
}

fn remote_fence(hart: usize) -> bool {
    let space = {
        let mut frames = FRAMES.lock();
        let made = AddressSpace::new(&mut frames).map_err(|_| "out of frames");
        made.and_then(|mut space| {
            let a = space.map_user_page(&mut frames, PAGE_X, PTE_R | PTE_W);
            let b = space.map_user_page(&mut frames, PAGE_Y, PTE_R | PTE_W);
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    fill(a, VALUE_A);
                    fill(b, VALUE_B);
                    Ok(space)
                }
                _ => {
                    space.destroy(&mut frames);
                    Err("out of frames")
                }
            }
        })
    };
    let mut space = match space {
        Ok(space) => space,
        Err(why) => {
            kprintln!("kernel: remote sfence.vma test: {why}");
            return false;
        }
    };
    let result = fence_check(hart, &mut space);
    let left = smp::call_on(hart, leave, 0);
    space.destroy(&mut FRAMES.lock());
    match (result, left) {
        (Ok(()), Ok(_)) => {
            kprintln!("kernel: remote sfence.vma on hart {hart} ok");
            true
        }
        (Err(why), _) => {
            kprintln!("kernel: remote sfence.vma on hart {hart} failed: {why}");
            false
        }
        (_, Err(e)) => {
            kprintln!("kernel: remote sfence.vma on hart {hart} failed: {e:?}");
            false
        }
    }
}

/// The check proper; the hart is left in the test space.
fn fence_check(hart: usize, space: &mut AddressSpace) -> Result<(), &'static str> {
    let call = |f: fn(usize) -> usize, arg: usize| {
        smp::call_on(hart, f, arg).map_err(|e: SmpError| match e {
            SmpError::NoSuchHart => "hart offline",
            SmpError::Busy => "hart busy",
            SmpError::Sbi(_) => "SBI error",
        })
    };
    if call(enter_and_read, space.satp())? != VALUE_A {
        return Err("first read wrong");
    }
    space
        .swap_user_pages(&mut FRAMES.lock(), PAGE_X, PAGE_Y)
        .map_err(|_| "swap failed")?;
    smp::remote_sfence_vma(1 << hart, Some(0)).map_err(|_| "fence refused")?;
    match call(read_page_x, 0)? {
        VALUE_B => Ok(()),
        VALUE_A => Err("stale translation after the fence"),
        _ => Err("second read wrong"),
    }
}

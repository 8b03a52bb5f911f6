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
//!
//! Prints one line per check; returns whether all passed.

use crate::frames::{FRAMES, PAGE_SIZE};
use crate::kprintln;
use crate::page_table::{AddressSpace, PTE_R, PTE_W};
use crate::smp::{self, SmpError};

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
    for hart in (0..smp::MAX_HARTS).filter(|&h| h != me && smp::is_online(h)) {
        ok &= round_trip(hart);
        ok &= remote_fence(hart);
    }
    ok
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
    // SAFETY: every space maps the kernel identically (global gigapage),
    // so the running code stays mapped.
    unsafe { core::arch::asm!("csrw satp, {0}", "sfence.vma", in(reg) satp) };
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

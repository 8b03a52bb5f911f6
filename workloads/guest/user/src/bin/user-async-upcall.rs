//! The async-trapnotify design's kernel side end to end: Mode::Wake with
//! upcall notification. As user-async-uintr, but the worker's
//! notification makes the kernel save the process's context and enter
//! its upcall handler (a0 = completions ready) on the way back, and
//! UPCALL_RETURN resumes the interrupted code with every register intact.
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::errno::{EBUSY, EINVAL};
use abi::nr;
use abi::ring::{Mode, Notify, USER_VA};
use async_test::{async_setup, buffer, wake_round, Checks};
use core::sync::atomic::{AtomicUsize, Ordering};
use user::{entry, sys};

entry!(main);

const ROUNDS: u64 = 4;
const PER_ROUND: u64 = 6;

static UPCALLS: AtomicUsize = AtomicUsize::new(0);
static READY_SEEN: AtomicUsize = AtomicUsize::new(0);

/// Entered by the kernel (not called): counts, then ends the upcall.
extern "C" fn on_upcall(ready: usize) -> ! {
    UPCALLS.fetch_add(1, Ordering::Relaxed);
    READY_SEEN.fetch_add(ready, Ordering::Relaxed);
    sys::syscall3(nr::UPCALL_RETURN, 0, 0, 0);
    // UPCALL_RETURN does not come back while an upcall runs.
    sys::exit(3)
}

fn main() -> i32 {
    let mut c = Checks::new("user-async-upcall");
    let pid = sys::getpid() as i64;
    c.eq(
        "return outside an upcall",
        sys::syscall3(nr::UPCALL_RETURN, 0, 0, 0),
        -EINVAL,
    );
    c.eq(
        "bad handler",
        sys::syscall3(nr::UPCALL_REGISTER, 0, 0, 0),
        -EINVAL,
    );
    let handler = on_upcall as *const () as usize;
    c.eq(
        "register",
        sys::syscall3(nr::UPCALL_REGISTER, handler, 0, 0),
        0,
    );
    c.eq(
        "register again",
        sys::syscall3(nr::UPCALL_REGISTER, handler, 0, 0),
        -EBUSY,
    );
    let address = async_setup(Mode::Wake as usize, Notify::Upcall as usize);
    c.eq("setup", address, USER_VA as isize);
    if address != USER_VA as isize {
        return c.finish();
    }
    let ring = buffer(address);
    // Values that must survive every upcall (callee-saved and FP state).
    let keep = core::hint::black_box(0x1234_5678_u64);
    let fkeep = core::hint::black_box(2.5f64);
    for round in 0..ROUNDS {
        wake_round(&mut c, &ring, round, PER_ROUND, pid);
    }
    c.eq("kept", core::hint::black_box(keep), 0x1234_5678);
    c.eq("kept fp", core::hint::black_box(fkeep), 2.5);
    let header = ring.header();
    let notifications = header.notifications.load(Ordering::Acquire) as usize;
    c.eq("notifications", notifications, ROUNDS as usize);
    c.eq("upcalls", UPCALLS.load(Ordering::Relaxed), notifications);
    c.eq(
        "ready per upcall",
        READY_SEEN.load(Ordering::Relaxed),
        notifications * PER_ROUND as usize,
    );
    c.finish()
}

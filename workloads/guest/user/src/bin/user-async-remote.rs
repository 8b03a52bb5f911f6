//! The async-uintr design with the kernel worker on another hart
//! (`worker_hart=`, default 1): the same rounds as user-async-uintr, but
//! the worker runs in parallel on its own hart, is woken by ASYNC_WAKE
//! plus an IPI, and its user interrupt reaches this process directly
//! while it runs or, if it blocks in UINTR_WAIT, when it runs again.
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::nr;
use abi::ring::{Mode, Notify, USER_VA};
use async_test::{buffer, uintr_entry, wake_round, Checks, DELIVERIES};
use core::sync::atomic::Ordering;
use user::{cmdline, entry, sys};

entry!(main);

const ROUNDS: u64 = 6;
const PER_ROUND: u64 = 8;

fn main() -> i32 {
    let mut c = Checks::new("user-async-remote");
    let pid = sys::getpid() as i64;
    let hart = cmdline::number(abi::cmdline::keys::WORKER_HART, 1).map_or(1, |h| h as usize);
    c.eq(
        "register",
        sys::syscall3(nr::UINTR_REGISTER_RECEIVER, uintr_entry(), 0, 0),
        0,
    );
    let address = sys::syscall3(
        nr::ASYNC_SETUP,
        Mode::Wake as usize,
        Notify::Uintr as usize,
        hart,
    );
    c.eq("setup", address, USER_VA as isize);
    if address != USER_VA as isize {
        return c.finish();
    }
    let ring = buffer(address);
    for round in 0..ROUNDS {
        wake_round(&mut c, &ring, round, PER_ROUND, pid);
    }
    let header = ring.header();
    let notifications = header.notifications.load(Ordering::Acquire) as usize;
    c.ok("notified", notifications >= 1);
    c.eq(
        "deliveries",
        DELIVERIES.load(Ordering::Relaxed),
        notifications,
    );
    c.finish()
}

//! The async-uintr design's kernel side end to end, worker on the
//! process's hart: Mode::Wake with UINTR notification. Each round pushes
//! requests, wakes the sleeping worker (the only trap), blocks in
//! UINTR_WAIT; the worker serves the ring while the process is off the
//! CPU, sends a user interrupt to the waiting receiver, and the
//! interrupt is delivered (counted by the handler, no trap) when the
//! process runs again.
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::errno::{EBUSY, EINVAL};
use abi::nr;
use abi::ring::{Mode, Notify, USER_VA};
use async_test::{async_setup, buffer, uintr_entry, uintr_wait, wake_round, Checks, DELIVERIES};
use core::sync::atomic::Ordering;
use user::{entry, sys};

entry!(main);

const ROUNDS: u64 = 5;
const PER_ROUND: u64 = 8;

fn main() -> i32 {
    let mut c = Checks::new("user-async-uintr");
    let pid = sys::getpid() as i64;
    c.eq("wait before registering", uintr_wait(), -EINVAL);
    c.eq(
        "bad handler",
        sys::syscall3(nr::UINTR_REGISTER_RECEIVER, 0, 0, 0),
        -EINVAL,
    );
    let entry = uintr_entry();
    c.eq(
        "register",
        sys::syscall3(nr::UINTR_REGISTER_RECEIVER, entry, 0, 0),
        0,
    );
    c.eq(
        "register again",
        sys::syscall3(nr::UINTR_REGISTER_RECEIVER, entry, 0, 0),
        -EBUSY,
    );
    c.eq("bad mode", async_setup(7, Notify::Uintr as usize), -EINVAL);
    c.eq("bad notify", async_setup(Mode::Wake as usize, 9), -EINVAL);
    let address = async_setup(Mode::Wake as usize, Notify::Uintr as usize);
    c.eq("setup", address, USER_VA as isize);
    if address != USER_VA as isize {
        return c.finish();
    }
    let ring = buffer(address);
    let mut wakes = 0;
    for round in 0..ROUNDS {
        wakes += u64::from(wake_round(&mut c, &ring, round, PER_ROUND, pid));
    }
    let header = ring.header();
    let notifications = header.notifications.load(Ordering::Acquire) as usize;
    // The worker sleeps after each round's batch, so every round wakes it.
    c.eq("wakes", wakes, ROUNDS);
    c.ok(
        "worker slept",
        header.worker_sleeps.load(Ordering::Acquire) as u64 >= ROUNDS,
    );
    c.eq("notifications", notifications, ROUNDS as usize);
    c.eq(
        "deliveries",
        DELIVERIES.load(Ordering::Relaxed),
        notifications,
    );
    c.finish()
}

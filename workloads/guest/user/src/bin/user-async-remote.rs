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
use abi::ring::{Buffer, ENTRIES, WORKER_RUNNING, WORKER_SLEEPING};
use abi::ring::{Mode, Notify, USER_VA};
use async_test::{async_wake, buffer, getpid_request, uintr_entry, wake_round, Checks, DELIVERIES};
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
    full_completion_ring(&mut c, &ring);
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

/// Yields until `ready` completions wait (at most `tries` times).
fn await_ready(ring: &Buffer, ready: u32, tries: usize) -> u32 {
    for _ in 0..tries {
        if ring.reaper().ready() >= ready {
            break;
        }
        sys::sched_yield();
    }
    ring.reaper().ready()
}

/// Wakes the worker if it sleeps (the ring's protocol).
fn wake(ring: &Buffer) {
    if ring.header().worker.swap(WORKER_RUNNING, Ordering::AcqRel) == WORKER_SLEEPING {
        async_wake();
    }
}

/// A completion ring the process does not reap stops the remote worker
/// (nothing lost); reaping lets it go on (it is told when this process
/// has run).
fn full_completion_ring(c: &mut Checks, ring: &Buffer) {
    let mut submit = ring.submitter();
    for tag in 0..ENTRIES as u64 {
        let _ = submit.push(getpid_request(tag));
    }
    wake(ring);
    c.eq(
        "completions full",
        await_ready(ring, ENTRIES, 10_000),
        ENTRIES,
    );
    for tag in 0..4 {
        let _ = submit.push(getpid_request(9000 + tag));
    }
    wake(ring);
    for _ in 0..20 {
        sys::sched_yield();
    }
    c.eq("no room, no service", ring.reaper().ready(), ENTRIES);
    c.eq("requests kept", submit.in_flight(), 4);
    // Exactly the ENTRIES that filled the ring: the worker on the other
    // hart runs in parallel and may complete the next requests as soon as
    // the first slot is free, while this loop still reaps.
    let mut reap = ring.reaper();
    for _ in 0..ENTRIES {
        let _ = reap.pop();
    }
    wake(ring);
    c.eq("served after reaping", await_ready(ring, 4, 10_000), 4);
    c.eq(
        "in order",
        ring.reaper().pop().map(|d| d.user_data),
        Some(9000),
    );
    let mut reap = ring.reaper();
    while reap.pop().is_some() {}
}

//! A third process beside a `bench-ipcu` pair (`init=bench-ipcu,
//! bench-ipcu,user-hostile-channel`): it must not get into their
//! channel (-EBUSY once two parties joined, -EEXIST for the same key)
//! nor send a user interrupt to either party (their handles name each
//! other, not it). Then the channel calls' argument checks on a channel
//! of its own, whose frames the kernel must free when it exits (the
//! leak check at shutdown).
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::channel::{CHANNEL_CREATE, CHANNEL_OPEN, CHANNEL_PEER, USER_VA};
use abi::errno::{EAGAIN, EBUSY, EEXIST, EINVAL, ENOENT, ENOSYS};
use abi::nr;
use async_test::*;
use core::sync::atomic::Ordering;
use user::{entry, sys};

entry!(main);

/// bench-ipcu's key.
const BENCH_KEY: usize = 0x4950_4355;
const OWN_KEY: usize = 0x686f_7374;

fn main() -> i32 {
    let mut c = Checks::new("user-hostile-channel");
    c.eq("peer outside a channel", peer(), -ENOENT);
    c.eq("open a missing key", open(OWN_KEY), -ENOENT);
    // Let the pair set up (the server creates, the client opens).
    let mut busy = open(BENCH_KEY);
    for _ in 0..200 {
        if busy != -ENOENT {
            break;
        }
        sys::sched_yield();
        busy = open(BENCH_KEY);
    }
    c.eq("open the pair's channel", busy, -EBUSY);
    c.eq("create the pair's key", create(BENCH_KEY), -EEXIST);
    c.eq("peer still none", peer(), -ENOENT);
    // No handle names us: every sender registration fails, and sends
    // without a sender table reach nobody.
    for handle in 0..70 {
        c.eq(
            "register as sender",
            sys::syscall3(nr::UINTR_REGISTER_SENDER, handle, 0, 0),
            -EINVAL,
        );
    }
    for index in [0, 1, 2, 511, 512, usize::MAX] {
        uipi_send(index);
    }
    // A channel of our own: mapped zeroed, one per process.
    c.eq("create own", create(OWN_KEY), USER_VA as isize);
    // SAFETY: the kernel just mapped the channel's first page there.
    let first = unsafe { (USER_VA as *const u64).read_volatile() };
    c.eq("zeroed", first, 0);
    c.eq("second create", create(OWN_KEY + 1), -EBUSY);
    c.eq("open own", open(OWN_KEY), -EBUSY);
    c.eq("open the pair's while in one", open(BENCH_KEY), -EBUSY);
    c.eq("peer before anyone opened", peer(), -EAGAIN);
    c.eq(
        "unknown channel call",
        sys::syscall3(nr::CHANNEL_LAST, 0, 0, 0),
        -ENOSYS,
    );
    c.eq("nothing delivered", DELIVERIES.load(Ordering::Relaxed), 0);
    c.finish()
}

fn create(key: usize) -> isize {
    sys::syscall3(CHANNEL_CREATE, key, 0, 0)
}

fn open(key: usize) -> isize {
    sys::syscall3(CHANNEL_OPEN, key, 0, 0)
}

fn peer() -> isize {
    sys::syscall3(CHANNEL_PEER, 0, 0, 0)
}

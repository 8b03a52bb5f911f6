//! A hostile user of the async and UINTR calls. Bad arguments get the
//! right errors; garbage ring indices and a completion ring it never
//! reaps give it no service (never a kernel hang or crash) and service
//! resumes once it behaves; it cannot reach a UINTR receiver that did not
//! name it, by forged handles or by `uipi send` through indices the
//! kernel never filled. Run beside user-uintr-recv/-send, whose exact
//! delivery counts show that none of its sends got through.
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::errno::{EBUSY, EINVAL};
use abi::nr;
use abi::ring::{Buffer, Mode, Notify, ENTRIES, USER_VA, WORKER_SLEEPING};
use async_test::*;
use core::sync::atomic::Ordering;
use user::{entry, sys};

entry!(main);

fn main() -> i32 {
    let mut c = Checks::new("user-hostile-async");
    setup_arguments(&mut c);
    let address = async_setup(Mode::Wake as usize, Notify::None as usize);
    c.eq("setup", address, USER_VA as isize);
    if address != USER_VA as isize {
        return c.finish();
    }
    c.eq(
        "setup twice",
        async_setup(Mode::Wake as usize, Notify::None as usize),
        -EBUSY,
    );
    c.eq("enter in wake mode", async_enter(1, 1), -EINVAL);
    let ring = buffer(address);
    garbage_indices(&mut c, &ring);
    full_completions(&mut c, &ring);
    uintr_attacks(&mut c);
    c.finish()
}

fn setup_arguments(c: &mut Checks) {
    let wake = Mode::Wake as usize;
    let uintr = Notify::Uintr as usize;
    c.eq("wake before setup", async_wake(), -EINVAL);
    c.eq("bad mode", async_setup(3, 0), -EINVAL);
    c.eq("huge mode", async_setup(usize::MAX, 0), -EINVAL);
    c.eq("bad notify", async_setup(wake, 3), -EINVAL);
    c.eq(
        "enter with uintr",
        async_setup(Mode::Enter as usize, uintr),
        -EINVAL,
    );
    c.eq(
        "no such hart",
        sys::syscall3(nr::ASYNC_SETUP, wake, 0, 4096),
        -EINVAL,
    );
    c.eq(
        "poll on no such hart",
        sys::syscall3(nr::ASYNC_SETUP, Mode::Poll as usize, 0, 4096),
        -EINVAL,
    );
    c.eq(
        "upcall return",
        sys::syscall3(nr::UPCALL_RETURN, 0, 0, 0),
        -EINVAL,
    );
    c.eq(
        "upcall at kernel",
        sys::syscall3(nr::UPCALL_REGISTER, 0x8020_0000, 0, 0),
        -EINVAL,
    );
    c.eq(
        "receiver at kernel",
        sys::syscall3(nr::UINTR_REGISTER_RECEIVER, 0x8020_0000, 0, 0),
        -EINVAL,
    );
    c.eq("wait unregistered", uintr_wait(), -EINVAL);
}

/// Wakes the worker and lets it run (yield: it runs while we are off
/// the CPU); returns the completions that came.
fn serve(ring: &Buffer) -> u64 {
    ring.header().worker.store(1, Ordering::SeqCst);
    async_wake();
    sys::sched_yield();
    let mut reap = ring.reaper();
    let mut n = 0;
    while reap.pop().is_some() {
        n += 1;
    }
    n
}

/// Request indices that claim more than the ring holds read as an empty
/// ring: the kernel serves nothing and runs off nowhere.
fn garbage_indices(c: &mut Checks, ring: &Buffer) {
    let header = ring.header();
    for tail in [ENTRIES + 1, u32::MAX, 0x8000_0000] {
        header.sq_tail.store(tail, Ordering::SeqCst);
        c.eq("served from garbage tail", serve(ring), 0);
    }
    // Garbage worker states and the kernel's own fields change nothing.
    header.worker.store(0xdead, Ordering::SeqCst);
    header.sq_head.store(0x1234, Ordering::SeqCst);
    // Back to sane: the kernel took nothing, so its head is 0.
    header.sq_head.store(0, Ordering::SeqCst);
    header.sq_tail.store(0, Ordering::SeqCst);
    let mut submit = ring.submitter();
    for tag in 0..3 {
        let _ = submit.push(getpid_request(tag));
    }
    c.eq("served after garbage", serve(ring), 3);
    // A completion head far ahead claims the ring is full: no service.
    let cq_tail = header.cq_tail.load(Ordering::SeqCst);
    header
        .cq_head
        .store(cq_tail.wrapping_add(ENTRIES * 3), Ordering::SeqCst);
    let _ = submit.push(getpid_request(9));
    c.eq("served with garbage head", serve(ring), 0);
    header.cq_head.store(cq_tail, Ordering::SeqCst);
    c.eq("served after fixing head", serve(ring), 1);
}

/// A completion ring never reaped: the worker stops taking requests (none
/// lost), and resumes once there is room.
fn full_completions(c: &mut Checks, ring: &Buffer) {
    let mut submit = ring.submitter();
    for tag in 0..ENTRIES as u64 {
        let _ = submit.push(getpid_request(tag));
    }
    ring.header().worker.store(1, Ordering::SeqCst);
    async_wake();
    sys::sched_yield();
    c.eq("completions full", ring.reaper().ready(), ENTRIES);
    for tag in 0..5 {
        let _ = submit.push(getpid_request(tag));
    }
    async_wake();
    for _ in 0..3 {
        sys::sched_yield();
    }
    c.eq("no room, no service", ring.reaper().ready(), ENTRIES);
    c.eq("requests kept", submit.in_flight(), 5);
    let mut reap = ring.reaper();
    while reap.pop().is_some() {}
    let worker = ring.header().worker.load(Ordering::SeqCst);
    if worker == WORKER_SLEEPING {
        async_wake();
    }
    sys::sched_yield();
    c.eq("served after reaping", ring.reaper().ready(), 5);
}

/// Forged handles and unfilled sender-table indices reach nobody.
fn uintr_attacks(c: &mut Checks) {
    c.eq(
        "handle without receiver",
        sys::syscall3(nr::UINTR_CREATE_HANDLE, 0, 1, 0),
        -EINVAL,
    );
    // Without a sender table, sends do nothing (and do not fault).
    for index in [0, 1, 511, 512, usize::MAX] {
        uipi_send(index);
    }
    // Wait for the receiver of user-uintr-recv (if it runs) to publish
    // its handle, which names another process.
    let published = await_published(HANDLE_FILE, 200, |_| true);
    for handle in 0..70 {
        c.eq(
            "forged handle",
            sys::syscall3(nr::UINTR_REGISTER_SENDER, handle, 0, 0),
            -EINVAL,
        );
    }
    if let Some(handle) = published {
        c.eq(
            "someone else's handle",
            sys::syscall3(nr::UINTR_REGISTER_SENDER, handle as usize, 0, 0),
            -EINVAL,
        );
    }
    // Its own receiver and a handle naming itself give it a sender table
    // with one entry; every other index of it does nothing.
    c.eq(
        "register",
        sys::syscall3(nr::UINTR_REGISTER_RECEIVER, uintr_entry(), 0, 0),
        0,
    );
    let me = sys::getpid() as usize;
    let own = sys::syscall3(nr::UINTR_CREATE_HANDLE, 7, me, 0);
    c.ok("own handle", own >= 0);
    let index = sys::syscall3(nr::UINTR_REGISTER_SENDER, own as usize, 0, 0);
    c.eq("own index", index, 0);
    for index in [1, 2, 100, 511, 512, 4096, usize::MAX] {
        uipi_send(index);
    }
    c.eq("nothing reached us", DELIVERIES.load(Ordering::Relaxed), 0);
    uipi_send(0);
    // Delivered right away (our entry is active while we run).
    c.eq("own send delivered", DELIVERIES.load(Ordering::Relaxed), 1);
    c.eq("own vector", VECTORS_SEEN.load(Ordering::Relaxed), 1 << 7);
}

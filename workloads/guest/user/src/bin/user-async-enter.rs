//! The batch design's kernel side end to end: ASYNC_SETUP in Mode::Enter,
//! requests pushed into the shared ring, one ASYNC_ENTER runs them, and
//! the completions carry each request's tag and the right result; calls
//! that cannot run from a ring fail there without harming the process.
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::errno::{EBUSY, EINVAL, ENOSYS};
use abi::nr;
use abi::ring::{Mode, Notify, Request, ENTRIES, USER_VA, WORKER_RUNNING};
use async_test::{async_enter, async_setup, async_wake, buffer, getpid_request, Checks};
use core::sync::atomic::Ordering;
use user::{entry, sys};

entry!(main);

/// Requests of the first batch.
const N: u64 = 16;

fn main() -> i32 {
    let mut c = Checks::new("user-async-enter");
    let pid = sys::getpid() as i64;
    c.eq("enter before setup", async_enter(1, 1), -EINVAL);
    let address = async_setup(Mode::Enter as usize, Notify::None as usize);
    c.eq("setup", address, USER_VA as isize);
    if address != USER_VA as isize {
        return c.finish();
    }
    c.eq(
        "setup again",
        async_setup(Mode::Enter as usize, Notify::None as usize),
        -EBUSY,
    );
    c.eq("wake in enter mode", async_wake(), -EINVAL);
    let ring = buffer(address);
    c.eq(
        "worker state",
        ring.header().worker.load(Ordering::Acquire),
        WORKER_RUNNING,
    );
    let mut submit = ring.submitter();
    let mut reap = ring.reaper();

    // A batch of getpid calls: one enter runs them all.
    for tag in 0..N {
        c.ok("push", submit.push(getpid_request(100 + tag)).is_ok());
    }
    c.eq("enter(N)", async_enter(N as usize, N as usize), N as isize);
    for tag in 0..N {
        match reap.pop() {
            Some(done) => {
                c.eq("tag", done.user_data, 100 + tag);
                c.eq("getpid result", done.result, pid);
            }
            None => c.ok("completion missing", false),
        }
    }
    c.ok("ring drained", reap.pop().is_none());

    // to_submit bounds the batch; the rest waits for the next enter.
    for tag in 0..4 {
        let _ = submit.push(getpid_request(tag));
    }
    c.eq("enter(1)", async_enter(1, 1), 1);
    c.eq("one completion", reap.pop().map(|d| d.user_data), Some(0));
    c.ok("only one", reap.pop().is_none());
    c.eq("enter(rest)", async_enter(usize::MAX, 0), 3);
    let tags: [Option<u64>; 3] = core::array::from_fn(|_| reap.pop().map(|d| d.user_data));
    c.eq("rest in order", tags, [Some(1), Some(2), Some(3)]);

    // Through the ring: a real write and an mmap/munmap pair work; exit,
    // yield, sleep, the async calls and an unknown number fail there.
    let msg = b"user-async-enter: write from the ring\n";
    let calls: [(u64, [u64; 6]); 8] = [
        (
            nr::WRITE as u64,
            [1, msg.as_ptr() as u64, msg.len() as u64, 0, 0, 0],
        ),
        (nr::MMAP as u64, [0, 4096, 3, 0x22, u64::MAX, 0]),
        (nr::EXIT as u64, [7, 0, 0, 0, 0, 0]),
        (nr::SCHED_YIELD as u64, [0; 6]),
        (nr::NANOSLEEP as u64, [1000, 0, 0, 0, 0, 0]),
        (nr::ASYNC_SETUP as u64, [0; 6]),
        (nr::UINTR_WAIT as u64, [0; 6]),
        (4242, [0; 6]),
    ];
    for (tag, (number, args)) in calls.iter().enumerate() {
        let request = Request {
            user_data: tag as u64,
            nr: *number,
            args: *args,
        };
        let _ = submit.push(request);
    }
    c.eq(
        "enter(calls)",
        async_enter(calls.len(), calls.len()),
        calls.len() as isize,
    );
    let results: [i64; 8] = core::array::from_fn(|_| reap.pop().map_or(i64::MIN, |d| d.result));
    c.eq("write result", results[0], msg.len() as i64);
    let page = results[1];
    c.ok(
        "mmap result",
        page >= nr::MMAP_BASE as i64 && page < nr::MMAP_END as i64,
    );
    let einval = -EINVAL as i64;
    c.eq(
        "rest",
        &results[2..],
        &[einval, einval, einval, einval, einval, -ENOSYS as i64][..],
    );
    if page >= nr::MMAP_BASE as i64 {
        // The page the ring's mmap made is ours.
        // SAFETY: mapped read-write by the mmap above.
        unsafe { (page as *mut u64).write_volatile(0x5a5a) };
        let _ = submit.push(Request {
            user_data: 9,
            nr: nr::MUNMAP as u64,
            args: [page as u64, 4096, 0, 0, 0, 0],
        });
        c.eq("enter(munmap)", async_enter(1, 1), 1);
        c.eq("munmap result", reap.pop().map(|d| d.result), Some(0));
    }

    // A full completion ring: enter takes nothing more (no hang, no
    // loss); after reaping, the queued requests run.
    for tag in 0..ENTRIES as u64 {
        let _ = submit.push(getpid_request(tag));
    }
    c.eq("fill", async_enter(usize::MAX, 0), ENTRIES as isize);
    for tag in 0..4 {
        let _ = submit.push(getpid_request(5000 + tag));
    }
    c.eq("enter with full completions", async_enter(usize::MAX, 0), 0);
    let mut reaped = 0;
    while reap.pop().is_some() {
        reaped += 1;
    }
    c.eq("reaped", reaped, ENTRIES as usize);
    c.eq("enter after reaping", async_enter(usize::MAX, 0), 4);
    c.eq(
        "queued ones ran",
        reap.pop().map(|d| d.user_data),
        Some(5000),
    );
    c.finish()
}

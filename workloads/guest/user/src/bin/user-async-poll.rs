//! The async-poll design's kernel side end to end: Mode::Poll, the ring
//! served by an IO core on another hart (`worker_hart=` on the command
//! line, else the kernel picks one). Each round pushes requests and
//! spins on the completion ring: no syscall at all between setup and
//! the end, so every completion came from the polling hart. Needs two
//! harts or more.
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::nr;
use abi::ring::{Mode, Notify, USER_VA, WORKER_POLLED};
use async_test::{buffer, getpid_request, Checks, SAME_HART};
use core::sync::atomic::Ordering;
use user::{cmdline, entry, sys};

entry!(main);

const ROUNDS: u64 = 8;
const PER_ROUND: u64 = 16;
/// Spins before a round counts as lost (the IO core never came).
const PATIENCE: u64 = 50_000_000;

fn main() -> i32 {
    let mut c = Checks::new("user-async-poll");
    let pid = sys::getpid() as i64;
    let hart = cmdline::number(abi::cmdline::keys::WORKER_HART, SAME_HART as u64)
        .map_or(SAME_HART, |h| h as usize);
    let address = sys::syscall3(
        nr::ASYNC_SETUP,
        Mode::Poll as usize,
        Notify::None as usize,
        hart,
    );
    c.eq("setup", address, USER_VA as isize);
    if address != USER_VA as isize {
        return c.finish();
    }
    let ring = buffer(address);
    c.eq(
        "polled",
        ring.header().worker.load(Ordering::Acquire),
        WORKER_POLLED,
    );
    let mut submit = ring.submitter();
    let mut reap = ring.reaper();
    for round in 0..ROUNDS {
        for i in 0..PER_ROUND {
            c.ok("push", submit.push(getpid_request(round * 100 + i)).is_ok());
        }
        let mut got = 0;
        let mut spins = 0;
        while got < PER_ROUND && spins < PATIENCE {
            match reap.pop() {
                Some(done) => {
                    c.eq("tag", done.user_data, round * 100 + got);
                    c.eq("result", done.result, pid);
                    got += 1;
                }
                None => spins += 1,
            }
        }
        c.eq("round complete", got, PER_ROUND);
    }
    c.eq(
        "never woken",
        ring.header().worker_sleeps.load(Ordering::Acquire),
        0,
    );
    c.finish()
}

//! The kernel worker coroutine of a Mode::Wake process (async-uintr,
//! async-trapnotify): an `async fn` run by a kernel [`Executor`], on the
//! process's own hart (polled between processes by
//! [`run_kernel_tasks`]) or on another hart ([`crate::io_service`]). It
//! serves the process's request ring in passes, notifies the process's
//! waiting receiver after each pass that completed something, and when
//! the ring is empty follows the sleep protocol of [`abi::ring`] and
//! awaits the next ASYNC_WAKE.
//!
//! The worker holds no reference to its process: each step locks the
//! process's shared state ([`crate::process_shared`]) by pid, and never
//! across an await, so the process's own hart and the worker's interleave
//! call by call. A worker whose process has gone (no ring) ends.

use crate::async_ring::{AsyncRing, Pass};
use crate::async_state;
use crate::executor::{self, Executor};
use crate::hart_queues;
use crate::kprintln;
use crate::lock::SpinLock;
use crate::objects::OBJECTS;
use crate::process::Placed;
use crate::process_shared;
use crate::scheduler::{Scheduler, MAX_PROCESSES};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// Runs `f` on process `pid`'s ring under its lock; None if it has none.
fn with_ring<R>(pid: usize, f: impl FnOnce(&mut AsyncRing) -> R) -> Option<R> {
    let mut guard = process_shared::slot(pid)?.lock();
    let ring = guard.as_mut()?.ring.as_mut()?;
    Some(f(ring))
}

/// One pass over process `pid`'s ring; None if it has none.
pub fn serve_pass(pid: usize, limit: u32) -> Option<Pass> {
    let clock = hart_queues::clock();
    let mut guard = process_shared::slot(pid)?.lock();
    let res = guard.as_mut()?;
    res.ring.as_ref()?;
    let (mut ctx, ring, notify) = async_state::split(res, pid, &OBJECTS, &clock);
    Some(async_state::serve_ring(ring, notify, &mut ctx, limit).0)
}

/// Pending until ASYNC_WAKE (the ring keeps the waker); ready at once if
/// the ring is gone.
struct WakeUp(usize);

impl Future for WakeUp {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match with_ring(self.0, |ring| ring.take_wake(cx.waker())) {
            Some(true) | None => Poll::Ready(()),
            Some(false) => Poll::Pending,
        }
    }
}

/// Pending until the completion ring has room; looked at again each
/// time the process has run (only it can make room).
struct Room(usize);

impl Future for Room {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match with_ring(self.0, |ring| ring.has_room(cx.waker())) {
            Some(true) | None => Poll::Ready(()),
            Some(false) => Poll::Pending,
        }
    }
}

/// Requests per pass before the worker lets its hart do other work.
pub const PASS_LIMIT: u32 = abi::ring::ENTRIES;

/// The worker of process `pid`: serve, notify, sleep, repeat.
pub async fn worker(pid: usize) {
    loop {
        match serve_pass(pid, PASS_LIMIT) {
            None => return,
            Some(Pass::Limit) => executor::yield_now().await,
            Some(Pass::CompletionsFull) => Room(pid).await,
            Some(Pass::Idle) => match with_ring(pid, AsyncRing::try_sleep) {
                None => return,
                Some(true) => WakeUp(pid).await,
                Some(false) => {}
            },
        }
    }
}

/// The kernel's turn between two processes on this hart: spawns the
/// same-hart worker of every process of `queue` that set up a Mode::Wake
/// ring, polls every ready one (the queue unlocked meanwhile: workers
/// take only their process's lock), then makes Ready the processes whose
/// UINTR_WAIT is over.
pub fn run_kernel_tasks(queue: &SpinLock<Scheduler<Placed>>, executor: &mut Executor) {
    let mut pids = [0; MAX_PROCESSES];
    let mut n = 0;
    queue.lock().for_each(|process| {
        if let Some(slot) = pids.get_mut(n) {
            *slot = process.pid;
            n += 1;
        }
    });
    for &pid in &pids[..n] {
        let task = with_ring(pid, |ring| {
            let local = ring.worker_hart.is_none();
            if ring.mode == abi::ring::Mode::Wake && local && ring.worker.is_none() {
                match executor.spawn(worker(pid)) {
                    Ok(task) => ring.worker = Some(task),
                    Err(e) => kprintln!("process {pid}: no worker: {e:?}"),
                }
            }
            ring.worker.filter(|_| local)
        })
        .flatten();
        if let Some(task) = task {
            executor.poll(task);
        }
    }
    queue.lock().wake_if(|process| {
        let pid = process.pid;
        process.asyncs().wait_over(pid)
    });
}

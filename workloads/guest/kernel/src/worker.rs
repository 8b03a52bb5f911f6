//! The kernel worker coroutine of a Mode::Wake process (async-uintr,
//! async-trapnotify): an `async fn` run by the kernel's
//! [`Executor`]. It serves the process's request ring in passes, notifies
//! the process's waiting receiver after each pass that completed
//! something, and when the ring is empty follows the sleep protocol of
//! [`abi::ring`] and awaits the next ASYNC_WAKE.
//!
//! The worker reaches its process only while the scheduler polls it
//! through [`poll`], which lends it the process and the kernel's shared
//! state for that one poll (never across an await), so the process stays
//! owned by the scheduler and the worker holds no reference to it.

use crate::async_ring::Pass;
use crate::clock::Clock;
use crate::executor::{self, Executor, TaskId};
use crate::kprintln;
use crate::lock::SpinLock;
use crate::memfs::MemFs;
use crate::process::Process;
use crate::scheduler::{Scheduler, MAX_PROCESSES};
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicPtr, Ordering};
use core::task::{Context, Poll};

/// What a worker may touch while polled.
pub struct WorkerContext<'a> {
    pub process: &'a mut Process,
    pub fs: &'a SpinLock<MemFs>,
    pub clock: &'a Clock,
}

/// The context lent to the task being polled (null between polls).
static CURRENT: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

/// Polls worker task `id` once (if ready) with `ctx` lent to it; returns
/// whether it ran.
pub fn poll(executor: &mut Executor, id: TaskId, ctx: &mut WorkerContext<'_>) -> bool {
    CURRENT.store(ctx as *mut WorkerContext<'_> as *mut (), Ordering::Release);
    let ran = executor.poll(id);
    CURRENT.store(core::ptr::null_mut(), Ordering::Release);
    ran
}

/// Runs `f` with the lent context (None outside [`poll`]).
fn with_context<R>(f: impl FnOnce(&mut WorkerContext<'_>) -> R) -> Option<R> {
    let ctx = CURRENT.load(Ordering::Acquire) as *mut WorkerContext<'_>;
    // SAFETY: non-null only inside `poll`, whose caller holds the context
    // exclusively for the duration of the poll; the reference does not
    // outlive this call (the closure gets it for its body only).
    let ctx = unsafe { ctx.as_mut() }?;
    Some(f(ctx))
}

/// A future that runs `f` on the lent context in its first poll.
struct InContext<F>(Option<F>);

impl<R, F: FnOnce(&mut WorkerContext<'_>) -> R + Unpin> Future for InContext<F> {
    type Output = Option<R>;
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<R>> {
        let f = self.0.take();
        Poll::Ready(f.and_then(with_context))
    }
}

fn in_context<R, F: FnOnce(&mut WorkerContext<'_>) -> R + Unpin>(f: F) -> InContext<F> {
    InContext(Some(f))
}

/// Pending until ASYNC_WAKE (the ring keeps the waker).
struct WakeUp;

impl Future for WakeUp {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match with_context(|ctx| ctx.process.asyncs().take_wake(cx.waker())) {
            Some(true) | None => Poll::Ready(()),
            Some(false) => Poll::Pending,
        }
    }
}

/// Pending until the completion ring has room; looked at again each
/// time the process has run (only it can make room).
struct Room;

impl Future for Room {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match with_context(|ctx| ctx.process.asyncs().has_room(cx.waker())) {
            Some(true) | None => Poll::Ready(()),
            Some(false) => Poll::Pending,
        }
    }
}

/// Requests per pass before the worker lets the scheduler run.
const PASS_LIMIT: u32 = abi::ring::ENTRIES;

/// The worker: serve, notify, sleep, repeat; ends when the process has
/// no ring any more.
pub async fn worker() {
    loop {
        let pass = in_context(|ctx| {
            let WorkerContext { process, fs, clock } = ctx;
            process.serve_ring(fs, clock, PASS_LIMIT)
        })
        .await
        .flatten()
        .map(|(pass, _)| pass);
        match pass {
            None => return,
            Some(Pass::Limit) => executor::yield_now().await,
            Some(Pass::CompletionsFull) => Room.await,
            Some(Pass::Idle) => {
                let sleeps = in_context(|ctx| ctx.process.asyncs().try_sleep()).await;
                if sleeps == Some(true) {
                    WakeUp.await;
                }
            }
        }
    }
}

/// The kernel's turn between two processes on this hart: spawns the
/// worker of every process that set up a Mode::Wake ring, polls every
/// ready worker with its process lent to it, then makes Ready the
/// processes whose UINTR_WAIT is over (a deadline already passed wakes
/// them at the scheduler's next `wake`).
pub fn run_kernel_tasks(
    run_queue: &mut Scheduler<Process>,
    executor: &mut Executor,
    fs: &SpinLock<MemFs>,
    clock: &Clock,
) {
    for slot in 0..MAX_PROCESSES {
        let Some(process) = run_queue.process(slot) else {
            continue;
        };
        if process.asyncs().needs_worker() {
            match executor.spawn(worker()) {
                Ok(task) => process.asyncs().set_worker(task),
                Err(e) => kprintln!("process {}: no worker: {e:?}", process.pid),
            }
        }
        if let Some(task) = process.asyncs().worker() {
            if executor.is_ready(task) {
                let mut ctx = WorkerContext { process, fs, clock };
                poll(executor, task, &mut ctx);
            }
        }
        if let Some(process) = run_queue.process(slot) {
            if process.asyncs().wait_over() {
                run_queue.sleep(slot, 0);
            }
        }
    }
}

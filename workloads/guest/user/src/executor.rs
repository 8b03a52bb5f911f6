//! The coroutine executor: async Rust tasks (`core::task`) on one hart,
//! run in passes. A pass polls every ready task once, in task-id order,
//! so a run is deterministic; between passes a [`Driver`] does what the
//! syscall design needs (submit what the pass queued, ring a doorbell,
//! wait for completions), which gives each design exactly one decision
//! point per pass.
//!
//! Compiled for the host too (`workloads` host tests), so it uses only
//! `core` and `alloc`.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, RawWaker, RawWakerVTable, Waker};

/// What the executor asks of the syscall design between passes.
pub trait Driver {
    /// Called after every pass that left tasks unfinished. `idle` says
    /// no task is ready, so the driver should wait until one may be.
    /// Returns false if the run cannot go on (nothing can wake the
    /// tasks left, or the design failed): it then stops as stalled
    /// instead of hanging.
    fn after_pass(&mut self, idle: bool) -> bool;
}

/// The run stopped with tasks left that nothing could wake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stalled {
    /// Tasks not finished.
    pub tasks_left: usize,
}

/// What a task's waker sets: its bit in a word of the ready set. Made
/// once per task and never freed (a few bytes per spawn), so a waker is
/// a plain pointer: cloning or dropping one costs nothing, waking is one
/// atomic OR, and a waker that outlives its executor stays harmless.
struct WakeTarget {
    word: &'static AtomicU64,
    bit: u64,
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_waker, wake, wake, drop_waker);

fn clone_waker(target: *const ()) -> RawWaker {
    RawWaker::new(target, &VTABLE)
}

fn wake(target: *const ()) {
    // SAFETY: every waker's pointer is a leaked `WakeTarget` (`spawn`).
    let target = unsafe { &*(target as *const WakeTarget) };
    target.word.fetch_or(target.bit, Ordering::Relaxed);
}

fn drop_waker(_: *const ()) {}

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Tasks and their wakers. The ready set is a bitmap (task `id` is bit
/// `id % 64` of word `id / 64`), so a pass visits only the tasks that
/// are ready, lowest id first, whatever the number of tasks.
///
/// A finished task's future is kept (and marked done) until the executor
/// is dropped: freeing it in the pass would put the allocator's work
/// (a walk of its free list per task) inside the measured rounds.
pub struct Executor {
    tasks: Vec<Task>,
    done: Vec<bool>,
    wakers: Vec<Waker>,
    /// Ready bits, 64 tasks a word (leaked, see [`WakeTarget`]).
    ready: Vec<&'static AtomicU64>,
    live: usize,
    passes: u64,
}

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}

impl Executor {
    pub fn new() -> Self {
        Self {
            tasks: Vec::new(),
            done: Vec::new(),
            wakers: Vec::new(),
            ready: Vec::new(),
            live: 0,
            passes: 0,
        }
    }

    /// Adds a task, ready to run; returns its id (ids count from 0 in
    /// spawn order, which is also the order a pass polls them in).
    pub fn spawn(&mut self, task: impl Future<Output = ()> + 'static) -> usize {
        let id = self.tasks.len();
        if id.is_multiple_of(64) {
            self.ready.push(Box::leak(Box::new(AtomicU64::new(0))));
        }
        let target: &'static WakeTarget = Box::leak(Box::new(WakeTarget {
            word: self.ready[id / 64],
            bit: 1 << (id % 64),
        }));
        let raw = RawWaker::new(target as *const WakeTarget as *const (), &VTABLE);
        // SAFETY: the vtable's functions fit `WakeTarget` pointers, which
        // live forever; they only touch an atomic, so any thread may call
        // them.
        let waker = unsafe { Waker::from_raw(raw) };
        waker.wake_by_ref();
        self.tasks.push(Box::pin(task));
        self.done.push(false);
        self.wakers.push(waker);
        self.live += 1;
        id
    }

    fn any_ready(&self) -> bool {
        self.ready.iter().any(|w| w.load(Ordering::Relaxed) != 0)
    }

    /// Tasks not finished yet.
    pub fn live(&self) -> usize {
        self.live
    }

    /// Passes run so far.
    pub fn passes(&self) -> u64 {
        self.passes
    }

    /// Polls every ready task once, lowest id first; returns how many ran.
    /// A task woken during the pass runs in it too if its id is above the
    /// one being polled, else in the next pass.
    pub fn pass(&mut self) -> usize {
        self.passes += 1;
        let mut ran = 0;
        for w in 0..self.ready.len() {
            let word = self.ready[w];
            // Bits of this word not visited yet in this pass.
            let mut unvisited = u64::MAX;
            loop {
                let bits = word.load(Ordering::Relaxed) & unvisited;
                if bits == 0 {
                    break;
                }
                let lowest = bits & bits.wrapping_neg();
                word.fetch_and(!lowest, Ordering::Relaxed);
                // Clears `lowest` and every bit below it.
                unvisited &= !(lowest | (lowest - 1));
                let id = w * 64 + lowest.trailing_zeros() as usize;
                let (Some(task), Some(waker), Some(done @ false)) = (
                    self.tasks.get_mut(id),
                    self.wakers.get(id),
                    self.done.get_mut(id),
                ) else {
                    continue;
                };
                ran += 1;
                let mut cx = Context::from_waker(waker);
                if task.as_mut().poll(&mut cx).is_ready() {
                    *done = true;
                    self.live -= 1;
                }
            }
        }
        ran
    }

    /// Runs passes until every task finished, with `driver` between
    /// passes; Err if the driver says nothing can wake the tasks left.
    pub fn run(&mut self, driver: &mut impl Driver) -> Result<(), Stalled> {
        while self.live > 0 {
            self.pass();
            if self.live == 0 {
                break;
            }
            let idle = !self.any_ready();
            if !driver.after_pass(idle) {
                return Err(Stalled {
                    tasks_left: self.live,
                });
            }
        }
        Ok(())
    }
}

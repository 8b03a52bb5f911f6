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
use alloc::sync::Arc;
use alloc::task::Wake;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Context, Waker};

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

/// The waker of one task: marks it ready. One per task, so waking is a
/// store and a pass finds the ready tasks in id order.
struct TaskWaker {
    ready: AtomicBool,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.ready.store(true, Ordering::Release);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.store(true, Ordering::Release);
    }
}

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Tasks and their wakers.
pub struct Executor {
    tasks: Vec<Option<Task>>,
    flags: Vec<Arc<TaskWaker>>,
    wakers: Vec<Waker>,
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
            flags: Vec::new(),
            wakers: Vec::new(),
            live: 0,
            passes: 0,
        }
    }

    /// Adds a task, ready to run; returns its id (ids count from 0 in
    /// spawn order, which is also the order a pass polls them in).
    pub fn spawn(&mut self, task: impl Future<Output = ()> + 'static) -> usize {
        let id = self.tasks.len();
        let flag = Arc::new(TaskWaker {
            ready: AtomicBool::new(true),
        });
        self.tasks.push(Some(Box::pin(task)));
        self.wakers.push(Waker::from(flag.clone()));
        self.flags.push(flag);
        self.live += 1;
        id
    }

    fn any_ready(&self) -> bool {
        self.flags.iter().any(|f| f.ready.load(Ordering::Acquire))
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
    pub fn pass(&mut self) -> usize {
        self.passes += 1;
        let mut ran = 0;
        for id in 0..self.tasks.len() {
            if !self.flags[id].ready.swap(false, Ordering::AcqRel) {
                continue;
            }
            let Some(task) = self.tasks[id].as_mut() else {
                continue;
            };
            ran += 1;
            let mut cx = Context::from_waker(&self.wakers[id]);
            if task.as_mut().poll(&mut cx).is_ready() {
                self.tasks[id] = None;
                self.live -= 1;
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

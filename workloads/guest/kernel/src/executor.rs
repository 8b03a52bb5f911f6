//! The kernel's own executor for its coroutines (async Rust, `core::task`
//! only, no heap): a fixed table of task slots whose storage is static,
//! so a future spawned into a slot never moves (it is pinned there) until
//! it finishes or is cancelled. A task's waker is its slot number; waking
//! sets the slot's ready flag (an atomic, so any hart, or a syscall
//! handler holding a cloned waker, may wake it). Each hart that runs
//! kernel tasks drives its own [`Executor`]; slots are claimed atomically
//! from the shared table, so executors on different harts never share
//! one, and each polls only the tasks it spawned.

use core::future::Future;
use core::mem::MaybeUninit;
use core::pin::Pin;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

/// Tasks that can exist at once.
pub const MAX_TASKS: usize = 16;
/// Bytes of one task's storage (the largest future it can hold).
pub const TASK_BYTES: usize = 256;

#[repr(C, align(16))]
struct Storage(MaybeUninit<[u8; TASK_BYTES]>);

#[link_section = ".uninit.tasks"]
static mut STORAGE: [Storage; MAX_TASKS] = [const { Storage(MaybeUninit::uninit()) }; MAX_TASKS];
static READY: [AtomicBool; MAX_TASKS] = [const { AtomicBool::new(false) }; MAX_TASKS];
/// Slots some executor holds a task in.
static CLAIMED: [AtomicBool; MAX_TASKS] = [const { AtomicBool::new(false) }; MAX_TASKS];

/// A spawned task's slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskId(usize);

/// Why a future could not be spawned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpawnError {
    /// Every slot holds a task.
    Full,
    /// The future is larger or more aligned than a slot.
    TooBig,
}

type Task = NonNull<dyn Future<Output = ()>>;

/// The tasks one driver (a hart) spawned and polls.
pub struct Executor {
    tasks: [Option<Task>; MAX_TASKS],
}

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}

impl Executor {
    /// An executor with no tasks.
    pub fn new() -> Self {
        Self {
            tasks: [None; MAX_TASKS],
        }
    }

    /// Moves `future` into a free slot and marks it ready (its first poll
    /// runs it up to its first await).
    pub fn spawn<F: Future<Output = ()> + 'static>(
        &mut self,
        future: F,
    ) -> Result<TaskId, SpawnError> {
        if core::mem::size_of::<F>() > TASK_BYTES || core::mem::align_of::<F>() > 16 {
            return Err(SpawnError::TooBig);
        }
        let slot = CLAIMED
            .iter()
            .position(|claimed| {
                claimed
                    .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            })
            .ok_or(SpawnError::Full)?;
        // SAFETY: the slot was unclaimed (no task lives in its storage), the
        // future fits its size and alignment, and the storage is static,
        // so the future stays at this address until dropped in place.
        let task: Task = unsafe {
            let at = core::ptr::addr_of_mut!(STORAGE[slot]) as *mut F;
            at.write(future);
            NonNull::new_unchecked(at as *mut dyn Future<Output = ()>)
        };
        self.tasks[slot] = Some(task);
        READY[slot].store(true, Ordering::Release);
        Ok(TaskId(slot))
    }

    /// Whether task `id` still exists (has not finished or been cancelled).
    pub fn is_alive(&self, id: TaskId) -> bool {
        self.tasks[id.0].is_some()
    }

    /// Whether any task waits to be polled (then the driver must not
    /// idle).
    pub fn any_ready(&self) -> bool {
        self.tasks
            .iter()
            .zip(&READY)
            .any(|(task, ready)| task.is_some() && ready.load(Ordering::Acquire))
    }

    /// Polls task `id` once if it is ready; returns whether it ran. A
    /// task that finishes frees its slot.
    pub fn poll(&mut self, id: TaskId) -> bool {
        let Some(task) = self.tasks[id.0] else {
            return false;
        };
        if !READY[id.0].swap(false, Ordering::AcqRel) {
            return false;
        }
        let waker = waker(id.0);
        let mut cx = Context::from_waker(&waker);
        // SAFETY: the future lives pinned in its static slot (see `spawn`)
        // and only this owner touches it.
        let future = unsafe { Pin::new_unchecked(&mut *task.as_ptr()) };
        if future.poll(&mut cx).is_ready() {
            self.cancel(id);
        }
        true
    }

    /// Drops task `id` (in place) and frees its slot.
    pub fn cancel(&mut self, id: TaskId) {
        if let Some(task) = self.tasks[id.0].take() {
            READY[id.0].store(false, Ordering::Release);
            // SAFETY: the future lives in its slot and is dropped once:
            // the slot was just emptied.
            unsafe { core::ptr::drop_in_place(task.as_ptr()) };
            CLAIMED[id.0].store(false, Ordering::Release);
        }
    }

    /// Tasks alive in this executor.
    pub fn len(&self) -> usize {
        self.tasks.iter().filter(|t| t.is_some()).count()
    }
}

fn waker(slot: usize) -> Waker {
    // SAFETY: the vtable's functions only read the slot number out of the
    // data pointer and touch the static ready flags.
    unsafe { Waker::from_raw(raw_waker(slot)) }
}

fn raw_waker(slot: usize) -> RawWaker {
    RawWaker::new(slot as *const (), &VTABLE)
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(
    |data| raw_waker(data as usize),
    |data| READY[data as usize % MAX_TASKS].store(true, Ordering::Release),
    |data| READY[data as usize % MAX_TASKS].store(true, Ordering::Release),
    |_| {},
);

/// A future that is pending once (waking itself), so the task lets the
/// executor's driver do other work before it goes on.
pub struct YieldNow(bool);

/// Yields to the executor's driver once.
pub fn yield_now() -> YieldNow {
    YieldNow(false)
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

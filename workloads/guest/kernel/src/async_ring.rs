//! A process's shared syscall buffer ([`abi::ring`]) as the kernel holds
//! it: set up by ASYNC_SETUP (frames from [`crate::ring_pool`], mapped
//! user RW at [`abi::ring::USER_VA`]), the kernel's private ring ends
//! (its indices never come from user memory), the mode and notification
//! chosen, and the wake state of the process's worker coroutine.
//!
//! [`AsyncRing::serve`] is the one loop every mode uses to run requests
//! (the worker of Mode::Wake, ASYNC_ENTER of Mode::Enter): take a request
//! only while the completion ring has room, so a user that never reaps
//! just stops getting service; a request is never lost or half-done.

use crate::executor::TaskId;
use crate::frames::{FramePool, PAGE_SIZE};
use crate::page_release::release_pages;
use crate::page_table::{AddressSpace, MapError, PTE_R, PTE_W};
use crate::ring_pool::{self, RingFrames};
use abi::errno::{EINVAL, ENODEV, ENOMEM};
use abi::ring::{
    Buffer, Completion, Consumer, Mode, Notify, Producer, Request, BUFFER_PAGES, USER_VA,
    WORKER_POLLED, WORKER_RUNNING, WORKER_SLEEPING,
};
use core::sync::atomic::Ordering;
use core::task::Waker;

/// How a [`AsyncRing::serve`] pass ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// No request left.
    Idle,
    /// Requests left, but the completion ring is full.
    CompletionsFull,
    /// The pass's limit was reached.
    Limit,
}

/// `worker_hart` value that means "the process's own hart".
pub const SAME_HART: usize = usize::MAX;

/// The kernel's side of one process's buffer.
pub struct AsyncRing {
    frames: RingFrames,
    buffer: Buffer,
    requests: Consumer<Request>,
    completions: Producer<Completion>,
    pub mode: Mode,
    pub notify: Notify,
    /// The hart of the worker (Mode::Wake) or IO core (Mode::Poll) if
    /// not the process's own.
    pub worker_hart: Option<usize>,
    /// ASYNC_WAKE came and the worker has not seen it yet.
    wake_requested: bool,
    /// The sleeping worker's waker.
    waker: Option<Waker>,
    /// The waker of a worker that waits for room in the completion ring.
    room_waker: Option<Waker>,
    /// The worker coroutine (Mode::Wake), once spawned.
    pub worker: Option<TaskId>,
}

impl AsyncRing {
    /// ASYNC_SETUP(mode, notify, worker_hart) for a process on hart
    /// `hart` with address space `space`: -EINVAL for an unknown mode or
    /// notification, a hart that is not online, a polling hart that is
    /// the process's own or an enter ring with a worker hart or a
    /// notification; -ENODEV for UINTR without a UINTC; -ENOMEM without a
    /// free buffer; -EEXIST if something is mapped in the way.
    pub fn setup(
        space: &mut AddressSpace,
        frames: &mut FramePool,
        raw_mode: usize,
        raw_notify: usize,
        worker_hart: usize,
        hart: usize,
    ) -> Result<AsyncRing, isize> {
        let mode = Mode::from_raw(raw_mode).ok_or(-EINVAL)?;
        let notify = Notify::from_raw(raw_notify).ok_or(-EINVAL)?;
        let remote = if worker_hart == SAME_HART || worker_hart == hart {
            None
        } else if crate::smp::is_online(worker_hart) {
            Some(worker_hart)
        } else {
            return Err(-EINVAL);
        };
        match (mode, notify, remote) {
            // A polling hart must be another one; enter runs in the call.
            (Mode::Poll, _, None) | (Mode::Enter, _, Some(_)) => return Err(-EINVAL),
            (Mode::Enter, Notify::Uintr | Notify::Upcall, _) => return Err(-EINVAL),
            (_, Notify::Uintr, _) if !crate::uintc::present() => return Err(-ENODEV),
            _ => {}
        }
        let ring_frames = ring_pool::allocate().ok_or(-ENOMEM)?;
        let base = ring_frames.base();
        for page in 0..BUFFER_PAGES {
            let offset = page * PAGE_SIZE;
            if let Err(e) =
                space.map_borrowed_page(frames, USER_VA + offset, base + offset, PTE_R | PTE_W)
            {
                unmap(space, frames, page);
                ring_pool::release(ring_frames);
                return Err(match e {
                    MapError::OutOfFrames => -ENOMEM,
                    _ => -abi::errno::EEXIST,
                });
            }
        }
        // SAFETY: `base` is the page-aligned start of BUFFER_SIZE bytes of
        // the kernel's identity-mapped RAM, owned by this ring until
        // `teardown`; the ends below are the only kernel ends made.
        let buffer = unsafe { Buffer::at(base) };
        buffer.reset(match mode {
            Mode::Wake => WORKER_SLEEPING,
            Mode::Poll => WORKER_POLLED,
            Mode::Enter => WORKER_RUNNING,
        });
        Ok(AsyncRing {
            requests: buffer.requests(),
            completions: buffer.completions(),
            frames: ring_frames,
            buffer,
            mode,
            notify,
            worker_hart: remote,
            wake_requested: false,
            waker: None,
            room_waker: None,
            worker: None,
        })
    }

    /// Unmaps the buffer from `space` and frees it (the process ended);
    /// a worker waiting for a wake is woken to find the ring gone and end.
    pub fn teardown(mut self, space: &mut AddressSpace, frames: &mut FramePool) {
        self.wake();
        self.user_ran();
        if let Some(hart) = self.worker_hart {
            let _ = crate::smp::send_ipi(hart);
        }
        unmap(space, frames, BUFFER_PAGES);
        ring_pool::release(self.frames);
    }

    /// Runs up to `limit` requests through `run` (which serves one
    /// syscall and returns its result), pushing each completion before
    /// taking the next request. Returns how the pass ended and how many
    /// requests it ran.
    pub fn serve(&mut self, limit: u32, mut run: impl FnMut(&Request) -> i64) -> (Pass, u32) {
        let mut done = 0;
        loop {
            if done == limit {
                return (Pass::Limit, done);
            }
            // One look at each published index per batch: the requests
            // seen stay there and the room seen only grows (this side is
            // the only consumer of one ring and producer of the other).
            let ready = self.requests.ready();
            if ready == 0 {
                return (Pass::Idle, done);
            }
            let room = self.completions.free();
            if room == 0 {
                return (Pass::CompletionsFull, done);
            }
            let batch = ready.min(room).min(limit - done);
            for _ in 0..batch {
                let request = self.requests.pop_ready();
                let result = run(&request);
                self.completions.push_reserved(Completion {
                    user_data: request.user_data,
                    result,
                });
            }
            done += batch;
        }
    }

    /// The sleep protocol of [`abi::ring`]: publish WORKER_SLEEPING, look
    /// at the request ring once more, and take the work back if a request
    /// slipped in. Returns whether the worker really sleeps now.
    pub fn try_sleep(&mut self) -> bool {
        let header = self.buffer.header();
        header.worker.store(WORKER_SLEEPING, Ordering::SeqCst);
        if self.requests.ready() != 0 {
            header.worker.store(WORKER_RUNNING, Ordering::SeqCst);
            return false;
        }
        header.worker_sleeps.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// ASYNC_WAKE: the worker goes on (now if it waits, else after its
    /// current pass).
    pub fn wake(&mut self) {
        self.wake_requested = true;
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    /// Whether a wake came; if not, remembers `waker` for the next one.
    pub fn take_wake(&mut self, waker: &Waker) -> bool {
        if core::mem::take(&mut self.wake_requested) {
            return true;
        }
        self.waker = Some(waker.clone());
        false
    }

    /// Whether the completion ring has room; if not, remembers `waker`
    /// for [`Self::user_ran`].
    pub fn has_room(&mut self, waker: &Waker) -> bool {
        if self.completions.free() != 0 {
            return true;
        }
        self.room_waker = Some(waker.clone());
        false
    }

    /// The process ran (and may have reaped completions): a worker that
    /// waits for room looks again.
    pub fn user_ran(&mut self) {
        if let Some(waker) = self.room_waker.take() {
            waker.wake();
            if let Some(hart) = self.worker_hart {
                // That hart may sleep in wfi until told.
                let _ = crate::smp::send_ipi(hart);
            }
        }
    }

    /// If the user's receiver waits for a notification, clears the flag
    /// (one notification per wait) and counts one; returns whether to
    /// notify.
    pub fn claim_notification(&mut self) -> bool {
        let header = self.buffer.header();
        if header.receiver_waiting.swap(0, Ordering::AcqRel) == 0 {
            return false;
        }
        header.notifications.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Kernel address of the buffer (for [`requests_hint`]).
    pub fn buffer_base(&self) -> usize {
        self.frames.base()
    }

    /// Completions pushed and not yet reaped (as far as the user says).
    pub fn completions_ready(&self) -> u32 {
        self.completions.in_flight()
    }
}

/// Unmaps the first `pages` pages of the buffer's user range. Only the
/// process's own hart may cache their translations, and the process does
/// not run meanwhile (this is its setup call, or it ended).
fn unmap(space: &mut AddressSpace, frames: &mut FramePool, pages: usize) {
    release_pages(space, frames, crate::smp::this_hart(), USER_VA, pages);
}

/// Whether the buffer at kernel address `base` seems to hold requests not
/// yet taken (its published tail and head differ): a lock-free hint for a
/// polling hart, which confirms under the process's lock. The buffer may
/// have been freed and reused meanwhile; a wrong hint costs one look.
pub fn requests_hint(base: usize) -> bool {
    // SAFETY: `base` is a buffer of the static ring pool, always mapped in
    // the kernel; the header's fields are atomics.
    let buffer = unsafe { Buffer::at(base) };
    let header = buffer.header();
    header.sq_tail.load(Ordering::Acquire) != header.sq_head.load(Ordering::Acquire)
}

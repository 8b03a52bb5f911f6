//! Syscalls through the shared ring ([`abi::ring`]) as futures: a call is
//! staged when its future is first polled (written straight into the
//! request ring's next free slot, unpublished; into an overflow queue
//! only while the ring is full), published by the design's doorbell
//! after the executor's pass with one tail store
//! ([`RingCalls::submit_staged`]), and completes when the one reaper
//! ([`RingCalls::reap`]) finds its completion and wakes it.
//!
//! A request's `user_data` is the call's slot number here, so the reaper
//! routes each completion to the waiting task in O(1). A completion the
//! runtime never asked for (a slot that is free or already done) is
//! counted in [`RingCalls::stray`], never trusted.
//!
//! Compiled for the host too (`workloads` host tests, which play the
//! kernel's end of the rings).

use abi::ring::{Buffer, Completion, Consumer, Producer, Request};
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

/// One call's state.
#[derive(Debug)]
enum Slot {
    Free,
    /// Staged or in the ring; the waker of the task that waits for it.
    Pending(Option<Waker>),
    /// The result arrived and the task has not taken it yet.
    Done(i64),
    /// The future was dropped while the request was in the ring: the
    /// slot is freed when its completion arrives.
    Abandoned,
}

/// The user's side of the rings: both ring ends, the call slots, and the
/// requests staged in the current pass that did not fit the ring.
pub struct RingCalls {
    submitter: Producer<Request>,
    reaper: Consumer<Completion>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Staged requests waiting for room (after those staged in the ring).
    overflow: VecDeque<Request>,
    in_flight: u32,
    stray: u64,
}

impl RingCalls {
    /// The runtime's ends of `buffer`'s rings (each made only once per
    /// buffer, see [`Buffer::at`]).
    pub fn new(buffer: &Buffer) -> Self {
        Self {
            submitter: buffer.submitter(),
            reaper: buffer.reaper(),
            slots: Vec::new(),
            free: Vec::new(),
            overflow: VecDeque::new(),
            in_flight: 0,
            stray: 0,
        }
    }

    /// Room for `calls` calls in flight at once without allocating (to
    /// call before a measurement).
    pub fn reserve(&mut self, calls: usize) {
        let more = calls.saturating_sub(self.slots.len());
        self.slots.reserve(more);
        self.free.reserve(calls.saturating_sub(self.free.len()));
    }

    /// Stages syscall `nr(args)` for the task of `waker`; returns the
    /// call's slot.
    #[inline]
    pub fn start(&mut self, nr: usize, args: [usize; 6], waker: &Waker) -> u32 {
        let pending = Slot::Pending(Some(waker.clone()));
        let slot = match self.free.pop() {
            Some(slot) => {
                if let Some(entry) = self.slots.get_mut(slot as usize) {
                    *entry = pending;
                }
                slot
            }
            None => {
                self.slots.push(pending);
                (self.slots.len() - 1) as u32
            }
        };
        let request = Request {
            user_data: u64::from(slot),
            nr: nr as u64,
            args: args.map(|a| a as u64),
        };
        if !self.overflow.is_empty() || self.submitter.stage(request).is_err() {
            self.overflow.push_back(request);
        }
        slot
    }

    /// Requests staged and not pushed yet.
    pub fn staged(&self) -> usize {
        self.submitter.staged() as usize + self.overflow.len()
    }

    /// Requests pushed whose completion has not been reaped.
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Completions that named no waiting call (should stay 0).
    pub fn stray(&self) -> u64 {
        self.stray
    }

    /// Whether the completion ring holds something to reap.
    pub fn completions_ready(&self) -> bool {
        self.reaper.ready() != 0
    }

    /// Publishes the staged requests in order, as many as the request
    /// ring has room for; returns how many.
    pub fn submit_staged(&mut self) -> u32 {
        while let Some(request) = self.overflow.front() {
            if self.submitter.stage(*request).is_err() {
                break;
            }
            self.overflow.pop_front();
        }
        let pushed = self.submitter.publish();
        self.in_flight += pushed;
        pushed
    }

    /// Completes every staged request at once with `run` (the adaptive
    /// design's synchronous path); returns how many.
    pub fn run_staged(&mut self, mut run: impl FnMut(&Request) -> i64) -> usize {
        let in_ring = self.submitter.staged();
        for i in 0..in_ring {
            if let Some(request) = self.submitter.staged_entry(i) {
                let result = run(&request);
                self.complete(request.user_data, result);
            }
        }
        self.submitter.unstage_all();
        let mut done = in_ring as usize;
        while let Some(request) = self.overflow.pop_front() {
            let result = run(&request);
            self.complete(request.user_data, result);
            done += 1;
        }
        done
    }

    /// Takes every completion in the ring and hands each to its call,
    /// waking the waiting task; returns how many it took.
    pub fn reap(&mut self) -> u32 {
        let mut reaped = 0;
        loop {
            let ready = self.reaper.ready();
            if ready == 0 {
                return reaped;
            }
            for _ in 0..ready {
                let completion = self.reaper.pop_ready();
                if self.complete(completion.user_data, completion.result) {
                    self.in_flight = self.in_flight.saturating_sub(1);
                }
            }
            reaped += ready;
        }
    }

    /// Records `result` for the call in slot `user_data`; false (and
    /// counted as stray) if no call waits there.
    #[inline]
    fn complete(&mut self, user_data: u64, result: i64) -> bool {
        let index = usize::try_from(user_data).unwrap_or(usize::MAX);
        match self.slots.get_mut(index) {
            Some(slot @ Slot::Pending(_)) => {
                if let Slot::Pending(Some(waker)) = core::mem::replace(slot, Slot::Done(result)) {
                    waker.wake();
                }
                true
            }
            Some(slot @ Slot::Abandoned) => {
                *slot = Slot::Free;
                self.free.push(index as u32);
                true
            }
            _ => {
                self.stray += 1;
                false
            }
        }
    }

    /// The result of call `slot` if it arrived (the slot is then free);
    /// else remembers `waker` (unless it holds one that wakes the same
    /// task already).
    #[inline]
    fn poll_result(&mut self, slot: u32, waker: &Waker) -> Poll<i64> {
        match self.slots.get_mut(slot as usize) {
            Some(Slot::Done(result)) => {
                let result = *result;
                self.slots[slot as usize] = Slot::Free;
                self.free.push(slot);
                Poll::Ready(result)
            }
            Some(Slot::Pending(w)) => {
                match w {
                    Some(w) if w.will_wake(waker) => {}
                    _ => *w = Some(waker.clone()),
                }
                Poll::Pending
            }
            // Not a live call of ours: cannot happen through `RingCall`.
            _ => Poll::Ready(-abi::errno::EINVAL as i64),
        }
    }

    /// A call's future was dropped before its result was taken.
    #[cold]
    #[inline(never)]
    fn abandon(&mut self, slot: u32) {
        let index = slot as usize;
        let ours = |r: &Request| r.user_data == u64::from(slot);
        let in_ring = (0..self.submitter.staged())
            .find(|&i| self.submitter.staged_entry(i).is_some_and(|r| ours(&r)));
        let in_overflow = self.overflow.iter().position(ours);
        match self.slots.get(index) {
            Some(Slot::Pending(_)) if in_ring.is_some() || in_overflow.is_some() => {
                if let Some(i) = in_ring {
                    self.submitter.unstage(i);
                } else if let Some(at) = in_overflow {
                    self.overflow.remove(at);
                }
                self.slots[index] = Slot::Free;
                self.free.push(slot);
            }
            Some(Slot::Pending(_)) => self.slots[index] = Slot::Abandoned,
            Some(Slot::Done(_)) => {
                self.slots[index] = Slot::Free;
                self.free.push(slot);
            }
            _ => {}
        }
    }
}

/// The future of one ring syscall: stages its request on the first poll,
/// resolves to the syscall's result (negative = -errno).
pub struct RingCall<'a> {
    calls: &'a RefCell<RingCalls>,
    state: CallState,
}

enum CallState {
    /// Not polled yet: the request.
    New(usize, [usize; 6]),
    /// Staged or in the ring, in this slot.
    Waiting(u32),
    /// The result was taken.
    Finished,
}

impl<'a> RingCall<'a> {
    pub fn new(calls: &'a RefCell<RingCalls>, nr: usize, args: [usize; 6]) -> Self {
        Self {
            calls,
            state: CallState::New(nr, args),
        }
    }

    /// The first poll: stage the request (it cannot have a result yet).
    #[inline(never)]
    fn stage(&mut self, cx: &mut Context<'_>) -> Poll<i64> {
        let CallState::New(nr, args) = self.state else {
            return Poll::Ready(-abi::errno::EINVAL as i64);
        };
        let slot = self.calls.borrow_mut().start(nr, args, cx.waker());
        self.state = CallState::Waiting(slot);
        Poll::Pending
    }
}

impl Future for RingCall<'_> {
    type Output = i64;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<i64> {
        let this = &mut *self;
        let slot = match this.state {
            CallState::Waiting(slot) => slot,
            CallState::New(..) => return this.stage(cx),
            // Polled again after it resolved.
            CallState::Finished => return Poll::Ready(-abi::errno::EINVAL as i64),
        };
        let result = this.calls.borrow_mut().poll_result(slot, cx.waker());
        if result.is_ready() {
            this.state = CallState::Finished;
        }
        result
    }
}

impl Drop for RingCall<'_> {
    fn drop(&mut self) {
        if let CallState::Waiting(slot) = self.state {
            self.calls.borrow_mut().abandon(slot);
        }
    }
}

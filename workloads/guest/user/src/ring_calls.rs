//! Syscalls through the shared ring ([`abi::ring`]) as futures: a call is
//! staged when its future is first polled, pushed into the request ring
//! by the design's doorbell after the executor's pass
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
use alloc::rc::Rc;
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
/// requests staged in the current pass.
pub struct RingCalls {
    submitter: Producer<Request>,
    reaper: Consumer<Completion>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    staged: VecDeque<Request>,
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
            staged: VecDeque::new(),
            in_flight: 0,
            stray: 0,
        }
    }

    /// Stages syscall `nr(args)`; returns the call's slot.
    pub fn start(&mut self, nr: usize, args: [usize; 6]) -> u32 {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(Slot::Free);
                (self.slots.len() - 1) as u32
            }
        };
        self.slots[slot as usize] = Slot::Pending(None);
        self.staged.push_back(Request {
            user_data: u64::from(slot),
            nr: nr as u64,
            args: args.map(|a| a as u64),
        });
        slot
    }

    /// Requests staged and not pushed yet.
    pub fn staged(&self) -> usize {
        self.staged.len()
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

    /// Pushes staged requests in order while the request ring has room;
    /// returns how many it pushed.
    pub fn submit_staged(&mut self) -> u32 {
        let mut pushed = 0;
        while let Some(request) = self.staged.front() {
            if self.submitter.push(*request).is_err() {
                break;
            }
            self.staged.pop_front();
            pushed += 1;
        }
        self.in_flight += pushed;
        pushed
    }

    /// Completes every staged request at once with `run` (the adaptive
    /// design's synchronous path); returns how many.
    pub fn run_staged(&mut self, mut run: impl FnMut(&Request) -> i64) -> usize {
        let mut done = 0;
        while let Some(request) = self.staged.pop_front() {
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
        while let Some(completion) = self.reaper.pop() {
            reaped += 1;
            if self.complete(completion.user_data, completion.result) {
                self.in_flight = self.in_flight.saturating_sub(1);
            }
        }
        reaped
    }

    /// Records `result` for the call in slot `user_data`; false (and
    /// counted as stray) if no call waits there.
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
    /// else remembers `waker`.
    fn poll_result(&mut self, slot: u32, waker: &Waker) -> Poll<i64> {
        match self.slots.get_mut(slot as usize) {
            Some(Slot::Done(result)) => {
                let result = *result;
                self.slots[slot as usize] = Slot::Free;
                self.free.push(slot);
                Poll::Ready(result)
            }
            Some(Slot::Pending(w)) => {
                *w = Some(waker.clone());
                Poll::Pending
            }
            // Not a live call of ours: cannot happen through `RingCall`.
            _ => Poll::Ready(-abi::errno::EINVAL as i64),
        }
    }

    /// A call's future was dropped before its result was taken.
    fn abandon(&mut self, slot: u32) {
        let index = slot as usize;
        let staged_at = self
            .staged
            .iter()
            .position(|r| r.user_data == u64::from(slot));
        match self.slots.get(index) {
            Some(Slot::Pending(_)) if staged_at.is_some() => {
                if let Some(at) = staged_at {
                    self.staged.remove(at);
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
pub struct RingCall {
    calls: Rc<RefCell<RingCalls>>,
    request: Option<(usize, [usize; 6])>,
    slot: Option<u32>,
}

impl RingCall {
    pub fn new(calls: Rc<RefCell<RingCalls>>, nr: usize, args: [usize; 6]) -> Self {
        Self {
            calls,
            request: Some((nr, args)),
            slot: None,
        }
    }
}

impl Future for RingCall {
    type Output = i64;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<i64> {
        let this = &mut *self;
        let mut calls = this.calls.borrow_mut();
        if let Some((nr, args)) = this.request.take() {
            this.slot = Some(calls.start(nr, args));
        }
        let Some(slot) = this.slot else {
            // Polled again after it resolved.
            return Poll::Ready(-abi::errno::EINVAL as i64);
        };
        let result = calls.poll_result(slot, cx.waker());
        if result.is_ready() {
            this.slot = None;
        }
        result
    }
}

impl Drop for RingCall {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            self.calls.borrow_mut().abandon(slot);
        }
    }
}

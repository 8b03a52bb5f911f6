//! A barrier for the executor's tasks: a benchmark round ends when every
//! submitting coroutine has completed its syscalls for it, so rounds are
//! well defined (no task runs ahead into the next round), and all
//! parties resume in the same executor pass. Single-hart
//! and single-threaded, like the executor (`Rc`, `RefCell`).
//!
//! Compiled for the host too (`workloads` host tests).

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

struct State {
    parties: usize,
    arrived: Cell<usize>,
    /// Rounds the barrier has opened.
    generation: Cell<u64>,
    /// The wakers of the parties that arrived this round (the vector
    /// keeps its capacity from round to round).
    waiting: RefCell<Vec<Waker>>,
}

/// A reusable barrier for `parties` tasks (clone it into each).
#[derive(Clone)]
pub struct Barrier {
    state: Rc<State>,
}

impl Barrier {
    /// A barrier for `parties` tasks (at least 1).
    pub fn new(parties: usize) -> Self {
        let parties = parties.max(1);
        Self {
            state: Rc::new(State {
                parties,
                arrived: Cell::new(0),
                generation: Cell::new(0),
                waiting: RefCell::new(Vec::with_capacity(parties)),
            }),
        }
    }

    /// Resolves once all parties have called `wait` for this round.
    pub fn wait(&self) -> Wait<'_> {
        Wait {
            state: &self.state,
            generation: None,
            index: 0,
        }
    }

    /// Times the barrier opened (completed rounds).
    pub fn generation(&self) -> u64 {
        self.state.generation.get()
    }
}

/// The future of [`Barrier::wait`].
pub struct Wait<'a> {
    state: &'a State,
    /// The generation this wait arrived in, once it has.
    generation: Option<u64>,
    /// Where its waker is in `waiting`.
    index: usize,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let state = this.state;
        match this.generation {
            Some(generation) if state.generation.get() != generation => Poll::Ready(()),
            // Polled before the barrier opened: keep the newest waker.
            Some(_) => {
                if let Some(waker) = state.waiting.borrow_mut().get_mut(this.index) {
                    if !waker.will_wake(cx.waker()) {
                        waker.clone_from(cx.waker());
                    }
                }
                Poll::Pending
            }
            None => {
                let arrived = state.arrived.get() + 1;
                this.generation = Some(state.generation.get());
                if arrived == state.parties {
                    // The last one opens the barrier but waits for the
                    // next pass like the others, so every party starts
                    // the next round in the same pass (one batch).
                    state.arrived.set(0);
                    state.generation.set(state.generation.get() + 1);
                    for waker in state.waiting.borrow_mut().drain(..) {
                        waker.wake();
                    }
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                state.arrived.set(arrived);
                let mut waiting = state.waiting.borrow_mut();
                this.index = waiting.len();
                waiting.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

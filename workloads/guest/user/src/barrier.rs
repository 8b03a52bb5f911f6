//! A barrier for the executor's tasks: a benchmark round ends when every
//! submitting coroutine has completed its syscalls for it, so rounds are
//! well defined (no task runs ahead into the next round), and all
//! parties resume in the same executor pass. Single-hart
//! and single-threaded, like the executor (`Rc`, `RefCell`).
//!
//! Compiled for the host too (`workloads` host tests).

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

struct State {
    parties: usize,
    arrived: usize,
    /// Rounds the barrier has opened.
    generation: u64,
    waiting: Vec<Waker>,
}

/// A reusable barrier for `parties` tasks (clone it into each).
#[derive(Clone)]
pub struct Barrier {
    state: Rc<RefCell<State>>,
}

impl Barrier {
    /// A barrier for `parties` tasks (at least 1).
    pub fn new(parties: usize) -> Self {
        Self {
            state: Rc::new(RefCell::new(State {
                parties: parties.max(1),
                arrived: 0,
                generation: 0,
                waiting: Vec::new(),
            })),
        }
    }

    /// Resolves once all parties have called `wait` for this round.
    pub fn wait(&self) -> Wait {
        Wait {
            barrier: self.clone(),
            generation: None,
        }
    }

    /// Times the barrier opened (completed rounds).
    pub fn generation(&self) -> u64 {
        self.state.borrow().generation
    }
}

/// The future of [`Barrier::wait`].
pub struct Wait {
    barrier: Barrier,
    /// The generation this wait arrived in, once it has.
    generation: Option<u64>,
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut state = this.barrier.state.borrow_mut();
        match this.generation {
            Some(generation) if state.generation != generation => Poll::Ready(()),
            Some(_) => {
                state.waiting.push(cx.waker().clone());
                Poll::Pending
            }
            None => {
                state.arrived += 1;
                this.generation = Some(state.generation);
                if state.arrived == state.parties {
                    // The last one opens the barrier but waits for the
                    // next pass like the others, so every party starts
                    // the next round in the same pass (one batch).
                    state.arrived = 0;
                    state.generation += 1;
                    for waker in state.waiting.drain(..) {
                        waker.wake();
                    }
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                state.waiting.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

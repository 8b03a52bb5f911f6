//! Round-robin scheduling of the user processes on hart 0: a fixed table
//! of slots, each process Ready, Sleeping until a `time` deadline, or
//! Blocked on a [`WaitKey`] until [`Scheduler::wake_all`] names it. The
//! next process is the first Ready one after the one that ran last, in
//! slot order, so every Ready process runs once per round and the order
//! depends only on the events (deterministic on a deterministic machine).
//! Generic over the process type and `core`-only, so the host tests of
//! the `workloads` crate compile this file too.

/// Processes that can exist at once.
pub const MAX_PROCESSES: usize = 8;

/// What a blocked process waits for: an opaque (class, index) pair that
/// the kernel object which can unblock it (a pipe end, an endpoint, a
/// process's IPC slot) builds; the scheduler only compares keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitKey {
    pub class: u32,
    pub index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    /// Blocked until `time` reaches this tick.
    Sleeping(u64),
    /// Blocked until an event on this key (no timeout).
    Blocked(WaitKey),
}

struct Task<P> {
    process: P,
    state: State,
}

/// The table is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// The run queue.
pub struct Scheduler<P> {
    slots: [Option<Task<P>>; MAX_PROCESSES],
    /// Slot that ran last (the search for the next one starts after it).
    last: usize,
}

impl<P> Default for Scheduler<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> Scheduler<P> {
    /// An empty table.
    pub fn new() -> Self {
        Self {
            slots: [const { None }; MAX_PROCESSES],
            last: MAX_PROCESSES - 1,
        }
    }

    /// Adds a Ready process; gives it back if the table is full.
    pub fn add(&mut self, process: P) -> Result<(), (Full, P)> {
        match self.slots.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => {
                *slot = Some(Task {
                    process,
                    state: State::Ready,
                });
                Ok(())
            }
            None => Err((Full, process)),
        }
    }

    /// Whether no process is left.
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }

    /// Makes every process whose deadline is at or before `now` Ready.
    pub fn wake(&mut self, now: u64) {
        for task in self.slots.iter_mut().flatten() {
            if matches!(task.state, State::Sleeping(deadline) if deadline <= now) {
                task.state = State::Ready;
            }
        }
    }

    /// The earliest deadline of a sleeping process.
    pub fn next_wake(&self) -> Option<u64> {
        self.slots
            .iter()
            .flatten()
            .filter_map(|task| match task.state {
                State::Sleeping(deadline) => Some(deadline),
                State::Ready | State::Blocked(_) => None,
            })
            .min()
    }

    /// The slot of the next Ready process in round-robin order, which
    /// becomes the one that ran last.
    pub fn pick(&mut self) -> Option<usize> {
        let next = (1..=MAX_PROCESSES)
            .map(|step| (self.last + step) % MAX_PROCESSES)
            .find(|&i| matches!(&self.slots[i], Some(task) if task.state == State::Ready))?;
        self.last = next;
        Some(next)
    }

    /// The process in `slot`, if any.
    pub fn process(&mut self, slot: usize) -> Option<&mut P> {
        Some(&mut self.slots.get_mut(slot)?.as_mut()?.process)
    }

    /// Blocks the process in `slot` until `deadline`.
    pub fn sleep(&mut self, slot: usize, deadline: u64) {
        if let Some(Some(task)) = self.slots.get_mut(slot) {
            task.state = State::Sleeping(deadline);
        }
    }

    /// Blocks the process in `slot` until [`Scheduler::wake_all`]`(key)`.
    pub fn block(&mut self, slot: usize, key: WaitKey) {
        if let Some(Some(task)) = self.slots.get_mut(slot) {
            task.state = State::Blocked(key);
        }
    }

    /// Makes every process blocked on `key` Ready; returns how many.
    pub fn wake_all(&mut self, key: WaitKey) -> usize {
        let mut woken = 0;
        for task in self.slots.iter_mut().flatten() {
            if task.state == State::Blocked(key) {
                task.state = State::Ready;
                woken += 1;
            }
        }
        woken
    }

    /// Makes every blocked process Ready (their calls re-check and block
    /// again if they must).
    pub fn wake_all_blocked(&mut self) {
        for task in self.slots.iter_mut().flatten() {
            if matches!(task.state, State::Blocked(_)) {
                task.state = State::Ready;
            }
        }
    }

    /// Whether processes are left but every one is blocked on a key (none
    /// Ready, none Sleeping): nothing but a kernel event could wake one,
    /// and with nothing running none can come, so they are deadlocked.
    pub fn all_blocked(&self) -> bool {
        !self.is_empty()
            && self
                .slots
                .iter()
                .flatten()
                .all(|task| matches!(task.state, State::Blocked(_)))
    }

    /// The slot of some process blocked on a key (to end a deadlock).
    pub fn any_blocked(&self) -> Option<usize> {
        self.slots
            .iter()
            .position(|slot| matches!(slot, Some(task) if matches!(task.state, State::Blocked(_))))
    }

    /// Takes the process in `slot` out of the table.
    pub fn remove(&mut self, slot: usize) -> Option<P> {
        Some(self.slots.get_mut(slot)?.take()?.process)
    }
}

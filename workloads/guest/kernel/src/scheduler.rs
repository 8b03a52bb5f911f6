//! Round-robin scheduling of the user processes of one hart: a fixed table
//! of slots, each process Ready, Sleeping until a `time` deadline, or
//! Blocked on a [`WaitKey`] until [`Scheduler::unblock`] (the kernel
//! decides who a wake-up reaches, on any hart: see `objects.rs`). The
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
    /// An empty table (const, so tables can be statics).
    pub const fn new() -> Self {
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

    /// Blocks the process in `slot` on `key` until [`Scheduler::unblock`].
    pub fn block(&mut self, slot: usize, key: WaitKey) {
        if let Some(Some(task)) = self.slots.get_mut(slot) {
            task.state = State::Blocked(key);
        }
    }

    /// Makes the process in `slot` Ready if it is blocked on a key;
    /// returns whether it was.
    pub fn unblock(&mut self, slot: usize) -> bool {
        match self.slots.get_mut(slot) {
            Some(Some(task)) if matches!(task.state, State::Blocked(_)) => {
                task.state = State::Ready;
                true
            }
            _ => false,
        }
    }

    /// Takes the process in `slot` out of the table.
    pub fn remove(&mut self, slot: usize) -> Option<P> {
        Some(self.slots.get_mut(slot)?.take()?.process)
    }
}

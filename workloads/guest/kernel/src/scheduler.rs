//! Round-robin scheduling of the user processes of one hart: a fixed table
//! of slots, each process Ready, Sleeping until a `time` deadline,
//! Blocked in a syscall until [`Scheduler::unblock_if`] (the kernel
//! decides whom a wake-up reaches, on any hart: see `objects.rs`), or
//! Running (taken out of the table by [`Scheduler::take`] while its hart
//! runs it, so the table's lock need not be held meanwhile; the slot
//! stays reserved until [`Scheduler::put_back`], [`Scheduler::block_back`]
//! or [`Scheduler::release`]).
//! The next process is the first Ready one after the one that ran last,
//! in slot order, so every Ready process runs once per round and the order
//! depends only on the events (deterministic on a deterministic machine).
//! Generic over the process type and `core`-only, so the host tests of
//! the `workloads` crate compile this file too.

/// Processes a table holds at once.
pub const MAX_PROCESSES: usize = 8;

enum Slot<P> {
    Free,
    Ready(P),
    /// Blocked until `time` reaches the tick.
    Sleeping(P, u64),
    /// Blocked in a syscall until an event (no timeout).
    Blocked(P),
    /// Taken out to run.
    Running,
}

/// The table is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// The run queue.
pub struct Scheduler<P> {
    slots: [Slot<P>; MAX_PROCESSES],
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
            slots: [const { Slot::Free }; MAX_PROCESSES],
            last: MAX_PROCESSES - 1,
        }
    }

    /// Adds a Ready process; gives it back if the table is full.
    pub fn add(&mut self, process: P) -> Result<(), (Full, P)> {
        match self
            .slots
            .iter_mut()
            .find(|slot| matches!(slot, Slot::Free))
        {
            Some(slot) => {
                *slot = Slot::Ready(process);
                Ok(())
            }
            None => Err((Full, process)),
        }
    }

    /// Whether no process is left (none in the table, none running).
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(|slot| matches!(slot, Slot::Free))
    }

    /// Makes every process whose deadline is at or before `now` Ready.
    pub fn wake(&mut self, now: u64) {
        for slot in self.slots.iter_mut() {
            if matches!(slot, Slot::Sleeping(_, deadline) if *deadline <= now) {
                if let Slot::Sleeping(process, _) = core::mem::replace(slot, Slot::Free) {
                    *slot = Slot::Ready(process);
                }
            }
        }
    }

    /// Makes Ready every sleeping process that `ready` says may go on (a
    /// wait that an event ends, not the clock).
    pub fn wake_if(&mut self, mut ready: impl FnMut(&mut P) -> bool) {
        for slot in self.slots.iter_mut() {
            let go_on = match slot {
                Slot::Sleeping(process, _) => ready(process),
                _ => false,
            };
            if go_on {
                if let Slot::Sleeping(process, _) = core::mem::replace(slot, Slot::Free) {
                    *slot = Slot::Ready(process);
                }
            }
        }
    }

    /// Makes Ready every blocked process that `woken` names (its wait
    /// ended by an event, possibly on another hart).
    pub fn unblock_if(&mut self, mut woken: impl FnMut(&P) -> bool) {
        for slot in self.slots.iter_mut() {
            if matches!(slot, Slot::Blocked(process) if woken(process)) {
                if let Slot::Blocked(process) = core::mem::replace(slot, Slot::Free) {
                    *slot = Slot::Ready(process);
                }
            }
        }
    }

    /// Calls `visit` with every process in the table (not running ones).
    pub fn for_each(&mut self, mut visit: impl FnMut(&mut P)) {
        for slot in self.slots.iter_mut() {
            if let Slot::Ready(process) | Slot::Sleeping(process, _) | Slot::Blocked(process) = slot
            {
                visit(process);
            }
        }
    }

    /// The earliest deadline of a sleeping process.
    pub fn next_wake(&self) -> Option<u64> {
        self.slots
            .iter()
            .filter_map(|slot| match slot {
                Slot::Sleeping(_, deadline) => Some(*deadline),
                _ => None,
            })
            .min()
    }

    /// The slot of the next Ready process in round-robin order, which
    /// becomes the one that ran last.
    pub fn pick(&mut self) -> Option<usize> {
        let next = (1..=MAX_PROCESSES)
            .map(|step| (self.last + step) % MAX_PROCESSES)
            .find(|&i| matches!(self.slots[i], Slot::Ready(_)))?;
        self.last = next;
        Some(next)
    }

    /// Takes the Ready process in `slot` out to run it; the slot stays
    /// reserved (Running) until [`Self::put_back`] or [`Self::release`].
    pub fn take(&mut self, slot: usize) -> Option<P> {
        let entry = self.slots.get_mut(slot)?;
        if !matches!(entry, Slot::Ready(_)) {
            return None;
        }
        match core::mem::replace(entry, Slot::Running) {
            Slot::Ready(process) => Some(process),
            _ => None,
        }
    }

    /// Returns a process taken from `slot`: Ready, or Sleeping until
    /// `sleep_until`. Gives it back if the slot is not Running.
    pub fn put_back(&mut self, slot: usize, process: P, sleep_until: Option<u64>) -> Result<(), P> {
        match self.slots.get_mut(slot) {
            Some(entry @ Slot::Running) => {
                *entry = match sleep_until {
                    Some(deadline) => Slot::Sleeping(process, deadline),
                    None => Slot::Ready(process),
                };
                Ok(())
            }
            _ => Err(process),
        }
    }

    /// Returns a process taken from `slot` as Blocked (its wake-up is the
    /// kernel's business: see `objects.rs`). Gives it back if the slot is
    /// not Running.
    pub fn block_back(&mut self, slot: usize, process: P) -> Result<(), P> {
        match self.slots.get_mut(slot) {
            Some(entry @ Slot::Running) => {
                *entry = Slot::Blocked(process);
                Ok(())
            }
            _ => Err(process),
        }
    }

    /// Takes out of the table the first process (not a running one) that
    /// `pick` names.
    pub fn remove_if(&mut self, mut pick: impl FnMut(&P) -> bool) -> Option<P> {
        let slot = self.slots.iter().position(|slot| match slot {
            Slot::Ready(p) | Slot::Sleeping(p, _) | Slot::Blocked(p) => pick(p),
            Slot::Free | Slot::Running => false,
        })?;
        self.remove(slot)
    }

    /// Frees the Running slot `slot` (its process ended).
    pub fn release(&mut self, slot: usize) {
        if let Some(entry @ Slot::Running) = self.slots.get_mut(slot) {
            *entry = Slot::Free;
        }
    }

    /// Takes the process in `slot` out of the table (not a running one).
    pub fn remove(&mut self, slot: usize) -> Option<P> {
        let entry = self.slots.get_mut(slot)?;
        if !matches!(
            entry,
            Slot::Ready(_) | Slot::Sleeping(..) | Slot::Blocked(_)
        ) {
            return None;
        }
        match core::mem::replace(entry, Slot::Free) {
            Slot::Ready(process) | Slot::Sleeping(process, _) | Slot::Blocked(process) => {
                Some(process)
            }
            _ => None,
        }
    }
}

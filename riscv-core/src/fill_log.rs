//! The slots of a large table filled since it was last cleared, so that a
//! full flush of a table that is mostly empty clears only those slots
//! instead of all of them. A guest kernel without ASIDs flushes its TLB at
//! every context switch, when only the few pages touched since are filled;
//! clearing all 128 KiB of the host TLB each time was 3% of the host
//! instructions of a run of the switch-heavy `async-uintr` design (and
//! evicted the host's caches).
//!
//! The log may name a slot twice or name one cleared since (both harmless:
//! clearing is idempotent); it never misses one: every fill is recorded,
//! and past its capacity the log says "everything" instead.

/// Slots remembered before the log gives up and asks for a full clear.
const CAPACITY: usize = 512;

#[derive(Clone, Debug, Default)]
pub struct FillLog {
    slots: Vec<u32>,
    /// More fills than `CAPACITY` since the last clear.
    overflowed: bool,
}

impl FillLog {
    /// Slot `slot` was filled.
    #[inline]
    pub fn record(&mut self, slot: usize) {
        if self.slots.len() < CAPACITY {
            self.slots.push(slot as u32);
        } else {
            self.overflowed = true;
        }
    }

    /// What to clear: the slots filled since the last call, or all of
    /// them if there were too many to remember. The log starts afresh.
    pub fn take(&mut self) -> Filled<'_> {
        if std::mem::take(&mut self.overflowed) {
            self.slots.clear();
            Filled::All
        } else {
            Filled::Slots(self.slots.drain(..))
        }
    }
}

/// What [`FillLog::take`] says to clear.
pub enum Filled<'a> {
    All,
    Slots(std::vec::Drain<'a, u32>),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table cleared through the log ends as a table cleared in full,
    /// below and beyond the log's capacity.
    #[test]
    fn clearing_through_the_log_clears_every_filled_slot() {
        for fills in [0, 1, 7, CAPACITY, CAPACITY + 1, 3 * CAPACITY] {
            let mut table = vec![0u8; 4096];
            let mut log = FillLog::default();
            for i in 0..fills {
                let slot = (i * 2654435761) % table.len();
                table[slot] = 1;
                log.record(slot);
            }
            let cleared_all = match log.take() {
                Filled::All => {
                    table.fill(0);
                    true
                }
                Filled::Slots(slots) => {
                    slots.for_each(|s| table[s as usize] = 0);
                    false
                }
            };
            assert_eq!(cleared_all, fills > CAPACITY, "{fills} fills");
            assert!(table.iter().all(|&v| v == 0), "{fills} fills");
            assert!(matches!(log.take(), Filled::Slots(s) if s.len() == 0));
        }
    }
}

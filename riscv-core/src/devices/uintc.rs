//! UINTC: the user-interrupt controller of UINTR.md (compatible
//! "riscv,uintc0").
//!
//! 512 receiver entries of 32 bytes (0x4000 bytes). Entry `i` is at
//! `UINTC_BASE + 32 * i`; every access is a naturally aligned 64-bit one.
//!
//! | offset | read                                   | write                          |
//! |--------|----------------------------------------|--------------------------------|
//! | `0x00` | 0                                      | SEND: set pending bit `value` (vectors >= 64 are ignored) |
//! | `0x08` | READ_LOW: Active bit 0, Mode bit 1, Hartid bits 31:16 | WRITE_LOW: set all three |
//! | `0x10` | READ_HIGH: pending bits                | WRITE_HIGH: pending <- value   |
//! | `0x18` | GET_ACTIVE: Active in bit 0            | SET_ACTIVE: Active <- bit 0    |
//!
//! A SEND to an Active entry is *delivered*: the machine sees it through
//! [`Uintc::receiver_pending`] and raises uip.USIP on the entry's hart. A
//! SEND to an inactive entry is only *recorded* in the pending bits; the
//! kernel raises USIP when it resumes the receiver. Both are counted.

pub const ENTRIES: usize = 512;
const ENTRY_SIZE: u64 = 32;
const SEND: u64 = 0x00;
const LOW: u64 = 0x08;
const HIGH: u64 = 0x10;
const ACTIVE: u64 = 0x18;

/// One receiver status entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UintcEntry {
    pub active: bool,
    /// Mode bit (1 = 64-bit receiver); stored, no other effect.
    pub mode64: bool,
    pub hartid: u16,
    pub pending: u64,
}

impl UintcEntry {
    fn low(&self) -> u64 {
        self.active as u64 | (self.mode64 as u64) << 1 | (self.hartid as u64) << 16
    }
}

/// SEND statistics for the machine's stats tree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UintcCounters {
    /// SENDs that landed on an Active entry.
    pub delivered: u64,
    /// SENDs that landed on an inactive entry (pending bit recorded only).
    pub recorded: u64,
    /// SENDs with a vector outside 0..64 (no effect).
    pub dropped: u64,
}

/// What a SEND did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Entry active: interrupt the receiver on this hart.
    Delivered { hart: u64 },
    /// Entry inactive: pending bit set, nobody interrupted.
    Recorded,
    /// Bad entry index or vector: no effect.
    Dropped,
}

pub struct Uintc {
    entries: Vec<UintcEntry>,
    counters: UintcCounters,
}

impl Default for Uintc {
    fn default() -> Self {
        Self::new()
    }
}

impl Uintc {
    pub fn new() -> Self {
        Self {
            entries: vec![UintcEntry::default(); ENTRIES],
            counters: UintcCounters::default(),
        }
    }

    pub fn counters(&self) -> UintcCounters {
        self.counters
    }

    pub fn entry(&self, index: u64) -> Option<&UintcEntry> {
        self.entries.get(usize::try_from(index).ok()?)
    }

    fn entry_mut(&mut self, index: u64) -> Option<&mut UintcEntry> {
        self.entries.get_mut(usize::try_from(index).ok()?)
    }

    /// True when entry `index` is active, bound to `hart` and has pending
    /// requests: the machine raises USIP on that hart.
    pub fn receiver_pending(&self, index: u64, hart: u64) -> bool {
        self.entry(index)
            .is_some_and(|e| e.active && e.hartid as u64 == hart && e.pending != 0)
    }

    /// SEND(vector) to entry `index` (what a UIPI SEND posts).
    pub fn send(&mut self, index: u64, vector: u64) -> SendOutcome {
        let outcome = match self.entry_mut(index) {
            Some(e) if vector < 64 => {
                e.pending |= 1 << vector;
                if e.active {
                    SendOutcome::Delivered {
                        hart: e.hartid as u64,
                    }
                } else {
                    SendOutcome::Recorded
                }
            }
            _ => SendOutcome::Dropped,
        };
        match outcome {
            SendOutcome::Delivered { .. } => self.counters.delivered += 1,
            SendOutcome::Recorded => self.counters.recorded += 1,
            SendOutcome::Dropped => self.counters.dropped += 1,
        }
        outcome
    }

    /// Pending bits of entry `index` (0 for a bad index).
    pub fn pending(&self, index: u64) -> u64 {
        self.entry(index).map_or(0, |e| e.pending)
    }

    /// Replaces the pending bits (UIPI WRITE / WRITE_HIGH).
    pub fn set_pending(&mut self, index: u64, bits: u64) {
        if let Some(e) = self.entry_mut(index) {
            e.pending = bits;
        }
    }

    /// UIPI ACTIVATE / DEACTIVATE, SET_ACTIVE.
    pub fn set_active(&mut self, index: u64, active: bool) {
        if let Some(e) = self.entry_mut(index) {
            e.active = active;
        }
    }

    fn split(offset: u64, size: u8) -> Option<(u64, u64)> {
        (size == 8 && offset.is_multiple_of(8) && offset < ENTRIES as u64 * ENTRY_SIZE)
            .then_some((offset / ENTRY_SIZE, offset % ENTRY_SIZE))
    }

    pub fn read(&self, offset: u64, size: u8) -> Option<u64> {
        let (i, reg) = Self::split(offset, size)?;
        let e = self.entry(i)?;
        Some(match reg {
            SEND => 0,
            LOW => e.low(),
            HIGH => e.pending,
            _ => e.active as u64,
        })
    }

    pub fn write(&mut self, offset: u64, size: u8, value: u64) -> bool {
        let Some((i, reg)) = Self::split(offset, size) else {
            return false;
        };
        match reg {
            SEND => {
                self.send(i, value);
            }
            LOW => {
                if let Some(e) = self.entry_mut(i) {
                    e.active = value & 1 != 0;
                    e.mode64 = value & 2 != 0;
                    e.hartid = (value >> 16) as u16;
                }
            }
            HIGH => self.set_pending(i, value),
            ACTIVE => self.set_active(i, value & 1 != 0),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E5: u64 = 5 * 32;

    #[test]
    fn send_to_inactive_records_then_activation_delivers() {
        let mut u = Uintc::new();
        assert!(u.write(E5 + LOW, 8, (3 << 16) | 2));
        assert_eq!(u.read(E5 + LOW, 8), Some((3 << 16) | 2));
        assert!(u.write(E5 + SEND, 8, 4));
        assert_eq!(u.read(E5 + HIGH, 8), Some(1 << 4));
        assert!(
            !u.receiver_pending(5, 3),
            "inactive receiver is never interrupted"
        );
        assert_eq!(u.counters().recorded, 1);
        assert!(u.write(E5 + ACTIVE, 8, 1));
        assert_eq!(u.read(E5 + ACTIVE, 8), Some(1));
        assert!(u.receiver_pending(5, 3));
        assert!(!u.receiver_pending(5, 2), "only the bound hart");
        assert!(!u.receiver_pending(6, 3));
        assert!(u.write(E5 + SEND, 8, 0));
        assert_eq!(u.counters().delivered, 1);
        assert_eq!(u.pending(5), 0b10001);
        // The receiver's runtime clears what it handled.
        assert!(u.write(E5 + HIGH, 8, 0));
        assert!(!u.receiver_pending(5, 3));
    }

    #[test]
    fn send_outcomes() {
        let mut u = Uintc::new();
        u.set_active(1, true);
        assert_eq!(u.send(1, 63), SendOutcome::Delivered { hart: 0 });
        assert_eq!(u.send(2, 1), SendOutcome::Recorded);
        assert_eq!(u.send(1, 64), SendOutcome::Dropped);
        assert_eq!(u.send(512, 1), SendOutcome::Dropped);
        assert_eq!(
            u.counters(),
            UintcCounters {
                delivered: 1,
                recorded: 1,
                dropped: 2
            }
        );
        assert_eq!(u.pending(1), 1 << 63);
        u.set_active(1, false);
        assert!(!u.receiver_pending(1, 0));
    }

    #[test]
    fn only_aligned_64_bit_accesses() {
        let mut u = Uintc::new();
        assert_eq!(u.read(LOW, 4), None);
        assert_eq!(u.read(LOW + 4, 8), None);
        assert!(!u.write(SEND, 4, 1));
        assert_eq!(u.read(0x4000, 8), None);
        assert_eq!(u.read(511 * 32 + HIGH, 8), Some(0));
        assert_eq!(u.pending(0), 0);
    }
}

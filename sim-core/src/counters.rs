//! Always-on architectural counters of one hart.
//!
//! A functional core keeps these itself, cheaply (one add per executed
//! block, per trap, per user-interrupt event), so that region-of-interest
//! metrics exist in every run, with or without a timing model. They count
//! events, not time: a hart's cycles come from the machine's clock and are
//! paired with the counters in a [`HartSnapshot`].

use crate::event::Privilege;

/// Event counts of one hart since reset. Arrays are indexed by
/// [`Privilege::index`] (user, supervisor, machine).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HartCounters {
    /// Instructions retired, by the privilege they ran at.
    pub instret: [u64; 3],
    /// Synchronous exceptions taken, by the privilege they were raised at.
    pub exceptions_from: [u64; 3],
    /// Of the exceptions from user mode: environment calls (system calls).
    /// The rest of `exceptions_from[user]` are faults.
    pub ecalls_from_user: u64,
    /// Interrupts taken (with a privilege change, or at least a trap into a
    /// supervisor handler), by the privilege they interrupted.
    pub interrupts_from: [u64; 3],
    /// User interrupts delivered straight to the user handler, without a
    /// trap or a privilege change.
    pub uintr_delivered: u64,
    /// User-interrupt sends that reached a receiver.
    pub uintr_sent: u64,
    /// User-interrupt sends that had no effect (invalid sender entry).
    pub uintr_rejected: u64,
}

impl HartCounters {
    /// Counts from `earlier` to `self` (counters only grow, so every
    /// field of `self` is at least that of `earlier`; wrapping keeps a
    /// mismatched pair from panicking).
    pub fn since(&self, earlier: &HartCounters) -> HartCounters {
        let sub3 = |a: [u64; 3], b: [u64; 3]| std::array::from_fn(|i| a[i].wrapping_sub(b[i]));
        HartCounters {
            instret: sub3(self.instret, earlier.instret),
            exceptions_from: sub3(self.exceptions_from, earlier.exceptions_from),
            ecalls_from_user: self.ecalls_from_user.wrapping_sub(earlier.ecalls_from_user),
            interrupts_from: sub3(self.interrupts_from, earlier.interrupts_from),
            uintr_delivered: self.uintr_delivered.wrapping_sub(earlier.uintr_delivered),
            uintr_sent: self.uintr_sent.wrapping_sub(earlier.uintr_sent),
            uintr_rejected: self.uintr_rejected.wrapping_sub(earlier.uintr_rejected),
        }
    }

    /// Adds `other` field by field (saturating: sums of deltas never wrap
    /// in practice, and a saturated count is still an honest lower bound).
    pub fn accumulate(&mut self, other: &HartCounters) {
        for i in 0..3 {
            self.instret[i] = self.instret[i].saturating_add(other.instret[i]);
            self.exceptions_from[i] =
                self.exceptions_from[i].saturating_add(other.exceptions_from[i]);
            self.interrupts_from[i] =
                self.interrupts_from[i].saturating_add(other.interrupts_from[i]);
        }
        self.ecalls_from_user = self.ecalls_from_user.saturating_add(other.ecalls_from_user);
        self.uintr_delivered = self.uintr_delivered.saturating_add(other.uintr_delivered);
        self.uintr_sent = self.uintr_sent.saturating_add(other.uintr_sent);
        self.uintr_rejected = self.uintr_rejected.saturating_add(other.uintr_rejected);
    }

    /// Instructions retired at every privilege together.
    pub fn instructions(&self) -> u64 {
        self.instret.iter().fold(0u64, |a, &b| a.saturating_add(b))
    }

    /// Instructions retired at `privilege`.
    pub fn instructions_at(&self, privilege: Privilege) -> u64 {
        self.instret[privilege.index()]
    }
}

/// One hart's counters together with its cycle count at the same instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HartSnapshot {
    pub counters: HartCounters,
    /// Cycles elapsed on the hart (its own clock, which the guest cannot
    /// write, unlike mcycle).
    pub cycles: u64,
    /// `cycles` split by the privilege the hart spent them at (indexed by
    /// [`Privilege::index`]; sums to `cycles`).
    pub cycles_by_mode: [u64; 3],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(k: u64) -> HartCounters {
        HartCounters {
            instret: [k, 2 * k, 3 * k],
            exceptions_from: [4 * k, 5 * k, 6 * k],
            ecalls_from_user: 7 * k,
            interrupts_from: [8 * k, 9 * k, 10 * k],
            uintr_delivered: 11 * k,
            uintr_sent: 12 * k,
            uintr_rejected: 13 * k,
        }
    }

    #[test]
    fn since_is_the_fieldwise_difference() {
        let d = sample(5).since(&sample(2));
        assert_eq!(d, sample(3));
        assert_eq!(sample(4).since(&sample(4)), HartCounters::default());
    }

    #[test]
    fn accumulate_adds_every_field() {
        let mut a = sample(1);
        a.accumulate(&sample(2));
        assert_eq!(a, sample(3));
        assert_eq!(a.instructions(), 3 + 6 + 9);
        assert_eq!(a.instructions_at(Privilege::Supervisor), 6);
        let mut big = HartCounters {
            uintr_sent: u64::MAX,
            ..Default::default()
        };
        big.accumulate(&sample(1));
        assert_eq!(big.uintr_sent, u64::MAX, "saturates instead of wrapping");
    }
}

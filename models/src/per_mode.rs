//! Counters split by privilege mode, so kernel and user activity on the
//! same structure can be told apart (FlexSC's indirect trap cost).

use sim_core::{Privilege, Stats};

/// One counter per privilege mode. Indexed by the mode's encoding (0, 1,
/// 3) rather than [`Privilege::index`], so the hot path needs no table
/// lookup; slot 2 stays 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PerMode([u64; 4]);

impl PerMode {
    #[inline(always)]
    pub fn add(&mut self, mode: Privilege, n: u64) {
        self.0[mode as usize] += n;
    }

    #[inline(always)]
    pub fn inc(&mut self, mode: Privilege) {
        self.0[mode as usize] += 1;
    }

    pub fn get(&self, mode: Privilege) -> u64 {
        self.0[mode as usize]
    }

    /// The sum over the modes. Slot 2 is never written, so it is left
    /// out: three scalar loads, which the host forwards from the 8-byte
    /// adds that just wrote them (a 16-byte load over two of them it
    /// cannot, and the timing model's clock is read after every block).
    #[inline(always)]
    pub fn total(&self) -> u64 {
        self.0[0] + self.0[1] + self.0[3]
    }

    /// Writes `name.user`, `name.supervisor` and `name.machine`.
    pub fn dump(&self, stats: &mut Stats, name: &str) {
        for mode in Privilege::ALL {
            stats.set(format!("{name}.{}", mode.name()), self.get(mode));
        }
    }
}

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

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Writes `name.user`, `name.supervisor` and `name.machine`.
    pub fn dump(&self, stats: &mut Stats, name: &str) {
        for mode in Privilege::ALL {
            stats.set(format!("{name}.{}", mode.name()), self.get(mode));
        }
    }
}

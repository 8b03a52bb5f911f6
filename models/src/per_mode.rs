//! Counters split by privilege mode, so kernel and user activity on the
//! same structure can be told apart (FlexSC's indirect trap cost).

use sim_core::{Privilege, Stats};

/// One counter per privilege mode, indexed by [`Privilege::index`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PerMode(pub [u64; 3]);

impl PerMode {
    #[inline(always)]
    pub fn add(&mut self, mode: Privilege, n: u64) {
        self.0[mode.index()] += n;
    }

    #[inline(always)]
    pub fn inc(&mut self, mode: Privilege) {
        self.0[mode.index()] += 1;
    }

    pub fn get(&self, mode: Privilege) -> u64 {
        self.0[mode.index()]
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

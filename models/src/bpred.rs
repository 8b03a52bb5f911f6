//! Conditional-branch direction predictors: bimodal and gshare, both with
//! 2-bit saturating counters.

use crate::config::{BpredConfig, PredictorKind};

#[derive(Clone, Debug)]
pub struct BranchPredictor {
    /// 2-bit counters, 0..=1 predict not taken, 2..=3 taken.
    counters: Box<[u8]>,
    index_mask: u64,
    /// Global history (gshare), XORed into the index. Bimodal keeps no
    /// history: its mask is 0, so the history stays 0 and indexes by pc
    /// alone, with no branch on the kind.
    history: u64,
    history_mask: u64,
}

/// A 2-bit counter after a taken (`[1]`) or not-taken (`[0]`) outcome.
const TRAINED: [[u8; 4]; 2] = [[0, 0, 1, 2], [1, 2, 3, 3]];

impl BranchPredictor {
    /// Builds a predictor with every counter weakly not-taken (the config
    /// must have passed validation).
    pub fn new(cfg: &BpredConfig) -> Self {
        BranchPredictor {
            counters: vec![1; cfg.entries as usize].into_boxed_slice(),
            index_mask: cfg.entries as u64 - 1,
            history: 0,
            history_mask: match cfg.kind {
                PredictorKind::Bimodal => 0,
                PredictorKind::Gshare => (1u64 << cfg.history_bits) - 1,
            },
        }
    }

    /// Predicts the branch at `pc`, trains on the real outcome and returns
    /// whether the prediction was right.
    #[inline(always)]
    pub fn predict_and_train(&mut self, pc: u64, taken: bool) -> bool {
        // Instructions are at least 2-byte aligned: drop the constant bit.
        let index = ((pc >> 1) ^ self.history) & self.index_mask;
        let counter = &mut self.counters[index as usize];
        let predicted = *counter >= 2;
        *counter = TRAINED[taken as usize][*counter as usize & 3];
        self.history = ((self.history << 1) | taken as u64) & self.history_mask;
        predicted == taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn predictor(kind: PredictorKind, history_bits: u32) -> BranchPredictor {
        BranchPredictor::new(&BpredConfig {
            kind,
            entries: 256,
            history_bits,
        })
    }

    fn mispredicts(p: &mut BranchPredictor, pattern: impl Iterator<Item = bool>) -> usize {
        pattern
            .filter(|&t| !p.predict_and_train(0x8000_0040, t))
            .count()
    }

    #[test]
    fn always_taken_loop_learns_after_one_miss() {
        // Counter starts weakly not-taken: one miss, then always right.
        let mut p = predictor(PredictorKind::Bimodal, 0);
        assert_eq!(mispredicts(&mut p, std::iter::repeat_n(true, 100)), 1);
    }

    #[test]
    fn loop_exit_costs_one_miss_per_trip() {
        // 9 taken + 1 not taken, 10 times: bimodal misses each exit only
        // (the counter drops from 3 to 2 and stays taken) plus the first.
        let mut p = predictor(PredictorKind::Bimodal, 0);
        let pattern = (0..100).map(|i| i % 10 != 9);
        assert_eq!(mispredicts(&mut p, pattern), 1 + 10);
    }

    #[test]
    fn gshare_learns_alternation_bimodal_does_not() {
        let alternating = || (0..200).map(|i| i % 2 == 0);
        let mut bimodal = predictor(PredictorKind::Bimodal, 0);
        let b = mispredicts(&mut bimodal, alternating());
        let mut gshare = predictor(PredictorKind::Gshare, 4);
        let g = mispredicts(&mut gshare, alternating());
        // Bimodal oscillates between the two weak states: at least half
        // wrong. Gshare separates the two histories after a short warm-up.
        assert!(b >= 100, "bimodal mispredicted {b}");
        assert!(g <= 8, "gshare mispredicted {g}");
    }
}

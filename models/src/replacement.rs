//! Victim selection for set-associative structures (caches and TLBs):
//! true LRU, tree pseudo-LRU and seeded random.

use crate::config::ReplacementPolicy;
use crate::rng::Rng;

/// Replacement state of every set of one structure.
#[derive(Clone, Debug)]
pub struct Replacement {
    policy: ReplacementPolicy,
    ways: usize,
    /// LRU: last-use time of each line (sets * ways).
    stamps: Vec<u64>,
    clock: u64,
    /// Tree-PLRU: `ways - 1` node bits per set; a node's bit points to the
    /// half that holds the next victim (0 = lower ways, 1 = upper ways).
    trees: Vec<u64>,
    levels: u32,
    rng: Rng,
}

impl Replacement {
    /// `ways` must suit the policy (checked by the preset's validation).
    pub fn new(policy: ReplacementPolicy, sets: usize, ways: usize, seed: u64) -> Self {
        let stamps = match policy {
            ReplacementPolicy::Lru => vec![0; sets * ways],
            _ => Vec::new(),
        };
        let trees = match policy {
            ReplacementPolicy::Plru => vec![0; sets],
            _ => Vec::new(),
        };
        Replacement {
            policy,
            ways,
            stamps,
            clock: 0,
            trees,
            levels: ways.trailing_zeros(),
            rng: Rng::new(seed),
        }
    }

    /// Records a use (hit or fill) of `way` in `set`.
    #[inline]
    pub fn touch(&mut self, set: usize, way: usize) {
        match self.policy {
            ReplacementPolicy::Lru => {
                self.clock += 1;
                self.stamps[set * self.ways + way] = self.clock;
            }
            ReplacementPolicy::Plru => {
                let tree = &mut self.trees[set];
                let mut node = 0u32;
                for level in (0..self.levels).rev() {
                    let right = (way >> level) & 1;
                    // Point this node away from the half just used.
                    if right == 1 {
                        *tree &= !(1 << node);
                    } else {
                        *tree |= 1 << node;
                    }
                    node = 2 * node + 1 + right as u32;
                }
            }
            ReplacementPolicy::Random => {}
        }
    }

    /// The way to evict from a full set.
    #[inline]
    pub fn victim(&mut self, set: usize) -> usize {
        match self.policy {
            ReplacementPolicy::Lru => {
                let row = &self.stamps[set * self.ways..(set + 1) * self.ways];
                let mut best = 0;
                for (way, &stamp) in row.iter().enumerate() {
                    if stamp < row[best] {
                        best = way;
                    }
                }
                best
            }
            ReplacementPolicy::Plru => {
                let tree = self.trees[set];
                let (mut node, mut way) = (0u32, 0usize);
                for _ in 0..self.levels {
                    let bit = ((tree >> node) & 1) as usize;
                    way = (way << 1) | bit;
                    node = 2 * node + 1 + bit as u32;
                }
                way
            }
            ReplacementPolicy::Random => self.rng.below(self.ways as u32) as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_evicts_least_recent() {
        let mut r = Replacement::new(ReplacementPolicy::Lru, 1, 4, 0);
        for w in 0..4 {
            r.touch(0, w);
        }
        r.touch(0, 0);
        assert_eq!(r.victim(0), 1);
    }

    #[test]
    fn plru_tree_walk() {
        let mut r = Replacement::new(ReplacementPolicy::Plru, 1, 4, 0);
        // Fill order 0,1,2,3: the root points left (0..1), node for 0..1
        // points at 0 after way 1 was used.
        for w in 0..4 {
            r.touch(0, w);
        }
        assert_eq!(r.victim(0), 0);
        r.touch(0, 0);
        // Root now points right; node for 2..3 points at 2 (3 used last).
        assert_eq!(r.victim(0), 2);
    }
}

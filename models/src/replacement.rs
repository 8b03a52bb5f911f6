//! Victim selection for set-associative structures (caches and TLBs):
//! true LRU, tree pseudo-LRU and seeded random. A set's state is a few
//! words kept beside its tags (see `rows.rs`), passed in as `state`.

use crate::config::ReplacementPolicy;
use crate::rng::Rng;

/// The policy of one structure (its per-set state lives in the rows).
#[derive(Clone, Debug)]
pub struct Replacement {
    policy: ReplacementPolicy,
    ways: usize,
    levels: u32,
    rng: Rng,
}

impl Replacement {
    /// `ways` must suit the policy (checked by the preset's validation).
    pub fn new(policy: ReplacementPolicy, ways: usize, seed: u64) -> Self {
        Replacement {
            policy,
            ways,
            levels: ways.trailing_zeros(),
            rng: Rng::new(seed),
        }
    }

    /// Words of state per set: LRU keeps a recency rank per way (a byte
    /// each, 0 = most recent), tree-PLRU `ways - 1` node bits, random none.
    pub fn state_words(&self) -> usize {
        match self.policy {
            ReplacementPolicy::Lru => self.ways.div_ceil(8),
            ReplacementPolicy::Plru => 1,
            ReplacementPolicy::Random => 0,
        }
    }

    /// The state of an empty set. LRU ranks start as a permutation, so
    /// move-to-front keeps them one: once every way has been filled (and
    /// so used), the highest rank is the least recently used way.
    pub fn reset(&self, state: &mut [u64]) {
        state.fill(0);
        if self.policy == ReplacementPolicy::Lru {
            for way in 0..self.ways {
                state[way / 8] |= (way as u64) << (8 * (way % 8));
            }
        }
    }

    /// Records a use (hit or fill) of `way`.
    #[inline(always)]
    pub fn touch(&self, state: &mut [u64], way: usize) {
        match self.policy {
            ReplacementPolicy::Random => {}
            ReplacementPolicy::Plru => {
                let tree = &mut state[0];
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
            ReplacementPolicy::Lru => self.touch_lru(state, way),
        }
    }

    #[inline(never)]
    fn touch_lru(&self, state: &mut [u64], way: usize) {
        let rank = lru_rank(state, way);
        if rank == 0 {
            return;
        }
        // Ways more recent than `way` age by one; `way` is newest.
        for w in 0..self.ways {
            if lru_rank(state, w) < rank {
                state[w / 8] += 1 << (8 * (w % 8));
            }
        }
        state[way / 8] &= !(0xff << (8 * (way % 8)));
    }

    /// The way to evict from a full set.
    #[inline]
    pub fn victim(&mut self, state: &[u64]) -> usize {
        match self.policy {
            ReplacementPolicy::Lru => {
                let oldest = self.ways as u64 - 1;
                (0..self.ways)
                    .find(|&w| lru_rank(state, w) == oldest)
                    .unwrap_or(0)
            }
            ReplacementPolicy::Plru => {
                let tree = state[0];
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

#[inline(always)]
fn lru_rank(state: &[u64], way: usize) -> u64 {
    (state[way / 8] >> (8 * (way % 8))) & 0xff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(p: ReplacementPolicy, ways: usize) -> (Replacement, Vec<u64>) {
        let r = Replacement::new(p, ways, 0);
        let mut state = vec![0; r.state_words()];
        r.reset(&mut state);
        (r, state)
    }

    #[test]
    fn lru_evicts_least_recent() {
        let (mut r, mut s) = policy(ReplacementPolicy::Lru, 4);
        for w in 0..4 {
            r.touch(&mut s, w);
        }
        r.touch(&mut s, 0);
        assert_eq!(r.victim(&s), 1);
        // Ranks beyond one word: 12 ways, used in reverse, then way 11
        // again: way 10 is the oldest.
        let (mut r, mut s) = policy(ReplacementPolicy::Lru, 12);
        for w in (0..12).rev() {
            r.touch(&mut s, w);
        }
        assert_eq!(r.victim(&s), 11);
        r.touch(&mut s, 11);
        assert_eq!(r.victim(&s), 10);
    }

    #[test]
    fn plru_tree_walk() {
        let (mut r, mut s) = policy(ReplacementPolicy::Plru, 4);
        // Fill order 0,1,2,3: the root points left (0..1), node for 0..1
        // points at 0 after way 1 was used.
        for w in 0..4 {
            r.touch(&mut s, w);
        }
        assert_eq!(r.victim(&s), 0);
        r.touch(&mut s, 0);
        // Root now points right; node for 2..3 points at 2 (3 used last).
        assert_eq!(r.victim(&s), 2);
    }
}

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
    /// Tree-PLRU: per way, the node bits a touch clears and sets (the
    /// way's path, each node pointed away from it), so a touch is two
    /// operations whatever the depth.
    plru_paths: Vec<(u64, u64)>,
    rng: Rng,
}

impl Replacement {
    /// `ways` must suit the policy (checked by the preset's validation).
    pub fn new(policy: ReplacementPolicy, ways: usize, seed: u64) -> Self {
        let levels = ways.trailing_zeros();
        let plru_paths = match policy {
            ReplacementPolicy::Plru => (0..ways).map(|way| plru_path(levels, way)).collect(),
            _ => Vec::new(),
        };
        Replacement {
            policy,
            ways,
            levels,
            plru_paths,
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
                let (clear, set) = self.plru_paths[way];
                state[0] = (state[0] & !clear) | set;
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

/// The node bits on `way`'s path through a PLRU tree of `levels` levels
/// (nodes numbered breadth-first from the root, 0) that a touch of `way`
/// clears and sets: each points away from the half just used.
fn plru_path(levels: u32, way: usize) -> (u64, u64) {
    let (mut clear, mut set) = (0u64, 0u64);
    let mut node = 0u32;
    for level in (0..levels).rev() {
        let right = (way >> level) & 1;
        if right == 1 {
            clear |= 1 << node;
        } else {
            set |= 1 << node;
        }
        node = 2 * node + 1 + right as u32;
    }
    (clear, set)
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

    #[test]
    fn a_plru_touch_points_the_path_away_from_the_way() {
        // 8 ways, way 5 = right, left, right: the root (node 0) points
        // left (cleared), node 2 (the right half) points right (set), and
        // node 5 (ways 4..5) points left (cleared).
        let (r, mut s) = policy(ReplacementPolicy::Plru, 8);
        r.touch(&mut s, 5);
        assert_eq!(s[0], 1 << 2);
        s[0] = 0x7f;
        r.touch(&mut s, 5);
        assert_eq!(s[0], 0x7f & !(1 | 1 << 5));
        // 32 ways: touching every way in turn leaves way 0 the victim, and
        // a way just touched is never it.
        let (mut r, mut s) = policy(ReplacementPolicy::Plru, 32);
        for w in 0..32 {
            r.touch(&mut s, w);
            assert_ne!(r.victim(&s), w);
        }
        assert_eq!(r.victim(&s), 0);
    }
}

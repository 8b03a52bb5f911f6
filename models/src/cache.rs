//! One set-associative, write-back, write-allocate cache: tags, dirty bits
//! and replacement, no data (the functional core holds the data).

use crate::config::CacheConfig;
use crate::replacement::Replacement;

const INVALID: u64 = u64::MAX;

/// What one access did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub hit: bool,
    /// Line address (byte address of the line) of a dirty line evicted to
    /// make room, which must be written back.
    pub writeback: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct Cache {
    set_mask: u64,
    ways: usize,
    line_shift: u32,
    /// Line number (address >> line_shift) per way, INVALID if empty.
    tags: Vec<u64>,
    dirty: Vec<bool>,
    repl: Replacement,
    /// Line and slot of the last access: the most recently used line, so
    /// a repeated hit on it changes no replacement state.
    last: (u64, usize),
}

impl Cache {
    /// Builds an empty cache (the config must have passed validation).
    pub fn new(cfg: &CacheConfig, seed: u64) -> Self {
        let sets = cfg.sets();
        let ways = cfg.ways as usize;
        Cache {
            set_mask: sets as u64 - 1,
            ways,
            line_shift: cfg.line_bytes.trailing_zeros(),
            tags: vec![INVALID; sets * ways],
            dirty: vec![false; sets * ways],
            repl: Replacement::new(cfg.replacement, sets, ways, seed),
            last: (INVALID, 0),
        }
    }

    pub fn line_shift(&self) -> u32 {
        self.line_shift
    }

    #[inline(always)]
    fn find(&self, line: u64) -> (usize, Option<usize>) {
        let set = (line & self.set_mask) as usize;
        let base = set * self.ways;
        let way = self.tags[base..base + self.ways]
            .iter()
            .position(|&t| t == line);
        (set, way)
    }

    /// Reads or writes the line holding `addr`; a miss allocates it (write
    /// allocate) and may evict a dirty line.
    #[inline]
    pub fn access(&mut self, addr: u64, write: bool) -> Outcome {
        let line = addr >> self.line_shift;
        if line == self.last.0 {
            self.dirty[self.last.1] |= write;
            return Outcome {
                hit: true,
                writeback: None,
            };
        }
        let (set, found) = self.find(line);
        let base = set * self.ways;
        if let Some(way) = found {
            self.repl.touch(set, way);
            self.dirty[base + way] |= write;
            self.last = (line, base + way);
            return Outcome {
                hit: true,
                writeback: None,
            };
        }
        let row = &self.tags[base..base + self.ways];
        let way = match row.iter().position(|&t| t == INVALID) {
            Some(way) => way,
            None => self.repl.victim(set),
        };
        let slot = base + way;
        let writeback = (self.tags[slot] != INVALID && self.dirty[slot])
            .then(|| self.tags[slot] << self.line_shift);
        self.tags[slot] = line;
        self.dirty[slot] = write;
        self.repl.touch(set, way);
        self.last = (line, slot);
        Outcome {
            hit: false,
            writeback,
        }
    }

    /// Whether the line holding `addr` is present (no replacement update).
    pub fn contains(&self, addr: u64) -> bool {
        self.find(addr >> self.line_shift).1.is_some()
    }

    /// Drops the line holding `addr`; returns `Some(dirty)` if it was there.
    #[inline]
    pub fn invalidate(&mut self, addr: u64) -> Option<bool> {
        let line = addr >> self.line_shift;
        let (set, found) = self.find(line);
        let slot = set * self.ways + found?;
        self.tags[slot] = INVALID;
        if self.last.0 == line {
            self.last = (INVALID, 0);
        }
        Some(std::mem::take(&mut self.dirty[slot]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ReplacementPolicy;

    /// The smallest cache a preset can describe: 1 KiB = 4 sets x 4 ways
    /// x 64 B.
    fn cache(policy: ReplacementPolicy) -> Cache {
        let cfg = CacheConfig {
            size_kib: 1,
            ways: 4,
            line_bytes: 64,
            hit_latency: 1,
            replacement: policy,
            writeback_cycles: 0,
        };
        Cache::new(&cfg, 42)
    }

    /// Address of the `n`th distinct line that maps to set 0 (4 sets).
    fn set0(n: u64) -> u64 {
        n * 4 * 64
    }

    fn hits(c: &mut Cache, seq: &[(u64, bool)]) -> Vec<bool> {
        seq.iter().map(|&(a, w)| c.access(a, w).hit).collect()
    }

    #[test]
    fn lru_sequence() {
        let mut c = cache(ReplacementPolicy::Lru);
        // A B C D fill set 0; A hits; E evicts B (LRU); B misses and
        // evicts C; A still hits.
        let seq: Vec<_> = [0, 1, 2, 3, 0, 4, 1, 0, 2]
            .iter()
            .map(|&n| (set0(n), false))
            .collect();
        assert_eq!(
            hits(&mut c, &seq),
            [false, false, false, false, true, false, false, true, false]
        );
        // Same-line offsets hit; other sets are independent.
        assert!(c.access(set0(0) + 63, false).hit);
        assert!(!c.access(64, false).hit);
    }

    #[test]
    fn plru_sequence() {
        let mut c = cache(ReplacementPolicy::Plru);
        // Fill A B C D (ways 0..3) and touch A: the tree points at way 2,
        // so E replaces C. Ways 0 then 2 were used last, so the tree points
        // at way 1: C comes back in place of B, and A still hits.
        let seq: Vec<_> = [0, 1, 2, 3, 0, 4, 2, 0]
            .iter()
            .map(|&n| (set0(n), false))
            .collect();
        assert_eq!(
            hits(&mut c, &seq),
            [false, false, false, false, true, false, false, true]
        );
        assert!(!c.contains(set0(1)), "B was the PLRU victim");
        assert!(c.contains(set0(3)) && c.contains(set0(4)));
    }

    #[test]
    fn random_is_seeded_and_keeps_set_size() {
        let run = || {
            let mut c = cache(ReplacementPolicy::Random);
            let seq: Vec<_> = (0..64).map(|i| (set0(i % 7), false)).collect();
            hits(&mut c, &seq)
        };
        let a = run();
        assert_eq!(a, run(), "same seed, same sequence");
        // The first 4 distinct lines fill the empty ways before any
        // eviction; 7 lines cycling through 4 ways must miss sometimes.
        assert_eq!(&a[..4], &[false; 4]);
        assert!(a.iter().filter(|h| !**h).count() > 7);
        let mut c = cache(ReplacementPolicy::Random);
        for n in 0..7 {
            c.access(set0(n), false);
        }
        assert_eq!((0..7).filter(|&n| c.contains(set0(n))).count(), 4);
    }

    #[test]
    fn dirty_evictions_are_written_back() {
        let mut c = cache(ReplacementPolicy::Lru);
        assert_eq!(c.access(set0(0), true).writeback, None); // A dirty
        c.access(set0(1), false); // B clean
        c.access(set0(2), false);
        c.access(set0(3), false);
        // E evicts A (LRU), which is dirty.
        assert_eq!(c.access(set0(4), false).writeback, Some(set0(0)));
        // F evicts B, clean: no write-back.
        assert_eq!(c.access(set0(5), false).writeback, None);
        // A write hit makes a clean line dirty.
        c.access(set0(2), true);
        c.access(set0(3), false);
        // LRU order now E F C D: 6 evicts E, 7 evicts F, 8 evicts dirty C.
        assert_eq!(c.access(set0(6), false).writeback, None);
        assert_eq!(c.access(set0(7), false).writeback, None);
        assert_eq!(c.access(set0(8), false).writeback, Some(set0(2)));
    }

    #[test]
    fn invalidate_reports_dirty() {
        let mut c = cache(ReplacementPolicy::Lru);
        c.access(0x1000, true);
        c.access(0x2000 + 64, false);
        assert_eq!(c.invalidate(0x1000), Some(true));
        assert_eq!(c.invalidate(0x1000), None);
        assert_eq!(c.invalidate(0x2000 + 64), Some(false));
        assert!(!c.access(0x1000, false).hit);
    }
}

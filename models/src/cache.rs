//! One set-associative, write-back, write-allocate cache: tags, dirty bits
//! and replacement, no data (the functional core holds the data).

use crate::config::CacheConfig;
use crate::line_filter::LineFilter;
use crate::rows::{find_way, Sets, INVALID};

// Line numbers are below 2^61 (lines are at least 8 bytes), so no tag,
// dirty or not, equals INVALID.
/// A way's tag is its line number with this bit set while dirty.
const DIRTY: u64 = 1 << 63;

/// What one access did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Hit,
    /// A miss, which allocated the line and evicted this one, if any.
    Miss(Option<Victim>),
}

/// A line an allocation pushed out of the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Victim {
    /// Its line address (byte address of the line).
    pub addr: u64,
    /// It was written: it must be written back.
    pub dirty: bool,
}

impl Outcome {
    pub fn hit(self) -> bool {
        self == Outcome::Hit
    }

    /// The line address of a dirty line evicted to make room, which must
    /// be written back.
    pub fn writeback(self) -> Option<u64> {
        match self {
            Outcome::Miss(Some(v)) if v.dirty => Some(v.addr),
            _ => None,
        }
    }
}

#[inline(always)]
fn holds(tag: u64, line: u64) -> bool {
    // Equal but for the dirty bit.
    (tag ^ line) << 1 == 0
}

#[inline(always)]
fn dirty_if(write: bool) -> u64 {
    (write as u64) << 63
}

#[derive(Clone, Debug)]
pub struct Cache {
    set_mask: u64,
    line_shift: u32,
    table: Sets,
    /// The line each set touched last: a hit on it needs no search and no
    /// replacement update.
    recent: LineFilter,
    /// Empty ways in the whole cache: once it is full (and until an
    /// invalidation), a miss need not look for one.
    empty_ways: usize,
    /// A line [`Cache::hit`] last searched for and found absent, or
    /// [`INVALID`]: the [`Cache::access`] that follows a failed hit skips
    /// its search. Only a fill adds a line, and a fill clears this.
    absent: u64,
}

impl Cache {
    /// Builds an empty cache (the config must have passed validation).
    pub fn new(cfg: &CacheConfig, seed: u64) -> Self {
        let sets = cfg.sets();
        let ways = cfg.ways as usize;
        Cache {
            set_mask: sets as u64 - 1,
            line_shift: cfg.line_bytes.trailing_zeros(),
            table: Sets::new(sets, ways, cfg.replacement, seed),
            recent: LineFilter::new(sets),
            empty_ways: sets * ways,
            absent: INVALID,
        }
    }

    pub fn line_shift(&self) -> u32 {
        self.line_shift
    }

    #[inline(always)]
    fn set_of(&self, line: u64) -> usize {
        (line & self.set_mask) as usize
    }

    /// A hit, as [`Cache::access`] would make it, if the line holding
    /// `addr` is the one its set touched last (no search, no replacement
    /// update); otherwise false, and nothing changed. Inline: the hot
    /// path of every access.
    #[inline(always)]
    pub fn recent_hit(&mut self, addr: u64, write: bool) -> bool {
        let line = addr >> self.line_shift;
        let e = self.recent.entry(line);
        if !holds(e.tag, line) {
            return false;
        }
        if write && e.tag & DIRTY == 0 {
            e.tag |= DIRTY;
            *self.table.tag_at(e.slot) |= DIRTY;
        }
        true
    }

    /// A hit, as [`Cache::access`] would make it, if the line holding
    /// `addr` is present: its set's recent line, else found by a search
    /// (with its replacement update); otherwise false, and nothing changed.
    /// The recent line inline, for the L1s: the common hit costs no call.
    #[inline(always)]
    pub fn hit(&mut self, addr: u64, write: bool) -> bool {
        self.recent_hit(addr, write) || self.search_hit(addr, write)
    }

    /// [`Cache::hit`] past the recent line: a search of the set.
    #[inline(never)]
    fn search_hit(&mut self, addr: u64, write: bool) -> bool {
        let line = addr >> self.line_shift;
        let set = self.set_of(line);
        let slot0 = self.table.slot(set, 0);
        let (tags, state, repl) = self.table.set_mut(set);
        let Some(way) = find_way(tags, |t| holds(t, line)) else {
            self.absent = line;
            return false;
        };
        tags[way] |= dirty_if(write);
        repl.touch(state, way);
        self.recent.touched(line, slot0 + way, tags[way]);
        true
    }

    /// Reads or writes the line holding `addr`; a miss allocates it (write
    /// allocate) and may evict a line. The L1s' callers try [`Cache::hit`]
    /// first; after a failed hit of the same line this does not search the
    /// set again (the L2's callers come here at once). Inline: a call costs
    /// more than a miss's own work (registers saved, the outcome passed
    /// back), and a miss makes up to three.
    #[inline(always)]
    pub fn access(&mut self, addr: u64, write: bool) -> Outcome {
        let line = addr >> self.line_shift;
        let set = self.set_of(line);
        let slot0 = self.table.slot(set, 0);
        let known_absent = line == self.absent;
        self.absent = INVALID;
        let (tags, state, repl) = self.table.set_mut(set);
        let found = match known_absent {
            true => None,
            false => find_way(tags, |t| holds(t, line)),
        };
        let way = match found {
            Some(way) => {
                tags[way] |= dirty_if(write);
                repl.touch(state, way);
                self.recent.touched(line, slot0 + way, tags[way]);
                return Outcome::Hit;
            }
            None => match self.empty_ways {
                0 => repl.victim(state),
                _ => match tags.iter().position(|&t| t == INVALID) {
                    Some(way) => {
                        self.empty_ways -= 1;
                        way
                    }
                    None => repl.victim(state),
                },
            },
        };
        let old = tags[way];
        tags[way] = line | dirty_if(write);
        repl.touch(state, way);
        self.recent.touched(line, slot0 + way, tags[way]);
        Outcome::Miss((old != INVALID).then(|| Victim {
            addr: (old & !DIRTY) << self.line_shift,
            dirty: old & DIRTY != 0,
        }))
    }

    /// The way holding `line` in its set, if any.
    #[inline(always)]
    fn find(&self, line: u64) -> Option<usize> {
        let set = self.set_of(line);
        find_way(self.table.tags(set), |t| holds(t, line))
    }

    /// The line address of every line present.
    #[cfg(test)]
    pub fn lines(&self) -> Vec<u64> {
        (0..=self.set_mask as usize)
            .flat_map(|set| self.table.tags(set).iter())
            .filter(|&&t| t != INVALID)
            .map(|&t| (t & !DIRTY) << self.line_shift)
            .collect()
    }

    /// Whether the line holding `addr` is present (no replacement update).
    pub fn contains(&self, addr: u64) -> bool {
        self.find(addr >> self.line_shift).is_some()
    }

    /// Drops the line holding `addr`; returns `Some(dirty)` if it was there.
    #[inline]
    pub fn invalidate(&mut self, addr: u64) -> Option<bool> {
        let line = addr >> self.line_shift;
        let way = self.find(line)?;
        let set = self.set_of(line);
        let tag = &mut self.table.tags_mut(set)[way];
        let dirty = *tag & DIRTY != 0;
        *tag = INVALID;
        self.empty_ways += 1;
        let slot = self.table.slot(set, way);
        self.recent.removed(line, slot);
        Some(dirty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ReplacementPolicy;
    use crate::replacement::Replacement;

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
        seq.iter().map(|&(a, w)| c.access(a, w).hit()).collect()
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
        assert!(c.access(set0(0) + 63, false).hit());
        assert!(!c.access(64, false).hit());
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
        assert_eq!(c.access(set0(0), true).writeback(), None); // A dirty
        c.access(set0(1), false); // B clean
        c.access(set0(2), false);
        c.access(set0(3), false);
        // E evicts A (LRU), which is dirty.
        assert_eq!(c.access(set0(4), false).writeback(), Some(set0(0)));
        // F evicts B, clean: no write-back.
        assert_eq!(c.access(set0(5), false).writeback(), None);
        // A write hit makes a clean line dirty.
        c.access(set0(2), true);
        c.access(set0(3), false);
        // LRU order now E F C D: 6 evicts E, 7 evicts F, 8 evicts dirty C.
        assert_eq!(c.access(set0(6), false).writeback(), None);
        assert_eq!(c.access(set0(7), false).writeback(), None);
        assert_eq!(c.access(set0(8), false).writeback(), Some(set0(2)));
    }

    /// The cache without a line filter: every access searches its set and
    /// updates the replacement state, as the structure is specified.
    struct Plain {
        ways: usize,
        line_shift: u32,
        tags: Vec<u64>,
        state: Vec<Vec<u64>>,
        repl: Replacement,
    }

    impl Plain {
        fn new(cfg: &CacheConfig, seed: u64) -> Self {
            let (sets, ways) = (cfg.sets(), cfg.ways as usize);
            let repl = Replacement::new(cfg.replacement, ways, seed);
            let state = (0..sets)
                .map(|_| {
                    let mut s = vec![0; repl.state_words()];
                    repl.reset(&mut s);
                    s
                })
                .collect();
            Plain {
                ways,
                line_shift: cfg.line_bytes.trailing_zeros(),
                tags: vec![INVALID; sets * ways],
                state,
                repl,
            }
        }

        fn set(&mut self, line: u64) -> (usize, &mut [u64]) {
            let set = (line % self.state.len() as u64) as usize;
            let ways = self.ways;
            (set, &mut self.tags[set * ways..(set + 1) * ways])
        }

        fn access(&mut self, addr: u64, write: bool) -> Outcome {
            let line = addr >> self.line_shift;
            let (set, tags) = self.set(line);
            if let Some(way) = tags.iter().position(|&t| holds(t, line)) {
                tags[way] |= dirty_if(write);
                self.repl.touch(&mut self.state[set], way);
                return Outcome::Hit;
            }
            let way = match tags.iter().position(|&t| t == INVALID) {
                Some(way) => way,
                None => self.repl.victim(&self.state[set]),
            };
            let (_, tags) = self.set(line);
            let old = std::mem::replace(&mut tags[way], line | dirty_if(write));
            self.repl.touch(&mut self.state[set], way);
            Outcome::Miss((old != INVALID).then(|| Victim {
                addr: (old & !DIRTY) << self.line_shift,
                dirty: old & DIRTY != 0,
            }))
        }

        fn contains(&mut self, addr: u64) -> bool {
            let line = addr >> self.line_shift;
            let (_, tags) = self.set(line);
            tags.iter().any(|&t| holds(t, line))
        }

        fn invalidate(&mut self, addr: u64) -> Option<bool> {
            let line = addr >> self.line_shift;
            let (_, tags) = self.set(line);
            let way = tags.iter().position(|&t| holds(t, line))?;
            Some(std::mem::replace(&mut tags[way], INVALID) & DIRTY != 0)
        }
    }

    /// A random mix of every operation, on the cache and on [`Plain`]:
    /// a filter hit that skipped a needed replacement update, or a stale
    /// entry (a line since evicted or invalidated, a tag copy whose dirty
    /// bit is out of step), shows as a different outcome. So does an
    /// access that trusted a stale absent line (one filled since a failed
    /// hit): it would allocate the line twice.
    fn same_as_plain(policy: ReplacementPolicy, size_kib: u32, ways: u32) {
        let cfg = CacheConfig {
            size_kib,
            ways,
            line_bytes: 64,
            hit_latency: 1,
            replacement: policy,
            writeback_cycles: 0,
        };
        let (mut c, mut p) = (Cache::new(&cfg, 7), Plain::new(&cfg, 7));
        // Three times as many lines as the cache holds, so sets conflict;
        // repeats of a recent line, so the filter is used.
        let lines = 3 * (cfg.sets() * ways as usize) as u64;
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut addr = 0;
        for i in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if !x.is_multiple_of(4) {
                addr = (x >> 8) % lines * 64 + (x >> 40) % 64;
            }
            let write = (x >> 20).is_multiple_of(3);
            let what = format!("{policy:?} op {i} at {addr:#x}");
            match (x >> 24) % 8 {
                0 => assert_eq!(c.invalidate(addr), p.invalidate(addr), "{what}"),
                1 => {
                    if c.recent_hit(addr, write) {
                        assert!(p.access(addr, write).hit(), "{what}");
                    }
                }
                // As the model makes a data access: a hit, else (mostly
                // at once) the access that fills the line.
                2 | 3 => {
                    if c.hit(addr, write) {
                        assert!(p.access(addr, write).hit(), "{what}");
                    } else {
                        assert!(!p.contains(addr), "{what}");
                        if x >> 63 == 0 {
                            assert_eq!(c.access(addr, write), p.access(addr, write), "{what}");
                        }
                    }
                }
                _ => assert_eq!(c.access(addr, write), p.access(addr, write), "{what}"),
            }
        }
        for line in 0..lines {
            let (_, tags) = p.set(line);
            let present = tags.iter().any(|&t| holds(t, line));
            assert_eq!(c.contains(line * 64), present, "{policy:?} line {line}");
        }
    }

    #[test]
    fn the_line_filter_changes_no_outcome_under_any_policy() {
        for policy in [
            ReplacementPolicy::Lru,
            ReplacementPolicy::Plru,
            ReplacementPolicy::Random,
        ] {
            // 4 sets of 4 ways; 1024 sets, sharing filter entries; 2 ways;
            // one way (every line of a set evicts the last).
            same_as_plain(policy, 1, 4);
            same_as_plain(policy, 256, 4);
            same_as_plain(policy, 1, 2);
            same_as_plain(policy, 1, 1);
        }
    }

    #[test]
    fn invalidate_reports_dirty() {
        let mut c = cache(ReplacementPolicy::Lru);
        c.access(0x1000, true);
        c.access(0x2000 + 64, false);
        assert_eq!(c.invalidate(0x1000), Some(true));
        assert_eq!(c.invalidate(0x1000), None);
        assert_eq!(c.invalidate(0x2000 + 64), Some(false));
        assert!(!c.access(0x1000, false).hit());
    }
}

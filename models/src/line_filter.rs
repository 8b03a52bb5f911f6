//! A recent-line filter for a set-associative cache: per set (or per
//! group of sets, for large caches), the way touched last and a copy of
//! its tag. An access to that line is a hit without searching the set and
//! without updating the replacement state.
//!
//! Why skipping the update is exact: an entry names the way its set
//! touched (hit or filled) most recently, and touching that way again
//! leaves every policy's state as it is:
//! - LRU: the way has rank 0, and touching rank 0 changes no rank.
//! - tree-PLRU: a touch sets each node on the way's path to point away
//!   from it; the last touch of the set already did exactly that, and no
//!   other way of the set was touched since.
//! - random: a touch changes nothing (the random stream is drawn only for
//!   a victim).
//!
//! The cache keeps the entries true: every touch of a set (a hit found by
//! a search, a fill) rewrites the set's entry, so an eviction, which only
//! a fill makes, replaces it; an invalidation clears the entry naming the
//! line; a write through an entry updates both tag copies. Removing
//! another line of the set changes no replacement state, so it leaves the
//! entry valid. A larger cache's sets share entries: a touch of any of
//! them rewrites the shared entry, which only forgets more.

use crate::rows::INVALID;

/// At most this many entries: a large cache (an L2) shares each entry
/// among several sets, which keeps the filter small in the host's cache.
const MAX_ENTRIES: usize = 64;

#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The tag at `slot`, as the cache holds it (dirty bit included), or
    /// [`INVALID`] for no entry.
    pub tag: u64,
    /// Where the tag is (see `Sets::slot`).
    pub slot: usize,
}

const EMPTY: Entry = Entry {
    tag: INVALID,
    slot: 0,
};

/// Entries are indexed by a line's low bits: with no more entries than
/// the cache has sets (both powers of two), those bits are the low bits
/// of its set, so every line of a set shares one entry.
#[derive(Clone, Debug)]
pub struct LineFilter {
    entries: [Entry; MAX_ENTRIES],
    /// Entries in use, minus one.
    mask: u64,
}

impl LineFilter {
    /// An empty filter for a cache of `sets` sets (a power of two).
    pub fn new(sets: usize) -> Self {
        LineFilter {
            entries: [EMPTY; MAX_ENTRIES],
            mask: sets.min(MAX_ENTRIES) as u64 - 1,
        }
    }

    /// The entry of `line`'s set: compare its tag with the line.
    #[inline(always)]
    pub fn entry(&mut self, line: u64) -> &mut Entry {
        &mut self.entries[(line & self.mask) as usize % MAX_ENTRIES]
    }

    /// `line`'s set just touched the way at `slot`, which now holds `tag`.
    #[inline(always)]
    pub fn touched(&mut self, line: u64, slot: usize, tag: u64) {
        *self.entry(line) = Entry { tag, slot };
    }

    /// The way at `slot` lost `line`.
    #[inline(always)]
    pub fn removed(&mut self, line: u64, slot: usize) {
        let e = self.entry(line);
        if e.slot == slot {
            *e = EMPTY;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_share_entries_beyond_the_cap() {
        let big = MAX_ENTRIES as u64;
        let mut f = LineFilter::new(1024);
        f.touched(3, 30, 3);
        assert_eq!(f.entry(3).tag, 3);
        // Set 67 shares set 3's entry: its touch replaces it.
        assert_eq!(f.entry(3 + big).tag, 3);
        f.touched(3 + big, 670, 3 + big);
        assert_eq!(f.entry(3).tag, 3 + big);
        // Removing another way leaves the entry; removing its way clears it.
        f.removed(3 + big, 671);
        assert_eq!(f.entry(3).tag, 3 + big);
        f.removed(3 + big, 670);
        assert_eq!(f.entry(3).tag, INVALID);
    }

    #[test]
    fn lines_of_one_set_share_its_entry() {
        // 4 sets: lines 1, 5, 9, ... are in set 1 and use one entry.
        let mut f = LineFilter::new(4);
        f.touched(1, 4, 1);
        assert_eq!(f.entry(5).tag, 1);
        assert_eq!(f.entry(2).tag, INVALID);
    }
}

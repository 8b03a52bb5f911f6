//! Where a TLB last found the entry that maps a page: a small direct-mapped
//! table from a 4 KiB page (with its ASID) to the set and way of that
//! entry, so that a lookup of a page used recently checks one way instead
//! of probing every page size and searching a set.
//!
//! Why it is exact: a hint is used only if the way still holds the tag the
//! hint names, so an entry evicted or flushed since is never taken for a
//! hit. What the hint cannot see is a better entry added since: a lookup
//! takes the smallest page size that maps the address, so a new entry of
//! a smaller size than the hinted one would be found first. The TLB
//! therefore rewrites the hint of a 4 KiB page it adds (nothing smaller
//! exists) and clears every hint when it adds a superpage (rare: kernel
//! mappings after a flush).

use crate::rows::INVALID;

/// Entries (a power of two): the pages a workload touches between two
/// context switches fit, and the table stays a few host cache lines.
const ENTRIES: usize = 64;

/// A page's entry, if `key` is the page's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The page's key (its 4 KiB tag), or [`INVALID`].
    pub key: u64,
    /// The tag the TLB entry mapping the page had (any page size).
    pub tag: u64,
    pub set: u32,
    pub way: u32,
}

const EMPTY: Hint = Hint {
    key: INVALID,
    tag: INVALID,
    set: 0,
    way: 0,
};

#[derive(Clone, Debug)]
pub struct PageHints {
    entries: [Hint; ENTRIES],
}

impl PageHints {
    pub fn new() -> Self {
        PageHints {
            entries: [EMPTY; ENTRIES],
        }
    }

    #[inline(always)]
    fn index(key: u64) -> usize {
        // The page number's low bits, and the ASID's (bits 63:48) folded in.
        ((key ^ (key >> 48)) as usize) % ENTRIES
    }

    /// The hint stored for `key`'s slot: compare its key before using it.
    #[inline(always)]
    pub fn get(&self, key: u64) -> &Hint {
        &self.entries[Self::index(key)]
    }

    /// The page of `key` is mapped by the entry `tag` at `set`, `way`.
    #[inline(always)]
    pub fn set(&mut self, key: u64, tag: u64, set: usize, way: usize) {
        self.entries[Self::index(key)] = Hint {
            key,
            tag,
            set: set as u32,
            way: way as u32,
        };
    }

    /// Forgets every hint.
    pub fn clear(&mut self) {
        self.entries = [EMPTY; ENTRIES];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_is_kept_per_key_slot() {
        let mut h = PageHints::new();
        assert_eq!(h.get(5).key, INVALID);
        h.set(5, 77, 1, 2);
        assert_eq!(
            *h.get(5),
            Hint {
                key: 5,
                tag: 77,
                set: 1,
                way: 2
            }
        );
        // Another key of the same slot replaces it.
        h.set(5 + ENTRIES as u64, 78, 0, 3);
        assert_ne!(h.get(5).key, 5);
        h.clear();
        assert_eq!(h.get(5 + ENTRIES as u64).key, INVALID);
    }
}

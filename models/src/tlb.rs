//! A set-associative TLB tagged with an address-space id, whose entries
//! each cover a 4 KiB page or a superpage. It holds no translations (the
//! functional core does), only which pages the hardware would have cached.

use crate::config::TlbConfig;
use crate::page_filter::PageFilter;
use crate::rows::{find_way, Sets, INVALID};

/// The base page size.
pub const PAGE_SHIFT: u32 = 12;

/// Page sizes an entry can cover, as shifts: 4 KiB, 2 MiB, 1 GiB, 512 GiB
/// (the leaf levels of Sv39/Sv48). A page of another size is tracked as
/// the largest of these it contains.
const SIZE_SHIFTS: [u32; 4] = [12, 21, 30, 39];

/// Entry tag: ASID in bits 63:48, size index (into `SIZE_SHIFTS`) in bits
/// 46:45, the page number at that size (57-bit virtual addresses at most,
/// so 45 bits for 4 KiB pages) below. Bit 47 is never set, so no tag
/// equals `INVALID`.
const VPN_MASK: u64 = (1 << 45) - 1;
const SIZE_SHIFT_IN_TAG: u32 = 45;

#[inline(always)]
fn tag(vaddr: u64, asid: u16, size: usize) -> u64 {
    ((asid as u64) << 48)
        | ((size as u64) << SIZE_SHIFT_IN_TAG)
        | ((vaddr >> SIZE_SHIFTS[size]) & VPN_MASK)
}

/// The number of the next larger page holding `vaddr`, for entries of
/// size `size` (the largest size has none: 0).
#[inline(always)]
fn region(vaddr: u64, size: usize) -> u64 {
    SIZE_SHIFTS.get(size + 1).map_or(0, |&shift| vaddr >> shift)
}

/// The size index and [`region`] of the entry with tag `tag`.
fn tag_region(tag: u64) -> (usize, u64) {
    let size = ((tag >> SIZE_SHIFT_IN_TAG) & 3) as usize;
    (size, region((tag & VPN_MASK) << SIZE_SHIFTS[size], size))
}

/// Index into `SIZE_SHIFTS` of a page of `bytes`.
fn size_index(bytes: u64) -> usize {
    let shift = bytes.max(1).ilog2();
    SIZE_SHIFTS.iter().rposition(|&s| s <= shift).unwrap_or(0)
}

#[derive(Clone, Debug)]
pub struct Tlb {
    set_mask: u64,
    sets: usize,
    table: Sets,
    /// Tag of the last entry used: it is the most recently used, so a
    /// repeated hit on it changes no replacement state.
    last: u64,
    /// Bit i set: entries of size `SIZE_SHIFTS[i]` may be present, so a
    /// lookup probes that size (usually only 4 KiB pages).
    sizes: u8,
    /// Whether a probe of a size needs a search (page_filter.rs).
    pages: PageFilter,
    /// More than one bit of `sizes` is set.
    several_sizes: bool,
}

impl Tlb {
    /// Builds an empty TLB (the config must have passed validation).
    pub fn new(cfg: &TlbConfig, seed: u64) -> Self {
        let sets = cfg.sets();
        Tlb {
            set_mask: sets as u64 - 1,
            sets,
            table: Sets::new(sets, cfg.ways as usize, cfg.replacement, seed),
            last: INVALID,
            sizes: 0,
            pages: PageFilter::new(),
            several_sizes: false,
        }
    }

    #[inline(always)]
    fn set_of(&self, tag: u64) -> usize {
        (tag & self.set_mask) as usize
    }

    /// Whether [`Tlb::lookup`] would hit the entry used last with no
    /// search before (the probes of smaller sizes skipped, see
    /// page_filter.rs): a hit that changes nothing (no replacement update).
    /// False says nothing. The first size inline.
    #[inline(always)]
    pub fn recent_hit(&self, vaddr: u64, asid: u16) -> bool {
        // Empty, `last` is INVALID, which no tag equals.
        let first = self.sizes.trailing_zeros() as usize % SIZE_SHIFTS.len();
        tag(vaddr, asid, first) == self.last
            || self.several_sizes && self.recent_hit_beyond(vaddr, asid)
    }

    /// [`Tlb::recent_hit`] beyond the first size: the lookup's probes in
    /// order, up to the first that would search.
    #[inline(never)]
    fn recent_hit_beyond(&self, vaddr: u64, asid: u16) -> bool {
        let mut sizes = self.sizes;
        while sizes != 0 {
            let size = sizes.trailing_zeros() as usize;
            sizes &= sizes - 1;
            if tag(vaddr, asid, size) == self.last {
                return true;
            }
            if self.pages.may_hold(size, region(vaddr, size)) {
                return false;
            }
        }
        false
    }

    /// Looks up the page of `vaddr` (of any size present); a hit refreshes
    /// its replacement state.
    #[inline]
    pub fn lookup(&mut self, vaddr: u64, asid: u16) -> bool {
        let mut sizes = self.sizes;
        while sizes != 0 {
            let size = sizes.trailing_zeros() as usize;
            sizes &= sizes - 1;
            if self.lookup_size(vaddr, asid, size) {
                return true;
            }
        }
        false
    }

    #[inline(always)]
    fn lookup_size(&mut self, vaddr: u64, asid: u16, size: usize) -> bool {
        let tag = tag(vaddr, asid, size);
        if tag == self.last {
            return true;
        }
        // No entry of this size can map `vaddr`: a search would miss.
        if !self.pages.may_hold(size, region(vaddr, size)) {
            return false;
        }
        self.lookup_set(tag)
    }

    #[inline(never)]
    fn lookup_set(&mut self, tag: u64) -> bool {
        let set = self.set_of(tag);
        let (tags, state, repl) = self.table.set_mut(set);
        match find_way(tags, |t| t == tag) {
            Some(way) => {
                repl.touch(state, way);
                self.last = tag;
                true
            }
            None => false,
        }
    }

    /// Caches the page of `page_bytes` around `vaddr` (after a walk),
    /// evicting if needed.
    pub fn insert(&mut self, vaddr: u64, asid: u16, page_bytes: u64) {
        let size = size_index(page_bytes);
        self.sizes |= 1 << size;
        self.several_sizes = !self.sizes.is_power_of_two();
        let tag = tag(vaddr, asid, size);
        let set = self.set_of(tag);
        let (tags, state, repl) = self.table.set_mut(set);
        let way = match find_way(tags, |t| t == tag) {
            Some(way) => way,
            None => match tags.iter().position(|&t| t == INVALID) {
                Some(way) => way,
                None => repl.victim(state),
            },
        };
        let old = std::mem::replace(&mut tags[way], tag);
        repl.touch(state, way);
        self.last = tag;
        if old != INVALID {
            let (size, region) = tag_region(old);
            self.pages.removed(size, region);
        }
        let (size, region) = tag_region(tag);
        self.pages.added(size, region);
    }

    /// sfence.vma semantics: `vaddr` limits the flush to that page, `asid`
    /// to that address space; neither flushes everything.
    pub fn flush(&mut self, vaddr: Option<u64>, asid: Option<u16>) {
        // An entry maps `vaddr` if its page, at its own size, holds it.
        let covers = |t: u64, v: u64| {
            let size = ((t >> SIZE_SHIFT_IN_TAG) & 3) as usize;
            t & VPN_MASK == (v >> SIZE_SHIFTS[size]) & VPN_MASK
        };
        for set in 0..self.sets {
            for t in self.table.tags_mut(set) {
                if *t != INVALID
                    && vaddr.is_none_or(|v| covers(*t, v))
                    && asid.is_none_or(|a| *t >> 48 == a as u64)
                {
                    let (size, region) = tag_region(*t);
                    self.pages.removed(size, region);
                    *t = INVALID;
                }
            }
        }
        self.last = INVALID;
    }

    /// Number of valid entries (for tests and sanity checks).
    pub fn occupancy(&self) -> usize {
        (0..self.sets)
            .map(|set| {
                self.table
                    .tags(set)
                    .iter()
                    .filter(|t| **t != INVALID)
                    .count()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ReplacementPolicy;

    fn tlb(entries: u32, ways: u32) -> Tlb {
        Tlb::new(
            &TlbConfig {
                entries,
                ways,
                replacement: ReplacementPolicy::Lru,
            },
            1,
        )
    }

    #[test]
    fn hits_misses_and_capacity() {
        let mut t = tlb(4, 4);
        assert!(!t.lookup(0x1000, 0));
        t.insert(0x1000, 0, 4096);
        assert!(t.lookup(0x1fff, 0), "same page");
        assert!(!t.lookup(0x2000, 0));
        for p in 2..6u64 {
            t.insert(p << 12, 0, 4096);
        }
        // Five pages through four entries: the least recently used (0x1000)
        // is gone.
        assert!(!t.lookup(0x1000, 0));
        assert!(t.lookup(0x5000, 0));
        assert_eq!(t.occupancy(), 4);
    }

    #[test]
    fn asids_separate_and_flush_selectively() {
        let mut t = tlb(8, 2);
        t.insert(0x4000, 1, 4096);
        t.insert(0x4000, 2, 4096);
        t.insert(0x9000, 1, 4096);
        assert!(t.lookup(0x4000, 1) && t.lookup(0x4000, 2));
        assert!(!t.lookup(0x4000, 3));
        t.flush(Some(0x4000), Some(1));
        assert!(!t.lookup(0x4000, 1));
        assert!(t.lookup(0x4000, 2) && t.lookup(0x9000, 1));
        t.flush(None, Some(2));
        assert!(!t.lookup(0x4000, 2) && t.lookup(0x9000, 1));
        t.flush(Some(0x9000), None);
        assert!(!t.lookup(0x9000, 1));
        t.insert(0x1000, 0, 4096);
        t.flush(None, None);
        assert_eq!(t.occupancy(), 0);
    }

    #[test]
    fn superpage_entries_cover_their_whole_page() {
        let mut t = tlb(8, 2);
        t.insert(0x4020_1234, 1, 2 << 20);
        assert_eq!(t.occupancy(), 1);
        for va in [0x4020_0000u64, 0x4030_0000, 0x403f_fff8] {
            assert!(t.lookup(va, 1), "{va:#x} in the 2 MiB page");
        }
        assert!(!t.lookup(0x401f_fff8, 1) && !t.lookup(0x4040_0000, 1));
        assert!(!t.lookup(0x4020_0000, 2), "other ASID");
        // 4 KiB and 1 GiB entries side by side.
        t.insert(0x5000, 1, 4096);
        t.insert(0x8000_0000, 1, 1 << 30);
        assert!(t.lookup(0x5ff8, 1) && !t.lookup(0x6000, 1));
        assert!(t.lookup(0xbfff_f000, 1));
        // sfence.vma of any address inside the superpage drops it.
        t.flush(Some(0x403f_f000), None);
        assert!(!t.lookup(0x4020_0000, 1));
        assert!(t.lookup(0x8000_0000, 1) && t.lookup(0x5000, 1));
        t.flush(Some(0x9234_5678), Some(1));
        assert!(!t.lookup(0x8000_0000, 1));
        assert_eq!(t.occupancy(), 1);
    }

    #[test]
    fn a_recent_hit_is_a_lookup_that_changes_nothing() {
        let mut t = tlb(8, 2);
        assert!(!t.recent_hit(0x1000, 0), "empty");
        t.insert(0x1000, 0, 4096);
        assert!(t.recent_hit(0x1ff8, 0));
        assert!(!t.recent_hit(0x1000, 1), "other ASID");
        t.insert(0x2000, 0, 4096);
        assert!(!t.recent_hit(0x1000, 0), "no longer the last entry");
        assert!(t.lookup(0x1000, 0));
        assert!(t.recent_hit(0x1000, 0));
        // sfence.vma of another page still ends it (the search then finds
        // the page), and of its own page removes it.
        t.flush(Some(0x2000), None);
        assert!(!t.recent_hit(0x1000, 0) && t.lookup(0x1000, 0));
        t.flush(Some(0x1000), None);
        assert!(!t.recent_hit(0x1000, 0) && !t.lookup(0x1000, 0));
        // With superpages a lookup probes 4 KiB pages first: a superpage
        // used last is no recent hit while 4 KiB entries may exist (the
        // probe could find one and update its replacement state).
        t.insert(0x4000_5000, 0, 4096);
        t.insert(0x4000_0000, 0, 2 << 20);
        assert!(!t.recent_hit(0x4000_5000, 0) && !t.recent_hit(0x4010_0000, 0));
        assert!(t.lookup(0x4000_5000, 0));
        assert!(t.recent_hit(0x4000_5000, 0));
    }

    /// After random fills of every size, flushes and lookups, the page
    /// filter counts exactly the entries present, and every lookup answers
    /// as a search of every entry would.
    #[test]
    fn the_page_filter_counts_every_entry() {
        let mut t = tlb(16, 4);
        let mut x = 0x0123_4567_89ab_cdefu64;
        for i in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Addresses in a few 1 GiB regions, high and low halves.
            let high = if x >> 63 == 1 {
                0xffff_ffc0_0000_0000
            } else {
                0
            };
            let vaddr = ((((x >> 4) % 4) << 30) | ((x >> 12) % (1 << 24))) ^ high;
            let asid = (x >> 50) as u16 % 3;
            let size = [4096, 2 << 20, 1 << 30, 512 << 30][(x >> 56) as usize % 4];
            match x % 8 {
                0 => t.insert(vaddr, asid, size),
                1 if x % 64 == 1 => t.flush(None, None),
                1 => t.flush(Some(vaddr), (x & 16 != 0).then_some(asid)),
                _ => {
                    let covered = (0..t.sets).any(|set| {
                        t.table.tags(set).iter().any(|&e| {
                            let size = ((e >> SIZE_SHIFT_IN_TAG) & 3) as usize;
                            e != INVALID && e == tag(vaddr, asid, size)
                        })
                    });
                    assert_eq!(t.lookup(vaddr, asid), covered, "op {i}");
                }
            }
            let mut recount = PageFilter::new();
            for set in 0..t.sets {
                for &e in t.table.tags(set).iter().filter(|&&e| e != INVALID) {
                    let (size, region) = tag_region(e);
                    recount.added(size, region);
                }
            }
            assert_eq!(t.pages, recount, "op {i}");
        }
    }

    #[test]
    fn odd_page_sizes_count_as_the_largest_size_inside() {
        assert_eq!(size_index(4096), 0);
        assert_eq!(size_index(64 << 10), 0);
        assert_eq!(size_index(2 << 20), 1);
        assert_eq!(size_index(1 << 30), 2);
        assert_eq!(size_index(512 << 30), 3);
        assert_eq!(size_index(1 << 50), 3);
        assert_eq!(size_index(0), 0);
    }
}

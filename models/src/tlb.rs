//! A set-associative TLB tagged with an address-space id, whose entries
//! each cover a 4 KiB page or a superpage. It holds no translations (the
//! functional core does), only which pages the hardware would have cached.

use crate::config::TlbConfig;
use crate::page_filter::PageFilter;
use crate::page_hints::PageHints;
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
    /// Tag of the last entry used: it is the most recently used of its
    /// set, so a repeated hit on it changes no replacement state.
    last: u64,
    /// The page key (4 KiB tag) of the lookup that used `last` (or
    /// [`INVALID`]): a lookup of that page again is a hit that changes
    /// nothing.
    last_key: u64,
    /// Where recently used pages were found (page_hints.rs).
    hints: PageHints,
    /// Bit i set: entries of size `SIZE_SHIFTS[i]` may be present, so a
    /// search probes that size (usually only 4 KiB pages).
    sizes: u8,
    /// Whether a probe of a size needs a search (page_filter.rs).
    pages: PageFilter,
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
            last_key: INVALID,
            hints: PageHints::new(),
            sizes: 0,
            pages: PageFilter::new(),
        }
    }

    #[inline(always)]
    fn set_of(&self, tag: u64) -> usize {
        (tag & self.set_mask) as usize
    }

    /// Looks up the page of `vaddr` (of any size present); a hit refreshes
    /// its replacement state. The page used last and a page whose hint
    /// holds are inline; the search by page size is not.
    #[inline(always)]
    pub fn lookup(&mut self, vaddr: u64, asid: u16) -> bool {
        let key = tag(vaddr, asid, 0);
        if key == self.last_key {
            return true;
        }
        let hint = *self.hints.get(key);
        let (set, way) = (hint.set as usize, hint.way as usize);
        if hint.key == key && self.table.tags(set)[way] == hint.tag {
            if hint.tag != self.last {
                let (_, state, repl) = self.table.set_mut(set);
                repl.touch(state, way);
                self.last = hint.tag;
            }
            self.last_key = key;
            return true;
        }
        self.search(vaddr, asid, key)
    }

    /// [`Tlb::lookup`] by probing each page size present, smallest first
    /// (the order hardware with one entry per page would find them in).
    #[inline(never)]
    fn search(&mut self, vaddr: u64, asid: u16, key: u64) -> bool {
        let mut sizes = self.sizes;
        while sizes != 0 {
            let size = sizes.trailing_zeros() as usize;
            sizes &= sizes - 1;
            let tag = tag(vaddr, asid, size);
            // No entry of this size can map `vaddr`: a search would miss.
            if !self.pages.may_hold(size, region(vaddr, size)) {
                continue;
            }
            let set = self.set_of(tag);
            let (tags, state, repl) = self.table.set_mut(set);
            if let Some(way) = find_way(tags, |t| t == tag) {
                repl.touch(state, way);
                self.last = tag;
                self.last_key = key;
                self.hints.set(key, tag, set, way);
                return true;
            }
        }
        false
    }

    /// Caches the page of `page_bytes` around `vaddr` (after a walk),
    /// evicting if needed.
    pub fn insert(&mut self, vaddr: u64, asid: u16, page_bytes: u64) {
        let size = size_index(page_bytes);
        self.sizes |= 1 << size;
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
        if size == 0 {
            // Nothing smaller can map the page: this entry is what a
            // lookup of it finds.
            self.last_key = tag;
            self.hints.set(tag, tag, set, way);
        } else {
            // A superpage may now be found before a larger one that pages
            // in it were hinted to (and a smaller entry of `vaddr`'s own
            // page, if one exists, still comes first).
            self.last_key = INVALID;
            self.hints.clear();
        }
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
        // Hints of flushed entries no longer hold (their ways are empty).
        self.last = INVALID;
        self.last_key = INVALID;
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
    use crate::replacement::Replacement;

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

    /// The TLB with no shortcuts: every lookup probes each size, smallest
    /// first, searching the whole set, and touches what it finds.
    struct Reference {
        sets: Vec<(Vec<u64>, Vec<u64>)>,
        repl: Replacement,
    }

    impl Reference {
        fn new(sets: usize, ways: usize, policy: ReplacementPolicy, seed: u64) -> Self {
            let repl = Replacement::new(policy, ways, seed);
            let mut state = vec![0; repl.state_words()];
            repl.reset(&mut state);
            Reference {
                sets: vec![(vec![INVALID; ways], state); sets],
                repl,
            }
        }

        fn set_of(&self, tag: u64) -> usize {
            (tag % self.sets.len() as u64) as usize
        }

        fn lookup(&mut self, vaddr: u64, asid: u16) -> bool {
            for size in 0..SIZE_SHIFTS.len() {
                let tag = tag(vaddr, asid, size);
                let set = self.set_of(tag);
                let (tags, state) = &mut self.sets[set];
                if let Some(way) = tags.iter().position(|&t| t == tag) {
                    self.repl.touch(state, way);
                    return true;
                }
            }
            false
        }

        fn insert(&mut self, vaddr: u64, asid: u16, page_bytes: u64) {
            let tag = tag(vaddr, asid, size_index(page_bytes));
            let set = self.set_of(tag);
            let (tags, state) = &mut self.sets[set];
            let way = tags
                .iter()
                .position(|&t| t == tag)
                .or_else(|| tags.iter().position(|&t| t == INVALID))
                .unwrap_or_else(|| self.repl.victim(state));
            tags[way] = tag;
            self.repl.touch(state, way);
        }

        fn flush(&mut self, vaddr: Option<u64>, asid: Option<u16>) {
            for (tags, _) in &mut self.sets {
                for t in tags.iter_mut().filter(|t| **t != INVALID) {
                    let size = ((*t >> SIZE_SHIFT_IN_TAG) & 3) as usize;
                    let page =
                        vaddr.is_none_or(|v| *t & VPN_MASK == (v >> SIZE_SHIFTS[size]) & VPN_MASK);
                    if page && asid.is_none_or(|a| *t >> 48 == a as u64) {
                        *t = INVALID;
                    }
                }
            }
        }
    }

    /// Lookups through the last-used page, the page hints and the page
    /// filter answer as the reference does and leave the same entries and
    /// the same replacement state behind, for every policy, with pages of
    /// every size coming and going.
    #[test]
    fn shortcuts_change_no_answer_and_no_state() {
        for policy in [
            ReplacementPolicy::Plru,
            ReplacementPolicy::Lru,
            ReplacementPolicy::Random,
        ] {
            for (entries, ways) in [(32, 32), (16, 4), (8, 2)] {
                let cfg = TlbConfig {
                    entries,
                    ways,
                    replacement: policy,
                };
                let mut t = Tlb::new(&cfg, 7);
                let mut r = Reference::new(cfg.sets(), ways as usize, policy, 7);
                let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ entries as u64;
                for i in 0..30_000 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // A few hot pages in two 2 MiB regions, some colder ones.
                    let page = if x & 3 != 0 {
                        (x >> 8) % 24
                    } else {
                        (x >> 8) % 400
                    };
                    let vaddr = ((x >> 40) % 2) << 21 | page << 12 | (x >> 20) & 0xff8;
                    let asid = ((x >> 50) % 2) as u16;
                    let what = format!("{policy:?} {entries}x{ways}, op {i}");
                    match (x >> 32) % 32 {
                        0..=4 => {
                            let size = [4096, 4096, 4096, 4096, 4096, 4096, 2 << 20, 1 << 30]
                                [(x >> 45) as usize % 8];
                            t.insert(vaddr, asid, size);
                            r.insert(vaddr, asid, size);
                        }
                        5 => {
                            let asid = (x & 16 != 0).then_some(asid);
                            let vaddr = (x & 32 != 0).then_some(vaddr);
                            t.flush(vaddr, asid);
                            r.flush(vaddr, asid);
                        }
                        _ => assert_eq!(t.lookup(vaddr, asid), r.lookup(vaddr, asid), "{what}"),
                    }
                    for (set, (tags, state)) in r.sets.iter().enumerate() {
                        let (t_tags, t_state, _) = t.table.set_mut(set);
                        assert_eq!((&*t_tags, &*t_state), (&tags[..], &state[..]), "{what}");
                    }
                }
            }
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

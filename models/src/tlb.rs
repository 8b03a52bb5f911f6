//! A set-associative TLB of 4 KiB pages tagged with an address-space id.
//! It holds no translations (the functional core does), only which pages
//! the hardware would have cached.

use crate::config::TlbConfig;
use crate::replacement::Replacement;

/// Page size the TLB tracks. Superpages are counted as their 4 KiB pages
/// because fills do not say which level a walk ended at.
pub const PAGE_SHIFT: u32 = 12;

/// Entry tag: ASID in bits 63:48, VPN (57-bit virtual addresses at most,
/// so 45 bits) below; bit 47 is never set, so no tag equals `INVALID`.
const VPN_MASK: u64 = (1 << 47) - 1;
const INVALID: u64 = u64::MAX;

#[inline(always)]
fn tag(vaddr: u64, asid: u16) -> u64 {
    ((asid as u64) << 48) | ((vaddr >> PAGE_SHIFT) & VPN_MASK)
}

#[derive(Clone, Debug)]
pub struct Tlb {
    set_mask: u64,
    ways: usize,
    tags: Vec<u64>,
    repl: Replacement,
    /// Tag and slot of the last entry used: it is the most recently used,
    /// so a repeated hit on it changes no replacement state.
    last: (u64, usize),
}

impl Tlb {
    /// Builds an empty TLB (the config must have passed validation).
    pub fn new(cfg: &TlbConfig, seed: u64) -> Self {
        let sets = cfg.sets();
        let ways = cfg.ways as usize;
        Tlb {
            set_mask: sets as u64 - 1,
            ways,
            tags: vec![INVALID; sets * ways],
            repl: Replacement::new(cfg.replacement, sets, ways, seed),
            last: (INVALID, 0),
        }
    }

    #[inline(always)]
    fn set_of(&self, tag: u64) -> usize {
        (tag & self.set_mask) as usize
    }

    /// Looks up the page of `vaddr`; a hit refreshes its replacement state.
    #[inline]
    pub fn lookup(&mut self, vaddr: u64, asid: u16) -> bool {
        let tag = tag(vaddr, asid);
        if tag == self.last.0 {
            return true;
        }
        let set = self.set_of(tag);
        let base = set * self.ways;
        match self.tags[base..base + self.ways]
            .iter()
            .position(|&t| t == tag)
        {
            Some(way) => {
                self.repl.touch(set, way);
                self.last = (tag, base + way);
                true
            }
            None => false,
        }
    }

    /// Caches the page of `vaddr` (after a walk), evicting if needed.
    pub fn insert(&mut self, vaddr: u64, asid: u16) {
        let tag = tag(vaddr, asid);
        let set = self.set_of(tag);
        let base = set * self.ways;
        let row = &self.tags[base..base + self.ways];
        let way = match row.iter().position(|&t| t == tag) {
            Some(way) => way,
            None => match row.iter().position(|&t| t == INVALID) {
                Some(way) => way,
                None => self.repl.victim(set),
            },
        };
        self.tags[base + way] = tag;
        self.repl.touch(set, way);
        self.last = (tag, base + way);
    }

    /// sfence.vma semantics: `vaddr` limits the flush to that page, `asid`
    /// to that address space; neither flushes everything.
    pub fn flush(&mut self, vaddr: Option<u64>, asid: Option<u16>) {
        let vpn = vaddr.map(|v| tag(v, 0));
        for t in self.tags.iter_mut().filter(|t| **t != INVALID) {
            if vpn.is_none_or(|p| *t & VPN_MASK == p) && asid.is_none_or(|a| *t >> 48 == a as u64) {
                *t = INVALID;
            }
        }
        self.last = (INVALID, 0);
    }

    /// Number of valid entries (for tests and sanity checks).
    pub fn occupancy(&self) -> usize {
        self.tags.iter().filter(|t| **t != INVALID).count()
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
        t.insert(0x1000, 0);
        assert!(t.lookup(0x1fff, 0), "same page");
        assert!(!t.lookup(0x2000, 0));
        for p in 2..6u64 {
            t.insert(p << 12, 0);
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
        t.insert(0x4000, 1);
        t.insert(0x4000, 2);
        t.insert(0x9000, 1);
        assert!(t.lookup(0x4000, 1) && t.lookup(0x4000, 2));
        assert!(!t.lookup(0x4000, 3));
        t.flush(Some(0x4000), Some(1));
        assert!(!t.lookup(0x4000, 1));
        assert!(t.lookup(0x4000, 2) && t.lookup(0x9000, 1));
        t.flush(None, Some(2));
        assert!(!t.lookup(0x4000, 2) && t.lookup(0x9000, 1));
        t.flush(Some(0x9000), None);
        assert!(!t.lookup(0x9000, 1));
        t.insert(0x1000, 0);
        t.flush(None, None);
        assert_eq!(t.occupancy(), 0);
    }
}

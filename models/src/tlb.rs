//! A set-associative TLB of 4 KiB pages tagged with an address-space id.
//! It holds no translations (the functional core does), only which pages
//! the hardware would have cached.

use crate::config::TlbConfig;
use crate::replacement::Replacement;

/// Page size the TLB tracks. Superpages are counted as their 4 KiB pages
/// because fills do not say which level a walk ended at.
pub const PAGE_SHIFT: u32 = 12;

#[derive(Clone, Debug)]
pub struct Tlb {
    set_mask: u64,
    ways: usize,
    vpns: Vec<u64>,
    asids: Vec<u16>,
    valid: Vec<bool>,
    repl: Replacement,
}

impl Tlb {
    /// Builds an empty TLB (the config must have passed validation).
    pub fn new(cfg: &TlbConfig, seed: u64) -> Self {
        let sets = cfg.sets();
        let ways = cfg.ways as usize;
        Tlb {
            set_mask: sets as u64 - 1,
            ways,
            vpns: vec![0; sets * ways],
            asids: vec![0; sets * ways],
            valid: vec![false; sets * ways],
            repl: Replacement::new(cfg.replacement, sets, ways, seed),
        }
    }

    #[inline(always)]
    fn find(&self, vpn: u64, asid: u16) -> (usize, Option<usize>) {
        let set = (vpn & self.set_mask) as usize;
        let base = set * self.ways;
        let way = (0..self.ways).find(|&w| {
            let i = base + w;
            self.valid[i] && self.vpns[i] == vpn && self.asids[i] == asid
        });
        (set, way)
    }

    /// Looks up the page of `vaddr`; a hit refreshes its replacement state.
    #[inline]
    pub fn lookup(&mut self, vaddr: u64, asid: u16) -> bool {
        let vpn = vaddr >> PAGE_SHIFT;
        match self.find(vpn, asid) {
            (set, Some(way)) => {
                self.repl.touch(set, way);
                true
            }
            _ => false,
        }
    }

    /// Caches the page of `vaddr` (after a walk), evicting if needed.
    pub fn insert(&mut self, vaddr: u64, asid: u16) {
        let vpn = vaddr >> PAGE_SHIFT;
        let (set, found) = self.find(vpn, asid);
        let base = set * self.ways;
        let way = match found {
            Some(way) => way,
            None => match (0..self.ways).find(|&w| !self.valid[base + w]) {
                Some(way) => way,
                None => self.repl.victim(set),
            },
        };
        let i = base + way;
        self.vpns[i] = vpn;
        self.asids[i] = asid;
        self.valid[i] = true;
        self.repl.touch(set, way);
    }

    /// sfence.vma semantics: `vaddr` limits the flush to that page, `asid`
    /// to that address space; neither flushes everything.
    pub fn flush(&mut self, vaddr: Option<u64>, asid: Option<u16>) {
        let vpn = vaddr.map(|v| v >> PAGE_SHIFT);
        for i in 0..self.valid.len() {
            if vpn.is_none_or(|p| self.vpns[i] == p) && asid.is_none_or(|a| self.asids[i] == a) {
                self.valid[i] = false;
            }
        }
    }

    /// Number of valid entries (for tests and sanity checks).
    pub fn occupancy(&self) -> usize {
        self.valid.iter().filter(|v| **v).count()
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

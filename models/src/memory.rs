//! The cache hierarchy: private L1I and L1D per hart, one shared L2, DRAM.
//! Returns the load-to-use latency of each access and counts everything
//! per privilege mode. Coherence is one rule: a store invalidates the line
//! in every other hart's L1s (a dirty copy there is written back first).

use sim_core::Privilege;

use crate::cache::Cache;
use crate::config::Preset;
use crate::per_mode::PerMode;

/// Counters of one cache.
#[derive(Clone, Debug, Default)]
pub struct CacheCounters {
    pub accesses: PerMode,
    pub misses: PerMode,
    /// Dirty lines this cache evicted (or gave up to an invalidation).
    pub writebacks: PerMode,
    /// Lines removed by another hart's store, split by the storer's mode.
    pub invalidations: PerMode,
}

#[derive(Clone, Debug, Default)]
pub struct DramCounters {
    pub reads: PerMode,
    pub writes: PerMode,
}

#[derive(Clone, Copy, Debug)]
struct Latencies {
    l1i_hit: u64,
    l1d_hit: u64,
    l2_hit: u64,
    dram: u64,
    l1d_writeback: u64,
    l2_writeback: u64,
}

/// The private caches of one hart, with their counters (kept together:
/// one lookup per access on the hot path).
#[derive(Clone, Debug)]
struct Private {
    l1i: Cache,
    l1d: Cache,
    l1i_counters: CacheCounters,
    l1d_counters: CacheCounters,
}

#[derive(Clone, Debug)]
pub struct MemorySystem {
    private: Vec<Private>,
    l2: Cache,
    lat: Latencies,
    pub l2_counters: CacheCounters,
    pub dram_counters: DramCounters,
}

impl MemorySystem {
    /// Builds empty caches for `harts` harts (the preset must be valid).
    /// Each cache gets its own random stream derived from the seed.
    pub fn new(p: &Preset, harts: usize) -> Self {
        let seed = |n: u64| p.seed.wrapping_mul(0x100_0000_01b3).wrapping_add(n);
        MemorySystem {
            private: (0..harts)
                .map(|h| Private {
                    l1i: Cache::new(&p.l1i, seed(2 * h as u64)),
                    l1d: Cache::new(&p.l1d, seed(2 * h as u64 + 1)),
                    l1i_counters: CacheCounters::default(),
                    l1d_counters: CacheCounters::default(),
                })
                .collect(),
            l2: Cache::new(&p.l2, seed(u64::MAX)),
            lat: Latencies {
                l1i_hit: p.l1i.hit_latency.into(),
                l1d_hit: p.l1d.hit_latency.into(),
                l2_hit: p.l2.hit_latency.into(),
                dram: p.dram.latency.into(),
                l1d_writeback: p.l1d.writeback_cycles.into(),
                l2_writeback: p.l2.writeback_cycles.into(),
            },
            l2_counters: CacheCounters::default(),
            dram_counters: DramCounters::default(),
        }
    }

    pub fn l1i_hit_latency(&self) -> u64 {
        self.lat.l1i_hit
    }

    pub fn l1d_hit_latency(&self) -> u64 {
        self.lat.l1d_hit
    }

    pub fn l1i_counters(&self, hart: usize) -> &CacheCounters {
        &self.private[hart].l1i_counters
    }

    pub fn l1d_counters(&self, hart: usize) -> &CacheCounters {
        &self.private[hart].l1d_counters
    }

    /// Zeroes every counter; cache contents stay (warm caches).
    pub fn reset_counters(&mut self) {
        for p in &mut self.private {
            p.l1i_counters = CacheCounters::default();
            p.l1d_counters = CacheCounters::default();
        }
        self.l2_counters = CacheCounters::default();
        self.dram_counters = DramCounters::default();
    }

    /// An instruction fetch of the line holding `addr`; returns its latency.
    #[inline(always)]
    pub fn fetch(&mut self, hart: usize, addr: u64, mode: Privilege) -> u64 {
        let p = &mut self.private[hart];
        p.l1i_counters.accesses.inc(mode);
        if p.l1i.hit(addr, false) {
            return self.lat.l1i_hit;
        }
        self.fetch_missed(hart, addr, mode)
    }

    #[inline(never)]
    fn fetch_missed(&mut self, hart: usize, addr: u64, mode: Privilege) -> u64 {
        let p = &mut self.private[hart];
        p.l1i_counters.misses.inc(mode);
        p.l1i.fill(addr, false);
        self.l2_read(addr, mode)
    }

    /// A data access that hits the line its L1D set used last and needs
    /// no coherence action: counted, as [`MemorySystem::data`] would, and
    /// true (its latency is the hit latency). Otherwise false, and nothing
    /// changed: make the access with [`MemorySystem::data`].
    #[inline(always)]
    pub fn data_recent_hit(
        &mut self,
        hart: usize,
        addr: u64,
        write: bool,
        mode: Privilege,
    ) -> bool {
        if write && self.private.len() > 1 {
            return false;
        }
        let p = &mut self.private[hart];
        if !p.l1d.recent_hit(addr, write) {
            return false;
        }
        p.l1d_counters.accesses.inc(mode);
        true
    }

    /// A data read or write through the hart's L1D; returns its latency
    /// (including the cost of pushing out a dirty victim). An L1D hit that
    /// needs no coherence action is inline.
    #[inline(always)]
    pub fn data(&mut self, hart: usize, addr: u64, write: bool, mode: Privilege) -> u64 {
        if write && self.private.len() > 1 {
            self.invalidate_others(hart, addr, mode);
        }
        let p = &mut self.private[hart];
        p.l1d_counters.accesses.inc(mode);
        if p.l1d.hit(addr, write) {
            return self.lat.l1d_hit;
        }
        self.data_missed(hart, addr, write, mode)
    }

    #[inline(never)]
    fn data_missed(&mut self, hart: usize, addr: u64, write: bool, mode: Privilege) -> u64 {
        let p = &mut self.private[hart];
        p.l1d_counters.misses.inc(mode);
        let mut cycles = 0;
        if let Some(victim) = p.l1d.fill(addr, write) {
            p.l1d_counters.writebacks.inc(mode);
            cycles += self.lat.l1d_writeback + self.l2_write_back(victim, mode);
        }
        cycles + self.l2_read(addr, mode)
    }

    /// The coherence rule: other harts lose their copies of a stored line.
    #[inline(never)]
    fn invalidate_others(&mut self, hart: usize, addr: u64, mode: Privilege) {
        for other in (0..self.private.len()).filter(|&h| h != hart) {
            let p = &mut self.private[other];
            if p.l1i.invalidate(addr).is_some() {
                p.l1i_counters.invalidations.inc(mode);
            }
            if let Some(dirty) = p.l1d.invalidate(addr) {
                p.l1d_counters.invalidations.inc(mode);
                if dirty {
                    p.l1d_counters.writebacks.inc(mode);
                    // The storer's hart does not wait for the other hart's
                    // write-back; its L2 traffic is still counted.
                    self.l2_write_back(addr, mode);
                }
            }
        }
    }

    /// A read that missed an L1: L2, then DRAM. Returns the latency.
    #[inline]
    fn l2_read(&mut self, addr: u64, mode: Privilege) -> u64 {
        self.l2_counters.accesses.inc(mode);
        let outcome = self.l2.access(addr, false);
        if outcome.hit {
            return self.lat.l2_hit;
        }
        self.l2_counters.misses.inc(mode);
        self.dram_counters.reads.inc(mode);
        self.lat.dram + self.l2_victim(outcome.writeback, mode)
    }

    /// An L1 victim written into the L2 (allocated there, no DRAM read: the
    /// whole line is written). Returns the cycles it costs the core.
    fn l2_write_back(&mut self, line: u64, mode: Privilege) -> u64 {
        self.l2_counters.accesses.inc(mode);
        let outcome = self.l2.access(line, true);
        if !outcome.hit {
            self.l2_counters.misses.inc(mode);
        }
        self.l2_victim(outcome.writeback, mode)
    }

    fn l2_victim(&mut self, victim: Option<u64>, mode: Privilege) -> u64 {
        match victim {
            Some(_) => {
                self.l2_counters.writebacks.inc(mode);
                self.dram_counters.writes.inc(mode);
                self.lat.l2_writeback
            }
            None => 0,
        }
    }
}

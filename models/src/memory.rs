//! The cache hierarchy: private L1I and L1D per hart, one shared L2, DRAM.
//! Returns the load-to-use latency of each access and counts everything
//! per privilege mode. Coherence is one rule: a store invalidates the line
//! in every other hart's L1s (a dirty copy there is written back first);
//! the sharer table (sharers.rs) says whose L1s may hold it.

use sim_core::Privilege;

use crate::cache::{Cache, Outcome, Victim};
use crate::config::Preset;
use crate::per_mode::PerMode;
use crate::sharers::Sharers;

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

/// The whole hierarchy. A hart's accesses go through its part
/// ([`MemorySystem::part`]), which holds its own L1s, the other harts' (for
/// coherence) and what all share, so that no access looks its L1s up by
/// hart number.
#[derive(Clone, Debug)]
pub struct MemorySystem {
    private: Vec<Private>,
    shared: Shared,
}

/// What every hart's accesses share: the L2 and DRAM, the sharer table,
/// the latencies and the counters.
#[derive(Clone, Debug)]
struct Shared {
    /// Whose L1s may hold a line; none with one hart (no coherence).
    sharers: Option<Sharers>,
    l2: Cache,
    lat: Latencies,
    l2_counters: CacheCounters,
    dram_counters: DramCounters,
}

/// One hart's part of the [`MemorySystem`]: its L1s, the other harts' L1s
/// (harts below it, then above it) and the shared rest.
pub struct MemPart<'a> {
    hart: usize,
    mine: &'a mut Private,
    below: &'a mut [Private],
    above: &'a mut [Private],
    shared: &'a mut Shared,
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
            shared: Shared {
                sharers: (harts > 1).then(|| {
                    let shift = p.l1i.line_bytes.max(p.l1d.line_bytes).trailing_zeros();
                    let lines =
                        p.l1i.sets() * p.l1i.ways as usize + p.l1d.sets() * p.l1d.ways as usize;
                    Sharers::new(harts, shift, lines)
                }),
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
            },
        }
    }

    /// Hart `hart`'s part (`hart` below the number of harts).
    #[inline(always)]
    pub fn part(&mut self, hart: usize) -> MemPart<'_> {
        let (below, rest) = self.private.split_at_mut(hart);
        let (mine, above) = rest.split_first_mut().expect("a hart of this system");
        MemPart {
            hart,
            mine,
            below,
            above,
            shared: &mut self.shared,
        }
    }

    pub fn l1i_counters(&self, hart: usize) -> &CacheCounters {
        &self.private[hart].l1i_counters
    }

    pub fn l1d_counters(&self, hart: usize) -> &CacheCounters {
        &self.private[hart].l1d_counters
    }

    pub fn l2_counters(&self) -> &CacheCounters {
        &self.shared.l2_counters
    }

    pub fn dram_counters(&self) -> &DramCounters {
        &self.shared.dram_counters
    }

    /// Zeroes every counter; cache contents stay (warm caches).
    pub fn reset_counters(&mut self) {
        for p in &mut self.private {
            p.l1i_counters = CacheCounters::default();
            p.l1d_counters = CacheCounters::default();
        }
        self.shared.l2_counters = CacheCounters::default();
        self.shared.dram_counters = DramCounters::default();
    }

    /// [`MemPart::fetch`] by hart `hart`.
    pub fn fetch(&mut self, hart: usize, addr: u64, mode: Privilege) -> u64 {
        self.part(hart).fetch(addr, mode)
    }

    /// [`MemPart::data`] by hart `hart`.
    pub fn data(&mut self, hart: usize, addr: u64, write: bool, mode: Privilege) -> u64 {
        self.part(hart).data(addr, write, mode)
    }
}

impl MemPart<'_> {
    pub fn l1i_hit_latency(&self) -> u64 {
        self.shared.lat.l1i_hit
    }

    pub fn l1d_hit_latency(&self) -> u64 {
        self.shared.lat.l1d_hit
    }

    /// An instruction fetch of the line holding `addr`; returns its
    /// latency. A hit is inline.
    #[inline(always)]
    pub fn fetch(&mut self, addr: u64, mode: Privilege) -> u64 {
        let p = &mut *self.mine;
        p.l1i_counters.accesses.inc(mode);
        if p.l1i.hit(addr, false) {
            return self.shared.lat.l1i_hit;
        }
        self.fetch_in_full(addr, mode)
    }

    #[inline(never)]
    fn fetch_in_full(&mut self, addr: u64, mode: Privilege) -> u64 {
        let p = &mut *self.mine;
        let Outcome::Miss(victim) = p.l1i.access(addr, false) else {
            return self.shared.lat.l1i_hit;
        };
        p.l1i_counters.misses.inc(mode);
        self.track_fill(addr, victim);
        self.shared.l2_read(addr, mode)
    }

    /// A data access that hits the L1D and needs no coherence action:
    /// counted, as [`MemPart::data`] would, and true (its latency is the
    /// hit latency). Otherwise false, and nothing changed: make the access
    /// with [`MemPart::data`].
    #[inline(always)]
    pub fn data_hit(&mut self, addr: u64, write: bool, mode: Privilege) -> bool {
        if write && self.others_may_hold(addr) {
            return false;
        }
        let p = &mut *self.mine;
        if !p.l1d.hit(addr, write) {
            return false;
        }
        p.l1d_counters.accesses.inc(mode);
        true
    }

    /// A data read or write through the hart's L1D; returns its latency
    /// (including the cost of pushing out a dirty victim).
    #[inline(always)]
    pub fn data(&mut self, addr: u64, write: bool, mode: Privilege) -> u64 {
        if write && self.others_may_hold(addr) {
            self.invalidate_others(addr, mode);
        }
        let p = &mut *self.mine;
        p.l1d_counters.accesses.inc(mode);
        let Outcome::Miss(victim) = p.l1d.access(addr, write) else {
            return self.shared.lat.l1d_hit;
        };
        p.l1d_counters.misses.inc(mode);
        self.track_fill(addr, victim);
        let mut cycles = 0;
        if let Some(v) = victim.filter(|v| v.dirty) {
            self.mine.l1d_counters.writebacks.inc(mode);
            cycles += self.shared.lat.l1d_writeback + self.shared.l2_write_back(v.addr, mode);
        }
        cycles + self.shared.l2_read(addr, mode)
    }

    /// The sharer table follows the line of `addr` into one of this hart's
    /// L1s and `victim` out of it.
    #[inline(always)]
    fn track_fill(&mut self, addr: u64, victim: Option<Victim>) {
        if let Some(s) = &mut self.shared.sharers {
            s.added(self.hart, addr);
            if let Some(v) = victim {
                s.removed(self.hart, v.addr);
            }
        }
    }

    /// Whether another hart may hold the line of `addr` in its L1s (a
    /// store must then look for copies).
    #[inline(always)]
    fn others_may_hold(&self, addr: u64) -> bool {
        self.shared
            .sharers
            .as_ref()
            .is_some_and(|s| s.others_may_hold(self.hart, addr))
    }

    /// The coherence rule: other harts lose their copies of a stored line.
    /// Only harts the sharer table names are searched: the others hold no
    /// copy, and searching them would change nothing. In hart order.
    #[inline(never)]
    fn invalidate_others(&mut self, addr: u64, mode: Privilege) {
        let above = (self.hart + 1..).zip(self.above.iter_mut());
        for (other, p) in self.below.iter_mut().enumerate().chain(above) {
            let Some(sharers) = &mut self.shared.sharers else {
                return;
            };
            if !sharers.may_hold(other, addr) {
                continue;
            }
            if p.l1i.invalidate(addr).is_some() {
                sharers.removed(other, addr);
                p.l1i_counters.invalidations.inc(mode);
            }
            if let Some(dirty) = p.l1d.invalidate(addr) {
                sharers.removed(other, addr);
                p.l1d_counters.invalidations.inc(mode);
                if dirty {
                    p.l1d_counters.writebacks.inc(mode);
                    // The storer's hart does not wait for the other hart's
                    // write-back; its L2 traffic is still counted.
                    self.shared.l2_write_back(addr, mode);
                }
            }
        }
    }
}

impl Shared {
    /// A read that missed an L1: L2, then DRAM. Returns the latency.
    /// The L2 is searched without trying its recent-line filter first:
    /// an L1 miss is seldom the line its L2 set touched last (measured:
    /// the filter's check cost more than its hits saved).
    #[inline]
    fn l2_read(&mut self, addr: u64, mode: Privilege) -> u64 {
        self.l2_counters.accesses.inc(mode);
        let Outcome::Miss(victim) = self.l2.access(addr, false) else {
            return self.lat.l2_hit;
        };
        self.l2_counters.misses.inc(mode);
        self.dram_counters.reads.inc(mode);
        self.lat.dram + self.l2_victim(victim, mode)
    }

    /// An L1 victim written into the L2 (allocated there, no DRAM read: the
    /// whole line is written). Returns the cycles it costs the core. No
    /// filter either (it hit about one write-back in five, too few).
    fn l2_write_back(&mut self, line: u64, mode: Privilege) -> u64 {
        self.l2_counters.accesses.inc(mode);
        let Outcome::Miss(victim) = self.l2.access(line, true) else {
            return 0;
        };
        self.l2_counters.misses.inc(mode);
        self.l2_victim(victim, mode)
    }

    /// An L2 victim: written to DRAM if dirty. Returns the cycles it costs.
    fn l2_victim(&mut self, victim: Option<Victim>, mode: Privilege) -> u64 {
        match victim {
            Some(v) if v.dirty => {
                self.l2_counters.writebacks.inc(mode);
                self.dram_counters.writes.inc(mode);
                self.lat.l2_writeback
            }
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sharer table of `m` built afresh from the lines its L1s hold.
    fn recount(m: &MemorySystem, p: &Preset) -> Sharers {
        let shift = p.l1i.line_bytes.max(p.l1d.line_bytes).trailing_zeros();
        let lines = p.l1i.sets() * p.l1i.ways as usize + p.l1d.sets() * p.l1d.ways as usize;
        let mut s = Sharers::new(m.private.len(), shift, lines);
        for (hart, p) in m.private.iter().enumerate() {
            for line in p.l1i.lines().into_iter().chain(p.l1d.lines()) {
                s.added(hart, line);
            }
        }
        s
    }

    /// After any mix of fetches, loads and stores (fills, clean and
    /// dirty evictions, invalidations), the table counts exactly the
    /// lines each hart's L1s hold: no hart holding a line is left out.
    #[test]
    fn the_sharer_table_counts_every_l1_line() {
        for (l1i, l1d) in [(64, 64), (128, 32), (32, 128)] {
            let mut p = Preset::load("rocket-fpga").unwrap();
            let (i, d) = (
                format!("l1i.line_bytes={l1i}"),
                format!("l1d.line_bytes={l1d}"),
            );
            p.apply_overrides(["l1i.size_kib=1", "l1d.size_kib=1", &i, &d])
                .unwrap();
            let mut m = MemorySystem::new(&p, 3);
            let mut x = 0x2545_f491_4f6c_dd1du64;
            for i in 0..20_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let hart = (x % 3) as usize;
                // 4 KiB of addresses: shared lines, conflicts in every set.
                let addr = 0x8000_0000 + (x >> 8) % 4096;
                match (x >> 40) % 3 {
                    0 => m.fetch(hart, addr, Privilege::User),
                    1 => m.data(hart, addr, false, Privilege::User),
                    _ => m.data(hart, addr, true, Privilege::User),
                };
                if i % 97 == 0 {
                    assert_eq!(
                        m.shared.sharers.as_ref(),
                        Some(&recount(&m, &p)),
                        "{l1i}/{l1d} op {i}"
                    );
                }
            }
            assert_eq!(m.shared.sharers.as_ref(), Some(&recount(&m, &p)));
            assert!(m.l1i_counters(0).invalidations.total() > 0);
            assert!(m.l1d_counters(0).invalidations.total() > 0);
        }
    }
}

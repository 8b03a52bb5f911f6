//! The stats tree of a timing model. Names are built here, at dump time
//! only; the hot path touches plain counter arrays.
//!
//! Every counter ends in `.user`, `.supervisor` and `.machine`:
//! - `hartN.cycles`, `hartN.instret`, `hartN.stalls.{icache,dcache,
//!   uncached,tlb,bpred,redirect,load_use}` (stall cycles, included in
//!   cycles), `hartN.core.load_use_stalls` (instructions that waited for
//!   the load right before them)
//! - `hartN.{l1i,l1d}.{accesses,misses,writebacks,invalidations}`,
//!   `l2.{accesses,misses,writebacks}`, `dram.{reads,writes}`
//! - `hartN.{itlb,dtlb}.{accesses,misses}`, `hartN.ptw.{walks,accesses,
//!   fixed_latency}`, `hartN.tlb.flushes`, `hartN.satp_switches`
//! - `hartN.bpred.{branches,mispredicts}`, `hartN.jumps`
//! - `hartN.traps.{exceptions,interrupts}` (by the mode trapped from),
//!   `hartN.traps.returns`, `hartN.traps.cycles` (by the mode that paid)
//! - `hartN.uintr.{sends,rejected,delivered,returns,cycles}`, `hartN.wfi`
//!
//! and, without a mode split: `hartN.cycles.total` (all modes plus idle),
//! `hartN.idle_cycles`.

use sim_core::Stats;

use crate::memory::CacheCounters;
use crate::model::TimingModel;

impl TimingModel {
    /// All counters as a stats tree (deterministic: same events, same tree).
    pub fn stats(&self) -> Stats {
        let mut s = Stats::new();
        for (i, h) in self.harts.iter().enumerate() {
            let p = format!("hart{i}");
            let c = &h.c;
            let n = |name: &str| format!("{p}.{name}");
            c.cycles.dump(&mut s, &n("cycles"));
            s.set(n("cycles.total"), self.cycles(i));
            s.set(n("idle_cycles"), c.idle_cycles);
            c.instret.dump(&mut s, &n("instret"));
            c.stall_icache.dump(&mut s, &n("stalls.icache"));
            c.stall_dcache.dump(&mut s, &n("stalls.dcache"));
            c.stall_uncached.dump(&mut s, &n("stalls.uncached"));
            c.stall_tlb.dump(&mut s, &n("stalls.tlb"));
            c.stall_bpred.dump(&mut s, &n("stalls.bpred"));
            c.stall_redirect.dump(&mut s, &n("stalls.redirect"));
            c.stall_load_use.dump(&mut s, &n("stalls.load_use"));
            c.load_use_stalls.dump(&mut s, &n("core.load_use_stalls"));
            dump_cache(&mut s, &n("l1i"), self.mem.l1i_counters(i));
            dump_cache(&mut s, &n("l1d"), self.mem.l1d_counters(i));
            c.uncached_accesses.dump(&mut s, &n("uncached_accesses"));
            c.itlb_accesses.dump(&mut s, &n("itlb.accesses"));
            c.itlb_misses.dump(&mut s, &n("itlb.misses"));
            c.dtlb_accesses.dump(&mut s, &n("dtlb.accesses"));
            c.dtlb_misses.dump(&mut s, &n("dtlb.misses"));
            c.walks.dump(&mut s, &n("ptw.walks"));
            c.walk_accesses.dump(&mut s, &n("ptw.accesses"));
            c.walks_fixed_latency.dump(&mut s, &n("ptw.fixed_latency"));
            c.tlb_flushes.dump(&mut s, &n("tlb.flushes"));
            c.satp_switches.dump(&mut s, &n("satp_switches"));
            c.branches.dump(&mut s, &n("bpred.branches"));
            c.mispredicts.dump(&mut s, &n("bpred.mispredicts"));
            c.jumps.dump(&mut s, &n("jumps"));
            c.exceptions.dump(&mut s, &n("traps.exceptions"));
            c.interrupts.dump(&mut s, &n("traps.interrupts"));
            c.trap_returns.dump(&mut s, &n("traps.returns"));
            c.trap_cycles.dump(&mut s, &n("traps.cycles"));
            c.uintr_sends.dump(&mut s, &n("uintr.sends"));
            c.uintr_rejected.dump(&mut s, &n("uintr.rejected"));
            c.uintr_delivered.dump(&mut s, &n("uintr.delivered"));
            c.uintr_returns.dump(&mut s, &n("uintr.returns"));
            c.uintr_cycles.dump(&mut s, &n("uintr.cycles"));
            c.wfi.dump(&mut s, &n("wfi"));
        }
        let l2 = self.mem.l2_counters();
        l2.accesses.dump(&mut s, "l2.accesses");
        l2.misses.dump(&mut s, "l2.misses");
        l2.writebacks.dump(&mut s, "l2.writebacks");
        self.mem.dram_counters().reads.dump(&mut s, "dram.reads");
        self.mem.dram_counters().writes.dump(&mut s, "dram.writes");
        s
    }

    /// Counters accumulated since `earlier` (an earlier [`Self::stats`]),
    /// for a region of interest measured by snapshots: counters only grow
    /// between resets, so each is the difference of the two values.
    pub fn stats_since(&self, earlier: &Stats) -> Stats {
        let mut now = self.stats();
        let names: Vec<String> = now.iter().map(|(k, _)| k.to_string()).collect();
        for name in names {
            let before = earlier.get(&name).unwrap_or(0);
            let value = now.get(&name).unwrap_or(0);
            now.set(name, value.saturating_sub(before));
        }
        now
    }
}

fn dump_cache(s: &mut Stats, prefix: &str, c: &CacheCounters) {
    c.accesses.dump(s, &format!("{prefix}.accesses"));
    c.misses.dump(s, &format!("{prefix}.misses"));
    c.writebacks.dump(s, &format!("{prefix}.writebacks"));
    c.invalidations.dump(s, &format!("{prefix}.invalidations"));
}

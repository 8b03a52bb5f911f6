//! The in-order timing model: a [`TimingSink`] that turns a functional
//! core's events into cycles per hart, through the class cost table, the
//! branch predictor, the TLBs, the cache hierarchy and the trap and UINTR
//! costs. Same events in, same cycles and stats out.

use sim_core::{
    AccessKind, InstClass, MemAccess, Privilege, Retired, TimingSink, TrapEvent, UintrEvent,
};

use crate::config::Preset;
use crate::cpi::CpiTable;
use crate::error::ModelError;
use crate::hart::{HartCounters, HartState, Pending, MAX_PENDING, MAX_WALK};
use crate::memory::MemorySystem;
use crate::tlb::PAGE_SHIFT;

/// A page the core's TLB hid the walk of is tracked as a base page (its
/// size is unknown).
const PAGE_BYTES: u64 = 1 << PAGE_SHIFT;

/// Extra cycles of the events that are not instruction classes.
#[derive(Clone, Copy, Debug)]
struct Costs {
    taken_redirect: u64,
    mispredict: u64,
    load_use: u64,
    trap_entry: u64,
    xret: u64,
    walk_latency: u64,
    tlb_flush: u64,
    satp_switch: u64,
    uncached: u64,
    uintr_send: u64,
    uintr_delivery: u64,
}

/// What the hot path reads but never writes.
#[derive(Clone, Copy, Debug)]
struct Fixed {
    cpi: CpiTable,
    costs: Costs,
    /// 0 without ASIDs: every address-space switch then flushes the TLBs.
    asid_mask: u16,
    /// Physical range that is cached memory; accesses outside it are
    /// uncached device accesses.
    cacheable: (u64, u64),
    l1i_shift: u32,
}

/// Timing of a whole machine: per-hart cores, TLBs and L1s, a shared L2.
#[derive(Clone, Debug)]
pub struct TimingModel {
    preset: Preset,
    k: Fixed,
    pub(crate) harts: Vec<HartState>,
    pub(crate) mem: MemorySystem,
}

impl TimingModel {
    /// A model of `harts` harts with empty caches. Events must name harts
    /// below `harts`.
    pub fn new(preset: &Preset, harts: usize) -> Result<Self, ModelError> {
        preset.validate()?;
        if harts == 0 {
            return Err(ModelError::Invalid {
                key: "harts".into(),
                reason: "at least one hart".into(),
            });
        }
        let p = preset;
        let c = &p.core;
        let k = Fixed {
            cpi: CpiTable::new(c),
            costs: Costs {
                taken_redirect: c.taken_redirect.into(),
                mispredict: c.mispredict_penalty.into(),
                load_use: c.load_use_stall.into(),
                trap_entry: u64::from(p.trap.entry_cycles) + u64::from(c.pipeline_flush),
                xret: u64::from(p.trap.xret_cycles) + u64::from(c.pipeline_flush),
                walk_latency: p.mmu.walk_latency.into(),
                tlb_flush: p.mmu.flush_cycles.into(),
                satp_switch: p.mmu.satp_switch_cycles.into(),
                uncached: p.dram.uncached_latency.into(),
                uintr_send: u64::from(p.uintr.send_store_cycles)
                    + u64::from(p.uintr.interconnect_cycles),
                uintr_delivery: p.uintr.delivery_cycles.into(),
            },
            asid_mask: ((1u32 << p.mmu.asid_bits) - 1) as u16,
            cacheable: (0, u64::MAX),
            l1i_shift: p.l1i.line_bytes.trailing_zeros(),
        };
        Ok(TimingModel {
            k,
            harts: (0..harts).map(|h| HartState::new(p, h)).collect(),
            mem: MemorySystem::new(p, harts),
            preset: p.clone(),
        })
    }

    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    pub fn harts(&self) -> usize {
        self.harts.len()
    }

    /// Declares `[base, base + size)` the only cacheable physical memory
    /// (the platform's RAM); other addresses are device registers and cost
    /// `dram.uncached_latency`. By default everything is cacheable.
    pub fn set_cacheable_range(&mut self, base: u64, size: u64) {
        self.k.cacheable = (base, base.saturating_add(size));
    }

    /// Total cycles of a hart (all modes, idle included).
    pub fn cycles(&self, hart: usize) -> u64 {
        let c = &self.harts[hart].c;
        c.cycles.total() + c.idle_cycles
    }

    /// Cycles a hart spent in one mode.
    pub fn cycles_in(&self, hart: usize, mode: Privilege) -> u64 {
        self.harts[hart].c.cycles.get(mode)
    }

    /// All counters of a hart.
    pub fn counters(&self, hart: usize) -> &HartCounters {
        &self.harts[hart].c
    }

    /// Cycles a hart waited for an interrupt (the machine knows how long a
    /// WFI lasted; the model does not).
    pub fn add_idle_cycles(&mut self, hart: usize, cycles: u64) {
        self.harts[hart].c.idle_cycles += cycles;
    }

    /// Zeroes every counter (a region of interest begins); caches, TLBs and
    /// predictors keep their contents. The clock ([`TimingModel::cycles`])
    /// restarts from 0 too, so not while a machine runs on it: its time
    /// follows that clock.
    pub fn reset_stats(&mut self) {
        for h in &mut self.harts {
            h.c = HartCounters::default();
        }
        self.mem.reset_counters();
    }

    /// The PTE reads of a walk the model's TLB also missed: each a
    /// dependent load through the L1D, so its whole latency stalls.
    fn charge_walk(&mut self, hart: usize, mode: Privilege) -> u64 {
        let n = std::mem::take(&mut self.harts[hart].walk_len);
        let mut cycles = 0;
        for i in 0..n {
            let pte = self.harts[hart].walk[i];
            cycles += self.mem.data(hart, pte, false, mode);
        }
        let c = &mut self.harts[hart].c;
        c.walk_accesses.add(mode, n as u64);
        c.walks.inc(mode);
        c.stall_tlb.add(mode, cycles);
        cycles
    }

    fn flush_tlbs(&mut self, hart: usize, vaddr: Option<u64>, asid: Option<u64>) {
        // Without ASIDs every entry is tagged 0 and an ASID filter is
        // ignored, as the privileged spec allows.
        let asid = asid
            .filter(|_| self.k.asid_mask != 0)
            .map(|a| a as u16 & self.k.asid_mask);
        let h = &mut self.harts[hart];
        h.itlb.flush(vaddr, asid);
        h.dtlb.flush(vaddr, asid);
        h.redirect_after_retire = true;
    }
}

impl TimingSink for TimingModel {
    #[inline]
    fn retire(&mut self, hart: usize, inst: &Retired) {
        let Self { k, harts, mem, .. } = self;
        let h = &mut harts[hart];
        let mode = inst.privilege;
        let mut cycles = k.cpi.cycles(inst.class);
        if !h.fetch_events {
            cycles += fetch(k, h, mem, hart, inst.pc, inst.paddr, mode, true);
        }
        if h.pending_len != 0 {
            cycles += drain(k, h, mem, hart, inst.class == InstClass::Uintr);
        }
        if h.redirect_after_retire {
            h.redirect_after_retire = false;
            h.redirect_fetch();
        }
        let costs = &k.costs;
        // In order: a value loaded right before is late by the load-use
        // bubble (one register per instruction, so only the last load).
        if let Some(reg) = h.load_dest {
            if inst.operands.reads(reg) {
                h.c.load_use_stalls.inc(mode);
                h.c.stall_load_use.add(mode, costs.load_use);
                cycles += costs.load_use;
            }
        }
        h.load_dest = match inst.class {
            InstClass::Load | InstClass::FpLoad | InstClass::Amo => inst.operands.dest,
            _ => None,
        };
        h.mode = mode;
        h.c.instret.inc(mode);
        match inst.class {
            InstClass::Branch => {
                h.c.branches.inc(mode);
                if !h.bpred.predict_and_train(inst.pc, inst.taken) {
                    h.c.mispredicts.inc(mode);
                    h.c.stall_bpred.add(mode, costs.mispredict);
                    cycles += costs.mispredict;
                } else if inst.taken {
                    h.c.stall_redirect.add(mode, costs.taken_redirect);
                    cycles += costs.taken_redirect;
                }
            }
            InstClass::Jump => {
                h.c.jumps.inc(mode);
                h.c.stall_redirect.add(mode, costs.taken_redirect);
                cycles += costs.taken_redirect;
            }
            InstClass::Uintr if h.send_posted => {
                h.send_posted = false;
                h.c.uintr_cycles.add(mode, costs.uintr_send);
                cycles += costs.uintr_send;
            }
            _ => {}
        }
        h.c.cycles.add(mode, cycles);
    }

    #[inline]
    fn mem_access(&mut self, hart: usize, access: &MemAccess) {
        let mode = access.privilege;
        let write = match access.kind {
            AccessKind::Load => false,
            AccessKind::Store | AccessKind::Amo => true,
            AccessKind::Fetch => {
                let Self { k, harts, mem, .. } = self;
                let h = &mut harts[hart];
                h.fetch_events = true;
                let stall = fetch(k, h, mem, hart, access.vaddr, access.paddr, mode, false);
                h.c.cycles.add(mode, stall);
                return;
            }
            AccessKind::PageWalk => {
                let h = &mut self.harts[hart];
                if h.walk_len < MAX_WALK {
                    h.walk[h.walk_len] = access.paddr;
                    h.walk_len += 1;
                }
                return;
            }
        };
        let pending = Pending {
            vaddr: access.vaddr,
            paddr: access.paddr,
            write,
            mode,
        };
        let Self { k, harts, mem, .. } = self;
        let h = &mut harts[hart];
        if h.pending_len == MAX_PENDING {
            // More accesses than any instruction makes: charge now.
            let stall = data_access(k, h, mem, hart, pending, false);
            h.c.cycles.add(mode, stall);
            return;
        }
        h.pending[h.pending_len] = pending;
        h.pending_len += 1;
    }

    fn trap(&mut self, hart: usize, trap: &TrapEvent) {
        // Accesses of the faulting instruction happened; it did not retire.
        let Self { k, harts, mem, .. } = self;
        let h = &mut harts[hart];
        let stall = drain(k, h, mem, hart, false);
        h.c.cycles.add(trap.from, stall);
        // PTE reads with no fill: a walk that ended in this page fault
        // (invalid PTEs are never cached, so no model TLB could skip it).
        if self.harts[hart].walk_len != 0 {
            let cycles = self.charge_walk(hart, trap.from);
            self.harts[hart].c.cycles.add(trap.from, cycles);
        }
        let h = &mut self.harts[hart];
        let cost = self.k.costs.trap_entry;
        h.send_posted = false;
        h.load_dest = None;
        if trap.interrupt {
            h.c.interrupts.inc(trap.from);
        } else {
            h.c.exceptions.inc(trap.from);
        }
        h.c.trap_cycles.add(trap.to, cost);
        h.c.cycles.add(trap.to, cost);
        h.mode = trap.to;
        h.redirect_fetch();
    }

    fn trap_return(&mut self, hart: usize, from: Privilege, to: Privilege) {
        let cost = self.k.costs.xret;
        let h = &mut self.harts[hart];
        h.c.trap_returns.inc(from);
        h.c.trap_cycles.add(from, cost);
        h.c.cycles.add(from, cost);
        h.mode = to;
        h.redirect_after_retire = true;
    }

    fn address_space_switch(&mut self, hart: usize, asid: u64) {
        if self.k.asid_mask == 0 {
            self.flush_tlbs(hart, None, None);
        }
        let cost = self.k.costs.satp_switch;
        let h = &mut self.harts[hart];
        h.asid = asid as u16 & self.k.asid_mask;
        h.redirect_after_retire = true;
        let mode = h.mode;
        h.c.satp_switches.inc(mode);
        h.c.trap_cycles.add(mode, cost);
        h.c.cycles.add(mode, cost);
    }

    fn tlb_flush(&mut self, hart: usize, vaddr: Option<u64>, asid: Option<u64>) {
        self.flush_tlbs(hart, vaddr, asid);
        let cost = self.k.costs.tlb_flush;
        let h = &mut self.harts[hart];
        let mode = h.mode;
        h.c.tlb_flushes.inc(mode);
        h.c.trap_cycles.add(mode, cost);
        h.c.cycles.add(mode, cost);
    }

    fn tlb_fill(
        &mut self,
        hart: usize,
        vaddr: u64,
        fetch: bool,
        privilege: Privilege,
        page_size: u64,
    ) {
        let h = &mut self.harts[hart];
        h.translating = true;
        let asid = h.asid;
        let tlb = if fetch { &mut h.itlb } else { &mut h.dtlb };
        if tlb.lookup(vaddr, asid) {
            // The model's TLB still holds the page the core's TLB lost: no
            // walk for the model.
            h.walk_len = 0;
            return;
        }
        tlb.insert(vaddr, asid, page_size);
        if fetch {
            h.c.itlb_misses.inc(privilege);
        } else {
            h.c.dtlb_misses.inc(privilege);
        }
        let cycles = self.charge_walk(hart, privilege);
        self.harts[hart].c.cycles.add(privilege, cycles);
    }

    fn uintr(&mut self, hart: usize, event: UintrEvent) {
        let h = &mut self.harts[hart];
        let mode = h.mode;
        match event {
            UintrEvent::Send { .. } => {
                h.c.uintr_sends.inc(mode);
                h.send_posted = true;
            }
            UintrEvent::SendRejected => h.c.uintr_rejected.inc(mode),
            UintrEvent::Delivered => {
                let cost = self.k.costs.uintr_delivery;
                h.c.uintr_delivered.inc(Privilege::User);
                h.c.uintr_cycles.add(Privilege::User, cost);
                h.c.cycles.add(Privilege::User, cost);
                h.mode = Privilege::User;
                h.load_dest = None;
                h.redirect_fetch();
            }
            UintrEvent::Return => {
                let cost = self.k.costs.xret;
                h.c.uintr_returns.inc(mode);
                h.c.uintr_cycles.add(mode, cost);
                h.c.cycles.add(mode, cost);
                h.redirect_after_retire = true;
            }
        }
    }

    fn wait_for_interrupt(&mut self, hart: usize) {
        let h = &mut self.harts[hart];
        h.c.wfi.inc(h.mode);
    }

    fn idle(&mut self, hart: usize, cycles: u64) {
        if hart < self.harts.len() {
            self.add_idle_cycles(hart, cycles);
        }
    }

    fn cycles(&self, hart: usize) -> Option<u64> {
        (hart < self.harts.len()).then(|| TimingModel::cycles(self, hart))
    }

    fn clock_hz(&self) -> Option<u64> {
        Some(self.preset.clock_mhz * 1_000_000)
    }

    fn cycles_by_mode(&self, hart: usize) -> Option<[u64; 3]> {
        (hart < self.harts.len()).then(|| Privilege::ALL.map(|p| self.cycles_in(hart, p)))
    }

    fn counters(&self) -> Option<sim_core::Stats> {
        Some(self.stats())
    }
}

/// Fetch of the instruction at virtual `pc`, physical `paddr`; returns
/// stall cycles. Only a new line is looked up (the fetch unit holds one
/// line); the ITLB is consulted when `translated` (a retired instruction,
/// not a fetch the core reported after its own translation). The L1I is
/// physically tagged: aliases of one page share its lines.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn fetch(
    k: &Fixed,
    h: &mut HartState,
    mem: &mut MemorySystem,
    hart: usize,
    pc: u64,
    paddr: u64,
    mode: Privilege,
    translated: bool,
) -> u64 {
    // A line never crosses a page, and any remapping redirects fetch: the
    // virtual line stands for the physical one.
    let line = pc >> k.l1i_shift;
    if line == h.fetch_line {
        return 0;
    }
    h.fetch_line = line;
    let mut stall = 0;
    if translated && h.translating && mode != Privilege::Machine {
        let page = pc >> PAGE_SHIFT;
        if page != h.fetch_page {
            h.fetch_page = page;
            h.c.itlb_accesses.inc(mode);
            if !h.itlb.lookup(pc, h.asid) {
                h.c.itlb_misses.inc(mode);
                h.c.walks_fixed_latency.inc(mode);
                h.itlb.insert(pc, h.asid, PAGE_BYTES);
                h.c.stall_tlb.add(mode, k.costs.walk_latency);
                stall += k.costs.walk_latency;
            }
        }
    }
    let latency = mem.fetch(hart, paddr, mode);
    let miss = latency - mem.l1i_hit_latency().min(latency);
    h.c.stall_icache.add(mode, miss);
    stall + miss
}

/// Charges the data accesses of the instruction now retiring; returns
/// stall cycles. `physical` accesses bypass the TLB (a UIPI's sender-table
/// read).
#[inline]
fn drain(k: &Fixed, h: &mut HartState, mem: &mut MemorySystem, hart: usize, physical: bool) -> u64 {
    let n = std::mem::take(&mut h.pending_len);
    let mut stall = 0;
    for i in 0..n {
        let a = h.pending[i];
        stall += data_access(k, h, mem, hart, a, physical);
    }
    stall
}

#[inline(always)]
fn data_access(
    k: &Fixed,
    h: &mut HartState,
    mem: &mut MemorySystem,
    hart: usize,
    a: Pending,
    physical: bool,
) -> u64 {
    let mode = a.mode;
    let mut stall = 0;
    if !physical && h.translating && mode != Privilege::Machine {
        h.c.dtlb_accesses.inc(mode);
        if !h.dtlb.lookup(a.vaddr, h.asid) {
            h.c.dtlb_misses.inc(mode);
            h.c.walks_fixed_latency.inc(mode);
            h.dtlb.insert(a.vaddr, h.asid, PAGE_BYTES);
            h.c.stall_tlb.add(mode, k.costs.walk_latency);
            stall += k.costs.walk_latency;
        }
    }
    if a.paddr < k.cacheable.0 || a.paddr >= k.cacheable.1 {
        h.c.uncached_accesses.inc(mode);
        h.c.stall_uncached.add(mode, k.costs.uncached);
        return stall + k.costs.uncached;
    }
    let latency = mem.data(hart, a.paddr, a.write, mode);
    let miss = latency - mem.l1d_hit_latency().min(latency);
    h.c.stall_dcache.add(mode, miss);
    stall + miss
}

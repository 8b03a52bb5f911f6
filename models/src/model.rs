//! The in-order timing model: a [`TimingSink`] that turns a functional
//! core's events into cycles per hart, through the class cost table, the
//! branch predictor, the TLBs, the cache hierarchy and the trap and UINTR
//! costs. Same events in, same cycles and stats out. [`TimingModel`] owns
//! the state; a hart's events are handled by its [`ModelHart`] (its part
//! of the state and the shared memory system), which a running hart holds
//! for a whole run of blocks.

use sim_core::{
    AccessKind, InstClass, MemAccess, Operands, Privilege, Retired, TimingSink, TrapEvent,
    UintrEvent,
};

use crate::config::Preset;
use crate::cpi::CpiTable;
use crate::error::ModelError;
use crate::hart::{
    HartCounters, HartState, Pending, MAX_PENDING, MAX_WALK, RETIRE_FETCH_EVENTS, RETIRE_LOAD_DEST,
    RETIRE_PENDING, RETIRE_REDIRECT, RETIRE_SEND,
};
use crate::memory::{MemPart, MemorySystem};
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
    /// Physical range that is cached memory, as its start and length;
    /// accesses outside it are uncached device accesses.
    cacheable: (u64, u64),
    l1i_shift: u32,
    clock_hz: u64,
}

impl Fixed {
    #[inline(always)]
    fn cacheable(&self, paddr: u64) -> bool {
        let (base, len) = self.cacheable;
        // Below `base`, the difference wraps to more than any length.
        paddr.wrapping_sub(base) < len
    }
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
            clock_hz: p.clock_mhz * 1_000_000,
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
        self.k.cacheable = (base, base.saturating_add(size) - base);
    }

    /// Total cycles of a hart (all modes, idle included).
    pub fn cycles(&self, hart: usize) -> u64 {
        self.harts[hart].cycles()
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

    /// Hart `hart`'s part of the model, with what all harts share.
    #[inline(always)]
    pub fn hart_part(&mut self, hart: usize) -> ModelHart<'_> {
        ModelHart {
            k: &self.k,
            h: &mut self.harts[hart],
            mem: self.mem.part(hart),
            hart,
        }
    }
}

/// One hart's part of a [`TimingModel`] (its core, TLBs and counters) and
/// the memory system all harts share: where that hart's events go while
/// it runs (`TimingSink::for_hart`), so that no event has to find the
/// hart's state again.
pub struct ModelHart<'a> {
    k: &'a Fixed,
    h: &'a mut HartState,
    mem: MemPart<'a>,
    hart: usize,
}

impl ModelHart<'_> {
    /// The PTE reads of a walk the model's TLB also missed: each a
    /// dependent load through the L1D, so its whole latency stalls.
    fn charge_walk(&mut self, mode: Privilege) -> u64 {
        let n = std::mem::take(&mut self.h.walk_len);
        let mut cycles = 0;
        for i in 0..n {
            let pte = self.h.walk[i];
            cycles += self.mem.data(pte, false, mode);
        }
        let c = &mut self.h.c;
        c.walk_accesses.add(mode, n as u64);
        c.walks.inc(mode);
        c.stall_tlb.add(mode, cycles);
        cycles
    }

    fn flush_tlbs(&mut self, vaddr: Option<u64>, asid: Option<u64>) {
        // Without ASIDs every entry is tagged 0 and an ASID filter is
        // ignored, as the privileged spec allows.
        let asid = asid
            .filter(|_| self.k.asid_mask != 0)
            .map(|a| a as u16 & self.k.asid_mask);
        let h = &mut *self.h;
        h.itlb.flush(vaddr, asid);
        h.dtlb.flush(vaddr, asid);
        h.retire_work |= RETIRE_REDIRECT;
    }

    /// A branch or jump that needs nothing else (no fetch-line change, no
    /// queued access): inline, so that the frequent case pays neither a
    /// call nor [`Self::retire_in_full`]'s generality.
    #[inline(always)]
    fn retire_control(
        &mut self,
        pc: u64,
        class: InstClass,
        mode: Privilege,
        taken: bool,
        operands: Operands,
    ) {
        let costs = &self.k.costs;
        let h = &mut *self.h;
        let mut cycles = self.k.cpi.cycles(class);
        cycles += load_use(self.k, h, mode, &operands);
        h.set_load_dest(None);
        h.mode = mode;
        h.c.instret.inc(mode);
        cycles += control_flow(costs, h, mode, class, pc, taken);
        h.c.cycles.add(mode, cycles);
    }

    /// Any other instruction (a load, store or AMO with its queued
    /// accesses, or one after a load) that needs nothing else: inline, as
    /// nearly every other instruction of kernel code comes here (a call
    /// cost more than a TLB and L1D hit; the misses are out of line).
    #[inline(always)]
    fn retire_access(&mut self, class: InstClass, mode: Privilege, operands: Operands) {
        let Self { k, h, mem, .. } = self;
        // The register work first: the accesses then need fewer values
        // kept (neither reads the other's state).
        let cycles = k.cpi.cycles(class) + load_use(k, h, mode, &operands);
        h.set_load_dest(loaded(class, &operands));
        h.mode = mode;
        h.c.instret.inc(mode);
        let stall = drain(k, h, mem);
        h.c.cycles.add(mode, cycles + stall);
    }

    /// An instruction on a new fetch line that needs nothing else: its
    /// fetch, class cost and counts.
    #[inline(never)]
    fn retire_on_new_line(&mut self, pc: u64, paddr: u64, class: InstClass, mode: Privilege) {
        let Self { k, h, mem, .. } = self;
        let cycles = k.cpi.cycles(class) + fetch(k, h, mem, pc, paddr, mode, true);
        h.mode = mode;
        h.c.instret.inc(mode);
        h.c.cycles.add(mode, cycles);
    }

    /// Everything [`TimingSink::retire`] can do.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn retire_in_full(
        &mut self,
        pc: u64,
        paddr: u64,
        class: InstClass,
        mode: Privilege,
        taken: bool,
        operands: Operands,
    ) {
        let Self { k, h, mem, .. } = self;
        let mut cycles = k.cpi.cycles(class);
        if h.retire_work & RETIRE_FETCH_EVENTS == 0 {
            cycles += fetch(k, h, mem, pc, paddr, mode, true);
        }
        if h.retire_work & RETIRE_PENDING != 0 {
            cycles += drain(k, h, mem);
        }
        if h.retire_work & RETIRE_REDIRECT != 0 {
            h.retire_work &= !RETIRE_REDIRECT;
            h.redirect_fetch();
        }
        let costs = &k.costs;
        cycles += load_use(k, h, mode, &operands);
        h.set_load_dest(loaded(class, &operands));
        h.mode = mode;
        h.c.instret.inc(mode);
        match class {
            InstClass::Branch | InstClass::Jump => {
                cycles += control_flow(costs, h, mode, class, pc, taken);
            }
            InstClass::Uintr if h.retire_work & RETIRE_SEND != 0 => {
                h.retire_work &= !RETIRE_SEND;
                h.c.uintr_cycles.add(mode, costs.uintr_send);
                cycles += costs.uintr_send;
            }
            _ => {}
        }
        h.c.cycles.add(mode, cycles);
    }

    /// A fetch the core reports itself (it then reports all of them).
    #[inline(never)]
    fn reported_fetch(&mut self, vaddr: u64, paddr: u64, mode: Privilege) {
        let Self { k, h, mem, .. } = self;
        h.retire_work |= RETIRE_FETCH_EVENTS;
        let stall = fetch(k, h, mem, vaddr, paddr, mode, false);
        h.c.cycles.add(mode, stall);
    }

    /// A PTE read of a walk: kept until the walk's fill (or fault) says
    /// whether the model's TLB walked too.
    #[inline(never)]
    fn walk_read(&mut self, paddr: u64) {
        let h = &mut *self.h;
        if h.walk_len < MAX_WALK {
            h.walk[h.walk_len] = paddr;
            h.walk_len += 1;
        }
    }

    /// A data access beyond what one instruction queues: charged now.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn charge_beyond_queue(
        &mut self,
        vaddr: u64,
        paddr: u64,
        write: bool,
        physical: bool,
        mode: Privilege,
    ) {
        let Self { k, h, mem, .. } = self;
        let translate = !physical && h.translates(mode);
        let stall = charge_data(k, h, mem, vaddr, paddr, write, mode, translate);
        h.c.cycles.add(mode, stall);
    }
}

impl TimingSink for ModelHart<'_> {
    sim_core::same_sink_for_every_hart!();

    /// The common case inline (the fetch line is unchanged, nothing is
    /// queued or pending, no control flow, no load before or now): a class
    /// cost and two counters. The fetch line stands for the physical one
    /// (see `fetch`): anything that could change the translation of `pc`
    /// (a trap, an xRET, a satp write, an sfence.vma, a user interrupt)
    /// resets it or sets `RETIRE_REDIRECT`, and both leave this path.
    #[inline(always)]
    fn retire(&mut self, _hart: usize, inst: &Retired) {
        let k = &self.k;
        let h = &mut *self.h;
        let class = inst.class;
        if inst.pc >> k.l1i_shift == h.fetch_line {
            let work = h.retire_work;
            if work == 0 && !may_stall(class) {
                let mode = inst.privilege;
                h.c.instret.inc(mode);
                h.c.cycles.add(mode, k.cpi.cycles(class));
                return;
            }
            if work & !(RETIRE_PENDING | RETIRE_LOAD_DEST) == 0 {
                let (mode, operands) = (inst.privilege, inst.operands);
                if matches!(class, InstClass::Branch | InstClass::Jump) {
                    return self.retire_control(inst.pc, class, mode, inst.taken, operands);
                }
                if class != InstClass::Uintr {
                    return self.retire_access(class, mode, operands);
                }
            }
        } else if h.retire_work == 0 && !may_stall(class) {
            return self.retire_on_new_line(inst.pc, inst.paddr, class, inst.privilege);
        }
        // By value: a reference would make the core build the event in
        // memory for every instruction, even those of the short path.
        self.retire_in_full(
            inst.pc,
            inst.paddr,
            inst.class,
            inst.privilege,
            inst.taken,
            inst.operands,
        );
    }

    /// Loads and stores inline: charged at once (their stall cycles wait
    /// for the instruction's mode at retirement), or queued if the
    /// instruction's fetch is still to be charged, which must come first
    /// (the two may meet in the L2). Fetches and PTE reads out of line.
    #[inline(always)]
    fn mem_access(&mut self, _hart: usize, access: &MemAccess) {
        let (write, physical) = match access.kind {
            AccessKind::Load => (false, false),
            AccessKind::Store | AccessKind::Amo => (true, false),
            AccessKind::TableRead => (false, true),
            AccessKind::Fetch => {
                return self.reported_fetch(access.vaddr, access.paddr, access.privilege)
            }
            AccessKind::PageWalk => return self.walk_read(access.paddr),
        };
        let Self { k, h, mem, .. } = self;
        let mode = access.privilege;
        // The fetch is done if the instruction is on the fetch line (or the
        // core reports fetches itself); and an earlier access of the same
        // instruction that was queued keeps this one behind it.
        let fetched =
            access.pc >> k.l1i_shift == h.fetch_line || h.retire_work & RETIRE_FETCH_EVENTS != 0;
        if fetched && h.pending_len == 0 {
            let translate = !physical && h.translates(mode);
            let stall = charge_data(
                k,
                h,
                mem,
                access.vaddr,
                access.paddr,
                write,
                mode,
                translate,
            );
            if stall != 0 {
                h.data_stall += stall;
                h.retire_work |= RETIRE_PENDING;
            }
            return;
        }
        if h.pending_len == MAX_PENDING {
            let (vaddr, paddr) = (access.vaddr, access.paddr);
            return self.charge_beyond_queue(vaddr, paddr, write, physical, mode);
        }
        h.pending[h.pending_len] = Pending {
            vaddr: access.vaddr,
            paddr: access.paddr,
            write,
            physical,
            mode,
        };
        h.pending_len += 1;
        h.retire_work |= RETIRE_PENDING;
    }

    fn trap(&mut self, _hart: usize, trap: &TrapEvent) {
        // Accesses of the faulting instruction happened; it did not retire.
        let Self { k, h, mem, .. } = self;
        let stall = drain(k, h, mem);
        h.c.cycles.add(trap.from, stall);
        // PTE reads with no fill: a walk that ended in this page fault
        // (invalid PTEs are never cached, so no model TLB could skip it).
        if self.h.walk_len != 0 {
            let cycles = self.charge_walk(trap.from);
            self.h.c.cycles.add(trap.from, cycles);
        }
        let h = &mut *self.h;
        let cost = self.k.costs.trap_entry;
        h.retire_work &= !RETIRE_SEND;
        h.set_load_dest(None);
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

    fn trap_return(&mut self, _hart: usize, from: Privilege, to: Privilege) {
        let cost = self.k.costs.xret;
        let h = &mut *self.h;
        h.c.trap_returns.inc(from);
        h.c.trap_cycles.add(from, cost);
        h.c.cycles.add(from, cost);
        h.mode = to;
        h.retire_work |= RETIRE_REDIRECT;
    }

    fn address_space_switch(&mut self, _hart: usize, asid: u64) {
        if self.k.asid_mask == 0 {
            self.flush_tlbs(None, None);
        }
        let cost = self.k.costs.satp_switch;
        let h = &mut *self.h;
        h.asid = asid as u16 & self.k.asid_mask;
        h.retire_work |= RETIRE_REDIRECT;
        let mode = h.mode;
        h.c.satp_switches.inc(mode);
        h.c.trap_cycles.add(mode, cost);
        h.c.cycles.add(mode, cost);
    }

    fn tlb_flush(&mut self, _hart: usize, vaddr: Option<u64>, asid: Option<u64>) {
        self.flush_tlbs(vaddr, asid);
        let cost = self.k.costs.tlb_flush;
        let h = &mut *self.h;
        let mode = h.mode;
        h.c.tlb_flushes.inc(mode);
        h.c.trap_cycles.add(mode, cost);
        h.c.cycles.add(mode, cost);
    }

    fn tlb_fill(
        &mut self,
        _hart: usize,
        vaddr: u64,
        fetch: bool,
        privilege: Privilege,
        page_size: u64,
    ) {
        let h = &mut *self.h;
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
        let cycles = self.charge_walk(privilege);
        self.h.c.cycles.add(privilege, cycles);
    }

    fn uintr(&mut self, _hart: usize, event: UintrEvent) {
        let h = &mut *self.h;
        let mode = h.mode;
        match event {
            UintrEvent::Send { .. } => {
                h.c.uintr_sends.inc(mode);
                h.retire_work |= RETIRE_SEND;
            }
            UintrEvent::SendRejected => h.c.uintr_rejected.inc(mode),
            UintrEvent::Delivered => {
                let cost = self.k.costs.uintr_delivery;
                h.c.uintr_delivered.inc(Privilege::User);
                h.c.uintr_cycles.add(Privilege::User, cost);
                h.c.cycles.add(Privilege::User, cost);
                h.mode = Privilege::User;
                h.set_load_dest(None);
                h.redirect_fetch();
            }
            UintrEvent::Return => {
                let cost = self.k.costs.xret;
                h.c.uintr_returns.inc(mode);
                h.c.uintr_cycles.add(mode, cost);
                h.c.cycles.add(mode, cost);
                h.retire_work |= RETIRE_REDIRECT;
            }
        }
    }

    fn wait_for_interrupt(&mut self, _hart: usize) {
        let h = &mut *self.h;
        h.c.wfi.inc(h.mode);
    }

    fn idle(&mut self, hart: usize, cycles: u64) {
        debug_assert_eq!(hart, self.hart);
        self.h.c.idle_cycles += cycles;
    }

    /// This hart's clock (`hart` is always this one).
    #[inline(always)]
    fn cycles(&self, hart: usize) -> Option<u64> {
        debug_assert_eq!(hart, self.hart);
        Some(self.h.cycles())
    }

    fn clock_hz(&self) -> Option<u64> {
        Some(self.k.clock_hz)
    }

    fn cycles_by_mode(&self, hart: usize) -> Option<[u64; 3]> {
        debug_assert_eq!(hart, self.hart);
        Some(self.h.cycles_by_mode())
    }
}

/// Every event goes to its hart's part ([`TimingModel::hart_part`]); a
/// hart that runs asks for that part once (`for_hart`).
impl TimingSink for TimingModel {
    type ForHart<'a> = ModelHart<'a>;

    #[inline(always)]
    fn for_hart(&mut self, hart: usize) -> ModelHart<'_> {
        self.hart_part(hart)
    }
    sim_core::forward_hart_events!(self, hart => self.hart_part(hart));

    fn idle(&mut self, hart: usize, cycles: u64) {
        if hart < self.harts.len() {
            self.add_idle_cycles(hart, cycles);
        }
    }
    fn cycles(&self, hart: usize) -> Option<u64> {
        self.harts.get(hart).map(HartState::cycles)
    }
    fn clock_hz(&self) -> Option<u64> {
        Some(self.k.clock_hz)
    }
    fn cycles_by_mode(&self, hart: usize) -> Option<[u64; 3]> {
        self.harts.get(hart).map(HartState::cycles_by_mode)
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
    mem: &mut MemPart<'_>,
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
    if translated && h.translates(mode) {
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
    let latency = mem.fetch(paddr, mode);
    let miss = latency - mem.l1i_hit_latency().min(latency);
    h.c.stall_icache.add(mode, miss);
    stall + miss
}

/// The stall cycles of the data accesses of the instruction now retiring
/// (or trapping): those charged already, then the queued ones, charged
/// now in order.
#[inline(always)]
fn drain(k: &Fixed, h: &mut HartState, mem: &mut MemPart<'_>) -> u64 {
    if h.retire_work & RETIRE_PENDING == 0 {
        return 0;
    }
    h.retire_work &= !RETIRE_PENDING;
    let stall = std::mem::take(&mut h.data_stall);
    // Nearly always none or one queued: that one inline.
    stall
        + match std::mem::take(&mut h.pending_len) {
            0 => 0,
            1 => data_access(k, h, mem, 0),
            n => drain_several(k, h, mem, n),
        }
}

/// [`drain`] of `n` accesses, in order.
#[inline(never)]
fn drain_several(k: &Fixed, h: &mut HartState, mem: &mut MemPart<'_>, n: usize) -> u64 {
    let mut stall = 0;
    for i in 0..n.min(MAX_PENDING) {
        stall += data_access(k, h, mem, i);
    }
    stall
}

/// A branch's prediction (and its penalty or taken-redirect bubble) or a
/// jump's redirect bubble: the cycles it adds, counted by `mode`.
#[inline(always)]
fn control_flow(
    costs: &Costs,
    h: &mut HartState,
    mode: Privilege,
    class: InstClass,
    pc: u64,
    taken: bool,
) -> u64 {
    if class == InstClass::Jump {
        h.c.jumps.inc(mode);
        h.c.stall_redirect.add(mode, costs.taken_redirect);
        return costs.taken_redirect;
    }
    h.c.branches.inc(mode);
    if !h.bpred.predict_and_train(pc, taken) {
        h.c.mispredicts.inc(mode);
        h.c.stall_bpred.add(mode, costs.mispredict);
        costs.mispredict
    } else if taken {
        h.c.stall_redirect.add(mode, costs.taken_redirect);
        costs.taken_redirect
    } else {
        0
    }
}

/// The load-use bubble of an instruction in order after a load: a value
/// loaded right before is late (one register per instruction, so only
/// the last load counts); returns the stall cycles.
#[inline(always)]
fn load_use(k: &Fixed, h: &mut HartState, mode: Privilege, operands: &Operands) -> u64 {
    if h.retire_work & RETIRE_LOAD_DEST == 0 {
        return 0;
    }
    match h.load_dest {
        Some(reg) if operands.reads(reg) => {
            h.c.load_use_stalls.inc(mode);
            h.c.stall_load_use.add(mode, k.costs.load_use);
            k.costs.load_use
        }
        _ => 0,
    }
}

/// Whether an instruction of `class` may cost more than its class cost
/// when nothing else is pending: control flow (prediction, redirect) and
/// loads (the next instruction's load-use stall). One bit test.
#[inline(always)]
fn may_stall(class: InstClass) -> bool {
    const CLASSES: u32 = 1 << InstClass::Branch as u32
        | 1 << InstClass::Jump as u32
        | 1 << InstClass::Load as u32
        | 1 << InstClass::FpLoad as u32
        | 1 << InstClass::Amo as u32;
    CLASSES >> class as u32 & 1 != 0
}

/// The register an instruction of `class` loads, if it is a load.
#[inline(always)]
fn loaded(class: InstClass, operands: &Operands) -> Option<sim_core::Reg> {
    match class {
        InstClass::Load | InstClass::FpLoad | InstClass::Amo => operands.dest,
        _ => None,
    }
}

/// Queued data access `i` of a retiring instruction; returns its stall
/// cycles. It reads the fields it needs one by one: a copy of the whole
/// access would load what `mem_access` just stored in pieces, which the
/// host cannot forward.
#[inline(always)]
fn data_access(k: &Fixed, h: &mut HartState, mem: &mut MemPart<'_>, i: usize) -> u64 {
    let (vaddr, paddr) = (h.pending[i].vaddr, h.pending[i].paddr);
    let (write, mode) = (h.pending[i].write, h.pending[i].mode);
    let translate = !h.pending[i].physical && h.translates(mode);
    charge_data(k, h, mem, vaddr, paddr, write, mode, translate)
}

/// A data access through the DTLB (if `translate`) and the caches;
/// returns its stall cycles. The common case inline: a DTLB hit,
/// cacheable, and an L1D hit with no coherence action (made as the full
/// path would make it).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn charge_data(
    k: &Fixed,
    h: &mut HartState,
    mem: &mut MemPart<'_>,
    vaddr: u64,
    paddr: u64,
    write: bool,
    mode: Privilege,
    translate: bool,
) -> u64 {
    let mut stall = 0;
    if translate {
        h.c.dtlb_accesses.inc(mode);
        if !h.dtlb.lookup(vaddr, h.asid) {
            stall = dtlb_miss(k, h, vaddr, mode);
        }
    }
    if k.cacheable(paddr) && mem.data_hit(paddr, write, mode) {
        return stall;
    }
    stall + data_cache_in_full(k, h, mem, paddr, write, mode)
}

/// A DTLB miss the core's TLB hid (no walk reported): the page is filled
/// at the fixed walk latency, which it returns.
#[inline(never)]
fn dtlb_miss(k: &Fixed, h: &mut HartState, vaddr: u64, mode: Privilege) -> u64 {
    h.c.dtlb_misses.inc(mode);
    h.c.walks_fixed_latency.inc(mode);
    h.dtlb.insert(vaddr, h.asid, PAGE_BYTES);
    h.c.stall_tlb.add(mode, k.costs.walk_latency);
    k.costs.walk_latency
}

/// Everything a data access can do past the DTLB (the checks
/// [`charge_data`] made first changed nothing).
#[inline(never)]
fn data_cache_in_full(
    k: &Fixed,
    h: &mut HartState,
    mem: &mut MemPart<'_>,
    paddr: u64,
    write: bool,
    mode: Privilege,
) -> u64 {
    if !k.cacheable(paddr) {
        h.c.uncached_accesses.inc(mode);
        h.c.stall_uncached.add(mode, k.costs.uncached);
        return k.costs.uncached;
    }
    let latency = mem.data(paddr, write, mode);
    let miss = latency - mem.l1d_hit_latency().min(latency);
    h.c.stall_dcache.add(mode, miss);
    miss
}

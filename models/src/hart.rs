//! Timing state and counters of one hart: its TLBs and predictor, the
//! fetch line it is on, and what the memory accesses of the instruction
//! being executed cost (charged when it retires, in its mode; an access
//! that must wait for the instruction's fetch is queued until then).

use sim_core::{Privilege, Reg};

use crate::bpred::BranchPredictor;
use crate::config::Preset;
use crate::per_mode::PerMode;
use crate::tlb::Tlb;

/// No line / page fetched yet (or the fetch stream was redirected).
pub(crate) const NO_LINE: u64 = u64::MAX;

/// Longest page walk reported (Sv57 reads 5 PTEs) with room to spare.
pub(crate) const MAX_WALK: usize = 8;
/// Data accesses one instruction can make (a misaligned 8-byte access
/// split into bytes).
pub(crate) const MAX_PENDING: usize = 8;

/// Data accesses are queued (`pending_len != 0`) or cost stall cycles
/// not charged yet (`data_stall != 0`).
pub(crate) const RETIRE_PENDING: u8 = 1;
/// The instruction about to retire redirects fetch (xRET, satp write,
/// sfence.vma): restart the fetch stream after it.
pub(crate) const RETIRE_REDIRECT: u8 = 2;
/// A UIPI SEND was posted by the instruction about to retire.
pub(crate) const RETIRE_SEND: u8 = 4;
/// The core reports its fetches as `MemAccess::Fetch`: use those
/// (physical addresses) instead of deriving fetches from retired pcs.
pub(crate) const RETIRE_FETCH_EVENTS: u8 = 8;
/// The last retired instruction was a load (`load_dest` is set): the next
/// one is checked for a load-use stall.
pub(crate) const RETIRE_LOAD_DEST: u8 = 16;

/// A data access waiting for its instruction's fetch (at retirement).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pending {
    pub vaddr: u64,
    pub paddr: u64,
    pub write: bool,
    /// Made by physical address, past the TLB (a table read).
    pub physical: bool,
    pub mode: Privilege,
}

const NO_ACCESS: Pending = Pending {
    vaddr: 0,
    paddr: 0,
    write: false,
    physical: false,
    mode: Privilege::Machine,
};

/// Every counter of one hart. Cycle counters are charged to the mode the
/// cost was paid in; trap counts are split by the mode trapped from.
/// (`repr(C)`: the counters every instruction touches share cache lines.)
#[derive(Clone, Debug, Default)]
#[repr(C)]
pub struct HartCounters {
    pub cycles: PerMode,
    pub instret: PerMode,
    /// Stall cycles by cause (all included in `cycles`).
    pub stall_icache: PerMode,
    pub stall_dcache: PerMode,
    pub stall_uncached: PerMode,
    pub stall_tlb: PerMode,
    pub stall_bpred: PerMode,
    pub stall_redirect: PerMode,
    pub stall_load_use: PerMode,
    /// Instructions that waited for the load retired right before them.
    pub load_use_stalls: PerMode,
    pub itlb_accesses: PerMode,
    pub itlb_misses: PerMode,
    pub dtlb_accesses: PerMode,
    pub dtlb_misses: PerMode,
    /// Walks whose PTE reads the functional core reported (charged through
    /// the caches).
    pub walks: PerMode,
    pub walk_accesses: PerMode,
    /// Model TLB misses the functional core's TLB hid (no walk reported):
    /// charged `mmu.walk_latency`.
    pub walks_fixed_latency: PerMode,
    pub uncached_accesses: PerMode,
    pub tlb_flushes: PerMode,
    pub satp_switches: PerMode,
    pub branches: PerMode,
    pub mispredicts: PerMode,
    pub jumps: PerMode,
    pub exceptions: PerMode,
    pub interrupts: PerMode,
    pub trap_returns: PerMode,
    /// Trap entry and xRET cycles (incl. pipeline flushes), satp switches
    /// and TLB flushes.
    pub trap_cycles: PerMode,
    pub uintr_sends: PerMode,
    pub uintr_rejected: PerMode,
    pub uintr_delivered: PerMode,
    pub uintr_returns: PerMode,
    /// SEND, delivery and uret costs.
    pub uintr_cycles: PerMode,
    pub wfi: PerMode,
    /// Cycles spent waiting for an interrupt, as told by the machine.
    pub idle_cycles: u64,
}

/// (`repr(C)`: the fields every instruction reads come first, together.)
#[derive(Clone, Debug)]
#[repr(C)]
pub(crate) struct HartState {
    pub fetch_line: u64,
    pub fetch_page: u64,
    pub pending_len: usize,
    /// Stall cycles of the executing instruction's accesses charged so
    /// far, added to its mode's cycles when it retires (or traps).
    pub data_stall: u64,
    /// What the next retirement must do beyond the common case (the
    /// `RETIRE_*` bits); 0 lets it take the short path.
    pub retire_work: u8,
    /// Set by the first TLB fill: address translation is on, so S/U
    /// accesses consult the TLBs (the events do not carry satp's mode).
    pub translating: bool,
    /// Register the last retired instruction loaded, if it was a load
    /// (set through [`HartState::set_load_dest`], which keeps
    /// `RETIRE_LOAD_DEST` in step).
    pub load_dest: Option<Reg>,
    /// The mode the hart runs at, for events that name none: set by the
    /// events that change it (a trap, an xRET, a delivery) and by every
    /// retirement but those of the short path (which cannot change it).
    pub mode: Privilege,
    pub asid: u16,
    pub pending: [Pending; MAX_PENDING],
    pub c: HartCounters,
    pub itlb: Tlb,
    pub dtlb: Tlb,
    pub bpred: BranchPredictor,
    pub walk: [u64; MAX_WALK],
    pub walk_len: usize,
}

impl HartState {
    /// This hart's clock: cycles in every mode, idle ones included.
    #[inline(always)]
    pub fn cycles(&self) -> u64 {
        self.c.cycles.total() + self.c.idle_cycles
    }

    /// Its cycles by mode (as [`Privilege::index`]), idle ones apart.
    #[inline]
    pub fn cycles_by_mode(&self) -> [u64; 3] {
        Privilege::ALL.map(|p| self.c.cycles.get(p))
    }

    pub fn new(p: &Preset, hart: usize) -> Self {
        let seed = p.seed ^ ((hart as u64 + 1) << 32);
        HartState {
            itlb: Tlb::new(&p.itlb, seed),
            dtlb: Tlb::new(&p.dtlb, seed ^ 1),
            bpred: BranchPredictor::new(&p.bpred),
            asid: 0,
            translating: false,
            mode: Privilege::Machine,
            fetch_line: NO_LINE,
            fetch_page: NO_LINE,
            retire_work: 0,
            pending: [NO_ACCESS; MAX_PENDING],
            pending_len: 0,
            data_stall: 0,
            walk: [0; MAX_WALK],
            walk_len: 0,
            load_dest: None,
            c: HartCounters::default(),
        }
    }

    /// The fetch stream restarts (trap, xRET, redirect to a handler).
    #[inline]
    pub fn redirect_fetch(&mut self) {
        self.fetch_line = NO_LINE;
        self.fetch_page = NO_LINE;
    }

    /// Whether an access at `mode` goes through the TLBs (translation is
    /// on, and M-mode never translates).
    #[inline(always)]
    pub fn translates(&self, mode: Privilege) -> bool {
        self.translating && mode != Privilege::Machine
    }

    #[inline(always)]
    pub fn set_load_dest(&mut self, reg: Option<Reg>) {
        self.load_dest = reg;
        if reg.is_some() {
            self.retire_work |= RETIRE_LOAD_DEST;
        } else {
            self.retire_work &= !RETIRE_LOAD_DEST;
        }
    }
}

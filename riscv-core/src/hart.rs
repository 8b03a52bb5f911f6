//! Architectural state of one hart and its block-at-a-time run loop.
//!
//! Instruction semantics live in `execute.rs`; this file owns fetch (block
//! building), interrupt checks at block boundaries, trap delivery, and the
//! load/store paths shared by every memory instruction.

use crate::block_cache::{
    ends_block_at, starts_block, Block, BlockCache, BlockInst, Built, MAX_BLOCK_LEN,
};
use crate::bus::Bus;
use crate::csr::CsrFile;
use crate::decode::decode;
use crate::execute::Flow;
use crate::inst::{inst_len, DecodedInst, RegNum};
use crate::mmu::{AccessType, Mmu};
use crate::privileged;
use crate::sink_clock::SinkClock;
use crate::trap::{Exception, ExceptionCause, InterruptCause, Trap};
use sim_core::{
    AccessKind, HartCounters, MemAccess, Privilege, RegFile, Retired, TimingSink, TrapEvent,
};

const PAGE_SIZE: u64 = 4096;

/// What to do with a misaligned load/store (the spec allows either).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MisalignedPolicy {
    /// Perform the access byte by byte, as QEMU does.
    #[default]
    Emulate,
    /// Raise the address-misaligned exception for the OS to handle.
    Trap,
}

/// Outcome of running one block (or of finding the hart idle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockRun {
    /// Instructions retired.
    pub retired: u64,
    /// Traps taken (0 or 1). A trap is progress too: a guest whose every
    /// fetch faults must still reach its budget.
    pub traps: u64,
    /// The hart is (now) waiting for an interrupt.
    pub waiting: bool,
}

/// `repr(C)` with the integer registers first: the hart's address is the
/// register file's, one pointer fewer for the execute loop to keep.
#[repr(C)]
pub struct Hart {
    pub x: [u64; 32],
    pub id: usize,
    pub f: [u64; 32],
    pub pc: u64,
    pub privilege: Privilege,
    pub csr: CsrFile,
    pub mmu: Mmu,
    /// In WFI, waiting for an interrupt.
    pub waiting: bool,
    pub misaligned: MisalignedPolicy,
    /// Current CLINT time as this hart sees it (set by the machine).
    pub mtime: u64,
    /// The hart's view of a timing sink's clock, when the sink keeps time.
    pub clock: SinkClock,
    /// Set by instructions that invalidate decoded blocks (fence.i,
    /// sfence.vma, satp/PMP writes); applied after the instruction.
    pub(crate) flush_blocks: bool,
    /// Set by instructions that may change interrupt state (CSR writes,
    /// xRET, WFI, traps, device stores): the machine re-samples interrupt
    /// lines before running on.
    pub(crate) sync_request: bool,
    /// A CSR write set mcycle/minstret in the current block (its value
    /// then stands as written).
    pub(crate) counters_written: bool,
    /// The pc of the instruction accessing memory (or of the block being
    /// fetched), which a timing sink's memory events name; set only for a
    /// sink, by the ops that access memory.
    pub(crate) inst_pc: u64,
    /// Instructions retired by this hart (never written by the guest,
    /// unlike minstret).
    pub retired: u64,
    blocks: BlockCache,
    /// Always-on event counters (instructions per privilege, traps,
    /// user interrupts), kept per block and per trap so they cost nothing
    /// measurable; the region of interest is measured with them.
    pub counters: HartCounters,
}

impl Hart {
    pub fn new(id: usize) -> Self {
        Self {
            id,
            x: [0; 32],
            f: [0; 32],
            pc: 0,
            privilege: Privilege::Machine,
            csr: CsrFile::new(id as u64),
            mmu: Mmu::new(),
            waiting: false,
            misaligned: MisalignedPolicy::default(),
            mtime: 0,
            clock: SinkClock::default(),
            flush_blocks: false,
            sync_request: false,
            counters_written: false,
            inst_pc: 0,
            retired: 0,
            blocks: BlockCache::new(),
            counters: HartCounters::default(),
        }
    }

    /// Decoded blocks built so far (a decode-cache miss count).
    pub fn blocks_built(&self) -> u64 {
        self.blocks.misses
    }

    /// Blocks found unchanged after a flush, so not decoded again.
    pub fn blocks_reused(&self) -> u64 {
        self.blocks.reused
    }

    /// Whether the machine should re-sample interrupt lines now (clears
    /// the request).
    #[inline]
    pub fn take_sync_request(&mut self) -> bool {
        std::mem::take(&mut self.sync_request)
    }

    /// WFI ends when any interrupt is pending and enabled in mie, whatever
    /// the global enables say.
    pub fn wakeup_pending(&self) -> bool {
        self.csr.mip_value() & self.csr.mie != 0
    }

    /// Waiting in WFI with nothing (as last sampled) to end the wait.
    pub fn asleep(&self) -> bool {
        self.waiting && !self.wakeup_pending()
    }

    /// Takes a pending, enabled interrupt if there is one, and ends a WFI
    /// whenever an interrupt is pending and enabled in mie, even if the
    /// global enables keep it from being taken. Returns true if one was
    /// taken.
    pub fn check_interrupts<S: TimingSink>(&mut self, sink: &mut S) -> bool {
        if self.waiting && self.wakeup_pending() {
            self.waiting = false;
        }
        if let Some(cause) = privileged::pending_interrupt(&self.csr, self.privilege) {
            self.waiting = false;
            self.trap(Trap::Interrupt(cause), sink);
            return true;
        }
        false
    }

    /// Runs decoded blocks, chained, until `budget` instructions have
    /// retired or something the machine must look at happens: a trap, WFI,
    /// an instruction that may have changed interrupt state, or (with a
    /// sink that keeps time) the sink's clock reaching `clock.stop_at`.
    /// Not inlined: the block loop then has the registers to itself.
    #[inline(never)]
    pub fn run_block<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        budget: u64,
    ) -> BlockRun {
        // The cache is moved out while its blocks run, so a block can be
        // read while its instructions change the hart (a flush is applied
        // between blocks).
        let mut blocks = std::mem::replace(&mut self.blocks, BlockCache::DETACHED);
        // This hart's part of the sink, found once for the whole run.
        let mut sink = sink.for_hart(self.id);
        let run = self.run_cached(&mut blocks, bus, &mut sink, budget);
        self.blocks = blocks;
        run
    }

    #[inline(always)]
    fn run_cached<S: TimingSink>(
        &mut self,
        blocks: &mut BlockCache,
        bus: &mut Bus,
        sink: &mut S,
        budget: u64,
    ) -> BlockRun {
        // A request still pending on entry (a trap taken at the boundary)
        // lets one instruction run before the machine samples again.
        let budget = if self.sync_request { 1 } else { budget.max(1) };
        let mut retired = 0u64;
        let mut traps = 0u64;
        while !self.waiting && retired < budget {
            let slot = match blocks.lookup(self.pc, self.privilege) {
                Some(slot) => slot,
                None => {
                    let (slot, block) = blocks.slot_for(self.pc);
                    match self.refill(bus, sink, block) {
                        Ok(built) => blocks.finish(slot, built),
                        Err(e) => {
                            self.trap(Trap::Exception(e), sink);
                            traps = 1;
                            break;
                        }
                    }
                    slot
                }
            };
            let block = blocks.get(slot);
            // A block runs at one privilege (xRET and traps end it).
            let privilege = self.privilege;
            let left = budget - retired;
            // Near a timer deadline every instruction checks the sink's
            // clock; elsewhere the loop has no such check at all.
            let (n, trapped) = if S::ACTIVE && self.clock.exact {
                self.execute_block::<S, true>(block, left, bus, sink)
            } else {
                self.execute_block::<S, false>(block, left, bus, sink)
            };
            retired += n;
            traps = trapped as u64;
            self.count_retired(privilege, n);
            if self.flush_blocks {
                self.flush_blocks = false;
                blocks.flush();
            }
            if self.sync_request || self.clock.reached(sink, self.id) {
                break;
            }
        }
        self.retired += retired;
        BlockRun {
            retired,
            traps,
            waiting: self.waiting,
        }
    }

    /// Counts instructions retired at `privilege` since the last block
    /// lookup. mcycle/minstret are thus exact at every lookup, which is
    /// what the one instruction that can read them, a CSR op, needs: it
    /// runs alone in its block.
    #[inline(always)]
    fn count_retired(&mut self, privilege: Privilege, n: u64) {
        self.counters.instret[privilege.index()] += n;
        if self.counters_written {
            // The CSR op wrote mcycle/minstret: the value stands.
            self.counters_written = false;
        } else {
            self.csr.count_retired(n);
        }
    }

    /// Executes the instructions of `block` (which starts at `self.pc`) in
    /// order, at most `left` of them; returns how many retired and whether
    /// one trapped (pc then points at the handler). A taken branch before
    /// the last instruction leaves the block (a side exit). A block that
    /// jumps or branches back to its own start (a tight loop,
    /// `Block::loop_pc`) runs again at once, as long as a whole pass fits
    /// in `left` and a sink's clock does not say stop. With `EXACT` (the
    /// hart nears a timer deadline: the machine sets `clock.exact` between
    /// runs), every instruction checks the sink's clock.
    #[inline(always)]
    fn execute_block<S: TimingSink, const EXACT: bool>(
        &mut self,
        block: &Block,
        left: u64,
        bus: &mut Bus,
        sink: &mut S,
    ) -> (u64, bool) {
        let start = self.pc;
        let insts = &block.insts[..block.insts.len().min(left as usize)];
        let whole_pass = block.insts.len() as u64;
        let pc_of = |b: &BlockInst| start.wrapping_add(b.offset as u64);
        let after = |b: &BlockInst| pc_of(b).wrapping_add(b.inst.len as u64);
        // Retired in this pass so far, counting `b`.
        let done = |b: &BlockInst| b.index as u64 + 1;
        // What a timing sink is told of instruction `i` when it falls
        // through, by the loop's own count (no index read from the
        // instruction); sliced only for a sink, so that a functional run
        // pays nothing for it.
        let records: &[Retired] = if S::ACTIVE {
            &block.retired[..insts.len()]
        } else {
            &[]
        };
        let record = |i: usize| &records[i];
        // The budget left once this pass is done (if it is whole): a pass
        // costs one subtraction, and what earlier passes retired follows.
        let first_rest = left.saturating_sub(whole_pass);
        let mut rest = first_rest;
        'pass: loop {
            let earlier = first_rest - rest;
            for (i, b) in insts.iter().enumerate() {
                match self.execute(b, start, bus, sink) {
                    // The common case costs nothing more than the loop.
                    Ok(Flow::Next) if !S::ACTIVE => continue,
                    Ok(Flow::Next) => {}
                    Ok(Flow::Stop) => {
                        self.pc = after(b);
                        if S::ACTIVE {
                            sink.retire(self.id, record(i));
                        }
                        return (earlier + done(b), false);
                    }
                    Ok(Flow::Jump(target)) => {
                        if S::ACTIVE {
                            let fall_through = record(i);
                            sink.retire(
                                self.id,
                                &Retired {
                                    taken: target != fall_through.next_pc,
                                    next_pc: target,
                                    ..*fall_through
                                },
                            );
                        }
                        // Only a block's last instruction can branch to
                        // its start: a branch back ends a block
                        // (`ends_block_at`), so one before the last
                        // branches forward.
                        if target == block.loop_pc
                            && rest >= whole_pass
                            && !self.clock.reached(sink, self.id)
                        {
                            debug_assert_eq!(done(b), whole_pass);
                            debug_assert!(!self.sync_request && !self.flush_blocks);
                            rest -= whole_pass;
                            continue 'pass;
                        }
                        if target == after(b) {
                            // A branch not taken: the block runs on. A
                            // block used to end here, and a sink's clock
                            // is still read here as at a block's end, so
                            // a hart stops where it always did.
                            if self.clock.reached(sink, self.id) {
                                self.pc = target;
                                return (earlier + done(b), false);
                            }
                            continue;
                        }
                        self.pc = target;
                        return (earlier + done(b), false);
                    }
                    Err(e) => {
                        self.pc = pc_of(b);
                        self.trap(Trap::Exception(e), sink);
                        return (earlier + done(b) - 1, true);
                    }
                }
                // Only a timing sink gets here (Flow::Next).
                sink.retire(self.id, record(i));
                // A sink's clock reaching a timer deadline ends the block,
                // so the interrupt is taken at this instruction boundary.
                if EXACT && self.clock.reached(sink, self.id) {
                    self.pc = after(b);
                    return (earlier + done(b), false);
                }
            }
            // Every instruction went on to the next: pc follows the last.
            self.pc = after(insts.last().expect("a block is never empty"));
            return (earlier + insts.len() as u64, false);
        }
    }

    /// Delivers a trap: updates the privileged state and redirects pc.
    pub fn trap<S: TimingSink>(&mut self, trap: Trap, sink: &mut S) {
        self.sync_request = true;
        let from = self.privilege;
        let (pc, to) = privileged::take_trap(&mut self.csr, trap, self.pc, from);
        let (interrupt, cause, tval) = match trap {
            Trap::Exception(e) => (false, e.cause as u64, e.tval),
            Trap::Interrupt(i) => (true, i as u64, 0),
        };
        // A user interrupt is delivered in U-mode without a privilege
        // change: it is not a trap for the counters or the timing model.
        let uintr = interrupt && cause == InterruptCause::UserSoftware as u64;
        if uintr {
            self.counters.uintr_delivered += 1;
            if S::ACTIVE {
                sink.uintr(self.id, sim_core::UintrEvent::Delivered);
            }
        } else if interrupt {
            self.counters.interrupts_from[from.index()] += 1;
        } else {
            self.counters.exceptions_from[from.index()] += 1;
            if cause == ExceptionCause::EcallFromU as u64 {
                self.counters.ecalls_from_user += 1;
            }
        }
        if S::ACTIVE && !uintr {
            sink.trap(
                self.id,
                &TrapEvent {
                    interrupt,
                    cause,
                    from,
                    to,
                    pc: self.pc,
                    tval,
                },
            );
        }
        self.pc = pc;
        self.privilege = to;
    }

    /// Decodes the block at pc into `block` (a cache slot, left invalid on
    /// an error), unless the slot already holds it from before a flush and
    /// it still decodes the same (`Built::Reused`): a satp write or an
    /// sfence.vma flushes every block, and most come back unchanged.
    /// Not inlined (once per block built): inlined, it took registers
    /// the block loop needs, which then reloaded the hart per instruction.
    #[inline(never)]
    fn build_block<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        block: &mut Block,
    ) -> Result<Built, Exception> {
        let start = self.pc;
        self.inst_pc = start;
        // Positions are offsets from `start` (pc = start + off), bounded
        // by the bytes left on the page, so that nothing overflows at the
        // top of the address space (addresses wrap there).
        let mut off = 0u64;
        let page_left = PAGE_SIZE - (start & (PAGE_SIZE - 1));
        let page_pa = match self.fetch_translate(start, bus, sink) {
            Ok(pa) => pa,
            Err(e) => {
                self.report_failed_walk(sink);
                return Err(e);
            }
        };
        let pa_of = |off: u64| page_pa.wrapping_add(off);
        let pc_of = |off: u64| start.wrapping_add(off);
        // PMP may be finer than a page: every instruction's bytes must be
        // executable, not just the block's first ones. One check of the
        // rest of the page usually settles it for all of them (the entry
        // that grants a range grants every part of it).
        // A flushed block kept for reuse from this place was granted it,
        // and still is if PMP did not change since.
        let kept = block.kept_for(start, page_pa, self.privilege);
        let rest_executable = (kept && block.pmp_generation == self.csr.pmp.generation())
            || self
                .csr
                .pmp
                .check(page_pa, page_left, AccessType::Fetch, self.privilege);
        // Then it is what a decode would give if RAM still holds its bytes.
        // The translation above is all a reused block costs in events, as
        // it is all a decode costs in them.
        if kept && rest_executable && Self::holds(bus, page_pa, &block.bytes) {
            return Ok(Built::Reused);
        }
        block.start(start, page_pa, self.privilege);
        loop {
            let pc = pc_of(off);
            let lo = Self::fetch_u16(bus, pa_of(off))
                .ok_or(Exception::new(ExceptionCause::InstructionAccessFault, pc))?;
            let raw = if inst_len(lo) == 2 {
                lo as u32
            } else if off + 2 < page_left {
                let hi = Self::fetch_u16(bus, pa_of(off + 2)).ok_or(Exception::new(
                    ExceptionCause::InstructionAccessFault,
                    pc_of(off + 2),
                ))?;
                lo as u32 | (hi as u32) << 16
            } else {
                // A 32-bit instruction straddling the page end: its upper
                // half needs a translation of its own (which checks PMP).
                // Its lower half needs no PMP check of its own: PMP grants
                // per 4-byte granule, and that granule's first half is the
                // end of the instruction before it, already checked (if
                // there is none, the block's start was checked).
                // Without instructions before it, the fault is taken now;
                // else the block ends and its next run faults (and walks)
                // again.
                self.inst_pc = pc;
                let hi_pa = match self.fetch_translate(pc_of(off + 2), bus, sink) {
                    Ok(pa) => pa,
                    Err(e) if block.is_empty() => {
                        self.report_failed_walk(sink);
                        return Err(e);
                    }
                    Err(_) => break,
                };
                let hi = match Self::fetch_u16(bus, hi_pa) {
                    Some(h) => h,
                    None if block.is_empty() => {
                        return Err(Exception::new(
                            ExceptionCause::InstructionAccessFault,
                            pc_of(off + 2),
                        ))
                    }
                    None => break,
                };
                let inst = decode(lo as u32 | (hi as u32) << 16);
                if starts_block(inst.op) && !block.is_empty() {
                    // (its page's translation, now in the TLB, is reused
                    // when its own block is built)
                    break;
                }
                block.push(inst, off as u16);
                break;
            };
            let inst: DecodedInst = decode(raw);
            if starts_block(inst.op) && !block.is_empty() {
                // Its bytes decide where this block ends: kept with it.
                if rest_executable {
                    self.keep_bytes(bus, block, off + inst.len as u64);
                }
                break;
            }
            if !rest_executable
                && !self.csr.pmp.check(
                    pa_of(off),
                    inst.len as u64,
                    AccessType::Fetch,
                    self.privilege,
                )
            {
                if block.is_empty() {
                    return Err(Exception::new(ExceptionCause::InstructionAccessFault, pc));
                }
                break;
            }
            block.push(inst, off as u16);
            off += inst.len as u64;
            if ends_block_at(&inst) || block.insts.len() >= MAX_BLOCK_LEN || off >= page_left {
                // Self-contained: kept for a reuse check after a flush.
                if rest_executable {
                    self.keep_bytes(bus, block, off);
                }
                break;
            }
        }
        Ok(Built::Decoded)
    }

    /// Makes `block` (the slot for pc) the block at pc: the one kept there
    /// if it still is (`still_valid`), else a new one (`build_block`).
    /// Out of line, so that the block loop's code is the same with it.
    #[inline(never)]
    fn refill<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        block: &mut Block,
    ) -> Result<Built, Exception> {
        if self.still_valid(bus, block) {
            return Ok(Built::Reused);
        }
        self.build_block(bus, sink, block)
    }

    /// Whether `block`, kept from before a flush (`Block::bytes`), is the
    /// block `build_block` would give at pc now, found without a call: the
    /// host TLB maps pc's page for a fetch to where it was built, PMP did
    /// not change, and RAM still holds its bytes. A host TLB hit is what
    /// the MMU would give without a walk, so it reports nothing to a sink,
    /// as `build_block` would not. This is the common way back after a
    /// satp write or sfence.vma (each flushes the cache): the first block
    /// on a page fills the host entry in `build_block`, the others on the
    /// page need no more than this.
    #[inline(always)]
    fn still_valid(&self, bus: &Bus, block: &Block) -> bool {
        let Some(paddr) = self.host_fetch_paddr(bus, self.pc) else {
            return false;
        };
        block.kept_for(self.pc, paddr, self.privilege)
            && block.pmp_generation == self.csr.pmp.generation()
            && Self::holds(bus, paddr, &block.bytes)
    }

    /// Keeps the `len` bytes from `block`'s start, all on its page and
    /// executable by PMP, for a reuse check after a flush: they are all
    /// that decoding there again reads, so the same bytes make the same
    /// block.
    fn keep_bytes(&self, bus: &Bus, block: &mut Block, len: u64) {
        if let Some(bytes) = bus.ram_slice(block.paddr, len) {
            block.bytes.extend_from_slice(bytes);
            block.pmp_generation = self.csr.pmp.generation();
        }
    }

    /// Whether RAM holds `bytes` at `paddr`.
    fn holds(bus: &Bus, paddr: u64, bytes: &[u8]) -> bool {
        bus.ram_slice(paddr, bytes.len() as u64) == Some(bytes)
    }

    /// The physical address of the instruction bytes at `vaddr` if the
    /// host TLB's fetch table holds its page (what the MMU would give
    /// without a walk).
    #[inline(always)]
    fn host_fetch_paddr(&self, bus: &Bus, vaddr: u64) -> Option<u64> {
        let ram_base = bus.ram_base();
        let host = self.mmu.host();
        let off = host.fetch_offset(vaddr, self.privilege, &self.csr, ram_base)?;
        Some(ram_base.wrapping_add(off as u64))
    }

    /// The physical address of the instruction bytes at `vaddr`: through
    /// the host TLB's fetch table when it holds the page (no walk, no
    /// event), else a full translation, whose page then goes there if it
    /// qualifies (`Mmu::fill_host`).
    fn fetch_translate<S: TimingSink>(
        &mut self,
        vaddr: u64,
        bus: &mut Bus,
        sink: &mut S,
    ) -> Result<u64, Exception> {
        if let Some(paddr) = self.host_fetch_paddr(bus, vaddr) {
            return Ok(paddr);
        }
        let t = self
            .mmu
            .translate(vaddr, 2, AccessType::Fetch, self.privilege, &self.csr, bus)?;
        if S::ACTIVE && t.walked {
            self.report_walk(sink, vaddr, true);
        }
        self.fill_host(bus, AccessType::Fetch, vaddr, t.paddr);
        Ok(t.paddr)
    }

    #[inline]
    fn fetch_u16(bus: &mut Bus, paddr: u64) -> Option<u16> {
        bus.read(paddr, 2).map(|v| v as u16)
    }

    // ---- register helpers -------------------------------------------------

    #[inline(always)]
    pub(crate) fn set_x<S: TimingSink>(&mut self, sink: &mut S, rd: RegNum, value: u64) {
        if S::ACTIVE && rd != RegNum::R0 {
            sink.reg_write(self.id, RegFile::Int, rd.num(), value);
        }
        // Writing x0 and zeroing it again is cheaper than a branch.
        self.x[rd.index()] = value;
        self.x[0] = 0;
    }

    /// `set_x` for the ops in `block_cache::writes_only_rd`, whose x0 forms
    /// the block builder turns into `Op::Hint`: rd is never 0 here, so x0
    /// needs no re-zeroing.
    #[inline(always)]
    pub(crate) fn set_rd<S: TimingSink>(&mut self, sink: &mut S, rd: RegNum, value: u64) {
        debug_assert_ne!(rd, RegNum::R0, "x0 forms run as Op::Hint");
        if S::ACTIVE {
            sink.reg_write(self.id, RegFile::Int, rd.num(), value);
        }
        self.x[rd.index()] = value;
    }

    #[inline(always)]
    pub(crate) fn set_f<S: TimingSink>(&mut self, sink: &mut S, rd: RegNum, value: u64) {
        self.f[rd.index()] = value;
        if S::ACTIVE {
            sink.reg_write(self.id, RegFile::Float, rd.num(), value);
        }
    }

    // ---- memory access ----------------------------------------------------

    #[inline(always)]
    fn translate_data<S: TimingSink>(
        &mut self,
        sink: &mut S,
        vaddr: u64,
        size: u8,
        access: AccessType,
        bus: &mut Bus,
    ) -> Result<u64, Exception> {
        let t = match self
            .mmu
            .translate(vaddr, size as u64, access, self.privilege, &self.csr, bus)
        {
            Ok(t) => t,
            Err(e) => {
                self.report_failed_walk(sink);
                return Err(e);
            }
        };
        if S::ACTIVE && t.walked {
            self.report_walk(sink, vaddr, false);
        }
        Ok(t.paddr)
    }

    /// Loads `size` bytes (1, 2, 4, 8) zero-extended.
    #[inline(always)]
    pub(crate) fn load<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
    ) -> Result<u64, Exception> {
        // Fast path: RAM through a page this hart checked, or M-mode's
        // straight to RAM (host_tlb.rs); never taken by a misaligned access.
        let host = self.mmu.host();
        if let Some(off) = host.load_offset(vaddr, size, self.privilege, &self.csr, bus.ram_base())
        {
            if let Some(value) = bus.ram_read_aligned(off, size) {
                if S::ACTIVE {
                    let paddr = bus.ram_base() + off as u64;
                    self.report_access(sink, AccessKind::Load, vaddr, paddr, size, value);
                }
                return Ok(value);
            }
        }
        self.load_slow(bus, sink, vaddr, size)
    }

    /// A load the fast path did not serve (misaligned, not RAM, or no host
    /// TLB entry yet): the full checks, then a fill so that the next access
    /// to the page can skip them.
    #[inline(never)]
    fn load_slow<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
    ) -> Result<u64, Exception> {
        if vaddr & (size as u64 - 1) != 0 {
            return self.load_misaligned(bus, sink, vaddr, size);
        }
        let (value, paddr) = self.load_aligned(bus, sink, vaddr, size)?;
        self.fill_host(bus, AccessType::Load, vaddr, paddr);
        Ok(value)
    }

    #[inline(always)]
    fn fill_host(&mut self, bus: &Bus, access: AccessType, vaddr: u64, paddr: u64) {
        self.mmu.fill_host(
            access,
            vaddr,
            paddr,
            self.privilege,
            &self.csr,
            bus.ram_base(),
            bus.ram_size(),
        );
    }

    /// An aligned load: translate, read, report. Returns (value, paddr).
    #[inline(always)]
    fn load_aligned<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
    ) -> Result<(u64, u64), Exception> {
        let paddr = self.translate_data(sink, vaddr, size, AccessType::Load, bus)?;
        let value = bus
            .read(paddr, size)
            .ok_or(Exception::new(ExceptionCause::LoadAccessFault, vaddr))?;
        if S::ACTIVE {
            self.report_access(sink, AccessKind::Load, vaddr, paddr, size, value);
        }
        Ok((value, paddr))
    }

    #[cold]
    fn load_misaligned<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
    ) -> Result<u64, Exception> {
        if self.misaligned == MisalignedPolicy::Trap {
            return Err(Exception::new(ExceptionCause::LoadMisaligned, vaddr));
        }
        let mut value = 0u64;
        for i in 0..size as u64 {
            value |= self.load(bus, sink, vaddr.wrapping_add(i), 1)? << (8 * i);
        }
        Ok(value)
    }

    /// Stores the low `size` bytes of `value`.
    #[inline(always)]
    pub(crate) fn store<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
        value: u64,
    ) -> Result<(), Exception> {
        // Fast path: RAM through a page this hart checked, or M-mode's
        // straight to RAM (host_tlb.rs); never taken by a misaligned access.
        let host = self.mmu.host();
        if let Some(off) = host.store_offset(vaddr, size, self.privilege, &self.csr, bus.ram_base())
        {
            if bus.ram_write_aligned(off, size, value) {
                let paddr = bus.ram_base() + off as u64;
                bus.reservations.on_store(self.id, paddr, size);
                if S::ACTIVE {
                    let data = value & size_mask(size);
                    self.report_access(sink, AccessKind::Store, vaddr, paddr, size, data);
                }
                return Ok(());
            }
        }
        self.store_slow(bus, sink, vaddr, size, value)
    }

    /// A store the fast path did not serve (misaligned, not RAM, or no host
    /// TLB entry yet): the full checks, then a fill so that the next access
    /// to the page can skip them.
    #[inline(never)]
    fn store_slow<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
        value: u64,
    ) -> Result<(), Exception> {
        if vaddr & (size as u64 - 1) != 0 {
            return self.store_misaligned(bus, sink, vaddr, size, value);
        }
        let paddr = self.translate_data(sink, vaddr, size, AccessType::Store, bus)?;
        self.store_phys(bus, sink, vaddr, paddr, size, value, AccessKind::Store)?;
        self.fill_host(bus, AccessType::Store, vaddr, paddr);
        Ok(())
    }

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn store_phys<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        paddr: u64,
        size: u8,
        value: u64,
        kind: AccessKind,
    ) -> Result<(), Exception> {
        if !bus.write(paddr, size, value) {
            return Err(Exception::new(ExceptionCause::StoreAccessFault, vaddr));
        }
        if !bus.is_ram(paddr) {
            // A device store may raise or clear an interrupt line.
            self.sync_request = true;
        }
        bus.reservations.on_store(self.id, paddr, size);
        if S::ACTIVE {
            self.report_access(sink, kind, vaddr, paddr, size, value & size_mask(size));
        }
        Ok(())
    }

    #[cold]
    fn store_misaligned<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
        value: u64,
    ) -> Result<(), Exception> {
        if self.misaligned == MisalignedPolicy::Trap {
            return Err(Exception::new(ExceptionCause::StoreMisaligned, vaddr));
        }
        // Translate every byte first so a fault leaves memory untouched.
        let mut paddrs = [0u64; 8];
        for (i, pa) in paddrs.iter_mut().enumerate().take(size as usize) {
            *pa = self.translate_data(
                sink,
                vaddr.wrapping_add(i as u64),
                1,
                AccessType::Store,
                bus,
            )?;
        }
        for (i, pa) in paddrs.iter().enumerate().take(size as usize) {
            let byte = (value >> (8 * i)) & 0xff;
            self.store_phys(bus, sink, vaddr + i as u64, *pa, 1, byte, AccessKind::Store)?;
        }
        Ok(())
    }

    /// Atomic read-modify-write of an aligned word/doubleword: returns the
    /// old value and writes `op(old)`.
    #[inline]
    pub(crate) fn amo<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
        op: impl FnOnce(u64) -> u64,
    ) -> Result<u64, Exception> {
        if vaddr & (size as u64 - 1) != 0 {
            // AMOs are never emulated when misaligned.
            return Err(Exception::new(ExceptionCause::StoreMisaligned, vaddr));
        }
        let paddr = self.translate_data(sink, vaddr, size, AccessType::Store, bus)?;
        let old = bus
            .read(paddr, size)
            .ok_or(Exception::new(ExceptionCause::StoreAccessFault, vaddr))?;
        self.store_phys(bus, sink, vaddr, paddr, size, op(old), AccessKind::Amo)?;
        Ok(old)
    }

    /// Load-reserved: loads and reserves the physical address.
    pub(crate) fn load_reserved<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
    ) -> Result<u64, Exception> {
        if vaddr & (size as u64 - 1) != 0 {
            return Err(Exception::new(ExceptionCause::LoadMisaligned, vaddr));
        }
        let (value, paddr) = self.load_aligned(bus, sink, vaddr, size)?;
        bus.reservations.reserve(self.id, paddr);
        Ok(value)
    }

    /// Store-conditional: returns 0 on success, 1 on failure.
    pub(crate) fn store_conditional<S: TimingSink>(
        &mut self,
        bus: &mut Bus,
        sink: &mut S,
        vaddr: u64,
        size: u8,
        value: u64,
    ) -> Result<u64, Exception> {
        if vaddr & (size as u64 - 1) != 0 {
            return Err(Exception::new(ExceptionCause::StoreMisaligned, vaddr));
        }
        let paddr = self.translate_data(sink, vaddr, size, AccessType::Store, bus)?;
        if !bus.reservations.take(self.id, paddr) {
            return Ok(1);
        }
        self.store_phys(bus, sink, vaddr, paddr, size, value, AccessKind::Amo)?;
        Ok(0)
    }

    /// Tells the timing model about a load, store or AMO.
    #[inline(always)]
    fn report_access<S: TimingSink>(
        &self,
        sink: &mut S,
        kind: AccessKind,
        vaddr: u64,
        paddr: u64,
        size: u8,
        data: u64,
    ) {
        sink.mem_access(
            self.id,
            &MemAccess {
                kind,
                pc: self.inst_pc,
                vaddr,
                paddr,
                size,
                data,
                privilege: self.privilege,
            },
        );
    }

    /// Tells the timing model about a page walk: its PTE reads and the
    /// TLB fill that followed.
    #[cold]
    fn report_walk<S: TimingSink>(&self, sink: &mut S, vaddr: u64, fetch: bool) {
        self.report_pte_reads(sink);
        let page_size = self.mmu.last_walk_page_size();
        sink.tlb_fill(self.id, vaddr, fetch, self.privilege, page_size);
    }

    /// A translation failed: the PTE reads of its walk (if it walked)
    /// still cost their time, before the fault is taken.
    #[inline(always)]
    fn report_failed_walk<S: TimingSink>(&self, sink: &mut S) {
        if S::ACTIVE && !self.mmu.last_walk().is_empty() {
            self.report_pte_reads(sink);
        }
    }

    #[cold]
    fn report_pte_reads<S: TimingSink>(&self, sink: &mut S) {
        for &pte in self.mmu.last_walk() {
            sink.mem_access(
                self.id,
                &MemAccess {
                    kind: AccessKind::PageWalk,
                    pc: self.inst_pc,
                    vaddr: pte,
                    paddr: pte,
                    size: 8,
                    data: 0,
                    privilege: Privilege::Supervisor,
                },
            );
        }
    }
}

#[inline(always)]
pub(crate) fn size_mask(size: u8) -> u64 {
    if size >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * size)) - 1
    }
}

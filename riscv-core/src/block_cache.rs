//! Decoded-block cache: instruction decode is paid once per block, not per
//! execution.
//!
//! A block is a run of decoded instructions starting at a virtual pc that
//! ends at the first jump or system instruction, at a page end, or at
//! `MAX_BLOCK_LEN`. A forward conditional branch does not end it: where one
//! is not taken the block runs on, where one is taken the run leaves the
//! block (`Hart::execute_block`), so a block holds a path with its side
//! exits. A branch back (a loop) does end it (`ends_block_at`). Blocks are
//! tagged with (pc, privilege); the whole cache is flushed whenever the
//! mapping from virtual pc to instruction bits may have changed in a way
//! the architecture makes visible: fence.i, sfence.vma, satp and PMP
//! writes. A flush moves the cache to a new epoch;
//! a flushed slot keeps its allocations and its block, which the hart
//! reuses if decoding again would give the same block (`Built::Reused`).
//!
//! A CSR op always runs alone in its block (it starts and ends one): it is
//! the only instruction that can read mcycle/minstret, and the hart settles
//! those counters at block ends.

use crate::inst::{DecodedInst, Op, RegNum};
use crate::operands::operands_of;
use sim_core::{InstClass, Privilege, Retired};

pub const MAX_BLOCK_LEN: usize = 64;
/// Slots (a power of two): the hot code of the kernel, the firmware and
/// a workload's processes, a few thousand blocks, fits with few conflicts.
const CACHE_SETS: usize = 16384;

/// A decoded instruction and its byte offset from the block's start: pc
/// is computed from the offset, so it is not a value carried from one
/// instruction to the next (which would be a dependency chain through
/// memory once the compiler spills it).
#[derive(Clone, Copy, Debug)]
pub struct BlockInst {
    pub inst: DecodedInst,
    pub offset: u16,
    /// Its position in the block: how many instructions retired before
    /// it in one pass (the loop need not count them).
    pub index: u8,
}

pub struct Block {
    pub pc: u64,
    /// Physical address of `pc` (a block never crosses a page, so the
    /// others follow by offset); only timing models read it.
    pub paddr: u64,
    pub privilege: Privilege,
    /// The cache epoch this block was built in; older epochs were flushed.
    epoch: u64,
    /// Its instruction bytes, when it is in RAM and its end follows from
    /// its own instructions (a control-flow or system op, the length
    /// limit, the page end) or from a CSR op after it on the page (whose
    /// bytes are then kept too), not from PMP, a fetch fault or an
    /// instruction on the next page: the same bytes at the same place
    /// make the same block, so a flush need not decode it again (one
    /// compare with RAM says). Empty otherwise: never reused.
    pub(crate) bytes: Vec<u8>,
    /// `Pmp::generation` when `bytes` were kept: PMP granted the rest of
    /// the page then, and grants it again while the generation stands.
    pub(crate) pmp_generation: u64,
    /// `pc` when the block ends with a jump or branch, which may rerun it
    /// at once (`Hart::execute_block`); else `NO_LOOP`. Those ops never
    /// ask the machine to look (`sync_request`) or flush blocks, and the
    /// ops before them in the block did not either (they would have ended
    /// it), so a jump to this pc needs no further check to go round.
    pub loop_pc: u64,
    pub insts: Vec<BlockInst>,
    /// What a timing sink is told when each of `insts` retires and goes
    /// on to the next instruction: everything about it is known at decode
    /// (a block runs at one privilege from one pc and physical page). A
    /// jump, branch or xRET, always last, gets its next pc at run time.
    /// Beside the instructions, not in them: the functional path never
    /// reads these, and a larger `BlockInst` slowed it down.
    pub retired: Vec<Retired>,
}

impl Block {
    const EMPTY: Block = Block {
        pc: 0,
        paddr: 0,
        privilege: Privilege::Machine,
        epoch: NO_EPOCH,
        bytes: Vec::new(),
        pmp_generation: 0,
        loop_pc: NO_LOOP,
        insts: Vec::new(),
        retired: Vec::new(),
    };

    /// Starts rebuilding this slot for a block at `pc` (physical `paddr`),
    /// to run at `privilege`: the slot is invalid until `finish`, and
    /// keeps its allocations (a flushed cache refills without malloc).
    pub fn start(&mut self, pc: u64, paddr: u64, privilege: Privilege) {
        self.epoch = NO_EPOCH;
        self.bytes.clear();
        self.loop_pc = NO_LOOP;
        self.pc = pc;
        self.paddr = paddr;
        self.privilege = privilege;
        self.insts.clear();
        self.retired.clear();
    }

    /// Appends a decoded instruction at `offset` bytes from the start.
    pub fn push(&mut self, inst: DecodedInst, offset: u16) {
        debug_assert!(self.insts.len() < MAX_BLOCK_LEN);
        let inst_pc = self.pc.wrapping_add(offset as u64);
        let class = crate::execute::class_of(inst.op);
        self.retired.push(Retired {
            pc: inst_pc,
            paddr: self.paddr.wrapping_add(offset as u64),
            raw: inst.raw,
            len: inst.len,
            class,
            privilege: self.privilege,
            taken: false,
            next_pc: inst_pc.wrapping_add(inst.len as u64),
            operands: operands_of(&inst),
        });
        // After the record above, which keeps the op's own class and
        // operands: only execution changes.
        let mut inst = inst;
        if inst.rd == RegNum::R0 && writes_only_rd(inst.op) {
            inst.op = Op::Hint;
        }
        // The plain jumps and branches only redirect pc (and jal/jalr
        // write rd). Only the last instruction's decides: a block whose
        // last instruction is another op has no loop.
        self.loop_pc = if matches!(class, InstClass::Jump | InstClass::Branch) {
            self.pc
        } else {
            NO_LOOP
        };
        self.insts.push(BlockInst {
            inst,
            offset,
            index: self.insts.len() as u8,
        });
    }

    /// Whether this block was kept for reuse (see `bytes`) and built from
    /// `pc`, physical `paddr`, at `privilege`: then only RAM and PMP can
    /// have changed what decoding there would give.
    pub fn kept_for(&self, pc: u64, paddr: u64, privilege: Privilege) -> bool {
        !self.bytes.is_empty()
            && self.pc == pc
            && self.paddr == paddr
            && self.privilege == privilege
    }

    pub fn is_empty(&self) -> bool {
        self.insts.is_empty()
    }
}

/// How a slot came to hold the block it was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Built {
    Decoded,
    /// Built before a flush, and checked to be what a decode would give.
    Reused,
}

/// Never a jump target: pcs are even (IALIGN is 16 with C).
pub const NO_LOOP: u64 = 1;

/// No cache is ever in this epoch: a slot being built, or never used.
const NO_EPOCH: u64 = u64::MAX;

pub struct BlockCache {
    slots: Vec<Block>,
    /// Slots built in an older epoch are empty: a flush is one increment.
    epoch: u64,
    /// Number of lookups that had to decode (stats).
    pub misses: u64,
    /// Number of lookups that found a flushed block still valid (stats).
    pub reused: u64,
}

impl Default for BlockCache {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockCache {
    /// A cache without slots: what a hart holds while its real cache is
    /// moved out to run blocks (see `Hart::run_block`). Never looked up.
    pub const DETACHED: BlockCache = BlockCache {
        slots: Vec::new(),
        epoch: 0,
        misses: 0,
        reused: 0,
    };

    pub fn new() -> Self {
        Self {
            slots: (0..CACHE_SETS).map(|_| Block::EMPTY).collect(),
            epoch: 0,
            misses: 0,
            reused: 0,
        }
    }

    /// Fibonacci hashing of the half-word address: kernel, firmware and
    /// user code share no low-bit pattern, and an XOR of two shifted
    /// copies of pc (tried) made pcs 8 KiB apart collide. With 4096 slots
    /// the `async-uintr` design decoded a block every 80 instructions,
    /// nearly all evicted by another pc of the same slot.
    #[inline(always)]
    fn index(pc: u64) -> usize {
        ((pc >> 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - CACHE_SETS.trailing_zeros()))
            as usize
    }

    /// The slot for `pc` if it holds the block for (pc, privilege).
    #[inline(always)]
    pub fn lookup(&self, pc: u64, privilege: Privilege) -> Option<usize> {
        let i = Self::index(pc);
        let b = &self.slots[i];
        (b.epoch == self.epoch && b.pc == pc && b.privilege == privilege).then_some(i)
    }

    #[inline(always)]
    pub fn get(&self, slot: usize) -> &Block {
        &self.slots[slot]
    }

    /// The slot a block at `pc` goes into, to be rebuilt there (see
    /// `Block::start`) and then made valid with `finish`.
    pub fn slot_for(&mut self, pc: u64) -> (usize, &mut Block) {
        let i = Self::index(pc);
        (i, &mut self.slots[i])
    }

    /// Makes the block in `slot` valid: decoded anew, or found to be what
    /// a decode would give (`Built::Reused`).
    pub fn finish(&mut self, slot: usize, built: Built) {
        debug_assert!(!self.slots[slot].is_empty());
        match built {
            Built::Decoded => self.misses += 1,
            Built::Reused => self.reused += 1,
        }
        self.slots[slot].epoch = self.epoch;
    }

    pub fn flush(&mut self) {
        self.epoch += 1;
    }
}

/// Must this op start a block? CSR ops may read mcycle/minstret, which
/// are exact only at block boundaries.
pub fn starts_block(op: Op) -> bool {
    use Op::*;
    matches!(op, Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci)
}

/// The integer ops whose only effect is writing rd (no trap, no memory,
/// no pc change). Their x0 forms are HINTs: a block runs them as
/// `Op::Hint`, and `Hart::set_rd` writes their results.
pub fn writes_only_rd(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Lui | Auipc
            | Addi
            | Slti
            | Sltiu
            | Xori
            | Ori
            | Andi
            | Slli
            | Srli
            | Srai
            | Add
            | Sub
            | Sll
            | Slt
            | Sltu
            | Xor
            | Srl
            | Sra
            | Or
            | And
            | Addiw
            | Slliw
            | Srliw
            | Sraiw
            | Addw
            | Subw
            | Sllw
            | Srlw
            | Sraw
            | Mul
            | Mulh
            | Mulhsu
            | Mulhu
            | Mulw
            | Div
            | Divu
            | Rem
            | Remu
            | Divw
            | Divuw
            | Remw
            | Remuw
    )
}

/// Does `inst` end a block? Its op may (`ends_block`), or it is a branch
/// back (a loop's back edge): the loop's body is then one block, which
/// runs round at once when the branch is taken (`Block::loop_pc`).
pub fn ends_block_at(inst: &DecodedInst) -> bool {
    let branch = crate::execute::class_of(inst.op) == InstClass::Branch;
    ends_block(inst.op) || (branch && inst.imm <= 0)
}

/// Does this op end a block? Everything that may change pc other than to
/// pc+len or a branch target, change privilege or translation, or must see
/// up-to-date counters and interrupt state right after it. (A conditional
/// branch only leaves the block when taken: the block loop does that.)
pub fn ends_block(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        Illegal
            | Jal
            | Jalr
            | Ecall
            | Ebreak
            | FenceI
            | Csrrw
            | Csrrs
            | Csrrc
            | Csrrwi
            | Csrrsi
            | Csrrci
            | Mret
            | Sret
            | Uret
            | Wfi
            | SfenceVma
            | UipiSend
            | UipiRead
            | UipiWrite
            | UipiActivate
            | UipiDeactivate
    )
}

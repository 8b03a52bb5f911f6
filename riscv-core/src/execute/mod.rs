//! The semantics of every instruction, in one place.
//!
//! `Hart::execute` gives each `Op` its meaning. It touches architectural
//! state only; anything observable by a timing model is reported through
//! the `TimingSink` (compiled away for `NullSink`).

use crate::block_cache::BlockInst;
use crate::bus::Bus;
use crate::hart::Hart;
use crate::inst::{DecodedInst, Op, RegNum};
use crate::privileged;
use crate::trap::{Exception, ExceptionCause};
use sim_core::{InstClass, Privilege, TimingSink, UintrEvent};

mod fp;
mod uintr;

use crate::csr::{num::SATP as CSR_SATP, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW};
use crate::fpu::CANONICAL_NAN_S;

/// Upper half of a NaN-boxed single in a 64-bit f register.
const NAN_BOX: u64 = 0xffff_ffff_0000_0000;

#[inline(always)]
fn sext32(v: u64) -> u64 {
    v as i32 as i64 as u64
}

/// A single-precision value read from an f register: valid only when
/// NaN-boxed, else the canonical NaN (F spec 12.2).
#[inline(always)]
pub(crate) fn unbox_s(v: u64) -> u32 {
    if v & NAN_BOX == NAN_BOX {
        v as u32
    } else {
        CANONICAL_NAN_S
    }
}

#[inline(always)]
pub(crate) fn box_s(v: u32) -> u64 {
    NAN_BOX | v as u64
}

/// How the block loop goes on after an instruction that did not trap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    /// On to the next instruction (after the block's last one: to the
    /// instruction that follows it in memory).
    Next,
    /// pc becomes this (jumps, branches taken or not, xRET). Only a block's
    /// last instruction redirects pc, so the block ends here.
    Jump(u64),
    /// On to the next instruction, but the block ends here: the
    /// instruction raised `sync_request` (a store to a device may have
    /// changed an interrupt line, which the machine samples before the
    /// next instruction).
    Stop,
}

impl Hart {
    #[inline(always)]
    fn illegal(inst: &DecodedInst) -> Exception {
        Exception::illegal(inst.raw)
    }

    /// Executes one instruction of the block that starts at `start` (its
    /// pc is `start + b.offset`, computed only by the ops that read it, so
    /// that the others carry no pc at all). On `Ok` it says how the block
    /// goes on (WFI also sets `self.waiting`); on `Err` the caller traps
    /// with pc pointing at this instruction.
    #[inline(always)]
    pub(crate) fn execute<S: TimingSink>(
        &mut self,
        b: &BlockInst,
        start: u64,
        bus: &mut Bus,
        sink: &mut S,
    ) -> Result<Flow, Exception> {
        use Op::*;
        let inst = &b.inst;
        macro_rules! pc {
            () => {
                start.wrapping_add(b.offset as u64)
            };
        }
        // The pc a timing sink's memory events name: set by the ops that
        // access memory, not by every instruction.
        macro_rules! accesses_memory {
            () => {
                if S::ACTIVE {
                    self.inst_pc = pc!();
                }
            };
        }
        // A store may reach a device that raises or drops an interrupt
        // line (`sync_request`): the block then ends after it.
        macro_rules! after_store {
            () => {
                return Ok(self.flow_after_store())
            };
        }
        // Operands are read where each arm uses them, so their values
        // live only in that arm and the block loop keeps its registers.
        // (A `RegNum` is < 32 by its type: no bounds check, no mask.)
        macro_rules! rs1 {
            () => {
                self.x[inst.rs1.index()]
            };
        }
        macro_rules! rs2 {
            () => {
                self.x[inst.rs2.index()]
            };
        }
        macro_rules! imm {
            () => {
                inst.imm as i64 as u64
            };
        }
        match inst.op {
            Illegal => return Err(Self::illegal(inst)),
            Hint => {}
            // ---- RV64I ----------------------------------------------------
            Lui => self.set_rd(sink, inst.rd, imm!()),
            Auipc => self.set_rd(sink, inst.rd, pc!().wrapping_add(imm!())),
            Jal => {
                let pc = pc!();
                self.set_x(sink, inst.rd, pc.wrapping_add(inst.len as u64));
                return Ok(Flow::Jump(pc.wrapping_add(imm!())));
            }
            Jalr => {
                let target = rs1!().wrapping_add(imm!()) & !1;
                self.set_x(sink, inst.rd, pc!().wrapping_add(inst.len as u64));
                return Ok(Flow::Jump(target));
            }
            Beq => return Ok(branch(pc!(), rs1!() == rs2!(), imm!(), inst.len)),
            Bne => return Ok(branch(pc!(), rs1!() != rs2!(), imm!(), inst.len)),
            Blt => {
                return Ok(branch(
                    pc!(),
                    (rs1!() as i64) < (rs2!() as i64),
                    imm!(),
                    inst.len,
                ))
            }
            Bge => {
                return Ok(branch(
                    pc!(),
                    (rs1!() as i64) >= (rs2!() as i64),
                    imm!(),
                    inst.len,
                ))
            }
            Bltu => return Ok(branch(pc!(), rs1!() < rs2!(), imm!(), inst.len)),
            Bgeu => return Ok(branch(pc!(), rs1!() >= rs2!(), imm!(), inst.len)),
            Lb => {
                accesses_memory!();
                let v = self.load(bus, sink, rs1!().wrapping_add(imm!()), 1)?;
                self.set_x(sink, inst.rd, v as i8 as i64 as u64)
            }
            Lh => {
                accesses_memory!();
                let v = self.load(bus, sink, rs1!().wrapping_add(imm!()), 2)?;
                self.set_x(sink, inst.rd, v as i16 as i64 as u64)
            }
            Lw => {
                accesses_memory!();
                let v = self.load(bus, sink, rs1!().wrapping_add(imm!()), 4)?;
                self.set_x(sink, inst.rd, sext32(v))
            }
            Ld => {
                accesses_memory!();
                let v = self.load(bus, sink, rs1!().wrapping_add(imm!()), 8)?;
                self.set_x(sink, inst.rd, v)
            }
            Lbu => {
                accesses_memory!();
                let v = self.load(bus, sink, rs1!().wrapping_add(imm!()), 1)?;
                self.set_x(sink, inst.rd, v)
            }
            Lhu => {
                accesses_memory!();
                let v = self.load(bus, sink, rs1!().wrapping_add(imm!()), 2)?;
                self.set_x(sink, inst.rd, v)
            }
            Lwu => {
                accesses_memory!();
                let v = self.load(bus, sink, rs1!().wrapping_add(imm!()), 4)?;
                self.set_x(sink, inst.rd, v)
            }
            Sb => {
                accesses_memory!();
                self.store(bus, sink, rs1!().wrapping_add(imm!()), 1, rs2!())?;
                after_store!()
            }
            Sh => {
                accesses_memory!();
                self.store(bus, sink, rs1!().wrapping_add(imm!()), 2, rs2!())?;
                after_store!()
            }
            Sw => {
                accesses_memory!();
                self.store(bus, sink, rs1!().wrapping_add(imm!()), 4, rs2!())?;
                after_store!()
            }
            Sd => {
                accesses_memory!();
                self.store(bus, sink, rs1!().wrapping_add(imm!()), 8, rs2!())?;
                after_store!()
            }
            Addi => self.set_rd(sink, inst.rd, rs1!().wrapping_add(imm!())),
            Slti => self.set_rd(sink, inst.rd, ((rs1!() as i64) < (imm!() as i64)) as u64),
            Sltiu => self.set_rd(sink, inst.rd, (rs1!() < imm!()) as u64),
            Xori => self.set_rd(sink, inst.rd, rs1!() ^ imm!()),
            Ori => self.set_rd(sink, inst.rd, rs1!() | imm!()),
            Andi => self.set_rd(sink, inst.rd, rs1!() & imm!()),
            Slli => self.set_rd(sink, inst.rd, rs1!() << (imm!() & 63)),
            Srli => self.set_rd(sink, inst.rd, rs1!() >> (imm!() & 63)),
            Srai => self.set_rd(sink, inst.rd, ((rs1!() as i64) >> (imm!() & 63)) as u64),
            Add => self.set_rd(sink, inst.rd, rs1!().wrapping_add(rs2!())),
            Sub => self.set_rd(sink, inst.rd, rs1!().wrapping_sub(rs2!())),
            Sll => self.set_rd(sink, inst.rd, rs1!() << (rs2!() & 63)),
            Slt => self.set_rd(sink, inst.rd, ((rs1!() as i64) < (rs2!() as i64)) as u64),
            Sltu => self.set_rd(sink, inst.rd, (rs1!() < rs2!()) as u64),
            Xor => self.set_rd(sink, inst.rd, rs1!() ^ rs2!()),
            Srl => self.set_rd(sink, inst.rd, rs1!() >> (rs2!() & 63)),
            Sra => self.set_rd(sink, inst.rd, ((rs1!() as i64) >> (rs2!() & 63)) as u64),
            Or => self.set_rd(sink, inst.rd, rs1!() | rs2!()),
            And => self.set_rd(sink, inst.rd, rs1!() & rs2!()),
            Addiw => self.set_rd(sink, inst.rd, sext32(rs1!().wrapping_add(imm!()))),
            Slliw => self.set_rd(
                sink,
                inst.rd,
                sext32(((rs1!() as u32) << (imm!() & 31)) as u64),
            ),
            Srliw => self.set_rd(
                sink,
                inst.rd,
                sext32(((rs1!() as u32) >> (imm!() & 31)) as u64),
            ),
            Sraiw => self.set_rd(
                sink,
                inst.rd,
                ((rs1!() as i32) >> (imm!() & 31)) as i64 as u64,
            ),
            Addw => self.set_rd(sink, inst.rd, sext32(rs1!().wrapping_add(rs2!()))),
            Subw => self.set_rd(sink, inst.rd, sext32(rs1!().wrapping_sub(rs2!()))),
            Sllw => self.set_rd(
                sink,
                inst.rd,
                sext32(((rs1!() as u32) << (rs2!() & 31)) as u64),
            ),
            Srlw => self.set_rd(
                sink,
                inst.rd,
                sext32(((rs1!() as u32) >> (rs2!() & 31)) as u64),
            ),
            Sraw => self.set_rd(
                sink,
                inst.rd,
                ((rs1!() as i32) >> (rs2!() & 31)) as i64 as u64,
            ),
            // Memory is sequentially consistent in this model: fences only
            // matter for instruction fetch.
            Fence => {}
            // ---- M --------------------------------------------------------
            Mul => self.set_rd(sink, inst.rd, rs1!().wrapping_mul(rs2!())),
            Mulh => self.set_rd(
                sink,
                inst.rd,
                ((rs1!() as i64 as i128 * rs2!() as i64 as i128) >> 64) as u64,
            ),
            Mulhsu => self.set_rd(
                sink,
                inst.rd,
                ((rs1!() as i64 as i128 * rs2!() as i128) >> 64) as u64,
            ),
            Mulhu => self.set_rd(
                sink,
                inst.rd,
                ((rs1!() as u128 * rs2!() as u128) >> 64) as u64,
            ),
            Mulw => self.set_rd(sink, inst.rd, sext32(rs1!().wrapping_mul(rs2!()))),
            Div => self.set_rd(
                sink,
                inst.rd,
                div_signed(rs1!() as i64, rs2!() as i64) as u64,
            ),
            Divu => self.set_rd(
                sink,
                inst.rd,
                rs1!().checked_div(rs2!()).unwrap_or(u64::MAX),
            ),
            Rem => self.set_rd(
                sink,
                inst.rd,
                rem_signed(rs1!() as i64, rs2!() as i64) as u64,
            ),
            Remu => {
                let (a, b) = (rs1!(), rs2!());
                self.set_rd(sink, inst.rd, if b == 0 { a } else { a % b })
            }
            Divw => {
                let (a, b) = (rs1!() as i32 as i64, rs2!() as i32 as i64);
                self.set_rd(sink, inst.rd, div_signed(a, b) as i32 as i64 as u64)
            }
            Divuw => {
                let (a, b) = (rs1!() as u32, rs2!() as u32);
                let q = a.checked_div(b).unwrap_or(u32::MAX);
                self.set_rd(sink, inst.rd, sext32(q as u64))
            }
            Remw => {
                let (a, b) = (rs1!() as i32 as i64, rs2!() as i32 as i64);
                self.set_rd(sink, inst.rd, rem_signed(a, b) as i32 as i64 as u64)
            }
            Remuw => {
                let (a, b) = (rs1!() as u32, rs2!() as u32);
                self.set_rd(sink, inst.rd, sext32(if b == 0 { a } else { a % b } as u64))
            }
            // Everything else (system, privileged, A, F/D, UINTR):
            // out of line, so the common ops' loop keeps its registers.
            // (Listed, not `_`: an exhaustive match needs no range check.)
            FenceI | Ecall | Ebreak | Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci | Mret
            | Sret | Uret | Wfi | SfenceVma | LrW | LrD | ScW | ScD | AmoswapW | AmoaddW
            | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW | AmominuW | AmomaxuW | AmoswapD
            | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD | AmomaxD | AmominuD | AmomaxuD
            | Flw | Fsw | Fld | Fsd | FmaddS | FmsubS | FnmsubS | FnmaddS | FaddS | FsubS
            | FmulS | FdivS | FsqrtS | FsgnjS | FsgnjnS | FsgnjxS | FminS | FmaxS | FcvtWS
            | FcvtWuS | FcvtLS | FcvtLuS | FmvXW | FclassS | FeqS | FltS | FleS | FcvtSW
            | FcvtSWu | FcvtSL | FcvtSLu | FmvWX | FmaddD | FmsubD | FnmsubD | FnmaddD | FaddD
            | FsubD | FmulD | FdivD | FsqrtD | FsgnjD | FsgnjnD | FsgnjxD | FminD | FmaxD
            | FcvtSD | FcvtDS | FeqD | FltD | FleD | FclassD | FcvtWD | FcvtWuD | FcvtLD
            | FcvtLuD | FmvXD | FcvtDW | FcvtDWu | FcvtDL | FcvtDLu | FmvDX | UipiSend
            | UipiRead | UipiWrite | UipiActivate | UipiDeactivate => {
                return self.execute_rare(inst, pc!(), bus, sink)
            }
        }
        Ok(Flow::Next)
    }

    /// How the block goes on after a store (see `Flow::Stop`).
    #[inline(always)]
    fn flow_after_store(&self) -> Flow {
        if self.sync_request {
            Flow::Stop
        } else {
            Flow::Next
        }
    }

    /// The semantics of the less frequent ops (see `execute`).
    #[inline(never)]
    fn execute_rare<S: TimingSink>(
        &mut self,
        inst: &DecodedInst,
        pc: u64,
        bus: &mut Bus,
        sink: &mut S,
    ) -> Result<Flow, Exception> {
        use Op::*;
        // Several of these access memory (A, F/D loads and stores, UINTR).
        if S::ACTIVE {
            self.inst_pc = pc;
        }
        let rs1 = self.x[inst.rs1.index()];
        let rs2 = self.x[inst.rs2.index()];
        let rd = inst.rd;
        match inst.op {
            FenceI => self.flush_blocks = true,
            Ecall => {
                let cause = match self.privilege {
                    Privilege::User => ExceptionCause::EcallFromU,
                    Privilege::Supervisor => ExceptionCause::EcallFromS,
                    Privilege::Machine => ExceptionCause::EcallFromM,
                };
                return Err(Exception::new(cause, 0));
            }
            Ebreak => return Err(Exception::new(ExceptionCause::Breakpoint, pc)),
            // ---- Zicsr ----------------------------------------------------
            Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci => {
                self.sync_request = true;
                self.execute_csr(inst, bus, sink)?
            }
            // ---- privileged -------------------------------------------------
            Mret => {
                if self.privilege != Privilege::Machine {
                    return Err(Self::illegal(inst));
                }
                self.sync_request = true;
                let from = self.privilege;
                let (target, to) = privileged::mret(&mut self.csr);
                self.privilege = to;
                if S::ACTIVE {
                    sink.trap_return(self.id, from, to);
                }
                return Ok(Flow::Jump(target));
            }
            Sret => {
                let tsr = self.csr.mstatus & MSTATUS_TSR != 0;
                if self.privilege == Privilege::User
                    || (self.privilege == Privilege::Supervisor && tsr)
                {
                    return Err(Self::illegal(inst));
                }
                self.sync_request = true;
                let from = self.privilege;
                let (target, to) = privileged::sret(&mut self.csr);
                self.privilege = to;
                if S::ACTIVE {
                    sink.trap_return(self.id, from, to);
                }
                return Ok(Flow::Jump(target));
            }
            Uret => {
                self.sync_request = true;
                let target = privileged::uret(&mut self.csr);
                if S::ACTIVE {
                    sink.uintr(self.id, UintrEvent::Return);
                }
                return Ok(Flow::Jump(target));
            }
            Wfi => {
                let tw = self.csr.mstatus & MSTATUS_TW != 0;
                match self.privilege {
                    Privilege::User => return Err(Self::illegal(inst)),
                    Privilege::Supervisor if tw => return Err(Self::illegal(inst)),
                    _ => {}
                }
                self.sync_request = true;
                if !self.wakeup_pending() {
                    if S::ACTIVE {
                        sink.wait_for_interrupt(self.id);
                    }
                    self.waiting = true;
                }
            }
            SfenceVma => {
                let tvm = self.csr.mstatus & MSTATUS_TVM != 0;
                match self.privilege {
                    Privilege::User => return Err(Self::illegal(inst)),
                    Privilege::Supervisor if tvm => return Err(Self::illegal(inst)),
                    _ => {}
                }
                let vaddr = (inst.rs1 != RegNum::R0).then_some(rs1);
                let asid = (inst.rs2 != RegNum::R0).then_some(rs2);
                self.mmu.flush(vaddr, asid);
                self.flush_blocks = true;
                if S::ACTIVE {
                    sink.tlb_flush(self.id, vaddr, asid);
                }
            }
            // ---- A --------------------------------------------------------
            LrW => {
                let v = self.load_reserved(bus, sink, rs1, 4)?;
                self.set_x(sink, rd, sext32(v))
            }
            LrD => {
                let v = self.load_reserved(bus, sink, rs1, 8)?;
                self.set_x(sink, rd, v)
            }
            ScW => {
                let r = self.store_conditional(bus, sink, rs1, 4, rs2)?;
                self.set_x(sink, rd, r)
            }
            ScD => {
                let r = self.store_conditional(bus, sink, rs1, 8, rs2)?;
                self.set_x(sink, rd, r)
            }
            AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW | AmominuW
            | AmomaxuW => {
                let op = inst.op;
                let old = self.amo(bus, sink, rs1, 4, |old| {
                    amo_w(op, old as u32, rs2 as u32) as u64
                })?;
                self.set_x(sink, rd, sext32(old))
            }
            AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD | AmomaxD | AmominuD
            | AmomaxuD => {
                let op = inst.op;
                let old = self.amo(bus, sink, rs1, 8, |old| amo_d(op, old, rs2))?;
                self.set_x(sink, rd, old)
            }
            // ---- F / D ------------------------------------------------------
            Flw | Fsw | Fld | Fsd | FmaddS | FmsubS | FnmsubS | FnmaddS | FaddS | FsubS | FmulS
            | FdivS | FsqrtS | FsgnjS | FsgnjnS | FsgnjxS | FminS | FmaxS | FcvtWS | FcvtWuS
            | FcvtLS | FcvtLuS | FmvXW | FclassS | FeqS | FltS | FleS | FcvtSW | FcvtSWu
            | FcvtSL | FcvtSLu | FmvWX | FmaddD | FmsubD | FnmsubD | FnmaddD | FaddD | FsubD
            | FmulD | FdivD | FsqrtD | FsgnjD | FsgnjnD | FsgnjxD | FminD | FmaxD | FcvtSD
            | FcvtDS | FeqD | FltD | FleD | FclassD | FcvtWD | FcvtWuD | FcvtLD | FcvtLuD
            | FmvXD | FcvtDW | FcvtDWu | FcvtDL | FcvtDLu | FmvDX => {
                self.execute_fp(inst, bus, sink)?
            }
            // ---- UINTR ------------------------------------------------------
            UipiSend | UipiRead | UipiWrite | UipiActivate | UipiDeactivate => {
                self.execute_uipi(inst, bus, sink)?
            }
            _ => unreachable!("{:?} is executed by `execute`", inst.op),
        }
        // AMOs, SC and FP stores may have reached a device; CSR ops, WFI
        // and UIPI ops raise `sync_request` themselves.
        Ok(self.flow_after_store())
    }

    /// CSRRW/CSRRS/CSRRC and their immediate forms. Kept out of line so
    /// that the hot loop of simple instructions stays small.
    #[inline(never)]
    fn execute_csr<S: TimingSink>(
        &mut self,
        inst: &DecodedInst,
        _bus: &mut Bus,
        sink: &mut S,
    ) -> Result<(), Exception> {
        use Op::*;
        let csr = inst.imm as u16 & 0xfff;
        let operand = match inst.op {
            Csrrwi | Csrrsi | Csrrci => inst.rs1.num() as u64,
            _ => self.x[inst.rs1.index()],
        };
        let privilege = self.privilege;
        let illegal = || Exception::illegal(inst.raw);
        // Reads have no side effects here, so always reading also performs
        // the access checks (existence, privilege, TVM for satp ...) that
        // CSRRW with rd = x0 needs.
        let mut old = self
            .csr
            .read(csr, privilege, self.mtime)
            .map_err(|_| illegal())?;
        // A sink that keeps time decides cycle/mcycle/time, exactly at
        // this instruction.
        let clock = if S::ACTIVE {
            sink.cycles(self.id)
        } else {
            None
        };
        let clocked = clock.and_then(|c| self.clock.read(&self.csr, csr, c));
        if let Some(value) = clocked {
            old = value;
        }
        // CSRRS/CSRRC with rs1 = x0 (or zimm = 0) must not write. Their
        // read-modify-write starts from the software-visible bits (mip's
        // SEIP without the PLIC line), not from what rd receives.
        let base = |hart: &Self| match clocked {
            Some(value) => Ok(value),
            None => hart.rmw_base(csr, privilege, inst.raw),
        };
        let new = match inst.op {
            Csrrw | Csrrwi => Some(operand),
            _ if inst.rs1 == RegNum::R0 => None,
            Csrrs | Csrrsi => Some(base(self)? | operand),
            _ => Some(base(self)? & !operand),
        };
        if let Some(value) = new {
            let inhibit_before = self.csr.mcountinhibit;
            self.csr
                .write(csr, value, privilege)
                .map_err(|_| illegal())?;
            if let Some(c) = clock {
                self.clock
                    .after_write(&mut self.csr, csr, inhibit_before, c);
            }
            self.after_csr_write(csr, sink);
        }
        self.set_x(sink, inst.rd, old);
        Ok(())
    }

    fn rmw_base(&self, csr: u16, privilege: Privilege, raw: u32) -> Result<u64, Exception> {
        self.csr
            .read_for_rmw(csr, privilege, self.mtime)
            .map_err(|_| Exception::illegal(raw))
    }

    /// Side effects of a CSR write on cached translation state.
    fn after_csr_write<S: TimingSink>(&mut self, csr: u16, sink: &mut S) {
        if matches!(csr, 0xb00 | 0xb02) {
            self.counters_written = true;
        }
        let is_pmp = (0x3a0..=0x3ef).contains(&csr);
        if csr == CSR_SATP || is_pmp {
            // Without ASID-tagged blocks, any change of address space or
            // protection invalidates the translations and decoded blocks.
            self.mmu.flush(None, None);
            self.flush_blocks = true;
            if S::ACTIVE && csr == CSR_SATP {
                sink.address_space_switch(self.id, (self.csr.satp >> 44) & 0xffff);
            }
        }
        if S::ACTIVE {
            if let Ok(v) = self.csr.read(csr, Privilege::Machine, self.mtime) {
                sink.csr_write(self.id, csr, v);
            }
        }
    }
}

#[inline(always)]
fn branch(pc: u64, taken: bool, offset: u64, len: u8) -> Flow {
    Flow::Jump(if taken {
        pc.wrapping_add(offset)
    } else {
        pc.wrapping_add(len as u64)
    })
}

/// Signed division with the RISC-V results for /0 (-1) and overflow (MIN).
#[inline(always)]
fn div_signed(a: i64, b: i64) -> i64 {
    if b == 0 {
        -1
    } else {
        a.wrapping_div(b)
    }
}

/// Signed remainder: x % 0 = x, MIN % -1 = 0.
#[inline(always)]
fn rem_signed(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        a.wrapping_rem(b)
    }
}

fn amo_w(op: Op, old: u32, src: u32) -> u32 {
    use Op::*;
    match op {
        AmoswapW => src,
        AmoaddW => old.wrapping_add(src),
        AmoxorW => old ^ src,
        AmoandW => old & src,
        AmoorW => old | src,
        AmominW => (old as i32).min(src as i32) as u32,
        AmomaxW => (old as i32).max(src as i32) as u32,
        AmominuW => old.min(src),
        AmomaxuW => old.max(src),
        _ => unreachable!("AMO.W ops only"),
    }
}

fn amo_d(op: Op, old: u64, src: u64) -> u64 {
    use Op::*;
    match op {
        AmoswapD => src,
        AmoaddD => old.wrapping_add(src),
        AmoxorD => old ^ src,
        AmoandD => old & src,
        AmoorD => old | src,
        AmominD => (old as i64).min(src as i64) as u64,
        AmomaxD => (old as i64).max(src as i64) as u64,
        AmominuD => old.min(src),
        AmomaxuD => old.max(src),
        _ => unreachable!("AMO.D ops only"),
    }
}

/// The timing class of an op (what a CPI table is indexed by).
pub fn class_of(op: Op) -> InstClass {
    use Op::*;
    match op {
        Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu => InstClass::Load,
        Sb | Sh | Sw | Sd => InstClass::Store,
        Flw | Fld => InstClass::FpLoad,
        Fsw | Fsd => InstClass::FpStore,
        Beq | Bne | Blt | Bge | Bltu | Bgeu => InstClass::Branch,
        Jal | Jalr => InstClass::Jump,
        Mul | Mulh | Mulhsu | Mulhu | Mulw => InstClass::Mul,
        Div | Divu | Rem | Remu | Divw | Divuw | Remw | Remuw => InstClass::Div,
        LrW | ScW | AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW
        | AmominuW | AmomaxuW | LrD | ScD | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD
        | AmominD | AmomaxD | AmominuD | AmomaxuD => InstClass::Amo,
        Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci => InstClass::Csr,
        Fence | FenceI | SfenceVma => InstClass::Fence,
        Ecall | Ebreak | Mret | Sret | Uret | Wfi | Illegal => InstClass::System,
        FdivS | FsqrtS | FdivD | FsqrtD => InstClass::FpDivSqrt,
        UipiSend | UipiRead | UipiWrite | UipiActivate | UipiDeactivate => InstClass::Uintr,
        FmaddS | FmsubS | FnmsubS | FnmaddS | FaddS | FsubS | FmulS | FsgnjS | FsgnjnS
        | FsgnjxS | FminS | FmaxS | FcvtWS | FcvtWuS | FcvtLS | FcvtLuS | FmvXW | FclassS
        | FeqS | FltS | FleS | FcvtSW | FcvtSWu | FcvtSL | FcvtSLu | FmvWX | FmaddD | FmsubD
        | FnmsubD | FnmaddD | FaddD | FsubD | FmulD | FsgnjD | FsgnjnD | FsgnjxD | FminD
        | FmaxD | FcvtSD | FcvtDS | FeqD | FltD | FleD | FclassD | FcvtWD | FcvtWuD | FcvtLD
        | FcvtLuD | FmvXD | FcvtDW | FcvtDWu | FcvtDL | FcvtDLu | FmvDX => InstClass::FpArith,
        _ => InstClass::Alu,
    }
}

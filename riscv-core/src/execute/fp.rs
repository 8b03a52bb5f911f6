//! F and D instructions: register plumbing around the pure IEEE-754
//! operations of `fpu.rs`.
//!
//! This file owns what is RISC-V specific about floating point in a core:
//! mstatus.FS gating (Off -> illegal, any write -> Dirty), the dynamic
//! rounding mode (rm = 7 -> frm; reserved modes -> illegal), NaN-boxing of
//! single-precision values in 64-bit f registers, and fflags accumulation.

use super::{box_s, unbox_s};
use crate::bus::Bus;
use crate::csr::{MSTATUS_FS, MSTATUS_SD};
use crate::fpu::{self, RoundingMode};
use crate::hart::Hart;
use crate::inst::{DecodedInst, Op, RegNum};
use crate::trap::Exception;
use sim_core::TimingSink;

const SIGN_S: u64 = 1 << 31;
const SIGN_D: u64 = 1 << 63;

/// Sign injection: magnitude of `a` with a sign chosen from `b`.
#[inline]
fn sign_inject(a: u64, b: u64, sign: u64, op: SignOp) -> u64 {
    let s = match op {
        SignOp::Copy => b & sign,
        SignOp::Negate => !b & sign,
        SignOp::Xor => (a ^ b) & sign,
    };
    (a & !sign) | s
}

#[derive(Clone, Copy)]
enum SignOp {
    Copy,
    Negate,
    Xor,
}

impl Hart {
    /// The rounding mode an instruction uses, or illegal for reserved ones.
    fn rounding_mode(&self, inst: &DecodedInst) -> Result<RoundingMode, Exception> {
        let rm = if inst.rm == 7 { self.csr.frm } else { inst.rm };
        RoundingMode::from_bits(rm).ok_or(Exception::illegal(inst.raw))
    }

    #[inline]
    fn mark_fs_dirty(&mut self) {
        self.csr.mstatus |= MSTATUS_FS | MSTATUS_SD;
    }

    #[inline]
    fn accrue(&mut self, flags: u8) {
        self.csr.fflags |= flags;
    }

    /// Writes a single-precision result (NaN-boxed) and its flags.
    fn write_s<S: TimingSink>(&mut self, sink: &mut S, rd: RegNum, (v, flags): (u32, u8)) {
        self.accrue(flags);
        self.set_f(sink, rd, box_s(v));
        self.mark_fs_dirty();
    }

    /// Writes a double-precision result and its flags.
    fn write_d<S: TimingSink>(&mut self, sink: &mut S, rd: RegNum, (v, flags): (u64, u8)) {
        self.accrue(flags);
        self.set_f(sink, rd, v);
        self.mark_fs_dirty();
    }

    /// Writes an integer result of an F/D instruction and its flags.
    fn write_int<S: TimingSink>(&mut self, sink: &mut S, rd: RegNum, (v, flags): (u64, u8)) {
        self.accrue(flags);
        if flags != 0 {
            self.mark_fs_dirty();
        }
        self.set_x(sink, rd, v);
    }

    #[inline(never)]
    pub(super) fn execute_fp<S: TimingSink>(
        &mut self,
        inst: &DecodedInst,
        bus: &mut Bus,
        sink: &mut S,
    ) -> Result<(), Exception> {
        use Op::*;
        if self.csr.mstatus & MSTATUS_FS == 0 {
            return Err(Exception::illegal(inst.raw));
        }
        let rd = inst.rd;
        let x1 = self.x[inst.rs1.index()];
        let f1 = self.f[inst.rs1.index()];
        let f2 = self.f[inst.rs2.index()];
        let f3 = self.f[inst.rs3.index()];
        let (s1, s2, s3) = (unbox_s(f1), unbox_s(f2), unbox_s(f3));
        let addr = x1.wrapping_add(inst.imm as i64 as u64);
        match inst.op {
            // Loads/stores move raw bits: no NaN canonicalisation.
            Flw => {
                let v = self.load(bus, sink, addr, 4)?;
                self.set_f(sink, rd, box_s(v as u32));
                self.mark_fs_dirty();
            }
            Fld => {
                let v = self.load(bus, sink, addr, 8)?;
                self.set_f(sink, rd, v);
                self.mark_fs_dirty();
            }
            Fsw => self.store(bus, sink, addr, 4, f2 & 0xffff_ffff)?,
            Fsd => self.store(bus, sink, addr, 8, f2)?,
            // Moves and sign injection are bit operations without flags.
            FmvXW => self.set_x(sink, rd, f1 as u32 as i32 as i64 as u64),
            FmvXD => self.set_x(sink, rd, f1),
            FmvWX => {
                self.set_f(sink, rd, box_s(x1 as u32));
                self.mark_fs_dirty();
            }
            FmvDX => {
                self.set_f(sink, rd, x1);
                self.mark_fs_dirty();
            }
            FsgnjS | FsgnjnS | FsgnjxS => {
                let op = match inst.op {
                    FsgnjS => SignOp::Copy,
                    FsgnjnS => SignOp::Negate,
                    _ => SignOp::Xor,
                };
                let v = sign_inject(s1 as u64, s2 as u64, SIGN_S, op) as u32;
                self.write_s(sink, rd, (v, 0));
            }
            FsgnjD | FsgnjnD | FsgnjxD => {
                let op = match inst.op {
                    FsgnjD => SignOp::Copy,
                    FsgnjnD => SignOp::Negate,
                    _ => SignOp::Xor,
                };
                self.write_d(sink, rd, (sign_inject(f1, f2, SIGN_D, op), 0));
            }
            FclassS => self.set_x(sink, rd, fpu::class_s(s1)),
            FclassD => self.set_x(sink, rd, fpu::class_d(f1)),
            FminS => self.write_s(sink, rd, fpu::min_s(s1, s2)),
            FmaxS => self.write_s(sink, rd, fpu::max_s(s1, s2)),
            FminD => self.write_d(sink, rd, fpu::min_d(f1, f2)),
            FmaxD => self.write_d(sink, rd, fpu::max_d(f1, f2)),
            FeqS | FltS | FleS | FeqD | FltD | FleD => {
                let (r, flags) = match inst.op {
                    FeqS => fpu::eq_s(s1, s2),
                    FltS => fpu::lt_s(s1, s2),
                    FleS => fpu::le_s(s1, s2),
                    FeqD => fpu::eq_d(f1, f2),
                    FltD => fpu::lt_d(f1, f2),
                    _ => fpu::le_d(f1, f2),
                };
                self.write_int(sink, rd, (r as u64, flags));
            }
            // Everything below rounds.
            op => {
                let rm = self.rounding_mode(inst)?;
                match op {
                    FaddS => self.write_s(sink, rd, fpu::add_s(s1, s2, rm)),
                    FsubS => self.write_s(sink, rd, fpu::sub_s(s1, s2, rm)),
                    FmulS => self.write_s(sink, rd, fpu::mul_s(s1, s2, rm)),
                    FdivS => self.write_s(sink, rd, fpu::div_s(s1, s2, rm)),
                    FsqrtS => self.write_s(sink, rd, fpu::sqrt_s(s1, rm)),
                    FmaddS => self.write_s(sink, rd, fpu::madd_s(s1, s2, s3, rm)),
                    FmsubS => self.write_s(sink, rd, fpu::msub_s(s1, s2, s3, rm)),
                    FnmsubS => self.write_s(sink, rd, fpu::nmsub_s(s1, s2, s3, rm)),
                    FnmaddS => self.write_s(sink, rd, fpu::nmadd_s(s1, s2, s3, rm)),
                    FaddD => self.write_d(sink, rd, fpu::add_d(f1, f2, rm)),
                    FsubD => self.write_d(sink, rd, fpu::sub_d(f1, f2, rm)),
                    FmulD => self.write_d(sink, rd, fpu::mul_d(f1, f2, rm)),
                    FdivD => self.write_d(sink, rd, fpu::div_d(f1, f2, rm)),
                    FsqrtD => self.write_d(sink, rd, fpu::sqrt_d(f1, rm)),
                    FmaddD => self.write_d(sink, rd, fpu::madd_d(f1, f2, f3, rm)),
                    FmsubD => self.write_d(sink, rd, fpu::msub_d(f1, f2, f3, rm)),
                    FnmsubD => self.write_d(sink, rd, fpu::nmsub_d(f1, f2, f3, rm)),
                    FnmaddD => self.write_d(sink, rd, fpu::nmadd_d(f1, f2, f3, rm)),
                    FcvtWS => self.write_int(sink, rd, fpu::cvt_w_s(s1, rm)),
                    FcvtWuS => self.write_int(sink, rd, fpu::cvt_wu_s(s1, rm)),
                    FcvtLS => self.write_int(sink, rd, fpu::cvt_l_s(s1, rm)),
                    FcvtLuS => self.write_int(sink, rd, fpu::cvt_lu_s(s1, rm)),
                    FcvtWD => self.write_int(sink, rd, fpu::cvt_w_d(f1, rm)),
                    FcvtWuD => self.write_int(sink, rd, fpu::cvt_wu_d(f1, rm)),
                    FcvtLD => self.write_int(sink, rd, fpu::cvt_l_d(f1, rm)),
                    FcvtLuD => self.write_int(sink, rd, fpu::cvt_lu_d(f1, rm)),
                    FcvtSW => self.write_s(sink, rd, fpu::cvt_s_w(x1 as i32, rm)),
                    FcvtSWu => self.write_s(sink, rd, fpu::cvt_s_wu(x1 as u32, rm)),
                    FcvtSL => self.write_s(sink, rd, fpu::cvt_s_l(x1 as i64, rm)),
                    FcvtSLu => self.write_s(sink, rd, fpu::cvt_s_lu(x1, rm)),
                    // int32 -> double is always exact.
                    FcvtDW => self.write_d(sink, rd, fpu::cvt_d_w(x1 as i32)),
                    FcvtDWu => self.write_d(sink, rd, fpu::cvt_d_wu(x1 as u32)),
                    FcvtDL => self.write_d(sink, rd, fpu::cvt_d_l(x1 as i64, rm)),
                    FcvtDLu => self.write_d(sink, rd, fpu::cvt_d_lu(x1, rm)),
                    FcvtSD => self.write_s(sink, rd, fpu::cvt_s_d(f1, rm)),
                    FcvtDS => self.write_d(sink, rd, fpu::cvt_d_s(s1)),
                    _ => unreachable!("execute_fp is only called for F/D ops"),
                }
            }
        }
        Ok(())
    }
}

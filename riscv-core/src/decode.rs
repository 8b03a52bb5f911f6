//! Instruction decoder: raw RV64GC + UIPI bits to [`DecodedInst`].
//!
//! Compressed (RVC) instructions are expanded to the `Op` and fields of their
//! 32-bit equivalent, so the executor has one meaning per `Op`. Reserved and
//! unimplemented encodings decode to [`Op::Illegal`]; decoding never panics.
//!
//! Choices beyond the field conventions of `inst.rs`:
//! - F/D ops whose funct3 selects the operation (FSGNJ*, FMIN/FMAX, FEQ/FLT/
//!   FLE, FMV, FCLASS) have `rm == 0`; every op with a rounding-mode field
//!   (arithmetic, FMA, FSQRT, all FCVT) carries funct3 in `rm`, reserved
//!   values included (the executor checks them against `frm`).
//! - FENCE and FENCE.I ignore their reserved rd/rs1 (and FENCE.I imm)
//!   fields, as the spec requires of base implementations; they decode as 0.
//! - UIPI ops keep both `rd` and `rs1` as encoded; the RoCC form's rs2 field
//!   is not read (its xs2 bit is clear) and is ignored.
//! - ECALL/EBREAK/xRET/WFI must match their encoding exactly.

use crate::inst::{DecodedInst, Op, RegNum};

/// Decodes one instruction. When `raw & 3 != 3` only the low 16 bits are
/// used (a compressed instruction); the upper half is ignored.
pub fn decode(raw: u32) -> DecodedInst {
    if raw & 3 != 3 {
        decode_compressed((raw & 0xffff) as u16)
    } else {
        decode_32(raw)
    }
}

/// Field extraction helpers for 32-bit encodings.
#[inline]
fn rd(raw: u32) -> u8 {
    ((raw >> 7) & 31) as u8
}
#[inline]
fn rs1(raw: u32) -> u8 {
    ((raw >> 15) & 31) as u8
}
#[inline]
fn rs2(raw: u32) -> u8 {
    ((raw >> 20) & 31) as u8
}
#[inline]
fn rs3(raw: u32) -> u8 {
    (raw >> 27) as u8
}
#[inline]
fn funct3(raw: u32) -> u32 {
    (raw >> 12) & 7
}
#[inline]
fn funct7(raw: u32) -> u32 {
    raw >> 25
}
#[inline]
fn imm_i(raw: u32) -> i32 {
    (raw as i32) >> 20
}
#[inline]
fn imm_s(raw: u32) -> i32 {
    (((raw & 0xfe00_0000) as i32) >> 20) | ((raw >> 7) & 0x1f) as i32
}
#[inline]
fn imm_b(raw: u32) -> i32 {
    (((raw & 0x8000_0000) as i32) >> 19)
        | ((raw & 0x80) << 4) as i32
        | ((raw >> 20) & 0x7e0) as i32
        | ((raw >> 7) & 0x1e) as i32
}
#[inline]
fn imm_u(raw: u32) -> i32 {
    (raw & 0xffff_f000) as i32
}
#[inline]
fn imm_j(raw: u32) -> i32 {
    (((raw & 0x8000_0000) as i32) >> 11)
        | (raw & 0xf_f000) as i32
        | ((raw >> 9) & 0x800) as i32
        | ((raw >> 20) & 0x7fe) as i32
}

/// Builds a 4-byte instruction with the given fields.
#[inline]
fn inst(raw: u32, op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32) -> DecodedInst {
    DecodedInst {
        op,
        rd: RegNum::new(rd as u32),
        rs1: RegNum::new(rs1 as u32),
        rs2: RegNum::new(rs2 as u32),
        rs3: RegNum::R0,
        rm: 0,
        len: 4,
        imm,
        raw,
    }
}

fn decode_32(raw: u32) -> DecodedInst {
    let illegal = DecodedInst::illegal(raw, 4);
    let f3 = funct3(raw);
    let f7 = funct7(raw);
    match (raw >> 2) & 0x1f {
        // LOAD
        0b00000 => {
            let op = match f3 {
                0 => Op::Lb,
                1 => Op::Lh,
                2 => Op::Lw,
                3 => Op::Ld,
                4 => Op::Lbu,
                5 => Op::Lhu,
                6 => Op::Lwu,
                _ => return illegal,
            };
            inst(raw, op, rd(raw), rs1(raw), 0, imm_i(raw))
        }
        // LOAD-FP
        0b00001 => {
            let op = match f3 {
                2 => Op::Flw,
                3 => Op::Fld,
                _ => return illegal,
            };
            inst(raw, op, rd(raw), rs1(raw), 0, imm_i(raw))
        }
        // MISC-MEM
        0b00011 => match f3 {
            0 => inst(raw, Op::Fence, 0, 0, 0, (raw >> 20) as i32),
            1 => inst(raw, Op::FenceI, 0, 0, 0, 0),
            _ => illegal,
        },
        // OP-IMM
        0b00100 => {
            let imm = imm_i(raw);
            let (op, imm) = match f3 {
                0 => (Op::Addi, imm),
                2 => (Op::Slti, imm),
                3 => (Op::Sltiu, imm),
                4 => (Op::Xori, imm),
                6 => (Op::Ori, imm),
                7 => (Op::Andi, imm),
                1 if raw >> 26 == 0 => (Op::Slli, imm & 0x3f),
                5 if raw >> 26 == 0 => (Op::Srli, imm & 0x3f),
                5 if raw >> 26 == 0b010000 => (Op::Srai, imm & 0x3f),
                _ => return illegal,
            };
            inst(raw, op, rd(raw), rs1(raw), 0, imm)
        }
        // AUIPC
        0b00101 => inst(raw, Op::Auipc, rd(raw), 0, 0, imm_u(raw)),
        // OP-IMM-32
        0b00110 => {
            let imm = imm_i(raw);
            let (op, imm) = match f3 {
                0 => (Op::Addiw, imm),
                1 if f7 == 0 => (Op::Slliw, imm & 0x1f),
                5 if f7 == 0 => (Op::Srliw, imm & 0x1f),
                5 if f7 == 0b0100000 => (Op::Sraiw, imm & 0x1f),
                _ => return illegal,
            };
            inst(raw, op, rd(raw), rs1(raw), 0, imm)
        }
        // STORE
        0b01000 => {
            let op = match f3 {
                0 => Op::Sb,
                1 => Op::Sh,
                2 => Op::Sw,
                3 => Op::Sd,
                _ => return illegal,
            };
            inst(raw, op, 0, rs1(raw), rs2(raw), imm_s(raw))
        }
        // STORE-FP
        0b01001 => {
            let op = match f3 {
                2 => Op::Fsw,
                3 => Op::Fsd,
                _ => return illegal,
            };
            inst(raw, op, 0, rs1(raw), rs2(raw), imm_s(raw))
        }
        // AMO
        0b01011 => decode_amo(raw),
        // OP
        0b01100 => {
            let op = match (f7, f3) {
                (0, 0) => Op::Add,
                (0x20, 0) => Op::Sub,
                (0, 1) => Op::Sll,
                (0, 2) => Op::Slt,
                (0, 3) => Op::Sltu,
                (0, 4) => Op::Xor,
                (0, 5) => Op::Srl,
                (0x20, 5) => Op::Sra,
                (0, 6) => Op::Or,
                (0, 7) => Op::And,
                (1, 0) => Op::Mul,
                (1, 1) => Op::Mulh,
                (1, 2) => Op::Mulhsu,
                (1, 3) => Op::Mulhu,
                (1, 4) => Op::Div,
                (1, 5) => Op::Divu,
                (1, 6) => Op::Rem,
                (1, 7) => Op::Remu,
                _ => return illegal,
            };
            inst(raw, op, rd(raw), rs1(raw), rs2(raw), 0)
        }
        // LUI
        0b01101 => inst(raw, Op::Lui, rd(raw), 0, 0, imm_u(raw)),
        // OP-32
        0b01110 => {
            let op = match (f7, f3) {
                (0, 0) => Op::Addw,
                (0x20, 0) => Op::Subw,
                (0, 1) => Op::Sllw,
                (0, 5) => Op::Srlw,
                (0x20, 5) => Op::Sraw,
                (1, 0) => Op::Mulw,
                (1, 4) => Op::Divw,
                (1, 5) => Op::Divuw,
                (1, 6) => Op::Remw,
                (1, 7) => Op::Remuw,
                _ => return illegal,
            };
            inst(raw, op, rd(raw), rs1(raw), rs2(raw), 0)
        }
        // MADD, MSUB, NMSUB, NMADD
        0b10000..=0b10011 => {
            let double = match f7 & 3 {
                0 => false,
                1 => true,
                _ => return illegal,
            };
            let op = match ((raw >> 2) & 3, double) {
                (0, false) => Op::FmaddS,
                (1, false) => Op::FmsubS,
                (2, false) => Op::FnmsubS,
                (3, false) => Op::FnmaddS,
                (0, true) => Op::FmaddD,
                (1, true) => Op::FmsubD,
                (2, true) => Op::FnmsubD,
                _ => Op::FnmaddD,
            };
            let mut d = inst(raw, op, rd(raw), rs1(raw), rs2(raw), 0);
            d.rs3 = RegNum::new(rs3(raw) as u32);
            d.rm = f3 as u8;
            d
        }
        // OP-FP
        0b10100 => decode_op_fp(raw),
        // BRANCH
        0b11000 => {
            let op = match f3 {
                0 => Op::Beq,
                1 => Op::Bne,
                4 => Op::Blt,
                5 => Op::Bge,
                6 => Op::Bltu,
                7 => Op::Bgeu,
                _ => return illegal,
            };
            inst(raw, op, 0, rs1(raw), rs2(raw), imm_b(raw))
        }
        // JALR
        0b11001 if f3 == 0 => inst(raw, Op::Jalr, rd(raw), rs1(raw), 0, imm_i(raw)),
        // JAL
        0b11011 => inst(raw, Op::Jal, rd(raw), 0, 0, imm_j(raw)),
        // SYSTEM
        0b11100 => decode_system(raw),
        // custom-3: UIPI
        0b11110 => decode_uipi(raw),
        _ => illegal,
    }
}

/// The A extension: LR/SC and the AMOs, W and D widths.
fn decode_amo(raw: u32) -> DecodedInst {
    let illegal = DecodedInst::illegal(raw, 4);
    let double = match funct3(raw) {
        2 => false,
        3 => true,
        _ => return illegal,
    };
    let funct5 = raw >> 27;
    let op = match (funct5, double) {
        (0b00010, false) => Op::LrW,
        (0b00011, false) => Op::ScW,
        (0b00001, false) => Op::AmoswapW,
        (0b00000, false) => Op::AmoaddW,
        (0b00100, false) => Op::AmoxorW,
        (0b01100, false) => Op::AmoandW,
        (0b01000, false) => Op::AmoorW,
        (0b10000, false) => Op::AmominW,
        (0b10100, false) => Op::AmomaxW,
        (0b11000, false) => Op::AmominuW,
        (0b11100, false) => Op::AmomaxuW,
        (0b00010, true) => Op::LrD,
        (0b00011, true) => Op::ScD,
        (0b00001, true) => Op::AmoswapD,
        (0b00000, true) => Op::AmoaddD,
        (0b00100, true) => Op::AmoxorD,
        (0b01100, true) => Op::AmoandD,
        (0b01000, true) => Op::AmoorD,
        (0b10000, true) => Op::AmominD,
        (0b10100, true) => Op::AmomaxD,
        (0b11000, true) => Op::AmominuD,
        (0b11100, true) => Op::AmomaxuD,
        _ => return illegal,
    };
    let is_lr = matches!(op, Op::LrW | Op::LrD);
    if is_lr && rs2(raw) != 0 {
        return illegal;
    }
    let mut d = inst(raw, op, rd(raw), rs1(raw), rs2(raw), 0);
    d.rm = ((raw >> 25) & 3) as u8;
    d
}

/// OP-FP (opcode 1010011): everything but loads, stores and FMAs.
fn decode_op_fp(raw: u32) -> DecodedInst {
    let illegal = DecodedInst::illegal(raw, 4);
    let f3 = funct3(raw);
    let r2 = rs2(raw);
    // (op, uses rs2 as an operand, carries a rounding mode)
    let (op, binary, rounds) = match funct7(raw) {
        0b0000000 => (Op::FaddS, true, true),
        0b0000001 => (Op::FaddD, true, true),
        0b0000100 => (Op::FsubS, true, true),
        0b0000101 => (Op::FsubD, true, true),
        0b0001000 => (Op::FmulS, true, true),
        0b0001001 => (Op::FmulD, true, true),
        0b0001100 => (Op::FdivS, true, true),
        0b0001101 => (Op::FdivD, true, true),
        0b0101100 if r2 == 0 => (Op::FsqrtS, false, true),
        0b0101101 if r2 == 0 => (Op::FsqrtD, false, true),
        0b0010000 => match f3 {
            0 => (Op::FsgnjS, true, false),
            1 => (Op::FsgnjnS, true, false),
            2 => (Op::FsgnjxS, true, false),
            _ => return illegal,
        },
        0b0010001 => match f3 {
            0 => (Op::FsgnjD, true, false),
            1 => (Op::FsgnjnD, true, false),
            2 => (Op::FsgnjxD, true, false),
            _ => return illegal,
        },
        0b0010100 => match f3 {
            0 => (Op::FminS, true, false),
            1 => (Op::FmaxS, true, false),
            _ => return illegal,
        },
        0b0010101 => match f3 {
            0 => (Op::FminD, true, false),
            1 => (Op::FmaxD, true, false),
            _ => return illegal,
        },
        0b0100000 if r2 == 1 => (Op::FcvtSD, false, true),
        0b0100001 if r2 == 0 => (Op::FcvtDS, false, true),
        0b1010000 => match f3 {
            0 => (Op::FleS, true, false),
            1 => (Op::FltS, true, false),
            2 => (Op::FeqS, true, false),
            _ => return illegal,
        },
        0b1010001 => match f3 {
            0 => (Op::FleD, true, false),
            1 => (Op::FltD, true, false),
            2 => (Op::FeqD, true, false),
            _ => return illegal,
        },
        0b1100000 => match r2 {
            0 => (Op::FcvtWS, false, true),
            1 => (Op::FcvtWuS, false, true),
            2 => (Op::FcvtLS, false, true),
            3 => (Op::FcvtLuS, false, true),
            _ => return illegal,
        },
        0b1100001 => match r2 {
            0 => (Op::FcvtWD, false, true),
            1 => (Op::FcvtWuD, false, true),
            2 => (Op::FcvtLD, false, true),
            3 => (Op::FcvtLuD, false, true),
            _ => return illegal,
        },
        0b1101000 => match r2 {
            0 => (Op::FcvtSW, false, true),
            1 => (Op::FcvtSWu, false, true),
            2 => (Op::FcvtSL, false, true),
            3 => (Op::FcvtSLu, false, true),
            _ => return illegal,
        },
        0b1101001 => match r2 {
            0 => (Op::FcvtDW, false, true),
            1 => (Op::FcvtDWu, false, true),
            2 => (Op::FcvtDL, false, true),
            3 => (Op::FcvtDLu, false, true),
            _ => return illegal,
        },
        0b1110000 if r2 == 0 => match f3 {
            0 => (Op::FmvXW, false, false),
            1 => (Op::FclassS, false, false),
            _ => return illegal,
        },
        0b1110001 if r2 == 0 => match f3 {
            0 => (Op::FmvXD, false, false),
            1 => (Op::FclassD, false, false),
            _ => return illegal,
        },
        0b1111000 if r2 == 0 && f3 == 0 => (Op::FmvWX, false, false),
        0b1111001 if r2 == 0 && f3 == 0 => (Op::FmvDX, false, false),
        _ => return illegal,
    };
    let mut d = inst(raw, op, rd(raw), rs1(raw), if binary { r2 } else { 0 }, 0);
    if rounds {
        d.rm = f3 as u8;
    }
    d
}

/// SYSTEM (opcode 1110011): environment calls, xRET, WFI, SFENCE.VMA, CSRs.
fn decode_system(raw: u32) -> DecodedInst {
    let illegal = DecodedInst::illegal(raw, 4);
    let csr = (raw >> 20) as i32;
    match funct3(raw) {
        0 => {
            let op = match raw {
                0x0000_0073 => Op::Ecall,
                0x0010_0073 => Op::Ebreak,
                0x0020_0073 => Op::Uret,
                0x1020_0073 => Op::Sret,
                0x3020_0073 => Op::Mret,
                0x1050_0073 => Op::Wfi,
                _ if funct7(raw) == 0b0001001 && rd(raw) == 0 => {
                    return inst(raw, Op::SfenceVma, 0, rs1(raw), rs2(raw), 0);
                }
                _ => return illegal,
            };
            inst(raw, op, 0, 0, 0, 0)
        }
        1 => inst(raw, Op::Csrrw, rd(raw), rs1(raw), 0, csr),
        2 => inst(raw, Op::Csrrs, rd(raw), rs1(raw), 0, csr),
        3 => inst(raw, Op::Csrrc, rd(raw), rs1(raw), 0, csr),
        5 => inst(raw, Op::Csrrwi, rd(raw), rs1(raw), 0, csr),
        6 => inst(raw, Op::Csrrsi, rd(raw), rs1(raw), 0, csr),
        7 => inst(raw, Op::Csrrci, rd(raw), rs1(raw), 0, csr),
        _ => illegal,
    }
}

/// The UIPI instruction (custom-3): I-type with imm = operation, or the
/// Rocket RoCC R-type form with funct7 = operation.
fn decode_uipi(raw: u32) -> DecodedInst {
    let operation = match funct3(raw) {
        0b010 => raw >> 20,
        0b110 => funct7(raw),
        _ => return DecodedInst::illegal(raw, 4),
    };
    let op = match operation {
        0 => Op::UipiSend,
        1 => Op::UipiRead,
        2 => Op::UipiWrite,
        3 => Op::UipiActivate,
        4 => Op::UipiDeactivate,
        _ => return DecodedInst::illegal(raw, 4),
    };
    inst(raw, op, rd(raw), rs1(raw), 0, 0)
}

/// Register number of a 3-bit compressed register field (x8..x15 / f8..f15).
#[inline]
fn creg(bits: u16) -> u8 {
    8 + (bits & 7) as u8
}

/// Bit `from` of `c` moved to position `to`.
#[inline]
fn bit(c: u16, from: u32, to: u32) -> u32 {
    (((c >> from) & 1) as u32) << to
}

/// Sign-extends the low `bits` bits of `v`.
#[inline]
fn sext(v: u32, bits: u32) -> i32 {
    let shift = 32 - bits;
    ((v << shift) as i32) >> shift
}

/// Builds the expansion of a compressed instruction.
#[inline]
fn cinst(c: u16, op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32) -> DecodedInst {
    DecodedInst {
        op,
        rd: RegNum::new(rd as u32),
        rs1: RegNum::new(rs1 as u32),
        rs2: RegNum::new(rs2 as u32),
        rs3: RegNum::R0,
        rm: 0,
        len: 2,
        imm,
        raw: c as u32,
    }
}

/// CI-format 6-bit immediate: imm[5] = bit 12, imm[4:0] = bits 6:2.
#[inline]
fn ci_imm(c: u16) -> u32 {
    bit(c, 12, 5) | ((c >> 2) & 0x1f) as u32
}

fn decode_compressed(c: u16) -> DecodedInst {
    let illegal = DecodedInst::illegal(c as u32, 2);
    let f3 = c >> 13;
    let rd_full = ((c >> 7) & 31) as u8;
    let rs2_full = ((c >> 2) & 31) as u8;
    let rd_p = creg(c >> 2);
    let rs1_p = creg(c >> 7);
    // Offsets of CL/CS-format word and double-word accesses.
    let off_w = bit(c, 6, 2) | (((c >> 10) & 7) as u32) << 3 | bit(c, 5, 6);
    let off_d = (((c >> 10) & 7) as u32) << 3 | (((c >> 5) & 3) as u32) << 6;
    match (c & 3, f3) {
        (0, 0) => {
            let nzuimm = bit(c, 6, 2)
                | bit(c, 5, 3)
                | (((c >> 11) & 3) as u32) << 4
                | (((c >> 7) & 0xf) as u32) << 6;
            if nzuimm == 0 {
                return illegal;
            }
            cinst(c, Op::Addi, rd_p, 2, 0, nzuimm as i32)
        }
        (0, 1) => cinst(c, Op::Fld, rd_p, rs1_p, 0, off_d as i32),
        (0, 2) => cinst(c, Op::Lw, rd_p, rs1_p, 0, off_w as i32),
        (0, 3) => cinst(c, Op::Ld, rd_p, rs1_p, 0, off_d as i32),
        (0, 5) => cinst(c, Op::Fsd, 0, rs1_p, rd_p, off_d as i32),
        (0, 6) => cinst(c, Op::Sw, 0, rs1_p, rd_p, off_w as i32),
        (0, 7) => cinst(c, Op::Sd, 0, rs1_p, rd_p, off_d as i32),
        (1, 0) => cinst(c, Op::Addi, rd_full, rd_full, 0, sext(ci_imm(c), 6)),
        (1, 1) => {
            if rd_full == 0 {
                return illegal;
            }
            cinst(c, Op::Addiw, rd_full, rd_full, 0, sext(ci_imm(c), 6))
        }
        (1, 2) => cinst(c, Op::Addi, rd_full, 0, 0, sext(ci_imm(c), 6)),
        (1, 3) => {
            if rd_full == 2 {
                let imm = bit(c, 12, 9)
                    | bit(c, 6, 4)
                    | bit(c, 5, 6)
                    | (((c >> 3) & 3) as u32) << 7
                    | bit(c, 2, 5);
                if imm == 0 {
                    return illegal;
                }
                cinst(c, Op::Addi, 2, 2, 0, sext(imm, 10))
            } else {
                let imm = ci_imm(c);
                if imm == 0 {
                    return illegal;
                }
                cinst(c, Op::Lui, rd_full, 0, 0, sext(imm << 12, 18))
            }
        }
        (1, 4) => match (c >> 10) & 3 {
            0 => cinst(c, Op::Srli, rs1_p, rs1_p, 0, ci_imm(c) as i32),
            1 => cinst(c, Op::Srai, rs1_p, rs1_p, 0, ci_imm(c) as i32),
            2 => cinst(c, Op::Andi, rs1_p, rs1_p, 0, sext(ci_imm(c), 6)),
            _ => {
                let op = match ((c >> 12) & 1, (c >> 5) & 3) {
                    (0, 0) => Op::Sub,
                    (0, 1) => Op::Xor,
                    (0, 2) => Op::Or,
                    (0, 3) => Op::And,
                    (1, 0) => Op::Subw,
                    (1, 1) => Op::Addw,
                    _ => return illegal,
                };
                cinst(c, op, rs1_p, rs1_p, rd_p, 0)
            }
        },
        (1, 5) => {
            let imm = bit(c, 12, 11)
                | bit(c, 11, 4)
                | (((c >> 9) & 3) as u32) << 8
                | bit(c, 8, 10)
                | bit(c, 7, 6)
                | bit(c, 6, 7)
                | (((c >> 3) & 7) as u32) << 1
                | bit(c, 2, 5);
            cinst(c, Op::Jal, 0, 0, 0, sext(imm, 12))
        }
        (1, 6) | (1, 7) => {
            let imm = bit(c, 12, 8)
                | (((c >> 10) & 3) as u32) << 3
                | (((c >> 5) & 3) as u32) << 6
                | (((c >> 3) & 3) as u32) << 1
                | bit(c, 2, 5);
            let op = if f3 == 6 { Op::Beq } else { Op::Bne };
            cinst(c, op, 0, rs1_p, 0, sext(imm, 9))
        }
        (2, 0) => cinst(c, Op::Slli, rd_full, rd_full, 0, ci_imm(c) as i32),
        (2, 1) | (2, 3) => {
            let off = bit(c, 12, 5) | (((c >> 5) & 3) as u32) << 3 | (((c >> 2) & 7) as u32) << 6;
            if f3 == 3 && rd_full == 0 {
                return illegal;
            }
            let op = if f3 == 1 { Op::Fld } else { Op::Ld };
            cinst(c, op, rd_full, 2, 0, off as i32)
        }
        (2, 2) => {
            if rd_full == 0 {
                return illegal;
            }
            let off = bit(c, 12, 5) | (((c >> 4) & 7) as u32) << 2 | (((c >> 2) & 3) as u32) << 6;
            cinst(c, Op::Lw, rd_full, 2, 0, off as i32)
        }
        (2, 4) => {
            let high = (c >> 12) & 1 == 1;
            match (high, rd_full, rs2_full) {
                (false, 0, 0) => illegal,
                (false, rs1, 0) => cinst(c, Op::Jalr, 0, rs1, 0, 0),
                (false, rd, rs2) => cinst(c, Op::Add, rd, 0, rs2, 0),
                (true, 0, 0) => cinst(c, Op::Ebreak, 0, 0, 0, 0),
                (true, rs1, 0) => cinst(c, Op::Jalr, 1, rs1, 0, 0),
                (true, rd, rs2) => cinst(c, Op::Add, rd, rd, rs2, 0),
            }
        }
        (2, 5) | (2, 7) => {
            let off = (((c >> 10) & 7) as u32) << 3 | (((c >> 7) & 7) as u32) << 6;
            let op = if f3 == 5 { Op::Fsd } else { Op::Sd };
            cinst(c, op, 0, 2, rs2_full, off as i32)
        }
        (2, 6) => {
            let off = (((c >> 9) & 0xf) as u32) << 2 | (((c >> 7) & 3) as u32) << 6;
            cinst(c, Op::Sw, 0, 2, rs2_full, off as i32)
        }
        _ => illegal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::encode;
    use rand::{Rng, SeedableRng};

    fn is_illegal(raw: u32) -> bool {
        decode(raw).op == Op::Illegal
    }

    #[test]
    fn simple_32_bit_fields() {
        // addi a0, a0, 1
        let d = decode(0x0015_0513);
        assert_eq!(
            (d.op, d.rd.num(), d.rs1.num(), d.imm, d.len),
            (Op::Addi, 10, 10, 1, 4)
        );
        assert_eq!(d.raw, 0x0015_0513);
        // sd ra, -8(sp)
        let d = decode(0xfe11_3c23);
        assert_eq!((d.op, d.rs1.num(), d.rs2.num(), d.imm), (Op::Sd, 2, 1, -8));
        // lui a0, 0x80000 -> sign-extended shifted imm
        let d = decode(0x8000_0537);
        assert_eq!((d.op, d.rd.num(), d.imm), (Op::Lui, 10, i32::MIN));
        // csrrwi x0, mstatus, 8: zimm in rs1
        let d = decode(0x3004_5073);
        assert_eq!(
            (d.op, d.rd.num(), d.rs1.num(), d.imm),
            (Op::Csrrwi, 0, 8, 0x300)
        );
    }

    #[test]
    fn compressed_uses_low_half_only() {
        // c.addi a0, 1 with garbage in the upper half (the next instruction).
        let d = decode(0xdead_0505);
        assert_eq!(
            (d.op, d.rd.num(), d.rs1.num(), d.imm),
            (Op::Addi, 10, 10, 1)
        );
        assert_eq!((d.len, d.raw), (2, 0x0505));
    }

    #[test]
    fn hints_decode_as_their_op() {
        // c.addi x0, 5 (HINT), c.nop
        assert_eq!(decode(0x0015).op, Op::Addi);
        assert_eq!(decode(0x0001).op, Op::Addi);
        // c.li x0, 1
        assert_eq!(decode(0x4005).op, Op::Addi);
        // c.slli a0, 0 (shamt 0 HINT)
        let d = decode(0x0502);
        assert_eq!((d.op, d.rd.num(), d.imm), (Op::Slli, 10, 0));
        // c.mv x0, a0 and c.add x0, a0
        let d = decode(0x802a);
        assert_eq!(
            (d.op, d.rd.num(), d.rs1.num(), d.rs2.num()),
            (Op::Add, 0, 0, 10)
        );
        let d = decode(0x902a);
        assert_eq!(
            (d.op, d.rd.num(), d.rs1.num(), d.rs2.num()),
            (Op::Add, 0, 0, 10)
        );
        // c.lui x0, 1
        assert_eq!(decode(0x6005).op, Op::Lui);
        // c.srli s0, 0
        assert_eq!(decode(0x8001).op, Op::Srli);
    }

    #[test]
    fn reserved_compressed_encodings_are_illegal() {
        let cases: &[(u16, &str)] = &[
            (0x0000, "all-zero"),
            (0x0004, "c.addi4spn nzuimm 0, rd a1"),
            (0x6101, "c.addi16sp imm 0"),
            (0x6501, "c.lui a0, 0"),
            (0x6001, "c.lui x0, imm 0"),
            (0x4002, "c.lwsp x0"),
            (0x6002, "c.ldsp x0"),
            (0x8002, "c.jr x0"),
            (0x2001, "c.addiw x0"),
            (0x2081, "c.addiw x1 ok"),
            (0x9c41, "c.subw family reserved funct2 10"),
            (0x9c61, "c.subw family reserved funct2 11"),
            (0x8000, "quadrant 0 funct3 100"),
        ];
        for &(c, what) in cases {
            let want_legal = what.ends_with(" ok");
            assert_eq!(!is_illegal(c as u32), want_legal, "{what}: {c:#06x}");
            assert_eq!(decode(c as u32).len, 2);
        }
    }

    #[test]
    fn reserved_32_bit_encodings_are_illegal() {
        let cases: &[(u32, &str)] = &[
            (0xffff_ffff, "all ones"),
            (0x0000_0003, "lb x0, 0(x0) is legal: control"),
            (0x0200_951b, "slliw a0, a0, 32 (imm[5] set)"),
            (0x4000_951b, "slliw with funct7 0x20"),
            (0x8000_d51b, "sraiw with funct7 bit 6"),
            (0x8000_1513, "slli with imm[11] set"),
            (0x2000_5513, "srli with funct6 001000"),
            (0x4000_1513, "slli with funct6 010000"),
            (0x4000_4533, "xor with funct7 0x20"),
            (0x0400_0533, "add with funct7 0x02"),
            (0x0200_1533, "mulh-like funct7 1 is legal: control"),
            (0x0200_153b, "funct7 1 funct3 1 in OP-32"),
            (0x0000_253b, "OP-32 funct3 2"),
            (0x0000_7503, "load funct3 7"),
            (0x0000_4023, "store funct3 4"),
            (0x0000_2063, "branch funct3 2"),
            (0x0000_1067, "jalr funct3 1"),
            (0x0000_4073, "system funct3 4"),
            (0x0010_0573, "ebreak with rd a0"),
            (0x0000_8073, "ecall with rs1 x1"),
            (0x3020_00f3, "mret with rd x1"),
            (0x1200_00f3, "sfence.vma with rd x1"),
            (0x0000_0057, "OP-V (unimplemented)"),
            (0x0000_007f, ">32-bit encoding prefix"),
            (0x0000_201f, "48-bit prefix"),
            (0x0000_202b, "custom-1"),
            (0x0000_452f, "amo funct3 4"),
            (0x1015_b52f, "lr.d with rs2 1"),
            (0x1015_a52f, "lr.w with rs2 1"),
            (0x2800_352f, "amo funct5 00101"),
            (0x0400_0553, "fadd.h (fmt 10)"),
            (0x0600_0553, "fadd.q (fmt 11)"),
            (0x5810_0553, "fsqrt.s with rs2 1"),
            (0x4000_0553, "fcvt.s.d with rs2 0"),
            (0x4210_0553, "fcvt.d.s with rs2 1"),
            (0xc040_0553, "fcvt.w.s with rs2 4"),
            (0xd050_0553, "fcvt.s.w with rs2 5"),
            (0x2000_3553, "fsgnj funct3 3"),
            (0x2800_2553, "fmin funct3 2"),
            (0xa000_3553, "fcmp funct3 3"),
            (0xe000_2553, "fmv.x.w funct3 2"),
            (0xe010_0553, "fmv.x.w rs2 1"),
            (0xf000_1553, "fmv.w.x funct3 1"),
            (0x0400_0543, "fmadd.h"),
            (0x0000_4507, "load-fp funct3 4"),
            (0x0000_0507, "load-fp funct3 0 (vector)"),
            (0x0000_1027, "store-fp funct3 1"),
            (0x0000_200f, "misc-mem funct3 2"),
            (0x0050_257b, "uipi imm 5"),
            (0x8000_257b, "uipi imm 0x800"),
            (0x0a00_657b, "uipi rocc funct7 5"),
            (0x0000_057b, "custom-3 funct3 0"),
        ];
        for &(raw, what) in cases {
            let want_legal = what.ends_with("control");
            assert_eq!(!is_illegal(raw), want_legal, "{what}: {raw:#010x}");
        }
    }

    #[test]
    fn rounding_mode_and_ordering_bits() {
        // fadd.d fa0, fa1, fa2 with reserved rm 5 still decodes.
        let d = decode(0x02c5_d553);
        assert_eq!(
            (d.op, d.rm, d.rd.num(), d.rs1.num(), d.rs2.num()),
            (Op::FaddD, 5, 10, 11, 12)
        );
        // amoadd.w.aq: aq is bit 26 -> rm bit 1.
        let d = decode(0x04c5_a52f);
        assert_eq!((d.op, d.rm), (Op::AmoaddW, 2));
        // fsgnj.s carries no rounding mode.
        assert_eq!(decode(0x20c5_a553).rm, 0);
    }

    #[test]
    fn uipi_both_forms() {
        // I-type: imm = op, rd = a0, rs1 = a1, funct3 010.
        for (imm, op) in [
            (0, Op::UipiSend),
            (1, Op::UipiRead),
            (2, Op::UipiWrite),
            (3, Op::UipiActivate),
            (4, Op::UipiDeactivate),
        ] {
            let i_form = imm << 20 | 11 << 15 | 0b010 << 12 | 10 << 7 | 0b1111011;
            let rocc = imm << 25 | 7 << 20 | 11 << 15 | 0b110 << 12 | 10 << 7 | 0b1111011;
            for raw in [i_form, rocc] {
                let d = decode(raw);
                assert_eq!(
                    (d.op, d.rd.num(), d.rs1.num(), d.rs2.num(), d.imm),
                    (op, 10, 11, 0, 0)
                );
            }
        }
    }

    #[test]
    fn fence_ignores_reserved_fields() {
        // fence rw, rw with rd = a0 and rs1 = a1 set.
        let d = decode(0x0335_850f);
        assert_eq!(
            (d.op, d.rd.num(), d.rs1.num(), d.imm),
            (Op::Fence, 0, 0, 0x033)
        );
        let d = decode(0x1235_950f);
        assert_eq!(
            (d.op, d.rd.num(), d.rs1.num(), d.imm),
            (Op::FenceI, 0, 0, 0)
        );
    }

    /// Every legal 16-bit encoding expands to a 32-bit instruction that
    /// decodes to the same fields (only len/raw differ).
    #[test]
    fn every_compressed_matches_its_expansion() {
        let mut legal = 0;
        for c in 0..=u16::MAX {
            let d = decode(c as u32);
            if c & 3 == 3 {
                // A 32-bit prefix with zero upper half: must not panic.
                assert_eq!(d.len, 4);
                continue;
            }
            assert_eq!((d.len, d.raw), (2, c as u32));
            if d.op == Op::Illegal {
                assert_eq!(d, DecodedInst::illegal(c as u32, 2));
                continue;
            }
            legal += 1;
            let word = encode(&d).unwrap_or_else(|| panic!("{c:#06x} {d:?} has no expansion"));
            let e = decode(word);
            assert_eq!(
                DecodedInst {
                    len: 2,
                    raw: c as u32,
                    ..e
                },
                d,
                "{c:#06x} vs expansion {word:#010x}"
            );
        }
        // 3 quadrants of 2^14 minus the reserved patterns; a sanity bound.
        assert!(legal > 45_000 && legal < 49_152, "{legal}");
    }

    #[test]
    fn random_words_never_panic_and_round_trip() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_dec0);
        let mut legal = 0u32;
        for _ in 0..1_000_000 {
            let raw: u32 = rng.gen();
            let d = decode(raw);
            if raw & 3 != 3 {
                assert_eq!(d.len, 2);
                continue;
            }
            assert_eq!((d.len, d.raw), (4, raw));
            if d.op == Op::Illegal {
                continue;
            }
            legal += 1;
            // Re-encoding gives a canonical word with the same meaning.
            let canon = encode(&d).unwrap_or_else(|| panic!("{raw:#010x} {d:?}"));
            assert_eq!(
                DecodedInst {
                    raw,
                    ..decode(canon)
                },
                d,
                "{raw:#010x}"
            );
        }
        assert!(legal > 10_000, "{legal}");
    }
}

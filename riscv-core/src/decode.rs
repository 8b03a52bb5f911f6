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

use crate::inst::{DecodedInst, Op};

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
        rd,
        rs1,
        rs2,
        rs3: 0,
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
            d.rs3 = rs3(raw);
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
        rd,
        rs1,
        rs2,
        rs3: 0,
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

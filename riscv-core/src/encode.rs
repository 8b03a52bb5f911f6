//! Instruction encoder and a small label-resolving assembler.
//!
//! Used by tests, benches and the CLI's built-in guest programs, so guest
//! code can be written in Rust without an external toolchain. [`encode`] is
//! the inverse of [`crate::decode::decode`] for 32-bit encodings; [`Asm`]
//! adds one method per mnemonic (compressed forms as `c_*`), pseudo
//! instructions and labels.

use crate::inst::{DecodedInst, Op};
use std::fmt;

/// ABI register names for the integer file. F registers are plain 0..31.
pub mod reg {
    pub const ZERO: u8 = 0;
    pub const RA: u8 = 1;
    pub const SP: u8 = 2;
    pub const GP: u8 = 3;
    pub const TP: u8 = 4;
    pub const T0: u8 = 5;
    pub const T1: u8 = 6;
    pub const T2: u8 = 7;
    pub const S0: u8 = 8;
    pub const FP: u8 = 8;
    pub const S1: u8 = 9;
    pub const A0: u8 = 10;
    pub const A1: u8 = 11;
    pub const A2: u8 = 12;
    pub const A3: u8 = 13;
    pub const A4: u8 = 14;
    pub const A5: u8 = 15;
    pub const A6: u8 = 16;
    pub const A7: u8 = 17;
    pub const S2: u8 = 18;
    pub const S3: u8 = 19;
    pub const S4: u8 = 20;
    pub const S5: u8 = 21;
    pub const S6: u8 = 22;
    pub const S7: u8 = 23;
    pub const S8: u8 = 24;
    pub const S9: u8 = 25;
    pub const S10: u8 = 26;
    pub const S11: u8 = 27;
    pub const T3: u8 = 28;
    pub const T4: u8 = 29;
    pub const T5: u8 = 30;
    pub const T6: u8 = 31;
}

/// How an op's fields map to bits. Shared by [`encode`] and the tests that
/// generate random valid fields per op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// rd, rs1, rs2.
    R { opcode: u32, f3: u32, f7: u32 },
    /// rd, rs1, 12-bit signed imm.
    I { opcode: u32, f3: u32 },
    /// rs1, rs2, 12-bit signed imm.
    S { opcode: u32, f3: u32 },
    /// rs1, rs2, 13-bit signed even offset.
    B { f3: u32 },
    /// rd, imm with the low 12 bits clear.
    U { opcode: u32 },
    /// rd, 21-bit signed even offset.
    J,
    /// rd, rs1, shamt below `1 << bits`; `hi` is the fixed funct6/funct7
    /// placed at bit 26 (6-bit shamt) or 25 (5-bit shamt).
    Shift {
        opcode: u32,
        f3: u32,
        hi: u32,
        bits: u32,
    },
    /// No operands.
    Fixed(u32),
    /// imm = fm/pred/succ (12 bits).
    Fence,
    /// rd, rs1 (register or zimm), imm = CSR number.
    Csr { f3: u32 },
    /// rs1, rs2.
    SfenceVma,
    /// rd, rs1, rs2 (not for LR), rm = aq/rl.
    Amo { f3: u32, f5: u32, lr: bool },
    /// rd, rs1, rs2, rs3, rm.
    Fma { opcode: u32, fmt: u32 },
    /// rd, rs1, rm; and rs2 when `rs2` is None, else that fixed rs2 value.
    FpRm { f7: u32, rs2: Option<u32> },
    /// rd, rs1; and rs2 when `binary`; funct3 fixed, no rounding mode.
    FpSel { f7: u32, f3: u32, binary: bool },
    /// rd, rs1; imm[11:0] = operation.
    Uipi(u32),
}

const OP_LOAD: u32 = 0b0000011;
const OP_LOAD_FP: u32 = 0b0000111;
const OP_IMM: u32 = 0b0010011;
const OP_IMM32: u32 = 0b0011011;
const OP_STORE: u32 = 0b0100011;
const OP_STORE_FP: u32 = 0b0100111;
const OP_OP: u32 = 0b0110011;
const OP_OP32: u32 = 0b0111011;
const OP_SYSTEM: u32 = 0b1110011;

/// The encoding layout of `op`, or None for `Op::Illegal`.
pub(crate) fn layout(op: Op) -> Option<Layout> {
    use Layout::*;
    use Op::*;
    let r = |opcode, f3, f7| R { opcode, f3, f7 };
    let amo = |f3, f5| Amo { f3, f5, lr: false };
    let fprm = |f7| FpRm { f7, rs2: None };
    let fpun = |f7, rs2| FpRm { f7, rs2: Some(rs2) };
    let sel = |f7, f3| FpSel {
        f7,
        f3,
        binary: true,
    };
    let un = |f7, f3| FpSel {
        f7,
        f3,
        binary: false,
    };
    let shift = |opcode, f3, hi, bits| Shift {
        opcode,
        f3,
        hi,
        bits,
    };
    Some(match op {
        Illegal => return None,
        Lui => U { opcode: 0b0110111 },
        Auipc => U { opcode: 0b0010111 },
        Jal => J,
        Jalr => I {
            opcode: 0b1100111,
            f3: 0,
        },
        Beq => B { f3: 0 },
        Bne => B { f3: 1 },
        Blt => B { f3: 4 },
        Bge => B { f3: 5 },
        Bltu => B { f3: 6 },
        Bgeu => B { f3: 7 },
        Lb => I { opcode: OP_LOAD, f3: 0 },
        Lh => I { opcode: OP_LOAD, f3: 1 },
        Lw => I { opcode: OP_LOAD, f3: 2 },
        Ld => I { opcode: OP_LOAD, f3: 3 },
        Lbu => I { opcode: OP_LOAD, f3: 4 },
        Lhu => I { opcode: OP_LOAD, f3: 5 },
        Lwu => I { opcode: OP_LOAD, f3: 6 },
        Sb => S { opcode: OP_STORE, f3: 0 },
        Sh => S { opcode: OP_STORE, f3: 1 },
        Sw => S { opcode: OP_STORE, f3: 2 },
        Sd => S { opcode: OP_STORE, f3: 3 },
        Addi => I { opcode: OP_IMM, f3: 0 },
        Slti => I { opcode: OP_IMM, f3: 2 },
        Sltiu => I { opcode: OP_IMM, f3: 3 },
        Xori => I { opcode: OP_IMM, f3: 4 },
        Ori => I { opcode: OP_IMM, f3: 6 },
        Andi => I { opcode: OP_IMM, f3: 7 },
        Slli => shift(OP_IMM, 1, 0, 6),
        Srli => shift(OP_IMM, 5, 0, 6),
        Srai => shift(OP_IMM, 5, 0b010000, 6),
        Add => r(OP_OP, 0, 0),
        Sub => r(OP_OP, 0, 0x20),
        Sll => r(OP_OP, 1, 0),
        Slt => r(OP_OP, 2, 0),
        Sltu => r(OP_OP, 3, 0),
        Xor => r(OP_OP, 4, 0),
        Srl => r(OP_OP, 5, 0),
        Sra => r(OP_OP, 5, 0x20),
        Or => r(OP_OP, 6, 0),
        And => r(OP_OP, 7, 0),
        Addiw => I {
            opcode: OP_IMM32,
            f3: 0,
        },
        Slliw => shift(OP_IMM32, 1, 0, 5),
        Srliw => shift(OP_IMM32, 5, 0, 5),
        Sraiw => shift(OP_IMM32, 5, 0x20, 5),
        Addw => r(OP_OP32, 0, 0),
        Subw => r(OP_OP32, 0, 0x20),
        Sllw => r(OP_OP32, 1, 0),
        Srlw => r(OP_OP32, 5, 0),
        Sraw => r(OP_OP32, 5, 0x20),
        Op::Fence => Layout::Fence,
        FenceI => Fixed(0x0000_100f),
        Ecall => Fixed(0x0000_0073),
        Ebreak => Fixed(0x0010_0073),
        Csrrw => Csr { f3: 1 },
        Csrrs => Csr { f3: 2 },
        Csrrc => Csr { f3: 3 },
        Csrrwi => Csr { f3: 5 },
        Csrrsi => Csr { f3: 6 },
        Csrrci => Csr { f3: 7 },
        Mret => Fixed(0x3020_0073),
        Sret => Fixed(0x1020_0073),
        Uret => Fixed(0x0020_0073),
        Wfi => Fixed(0x1050_0073),
        Op::SfenceVma => Layout::SfenceVma,
        Mul => r(OP_OP, 0, 1),
        Mulh => r(OP_OP, 1, 1),
        Mulhsu => r(OP_OP, 2, 1),
        Mulhu => r(OP_OP, 3, 1),
        Div => r(OP_OP, 4, 1),
        Divu => r(OP_OP, 5, 1),
        Rem => r(OP_OP, 6, 1),
        Remu => r(OP_OP, 7, 1),
        Mulw => r(OP_OP32, 0, 1),
        Divw => r(OP_OP32, 4, 1),
        Divuw => r(OP_OP32, 5, 1),
        Remw => r(OP_OP32, 6, 1),
        Remuw => r(OP_OP32, 7, 1),
        LrW => Amo {
            f3: 2,
            f5: 0b00010,
            lr: true,
        },
        ScW => amo(2, 0b00011),
        AmoswapW => amo(2, 0b00001),
        AmoaddW => amo(2, 0b00000),
        AmoxorW => amo(2, 0b00100),
        AmoandW => amo(2, 0b01100),
        AmoorW => amo(2, 0b01000),
        AmominW => amo(2, 0b10000),
        AmomaxW => amo(2, 0b10100),
        AmominuW => amo(2, 0b11000),
        AmomaxuW => amo(2, 0b11100),
        LrD => Amo {
            f3: 3,
            f5: 0b00010,
            lr: true,
        },
        ScD => amo(3, 0b00011),
        AmoswapD => amo(3, 0b00001),
        AmoaddD => amo(3, 0b00000),
        AmoxorD => amo(3, 0b00100),
        AmoandD => amo(3, 0b01100),
        AmoorD => amo(3, 0b01000),
        AmominD => amo(3, 0b10000),
        AmomaxD => amo(3, 0b10100),
        AmominuD => amo(3, 0b11000),
        AmomaxuD => amo(3, 0b11100),
        Flw => I {
            opcode: OP_LOAD_FP,
            f3: 2,
        },
        Fsw => S {
            opcode: OP_STORE_FP,
            f3: 2,
        },
        FmaddS => Fma {
            opcode: 0b1000011,
            fmt: 0,
        },
        FmsubS => Fma {
            opcode: 0b1000111,
            fmt: 0,
        },
        FnmsubS => Fma {
            opcode: 0b1001011,
            fmt: 0,
        },
        FnmaddS => Fma {
            opcode: 0b1001111,
            fmt: 0,
        },
        FaddS => fprm(0b0000000),
        FsubS => fprm(0b0000100),
        FmulS => fprm(0b0001000),
        FdivS => fprm(0b0001100),
        FsqrtS => fpun(0b0101100, 0),
        FsgnjS => sel(0b0010000, 0),
        FsgnjnS => sel(0b0010000, 1),
        FsgnjxS => sel(0b0010000, 2),
        FminS => sel(0b0010100, 0),
        FmaxS => sel(0b0010100, 1),
        FcvtWS => fpun(0b1100000, 0),
        FcvtWuS => fpun(0b1100000, 1),
        FcvtLS => fpun(0b1100000, 2),
        FcvtLuS => fpun(0b1100000, 3),
        FmvXW => un(0b1110000, 0),
        FclassS => un(0b1110000, 1),
        FeqS => sel(0b1010000, 2),
        FltS => sel(0b1010000, 1),
        FleS => sel(0b1010000, 0),
        FcvtSW => fpun(0b1101000, 0),
        FcvtSWu => fpun(0b1101000, 1),
        FcvtSL => fpun(0b1101000, 2),
        FcvtSLu => fpun(0b1101000, 3),
        FmvWX => un(0b1111000, 0),
        Fld => I {
            opcode: OP_LOAD_FP,
            f3: 3,
        },
        Fsd => S {
            opcode: OP_STORE_FP,
            f3: 3,
        },
        FmaddD => Fma {
            opcode: 0b1000011,
            fmt: 1,
        },
        FmsubD => Fma {
            opcode: 0b1000111,
            fmt: 1,
        },
        FnmsubD => Fma {
            opcode: 0b1001011,
            fmt: 1,
        },
        FnmaddD => Fma {
            opcode: 0b1001111,
            fmt: 1,
        },
        FaddD => fprm(0b0000001),
        FsubD => fprm(0b0000101),
        FmulD => fprm(0b0001001),
        FdivD => fprm(0b0001101),
        FsqrtD => fpun(0b0101101, 0),
        FsgnjD => sel(0b0010001, 0),
        FsgnjnD => sel(0b0010001, 1),
        FsgnjxD => sel(0b0010001, 2),
        FminD => sel(0b0010101, 0),
        FmaxD => sel(0b0010101, 1),
        FcvtSD => fpun(0b0100000, 1),
        FcvtDS => fpun(0b0100001, 0),
        FeqD => sel(0b1010001, 2),
        FltD => sel(0b1010001, 1),
        FleD => sel(0b1010001, 0),
        FclassD => un(0b1110001, 1),
        FcvtWD => fpun(0b1100001, 0),
        FcvtWuD => fpun(0b1100001, 1),
        FcvtLD => fpun(0b1100001, 2),
        FcvtLuD => fpun(0b1100001, 3),
        FmvXD => un(0b1110001, 0),
        FcvtDW => fpun(0b1101001, 0),
        FcvtDWu => fpun(0b1101001, 1),
        FcvtDL => fpun(0b1101001, 2),
        FcvtDLu => fpun(0b1101001, 3),
        FmvDX => un(0b1111001, 0),
        UipiSend => Uipi(0),
        UipiRead => Uipi(1),
        UipiWrite => Uipi(2),
        UipiActivate => Uipi(3),
        UipiDeactivate => Uipi(4),
    })
}

/// R-type bit assembly (also used for I/S with the imm pre-placed).
fn r_type(opcode: u32, rd: u8, f3: u32, rs1: u8, rs2: u8, f7: u32) -> u32 {
    opcode | (rd as u32) << 7 | f3 << 12 | (rs1 as u32) << 15 | (rs2 as u32) << 20 | f7 << 25
}

fn fits_signed(v: i32, bits: u32) -> bool {
    let min = -(1i64 << (bits - 1));
    let max = (1i64 << (bits - 1)) - 1;
    (min..=max).contains(&(v as i64))
}

/// Canonical 32-bit encoding of `inst` (its `len` and `raw` are ignored).
/// None for `Op::Illegal`, for fields out of range, and for nonzero fields
/// the op does not use, so that `decode(encode(d)?)` always gives back `d`.
pub fn encode(inst: &DecodedInst) -> Option<u32> {
    let d = inst;
    let lay = layout(d.op)?;
    if d.rd > 31 || d.rs1 > 31 || d.rs2 > 31 || d.rs3 > 31 {
        return None;
    }
    // Which optional fields this layout uses: (rd, rs1, rs2, rs3, rm, imm).
    let used = match lay {
        Layout::R { .. } => (true, true, true, false, false, false),
        Layout::I { .. } | Layout::Shift { .. } | Layout::Csr { .. } => {
            (true, true, false, false, false, true)
        }
        Layout::S { .. } | Layout::B { .. } => (false, true, true, false, false, true),
        Layout::U { .. } | Layout::J => (true, false, false, false, false, true),
        Layout::Fixed(_) => (false, false, false, false, false, false),
        Layout::Fence => (false, false, false, false, false, true),
        Layout::SfenceVma => (false, true, true, false, false, false),
        Layout::Amo { lr, .. } => (true, true, !lr, false, true, false),
        Layout::Fma { .. } => (true, true, true, true, true, false),
        Layout::FpRm { rs2, .. } => (true, true, rs2.is_none(), false, true, false),
        Layout::FpSel { binary, .. } => (true, true, binary, false, false, false),
        Layout::Uipi(_) => (true, true, false, false, false, false),
    };
    let unused_nonzero = (!used.0 && d.rd != 0)
        || (!used.1 && d.rs1 != 0)
        || (!used.2 && d.rs2 != 0)
        || (!used.3 && d.rs3 != 0)
        || (!used.4 && d.rm != 0)
        || (!used.5 && d.imm != 0);
    if unused_nonzero {
        return None;
    }
    let imm = d.imm;
    Some(match lay {
        Layout::R { opcode, f3, f7 } => r_type(opcode, d.rd, f3, d.rs1, d.rs2, f7),
        Layout::I { opcode, f3 } => {
            if !fits_signed(imm, 12) {
                return None;
            }
            r_type(opcode, d.rd, f3, d.rs1, 0, 0) | (imm as u32) << 20
        }
        Layout::S { opcode, f3 } => {
            if !fits_signed(imm, 12) {
                return None;
            }
            let u = imm as u32;
            r_type(opcode, 0, f3, d.rs1, d.rs2, 0) | (u & 0x1f) << 7 | (u >> 5 & 0x7f) << 25
        }
        Layout::B { f3 } => {
            if !fits_signed(imm, 13) || imm & 1 != 0 {
                return None;
            }
            let u = imm as u32;
            r_type(0b1100011, 0, f3, d.rs1, d.rs2, 0)
                | (u >> 11 & 1) << 7
                | (u >> 1 & 0xf) << 8
                | (u >> 5 & 0x3f) << 25
                | (u >> 12 & 1) << 31
        }
        Layout::U { opcode } => {
            if imm & 0xfff != 0 {
                return None;
            }
            opcode | (d.rd as u32) << 7 | imm as u32
        }
        Layout::J => {
            if !fits_signed(imm, 21) || imm & 1 != 0 {
                return None;
            }
            let u = imm as u32;
            0b1101111
                | (d.rd as u32) << 7
                | (u & 0xf_f000)
                | (u >> 11 & 1) << 20
                | (u >> 1 & 0x3ff) << 21
                | (u >> 20 & 1) << 31
        }
        Layout::Shift {
            opcode,
            f3,
            hi,
            bits,
        } => {
            if !(0..1 << bits).contains(&imm) {
                return None;
            }
            r_type(opcode, d.rd, f3, d.rs1, 0, 0) | (imm as u32) << 20 | hi << (32 - (12 - bits))
        }
        Layout::Fixed(bits) => bits,
        Layout::Fence => {
            if !(0..4096).contains(&imm) {
                return None;
            }
            0b0001111 | (imm as u32) << 20
        }
        Layout::Csr { f3 } => {
            if !(0..4096).contains(&imm) {
                return None;
            }
            r_type(OP_SYSTEM, d.rd, f3, d.rs1, 0, 0) | (imm as u32) << 20
        }
        Layout::SfenceVma => r_type(OP_SYSTEM, 0, 0, d.rs1, d.rs2, 0b0001001),
        Layout::Amo { f3, f5, .. } => {
            if d.rm > 3 {
                return None;
            }
            r_type(0b0101111, d.rd, f3, d.rs1, d.rs2, f5 << 2 | d.rm as u32)
        }
        Layout::Fma { opcode, fmt } => {
            if d.rm > 7 {
                return None;
            }
            r_type(opcode, d.rd, d.rm as u32, d.rs1, d.rs2, fmt | (d.rs3 as u32) << 2)
        }
        Layout::FpRm { f7, rs2 } => {
            if d.rm > 7 {
                return None;
            }
            let rs2 = rs2.map_or(d.rs2, |v| v as u8);
            r_type(0b1010011, d.rd, d.rm as u32, d.rs1, rs2, f7)
        }
        Layout::FpSel { f7, f3, .. } => r_type(0b1010011, d.rd, f3, d.rs1, d.rs2, f7),
        Layout::Uipi(operation) => r_type(0b1111011, d.rd, 0b010, d.rs1, 0, 0) | operation << 20,
    })
}

/// A position in the program, bound with [`Asm::bind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(usize);

/// Why [`Asm::finish`] failed. `pc` is the address of the offending item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AsmError {
    /// An instruction's operands cannot be encoded (range, alignment,
    /// register class).
    BadOperands { pc: u64, mnemonic: &'static str },
    /// A label was referenced but never bound.
    UnboundLabel { pc: u64 },
    /// A label was bound twice.
    Rebound { pc: u64 },
    /// A branch, jump or `la` target is out of the instruction's reach.
    OutOfRange { pc: u64, target: u64 },
    /// `align` was given something other than a power of two.
    BadAlign { pc: u64, align: u64 },
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsmError::BadOperands { pc, mnemonic } => {
                write!(f, "{mnemonic} at {pc:#x}: operands cannot be encoded")
            }
            AsmError::UnboundLabel { pc } => write!(f, "label used at {pc:#x} is never bound"),
            AsmError::Rebound { pc } => write!(f, "label bound a second time at {pc:#x}"),
            AsmError::OutOfRange { pc, target } => {
                write!(f, "target {target:#x} out of range of the instruction at {pc:#x}")
            }
            AsmError::BadAlign { pc, align } => {
                write!(f, "align({align}) at {pc:#x}: not a power of two")
            }
        }
    }
}

impl std::error::Error for AsmError {}

/// Every RVC instruction, as taken by [`c_encode`]. Operand meaning per
/// kind: `a`/`b` registers (full numbers, x8..x15 for the 3-bit fields),
/// `imm` the value of the expanded instruction's immediate (byte offsets,
/// shamt; for `Lui` the 6-bit signed upper immediate, i.e. imm >> 12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CKind {
    Addi4spn,
    Fld,
    Lw,
    Ld,
    Fsd,
    Sw,
    Sd,
    Addi,
    Addiw,
    Li,
    Addi16sp,
    Lui,
    Srli,
    Srai,
    Andi,
    Sub,
    Xor,
    Or,
    And,
    Subw,
    Addw,
    J,
    Beqz,
    Bnez,
    Slli,
    Fldsp,
    Lwsp,
    Ldsp,
    Jr,
    Mv,
    Ebreak,
    Jalr,
    Add,
    Fsdsp,
    Swsp,
    Sdsp,
}

/// `imm` fits an unsigned field of `bits` bits scaled by `scale`.
fn uimm_ok(imm: i64, bits: u32, scale: i64) -> bool {
    imm >= 0 && imm % scale == 0 && imm < (1i64 << bits)
}

/// `imm` fits a signed field of `bits` bits scaled by `scale`.
fn simm_ok(imm: i64, bits: u32, scale: i64) -> bool {
    imm % scale == 0 && imm >= -(1i64 << (bits - 1)) && imm < (1i64 << (bits - 1))
}

/// Bit `from` of `v` moved to position `to`.
fn cbit(v: i64, from: u32, to: u32) -> u16 {
    (((v >> from) & 1) as u16) << to
}

/// Encodes one RVC instruction; None if operands are out of range or name
/// a reserved encoding (HINT encodings are allowed).
pub(crate) fn c_encode(kind: CKind, a: u8, b: u8, imm: i64) -> Option<u16> {
    use CKind::*;
    let full = |r: u8| r < 32;
    let prime = |r: u8| (8..16).contains(&r);
    let p = |r: u8| (r & 7) as u16;
    let f = |r: u8| r as u16;
    // CI-format 6-bit immediate: bit 5 -> 12, bits 4:0 -> 6:2.
    let ci = |v: i64| cbit(v, 5, 12) | ((v & 0x1f) as u16) << 2;
    // CL/CS word offset: [5:3] -> 12:10, [2] -> 6, [6] -> 5.
    let cw = |v: i64| ((v >> 3 & 7) as u16) << 10 | cbit(v, 2, 6) | cbit(v, 6, 5);
    // CL/CS double offset: [5:3] -> 12:10, [7:6] -> 6:5.
    let cd = |v: i64| ((v >> 3 & 7) as u16) << 10 | ((v >> 6 & 3) as u16) << 5;
    let q = |quadrant: u16, f3: u16| quadrant | f3 << 13;
    let ok = match kind {
        Addi4spn => prime(a) && uimm_ok(imm, 10, 4) && imm != 0,
        Fld | Ld | Fsd | Sd => prime(a) && prime(b) && uimm_ok(imm, 8, 8),
        Lw | Sw => prime(a) && prime(b) && uimm_ok(imm, 7, 4),
        Addi | Li => full(a) && simm_ok(imm, 6, 1),
        Addiw => full(a) && a != 0 && simm_ok(imm, 6, 1),
        Addi16sp => simm_ok(imm, 10, 16) && imm != 0,
        Lui => full(a) && a != 2 && simm_ok(imm, 6, 1) && imm != 0,
        Srli | Srai => prime(a) && uimm_ok(imm, 6, 1),
        Andi => prime(a) && simm_ok(imm, 6, 1),
        Sub | Xor | Or | And | Subw | Addw => prime(a) && prime(b),
        J => simm_ok(imm, 12, 2),
        Beqz | Bnez => prime(a) && simm_ok(imm, 9, 2),
        Slli => full(a) && uimm_ok(imm, 6, 1),
        Fldsp => full(a) && uimm_ok(imm, 9, 8),
        Ldsp => full(a) && a != 0 && uimm_ok(imm, 9, 8),
        Lwsp => full(a) && a != 0 && uimm_ok(imm, 8, 4),
        Jr | Jalr => full(a) && a != 0,
        Mv | Add => full(a) && full(b) && b != 0,
        Ebreak => true,
        Fsdsp | Sdsp => full(a) && uimm_ok(imm, 9, 8),
        Swsp => full(a) && uimm_ok(imm, 8, 4),
    };
    if !ok {
        return None;
    }
    Some(match kind {
        Addi4spn => {
            q(0, 0)
                | ((imm >> 4 & 3) as u16) << 11
                | ((imm >> 6 & 0xf) as u16) << 7
                | cbit(imm, 2, 6)
                | cbit(imm, 3, 5)
                | p(a) << 2
        }
        Fld => q(0, 1) | cd(imm) | p(b) << 7 | p(a) << 2,
        Lw => q(0, 2) | cw(imm) | p(b) << 7 | p(a) << 2,
        Ld => q(0, 3) | cd(imm) | p(b) << 7 | p(a) << 2,
        Fsd => q(0, 5) | cd(imm) | p(b) << 7 | p(a) << 2,
        Sw => q(0, 6) | cw(imm) | p(b) << 7 | p(a) << 2,
        Sd => q(0, 7) | cd(imm) | p(b) << 7 | p(a) << 2,
        Addi => q(1, 0) | f(a) << 7 | ci(imm),
        Addiw => q(1, 1) | f(a) << 7 | ci(imm),
        Li => q(1, 2) | f(a) << 7 | ci(imm),
        Addi16sp => {
            q(1, 3)
                | 2 << 7
                | cbit(imm, 9, 12)
                | cbit(imm, 4, 6)
                | cbit(imm, 6, 5)
                | ((imm >> 7 & 3) as u16) << 3
                | cbit(imm, 5, 2)
        }
        Lui => q(1, 3) | f(a) << 7 | ci(imm),
        Srli => q(1, 4) | p(a) << 7 | ci(imm),
        Srai => q(1, 4) | 1 << 10 | p(a) << 7 | ci(imm),
        Andi => q(1, 4) | 2 << 10 | p(a) << 7 | ci(imm),
        Sub | Xor | Or | And | Subw | Addw => {
            let (w, f2) = match kind {
                Sub => (0, 0),
                Xor => (0, 1),
                Or => (0, 2),
                And => (0, 3),
                Subw => (1, 0),
                _ => (1, 1),
            };
            q(1, 4) | w << 12 | 3 << 10 | p(a) << 7 | f2 << 5 | p(b) << 2
        }
        J => {
            q(1, 5)
                | cbit(imm, 11, 12)
                | cbit(imm, 4, 11)
                | ((imm >> 8 & 3) as u16) << 9
                | cbit(imm, 10, 8)
                | cbit(imm, 6, 7)
                | cbit(imm, 7, 6)
                | ((imm >> 1 & 7) as u16) << 3
                | cbit(imm, 5, 2)
        }
        Beqz | Bnez => {
            q(1, if kind == Beqz { 6 } else { 7 })
                | cbit(imm, 8, 12)
                | ((imm >> 3 & 3) as u16) << 10
                | p(a) << 7
                | ((imm >> 6 & 3) as u16) << 5
                | ((imm >> 1 & 3) as u16) << 3
                | cbit(imm, 5, 2)
        }
        Slli => q(2, 0) | f(a) << 7 | ci(imm),
        Fldsp | Ldsp => {
            q(2, if kind == Fldsp { 1 } else { 3 })
                | cbit(imm, 5, 12)
                | f(a) << 7
                | ((imm >> 3 & 3) as u16) << 5
                | ((imm >> 6 & 7) as u16) << 2
        }
        Lwsp => {
            q(2, 2)
                | cbit(imm, 5, 12)
                | f(a) << 7
                | ((imm >> 2 & 7) as u16) << 4
                | ((imm >> 6 & 3) as u16) << 2
        }
        Jr => q(2, 4) | f(a) << 7,
        Mv => q(2, 4) | f(a) << 7 | f(b) << 2,
        Ebreak => q(2, 4) | 1 << 12,
        Jalr => q(2, 4) | 1 << 12 | f(a) << 7,
        Add => q(2, 4) | 1 << 12 | f(a) << 7 | f(b) << 2,
        Fsdsp | Sdsp => {
            q(2, if kind == Fsdsp { 5 } else { 7 })
                | ((imm >> 3 & 7) as u16) << 10
                | ((imm >> 6 & 7) as u16) << 7
                | f(a) << 2
        }
        Swsp => q(2, 6) | ((imm >> 2 & 0xf) as u16) << 9 | ((imm >> 6 & 3) as u16) << 7 | f(a) << 2,
    })
}

/// What to patch into the instruction at a label reference.
#[derive(Clone, Copy, Debug)]
enum FixKind {
    /// A 32-bit branch or JAL whose imm becomes the pc-relative offset.
    Inst(DecodedInst),
    /// A compressed C.J / C.BEQZ / C.BNEZ with register `a`.
    Compressed(CKind, u8),
    /// AUIPC rd + ADDI rd, rd (the `la` pseudo-instruction).
    La(u8),
}

#[derive(Clone, Copy, Debug)]
struct Fixup {
    at: usize,
    label: Label,
    kind: FixKind,
}

/// A test assembler. Methods append one instruction each; errors are kept
/// and the first one is reported by [`Asm::finish`].
///
/// Operand order follows assembly syntax with memory operands split:
/// loads `(rd, rs1, off)`, stores `(rs2, rs1, off)`, AMOs
/// `(rd, rs1 = address, rs2, aq, rl)`. `lui`/`auipc` take the 20-bit upper
/// immediate as written in assembly; CSR numbers are `u16`.
#[derive(Clone, Debug)]
pub struct Asm {
    base: u64,
    buf: Vec<u8>,
    labels: Vec<Option<u64>>,
    fixups: Vec<Fixup>,
    error: Option<AsmError>,
}

/// Builds a [`DecodedInst`] for [`encode`].
fn di(op: Op, rd: u8, rs1: u8, rs2: u8, rs3: u8, rm: u8, imm: i32) -> DecodedInst {
    DecodedInst {
        op,
        rd,
        rs1,
        rs2,
        rs3,
        rm,
        len: 4,
        imm,
        raw: 0,
    }
}

/// Clamps an i64 immediate into i32 so out-of-range values stay out of
/// range (and fail in `encode`) instead of wrapping into range.
fn clamp(imm: i64) -> i32 {
    imm.clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

macro_rules! r_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, rs2`")]
        pub fn $name(&mut self, rd: u8, rs1: u8, rs2: u8) {
            self.inst(stringify!($name), di(Op::$op, rd, rs1, rs2, 0, 0, 0));
        }
    )*};
}

macro_rules! i_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, imm` (loads: `rd, imm(rs1)`)")]
        pub fn $name(&mut self, rd: u8, rs1: u8, imm: i32) {
            self.inst(stringify!($name), di(Op::$op, rd, rs1, 0, 0, 0, imm));
        }
    )*};
}

macro_rules! shift_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, shamt`")]
        pub fn $name(&mut self, rd: u8, rs1: u8, shamt: u32) {
            self.inst(stringify!($name), di(Op::$op, rd, rs1, 0, 0, 0, clamp(shamt as i64)));
        }
    )*};
}

macro_rules! s_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rs2, off(rs1)`")]
        pub fn $name(&mut self, rs2: u8, rs1: u8, off: i32) {
            self.inst(stringify!($name), di(Op::$op, 0, rs1, rs2, 0, 0, off));
        }
    )*};
}

macro_rules! b_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rs1, rs2, label`")]
        pub fn $name(&mut self, rs1: u8, rs2: u8, target: Label) {
            self.fixup(target, FixKind::Inst(di(Op::$op, 0, rs1, rs2, 0, 0, 0)));
        }
    )*};
}

macro_rules! fixed_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "`")]
        pub fn $name(&mut self) {
            self.inst(stringify!($name), di(Op::$op, 0, 0, 0, 0, 0, 0));
        }
    )*};
}

macro_rules! csr_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, csr, rs1` (rs1 is zimm for the *i forms)")]
        pub fn $name(&mut self, rd: u8, csr: u16, rs1: u8) {
            self.inst(stringify!($name), di(Op::$op, rd, rs1, 0, 0, 0, csr as i32));
        }
    )*};
}

macro_rules! amo_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs2, (rs1)` with aq/rl bits")]
        pub fn $name(&mut self, rd: u8, rs1: u8, rs2: u8, aq: bool, rl: bool) {
            let rm = (aq as u8) << 1 | rl as u8;
            self.inst(stringify!($name), di(Op::$op, rd, rs1, rs2, 0, rm, 0));
        }
    )*};
}

macro_rules! lr_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, (rs1)` with aq/rl bits")]
        pub fn $name(&mut self, rd: u8, rs1: u8, aq: bool, rl: bool) {
            let rm = (aq as u8) << 1 | rl as u8;
            self.inst(stringify!($name), di(Op::$op, rd, rs1, 0, 0, rm, 0));
        }
    )*};
}

macro_rules! fma_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, rs2, rs3, rm`")]
        pub fn $name(&mut self, rd: u8, rs1: u8, rs2: u8, rs3: u8, rm: u8) {
            self.inst(stringify!($name), di(Op::$op, rd, rs1, rs2, rs3, rm, 0));
        }
    )*};
}

macro_rules! fp_rm2_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, rs2, rm`")]
        pub fn $name(&mut self, rd: u8, rs1: u8, rs2: u8, rm: u8) {
            self.inst(stringify!($name), di(Op::$op, rd, rs1, rs2, 0, rm, 0));
        }
    )*};
}

macro_rules! fp_rm1_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, rm`")]
        pub fn $name(&mut self, rd: u8, rs1: u8, rm: u8) {
            self.inst(stringify!($name), di(Op::$op, rd, rs1, 0, 0, rm, 0));
        }
    )*};
}

macro_rules! fp_un_ops {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1`")]
        pub fn $name(&mut self, rd: u8, rs1: u8) {
            self.inst(stringify!($name), di(Op::$op, rd, rs1, 0, 0, 0, 0));
        }
    )*};
}

macro_rules! c_ops {
    ($($name:ident($($arg:ident: $ty:ty),*) => $kind:ident($a:expr, $b:expr, $imm:expr)),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "` (compressed)")]
        pub fn $name(&mut self, $($arg: $ty),*) {
            self.compressed(stringify!($name), CKind::$kind, $a, $b, $imm as i64);
        }
    )*};
}

impl Asm {
    /// An empty program to be placed at address `base`.
    pub fn new(base: u64) -> Self {
        Self {
            base,
            buf: Vec::new(),
            labels: Vec::new(),
            fixups: Vec::new(),
            error: None,
        }
    }

    /// A new, not yet bound label.
    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    /// Binds `label` to the current address.
    pub fn bind(&mut self, label: Label) {
        let here = self.here();
        match self.labels.get_mut(label.0) {
            Some(slot @ None) => *slot = Some(here),
            _ => self.fail(AsmError::Rebound { pc: here }),
        }
    }

    /// The address the next item will be placed at.
    pub fn here(&self) -> u64 {
        self.base.wrapping_add(self.buf.len() as u64)
    }

    /// Address of a bound label (None while unbound).
    pub fn label_addr(&self, label: Label) -> Option<u64> {
        self.labels.get(label.0).copied().flatten()
    }

    fn fail(&mut self, e: AsmError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Appends the encoding of `d`, or records an error.
    fn inst(&mut self, mnemonic: &'static str, d: DecodedInst) {
        match encode(&d) {
            Some(w) => self.word(w),
            None => {
                let pc = self.here();
                self.fail(AsmError::BadOperands { pc, mnemonic });
                self.word(0);
            }
        }
    }

    fn compressed(&mut self, mnemonic: &'static str, kind: CKind, a: u8, b: u8, imm: i64) {
        match c_encode(kind, a, b, imm) {
            Some(h) => self.half(h),
            None => {
                let pc = self.here();
                self.fail(AsmError::BadOperands { pc, mnemonic });
                self.half(0);
            }
        }
    }

    /// Records a label reference and reserves its space.
    fn fixup(&mut self, label: Label, kind: FixKind) {
        self.fixups.push(Fixup {
            at: self.buf.len(),
            label,
            kind,
        });
        match kind {
            FixKind::Inst(_) => self.word(0),
            FixKind::Compressed(..) => self.half(0),
            FixKind::La(_) => {
                self.word(0);
                self.word(0);
            }
        }
    }

    /// Raw 32-bit little-endian data.
    pub fn word(&mut self, w: u32) {
        self.buf.extend_from_slice(&w.to_le_bytes());
    }

    /// Raw 16-bit little-endian data.
    pub fn half(&mut self, h: u16) {
        self.buf.extend_from_slice(&h.to_le_bytes());
    }

    /// Raw 64-bit little-endian data.
    pub fn dword(&mut self, d: u64) {
        self.buf.extend_from_slice(&d.to_le_bytes());
    }

    /// Pads with zero bytes up to a multiple of `n` (a power of two).
    pub fn align(&mut self, n: u64) {
        if !n.is_power_of_two() {
            let pc = self.here();
            self.fail(AsmError::BadAlign { pc, align: n });
            return;
        }
        while self.here() & (n - 1) != 0 {
            self.buf.push(0);
        }
    }

    /// Resolves all label references and returns the program bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, AsmError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        for fix in std::mem::take(&mut self.fixups) {
            let pc = self.base.wrapping_add(fix.at as u64);
            let target = self
                .labels
                .get(fix.label.0)
                .copied()
                .flatten()
                .ok_or(AsmError::UnboundLabel { pc })?;
            let off = target.wrapping_sub(pc) as i64;
            let range = AsmError::OutOfRange { pc, target };
            match fix.kind {
                FixKind::Inst(mut d) => {
                    d.imm = i32::try_from(off).map_err(|_| range.clone())?;
                    let w = encode(&d).ok_or(range)?;
                    self.buf[fix.at..fix.at + 4].copy_from_slice(&w.to_le_bytes());
                }
                FixKind::Compressed(kind, a) => {
                    let h = c_encode(kind, a, 0, off).ok_or(range)?;
                    self.buf[fix.at..fix.at + 2].copy_from_slice(&h.to_le_bytes());
                }
                FixKind::La(rd) => {
                    let hi = (off + 0x800) >> 12;
                    let lo = off - (hi << 12);
                    if !(-(1 << 19)..(1 << 19)).contains(&hi) {
                        return Err(range);
                    }
                    let auipc = encode(&di(Op::Auipc, rd, 0, 0, 0, 0, (hi << 12) as i32));
                    let addi = encode(&di(Op::Addi, rd, rd, 0, 0, 0, lo as i32));
                    let (Some(auipc), Some(addi)) = (auipc, addi) else {
                        return Err(range);
                    };
                    self.buf[fix.at..fix.at + 4].copy_from_slice(&auipc.to_le_bytes());
                    self.buf[fix.at + 4..fix.at + 8].copy_from_slice(&addi.to_le_bytes());
                }
            }
        }
        Ok(self.buf)
    }

    /// `lui rd, imm20` (imm20 as written in assembly: 0..=0xfffff, or its
    /// signed form).
    pub fn lui(&mut self, rd: u8, imm20: i32) {
        let d = di(Op::Lui, rd, 0, 0, 0, 0, upper(imm20));
        self.inst("lui", d);
    }

    /// `auipc rd, imm20` (as for [`Asm::lui`]).
    pub fn auipc(&mut self, rd: u8, imm20: i32) {
        let d = di(Op::Auipc, rd, 0, 0, 0, 0, upper(imm20));
        self.inst("auipc", d);
    }

    /// `jal rd, label`
    pub fn jal(&mut self, rd: u8, target: Label) {
        self.fixup(target, FixKind::Inst(di(Op::Jal, rd, 0, 0, 0, 0, 0)));
    }

    /// `fence pred, succ` with the 4-bit IORW sets.
    pub fn fence(&mut self, pred: u8, succ: u8) {
        let imm = if pred < 16 && succ < 16 {
            ((pred as i32) << 4) | succ as i32
        } else {
            -1
        };
        self.inst("fence", di(Op::Fence, 0, 0, 0, 0, 0, imm));
    }

    /// `fence.tso` (fm = 0b1000, pred = succ = RW).
    pub fn fence_tso(&mut self) {
        self.inst("fence.tso", di(Op::Fence, 0, 0, 0, 0, 0, 0x833));
    }

    /// `sfence.vma rs1, rs2`
    pub fn sfence_vma(&mut self, rs1: u8, rs2: u8) {
        self.inst("sfence.vma", di(Op::SfenceVma, 0, rs1, rs2, 0, 0, 0));
    }

    /// UIPI SEND: post the interrupt named by sender-table index `rs1`.
    pub fn uipi_send(&mut self, rs1: u8) {
        self.inst("uipi.send", di(Op::UipiSend, 0, rs1, 0, 0, 0, 0));
    }

    /// UIPI READ: rd <- pending bits of this thread's receiver entry.
    pub fn uipi_read(&mut self, rd: u8) {
        self.inst("uipi.read", di(Op::UipiRead, rd, 0, 0, 0, 0, 0));
    }

    /// UIPI WRITE: pending bits of this thread's receiver entry <- rs1.
    pub fn uipi_write(&mut self, rs1: u8) {
        self.inst("uipi.write", di(Op::UipiWrite, 0, rs1, 0, 0, 0, 0));
    }

    /// UIPI ACTIVATE: set Active of this thread's receiver entry.
    pub fn uipi_activate(&mut self) {
        self.inst("uipi.activate", di(Op::UipiActivate, 0, 0, 0, 0, 0, 0));
    }

    /// UIPI DEACTIVATE: clear Active of this thread's receiver entry.
    pub fn uipi_deactivate(&mut self) {
        self.inst("uipi.deactivate", di(Op::UipiDeactivate, 0, 0, 0, 0, 0, 0));
    }

    r_ops! {
        add => Add, sub => Sub, sll => Sll, slt => Slt, sltu => Sltu, xor => Xor,
        srl => Srl, sra => Sra, or => Or, and => And,
        addw => Addw, subw => Subw, sllw => Sllw, srlw => Srlw, sraw => Sraw,
        mul => Mul, mulh => Mulh, mulhsu => Mulhsu, mulhu => Mulhu, div => Div,
        divu => Divu, rem => Rem, remu => Remu, mulw => Mulw, divw => Divw,
        divuw => Divuw, remw => Remw, remuw => Remuw,
        fsgnj_s => FsgnjS, fsgnjn_s => FsgnjnS, fsgnjx_s => FsgnjxS,
        fmin_s => FminS, fmax_s => FmaxS, feq_s => FeqS, flt_s => FltS, fle_s => FleS,
        fsgnj_d => FsgnjD, fsgnjn_d => FsgnjnD, fsgnjx_d => FsgnjxD,
        fmin_d => FminD, fmax_d => FmaxD, feq_d => FeqD, flt_d => FltD, fle_d => FleD,
    }

    i_ops! {
        jalr => Jalr, lb => Lb, lh => Lh, lw => Lw, ld => Ld, lbu => Lbu, lhu => Lhu,
        lwu => Lwu, addi => Addi, slti => Slti, sltiu => Sltiu, xori => Xori, ori => Ori,
        andi => Andi, addiw => Addiw, flw => Flw, fld => Fld,
    }

    shift_ops! {
        slli => Slli, srli => Srli, srai => Srai, slliw => Slliw, srliw => Srliw, sraiw => Sraiw,
    }

    s_ops! { sb => Sb, sh => Sh, sw => Sw, sd => Sd, fsw => Fsw, fsd => Fsd }

    b_ops! { beq => Beq, bne => Bne, blt => Blt, bge => Bge, bltu => Bltu, bgeu => Bgeu }

    fixed_ops! {
        fence_i => FenceI, ecall => Ecall, ebreak => Ebreak, mret => Mret, sret => Sret,
        uret => Uret, wfi => Wfi,
    }

    csr_ops! {
        csrrw => Csrrw, csrrs => Csrrs, csrrc => Csrrc,
        csrrwi => Csrrwi, csrrsi => Csrrsi, csrrci => Csrrci,
    }

    amo_ops! {
        sc_w => ScW, amoswap_w => AmoswapW, amoadd_w => AmoaddW, amoxor_w => AmoxorW,
        amoand_w => AmoandW, amoor_w => AmoorW, amomin_w => AmominW, amomax_w => AmomaxW,
        amominu_w => AmominuW, amomaxu_w => AmomaxuW,
        sc_d => ScD, amoswap_d => AmoswapD, amoadd_d => AmoaddD, amoxor_d => AmoxorD,
        amoand_d => AmoandD, amoor_d => AmoorD, amomin_d => AmominD, amomax_d => AmomaxD,
        amominu_d => AmominuD, amomaxu_d => AmomaxuD,
    }

    lr_ops! { lr_w => LrW, lr_d => LrD }

    fma_ops! {
        fmadd_s => FmaddS, fmsub_s => FmsubS, fnmsub_s => FnmsubS, fnmadd_s => FnmaddS,
        fmadd_d => FmaddD, fmsub_d => FmsubD, fnmsub_d => FnmsubD, fnmadd_d => FnmaddD,
    }

    fp_rm2_ops! {
        fadd_s => FaddS, fsub_s => FsubS, fmul_s => FmulS, fdiv_s => FdivS,
        fadd_d => FaddD, fsub_d => FsubD, fmul_d => FmulD, fdiv_d => FdivD,
    }

    fp_rm1_ops! {
        fsqrt_s => FsqrtS, fsqrt_d => FsqrtD,
        fcvt_w_s => FcvtWS, fcvt_wu_s => FcvtWuS, fcvt_l_s => FcvtLS, fcvt_lu_s => FcvtLuS,
        fcvt_s_w => FcvtSW, fcvt_s_wu => FcvtSWu, fcvt_s_l => FcvtSL, fcvt_s_lu => FcvtSLu,
        fcvt_s_d => FcvtSD, fcvt_d_s => FcvtDS,
        fcvt_w_d => FcvtWD, fcvt_wu_d => FcvtWuD, fcvt_l_d => FcvtLD, fcvt_lu_d => FcvtLuD,
        fcvt_d_w => FcvtDW, fcvt_d_wu => FcvtDWu, fcvt_d_l => FcvtDL, fcvt_d_lu => FcvtDLu,
    }

    fp_un_ops! {
        fmv_x_w => FmvXW, fclass_s => FclassS, fmv_w_x => FmvWX,
        fmv_x_d => FmvXD, fclass_d => FclassD, fmv_d_x => FmvDX,
    }

    c_ops! {
        c_addi4spn(rd: u8, nzuimm: u32) => Addi4spn(rd, 0, nzuimm),
        c_fld(rd: u8, rs1: u8, off: u32) => Fld(rd, rs1, off),
        c_lw(rd: u8, rs1: u8, off: u32) => Lw(rd, rs1, off),
        c_ld(rd: u8, rs1: u8, off: u32) => Ld(rd, rs1, off),
        c_fsd(rs2: u8, rs1: u8, off: u32) => Fsd(rs2, rs1, off),
        c_sw(rs2: u8, rs1: u8, off: u32) => Sw(rs2, rs1, off),
        c_sd(rs2: u8, rs1: u8, off: u32) => Sd(rs2, rs1, off),
        c_addi(rd: u8, imm: i32) => Addi(rd, 0, imm),
        c_addiw(rd: u8, imm: i32) => Addiw(rd, 0, imm),
        c_li(rd: u8, imm: i32) => Li(rd, 0, imm),
        c_addi16sp(imm: i32) => Addi16sp(2, 0, imm),
        c_srli(rd: u8, shamt: u32) => Srli(rd, 0, shamt),
        c_srai(rd: u8, shamt: u32) => Srai(rd, 0, shamt),
        c_andi(rd: u8, imm: i32) => Andi(rd, 0, imm),
        c_sub(rd: u8, rs2: u8) => Sub(rd, rs2, 0),
        c_xor(rd: u8, rs2: u8) => Xor(rd, rs2, 0),
        c_or(rd: u8, rs2: u8) => Or(rd, rs2, 0),
        c_and(rd: u8, rs2: u8) => And(rd, rs2, 0),
        c_subw(rd: u8, rs2: u8) => Subw(rd, rs2, 0),
        c_addw(rd: u8, rs2: u8) => Addw(rd, rs2, 0),
        c_slli(rd: u8, shamt: u32) => Slli(rd, 0, shamt),
        c_fldsp(rd: u8, off: u32) => Fldsp(rd, 0, off),
        c_lwsp(rd: u8, off: u32) => Lwsp(rd, 0, off),
        c_ldsp(rd: u8, off: u32) => Ldsp(rd, 0, off),
        c_jr(rs1: u8) => Jr(rs1, 0, 0),
        c_mv(rd: u8, rs2: u8) => Mv(rd, rs2, 0),
        c_ebreak() => Ebreak(0, 0, 0),
        c_jalr(rs1: u8) => Jalr(rs1, 0, 0),
        c_add(rd: u8, rs2: u8) => Add(rd, rs2, 0),
        c_fsdsp(rs2: u8, off: u32) => Fsdsp(rs2, 0, off),
        c_swsp(rs2: u8, off: u32) => Swsp(rs2, 0, off),
        c_sdsp(rs2: u8, off: u32) => Sdsp(rs2, 0, off),
    }

    /// `c.nop`
    pub fn c_nop(&mut self) {
        self.compressed("c.nop", CKind::Addi, 0, 0, 0);
    }

    /// `c.lui rd, imm6`: the 6-bit signed upper immediate (-32..=31, not 0),
    /// i.e. the expanded LUI's imm >> 12.
    pub fn c_lui(&mut self, rd: u8, imm6: i32) {
        self.compressed("c.lui", CKind::Lui, rd, 0, imm6 as i64);
    }

    /// `c.j label`
    pub fn c_j(&mut self, target: Label) {
        self.fixup(target, FixKind::Compressed(CKind::J, 0));
    }

    /// `c.beqz rs1, label` (rs1 in x8..x15)
    pub fn c_beqz(&mut self, rs1: u8, target: Label) {
        self.fixup(target, FixKind::Compressed(CKind::Beqz, rs1));
    }

    /// `c.bnez rs1, label` (rs1 in x8..x15)
    pub fn c_bnez(&mut self, rs1: u8, target: Label) {
        self.fixup(target, FixKind::Compressed(CKind::Bnez, rs1));
    }

    /// `li rd, value`: loads any 64-bit constant with LUI/ADDI(W)/SLLI
    /// (1 to 8 instructions).
    pub fn li(&mut self, rd: u8, value: i64) {
        if rd > 31 {
            let pc = self.here();
            self.fail(AsmError::BadOperands { pc, mnemonic: "li" });
            return;
        }
        for d in li_sequence(rd, value) {
            self.inst("li", d);
        }
    }

    /// `la rd, label`: AUIPC + ADDI, pc-relative (±2 GiB).
    pub fn la(&mut self, rd: u8, target: Label) {
        if rd > 31 {
            let pc = self.here();
            self.fail(AsmError::BadOperands { pc, mnemonic: "la" });
        }
        self.fixup(target, FixKind::La(rd));
    }

    /// `mv rd, rs` = `addi rd, rs, 0`
    pub fn mv(&mut self, rd: u8, rs: u8) {
        self.addi(rd, rs, 0);
    }

    /// `j label` = `jal x0, label`
    pub fn j(&mut self, target: Label) {
        self.jal(0, target);
    }

    /// `call label` = `jal ra, label`
    pub fn call(&mut self, target: Label) {
        self.jal(reg::RA, target);
    }

    /// `ret` = `jalr x0, 0(ra)`
    pub fn ret(&mut self) {
        self.jalr(0, reg::RA, 0);
    }

    /// `nop` = `addi x0, x0, 0`
    pub fn nop(&mut self) {
        self.addi(0, 0, 0);
    }

    /// `csrr rd, csr` = `csrrs rd, csr, x0`
    pub fn csrr(&mut self, rd: u8, csr: u16) {
        self.csrrs(rd, csr, 0);
    }

    /// `csrw csr, rs` = `csrrw x0, csr, rs`
    pub fn csrw(&mut self, csr: u16, rs: u8) {
        self.csrrw(0, csr, rs);
    }

    /// `csrs csr, rs` = `csrrs x0, csr, rs`
    pub fn csrs(&mut self, csr: u16, rs: u8) {
        self.csrrs(0, csr, rs);
    }

    /// `csrc csr, rs` = `csrrc x0, csr, rs`
    pub fn csrc(&mut self, csr: u16, rs: u8) {
        self.csrrc(0, csr, rs);
    }
}

/// The LUI/AUIPC imm field for an assembly-syntax 20-bit upper immediate;
/// out-of-range values map to an unencodable imm.
fn upper(imm20: i32) -> i32 {
    match imm20 {
        -0x80000..=0xfffff => ((imm20 as u32) << 12) as i32,
        _ => 1,
    }
}

/// Instructions that put `value` into `rd`: a 32-bit value takes LUI and/or
/// ADDI(W); a wider one is built recursively from its upper bits, shifted
/// left over the trailing zeros, plus a final ADDI of the low 12 bits.
fn li_sequence(rd: u8, value: i64) -> Vec<DecodedInst> {
    let mut out = Vec::new();
    li_into(rd, value, &mut out);
    out
}

fn li_into(rd: u8, value: i64, out: &mut Vec<DecodedInst>) {
    let lo12 = (value << 52) >> 52;
    if let Ok(v32) = i32::try_from(value) {
        let hi20 = (v32 as i64 + 0x800) >> 12;
        if hi20 == 0 {
            out.push(di(Op::Addi, rd, 0, 0, 0, 0, lo12 as i32));
            return;
        }
        // hi20 is in -0x80000..=0x80000; 0x80000 wraps to the same
        // 32-bit pattern and ADDIW then sign-extends from bit 31.
        out.push(di(Op::Lui, rd, 0, 0, 0, 0, ((hi20 as u32) << 12) as i32));
        if lo12 != 0 {
            out.push(di(Op::Addiw, rd, rd, 0, 0, 0, lo12 as i32));
        }
        return;
    }
    let rest = ((value as i128 - lo12 as i128) >> 12) as i64;
    let tz = rest.trailing_zeros();
    li_into(rd, rest >> tz, out);
    out.push(di(Op::Slli, rd, rd, 0, 0, 0, 12 + tz as i32));
    if lo12 != 0 {
        out.push(di(Op::Addi, rd, rd, 0, 0, 0, lo12 as i32));
    }
}

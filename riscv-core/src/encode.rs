//! Instruction encoder and a small label-resolving assembler.
//!
//! Used by tests, benches and the CLI's built-in guest programs, so guest
//! code can be written in Rust without an external toolchain. [`encode`] is
//! the inverse of [`crate::decode::decode`] for 32-bit encodings; [`Asm`]
//! adds one method per mnemonic (compressed forms as `c_*`), pseudo
//! instructions and labels.

use crate::inst::{DecodedInst, Op, RegNum};
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
        Illegal | Hint => return None,
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
        Lb => I {
            opcode: OP_LOAD,
            f3: 0,
        },
        Lh => I {
            opcode: OP_LOAD,
            f3: 1,
        },
        Lw => I {
            opcode: OP_LOAD,
            f3: 2,
        },
        Ld => I {
            opcode: OP_LOAD,
            f3: 3,
        },
        Lbu => I {
            opcode: OP_LOAD,
            f3: 4,
        },
        Lhu => I {
            opcode: OP_LOAD,
            f3: 5,
        },
        Lwu => I {
            opcode: OP_LOAD,
            f3: 6,
        },
        Sb => S {
            opcode: OP_STORE,
            f3: 0,
        },
        Sh => S {
            opcode: OP_STORE,
            f3: 1,
        },
        Sw => S {
            opcode: OP_STORE,
            f3: 2,
        },
        Sd => S {
            opcode: OP_STORE,
            f3: 3,
        },
        Addi => I {
            opcode: OP_IMM,
            f3: 0,
        },
        Slti => I {
            opcode: OP_IMM,
            f3: 2,
        },
        Sltiu => I {
            opcode: OP_IMM,
            f3: 3,
        },
        Xori => I {
            opcode: OP_IMM,
            f3: 4,
        },
        Ori => I {
            opcode: OP_IMM,
            f3: 6,
        },
        Andi => I {
            opcode: OP_IMM,
            f3: 7,
        },
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
    let unused_nonzero = (!used.0 && d.rd.num() != 0)
        || (!used.1 && d.rs1.num() != 0)
        || (!used.2 && d.rs2.num() != 0)
        || (!used.3 && d.rs3.num() != 0)
        || (!used.4 && d.rm != 0)
        || (!used.5 && d.imm != 0);
    if unused_nonzero {
        return None;
    }
    let imm = d.imm;
    Some(match lay {
        Layout::R { opcode, f3, f7 } => {
            r_type(opcode, d.rd.num(), f3, d.rs1.num(), d.rs2.num(), f7)
        }
        Layout::I { opcode, f3 } => {
            if !fits_signed(imm, 12) {
                return None;
            }
            r_type(opcode, d.rd.num(), f3, d.rs1.num(), 0, 0) | (imm as u32) << 20
        }
        Layout::S { opcode, f3 } => {
            if !fits_signed(imm, 12) {
                return None;
            }
            let u = imm as u32;
            r_type(opcode, 0, f3, d.rs1.num(), d.rs2.num(), 0)
                | (u & 0x1f) << 7
                | (u >> 5 & 0x7f) << 25
        }
        Layout::B { f3 } => {
            if !fits_signed(imm, 13) || imm & 1 != 0 {
                return None;
            }
            let u = imm as u32;
            r_type(0b1100011, 0, f3, d.rs1.num(), d.rs2.num(), 0)
                | (u >> 11 & 1) << 7
                | (u >> 1 & 0xf) << 8
                | (u >> 5 & 0x3f) << 25
                | (u >> 12 & 1) << 31
        }
        Layout::U { opcode } => {
            if imm & 0xfff != 0 {
                return None;
            }
            opcode | (d.rd.num() as u32) << 7 | imm as u32
        }
        Layout::J => {
            if !fits_signed(imm, 21) || imm & 1 != 0 {
                return None;
            }
            let u = imm as u32;
            0b1101111
                | (d.rd.num() as u32) << 7
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
            r_type(opcode, d.rd.num(), f3, d.rs1.num(), 0, 0)
                | (imm as u32) << 20
                | hi << (32 - (12 - bits))
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
            r_type(OP_SYSTEM, d.rd.num(), f3, d.rs1.num(), 0, 0) | (imm as u32) << 20
        }
        Layout::SfenceVma => r_type(OP_SYSTEM, 0, 0, d.rs1.num(), d.rs2.num(), 0b0001001),
        Layout::Amo { f3, f5, .. } => {
            if d.rm > 3 {
                return None;
            }
            r_type(
                0b0101111,
                d.rd.num(),
                f3,
                d.rs1.num(),
                d.rs2.num(),
                f5 << 2 | d.rm as u32,
            )
        }
        Layout::Fma { opcode, fmt } => {
            if d.rm > 7 {
                return None;
            }
            r_type(
                opcode,
                d.rd.num(),
                d.rm as u32,
                d.rs1.num(),
                d.rs2.num(),
                fmt | (d.rs3.num() as u32) << 2,
            )
        }
        Layout::FpRm { f7, rs2 } => {
            if d.rm > 7 {
                return None;
            }
            let rs2 = rs2.map_or(d.rs2.num(), |v| v as u8);
            r_type(0b1010011, d.rd.num(), d.rm as u32, d.rs1.num(), rs2, f7)
        }
        Layout::FpSel { f7, f3, .. } => {
            r_type(0b1010011, d.rd.num(), f3, d.rs1.num(), d.rs2.num(), f7)
        }
        Layout::Uipi(operation) => {
            r_type(0b1111011, d.rd.num(), 0b010, d.rs1.num(), 0, 0) | operation << 20
        }
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
                write!(
                    f,
                    "target {target:#x} out of range of the instruction at {pc:#x}"
                )
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

/// Builds a [`DecodedInst`] for [`encode`]; None if a register number is
/// out of range.
fn di(op: Op, rd: u8, rs1: u8, rs2: u8, rs3: u8, rm: u8, imm: i32) -> Option<DecodedInst> {
    let reg = |r: u8| (r < 32).then(|| RegNum::new(r as u32));
    Some(DecodedInst {
        op,
        rd: reg(rd)?,
        rs1: reg(rs1)?,
        rs2: reg(rs2)?,
        rs3: reg(rs3)?,
        rm,
        len: 4,
        imm,
        raw: 0,
    })
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
            self.fixup_inst(stringify!($name), target, di(Op::$op, 0, rs1, rs2, 0, 0, 0));
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

    /// Appends the encoding of `d`, or records an error (also for no `d`:
    /// a register number out of range).
    fn inst(&mut self, mnemonic: &'static str, d: Option<DecodedInst>) {
        match d.as_ref().and_then(encode) {
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

    /// A branch or JAL to `label` (its imm is set by `finish`), or an
    /// error if `d` could not be built.
    fn fixup_inst(&mut self, mnemonic: &'static str, label: Label, d: Option<DecodedInst>) {
        match d {
            Some(d) => self.fixup(label, FixKind::Inst(d)),
            None => self.inst(mnemonic, None),
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
                    let auipc = di(Op::Auipc, rd, 0, 0, 0, 0, (hi << 12) as i32);
                    let addi = di(Op::Addi, rd, rd, 0, 0, 0, lo as i32);
                    let (auipc, addi) = (
                        auipc.and_then(|d| encode(&d)),
                        addi.and_then(|d| encode(&d)),
                    );
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
        self.fixup_inst("jal", target, di(Op::Jal, rd, 0, 0, 0, 0, 0));
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

    /// `beqz rs, label` = `beq rs, x0, label`
    pub fn beqz(&mut self, rs: u8, target: Label) {
        self.beq(rs, 0, target);
    }

    /// `bnez rs, label` = `bne rs, x0, label`
    pub fn bnez(&mut self, rs: u8, target: Label) {
        self.bne(rs, 0, target);
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

    /// `csrsi csr, zimm` = `csrrsi x0, csr, zimm`
    pub fn csrsi(&mut self, csr: u16, zimm: u8) {
        self.csrrsi(0, csr, zimm);
    }

    /// `csrci csr, zimm` = `csrrci x0, csr, zimm`
    pub fn csrci(&mut self, csr: u16, zimm: u8) {
        self.csrrci(0, csr, zimm);
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
fn li_sequence(rd: u8, value: i64) -> Vec<Option<DecodedInst>> {
    let mut out = Vec::new();
    li_into(rd, value, &mut out);
    out
}

fn li_into(rd: u8, value: i64, out: &mut Vec<Option<DecodedInst>>) {
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

#[cfg(test)]
mod tests {
    use super::reg::*;
    use super::*;
    use crate::decode::decode;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    const ALL_OPS: &[Op] = &[
        Op::Illegal,
        Op::Lui,
        Op::Auipc,
        Op::Jal,
        Op::Jalr,
        Op::Beq,
        Op::Bne,
        Op::Blt,
        Op::Bge,
        Op::Bltu,
        Op::Bgeu,
        Op::Lb,
        Op::Lh,
        Op::Lw,
        Op::Ld,
        Op::Lbu,
        Op::Lhu,
        Op::Lwu,
        Op::Sb,
        Op::Sh,
        Op::Sw,
        Op::Sd,
        Op::Addi,
        Op::Slti,
        Op::Sltiu,
        Op::Xori,
        Op::Ori,
        Op::Andi,
        Op::Slli,
        Op::Srli,
        Op::Srai,
        Op::Add,
        Op::Sub,
        Op::Sll,
        Op::Slt,
        Op::Sltu,
        Op::Xor,
        Op::Srl,
        Op::Sra,
        Op::Or,
        Op::And,
        Op::Addiw,
        Op::Slliw,
        Op::Srliw,
        Op::Sraiw,
        Op::Addw,
        Op::Subw,
        Op::Sllw,
        Op::Srlw,
        Op::Sraw,
        Op::Fence,
        Op::FenceI,
        Op::Ecall,
        Op::Ebreak,
        Op::Csrrw,
        Op::Csrrs,
        Op::Csrrc,
        Op::Csrrwi,
        Op::Csrrsi,
        Op::Csrrci,
        Op::Mret,
        Op::Sret,
        Op::Uret,
        Op::Wfi,
        Op::SfenceVma,
        Op::Mul,
        Op::Mulh,
        Op::Mulhsu,
        Op::Mulhu,
        Op::Div,
        Op::Divu,
        Op::Rem,
        Op::Remu,
        Op::Mulw,
        Op::Divw,
        Op::Divuw,
        Op::Remw,
        Op::Remuw,
        Op::LrW,
        Op::ScW,
        Op::AmoswapW,
        Op::AmoaddW,
        Op::AmoxorW,
        Op::AmoandW,
        Op::AmoorW,
        Op::AmominW,
        Op::AmomaxW,
        Op::AmominuW,
        Op::AmomaxuW,
        Op::LrD,
        Op::ScD,
        Op::AmoswapD,
        Op::AmoaddD,
        Op::AmoxorD,
        Op::AmoandD,
        Op::AmoorD,
        Op::AmominD,
        Op::AmomaxD,
        Op::AmominuD,
        Op::AmomaxuD,
        Op::Flw,
        Op::Fsw,
        Op::FmaddS,
        Op::FmsubS,
        Op::FnmsubS,
        Op::FnmaddS,
        Op::FaddS,
        Op::FsubS,
        Op::FmulS,
        Op::FdivS,
        Op::FsqrtS,
        Op::FsgnjS,
        Op::FsgnjnS,
        Op::FsgnjxS,
        Op::FminS,
        Op::FmaxS,
        Op::FcvtWS,
        Op::FcvtWuS,
        Op::FcvtLS,
        Op::FcvtLuS,
        Op::FmvXW,
        Op::FclassS,
        Op::FeqS,
        Op::FltS,
        Op::FleS,
        Op::FcvtSW,
        Op::FcvtSWu,
        Op::FcvtSL,
        Op::FcvtSLu,
        Op::FmvWX,
        Op::Fld,
        Op::Fsd,
        Op::FmaddD,
        Op::FmsubD,
        Op::FnmsubD,
        Op::FnmaddD,
        Op::FaddD,
        Op::FsubD,
        Op::FmulD,
        Op::FdivD,
        Op::FsqrtD,
        Op::FsgnjD,
        Op::FsgnjnD,
        Op::FsgnjxD,
        Op::FminD,
        Op::FmaxD,
        Op::FcvtSD,
        Op::FcvtDS,
        Op::FeqD,
        Op::FltD,
        Op::FleD,
        Op::FclassD,
        Op::FcvtWD,
        Op::FcvtWuD,
        Op::FcvtLD,
        Op::FcvtLuD,
        Op::FmvXD,
        Op::FcvtDW,
        Op::FcvtDWu,
        Op::FcvtDL,
        Op::FcvtDLu,
        Op::FmvDX,
        Op::UipiSend,
        Op::UipiRead,
        Op::UipiWrite,
        Op::UipiActivate,
        Op::UipiDeactivate,
    ];

    /// (raw, text, op, rd, rs1, rs2, rs3, rm, imm)
    type Golden32 = (u32, &'static str, Op, u8, u8, u8, u8, u8, i32);
    /// (raw, text, op, rd, rs1, rs2, imm, kind, a, b, c_imm)
    type Golden16 = (u16, &'static str, Op, u8, u8, u8, i32, CKind, u8, u8, i64);

    // The golden tables were produced once by assembling each `text` with
    // LLVM (rustc 1.95 `global_asm!` for riscv64gc-unknown-none-elf) and
    // reading the words back with `llvm-objdump`; they pin the bit layouts
    // independently of this file's encoder and the decoder.

    /// 32-bit golden encodings produced by LLVM's assembler:
    /// (raw, text, op, rd, rs1, rs2, rs3, rm, imm).
    #[rustfmt::skip]
    const GOLDEN32: &[Golden32] = &[
        (0xfedcbfb7, "lui t6, 0xfedcb", Op::Lui, 31, 0, 0, 0, 0, -19091456),
        (0x12345517, "auipc a0, 0x12345", Op::Auipc, 10, 0, 0, 0, 0, 305418240),
        (0x802800ef, "jal ra, -0x7fffe", Op::Jal, 1, 0, 0, 0, 0, -524286),
        (0x4dfab4ef, "jal s1, 0xabcde", Op::Jal, 9, 0, 0, 0, 0, 703710),
        (0x80058567, "jalr a0, -2048(a1)", Op::Jalr, 10, 11, 0, 0, 0, -2048),
        (0x81f50063, "beq a0, t6, -4096", Op::Beq, 0, 10, 31, 0, 0, -4096),
        (0x81f51063, "bne a0, t6, -4096", Op::Bne, 0, 10, 31, 0, 0, -4096),
        (0x81f54063, "blt a0, t6, -4096", Op::Blt, 0, 10, 31, 0, 0, -4096),
        (0x81f55063, "bge a0, t6, -4096", Op::Bge, 0, 10, 31, 0, 0, -4096),
        (0x81f56063, "bltu a0, t6, -4096", Op::Bltu, 0, 10, 31, 0, 0, -4096),
        (0x81f57063, "bgeu a0, t6, -4096", Op::Bgeu, 0, 10, 31, 0, 0, -4096),
        (0x2af495e3, "bne s1, a5, 0xaaa", Op::Bne, 0, 9, 15, 0, 0, 2730),
        (0x54628a63, "beq t0, t1, 0x554", Op::Beq, 0, 5, 6, 0, 0, 1364),
        (0x7fff8503, "lb a0, 0x7ff(t6)", Op::Lb, 10, 31, 0, 0, 0, 2047),
        (0x7fff9503, "lh a0, 0x7ff(t6)", Op::Lh, 10, 31, 0, 0, 0, 2047),
        (0x7fffa503, "lw a0, 0x7ff(t6)", Op::Lw, 10, 31, 0, 0, 0, 2047),
        (0x7fffb503, "ld a0, 0x7ff(t6)", Op::Ld, 10, 31, 0, 0, 0, 2047),
        (0x7fffc503, "lbu a0, 0x7ff(t6)", Op::Lbu, 10, 31, 0, 0, 0, 2047),
        (0x7fffd503, "lhu a0, 0x7ff(t6)", Op::Lhu, 10, 31, 0, 0, 0, 2047),
        (0x7fffe503, "lwu a0, 0x7ff(t6)", Op::Lwu, 10, 31, 0, 0, 0, 2047),
        (0x7fffa507, "flw fa0, 0x7ff(t6)", Op::Flw, 10, 31, 0, 0, 0, 2047),
        (0x7fffb507, "fld fa0, 0x7ff(t6)", Op::Fld, 10, 31, 0, 0, 0, 2047),
        (0xaaa6b483, "ld s1, -1366(a3)", Op::Ld, 9, 13, 0, 0, 0, -1366),
        (0xaac10523, "sb a2, -1366(sp)", Op::Sb, 0, 2, 12, 0, 0, -1366),
        (0xaac11523, "sh a2, -1366(sp)", Op::Sh, 0, 2, 12, 0, 0, -1366),
        (0xaac12523, "sw a2, -1366(sp)", Op::Sw, 0, 2, 12, 0, 0, -1366),
        (0xaac13523, "sd a2, -1366(sp)", Op::Sd, 0, 2, 12, 0, 0, -1366),
        (0xaac12527, "fsw fa2, -1366(sp)", Op::Fsw, 0, 2, 12, 0, 0, -1366),
        (0xaac13527, "fsd fa2, -1366(sp)", Op::Fsd, 0, 2, 12, 0, 0, -1366),
        (0x55f5baa3, "sd t6, 1365(a1)", Op::Sd, 0, 11, 31, 0, 0, 1365),
        (0xfff58513, "addi a0, a1, -1", Op::Addi, 10, 11, 0, 0, 0, -1),
        (0xfff5a513, "slti a0, a1, -1", Op::Slti, 10, 11, 0, 0, 0, -1),
        (0xfff5b513, "sltiu a0, a1, -1", Op::Sltiu, 10, 11, 0, 0, 0, -1),
        (0xfff5c513, "xori a0, a1, -1", Op::Xori, 10, 11, 0, 0, 0, -1),
        (0xfff5e513, "ori a0, a1, -1", Op::Ori, 10, 11, 0, 0, 0, -1),
        (0xfff5f513, "andi a0, a1, -1", Op::Andi, 10, 11, 0, 0, 0, -1),
        (0xfff5851b, "addiw a0, a1, -1", Op::Addiw, 10, 11, 0, 0, 0, -1),
        (0x03f59513, "slli a0, a1, 63", Op::Slli, 10, 11, 0, 0, 0, 63),
        (0x0215d513, "srli a0, a1, 33", Op::Srli, 10, 11, 0, 0, 0, 33),
        (0x43f5d513, "srai a0, a1, 63", Op::Srai, 10, 11, 0, 0, 0, 63),
        (0x01f5951b, "slliw a0, a1, 31", Op::Slliw, 10, 11, 0, 0, 0, 31),
        (0x0115d51b, "srliw a0, a1, 17", Op::Srliw, 10, 11, 0, 0, 0, 17),
        (0x41f5d51b, "sraiw a0, a1, 31", Op::Sraiw, 10, 11, 0, 0, 0, 31),
        (0x00c48fb3, "add t6, s1, a2", Op::Add, 31, 9, 12, 0, 0, 0),
        (0x40c48fb3, "sub t6, s1, a2", Op::Sub, 31, 9, 12, 0, 0, 0),
        (0x00c49fb3, "sll t6, s1, a2", Op::Sll, 31, 9, 12, 0, 0, 0),
        (0x00c4afb3, "slt t6, s1, a2", Op::Slt, 31, 9, 12, 0, 0, 0),
        (0x00c4bfb3, "sltu t6, s1, a2", Op::Sltu, 31, 9, 12, 0, 0, 0),
        (0x00c4cfb3, "xor t6, s1, a2", Op::Xor, 31, 9, 12, 0, 0, 0),
        (0x00c4dfb3, "srl t6, s1, a2", Op::Srl, 31, 9, 12, 0, 0, 0),
        (0x40c4dfb3, "sra t6, s1, a2", Op::Sra, 31, 9, 12, 0, 0, 0),
        (0x00c4efb3, "or t6, s1, a2", Op::Or, 31, 9, 12, 0, 0, 0),
        (0x00c4ffb3, "and t6, s1, a2", Op::And, 31, 9, 12, 0, 0, 0),
        (0x00c48fbb, "addw t6, s1, a2", Op::Addw, 31, 9, 12, 0, 0, 0),
        (0x40c48fbb, "subw t6, s1, a2", Op::Subw, 31, 9, 12, 0, 0, 0),
        (0x00c49fbb, "sllw t6, s1, a2", Op::Sllw, 31, 9, 12, 0, 0, 0),
        (0x00c4dfbb, "srlw t6, s1, a2", Op::Srlw, 31, 9, 12, 0, 0, 0),
        (0x40c4dfbb, "sraw t6, s1, a2", Op::Sraw, 31, 9, 12, 0, 0, 0),
        (0x02c48fb3, "mul t6, s1, a2", Op::Mul, 31, 9, 12, 0, 0, 0),
        (0x02c49fb3, "mulh t6, s1, a2", Op::Mulh, 31, 9, 12, 0, 0, 0),
        (0x02c4afb3, "mulhsu t6, s1, a2", Op::Mulhsu, 31, 9, 12, 0, 0, 0),
        (0x02c4bfb3, "mulhu t6, s1, a2", Op::Mulhu, 31, 9, 12, 0, 0, 0),
        (0x02c4cfb3, "div t6, s1, a2", Op::Div, 31, 9, 12, 0, 0, 0),
        (0x02c4dfb3, "divu t6, s1, a2", Op::Divu, 31, 9, 12, 0, 0, 0),
        (0x02c4efb3, "rem t6, s1, a2", Op::Rem, 31, 9, 12, 0, 0, 0),
        (0x02c4ffb3, "remu t6, s1, a2", Op::Remu, 31, 9, 12, 0, 0, 0),
        (0x02c48fbb, "mulw t6, s1, a2", Op::Mulw, 31, 9, 12, 0, 0, 0),
        (0x02c4cfbb, "divw t6, s1, a2", Op::Divw, 31, 9, 12, 0, 0, 0),
        (0x02c4dfbb, "divuw t6, s1, a2", Op::Divuw, 31, 9, 12, 0, 0, 0),
        (0x02c4efbb, "remw t6, s1, a2", Op::Remw, 31, 9, 12, 0, 0, 0),
        (0x02c4ffbb, "remuw t6, s1, a2", Op::Remuw, 31, 9, 12, 0, 0, 0),
        (0x0310000f, "fence rw, w", Op::Fence, 0, 0, 0, 0, 0, 49),
        (0x0ff0000f, "fence iorw, iorw", Op::Fence, 0, 0, 0, 0, 0, 255),
        (0x8330000f, "fence.tso", Op::Fence, 0, 0, 0, 0, 0, 2099),
        (0x0000100f, "fence.i", Op::FenceI, 0, 0, 0, 0, 0, 0),
        (0x00000073, "ecall", Op::Ecall, 0, 0, 0, 0, 0, 0),
        (0x00100073, "ebreak", Op::Ebreak, 0, 0, 0, 0, 0, 0),
        (0x30200073, "mret", Op::Mret, 0, 0, 0, 0, 0, 0),
        (0x10200073, "sret", Op::Sret, 0, 0, 0, 0, 0, 0),
        (0x10500073, "wfi", Op::Wfi, 0, 0, 0, 0, 0, 0),
        (0x13f50073, "sfence.vma a0, t6", Op::SfenceVma, 0, 10, 31, 0, 0, 0),
        (0x12000073, "sfence.vma", Op::SfenceVma, 0, 0, 0, 0, 0, 0),
        (0xffff9573, "csrrw a0, 0xfff, t6", Op::Csrrw, 10, 31, 0, 0, 0, 4095),
        (0xffffa573, "csrrs a0, 0xfff, t6", Op::Csrrs, 10, 31, 0, 0, 0, 4095),
        (0xffffb573, "csrrc a0, 0xfff, t6", Op::Csrrc, 10, 31, 0, 0, 0, 4095),
        (0x3408d573, "csrrwi a0, 0x340, 17", Op::Csrrwi, 10, 17, 0, 0, 0, 832),
        (0x3408e573, "csrrsi a0, 0x340, 17", Op::Csrrsi, 10, 17, 0, 0, 0, 832),
        (0x3408f573, "csrrci a0, 0x340, 17", Op::Csrrci, 10, 17, 0, 0, 0, 832),
        (0x1405a52f, "lr.w.aq a0, (a1)", Op::LrW, 10, 11, 0, 0, 2, 0),
        (0x1205a52f, "lr.w.rl a0, (a1)", Op::LrW, 10, 11, 0, 0, 1, 0),
        (0x18c4afaf, "sc.w t6, a2, (s1)", Op::ScW, 31, 9, 12, 0, 0, 0),
        (0x0cc4afaf, "amoswap.w.aq t6, a2, (s1)", Op::AmoswapW, 31, 9, 12, 0, 2, 0),
        (0x02c4afaf, "amoadd.w.rl t6, a2, (s1)", Op::AmoaddW, 31, 9, 12, 0, 1, 0),
        (0x26c4afaf, "amoxor.w.aqrl t6, a2, (s1)", Op::AmoxorW, 31, 9, 12, 0, 3, 0),
        (0x60c4afaf, "amoand.w t6, a2, (s1)", Op::AmoandW, 31, 9, 12, 0, 0, 0),
        (0x44c4afaf, "amoor.w.aq t6, a2, (s1)", Op::AmoorW, 31, 9, 12, 0, 2, 0),
        (0x82c4afaf, "amomin.w.rl t6, a2, (s1)", Op::AmominW, 31, 9, 12, 0, 1, 0),
        (0xa6c4afaf, "amomax.w.aqrl t6, a2, (s1)", Op::AmomaxW, 31, 9, 12, 0, 3, 0),
        (0xc0c4afaf, "amominu.w t6, a2, (s1)", Op::AmominuW, 31, 9, 12, 0, 0, 0),
        (0xe4c4afaf, "amomaxu.w.aq t6, a2, (s1)", Op::AmomaxuW, 31, 9, 12, 0, 2, 0),
        (0x1405b52f, "lr.d.aq a0, (a1)", Op::LrD, 10, 11, 0, 0, 2, 0),
        (0x1205b52f, "lr.d.rl a0, (a1)", Op::LrD, 10, 11, 0, 0, 1, 0),
        (0x18c4bfaf, "sc.d t6, a2, (s1)", Op::ScD, 31, 9, 12, 0, 0, 0),
        (0x0cc4bfaf, "amoswap.d.aq t6, a2, (s1)", Op::AmoswapD, 31, 9, 12, 0, 2, 0),
        (0x02c4bfaf, "amoadd.d.rl t6, a2, (s1)", Op::AmoaddD, 31, 9, 12, 0, 1, 0),
        (0x26c4bfaf, "amoxor.d.aqrl t6, a2, (s1)", Op::AmoxorD, 31, 9, 12, 0, 3, 0),
        (0x60c4bfaf, "amoand.d t6, a2, (s1)", Op::AmoandD, 31, 9, 12, 0, 0, 0),
        (0x44c4bfaf, "amoor.d.aq t6, a2, (s1)", Op::AmoorD, 31, 9, 12, 0, 2, 0),
        (0x82c4bfaf, "amomin.d.rl t6, a2, (s1)", Op::AmominD, 31, 9, 12, 0, 1, 0),
        (0xa6c4bfaf, "amomax.d.aqrl t6, a2, (s1)", Op::AmomaxD, 31, 9, 12, 0, 3, 0),
        (0xc0c4bfaf, "amominu.d t6, a2, (s1)", Op::AmominuD, 31, 9, 12, 0, 0, 0),
        (0xe4c4bfaf, "amomaxu.d.aq t6, a2, (s1)", Op::AmomaxuD, 31, 9, 12, 0, 2, 0),
        (0x09b50fc3, "fmadd.s ft11, fa0, fs11, ft1, rne", Op::FmaddS, 31, 10, 27, 1, 0, 0),
        (0x09b51fc7, "fmsub.s ft11, fa0, fs11, ft1, rtz", Op::FmsubS, 31, 10, 27, 1, 1, 0),
        (0x09b52fcb, "fnmsub.s ft11, fa0, fs11, ft1, rdn", Op::FnmsubS, 31, 10, 27, 1, 2, 0),
        (0x09b53fcf, "fnmadd.s ft11, fa0, fs11, ft1, rup", Op::FnmaddS, 31, 10, 27, 1, 3, 0),
        (0x01f5c553, "fadd.s fa0, fa1, ft11, rmm", Op::FaddS, 10, 11, 31, 0, 4, 0),
        (0x09f5f553, "fsub.s fa0, fa1, ft11, dyn", Op::FsubS, 10, 11, 31, 0, 7, 0),
        (0x11f58553, "fmul.s fa0, fa1, ft11, rne", Op::FmulS, 10, 11, 31, 0, 0, 0),
        (0x19f59553, "fdiv.s fa0, fa1, ft11, rtz", Op::FdivS, 10, 11, 31, 0, 1, 0),
        (0x580fb553, "fsqrt.s fa0, ft11, rup", Op::FsqrtS, 10, 31, 0, 0, 3, 0),
        (0x21f58553, "fsgnj.s fa0, fa1, ft11", Op::FsgnjS, 10, 11, 31, 0, 0, 0),
        (0x21f59553, "fsgnjn.s fa0, fa1, ft11", Op::FsgnjnS, 10, 11, 31, 0, 0, 0),
        (0x21f5a553, "fsgnjx.s fa0, fa1, ft11", Op::FsgnjxS, 10, 11, 31, 0, 0, 0),
        (0x29f58553, "fmin.s fa0, fa1, ft11", Op::FminS, 10, 11, 31, 0, 0, 0),
        (0x29f59553, "fmax.s fa0, fa1, ft11", Op::FmaxS, 10, 11, 31, 0, 0, 0),
        (0xa1f5a553, "feq.s a0, fa1, ft11", Op::FeqS, 10, 11, 31, 0, 0, 0),
        (0xa1f59553, "flt.s a0, fa1, ft11", Op::FltS, 10, 11, 31, 0, 0, 0),
        (0xa1f58553, "fle.s a0, fa1, ft11", Op::FleS, 10, 11, 31, 0, 0, 0),
        (0xc0059fd3, "fcvt.w.s t6, fa1, rtz", Op::FcvtWS, 31, 11, 0, 0, 1, 0),
        (0xd00fc553, "fcvt.s.w fa0, t6, rmm", Op::FcvtSW, 10, 31, 0, 0, 4, 0),
        (0xc0159fd3, "fcvt.wu.s t6, fa1, rtz", Op::FcvtWuS, 31, 11, 0, 0, 1, 0),
        (0xd01fc553, "fcvt.s.wu fa0, t6, rmm", Op::FcvtSWu, 10, 31, 0, 0, 4, 0),
        (0xc0259fd3, "fcvt.l.s t6, fa1, rtz", Op::FcvtLS, 31, 11, 0, 0, 1, 0),
        (0xd02fc553, "fcvt.s.l fa0, t6, rmm", Op::FcvtSL, 10, 31, 0, 0, 4, 0),
        (0xc0359fd3, "fcvt.lu.s t6, fa1, rtz", Op::FcvtLuS, 31, 11, 0, 0, 1, 0),
        (0xd03fc553, "fcvt.s.lu fa0, t6, rmm", Op::FcvtSLu, 10, 31, 0, 0, 4, 0),
        (0xe00f9553, "fclass.s a0, ft11", Op::FclassS, 10, 31, 0, 0, 0, 0),
        (0x0bb52fc3, "fmadd.d ft11, fa0, fs11, ft1, rdn", Op::FmaddD, 31, 10, 27, 1, 2, 0),
        (0x0bb53fc7, "fmsub.d ft11, fa0, fs11, ft1, rup", Op::FmsubD, 31, 10, 27, 1, 3, 0),
        (0x0bb54fcb, "fnmsub.d ft11, fa0, fs11, ft1, rmm", Op::FnmsubD, 31, 10, 27, 1, 4, 0),
        (0x0bb57fcf, "fnmadd.d ft11, fa0, fs11, ft1, dyn", Op::FnmaddD, 31, 10, 27, 1, 7, 0),
        (0x03f58553, "fadd.d fa0, fa1, ft11, rne", Op::FaddD, 10, 11, 31, 0, 0, 0),
        (0x0bf59553, "fsub.d fa0, fa1, ft11, rtz", Op::FsubD, 10, 11, 31, 0, 1, 0),
        (0x13f5a553, "fmul.d fa0, fa1, ft11, rdn", Op::FmulD, 10, 11, 31, 0, 2, 0),
        (0x1bf5b553, "fdiv.d fa0, fa1, ft11, rup", Op::FdivD, 10, 11, 31, 0, 3, 0),
        (0x5a0fb553, "fsqrt.d fa0, ft11, rup", Op::FsqrtD, 10, 31, 0, 0, 3, 0),
        (0x23f58553, "fsgnj.d fa0, fa1, ft11", Op::FsgnjD, 10, 11, 31, 0, 0, 0),
        (0x23f59553, "fsgnjn.d fa0, fa1, ft11", Op::FsgnjnD, 10, 11, 31, 0, 0, 0),
        (0x23f5a553, "fsgnjx.d fa0, fa1, ft11", Op::FsgnjxD, 10, 11, 31, 0, 0, 0),
        (0x2bf58553, "fmin.d fa0, fa1, ft11", Op::FminD, 10, 11, 31, 0, 0, 0),
        (0x2bf59553, "fmax.d fa0, fa1, ft11", Op::FmaxD, 10, 11, 31, 0, 0, 0),
        (0xa3f5a553, "feq.d a0, fa1, ft11", Op::FeqD, 10, 11, 31, 0, 0, 0),
        (0xa3f59553, "flt.d a0, fa1, ft11", Op::FltD, 10, 11, 31, 0, 0, 0),
        (0xa3f58553, "fle.d a0, fa1, ft11", Op::FleD, 10, 11, 31, 0, 0, 0),
        (0xc2059fd3, "fcvt.w.d t6, fa1, rtz", Op::FcvtWD, 31, 11, 0, 0, 1, 0),
        (0xd20fc553, "fcvt.d.w fa0, t6, rmm", Op::FcvtDW, 10, 31, 0, 0, 4, 0),
        (0xc2159fd3, "fcvt.wu.d t6, fa1, rtz", Op::FcvtWuD, 31, 11, 0, 0, 1, 0),
        (0xd21fc553, "fcvt.d.wu fa0, t6, rmm", Op::FcvtDWu, 10, 31, 0, 0, 4, 0),
        (0xc2259fd3, "fcvt.l.d t6, fa1, rtz", Op::FcvtLD, 31, 11, 0, 0, 1, 0),
        (0xd22fc553, "fcvt.d.l fa0, t6, rmm", Op::FcvtDL, 10, 31, 0, 0, 4, 0),
        (0xc2359fd3, "fcvt.lu.d t6, fa1, rtz", Op::FcvtLuD, 31, 11, 0, 0, 1, 0),
        (0xd23fc553, "fcvt.d.lu fa0, t6, rmm", Op::FcvtDLu, 10, 31, 0, 0, 4, 0),
        (0xe20f9553, "fclass.d a0, ft11", Op::FclassD, 10, 31, 0, 0, 0, 0),
        (0xe00f8553, "fmv.x.w a0, ft11", Op::FmvXW, 10, 31, 0, 0, 0, 0),
        (0xf0050fd3, "fmv.w.x ft11, a0", Op::FmvWX, 31, 10, 0, 0, 0, 0),
        (0xe20f8553, "fmv.x.d a0, ft11", Op::FmvXD, 10, 31, 0, 0, 0, 0),
        (0xf2050fd3, "fmv.d.x ft11, a0", Op::FmvDX, 31, 10, 0, 0, 0, 0),
        (0x401ff553, "fcvt.s.d fa0, ft11, dyn", Op::FcvtSD, 10, 31, 0, 0, 7, 0),
        (0x420f8553, "fcvt.d.s fa0, ft11, rne", Op::FcvtDS, 10, 31, 0, 0, 0, 0),
        (0x0005a57b, ".insn i 0x7b, 2, a0, a1, 0", Op::UipiSend, 10, 11, 0, 0, 0, 0),
        (0x0015a07b, ".insn i 0x7b, 2, zero, a1, 1", Op::UipiRead, 0, 11, 0, 0, 0, 0),
        (0x00202ffb, ".insn i 0x7b, 2, t6, zero, 2", Op::UipiWrite, 31, 0, 0, 0, 0, 0),
        (0x0030207b, ".insn i 0x7b, 2, zero, zero, 3", Op::UipiActivate, 0, 0, 0, 0, 0, 0),
        (0x0040207b, ".insn i 0x7b, 2, zero, zero, 4", Op::UipiDeactivate, 0, 0, 0, 0, 0, 0),
        (0x00200073, ".word 0x00200073", Op::Uret, 0, 0, 0, 0, 0, 0),
    ];

    /// Compressed golden encodings produced by LLVM's assembler:
    /// (raw, text, op, rd, rs1, rs2, imm, kind, a, b, c_imm).
    #[rustfmt::skip]
    const GOLDEN16: &[Golden16] = &[
        (0x1fe4, "c.addi4spn s1, sp, 1020", Op::Addi, 9, 2, 0, 1020, CKind::Addi4spn, 9, 0, 1020),
        (0x005c, "c.addi4spn a5, sp, 4", Op::Addi, 15, 2, 0, 4, CKind::Addi4spn, 15, 0, 4),
        (0x1520, "c.addi4spn s0, sp, 0x2a8", Op::Addi, 8, 2, 0, 680, CKind::Addi4spn, 8, 0, 680),
        (0x3cfc, "c.fld fa5, 248(s1)", Op::Fld, 15, 9, 0, 248, CKind::Fld, 15, 9, 248),
        (0x74dc, "c.ld a5, 168(s1)", Op::Ld, 15, 9, 0, 168, CKind::Ld, 15, 9, 168),
        (0x5cfc, "c.lw a5, 124(s1)", Op::Lw, 15, 9, 0, 124, CKind::Lw, 15, 9, 124),
        (0x40fc, "c.lw a5, 68(s1)", Op::Lw, 15, 9, 0, 68, CKind::Lw, 15, 9, 68),
        (0xab20, "c.fsd fs0, 80(a4)", Op::Fsd, 0, 14, 8, 80, CKind::Fsd, 8, 14, 80),
        (0xfb40, "c.sd s0, 176(a4)", Op::Sd, 0, 14, 8, 176, CKind::Sd, 8, 14, 176),
        (0xdf60, "c.sw s0, 124(a4)", Op::Sw, 0, 14, 8, 124, CKind::Sw, 8, 14, 124),
        (0xc320, "c.sw s0, 64(a4)", Op::Sw, 0, 14, 8, 64, CKind::Sw, 8, 14, 64),
        (0x0001, "c.nop", Op::Addi, 0, 0, 0, 0, CKind::Addi, 0, 0, 0),
        (0x1f81, "c.addi t6, -32", Op::Addi, 31, 31, 0, -32, CKind::Addi, 31, 0, -32),
        (0x0555, "c.addi a0, 21", Op::Addi, 10, 10, 0, 21, CKind::Addi, 10, 0, 21),
        (0x3ffd, "c.addiw t6, -1", Op::Addiw, 31, 31, 0, -1, CKind::Addiw, 31, 0, -1),
        (0x2501, "c.addiw a0, 0", Op::Addiw, 10, 10, 0, 0, CKind::Addiw, 10, 0, 0),
        (0x54a9, "c.li s1, -22", Op::Addi, 9, 0, 0, -22, CKind::Li, 9, 0, -22),
        (0x7101, "c.addi16sp sp, -512", Op::Addi, 2, 2, 0, -512, CKind::Addi16sp, 2, 0, -512),
        (0x617d, "c.addi16sp sp, 496", Op::Addi, 2, 2, 0, 496, CKind::Addi16sp, 2, 0, 496),
        (0x6171, "c.addi16sp sp, 0x150", Op::Addi, 2, 2, 0, 336, CKind::Addi16sp, 2, 0, 336),
        (0x7f81, "c.lui t6, 0xfffe0", Op::Lui, 31, 0, 0, -131072, CKind::Lui, 31, 0, -32),
        (0x6555, "c.lui a0, 0x15", Op::Lui, 10, 0, 0, 86016, CKind::Lui, 10, 0, 21),
        (0x90fd, "c.srli s1, 63", Op::Srli, 9, 9, 0, 63, CKind::Srli, 9, 0, 63),
        (0x97a9, "c.srai a5, 42", Op::Srai, 15, 15, 0, 42, CKind::Srai, 15, 0, 42),
        (0x982d, "c.andi s0, -21", Op::Andi, 8, 8, 0, -21, CKind::Andi, 8, 0, -21),
        (0x8c99, "c.sub s1, a4", Op::Sub, 9, 9, 14, 0, CKind::Sub, 9, 14, 0),
        (0x8cb9, "c.xor s1, a4", Op::Xor, 9, 9, 14, 0, CKind::Xor, 9, 14, 0),
        (0x8cd9, "c.or s1, a4", Op::Or, 9, 9, 14, 0, CKind::Or, 9, 14, 0),
        (0x8cf9, "c.and s1, a4", Op::And, 9, 9, 14, 0, CKind::And, 9, 14, 0),
        (0x9c99, "c.subw s1, a4", Op::Subw, 9, 9, 14, 0, CKind::Subw, 9, 14, 0),
        (0x9cb9, "c.addw s1, a4", Op::Addw, 9, 9, 14, 0, CKind::Addw, 9, 14, 0),
        (0xb001, "c.j -2048", Op::Jal, 0, 0, 0, -2048, CKind::J, 0, 0, -2048),
        (0xab99, "c.j 0x556", Op::Jal, 0, 0, 0, 1366, CKind::J, 0, 0, 1366),
        (0xa46d, "c.j 0x2aa", Op::Jal, 0, 0, 0, 682, CKind::J, 0, 0, 682),
        (0xd081, "c.beqz s1, -256", Op::Beq, 0, 9, 0, -256, CKind::Beqz, 9, 0, -256),
        (0xe7cd, "c.bnez a5, 0xaa", Op::Bne, 0, 15, 0, 170, CKind::Bnez, 15, 0, 170),
        (0xc931, "c.beqz a0, 0x54", Op::Beq, 0, 10, 0, 84, CKind::Beqz, 10, 0, 84),
        (0x1ffe, "c.slli t6, 63", Op::Slli, 31, 31, 0, 63, CKind::Slli, 31, 0, 63),
        (0x0556, "c.slli a0, 21", Op::Slli, 10, 10, 0, 21, CKind::Slli, 10, 0, 21),
        (0x3ffe, "c.fldsp ft11, 504(sp)", Op::Fld, 31, 2, 0, 504, CKind::Fldsp, 31, 0, 504),
        (0x6536, "c.ldsp a0, 0x148(sp)", Op::Ld, 10, 2, 0, 328, CKind::Ldsp, 10, 0, 328),
        (0x5ffe, "c.lwsp t6, 252(sp)", Op::Lw, 31, 2, 0, 252, CKind::Lwsp, 31, 0, 252),
        (0x455a, "c.lwsp a0, 0x94(sp)", Op::Lw, 10, 2, 0, 148, CKind::Lwsp, 10, 0, 148),
        (0x8f82, "c.jr t6", Op::Jalr, 0, 31, 0, 0, CKind::Jr, 31, 0, 0),
        (0x857e, "c.mv a0, t6", Op::Add, 10, 0, 31, 0, CKind::Mv, 10, 31, 0),
        (0x9002, "c.ebreak", Op::Ebreak, 0, 0, 0, 0, CKind::Ebreak, 0, 0, 0),
        (0x9502, "c.jalr a0", Op::Jalr, 1, 10, 0, 0, CKind::Jalr, 10, 0, 0),
        (0x9faa, "c.add t6, a0", Op::Add, 31, 31, 10, 0, CKind::Add, 31, 10, 0),
        (0xbffe, "c.fsdsp ft11, 504(sp)", Op::Fsd, 0, 2, 31, 504, CKind::Fsdsp, 31, 0, 504),
        (0xe6aa, "c.sdsp a0, 0x148(sp)", Op::Sd, 0, 2, 10, 328, CKind::Sdsp, 10, 0, 328),
        (0xdffe, "c.swsp t6, 252(sp)", Op::Sw, 0, 2, 31, 252, CKind::Swsp, 31, 0, 252),
        (0xcb2a, "c.swsp a0, 0x94(sp)", Op::Sw, 0, 2, 10, 148, CKind::Swsp, 10, 0, 148),
    ];

    #[test]
    fn all_ops_list_is_complete() {
        assert_eq!(ALL_OPS.len(), Op::UipiDeactivate as usize + 1);
        for (i, op) in ALL_OPS.iter().enumerate() {
            assert_eq!(*op as usize, i);
        }
    }

    #[test]
    fn golden_32_bit_encodings() {
        for &(raw, text, op, rd, rs1, rs2, rs3, rm, imm) in GOLDEN32 {
            let reg = |r: u8| RegNum::new(r as u32);
            let want = DecodedInst {
                op,
                rd: reg(rd),
                rs1: reg(rs1),
                rs2: reg(rs2),
                rs3: reg(rs3),
                rm,
                len: 4,
                imm,
                raw,
            };
            assert_eq!(decode(raw), want, "decode {text}");
            assert_eq!(encode(&want), Some(raw), "encode {text}");
        }
    }

    #[test]
    fn golden_compressed_encodings() {
        for &(raw, text, op, rd, rs1, rs2, imm, kind, a, b, c_imm) in GOLDEN16 {
            let reg = |r: u8| RegNum::new(r as u32);
            let want = DecodedInst {
                op,
                rd: reg(rd),
                rs1: reg(rs1),
                rs2: reg(rs2),
                rs3: RegNum::R0,
                rm: 0,
                len: 2,
                imm,
                raw: raw as u32,
            };
            assert_eq!(decode(raw as u32), want, "decode {text}");
            assert_eq!(c_encode(kind, a, b, c_imm), Some(raw), "encode {text}");
        }
    }

    /// Random fields that are valid for `op` (unused ones stay 0).
    fn random_fields(op: Op, rng: &mut StdRng) -> DecodedInst {
        let mut d = DecodedInst::illegal(0, 4);
        d.op = op;
        let mut r = || RegNum::new(rng.gen_range(0..32));
        let (rd, rs1, rs2, rs3) = (r(), r(), r(), r());
        let imm12 = rng.gen_range(-2048..2048);
        match layout(op).expect("not Illegal") {
            Layout::R { .. } => (d.rd, d.rs1, d.rs2) = (rd, rs1, rs2),
            Layout::I { .. } => (d.rd, d.rs1, d.imm) = (rd, rs1, imm12),
            Layout::S { .. } => (d.rs1, d.rs2, d.imm) = (rs1, rs2, imm12),
            Layout::B { .. } => (d.rs1, d.rs2, d.imm) = (rs1, rs2, rng.gen_range(-2048..2048) * 2),
            Layout::U { .. } => (d.rd, d.imm) = (rd, rng.gen::<i32>() & !0xfff),
            Layout::J => (d.rd, d.imm) = (rd, rng.gen_range(-(1 << 19)..(1 << 19)) * 2),
            Layout::Shift { bits, .. } => {
                (d.rd, d.rs1, d.imm) = (rd, rs1, rng.gen_range(0..1 << bits))
            }
            Layout::Fixed(_) => {}
            Layout::Fence => d.imm = rng.gen_range(0..4096),
            Layout::Csr { .. } => (d.rd, d.rs1, d.imm) = (rd, rs1, rng.gen_range(0..4096)),
            Layout::SfenceVma => (d.rs1, d.rs2) = (rs1, rs2),
            Layout::Amo { lr, .. } => {
                (d.rd, d.rs1, d.rm) = (rd, rs1, rng.gen_range(0..4));
                if !lr {
                    d.rs2 = rs2;
                }
            }
            Layout::Fma { .. } => {
                (d.rd, d.rs1, d.rs2, d.rs3, d.rm) = (rd, rs1, rs2, rs3, rng.gen_range(0..8))
            }
            Layout::FpRm { rs2: fixed, .. } => {
                (d.rd, d.rs1, d.rm) = (rd, rs1, rng.gen_range(0..8));
                if fixed.is_none() {
                    d.rs2 = rs2;
                }
            }
            Layout::FpSel { binary, .. } => {
                (d.rd, d.rs1) = (rd, rs1);
                if binary {
                    d.rs2 = rs2;
                }
            }
            Layout::Uipi(_) => (d.rd, d.rs1) = (rd, rs1),
        }
        d
    }

    #[test]
    fn every_op_round_trips_with_random_fields() {
        let mut rng = StdRng::seed_from_u64(0x00e0_c0de);
        assert_eq!(encode(&DecodedInst::illegal(0, 4)), None);
        for &op in &ALL_OPS[1..] {
            for _ in 0..2000 {
                let d = random_fields(op, &mut rng);
                let raw = encode(&d).unwrap_or_else(|| panic!("{d:?} not encodable"));
                assert_eq!(decode(raw), DecodedInst { raw, ..d }, "{raw:#010x}");
            }
        }
    }

    /// With arbitrary field values, whatever encodes must decode back.
    #[test]
    fn encode_is_exact_or_refuses() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut encoded = 0;
        for _ in 0..200_000 {
            let op = ALL_OPS[rng.gen_range(0..ALL_OPS.len())];
            let small = |rng: &mut StdRng| {
                if rng.gen_bool(0.8) {
                    0
                } else {
                    rng.gen_range(0..40)
                }
            };
            let d = DecodedInst {
                op,
                rd: RegNum::new(small(&mut rng) as u32),
                rs1: RegNum::new(small(&mut rng) as u32),
                rs2: RegNum::new(small(&mut rng) as u32),
                rs3: RegNum::new(small(&mut rng) as u32),
                rm: small(&mut rng) & 15,
                len: 4,
                imm: if rng.gen_bool(0.5) {
                    0
                } else {
                    rng.gen_range(-5000..5000)
                },
                raw: 0,
            };
            if let Some(raw) = encode(&d) {
                encoded += 1;
                assert_eq!(decode(raw), DecodedInst { raw, ..d });
            }
        }
        assert!(encoded > 1000);
    }

    #[test]
    fn encode_rejects_out_of_range_fields() {
        let base = |op| DecodedInst {
            op,
            ..DecodedInst::illegal(0, 4)
        };
        let bad = [
            DecodedInst {
                imm: 2048,
                ..base(Op::Addi)
            },
            DecodedInst {
                imm: -2049,
                ..base(Op::Sd)
            },
            DecodedInst {
                imm: 64,
                ..base(Op::Slli)
            },
            DecodedInst {
                imm: 32,
                ..base(Op::Slliw)
            },
            DecodedInst {
                imm: -1,
                ..base(Op::Srai)
            },
            DecodedInst {
                imm: 4096,
                ..base(Op::Csrrs)
            },
            DecodedInst {
                imm: 3,
                ..base(Op::Beq)
            },
            DecodedInst {
                imm: 4096,
                ..base(Op::Bne)
            },
            DecodedInst {
                imm: 1 << 20,
                ..base(Op::Jal)
            },
            DecodedInst {
                imm: 0x800,
                ..base(Op::Lui)
            },
            DecodedInst {
                rm: 8,
                ..base(Op::FaddD)
            },
            DecodedInst {
                rm: 4,
                ..base(Op::AmoaddW)
            },
            DecodedInst {
                rs3: RegNum::R1,
                ..base(Op::Add)
            },
            DecodedInst {
                rs2: RegNum::R1,
                ..base(Op::LrD)
            },
            DecodedInst {
                rs2: RegNum::R1,
                ..base(Op::FsqrtS)
            },
            DecodedInst {
                rm: 1,
                ..base(Op::FsgnjS)
            },
            DecodedInst {
                rd: RegNum::R1,
                ..base(Op::Ecall)
            },
            DecodedInst {
                imm: 1,
                ..base(Op::UipiSend)
            },
            DecodedInst {
                rd: RegNum::R1,
                ..base(Op::Fence)
            },
        ];
        for d in bad {
            assert_eq!(encode(&d), None, "{d:?}");
        }
    }

    #[test]
    fn c_encode_rejects_reserved_and_out_of_range() {
        use CKind::*;
        let bad = [
            (Addi4spn, 8, 0, 0),
            (Addi4spn, 7, 0, 4),
            (Addi4spn, 8, 0, 1024),
            (Lw, 8, 9, 2),
            (Ld, 8, 16, 8),
            (Addi, 1, 0, 32),
            (Addiw, 0, 0, 1),
            (Addi16sp, 2, 0, 0),
            (Addi16sp, 2, 0, 8),
            (Lui, 1, 0, 0),
            (Lui, 2, 0, 1),
            (Srli, 8, 0, 64),
            (J, 0, 0, 2048),
            (Beqz, 8, 0, 256),
            (Beqz, 7, 0, 2),
            (Lwsp, 0, 0, 4),
            (Ldsp, 0, 0, 8),
            (Jr, 0, 0, 0),
            (Mv, 1, 0, 0),
            (Sdsp, 1, 0, 512),
        ];
        for (kind, a, b, imm) in bad {
            assert_eq!(c_encode(kind, a, b, imm), None, "{kind:?} {a} {b} {imm}");
        }
    }

    /// Every Asm mnemonic method produces its op; together they cover
    /// every Op.
    #[test]
    fn asm_has_a_method_for_every_op() {
        let mut a = Asm::new(0x1000);
        let l = a.label();
        a.bind(l);
        a.add(1, 2, 3);
        a.sub(1, 2, 3);
        a.sll(1, 2, 3);
        a.slt(1, 2, 3);
        a.sltu(1, 2, 3);
        a.xor(1, 2, 3);
        a.srl(1, 2, 3);
        a.sra(1, 2, 3);
        a.or(1, 2, 3);
        a.and(1, 2, 3);
        a.addw(1, 2, 3);
        a.subw(1, 2, 3);
        a.sllw(1, 2, 3);
        a.srlw(1, 2, 3);
        a.sraw(1, 2, 3);
        a.mul(1, 2, 3);
        a.mulh(1, 2, 3);
        a.mulhsu(1, 2, 3);
        a.mulhu(1, 2, 3);
        a.div(1, 2, 3);
        a.divu(1, 2, 3);
        a.rem(1, 2, 3);
        a.remu(1, 2, 3);
        a.mulw(1, 2, 3);
        a.divw(1, 2, 3);
        a.divuw(1, 2, 3);
        a.remw(1, 2, 3);
        a.remuw(1, 2, 3);
        a.fsgnj_s(1, 2, 3);
        a.fsgnjn_s(1, 2, 3);
        a.fsgnjx_s(1, 2, 3);
        a.fmin_s(1, 2, 3);
        a.fmax_s(1, 2, 3);
        a.feq_s(1, 2, 3);
        a.flt_s(1, 2, 3);
        a.fle_s(1, 2, 3);
        a.fsgnj_d(1, 2, 3);
        a.fsgnjn_d(1, 2, 3);
        a.fsgnjx_d(1, 2, 3);
        a.fmin_d(1, 2, 3);
        a.fmax_d(1, 2, 3);
        a.feq_d(1, 2, 3);
        a.flt_d(1, 2, 3);
        a.fle_d(1, 2, 3);
        a.jalr(1, 2, -3);
        a.lb(1, 2, -3);
        a.lh(1, 2, -3);
        a.lw(1, 2, -3);
        a.ld(1, 2, -3);
        a.lbu(1, 2, -3);
        a.lhu(1, 2, -3);
        a.lwu(1, 2, -3);
        a.addi(1, 2, -3);
        a.slti(1, 2, -3);
        a.sltiu(1, 2, -3);
        a.xori(1, 2, -3);
        a.ori(1, 2, -3);
        a.andi(1, 2, -3);
        a.addiw(1, 2, -3);
        a.flw(1, 2, -3);
        a.fld(1, 2, -3);
        a.slli(1, 2, 3);
        a.srli(1, 2, 3);
        a.srai(1, 2, 3);
        a.slliw(1, 2, 3);
        a.srliw(1, 2, 3);
        a.sraiw(1, 2, 3);
        a.sb(1, 2, -3);
        a.sh(1, 2, -3);
        a.sw(1, 2, -3);
        a.sd(1, 2, -3);
        a.fsw(1, 2, -3);
        a.fsd(1, 2, -3);
        a.beq(1, 2, l);
        a.bne(1, 2, l);
        a.blt(1, 2, l);
        a.bge(1, 2, l);
        a.bltu(1, 2, l);
        a.bgeu(1, 2, l);
        a.fence_i();
        a.ecall();
        a.ebreak();
        a.mret();
        a.sret();
        a.uret();
        a.wfi();
        a.csrrw(1, 0x300, 2);
        a.csrrs(1, 0x300, 2);
        a.csrrc(1, 0x300, 2);
        a.csrrwi(1, 0x300, 2);
        a.csrrsi(1, 0x300, 2);
        a.csrrci(1, 0x300, 2);
        a.sc_w(1, 2, 3, true, false);
        a.amoswap_w(1, 2, 3, true, false);
        a.amoadd_w(1, 2, 3, true, false);
        a.amoxor_w(1, 2, 3, true, false);
        a.amoand_w(1, 2, 3, true, false);
        a.amoor_w(1, 2, 3, true, false);
        a.amomin_w(1, 2, 3, true, false);
        a.amomax_w(1, 2, 3, true, false);
        a.amominu_w(1, 2, 3, true, false);
        a.amomaxu_w(1, 2, 3, true, false);
        a.sc_d(1, 2, 3, true, false);
        a.amoswap_d(1, 2, 3, true, false);
        a.amoadd_d(1, 2, 3, true, false);
        a.amoxor_d(1, 2, 3, true, false);
        a.amoand_d(1, 2, 3, true, false);
        a.amoor_d(1, 2, 3, true, false);
        a.amomin_d(1, 2, 3, true, false);
        a.amomax_d(1, 2, 3, true, false);
        a.amominu_d(1, 2, 3, true, false);
        a.amomaxu_d(1, 2, 3, true, false);
        a.lr_w(1, 2, false, true);
        a.lr_d(1, 2, false, true);
        a.fmadd_s(1, 2, 3, 4, 7);
        a.fmsub_s(1, 2, 3, 4, 7);
        a.fnmsub_s(1, 2, 3, 4, 7);
        a.fnmadd_s(1, 2, 3, 4, 7);
        a.fmadd_d(1, 2, 3, 4, 7);
        a.fmsub_d(1, 2, 3, 4, 7);
        a.fnmsub_d(1, 2, 3, 4, 7);
        a.fnmadd_d(1, 2, 3, 4, 7);
        a.fadd_s(1, 2, 3, 0);
        a.fsub_s(1, 2, 3, 0);
        a.fmul_s(1, 2, 3, 0);
        a.fdiv_s(1, 2, 3, 0);
        a.fadd_d(1, 2, 3, 0);
        a.fsub_d(1, 2, 3, 0);
        a.fmul_d(1, 2, 3, 0);
        a.fdiv_d(1, 2, 3, 0);
        a.fsqrt_s(1, 2, 1);
        a.fsqrt_d(1, 2, 1);
        a.fcvt_w_s(1, 2, 1);
        a.fcvt_wu_s(1, 2, 1);
        a.fcvt_l_s(1, 2, 1);
        a.fcvt_lu_s(1, 2, 1);
        a.fcvt_s_w(1, 2, 1);
        a.fcvt_s_wu(1, 2, 1);
        a.fcvt_s_l(1, 2, 1);
        a.fcvt_s_lu(1, 2, 1);
        a.fcvt_s_d(1, 2, 1);
        a.fcvt_d_s(1, 2, 1);
        a.fcvt_w_d(1, 2, 1);
        a.fcvt_wu_d(1, 2, 1);
        a.fcvt_l_d(1, 2, 1);
        a.fcvt_lu_d(1, 2, 1);
        a.fcvt_d_w(1, 2, 1);
        a.fcvt_d_wu(1, 2, 1);
        a.fcvt_d_l(1, 2, 1);
        a.fcvt_d_lu(1, 2, 1);
        a.fmv_x_w(1, 2);
        a.fclass_s(1, 2);
        a.fmv_w_x(1, 2);
        a.fmv_x_d(1, 2);
        a.fclass_d(1, 2);
        a.fmv_d_x(1, 2);
        a.lui(1, 0x12345);
        a.auipc(1, -1);
        a.jal(1, l);
        a.fence(3, 3);
        a.sfence_vma(1, 2);
        a.uipi_send(1);
        a.uipi_read(1);
        a.uipi_write(1);
        a.uipi_activate();
        a.uipi_deactivate();
        let bytes = a.finish().expect("assembles");
        let mut seen = std::collections::HashSet::new();
        for w in bytes.chunks(4) {
            let d = decode(u32::from_le_bytes(w.try_into().unwrap()));
            assert_ne!(d.op, Op::Illegal);
            seen.insert(d.op);
        }
        for op in &ALL_OPS[1..] {
            assert!(seen.contains(op), "{op:?} missing");
        }
    }

    /// The `c_*` methods pass their operands to the right fields.
    #[test]
    fn asm_compressed_methods() {
        let mut a = Asm::new(0);
        a.c_addi4spn(S1, 16);
        a.c_fld(8, A5, 8);
        a.c_lw(A0, S0, 4);
        a.c_ld(A1, S1, 16);
        a.c_fsd(9, A4, 24);
        a.c_sw(A2, A3, 8);
        a.c_sd(A4, A5, 32);
        a.c_nop();
        a.c_addi(T6, -3);
        a.c_addiw(A0, 7);
        a.c_li(T0, -32);
        a.c_addi16sp(-64);
        a.c_lui(A0, -1);
        a.c_srli(S0, 5);
        a.c_srai(S1, 40);
        a.c_andi(A0, 15);
        a.c_sub(A0, A1);
        a.c_xor(A0, A1);
        a.c_or(A0, A1);
        a.c_and(A0, A1);
        a.c_subw(A0, A1);
        a.c_addw(A0, A1);
        a.c_slli(T3, 12);
        a.c_fldsp(20, 256);
        a.c_lwsp(RA, 12);
        a.c_ldsp(GP, 24);
        a.c_jr(T1);
        a.c_mv(A0, T2);
        a.c_ebreak();
        a.c_jalr(A2);
        a.c_add(S2, S3);
        a.c_fsdsp(21, 8);
        a.c_swsp(A0, 60);
        a.c_sdsp(A1, 504);
        let b = a.finish().unwrap();
        let got: Vec<_> = b
            .chunks(2)
            .map(|h| {
                let d = decode(u16::from_le_bytes([h[0], h[1]]) as u32);
                assert_eq!(d.len, 2);
                (d.op, d.rd.num(), d.rs1.num(), d.rs2.num(), d.imm)
            })
            .collect();
        let want = [
            (Op::Addi, S1, SP, 0, 16),
            (Op::Fld, 8, A5, 0, 8),
            (Op::Lw, A0, S0, 0, 4),
            (Op::Ld, A1, S1, 0, 16),
            (Op::Fsd, 0, A4, 9, 24),
            (Op::Sw, 0, A3, A2, 8),
            (Op::Sd, 0, A5, A4, 32),
            (Op::Addi, 0, 0, 0, 0),
            (Op::Addi, T6, T6, 0, -3),
            (Op::Addiw, A0, A0, 0, 7),
            (Op::Addi, T0, 0, 0, -32),
            (Op::Addi, SP, SP, 0, -64),
            (Op::Lui, A0, 0, 0, -4096),
            (Op::Srli, S0, S0, 0, 5),
            (Op::Srai, S1, S1, 0, 40),
            (Op::Andi, A0, A0, 0, 15),
            (Op::Sub, A0, A0, A1, 0),
            (Op::Xor, A0, A0, A1, 0),
            (Op::Or, A0, A0, A1, 0),
            (Op::And, A0, A0, A1, 0),
            (Op::Subw, A0, A0, A1, 0),
            (Op::Addw, A0, A0, A1, 0),
            (Op::Slli, T3, T3, 0, 12),
            (Op::Fld, 20, SP, 0, 256),
            (Op::Lw, RA, SP, 0, 12),
            (Op::Ld, GP, SP, 0, 24),
            (Op::Jalr, 0, T1, 0, 0),
            (Op::Add, A0, 0, T2, 0),
            (Op::Ebreak, 0, 0, 0, 0),
            (Op::Jalr, RA, A2, 0, 0),
            (Op::Add, S2, S2, S3, 0),
            (Op::Fsd, 0, SP, 21, 8),
            (Op::Sw, 0, SP, A0, 60),
            (Op::Sd, 0, SP, A1, 504),
        ];
        assert_eq!(got, want);
    }

    fn words(bytes: &[u8]) -> Vec<u32> {
        bytes
            .chunks(4)
            .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
            .collect()
    }

    #[test]
    fn labels_resolve_forward_and_backward() {
        let mut a = Asm::new(0x8000_0000);
        let top = a.label();
        let end = a.label();
        let data = a.label();
        a.bind(top);
        a.beq(A0, A1, end); // 0x00
        a.la(T0, data); // 0x04, 0x08
        a.jal(RA, top); // 0x0c
        a.c_j(end); // 0x10
        a.c_bnez(S0, top); // 0x12
        a.bind(end);
        assert_eq!(a.here(), 0x8000_0014);
        a.j(top); // 0x14
        a.align(8);
        a.bind(data);
        a.dword(0x1122_3344_5566_7788);
        assert_eq!(a.label_addr(data), Some(0x8000_0018));
        let b = a.finish().unwrap();
        assert_eq!(b.len(), 0x20);
        let w = words(&b[..0x10]);
        assert_eq!((decode(w[0]).op, decode(w[0]).imm), (Op::Beq, 0x14));
        let (auipc, addi) = (decode(w[1]), decode(w[2]));
        assert_eq!(
            (
                auipc.op,
                auipc.rd.num(),
                addi.op,
                addi.rd.num(),
                addi.rs1.num()
            ),
            (Op::Auipc, T0, Op::Addi, T0, T0)
        );
        assert_eq!(auipc.imm as i64 + addi.imm as i64, 0x18 - 0x04);
        assert_eq!(
            (decode(w[3]).op, decode(w[3]).rd.num(), decode(w[3]).imm),
            (Op::Jal, RA, -0x0c)
        );
        let cj = decode(u16::from_le_bytes([b[0x10], b[0x11]]) as u32);
        assert_eq!((cj.op, cj.rd.num(), cj.imm, cj.len), (Op::Jal, 0, 4, 2));
        let cb = decode(u16::from_le_bytes([b[0x12], b[0x13]]) as u32);
        assert_eq!((cb.op, cb.rs1.num(), cb.imm), (Op::Bne, S0, -0x12));
        let j = decode(u32::from_le_bytes(b[0x14..0x18].try_into().unwrap()));
        assert_eq!((j.op, j.rd.num(), j.imm), (Op::Jal, 0, -0x14));
        assert_eq!(&b[0x18..], &0x1122_3344_5566_7788u64.to_le_bytes());
    }

    #[test]
    fn la_reaches_far_and_rounds_lo_correctly() {
        // A target 0x1800 ahead needs hi = 2, lo = -0x800.
        let mut a = Asm::new(0);
        let far = a.label();
        a.la(A0, far);
        while a.here() < 0x1800 {
            a.nop();
        }
        a.bind(far);
        let b = a.finish().unwrap();
        let w = words(&b[..8]);
        assert_eq!(decode(w[0]).imm, 0x2000);
        assert_eq!(decode(w[1]).imm, -0x800);
    }

    #[test]
    fn asm_errors() {
        let mut a = Asm::new(0);
        let l = a.label();
        a.beq(A0, A0, l);
        assert_eq!(a.finish(), Err(AsmError::UnboundLabel { pc: 0 }));

        let mut a = Asm::new(0);
        let l = a.label();
        a.bne(A0, A0, l);
        for _ in 0..1024 {
            a.nop();
        }
        a.bind(l);
        assert_eq!(
            a.finish(),
            Err(AsmError::OutOfRange {
                pc: 0,
                target: 4100
            })
        );

        let mut a = Asm::new(0);
        let l = a.label();
        a.c_beqz(A0, l);
        for _ in 0..64 {
            a.nop();
        }
        a.bind(l);
        assert!(matches!(a.finish(), Err(AsmError::OutOfRange { .. })));

        let mut a = Asm::new(0x100);
        a.nop();
        a.addi(A0, A0, 5000);
        assert_eq!(
            a.finish(),
            Err(AsmError::BadOperands {
                pc: 0x104,
                mnemonic: "addi"
            })
        );

        let mut a = Asm::new(0);
        a.c_lw(A0, 1, 0); // x1 is not a compressed register
        assert!(matches!(a.finish(), Err(AsmError::BadOperands { .. })));

        // Register numbers beyond x31, in an op and in a branch.
        let mut a = Asm::new(0);
        a.add(A0, 32, A1);
        assert_eq!(
            a.finish(),
            Err(AsmError::BadOperands {
                pc: 0,
                mnemonic: "add"
            })
        );
        let mut a = Asm::new(0);
        let l = a.label();
        a.bind(l);
        a.bne(A0, 40, l);
        assert_eq!(
            a.finish(),
            Err(AsmError::BadOperands {
                pc: 0,
                mnemonic: "bne"
            })
        );

        let mut a = Asm::new(0);
        let l = a.label();
        a.bind(l);
        a.bind(l);
        assert_eq!(a.finish(), Err(AsmError::Rebound { pc: 0 }));

        let mut a = Asm::new(0);
        a.align(3);
        assert!(matches!(a.finish(), Err(AsmError::BadAlign { .. })));
    }

    /// Runs `bytes` on a machine that knows only LUI/ADDI/ADDIW/SLLI/ADD/OR
    /// and returns the register file.
    fn run_tiny(bytes: &[u8]) -> [u64; 32] {
        let mut x = [0u64; 32];
        for w in words(bytes) {
            let d = decode(w);
            let a = x[d.rs1.index()];
            let b = x[d.rs2.index()];
            let imm = d.imm as i64 as u64;
            let v = match d.op {
                Op::Lui => imm,
                Op::Addi => a.wrapping_add(imm),
                Op::Addiw => a.wrapping_add(imm) as i32 as i64 as u64,
                Op::Slli => a << (d.imm & 63),
                Op::Add => a.wrapping_add(b),
                Op::Or => a | b,
                other => panic!("tiny interpreter cannot run {other:?}"),
            };
            if d.rd != RegNum::R0 {
                x[d.rd.index()] = v;
            }
        }
        x
    }

    fn li_len_and_value(v: i64) -> (usize, u64) {
        let mut a = Asm::new(0);
        a.li(A0, v);
        let b = a.finish().unwrap();
        (b.len() / 4, run_tiny(&b)[A0 as usize])
    }

    #[test]
    fn li_loads_tricky_constants() {
        let cases: &[(i64, usize)] = &[
            (0, 1),
            (-1, 1),
            (2047, 1),
            (-2048, 1),
            (2048, 2),
            (0x1000, 1),
            (0x7fff_ffff, 2),
            (-0x8000_0000, 1),
            (0x8000_0000, 2),
            (0xffff_ffff, 3),
            (0x1_0000_0001, 3),
            (0x7fff_f800, 2),
            (i64::MIN, 2),
            (i64::MAX, 3),
            (0x1234_5678_9abc_def0, 8),
            (0xdead_beef_cafe_babe_u64 as i64, 8),
        ];
        for &(v, max_len) in cases {
            let (len, got) = li_len_and_value(v);
            assert_eq!(got, v as u64, "li {v:#x}");
            assert!(len <= max_len, "li {v:#x}: {len} instructions");
        }
    }

    #[test]
    fn li_loads_random_constants() {
        let mut rng = StdRng::seed_from_u64(11);
        for i in 0..20_000 {
            // Mix uniformly random values with sparse and narrow ones.
            let v: i64 = match i % 4 {
                0 => rng.gen(),
                1 => rng.gen::<i64>() >> rng.gen_range(0..64),
                2 => rng.gen::<i64>() & rng.gen::<i64>() & rng.gen::<i64>(),
                _ => rng.gen_range(-5000..5000) << rng.gen_range(0..60),
            };
            let (len, got) = li_len_and_value(v);
            assert_eq!(got, v as u64, "li {v:#x}");
            assert!(len <= 8);
        }
    }

    #[test]
    fn pseudo_instructions_expand() {
        let mut a = Asm::new(0);
        a.mv(A0, A1);
        a.nop();
        a.ret();
        a.csrr(A0, 0x300);
        a.csrw(0x305, T0);
        a.csrs(0x300, T1);
        a.csrc(0x344, T2);
        let w = words(&a.finish().unwrap());
        assert_eq!(
            w,
            [
                0x0005_8513,
                0x0000_0013,
                0x0000_8067,
                0x3000_2573,
                0x3052_9073,
                0x3003_2073,
                0x3443_b073
            ]
        );
    }
}

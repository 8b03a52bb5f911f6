//! The decoded form of one instruction: the contract between the decoder
//! (`decode.rs`) and the executor (`execute.rs`).
//!
//! Compressed (RVC) instructions decode to the same `Op` as their 32-bit
//! expansion, with `len == 2` and `raw` holding the 16-bit encoding.
//!
//! Field conventions (fields an op does not use are 0):
//! - `rd`, `rs1`, `rs2`, `rs3`: register numbers (x or f file as the op says).
//! - `imm`: sign-extended immediate. Branches/JAL: byte offset. LUI/AUIPC: the
//!   already-shifted value (imm\[31:12\] << 12, sign-extended). Shifts: shamt.
//!   CSR ops: the CSR number (0..4095). FENCE: the raw fm/pred/succ bits.
//!   UIPI ops: unused.
//! - CSR immediate forms (`Csrrwi`, `Csrrsi`, `Csrrci`): the 5-bit zimm is in
//!   `rs1`.
//! - `rm`: F/D rounding-mode field (funct3); AMO/LR/SC: aq (bit 1) rl (bit 0).

/// Every operation the executor knows. `Illegal` covers reserved and
/// unimplemented encodings (the executor raises illegal-instruction with
/// `raw` as tval).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Op {
    Illegal,
    // RV64I
    Lui,
    Auipc,
    Jal,
    Jalr,
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Lb,
    Lh,
    Lw,
    Ld,
    Lbu,
    Lhu,
    Lwu,
    Sb,
    Sh,
    Sw,
    Sd,
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Addiw,
    Slliw,
    Srliw,
    Sraiw,
    Addw,
    Subw,
    Sllw,
    Srlw,
    Sraw,
    Fence,
    FenceI,
    Ecall,
    Ebreak,
    // Zicsr
    Csrrw,
    Csrrs,
    Csrrc,
    Csrrwi,
    Csrrsi,
    Csrrci,
    // Privileged
    Mret,
    Sret,
    /// N extension: return from a user-level trap handler.
    Uret,
    Wfi,
    SfenceVma,
    // M
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
    Mulw,
    Divw,
    Divuw,
    Remw,
    Remuw,
    // A (W and D widths)
    LrW,
    ScW,
    AmoswapW,
    AmoaddW,
    AmoxorW,
    AmoandW,
    AmoorW,
    AmominW,
    AmomaxW,
    AmominuW,
    AmomaxuW,
    LrD,
    ScD,
    AmoswapD,
    AmoaddD,
    AmoxorD,
    AmoandD,
    AmoorD,
    AmominD,
    AmomaxD,
    AmominuD,
    AmomaxuD,
    // F
    Flw,
    Fsw,
    FmaddS,
    FmsubS,
    FnmsubS,
    FnmaddS,
    FaddS,
    FsubS,
    FmulS,
    FdivS,
    FsqrtS,
    FsgnjS,
    FsgnjnS,
    FsgnjxS,
    FminS,
    FmaxS,
    FcvtWS,
    FcvtWuS,
    FcvtLS,
    FcvtLuS,
    FmvXW,
    FclassS,
    FeqS,
    FltS,
    FleS,
    FcvtSW,
    FcvtSWu,
    FcvtSL,
    FcvtSLu,
    FmvWX,
    // D
    Fld,
    Fsd,
    FmaddD,
    FmsubD,
    FnmsubD,
    FnmaddD,
    FaddD,
    FsubD,
    FmulD,
    FdivD,
    FsqrtD,
    FsgnjD,
    FsgnjnD,
    FsgnjxD,
    FminD,
    FmaxD,
    FcvtSD,
    FcvtDS,
    FeqD,
    FltD,
    FleD,
    FclassD,
    FcvtWD,
    FcvtWuD,
    FcvtLD,
    FcvtLuD,
    FmvXD,
    FcvtDW,
    FcvtDWu,
    FcvtDL,
    FcvtDLu,
    FmvDX,
    // UINTR: the UIPI instruction's five operations (see UINTR.md).
    UipiSend,
    UipiRead,
    UipiWrite,
    UipiActivate,
    UipiDeactivate,
    /// Not an encoding: what the block builder makes of an integer op
    /// whose only effect is writing x0 (a HINT, e.g. `nop`), so that the
    /// executor's common ops never write x0 and need not re-zero it. The
    /// decoder never returns it; timing sinks still see the original op's
    /// class and operands.
    Hint,
}

/// A register number, 0..=31, of the x or f file as the op says (also a
/// CSR immediate op's 5-bit zimm). An enum, so that its range is part of
/// the type: indexing a 32-entry register file with it needs neither a
/// bounds check nor a mask.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[rustfmt::skip]
pub enum RegNum {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13, R14, R15,
    R16, R17, R18, R19, R20, R21, R22, R23, R24, R25, R26, R27, R28, R29, R30, R31,
}

impl RegNum {
    #[rustfmt::skip]
    const ALL: [RegNum; 32] = {
        use RegNum::*;
        [
            R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13, R14, R15,
            R16, R17, R18, R19, R20, R21, R22, R23, R24, R25, R26, R27, R28, R29, R30, R31,
        ]
    };

    /// The register numbered by the low 5 bits of `bits`.
    #[inline(always)]
    pub const fn new(bits: u32) -> RegNum {
        Self::ALL[(bits & 31) as usize]
    }

    /// Its number, as an index into a register file.
    #[inline(always)]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Its number.
    #[inline(always)]
    pub const fn num(self) -> u8 {
        self as u8
    }
}

impl std::fmt::Debug for RegNum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.num().fmt(f)
    }
}

/// One decoded instruction. 16 bytes, cached per block by the executor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodedInst {
    pub op: Op,
    pub rd: RegNum,
    pub rs1: RegNum,
    pub rs2: RegNum,
    pub rs3: RegNum,
    pub rm: u8,
    /// 2 for compressed, 4 otherwise.
    pub len: u8,
    pub imm: i32,
    /// The instruction bits as fetched (16-bit value for compressed).
    pub raw: u32,
}

impl DecodedInst {
    /// An illegal instruction of the given raw bits and length.
    pub fn illegal(raw: u32, len: u8) -> Self {
        Self {
            op: Op::Illegal,
            rd: RegNum::R0,
            rs1: RegNum::R0,
            rs2: RegNum::R0,
            rs3: RegNum::R0,
            rm: 0,
            len,
            imm: 0,
            raw,
        }
    }
}

/// Length in bytes of the instruction whose low 16 bits are `low16`
/// (RVC when the two low bits are not 0b11). Longer encodings are not
/// supported and decode as illegal 4-byte instructions.
pub fn inst_len(low16: u16) -> u8 {
    if low16 & 3 == 3 {
        4
    } else {
        2
    }
}

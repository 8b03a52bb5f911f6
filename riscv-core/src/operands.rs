//! Which registers each op reads and writes, in which register file: the
//! encoding-free operand description a timing model tracks dependences
//! with (`sim_core::Operands`). Built once per instruction when a block is
//! decoded (kept for events), never read on the functional path.

use crate::inst::{DecodedInst, Op};
use sim_core::{Operands, Reg};

/// How an op uses one register field of a [`DecodedInst`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// The field is not a register of this op (unused, or an immediate
    /// such as a CSR op's zimm).
    No,
    Int,
    Float,
}

/// The register files of (rd, rs1, rs2, rs3) of `op`.
fn uses(op: Op) -> [Use; 4] {
    use Op::*;
    use Use::{Float as F, Int as X, No as N};
    match op {
        Illegal | Hint | Fence | FenceI | Ecall | Ebreak | Mret | Sret | Uret | Wfi
        | UipiActivate | UipiDeactivate => [N, N, N, N],
        Lui | Auipc | Jal | UipiRead => [X, N, N, N],
        // Register-immediate ALU ops, loads, JALR, LR and the register
        // CSR forms: rd <- f(rs1).
        Jalr | Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu | Addi | Slti | Sltiu | Xori | Ori | Andi
        | Slli | Srli | Srai | Addiw | Slliw | Srliw | Sraiw | Csrrw | Csrrs | Csrrc | LrW
        | LrD => [X, X, N, N],
        // rs1 of the immediate CSR forms holds a 5-bit zimm.
        Csrrwi | Csrrsi | Csrrci => [X, N, N, N],
        Beq | Bne | Blt | Bge | Bltu | Bgeu | Sb | Sh | Sw | Sd | SfenceVma => [N, X, X, N],
        UipiSend | UipiWrite => [N, X, N, N],
        Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Addw | Subw | Sllw | Srlw
        | Sraw | Mul | Mulh | Mulhsu | Mulhu | Div | Divu | Rem | Remu | Mulw | Divw | Divuw
        | Remw | Remuw | ScW | ScD | AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW
        | AmomaxW | AmominuW | AmomaxuW | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD
        | AmominD | AmomaxD | AmominuD | AmomaxuD => [X, X, X, N],
        // FP loads take an integer base; FP stores store an f register.
        Flw | Fld => [F, X, N, N],
        Fsw | Fsd => [N, X, F, N],
        FmaddS | FmsubS | FnmsubS | FnmaddS | FmaddD | FmsubD | FnmsubD | FnmaddD => [F, F, F, F],
        FaddS | FsubS | FmulS | FdivS | FsgnjS | FsgnjnS | FsgnjxS | FminS | FmaxS | FaddD
        | FsubD | FmulD | FdivD | FsgnjD | FsgnjnD | FsgnjxD | FminD | FmaxD => [F, F, F, N],
        FsqrtS | FsqrtD | FcvtSD | FcvtDS => [F, F, N, N],
        // Comparisons, classification, FP-to-int conversions and moves
        // write an x register.
        FeqS | FltS | FleS | FeqD | FltD | FleD => [X, F, F, N],
        FcvtWS | FcvtWuS | FcvtLS | FcvtLuS | FmvXW | FclassS | FcvtWD | FcvtWuD | FcvtLD
        | FcvtLuD | FmvXD | FclassD => [X, F, N, N],
        // Int-to-FP conversions and moves read an x register.
        FcvtSW | FcvtSWu | FcvtSL | FcvtSLu | FmvWX | FcvtDW | FcvtDWu | FcvtDL | FcvtDLu
        | FmvDX => [F, X, N, N],
    }
}

/// The register named by `field` under `how`; x0 is none (it is always 0).
#[inline(always)]
fn reg(how: Use, field: u8) -> Option<Reg> {
    match how {
        Use::No => None,
        Use::Int if field == 0 => None,
        Use::Int => Some(Reg::int(field)),
        Use::Float => Some(Reg::float(field)),
    }
}

/// The registers `inst` reads and writes.
pub fn operands_of(inst: &DecodedInst) -> Operands {
    let [rd, rs1, rs2, rs3] = uses(inst.op);
    Operands {
        dest: reg(rd, inst.rd.num()),
        srcs: [
            reg(rs1, inst.rs1.num()),
            reg(rs2, inst.rs2.num()),
            reg(rs3, inst.rs3.num()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;
    use crate::encode::{c_encode, encode, layout, CKind, Layout};
    use crate::inst::RegNum;

    const RD: u8 = 5;
    const RS1: u8 = 6;
    const RS2: u8 = 7;
    const RS3: u8 = 8;

    /// Expected operands of every op, from the ISA manual, when its
    /// register fields are rd = 5, rs1 = 6, rs2 = 7, rs3 = 8 (as far as
    /// its encoding has them). `x`/`f` name the file; `-` nothing.
    #[rustfmt::skip]
    const TABLE: &[(Op, &str, &str)] = {
        use Op::*;
        &[
            (Illegal, "-", ""),
            (Lui, "x5", ""), (Auipc, "x5", ""), (Jal, "x5", ""), (Jalr, "x5", "x6"),
            (Beq, "-", "x6 x7"), (Bne, "-", "x6 x7"), (Blt, "-", "x6 x7"),
            (Bge, "-", "x6 x7"), (Bltu, "-", "x6 x7"), (Bgeu, "-", "x6 x7"),
            (Lb, "x5", "x6"), (Lh, "x5", "x6"), (Lw, "x5", "x6"), (Ld, "x5", "x6"),
            (Lbu, "x5", "x6"), (Lhu, "x5", "x6"), (Lwu, "x5", "x6"),
            // Stores read the base and the data.
            (Sb, "-", "x6 x7"), (Sh, "-", "x6 x7"), (Sw, "-", "x6 x7"), (Sd, "-", "x6 x7"),
            (Addi, "x5", "x6"), (Slti, "x5", "x6"), (Sltiu, "x5", "x6"), (Xori, "x5", "x6"),
            (Ori, "x5", "x6"), (Andi, "x5", "x6"), (Slli, "x5", "x6"), (Srli, "x5", "x6"),
            (Srai, "x5", "x6"),
            (Add, "x5", "x6 x7"), (Sub, "x5", "x6 x7"), (Sll, "x5", "x6 x7"),
            (Slt, "x5", "x6 x7"), (Sltu, "x5", "x6 x7"), (Xor, "x5", "x6 x7"),
            (Srl, "x5", "x6 x7"), (Sra, "x5", "x6 x7"), (Or, "x5", "x6 x7"),
            (And, "x5", "x6 x7"),
            (Addiw, "x5", "x6"), (Slliw, "x5", "x6"), (Srliw, "x5", "x6"), (Sraiw, "x5", "x6"),
            (Addw, "x5", "x6 x7"), (Subw, "x5", "x6 x7"), (Sllw, "x5", "x6 x7"),
            (Srlw, "x5", "x6 x7"), (Sraw, "x5", "x6 x7"),
            (Fence, "-", ""), (FenceI, "-", ""), (Ecall, "-", ""), (Ebreak, "-", ""),
            (Csrrw, "x5", "x6"), (Csrrs, "x5", "x6"), (Csrrc, "x5", "x6"),
            // rs1 = 6 is the zimm 6 here, not x6.
            (Csrrwi, "x5", ""), (Csrrsi, "x5", ""), (Csrrci, "x5", ""),
            (Mret, "-", ""), (Sret, "-", ""), (Uret, "-", ""), (Wfi, "-", ""),
            (SfenceVma, "-", "x6 x7"),
            (Mul, "x5", "x6 x7"), (Mulh, "x5", "x6 x7"), (Mulhsu, "x5", "x6 x7"),
            (Mulhu, "x5", "x6 x7"), (Div, "x5", "x6 x7"), (Divu, "x5", "x6 x7"),
            (Rem, "x5", "x6 x7"), (Remu, "x5", "x6 x7"), (Mulw, "x5", "x6 x7"),
            (Divw, "x5", "x6 x7"), (Divuw, "x5", "x6 x7"), (Remw, "x5", "x6 x7"),
            (Remuw, "x5", "x6 x7"),
            (LrW, "x5", "x6"), (ScW, "x5", "x6 x7"),
            (AmoswapW, "x5", "x6 x7"), (AmoaddW, "x5", "x6 x7"), (AmoxorW, "x5", "x6 x7"),
            (AmoandW, "x5", "x6 x7"), (AmoorW, "x5", "x6 x7"), (AmominW, "x5", "x6 x7"),
            (AmomaxW, "x5", "x6 x7"), (AmominuW, "x5", "x6 x7"), (AmomaxuW, "x5", "x6 x7"),
            (LrD, "x5", "x6"), (ScD, "x5", "x6 x7"),
            (AmoswapD, "x5", "x6 x7"), (AmoaddD, "x5", "x6 x7"), (AmoxorD, "x5", "x6 x7"),
            (AmoandD, "x5", "x6 x7"), (AmoorD, "x5", "x6 x7"), (AmominD, "x5", "x6 x7"),
            (AmomaxD, "x5", "x6 x7"), (AmominuD, "x5", "x6 x7"), (AmomaxuD, "x5", "x6 x7"),
            (Flw, "f5", "x6"), (Fsw, "-", "x6 f7"),
            (FmaddS, "f5", "f6 f7 f8"), (FmsubS, "f5", "f6 f7 f8"),
            (FnmsubS, "f5", "f6 f7 f8"), (FnmaddS, "f5", "f6 f7 f8"),
            (FaddS, "f5", "f6 f7"), (FsubS, "f5", "f6 f7"), (FmulS, "f5", "f6 f7"),
            (FdivS, "f5", "f6 f7"), (FsqrtS, "f5", "f6"),
            (FsgnjS, "f5", "f6 f7"), (FsgnjnS, "f5", "f6 f7"), (FsgnjxS, "f5", "f6 f7"),
            (FminS, "f5", "f6 f7"), (FmaxS, "f5", "f6 f7"),
            (FcvtWS, "x5", "f6"), (FcvtWuS, "x5", "f6"), (FcvtLS, "x5", "f6"),
            (FcvtLuS, "x5", "f6"), (FmvXW, "x5", "f6"), (FclassS, "x5", "f6"),
            (FeqS, "x5", "f6 f7"), (FltS, "x5", "f6 f7"), (FleS, "x5", "f6 f7"),
            (FcvtSW, "f5", "x6"), (FcvtSWu, "f5", "x6"), (FcvtSL, "f5", "x6"),
            (FcvtSLu, "f5", "x6"), (FmvWX, "f5", "x6"),
            (Fld, "f5", "x6"), (Fsd, "-", "x6 f7"),
            (FmaddD, "f5", "f6 f7 f8"), (FmsubD, "f5", "f6 f7 f8"),
            (FnmsubD, "f5", "f6 f7 f8"), (FnmaddD, "f5", "f6 f7 f8"),
            (FaddD, "f5", "f6 f7"), (FsubD, "f5", "f6 f7"), (FmulD, "f5", "f6 f7"),
            (FdivD, "f5", "f6 f7"), (FsqrtD, "f5", "f6"),
            (FsgnjD, "f5", "f6 f7"), (FsgnjnD, "f5", "f6 f7"), (FsgnjxD, "f5", "f6 f7"),
            (FminD, "f5", "f6 f7"), (FmaxD, "f5", "f6 f7"),
            (FcvtSD, "f5", "f6"), (FcvtDS, "f5", "f6"),
            (FeqD, "x5", "f6 f7"), (FltD, "x5", "f6 f7"), (FleD, "x5", "f6 f7"),
            (FclassD, "x5", "f6"), (FcvtWD, "x5", "f6"), (FcvtWuD, "x5", "f6"),
            (FcvtLD, "x5", "f6"), (FcvtLuD, "x5", "f6"), (FmvXD, "x5", "f6"),
            (FcvtDW, "f5", "x6"), (FcvtDWu, "f5", "x6"), (FcvtDL, "f5", "x6"),
            (FcvtDLu, "f5", "x6"), (FmvDX, "f5", "x6"),
            // UIPI: SEND and WRITE read rs1, READ writes rd; the encoding
            // carries both fields for every operation.
            (UipiSend, "-", "x6"), (UipiRead, "x5", ""), (UipiWrite, "-", "x6"),
            (UipiActivate, "-", ""), (UipiDeactivate, "-", ""),
        ]
    };

    /// Parses one register name of the table ("x5", "f6").
    fn parse(name: &str) -> Reg {
        let index = name[1..].parse().unwrap();
        match &name[..1] {
            "x" => Reg::int(index),
            "f" => Reg::float(index),
            _ => panic!("bad register {name}"),
        }
    }

    /// `srcs` lists what rs1, rs2, rs3 name in order, `_` for nothing.
    fn expected(dest: &str, srcs: &str) -> Operands {
        let mut ops = Operands {
            dest: (dest != "-").then(|| parse(dest)),
            srcs: [None; 3],
        };
        for (slot, name) in ops.srcs.iter_mut().zip(srcs.split_whitespace()) {
            *slot = (name != "_").then(|| parse(name));
        }
        ops
    }

    /// The instruction of `op` with every register field its encoding has
    /// set to RD/RS1/RS2/RS3, built by the encoder and decoded back.
    fn build(op: Op) -> DecodedInst {
        let layout = layout(op).expect("a legal op");
        // Which of rd, rs1, rs2, rs3 the encoding has.
        let (rd, rs1, rs2, rs3) = match layout {
            Layout::Fixed(_) | Layout::Fence => (false, false, false, false),
            Layout::U { .. } | Layout::J => (true, false, false, false),
            Layout::I { .. } | Layout::Shift { .. } | Layout::Csr { .. } | Layout::Uipi(_) => {
                (true, true, false, false)
            }
            Layout::S { .. } | Layout::B { .. } | Layout::SfenceVma => (false, true, true, false),
            Layout::R { .. } => (true, true, true, false),
            Layout::Amo { lr, .. } => (true, true, !lr, false),
            Layout::Fma { .. } => (true, true, true, true),
            Layout::FpRm { rs2, .. } => (true, true, rs2.is_none(), false),
            Layout::FpSel { binary, .. } => (true, true, binary, false),
        };
        let field = |has: bool, n: u8| RegNum::new(if has { n as u32 } else { 0 });
        let mut d = DecodedInst::illegal(0, 4);
        d.op = op;
        d.rd = field(rd, RD);
        d.rs1 = field(rs1, RS1);
        d.rs2 = field(rs2, RS2);
        d.rs3 = field(rs3, RS3);
        if matches!(layout, Layout::Csr { .. }) {
            d.imm = 0x340; // mscratch
        }
        let raw = encode(&d).unwrap_or_else(|| panic!("{op:?} encodes"));
        let back = decode(raw);
        assert_eq!(back.op, op, "{raw:#010x} decodes back to {op:?}");
        back
    }

    #[test]
    fn every_op_reads_and_writes_what_the_isa_says() {
        assert_eq!(
            TABLE.len(),
            Op::UipiDeactivate as usize + 1,
            "one row per op"
        );
        for (i, &(op, dest, srcs)) in TABLE.iter().enumerate() {
            assert_eq!(op as usize, i, "table in Op order at {op:?}");
            let inst = if op == Op::Illegal {
                decode(0)
            } else {
                build(op)
            };
            assert_eq!(operands_of(&inst), expected(dest, srcs), "{op:?}");
        }
    }

    #[test]
    fn x0_is_never_an_operand_but_f0_is() {
        let mut d = DecodedInst::illegal(0, 4);
        d.op = Op::Add;
        d.rs2 = RegNum::R9;
        let add = decode(encode(&d).unwrap()); // add x0, x0, x9
        assert_eq!(operands_of(&add), expected("-", "_ x9"));
        d.op = Op::FaddD;
        d.rd = RegNum::R0;
        d.rs1 = RegNum::R0;
        d.rs2 = RegNum::R0;
        let fadd = decode(encode(&d).unwrap()); // fadd.d f0, f0, f0
        assert_eq!(operands_of(&fadd), expected("f0", "f0 f0"));
        d.op = Op::FmvDX; // fmv.d.x f0, x0
        d.rs2 = RegNum::R0;
        assert_eq!(
            operands_of(&decode(encode(&d).unwrap())),
            expected("f0", "")
        );
        d.op = Op::Sd; // sd x0, 0(x10)
        d.rs1 = RegNum::R10;
        assert_eq!(
            operands_of(&decode(encode(&d).unwrap())),
            expected("-", "x10")
        );
    }

    #[test]
    fn compressed_forms_have_the_operands_of_their_expansion() {
        use CKind::*;
        // (form, a, b, imm, expected dest, expected sources), operand
        // order as `c_encode` takes it.
        let cases: &[(CKind, u8, u8, i64, &str, &str)] = &[
            (Addi4spn, 9, 0, 16, "x9", "x2"),
            (Fld, 9, 10, 8, "f9", "x10"),
            (Lw, 9, 10, 4, "x9", "x10"),
            (Ld, 9, 10, 8, "x9", "x10"),
            (Fsd, 9, 10, 8, "-", "x10 f9"),
            (Sw, 9, 10, 4, "-", "x10 x9"),
            (Sd, 9, 10, 8, "-", "x10 x9"),
            (Addi, 11, 0, 3, "x11", "x11"),
            (Addiw, 11, 0, 3, "x11", "x11"),
            (Li, 11, 0, 3, "x11", "_"),
            (Addi16sp, 2, 0, 32, "x2", "x2"),
            (Lui, 11, 0, 3, "x11", ""),
            (Srli, 9, 0, 3, "x9", "x9"),
            (Srai, 9, 0, 3, "x9", "x9"),
            (Andi, 9, 0, 3, "x9", "x9"),
            (Sub, 9, 10, 0, "x9", "x9 x10"),
            (Xor, 9, 10, 0, "x9", "x9 x10"),
            (Or, 9, 10, 0, "x9", "x9 x10"),
            (And, 9, 10, 0, "x9", "x9 x10"),
            (Subw, 9, 10, 0, "x9", "x9 x10"),
            (Addw, 9, 10, 0, "x9", "x9 x10"),
            (J, 0, 0, 8, "-", ""),
            (Beqz, 9, 0, 8, "-", "x9"),
            (Bnez, 9, 0, 8, "-", "x9"),
            (Slli, 11, 0, 3, "x11", "x11"),
            (Fldsp, 11, 0, 8, "f11", "x2"),
            (Lwsp, 11, 0, 4, "x11", "x2"),
            (Ldsp, 11, 0, 8, "x11", "x2"),
            (Jr, 11, 0, 0, "-", "x11"),
            (Mv, 11, 12, 0, "x11", "_ x12"),
            (Ebreak, 0, 0, 0, "-", ""),
            (Jalr, 11, 0, 0, "x1", "x11"),
            (Add, 11, 12, 0, "x11", "x11 x12"),
            (Fsdsp, 11, 0, 8, "-", "x2 f11"),
            (Swsp, 11, 0, 4, "-", "x2 x11"),
            (Sdsp, 11, 0, 8, "-", "x2 x11"),
        ];
        for &(kind, a, b, imm, dest, srcs) in cases {
            let half = c_encode(kind, a, b, imm).unwrap_or_else(|| panic!("{kind:?} encodes"));
            let inst = decode(half as u32);
            assert_eq!(inst.len, 2, "{kind:?}");
            assert_eq!(operands_of(&inst), expected(dest, srcs), "{kind:?}");
        }
    }
}

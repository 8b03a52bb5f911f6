//! RV64I and M: every integer instruction, with the corner cases the spec
//! calls out (x0 writes, W-op sign extension, shifts by >= width, division
//! by zero and overflow). Expected values are written out by hand.

mod common;

use common::*;
use riscv_core::encode::{reg::*, Asm};

/// A register-register case: a0 = x, a1 = y, a2 = op(a0, a1).
macro_rules! rr {
    ($op:ident, $x:expr, $y:expr) => {
        &|a: &mut Asm| {
            a.li(A0, $x as i64);
            a.li(A1, $y as i64);
            a.$op(A2, A0, A1);
        }
    };
}

/// A register-immediate case: a0 = x, a2 = op(a0, imm).
macro_rules! ri {
    ($op:ident, $x:expr, $imm:expr) => {
        &|a: &mut Asm| {
            a.li(A0, $x as i64);
            a.$op(A2, A0, $imm);
        }
    };
}

fn check(cases: &[&dyn Fn(&mut Asm)], expected: &[u64]) {
    assert_eq!(cases.len(), expected.len());
    let got = results(cases);
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert_eq!(g, e, "case {i}: got {g:#x}, expected {e:#x}");
    }
}

#[test]
fn add_sub_logic() {
    check(
        &[
            rr!(add, 1, 2),
            rr!(add, u64::MAX, 1),
            rr!(add, 0x7fff_ffff_ffff_ffffu64, 1),
            rr!(sub, 0, 1),
            rr!(sub, 0x8000_0000_0000_0000u64, 1),
            rr!(xor, 0xff00_ff00u64, 0x0ff0_0ff0u64),
            rr!(or, 0xf0u64, 0x0fu64),
            rr!(and, 0xf0f0u64, 0xff00u64),
            rr!(slt, -1i64, 0),
            rr!(slt, 0, -1i64),
            rr!(sltu, -1i64, 0),
            rr!(sltu, 0, -1i64),
            ri!(addi, 5, -6),
            ri!(slti, -5i64, -4),
            ri!(sltiu, 0, -1),
            ri!(sltiu, 5, 5),
            ri!(xori, 0x1234, -1),
            ri!(ori, 0x1000, 0x7ff),
            ri!(andi, -1i64, -2048),
        ],
        &[
            3,
            0,
            0x8000_0000_0000_0000,
            u64::MAX,
            0x7fff_ffff_ffff_ffff,
            0xf0f0_f0f0,
            0xff,
            0xf000,
            1,
            0,
            0,
            1,
            u64::MAX,
            1,
            1,
            0,
            !0x1234u64,
            0x17ff,
            0xffff_ffff_ffff_f800,
        ],
    );
}

#[test]
fn shifts_use_low_six_bits() {
    check(
        &[
            rr!(sll, 1, 63),
            rr!(sll, 1, 64), // shift amount is rs2[5:0] = 0
            rr!(srl, 0x8000_0000_0000_0000u64, 63),
            rr!(sra, 0x8000_0000_0000_0000u64, 63),
            rr!(sra, 0x8000_0000_0000_0000u64, 65),
            ri!(slli, 3, 62),
            ri!(srli, -1i64, 60),
            ri!(srai, -16i64, 2),
        ],
        &[
            0x8000_0000_0000_0000,
            1,
            1,
            u64::MAX,
            0xc000_0000_0000_0000,
            0xc000_0000_0000_0000,
            0xf,
            0xffff_ffff_ffff_fffc,
        ],
    );
}

#[test]
fn word_ops_sign_extend() {
    check(
        &[
            rr!(addw, 0x7fff_ffffu64, 1),
            rr!(addw, 0xffff_ffff_0000_0001u64, 0),
            rr!(subw, 0, 1),
            rr!(sllw, 1, 31),
            rr!(sllw, 1, 32), // rs2[4:0] = 0
            rr!(srlw, 0xffff_ffff_8000_0000u64, 31),
            rr!(sraw, 0x8000_0000u64, 31),
            ri!(addiw, 0x7fff_ffffu64, 1),
            ri!(addiw, 0x1_0000_0000u64, 0), // sext.w of a value with only bit 32 set
            ri!(slliw, 1, 31),
            ri!(srliw, 0x8000_0000u64, 0),
            ri!(sraiw, 0x8000_0000u64, 4),
        ],
        &[
            0xffff_ffff_8000_0000,
            1,
            u64::MAX,
            0xffff_ffff_8000_0000,
            1,
            1,
            u64::MAX,
            0xffff_ffff_8000_0000,
            0,
            0xffff_ffff_8000_0000,
            0xffff_ffff_8000_0000,
            0xffff_ffff_f800_0000,
        ],
    );
}

#[test]
fn multiply() {
    check(
        &[
            rr!(mul, 7, -3i64),
            rr!(mul, 0x1_0000_0000u64, 0x1_0000_0000u64),
            rr!(mulh, -1i64, -1i64),
            rr!(mulh, i64::MIN, i64::MIN),
            rr!(mulhu, u64::MAX, u64::MAX),
            rr!(mulhsu, -1i64, u64::MAX),
            rr!(mulhsu, 1, u64::MAX),
            rr!(mulw, 0x1_0000_0002u64, 0x4000_0000u64),
            rr!(mulw, 0x10000, 0x10000),
        ],
        &[
            (-21i64) as u64,
            0,
            0,
            0x4000_0000_0000_0000,
            0xffff_ffff_ffff_fffe,
            u64::MAX,
            0,
            0xffff_ffff_8000_0000,
            0,
        ],
    );
}

#[test]
fn divide_by_zero_and_overflow() {
    check(
        &[
            rr!(div, 7, 0),
            rr!(divu, 7, 0),
            rr!(rem, 7, 0),
            rr!(remu, 7, 0),
            rr!(div, i64::MIN, -1i64),
            rr!(rem, i64::MIN, -1i64),
            rr!(div, -7i64, 2),
            rr!(rem, -7i64, 2),
            rr!(divu, -7i64, 2),
            rr!(divw, 7, 0),
            rr!(divuw, 7, 0),
            rr!(remw, -7i64, 0),
            rr!(remuw, 0xffff_ffffu64, 0),
            rr!(divw, 0x8000_0000u64, -1i64),
            rr!(remw, 0x8000_0000u64, -1i64),
            rr!(divuw, 0xffff_fffeu64, 2),
            rr!(divw, 0x1_0000_0006u64, 3), // upper bits ignored
        ],
        &[
            u64::MAX,
            u64::MAX,
            7,
            7,
            i64::MIN as u64,
            0,
            (-3i64) as u64,
            (-1i64) as u64,
            0x7fff_ffff_ffff_fffc,
            u64::MAX,
            u64::MAX,
            (-7i64) as u64,
            u64::MAX,
            0xffff_ffff_8000_0000,
            0,
            0x7fff_ffff,
            2,
        ],
    );
}

#[test]
fn lui_auipc_and_x0() {
    let mut m = run_ok(|a| {
        a.lui(A0, 0x12345);
        a.lui(A1, 0x80000); // sign-extended on RV64
        let here = a.here();
        a.auipc(A2, 1);
        a.li(A3, here as i64);
        a.sub(A2, A2, A3);
        a.addi(ZERO, ZERO, 5); // writes to x0 are discarded
        a.add(A4, ZERO, ZERO);
        a.li(S0, DATA as i64);
        a.sd(A0, S0, 0);
        a.sd(A1, S0, 8);
        a.sd(A2, S0, 16);
        a.sd(A4, S0, 24);
        exit(a, 0);
    });
    assert_eq!(read_u64(&mut m, DATA), 0x1234_5000);
    assert_eq!(read_u64(&mut m, DATA + 8), 0xffff_ffff_8000_0000);
    assert_eq!(read_u64(&mut m, DATA + 16), 0x1000);
    assert_eq!(read_u64(&mut m, DATA + 24), 0);
}

#[test]
fn branches_and_jumps() {
    // Each taken branch skips a "fail" store; the result counts passes.
    let mut m = run_ok(|a| {
        a.li(S1, 0);
        let pairs: [(i64, i64); 3] = [(1, 1), (-1, 1), (1, -1)];
        for (x, y) in pairs {
            a.li(A0, x);
            a.li(A1, y);
            for op in 0..6 {
                let taken = a.label();
                let done = a.label();
                match op {
                    0 => a.beq(A0, A1, taken),
                    1 => a.bne(A0, A1, taken),
                    2 => a.blt(A0, A1, taken),
                    3 => a.bge(A0, A1, taken),
                    4 => a.bltu(A0, A1, taken),
                    _ => a.bgeu(A0, A1, taken),
                };
                // not taken: S1 += 0x10 per op (records the pattern)
                a.slli(S1, S1, 1);
                a.j(done);
                a.bind(taken);
                a.slli(S1, S1, 1);
                a.ori(S1, S1, 1);
                a.bind(done);
            }
        }
        // jal/jalr link values
        let target = a.label();
        a.jal(RA, target);
        let after_jal = a.here();
        a.j(target); // not reached
        a.bind(target);
        a.li(A0, after_jal as i64);
        a.sub(A5, RA, A0); // 0 if ra was right
        let back = a.label();
        a.la(A3, back);
        a.addi(A3, A3, 1); // jalr clears bit 0
        a.jalr(T0, A3, 0);
        a.bind(back);
        a.li(S0, DATA as i64);
        a.sd(S1, S0, 0);
        a.sd(A5, S0, 8);
        exit(a, 0);
    });
    // (1,1): beq T bne N blt N bge T bltu N bgeu T -> 100101
    // (-1,1): beq N bne T blt T bge N bltu N bgeu T -> 011001
    // (1,-1): beq N bne T blt N bge T bltu T bgeu N -> 010110
    assert_eq!(read_u64(&mut m, DATA), 0b100101_011001_010110);
    assert_eq!(read_u64(&mut m, DATA + 8), 0);
}

#[test]
fn loads_and_stores_all_widths() {
    let mut m = run_ok(|a| {
        a.li(S0, DATA as i64);
        a.li(A0, 0x8081_8283_8485_8687u64 as i64);
        a.sd(A0, S0, 0);
        a.lb(A1, S0, 0);
        a.sd(A1, S0, 8);
        a.lbu(A1, S0, 0);
        a.sd(A1, S0, 16);
        a.lh(A1, S0, 0);
        a.sd(A1, S0, 24);
        a.lhu(A1, S0, 0);
        a.sd(A1, S0, 32);
        a.lw(A1, S0, 4);
        a.sd(A1, S0, 40);
        a.lwu(A1, S0, 4);
        a.sd(A1, S0, 48);
        a.li(A2, 0x1122_3344_5566_7788u64 as i64);
        a.sd(ZERO, S0, 56);
        a.sb(A2, S0, 56);
        a.sh(A2, S0, 58);
        a.sw(A2, S0, 60);
        // misaligned (emulated by default)
        a.ld(A3, S0, 1);
        a.sd(A3, S0, 64);
        exit(a, 0);
    });
    assert_eq!(read_u64(&mut m, DATA + 8), 0xffff_ffff_ffff_ff87);
    assert_eq!(read_u64(&mut m, DATA + 16), 0x87);
    assert_eq!(read_u64(&mut m, DATA + 24), 0xffff_ffff_ffff_8687);
    assert_eq!(read_u64(&mut m, DATA + 32), 0x8687);
    assert_eq!(read_u64(&mut m, DATA + 40), 0xffff_ffff_8081_8283);
    assert_eq!(read_u64(&mut m, DATA + 48), 0x8081_8283);
    assert_eq!(read_u64(&mut m, DATA + 56), 0x5566_7788_7788_0088);
    // bytes 1..7 of the first doubleword, then byte 0 of the lb result
    assert_eq!(read_u64(&mut m, DATA + 64), 0x8780_8182_8384_8586);
}

#[test]
fn compressed_instructions_execute() {
    let mut m = run_ok(|a| {
        a.li(S0, DATA as i64);
        a.c_li(A0, 5);
        a.c_addi(A0, -2); // 3
        a.c_slli(A0, 4); // 48
        a.c_mv(A1, A0);
        a.c_add(A1, A0); // 96
        a.c_addiw(A1, 1); // 97
        a.c_sd(A1, S0, 0);
        a.c_ld(A2, S0, 0);
        a.c_sub(A2, A0); // 49
        a.c_sw(A2, S0, 8);
        a.c_lw(A3, S0, 8);
        a.c_andi(A3, 0x11); // 49 & 17 = 17
        a.sd(A3, S0, 16);
        let skip = a.label();
        a.c_beqz(ZERO + 8, skip); // s0 != 0: not taken (s0 is x8)
        a.c_j(skip);
        a.c_nop();
        a.bind(skip);
        exit(a, 0);
    });
    assert_eq!(read_u64(&mut m, DATA), 97);
    assert_eq!(read_u64(&mut m, DATA + 8) & 0xffff_ffff, 49);
    assert_eq!(read_u64(&mut m, DATA + 16), 17);
}

#[test]
fn instret_and_cycle_are_exact_mid_block() {
    // csrr instret; 10 x addi; csrr instret: the difference is 11 (the ten
    // addi and the first csrr), whatever the block boundaries.
    let r = results(&[
        &|a: &mut Asm| {
            a.csrr(A0, 0xc02);
            for _ in 0..10 {
                a.addi(A1, A1, 1);
            }
            a.csrr(A3, 0xc02);
            a.sub(A2, A3, A0);
        },
        &|a: &mut Asm| {
            a.csrr(A0, 0xb00);
            for _ in 0..7 {
                a.addi(A1, A1, 1);
            }
            a.csrr(A3, 0xb00);
            a.sub(A2, A3, A0);
        },
    ]);
    assert_eq!(r, vec![11, 8]);
}

#[test]
fn counters_written_by_csr_stand_and_count_on() {
    // A CSR write to minstret/mcycle is what the next instruction sees (the
    // writing instruction itself is not counted); later ones count on.
    let r = results(&[
        &|a: &mut Asm| {
            a.li(T0, 100);
            a.csrw(0xb02, T0);
            for _ in 0..3 {
                a.addi(A1, A1, 1);
            }
            a.csrr(A2, 0xb02);
        },
        &|a: &mut Asm| {
            a.li(T0, 1000);
            a.csrw(0xb00, T0);
            for _ in 0..4 {
                a.addi(A1, A1, 1);
            }
            a.csrr(A2, 0xb00);
        },
    ]);
    assert_eq!(r, vec![103, 1004]);
}

/// One AMO case: memory holds `old`, a1 = `src`. The result folds the
/// value returned and the new memory value: `returned ^ new` for D,
/// `returned << 32 | new` (low words) for W.
macro_rules! amo {
    ($op:ident, $old:expr, $src:expr, $width:literal) => {
        &|a: &mut Asm| {
            a.li(T0, (DATA + 0x8000) as i64);
            a.li(T1, $old as i64);
            a.sd(T1, T0, 0);
            a.li(A1, $src as i64);
            a.$op(A2, T0, A1, true, true);
            a.ld(A3, T0, 0);
            if $width == 8 {
                a.xor(A2, A2, A3); // returned ^ new
            } else {
                a.slli(A3, A3, 32);
                a.srli(A3, A3, 32);
                a.slli(A2, A2, 32);
                a.or(A2, A2, A3); // returned (low word) << 32 | new (low word)
            }
        }
    };
}

#[test]
fn every_amo_returns_old_and_writes_new() {
    let neg = -5i64 as u64;
    check(
        &[
            amo!(amoswap_d, 7, 9, 8),
            amo!(amoadd_d, u64::MAX, 2, 8),
            amo!(amoxor_d, 0b1100, 0b1010, 8),
            amo!(amoand_d, 0b1100, 0b1010, 8),
            amo!(amoor_d, 0b1100, 0b1010, 8),
            amo!(amomin_d, neg, 3, 8),
            amo!(amomax_d, neg, 3, 8),
            amo!(amominu_d, neg, 3, 8),
            amo!(amomaxu_d, neg, 3, 8),
            amo!(amoswap_w, 7, 9, 4),
            amo!(amoadd_w, 0xffff_ffffu64, 2, 4),
            amo!(amomin_w, 0xffff_fffbu64, 3, 4),
            amo!(amomax_w, 0xffff_fffbu64, 3, 4),
            amo!(amominu_w, 0xffff_fffbu64, 3, 4),
            amo!(amomaxu_w, 0xffff_fffbu64, 3, 4),
            amo!(amoxor_w, 0b1100, 0b1010, 4),
            amo!(amoand_w, 0b1100, 0b1010, 4),
            amo!(amoor_w, 0b1100, 0b1010, 4),
        ],
        &[
            7 ^ 9,
            u64::MAX ^ 1,
            0b1100 ^ 0b0110,
            0b1100 ^ 0b1000,
            0b1100 ^ 0b1110,
            neg ^ neg,
            neg ^ 3,
            neg ^ 3,
            neg ^ neg,
            7 << 32 | 9,
            0xffff_ffff << 32 | 1,
            0xffff_fffb << 32 | 0xffff_fffb,
            0xffff_fffb << 32 | 3,
            0xffff_fffb << 32 | 3,
            0xffff_fffb << 32 | 0xffff_fffb,
            0b1100 << 32 | 0b0110,
            0b1100 << 32 | 0b1000,
            0b1100 << 32 | 0b1110,
        ],
    );
}

/// Every integer op, written to x0 with operands that make a nonzero
/// result: x0 reads 0 after each (a block runs these as HINTs, and the
/// executor's fast register write relies on that).
#[test]
fn every_integer_op_into_x0_leaves_it_zero() {
    let cases: &[&dyn Fn(&mut Asm)] = &[
        &|a| a.lui(ZERO, 1),
        &|a| a.auipc(ZERO, 1),
        &|a| a.addi(ZERO, A0, 1),
        &|a| a.slti(ZERO, A0, 100),
        &|a| a.sltiu(ZERO, A0, 100),
        &|a| a.xori(ZERO, A0, 1),
        &|a| a.ori(ZERO, A0, 1),
        &|a| a.andi(ZERO, A0, -1),
        &|a| a.slli(ZERO, A0, 1),
        &|a| a.srli(ZERO, A0, 1),
        &|a| a.srai(ZERO, A0, 1),
        &|a| a.add(ZERO, A0, A1),
        &|a| a.sub(ZERO, A0, A1),
        &|a| a.sll(ZERO, A0, A1),
        &|a| a.slt(ZERO, A1, A0),
        &|a| a.sltu(ZERO, A1, A0),
        &|a| a.xor(ZERO, A0, A1),
        &|a| a.srl(ZERO, A0, A1),
        &|a| a.sra(ZERO, A0, A1),
        &|a| a.or(ZERO, A0, A1),
        &|a| a.and(ZERO, A0, A0),
        &|a| a.addiw(ZERO, A0, 1),
        &|a| a.slliw(ZERO, A0, 1),
        &|a| a.srliw(ZERO, A0, 1),
        &|a| a.sraiw(ZERO, A0, 1),
        &|a| a.addw(ZERO, A0, A1),
        &|a| a.subw(ZERO, A0, A1),
        &|a| a.sllw(ZERO, A0, A1),
        &|a| a.srlw(ZERO, A0, A1),
        &|a| a.sraw(ZERO, A0, A1),
        &|a| a.mul(ZERO, A0, A1),
        &|a| a.mulh(ZERO, A2, A2),
        &|a| a.mulhsu(ZERO, A2, A2),
        &|a| a.mulhu(ZERO, A2, A2),
        &|a| a.mulw(ZERO, A0, A1),
        &|a| a.div(ZERO, A0, A1),
        &|a| a.divu(ZERO, A0, A1),
        &|a| a.rem(ZERO, A0, A1),
        &|a| a.remu(ZERO, A0, A1),
        &|a| a.divw(ZERO, A0, A1),
        &|a| a.divuw(ZERO, A0, A1),
        &|a| a.remw(ZERO, A0, A1),
        &|a| a.remuw(ZERO, A0, A1),
    ];
    type Case<'a> = Box<dyn Fn(&mut Asm) + 'a>;
    let with_operands: Vec<Case> = cases
        .iter()
        .map(|case| {
            Box::new(move |a: &mut Asm| {
                a.li(A0, 0x1234_5679);
                a.li(A1, 3);
                a.li(A2, -0x7000_0000_0000_0001);
                case(a);
                a.add(A2, ZERO, ZERO);
            }) as Case
        })
        .collect();
    let refs: Vec<&dyn Fn(&mut Asm)> = with_operands.iter().map(|b| b.as_ref()).collect();
    assert_eq!(results(&refs), vec![0; cases.len()]);
}

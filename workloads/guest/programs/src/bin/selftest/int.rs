//! Integer checks 1..=49: M-extension corner cases, W ops, shifts.

use crate::checks::Checks;
use core::hint::black_box;

const A: u64 = 0xdead_beef_cafe_babe;
const B: u64 = 0x1234_5678_9abc_def0;
const B_NEG: u64 = 0xf234_5678_9abc_def0;

pub fn run(c: &mut Checks) {
    let m1 = -1i64 as u64;
    // Division: rounding toward zero, by zero, overflow.
    check!(c, 1, rr!("div", -7i64, 2), -3i64);
    check!(c, 2, rr!("rem", -7i64, 2), -1i64);
    check!(c, 3, rr!("div", 42, 0), m1);
    check!(c, 4, rr!("divu", 42, 0), u64::MAX);
    check!(c, 5, rr!("rem", -5i64, 0), -5i64);
    check!(c, 6, rr!("remu", 42, 0), 42);
    check!(c, 7, rr!("div", i64::MIN, -1i64), i64::MIN);
    check!(c, 8, rr!("rem", i64::MIN, -1i64), 0);
    check!(c, 9, rr!("divu", u64::MAX, 3), 0x5555_5555_5555_5555u64);
    check!(
        c,
        10,
        rr!("divw", i32::MIN as i64, -1i64),
        0xffff_ffff_8000_0000u64
    );
    check!(c, 11, rr!("remw", i32::MIN as i64, -1i64), 0);
    check!(c, 12, rr!("divw", 7, 0), m1);
    check!(c, 13, rr!("divuw", 7, 0), u64::MAX);
    check!(c, 14, rr!("remw", -9i64, 0), -9i64);
    check!(
        c,
        15,
        rr!("remuw", 0x1_8000_0005u64, 0),
        0xffff_ffff_8000_0005u64
    );
    check!(c, 16, rr!("divuw", 0xffff_ffff_0000_0010u64, 3), 5);
    // W ops sign-extend bit 31 of their 32-bit result.
    check!(c, 17, rr!("addw", 0x7fff_ffff, 1), 0xffff_ffff_8000_0000u64);
    check!(c, 18, rr!("subw", 0, 1), m1);
    check!(c, 19, rr!("sllw", 1, 31), 0xffff_ffff_8000_0000u64);
    check!(c, 20, rr!("sllw", 1, 63), 0xffff_ffff_8000_0000u64);
    check!(
        c,
        21,
        rr!("srlw", 0xffff_ffff_8000_0000u64, 0),
        0xffff_ffff_8000_0000u64
    );
    check!(c, 22, rr!("srlw", 0xffff_ffff_8000_0000u64, 1), 0x4000_0000);
    check!(
        c,
        23,
        rr!("sraw", 0x8000_0000u64, 4),
        0xffff_ffff_f800_0000u64
    );
    check!(c, 24, rr!("mulw", 0x1_0000, 0x1_0000), 0);
    check!(c, 25, rr!("mulw", 0xffff, 0x1_0001), m1);
    check!(c, 26, addiw_minus_one(0x8000_0000), 0x7fff_ffff);
    check!(c, 27, lui_top(), 0xffff_ffff_8000_0000u64);
    // Multiply: low and the three high halves.
    check!(c, 28, rr!("mul", A, B), 0xeb68_9f4e_a447_d620u64);
    check!(c, 29, rr!("mulhu", A, B), 0x0fd5_bdee_eb2a_01d7u64);
    check!(c, 30, rr!("mulh", A, B), 0xfda1_6776_506d_22e7u64);
    check!(c, 31, rr!("mulhsu", A, B_NEG), 0xe079_6e88_220c_064eu64);
    check!(c, 32, rr!("mulh", A, B_NEG), 0x01cb_af98_570d_4b90u64);
    check!(c, 33, rr!("mulhu", A, B_NEG), 0xd2ad_c500_bcc8_e53eu64);
    // i128 multiply as the compiler lowers it.
    let p = black_box(A as i64 as i128) * black_box(B as i64 as i128);
    check!(c, 34, (p >> 64) as u64, 0xfda1_6776_506d_22e7u64);
    check!(c, 35, p as u64, 0xeb68_9f4e_a447_d620u64);
    let q = black_box(A as u128) * black_box(B as u128);
    check!(c, 36, (q >> 64) as u64, 0x0fd5_bdee_eb2a_01d7u64);
    // Shifts use the low 6 bits of the amount.
    check!(c, 37, rr!("sll", 1, 65), 2);
    check!(c, 38, rr!("srl", 1u64 << 63, 63), 1);
    check!(c, 39, rr!("sra", 1u64 << 63, 63), m1);
    check!(c, 40, rr!("sra", -16i64, 2), -4i64);
    // Comparisons.
    check!(c, 41, rr!("slt", -1i64, 1), 1);
    check!(c, 42, rr!("sltu", -1i64, 1), 0);
    // Overflow detection and bit counting as Rust lowers them.
    check!(c, 43, black_box(i64::MAX).checked_mul(2).is_none(), true);
    check!(c, 44, black_box(0x00f0u64).leading_zeros(), 56);
    check!(c, 45, black_box(0x1234_5678u64).count_ones(), 13);
}

fn addiw_minus_one(x: u64) -> u64 {
    let r: u64;
    // SAFETY: pure register instruction.
    unsafe {
        core::arch::asm!("addiw {0}, {1}, -1", out(reg) r, in(reg) x, options(pure, nomem, nostack))
    };
    r
}

fn lui_top() -> u64 {
    let r: u64;
    // SAFETY: pure register instruction.
    unsafe { core::arch::asm!("lui {0}, 0x80000", out(reg) r, options(pure, nomem, nostack)) };
    r
}

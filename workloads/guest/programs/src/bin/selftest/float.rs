//! Floating-point checks 50..=129. Operands go in as raw bits through
//! `fmv.d.x` and results come out through `fmv.x.d`, so the compiler cannot
//! fold anything and single-precision results show their NaN-boxing.

use crate::checks::Checks;
use core::hint::black_box;

const NV: u64 = 0x10;
const DZ: u64 = 0x08;
const OF: u64 = 0x04;
const UF: u64 = 0x02;
const NX: u64 = 0x01;

const ONE_D: u64 = 0x3ff0_0000_0000_0000;
const NEG_ONE_D: u64 = 0xbff0_0000_0000_0000;
const TWO_D: u64 = 0x4000_0000_0000_0000;
const ZERO_D: u64 = 0;
const NEG_ZERO_D: u64 = 0x8000_0000_0000_0000;
const INF_D: u64 = 0x7ff0_0000_0000_0000;
const NEG_INF_D: u64 = 0xfff0_0000_0000_0000;
const MAX_D: u64 = 0x7fef_ffff_ffff_ffff;
const CANON_NAN_D: u64 = 0x7ff8_0000_0000_0000;
const QNAN_PAYLOAD_D: u64 = 0x7ff8_0000_0000_1234;
const SNAN_D: u64 = 0x7ff0_0000_0000_0001;
const CANON_NAN_S: u32 = 0x7fc0_0000;

/// A single-precision value NaN-boxed in a 64-bit FP register.
const fn boxed(bits: u32) -> u64 {
    0xffff_ffff_0000_0000 | bits as u64
}

/// One-operand FP op on bits: (result bits, fflags).
macro_rules! fop1 {
    ($inst:literal, $a:expr) => {{
        let (r, fl): (u64, u64);
        // SAFETY: FP register ops and fflags accesses only; FS is enabled by rt.
        unsafe {
            core::arch::asm!("csrw fflags, zero", "fmv.d.x ft0, {a}",
                concat!($inst, " ft2, ft0"), "fmv.x.d {r}, ft2", "csrr {fl}, fflags",
                a = in(reg) ($a) as u64, r = out(reg) r, fl = out(reg) fl,
                out("ft0") _, out("ft2") _, options(nomem, nostack));
        }
        (r, fl)
    }};
}

/// Two-operand FP op on bits: (result bits, fflags).
macro_rules! fop2 {
    ($inst:literal, $a:expr, $b:expr) => {{
        let (r, fl): (u64, u64);
        // SAFETY: as in fop1.
        unsafe {
            core::arch::asm!("csrw fflags, zero", "fmv.d.x ft0, {a}", "fmv.d.x ft1, {b}",
                concat!($inst, " ft2, ft0, ft1"), "fmv.x.d {r}, ft2", "csrr {fl}, fflags",
                a = in(reg) ($a) as u64, b = in(reg) ($b) as u64, r = out(reg) r,
                fl = out(reg) fl, out("ft0") _, out("ft1") _, out("ft2") _,
                options(nomem, nostack));
        }
        (r, fl)
    }};
}

/// Three-operand (fused) FP op on bits: (result bits, fflags).
macro_rules! fop3 {
    ($inst:literal, $a:expr, $b:expr, $c:expr) => {{
        let (r, fl): (u64, u64);
        // SAFETY: as in fop1.
        unsafe {
            core::arch::asm!("csrw fflags, zero", "fmv.d.x ft0, {a}", "fmv.d.x ft1, {b}",
                "fmv.d.x ft3, {c}", concat!($inst, " ft2, ft0, ft1, ft3"), "fmv.x.d {r}, ft2",
                "csrr {fl}, fflags", a = in(reg) ($a) as u64, b = in(reg) ($b) as u64,
                c = in(reg) ($c) as u64, r = out(reg) r, fl = out(reg) fl, out("ft0") _,
                out("ft1") _, out("ft2") _, out("ft3") _, options(nomem, nostack));
        }
        (r, fl)
    }};
}

/// FP operand(s) to integer result (conversions, compares, fclass, moves):
/// `$tail` is the operand text after the destination, e.g. "ft0, rtz".
macro_rules! f2i {
    ($inst:literal, $tail:literal, $a:expr, $b:expr) => {{
        let (r, fl): (u64, u64);
        // SAFETY: as in fop1.
        unsafe {
            core::arch::asm!("csrw fflags, zero", "fmv.d.x ft0, {a}", "fmv.d.x ft1, {b}",
                concat!($inst, " {r}, ", $tail), "csrr {fl}, fflags",
                a = in(reg) ($a) as u64, b = in(reg) ($b) as u64, r = out(reg) r,
                fl = out(reg) fl, out("ft0") _, out("ft1") _, options(nomem, nostack));
        }
        (r, fl)
    }};
    ($inst:literal, $tail:literal, $a:expr) => {
        f2i!($inst, $tail, $a, 0u64)
    };
}

/// Integer operand to FP result bits: (result bits, fflags).
macro_rules! i2f {
    ($inst:literal, $a:expr) => {{
        let (r, fl): (u64, u64);
        // SAFETY: as in fop1.
        unsafe {
            core::arch::asm!("csrw fflags, zero", concat!($inst, " ft2, {a}"),
                "fmv.x.d {r}, ft2", "csrr {fl}, fflags", a = in(reg) ($a) as u64,
                r = out(reg) r, fl = out(reg) fl, out("ft2") _, options(nomem, nostack));
        }
        (r, fl)
    }};
}

/// `checkf!(c, id, (bits, flags), want_bits, want_flags)`.
macro_rules! checkf {
    ($c:expr, $id:expr, $op:expr, $want:expr, $want_flags:expr) => {{
        let (r, fl) = $op;
        $c.eq($id, stringify!($op), r as u64, ($want) as u64);
        $c.eq($id, concat!("fflags of ", stringify!($op)), fl, $want_flags);
    }};
}

pub fn run(c: &mut Checks) {
    arithmetic(c);
    fused(c);
    nans(c);
    conversions(c);
    rounding(c);
    boxing(c);
    compiled(c);
}

fn arithmetic(c: &mut Checks) {
    let tenth = 0x3fb9_9999_9999_999au64;
    let fifth = 0x3fc9_9999_9999_999au64;
    checkf!(
        c,
        50,
        fop2!("fadd.d", tenth, fifth),
        0x3fd3_3333_3333_3334u64,
        NX
    );
    checkf!(
        c,
        51,
        fop2!("fmul.d", 0x3ff8_0000_0000_0000u64, 0xc002_0000_0000_0000u64),
        0xc00b_0000_0000_0000u64,
        0
    );
    checkf!(
        c,
        52,
        fop2!("fdiv.d", ONE_D, 0x4008_0000_0000_0000u64),
        0x3fd5_5555_5555_5555u64,
        NX
    );
    checkf!(c, 53, fop1!("fsqrt.d", TWO_D), 0x3ff6_a09e_667f_3bcdu64, NX);
    checkf!(c, 54, fop1!("fsqrt.d", NEG_ONE_D), CANON_NAN_D, NV);
    checkf!(c, 55, fop2!("fdiv.d", ONE_D, ZERO_D), INF_D, DZ);
    checkf!(c, 56, fop2!("fmul.d", MAX_D, TWO_D), INF_D, OF | NX);
    checkf!(
        c,
        57,
        fop2!("fmul.d", 0x0170_0000_0000_0000u64, 0x39b0_0000_0000_0000u64),
        ZERO_D,
        UF | NX
    );
    checkf!(
        c,
        58,
        fop2!("fadd.s", boxed(0x3dcc_cccd), boxed(0x3e4c_cccd)),
        boxed(0x3e99_999a),
        NX
    );
    checkf!(c, 59, fop2!("fsub.d", ONE_D, ONE_D), ZERO_D, 0);
    checkf!(
        c,
        60,
        fop1!("fsqrt.s", boxed(0x4080_0000)),
        boxed(0x4000_0000),
        0
    );
    checkf!(
        c,
        61,
        fop2!("fdiv.s", boxed(0x3f80_0000), boxed(0)),
        boxed(0x7f80_0000),
        DZ
    );
}

fn fused(c: &mut Checks) {
    // (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60: exact only when fused.
    let a = 0x3ff0_0000_0040_0000u64;
    let b = 0x3fef_ffff_ff80_0000u64;
    checkf!(
        c,
        62,
        fop3!("fmadd.d", a, b, NEG_ONE_D),
        0xbc30_0000_0000_0000u64,
        0
    );
    checkf!(
        c,
        63,
        fop3!("fmsub.d", a, b, ONE_D),
        0xbc30_0000_0000_0000u64,
        0
    );
    checkf!(
        c,
        64,
        fop3!("fnmadd.d", a, b, NEG_ONE_D),
        0x3c30_0000_0000_0000u64,
        0
    );
    checkf!(
        c,
        65,
        fop3!("fnmsub.d", a, b, ONE_D),
        0x3c30_0000_0000_0000u64,
        0
    );
    let (as_, bs) = (boxed(0x3f80_0800), boxed(0x3f7f_f000));
    checkf!(
        c,
        66,
        fop3!("fmadd.s", as_, bs, boxed(0xbf80_0000)),
        boxed(0xb380_0000),
        0
    );
    // inf * 0 + c is invalid even when c is a quiet NaN.
    checkf!(
        c,
        67,
        fop3!("fmadd.d", INF_D, ZERO_D, CANON_NAN_D),
        CANON_NAN_D,
        NV
    );
}

fn nans(c: &mut Checks) {
    checkf!(c, 70, fop2!("fdiv.d", ZERO_D, ZERO_D), CANON_NAN_D, NV);
    checkf!(
        c,
        71,
        fop2!("fdiv.s", boxed(0), boxed(0)),
        boxed(CANON_NAN_S),
        NV
    );
    checkf!(c, 72, fop2!("fsub.d", INF_D, INF_D), CANON_NAN_D, NV);
    checkf!(c, 73, fop2!("fadd.d", SNAN_D, ONE_D), CANON_NAN_D, NV);
    checkf!(
        c,
        74,
        fop2!("fadd.d", QNAN_PAYLOAD_D, ONE_D),
        CANON_NAN_D,
        0
    );
    checkf!(c, 75, fop2!("fmin.d", QNAN_PAYLOAD_D, ONE_D), ONE_D, 0);
    checkf!(c, 76, fop2!("fmin.d", SNAN_D, ONE_D), ONE_D, NV);
    checkf!(c, 77, fop2!("fmin.d", NEG_ZERO_D, ZERO_D), NEG_ZERO_D, 0);
    checkf!(c, 78, fop2!("fmax.d", NEG_ZERO_D, ZERO_D), ZERO_D, 0);
    checkf!(
        c,
        79,
        fop2!("fmax.d", QNAN_PAYLOAD_D, SNAN_D),
        CANON_NAN_D,
        NV
    );
    // Sign injection works on bits and keeps NaN payloads.
    checkf!(
        c,
        80,
        fop2!("fsgnjn.d", QNAN_PAYLOAD_D, ONE_D),
        0xfff8_0000_0000_1234u64,
        0
    );
    checkf!(c, 81, fop2!("fsgnjx.d", NEG_ONE_D, NEG_ONE_D), ONE_D, 0);
    // Compares: quiet ones signal only on sNaN, ordered ones on any NaN.
    checkf!(
        c,
        82,
        f2i!("feq.d", "ft0, ft1", QNAN_PAYLOAD_D, ONE_D),
        0,
        0
    );
    checkf!(c, 83, f2i!("feq.d", "ft0, ft1", SNAN_D, ONE_D), 0, NV);
    checkf!(
        c,
        84,
        f2i!("flt.d", "ft0, ft1", QNAN_PAYLOAD_D, ONE_D),
        0,
        NV
    );
    checkf!(c, 85, f2i!("fle.d", "ft0, ft1", NEG_ZERO_D, ZERO_D), 1, 0);
    checkf!(c, 86, f2i!("fclass.d", "ft0", NEG_INF_D), 1 << 0, 0);
    checkf!(
        c,
        87,
        f2i!("fclass.d", "ft0", 0x8000_0000_0000_0010u64),
        1 << 2,
        0
    );
    checkf!(c, 88, f2i!("fclass.d", "ft0", ZERO_D), 1 << 4, 0);
    checkf!(c, 89, f2i!("fclass.d", "ft0", SNAN_D), 1 << 8, 0);
    checkf!(c, 90, f2i!("fclass.d", "ft0", CANON_NAN_D), 1 << 9, 0);
}

fn conversions(c: &mut Checks) {
    let big = 0x4415_af1d_78b5_8c40u64; // 1e20
    let neg_big = 0xc415_af1d_78b5_8c40u64; // -1e20
    checkf!(c, 95, f2i!("fcvt.w.d", "ft0, rtz", big), 0x7fff_ffff, NV);
    checkf!(
        c,
        96,
        f2i!("fcvt.w.d", "ft0, rtz", neg_big),
        0xffff_ffff_8000_0000u64,
        NV
    );
    checkf!(
        c,
        97,
        f2i!("fcvt.w.d", "ft0, rtz", CANON_NAN_D),
        0x7fff_ffff,
        NV
    );
    checkf!(c, 98, f2i!("fcvt.wu.d", "ft0, rtz", NEG_ONE_D), 0, NV);
    checkf!(c, 99, f2i!("fcvt.wu.d", "ft0, rtz", big), u64::MAX, NV);
    checkf!(
        c,
        100,
        f2i!("fcvt.l.d", "ft0, rtz", CANON_NAN_D),
        i64::MAX,
        NV
    );
    checkf!(
        c,
        101,
        f2i!("fcvt.l.d", "ft0, rtz", NEG_INF_D),
        i64::MIN,
        NV
    );
    checkf!(
        c,
        102,
        f2i!("fcvt.lu.d", "ft0, rtz", 0xc014_0000_0000_0000u64),
        0,
        NV
    );
    checkf!(
        c,
        103,
        f2i!("fcvt.lu.d", "ft0, rtz", 0x4629_3e59_39a0_8ceau64),
        u64::MAX,
        NV
    );
    // -0.5 rounds to 0, which is representable: inexact, not invalid.
    checkf!(
        c,
        104,
        f2i!("fcvt.wu.d", "ft0, rtz", 0xbfe0_0000_0000_0000u64),
        0,
        NX
    );
    checkf!(
        c,
        105,
        f2i!("fcvt.w.s", "ft0, rtz", boxed(0x4f32_d05e)),
        0x7fff_ffff,
        NV
    );
    checkf!(
        c,
        106,
        f2i!("fcvt.w.d", "ft0, rtz", 0xc01c_0000_0000_0000u64),
        -7i64,
        0
    );
    checkf!(
        c,
        107,
        fop1!("fcvt.d.s", boxed(0x3fc0_0000)),
        0x3ff8_0000_0000_0000u64,
        0
    );
    checkf!(
        c,
        108,
        fop1!("fcvt.s.d", 0x7e37_e43c_8800_759cu64),
        boxed(0x7f80_0000),
        OF | NX
    );
    checkf!(c, 109, i2f!("fcvt.d.w", -7i64), 0xc01c_0000_0000_0000u64, 0);
    checkf!(
        c,
        110,
        i2f!("fcvt.d.lu", u64::MAX),
        0x43f0_0000_0000_0000u64,
        NX
    );
    // fcvt.d.w reads only the low 32 bits of its source.
    checkf!(
        c,
        111,
        i2f!("fcvt.d.w", 0x1234_5678_ffff_fffeu64),
        0xc000_0000_0000_0000u64,
        0
    );
    checkf!(
        c,
        112,
        i2f!("fcvt.s.wu", 0xffff_ffffu64),
        boxed(0x4f80_0000),
        NX
    );
}

fn rounding(c: &mut Checks) {
    let pos = 0x4004_0000_0000_0000u64; // 2.5
    let neg = 0xc004_0000_0000_0000u64; // -2.5
                                        // Static rounding modes in the instruction.
    checkf!(c, 115, f2i!("fcvt.w.d", "ft0, rne", pos), 2, NX);
    checkf!(c, 115, f2i!("fcvt.w.d", "ft0, rtz", pos), 2, NX);
    checkf!(c, 115, f2i!("fcvt.w.d", "ft0, rdn", pos), 2, NX);
    checkf!(c, 115, f2i!("fcvt.w.d", "ft0, rup", pos), 3, NX);
    checkf!(c, 115, f2i!("fcvt.w.d", "ft0, rmm", pos), 3, NX);
    checkf!(c, 116, f2i!("fcvt.w.d", "ft0, rne", neg), -2i64, NX);
    checkf!(c, 116, f2i!("fcvt.w.d", "ft0, rtz", neg), -2i64, NX);
    checkf!(c, 116, f2i!("fcvt.w.d", "ft0, rdn", neg), -3i64, NX);
    checkf!(c, 116, f2i!("fcvt.w.d", "ft0, rup", neg), -2i64, NX);
    checkf!(c, 116, f2i!("fcvt.w.d", "ft0, rmm", neg), -3i64, NX);
    // Dynamic rounding mode from frm.
    let want_pos = [2i64, 2, 2, 3, 3];
    let want_neg = [-2i64, -2, -3, -2, -3];
    let third = [
        0x3fd5_5555_5555_5555u64,
        0x3fd5_5555_5555_5555,
        0x3fd5_5555_5555_5555,
        0x3fd5_5555_5555_5556,
        0x3fd5_5555_5555_5555,
    ];
    for frm in 0..5u64 {
        set_frm(frm);
        c.eq(117, "frm read back", read_frm(), frm);
        checkf!(
            c,
            118,
            f2i!("fcvt.w.d", "ft0, dyn", pos),
            want_pos[frm as usize],
            NX
        );
        checkf!(
            c,
            119,
            f2i!("fcvt.w.d", "ft0, dyn", neg),
            want_neg[frm as usize],
            NX
        );
        checkf!(
            c,
            120,
            fop2!("fdiv.d", ONE_D, 0x4008_0000_0000_0000u64),
            third[frm as usize],
            NX
        );
    }
    set_frm(0);
    // fcsr is frm:fflags.
    let fcsr: u64;
    // SAFETY: FP CSR accesses only.
    unsafe {
        core::arch::asm!("csrw fcsr, {v}", "csrr {f}, frm", "csrr {g}, fflags", "csrw fcsr, zero",
            v = in(reg) (3u64 << 5) | 0x1f, f = out(reg) fcsr, g = lateout(reg) _, options(nomem, nostack));
    }
    c.eq(121, "frm from fcsr write", fcsr, 3);
}

fn set_frm(frm: u64) {
    // SAFETY: writes only the FP rounding mode.
    unsafe { core::arch::asm!("csrw frm, {0}", in(reg) frm, options(nomem, nostack)) };
}

fn read_frm() -> u64 {
    let v: u64;
    // SAFETY: reads only the FP rounding mode.
    unsafe { core::arch::asm!("csrr {0}, frm", out(reg) v, options(nomem, nostack)) };
    v
}

fn boxing(c: &mut Checks) {
    // flw NaN-boxes: the upper 32 bits read back as ones.
    let word: u32 = black_box(0x3f80_0000);
    let bits: u64;
    // SAFETY: loads from a live local.
    unsafe {
        core::arch::asm!("flw ft0, 0({p})", "fmv.x.d {r}, ft0", p = in(reg) &word, r = out(reg) bits,
            out("ft0") _, options(readonly, nostack));
    }
    c.eq(124, "flw then fmv.x.d", bits, boxed(0x3f80_0000));
    checkf!(
        c,
        125,
        i2f!("fmv.w.x", 0x1234_5678_4049_0fdbu64),
        boxed(0x4049_0fdb),
        0
    );
    checkf!(
        c,
        126,
        f2i!("fmv.x.w", "ft0", boxed(0xbf80_0000)),
        0xffff_ffff_bf80_0000u64,
        0
    );
    // An operand that is not NaN-boxed is a canonical NaN.
    checkf!(
        c,
        127,
        fop2!("fadd.s", 0x3f80_0000u64, boxed(0x3f80_0000)),
        boxed(CANON_NAN_S),
        0
    );
    checkf!(
        c,
        128,
        fop2!("fsgnj.s", 0x3f80_0000u64, boxed(0xbf80_0000)),
        boxed(0xffc0_0000),
        0
    );
}

/// FP code as the compiler emits it, against values computed on the host.
fn compiled(c: &mut Checks) {
    let mut sum = 0.0f64;
    for i in 1..=black_box(100u32) {
        let x = f64::from(i);
        sum += 1.0 / (x * x);
    }
    c.eq(129, "sum of 1/i^2", sum.to_bits(), 0x3ffa_28e4_e0cc_7d81);
    let mut harmonic = 0.0f32;
    for i in 1..=black_box(100u32) {
        harmonic += 1.0 / i as f32;
    }
    c.eq(
        129,
        "f32 harmonic sum",
        u64::from(harmonic.to_bits()),
        0x40a5_ff00,
    );
}

//! F and D through the executor: FS gating, NaN boxing, fflags
//! accumulation, static and dynamic rounding modes, conversions.
//! (Arithmetic corner cases per operation are unit-tested in fpu.rs.)

mod common;

use common::*;
use riscv_core::encode::{reg::*, Asm};
use sim_core::StopReason;

const FFLAGS: u16 = 0x001;
const FRM: u16 = 0x002;
const RNE: u8 = 0;
const RTZ: u8 = 1;
const RDN: u8 = 2;
const RUP: u8 = 3;
const DYN: u8 = 7;

fn enable_fp(a: &mut Asm) {
    a.li(T0, 1 << 13); // FS = Initial
    a.csrs(0x300, T0);
}

#[test]
fn fp_instruction_with_fs_off_is_illegal() {
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(0x305, T0);
        a.fadd_d(1, 2, 3, RNE);
        exit(a, 1);
        a.align(4);
        a.bind(handler);
        a.csrr(T0, 0x342);
        record(a, T0);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 1), vec![2]);
}

#[test]
fn nan_boxing_and_fflags() {
    let mut m = run_ok(|a| {
        a.li(S0, DATA as i64);
        enable_fp(a);
        // 1.0f boxed: fmv.w.x then fmv.x.d shows the all-ones upper half
        a.li(T0, 0x3f80_0000);
        a.fmv_w_x(1, T0);
        a.fmv_x_d(T1, 1);
        record(a, T1);
        // an unboxed single (upper bits not all ones) reads as canonical NaN
        a.li(T0, 0x0000_0001_3f80_0000);
        a.fmv_d_x(2, T0);
        a.fadd_s(3, 2, 1, RNE);
        a.fmv_x_w(T1, 3);
        record(a, T1);
        // 1.0 / 0.0 -> +inf, DZ; 1/3 -> NX; fflags accumulate
        a.csrw(FFLAGS, ZERO);
        a.fmv_w_x(4, ZERO);
        a.fdiv_s(5, 1, 4, RNE);
        a.fmv_x_w(T1, 5);
        record(a, T1);
        a.li(T0, 0x4040_0000); // 3.0f
        a.fmv_w_x(6, T0);
        a.fdiv_s(7, 1, 6, RNE);
        a.csrr(T1, FFLAGS);
        record(a, T1);
        // mstatus.FS is Dirty and SD set after FP writes
        a.csrr(T1, 0x300);
        record(a, T1);
        exit(a, 0);
    });
    let r = results_at(&mut m, 5);
    assert_eq!(r[0], 0xffff_ffff_3f80_0000);
    assert_eq!(r[1] as u32, 0x7fc0_0000, "canonical NaN");
    assert_eq!(r[2] as u32, 0x7f80_0000, "+inf");
    assert_eq!(r[3], 0x08 | 0x01, "DZ | NX accumulated");
    assert_eq!((r[4] >> 13) & 3, 3, "FS dirty");
    assert_eq!(r[4] >> 63, 1, "SD");
}

#[test]
fn rounding_modes_static_and_dynamic() {
    let mut m = run_ok(|a| {
        a.li(S0, DATA as i64);
        enable_fp(a);
        a.li(T0, (-2.5f64).to_bits() as i64);
        a.fmv_d_x(1, T0);
        for rm in [RNE, RTZ, RDN, RUP] {
            a.fcvt_l_d(T1, 1, rm);
            record(a, T1);
        }
        a.li(T0, RUP as i64);
        a.csrw(FRM, T0);
        a.fcvt_l_d(T1, 1, DYN);
        record(a, T1);
        // reserved dynamic mode: frm = 5 makes DYN instructions illegal
        let handler = a.label();
        a.la(T0, handler);
        a.csrw(0x305, T0);
        a.li(T0, 5);
        a.csrw(FRM, T0);
        a.fcvt_l_d(T1, 1, DYN);
        exit(a, 1);
        a.align(4);
        a.bind(handler);
        a.csrr(T1, 0x342);
        record(a, T1);
        exit(a, 0);
    });
    let r = results_at(&mut m, 6);
    let n = |v: i64| v as u64;
    assert_eq!(r[..5], [n(-2), n(-2), n(-3), n(-2), n(-2)]);
    assert_eq!(r[5], 2, "illegal instruction");
}

#[test]
fn conversions_saturate_and_loads_stores_move_bits() {
    let mut m = run_ok(|a| {
        a.li(S0, DATA as i64);
        enable_fp(a);
        a.li(T0, 1e20f64.to_bits() as i64);
        a.fmv_d_x(1, T0);
        a.fcvt_w_d(T1, 1, RTZ);
        record(a, T1); // 0x7fffffff
        a.li(T0, f64::NAN.to_bits() as i64);
        a.fmv_d_x(2, T0);
        a.fcvt_wu_d(T1, 2, RTZ);
        record(a, T1); // NaN -> max unsigned, sign-extended: all ones
        a.li(T0, -1);
        a.fcvt_d_l(3, T0, RNE);
        a.fsd(3, S0, 64);
        a.ld(T1, S0, 64);
        record(a, T1); // -1.0
        a.flw(4, S0, 64); // low word of -1.0 as a single, boxed
        a.fmv_x_d(T1, 4);
        record(a, T1);
        a.fclass_d(T1, 2);
        record(a, T1); // quiet NaN: bit 9
        exit(a, 0);
    });
    let r = results_at(&mut m, 5);
    assert_eq!(r[0], 0x7fff_ffff);
    assert_eq!(r[1], u64::MAX);
    assert_eq!(r[2], (-1.0f64).to_bits());
    assert_eq!(r[3], 0xffff_ffff_0000_0000);
    assert_eq!(r[4], 1 << 9);
}

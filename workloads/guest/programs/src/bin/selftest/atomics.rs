//! Atomic-memory checks 140..=159: every AMO (old value returned, new value
//! stored, W forms sign-extend and leave the neighbouring word alone), LR/SC
//! success and failure, and Rust atomics as the compiler lowers them.

use crate::checks::Checks;
use core::sync::atomic::{AtomicU64, AtomicU8, Ordering};

/// `amo!("amoadd.d", ptr, operand)` -> old value.
macro_rules! amo {
    ($inst:literal, $ptr:expr, $v:expr) => {{
        let old: u64;
        // SAFETY: `$ptr` points to a live, aligned local.
        unsafe {
            core::arch::asm!(concat!($inst, " {old}, {v}, ({p})"), old = out(reg) old,
                v = in(reg) ($v) as u64, p = in(reg) $ptr, options(nostack));
        }
        old
    }};
}

pub fn run(c: &mut Checks) {
    amos(c);
    lr_sc(c);
    rust_atomics(c);
}

fn amos(c: &mut Checks) {
    let mut m = [5u64, 0xa5a5_a5a5_a5a5_a5a5];
    let p = m.as_mut_ptr();
    check!(c, 140, amo!("amoadd.d", p, 3), 5);
    check!(c, 140, m[0], 8);
    check!(c, 141, amo!("amoswap.d", p, 0xf0f0), 8);
    check!(c, 142, amo!("amoand.d", p, 0xff00), 0xf0f0);
    check!(c, 142, m[0], 0xf000);
    check!(c, 143, amo!("amoor.d", p, 0x0f), 0xf000);
    check!(c, 144, amo!("amoxor.d", p, 0xf00f), 0xf00f);
    check!(c, 144, m[0], 0);
    m[0] = -1i64 as u64;
    check!(c, 145, amo!("amomax.d", p, 1), -1i64);
    check!(c, 145, m[0], 1);
    check!(c, 146, amo!("amomin.d", p, -4i64), 1);
    check!(c, 146, m[0], -4i64);
    check!(c, 147, amo!("amomaxu.d", p, 7), -4i64);
    check!(c, 147, m[0], -4i64);
    check!(c, 148, amo!("amominu.d", p, 7), -4i64);
    check!(c, 148, m[0], 7);
    // Word AMOs on the low half of m[0]; m[1] and the high half stay.
    let mut w = [0x7fff_ffffu32, 0x1234_5678];
    let q = w.as_mut_ptr();
    check!(c, 149, amo!("amoadd.w", q, 1), 0x7fff_ffff);
    check!(c, 149, amo!("amoadd.w", q, 0), 0xffff_ffff_8000_0000u64);
    check!(c, 149, w[1], 0x1234_5678);
    check!(
        c,
        150,
        amo!("amomax.w", q, 0x1_0000_0005u64),
        0xffff_ffff_8000_0000u64
    );
    check!(c, 150, w[0], 5);
    check!(c, 151, amo!("amominu.w", q, 0xffff_ffffu64), 5);
    check!(c, 151, amo!("amoswap.w", q, 0x8000_0001u64), 5);
    check!(
        c,
        151,
        amo!("amomaxu.w", q, 0x7fff_ffff),
        0xffff_ffff_8000_0001u64
    );
    check!(c, 151, m[1], 0xa5a5_a5a5_a5a5_a5a5u64);
}

fn lr_sc(c: &mut Checks) {
    let mut m = [0u64; 2];
    m[0] = 0xffff_ffff_8000_0000;
    let p = m.as_mut_ptr();
    let (first, second, loaded, word): (u64, u64, u64, u64);
    // SAFETY: accesses only `m`.
    unsafe {
        core::arch::asm!(
            "lr.d {ld}, ({p})",
            "addi {t}, {ld}, 1",
            "sc.d {s1}, {t}, ({p})",
            // No reservation any more: this SC must fail and not store.
            "sc.d {s2}, zero, ({p})",
            "lr.w {w}, ({p})",
            "sc.w {t}, {w}, ({p})",
            p = in(reg) p, ld = out(reg) loaded, t = out(reg) _, s1 = out(reg) first,
            s2 = out(reg) second, w = out(reg) word, options(nostack),
        );
    }
    check!(c, 152, loaded, 0xffff_ffff_8000_0000u64);
    check!(c, 153, first, 0);
    check!(c, 154, second != 0, true);
    // The first SC stored loaded + 1; the failed one stored nothing.
    check!(c, 155, m[0], 0xffff_ffff_8000_0001u64);
    check!(c, 156, word, 0xffff_ffff_8000_0001u64);
}

fn rust_atomics(c: &mut Checks) {
    let a = AtomicU64::new(10);
    check!(c, 157, a.fetch_add(5, Ordering::SeqCst), 10);
    check!(
        c,
        157,
        a.compare_exchange(15, 20, Ordering::AcqRel, Ordering::Acquire) == Ok(15),
        true
    );
    check!(
        c,
        158,
        a.compare_exchange(15, 30, Ordering::AcqRel, Ordering::Acquire)
            .unwrap_err(),
        20
    );
    // Byte atomics are LR/SC loops on the containing word.
    let bytes = [AtomicU8::new(0xff), AtomicU8::new(0x11)];
    check!(c, 159, bytes[0].fetch_add(2, Ordering::SeqCst), 0xff);
    check!(c, 159, bytes[0].load(Ordering::SeqCst), 1);
    check!(c, 159, bytes[1].load(Ordering::SeqCst), 0x11);
}

//! Speed benchmark: a tight 5-instruction integer loop (add, xor, addi,
//! add, bne) run ITERATIONS times in inline assembly; the three results are
//! checked against values computed on the host. Exit 1 on a mismatch.
#![no_std]
#![no_main]

use rt::{entry, println};

const ITERATIONS: u64 = 200_000_000;
/// s = sum of 0..ITERATIONS; x ^= s and y += x per iteration (host-computed).
const WANT_S: u64 = 0x0047_0de4_d98c_1f00;
const WANT_X: u64 = 0x0072_70c7_d7df_5e00;
const WANT_Y: u64 = 0x8828_f63e_e88f_f880;

entry!(main);

fn main(hart: usize, _harts: usize) -> i32 {
    if hart != 0 {
        return 0;
    }
    let (mut s, mut x, mut y, mut i) = (0u64, 0u64, 0u64, 0u64);
    // SAFETY: register-only loop.
    unsafe {
        core::arch::asm!(
            "1:",
            "add {s}, {s}, {i}",
            "xor {x}, {x}, {s}",
            "addi {i}, {i}, 1",
            "add {y}, {y}, {x}",
            "bne {i}, {n}, 1b",
            s = inout(reg) s, x = inout(reg) x, y = inout(reg) y, i = inout(reg) i,
            n = in(reg) core::hint::black_box(ITERATIONS), options(nomem, nostack),
        );
    }
    let _ = &mut i;
    println!(
        "alu-loop: iterations={ITERATIONS} s={s:#x} x={x:#x} y={y:#x} instret={}",
        rt::instret()
    );
    if (s, x, y) != (WANT_S, WANT_X, WANT_Y) {
        println!("alu-loop: FAILED");
        return 1;
    }
    println!("alu-loop: ok");
    0
}

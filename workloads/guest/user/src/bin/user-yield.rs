//! Gives the CPU away with sched_yield between its lines ("yield 0" ..),
//! keeping FP and integer values live across each call; exits 0 only if
//! every yield returned 0 and the values survived.
#![no_std]
#![no_main]

use core::hint::black_box;
use user::{entry, println, sys};

entry!(main);

const ROUNDS: u32 = 5;

fn main() -> i32 {
    let mut x = black_box(1.25f64);
    let mut n = black_box(7u64);
    for i in 0..ROUNDS {
        println!("yield {i}");
        let ret = sys::sched_yield();
        if ret != 0 {
            println!("yield: sched_yield returned {ret}");
            return 1;
        }
        x = black_box(x) * 2.0;
        n = black_box(n) * 3;
    }
    let (want_x, want_n) = (1.25 * 32.0, 7 * 243);
    if x == want_x && n == want_n {
        println!("yield: done");
        0
    } else {
        println!("yield: values changed across yields: {x} {n}");
        1
    }
}

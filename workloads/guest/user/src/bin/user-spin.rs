//! A CPU hog that never yields: counts in a busy loop (integer and FP
//! accumulators, both live in registers across preemptions) and prints its
//! progress. Other processes make progress only if the kernel preempts it
//! on the timer; exits 0 only if both totals are exact, which also checks
//! that its registers (x and f) survive every context switch.
#![no_std]
#![no_main]

use core::hint::black_box;
use user::{entry, println};

entry!(main);

/// Loop iterations between progress lines, and progress lines.
const STEP: u64 = 500_000;
const STEPS: u64 = 8;

fn main() -> i32 {
    let mut count = 0u64;
    let mut sum = 0.0f64;
    for step in 1..=STEPS {
        for _ in 0..STEP {
            count = black_box(count) + 1;
            sum = black_box(sum) + 0.5;
        }
        println!("spin: {step}/{STEPS}");
    }
    let want = (STEP * STEPS) as f64 * 0.5;
    if count == STEP * STEPS && sum == want {
        println!("spin: count {count} ok");
        0
    } else {
        println!("spin: wrong totals: count {count}, sum {sum}");
        1
    }
}

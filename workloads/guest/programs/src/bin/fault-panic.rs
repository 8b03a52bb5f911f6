//! Fails on purpose: the last hart panics while hart 0 waits forever, so the
//! panic report, exit code 101, and a secondary hart ending the machine can
//! be tested.
#![no_std]
#![no_main]

use core::hint::black_box;

rt::entry!(main);

fn main(hart: usize, harts: usize) -> i32 {
    if hart == harts - 1 {
        let table = [1u8, 2, 3];
        return i32::from(table[black_box(hart + 3)]);
    }
    loop {
        core::hint::spin_loop();
    }
}

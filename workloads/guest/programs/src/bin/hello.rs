//! Prints a greeting and passes: the smallest end-to-end check of boot,
//! console and finisher.
#![no_std]
#![no_main]

use rt::{entry, println};

entry!(main);

fn main(hart: usize, harts: usize) -> i32 {
    if hart == 0 {
        println!("hello from asyncsim guest (harts={})", harts);
    }
    0
}

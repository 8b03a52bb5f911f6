//! Bare-metal M-mode runtime for asyncsim guest programs on the virt
//! platform (QEMU `virt` and asyncsim's copy of it).
//!
//! A program is a `#![no_std] #![no_main]` binary that names its entry with
//! [`entry!`]: `fn main(hart: usize, harts: usize) -> i32`, run on every
//! hart in `0..harts`. Hart 0's return value ends the machine (0 = pass);
//! see [`boot`] for the start-up sequence and [`fault`] for failures.
#![no_std]

pub mod boot;
pub mod csr;
pub mod fault;
pub mod finisher;
pub mod uart;

pub use csr::{cycle, hart_id, instret};
pub use finisher::{exit, park};

/// Declares the program's entry: `entry!(main)` with
/// `fn main(hart: usize, harts: usize) -> i32`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[no_mangle]
        pub fn __rt_main(hart: usize, harts: usize) -> i32 {
            let main: fn(usize, usize) -> i32 = $main;
            main(hart, harts)
        }
    };
}

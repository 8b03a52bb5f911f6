//! Checks the machine against RISC-V semantics from the inside: integer and
//! W ops (division by zero, overflow), multiply-high, FP arithmetic, fused
//! ops, conversions with saturation, rounding modes, flags, NaN-boxing and
//! canonical NaNs, compressed encodings, atomics, and a sort + hash with a
//! known result. Exits 0 if every check passes, else the number of the first
//! failing check (numbers are fixed per check, grouped by file).
#![no_std]
#![no_main]

#[macro_use]
mod checks;
mod atomics;
mod float;
mod int;
mod rvc;
mod sorthash;

use rt::{entry, println};

entry!(main);

fn main(hart: usize, _harts: usize) -> i32 {
    if hart != 0 {
        return 0;
    }
    let mut c = checks::Checks::default();
    int::run(&mut c);
    float::run(&mut c);
    rvc::run(&mut c);
    atomics::run(&mut c);
    sorthash::run(&mut c);
    match c.first_failure {
        None => {
            println!("selftest: all {} checks passed", c.passed);
            0
        }
        Some(id) => {
            println!("selftest: {} failed, first failing check {}", c.failed, id);
            id as i32
        }
    }
}

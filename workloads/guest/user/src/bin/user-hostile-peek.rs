//! Reads the shared-buffer address without having set one up: every
//! process's buffer lies at the same address in its own space only, so
//! this reaches nobody's ring and must kill just this process.
#![no_std]
#![no_main]

use user::{entry, println};

entry!(main);

fn main() -> i32 {
    println!("user-hostile-peek: reading another process's ring address");
    // SAFETY: deliberately not: the kernel must kill us here.
    let value = unsafe { (abi::ring::USER_VA as *const u64).read_volatile() };
    println!("user-hostile-peek: read {value:#x}: not isolated!");
    0
}

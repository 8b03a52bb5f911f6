//! Stores into kernel memory. The kernel must kill this process (store
//! page fault, reported with its cause) and carry on with the next one.
#![no_std]
#![no_main]

use user::{entry, println};

entry!(main);

/// Start of the kernel image: mapped, but not for U-mode.
const KERNEL_ADDRESS: usize = 0x8020_0000;

fn main() -> i32 {
    println!("user-fault: storing to kernel memory");
    // SAFETY: not safe at all: this is the attack the kernel must stop.
    unsafe { core::ptr::write_volatile(KERNEL_ADDRESS as *mut u64, 0) };
    println!("user-fault: the store went through");
    1
}

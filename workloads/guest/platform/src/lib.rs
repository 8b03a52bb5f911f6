//! The virt platform (QEMU `virt` and asyncsim's copy of it) as every
//! guest sees it, written once for the firmware (`sbi`), the kernel and
//! the bare-metal runtime (`rt`):
//! - [`fdt`]: reading the flattened device tree each hart gets in a1;
//! - [`ns16550`]: the console UART's registers.
#![no_std]

pub mod fdt;
pub mod ns16550;

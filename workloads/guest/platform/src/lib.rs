//! The virt platform (QEMU `virt` and asyncsim's copy of it) as every
//! guest sees it, written once for the firmware (`sbi`), the kernel and
//! the bare-metal runtime (`rt`):
//! - [`fdt`]: reading the flattened device tree each hart gets in a1;
//! - [`ns16550`]: the console UART's registers;
//! - [`MAX_HARTS`]: how many harts the guests bring up.
#![no_std]

pub mod fdt;
pub mod ns16550;

/// Harts the bundled firmware, kernel and runtime bring up (ids
/// `0..MAX_HARTS`); a machine's other harts stay parked. The host refuses
/// benchmark runs on more (they would measure this many).
pub const MAX_HARTS: usize = 8;

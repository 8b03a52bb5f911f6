//! The kernel command line: which user programs to run. `init=A,B,...` in
//! `/chosen/bootargs` (asyncsim `--bootargs`, QEMU `-append`) names them in
//! order (pid 1, 2, ...); without it the kernel runs [`DEFAULT_PROGRAMS`].
//! `name@H` places that process on hart H (default: hart 0).

use platform::fdt;

/// Programs run when the command line names none.
pub const DEFAULT_PROGRAMS: &str = "user-hello,user-hostile";

/// RAM the kernel maps one to one; the device tree must lie inside it.
const MAPPED_START: usize = 0x8000_0000;
const MAPPED_END: usize = 0xC000_0000;

/// The device tree at physical `addr` (from the firmware's a1), if a valid
/// header is there and the whole tree lies in mapped RAM.
pub fn device_tree(addr: usize) -> Option<&'static [u8]> {
    // SAFETY: the kernel maps that RAM and never writes below its own
    // image; the tree is only read.
    unsafe { fdt::in_memory(addr, MAPPED_START..MAPPED_END) }
}

/// The comma-separated program list of the `init=` word of `bootargs`.
pub fn init_programs(bootargs: Option<&str>) -> &str {
    bootargs
        .unwrap_or("")
        .split_ascii_whitespace()
        .find_map(|word| word.strip_prefix("init="))
        .unwrap_or(DEFAULT_PROGRAMS)
}

/// Splits an `init=` entry `name@hart` into the name and the hart (0
/// without `@`); `None` for a hart that is not a decimal number.
pub fn placement(entry: &str) -> Option<(&str, usize)> {
    match entry.split_once('@') {
        None => Some((entry, 0)),
        Some((name, hart)) => Some((name, hart.parse().ok()?)),
    }
}

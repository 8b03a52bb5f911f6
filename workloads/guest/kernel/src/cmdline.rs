//! The kernel command line: which user programs to run. `init=A,B,...` in
//! `/chosen/bootargs` (asyncsim `--bootargs`, QEMU `-append`) names them in
//! order (pid 1, 2, ...); without it the kernel runs [`DEFAULT_PROGRAMS`].
//! `name@H` places that process on hart H (default: hart 0).

use crate::fdt;

/// Programs run when the command line names none.
pub const DEFAULT_PROGRAMS: &str = "user-hello,user-hostile";

/// RAM the kernel maps one to one; the device tree must lie inside it.
const MAPPED_START: usize = 0x8000_0000;
const MAPPED_END: usize = 0xC000_0000;
/// Largest device tree the kernel reads.
const MAX_FDT_SIZE: usize = 1 << 20;

/// The device tree at physical `addr` (from the firmware's a1), if a valid
/// header is there and the whole tree lies in mapped RAM.
pub fn device_tree(addr: usize) -> Option<&'static [u8]> {
    let header_end = addr.checked_add(fdt::HEADER_LEN)?;
    if addr < MAPPED_START || header_end > MAPPED_END || !addr.is_multiple_of(4) {
        return None;
    }
    // SAFETY: the header lies in RAM, which the kernel maps and never
    // writes below its own image; only read.
    let header = unsafe { core::slice::from_raw_parts(addr as *const u8, fdt::HEADER_LEN) };
    let size = fdt::total_size(header)?;
    if size > MAX_FDT_SIZE || addr.checked_add(size)? > MAPPED_END {
        return None;
    }
    // SAFETY: as above, for the `size` bytes the header announces.
    Some(unsafe { core::slice::from_raw_parts(addr as *const u8, size) })
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

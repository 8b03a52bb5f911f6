//! Memory-mapped devices of the platform. Each device decodes offsets
//! relative to its own base; the bus routes addresses to them.
//!
//! Conventions shared by all devices: `read` returns `None` and `write`
//! returns `false` for an access the device does not accept (unmapped
//! offset, unsupported width, misaligned), which the hart turns into an
//! access fault.

pub mod clint;
pub mod finisher;
pub mod htif;
pub mod plic;
pub mod simctl;
pub mod uart;
pub mod uintc;

pub use clint::Clint;
pub use finisher::{FinishReason, Finisher};
pub use htif::Htif;
pub use plic::Plic;
pub use simctl::{SimControl, SimEvent};
pub use uart::Uart;
pub use uintc::{Uintc, UintcCounters};

/// Reads a `size`-byte part of a 64-bit register, `offset` bytes into it.
/// Only naturally aligned 4- and 8-byte parts exist (what the CLINT allows).
pub(crate) fn read_part(reg: u64, offset: u64, size: u8) -> Option<u64> {
    match (size, offset) {
        (8, 0) => Some(reg),
        (4, 0) => Some(reg & 0xffff_ffff),
        (4, 4) => Some(reg >> 32),
        _ => None,
    }
}

/// Merges a write of a `size`-byte part (see [`read_part`]) into `reg`.
pub(crate) fn write_part(reg: u64, offset: u64, size: u8, value: u64) -> Option<u64> {
    match (size, offset) {
        (8, 0) => Some(value),
        (4, 0) => Some((reg & !0xffff_ffff) | (value & 0xffff_ffff)),
        (4, 4) => Some((reg & 0xffff_ffff) | (value << 32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_parts() {
        let r = 0x1122_3344_5566_7788;
        assert_eq!(read_part(r, 0, 8), Some(r));
        assert_eq!(read_part(r, 0, 4), Some(0x5566_7788));
        assert_eq!(read_part(r, 4, 4), Some(0x1122_3344));
        assert_eq!(read_part(r, 2, 4), None);
        assert_eq!(read_part(r, 0, 2), None);
        assert_eq!(
            write_part(r, 0, 4, 0xaaaa_bbbb),
            Some(0x1122_3344_aaaa_bbbb)
        );
        assert_eq!(
            write_part(r, 4, 4, 0xaaaa_bbbb),
            Some(0xaaaa_bbbb_5566_7788)
        );
        assert_eq!(write_part(r, 0, 8, 7), Some(7));
        assert_eq!(write_part(r, 4, 8, 7), None);
    }
}

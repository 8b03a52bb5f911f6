//! sifive_test "finisher": how `virt` guests power off, fail or reboot.
//!
//! One 32-bit register at offset 0 (16-bit writes are accepted too, as in
//! QEMU; reads return 0):
//!
//! | low 16 bits | effect                                        |
//! |-------------|-----------------------------------------------|
//! | `0x5555`    | pass: exit code 0                             |
//! | `0x3333`    | fail: exit code = value >> 16                 |
//! | `0x7777`    | reset request: the simulator cannot reboot, so it exits with code 0 and records [`FinishReason::Reset`] |
//! | other       | ignored                                       |
//!
//! The first request wins; later ones are ignored.

use std::fmt;

const PASS: u64 = 0x5555;
const FAIL: u64 = 0x3333;
const RESET: u64 = 0x7777;

/// Why the guest asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
    Pass,
    Fail(u32),
    Reset,
}

impl FinishReason {
    pub fn exit_code(self) -> u32 {
        match self {
            FinishReason::Pass | FinishReason::Reset => 0,
            FinishReason::Fail(code) => code,
        }
    }
}

impl fmt::Display for FinishReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FinishReason::Pass => write!(f, "finisher: pass"),
            FinishReason::Fail(code) => write!(f, "finisher: fail with code {code}"),
            FinishReason::Reset => {
                write!(
                    f,
                    "finisher: reset requested (not supported; treated as exit 0)"
                )
            }
        }
    }
}

#[derive(Default)]
pub struct Finisher {
    reason: Option<FinishReason>,
}

impl Finisher {
    pub fn new() -> Self {
        Self::default()
    }

    /// The first finish request, if any.
    pub fn reason(&self) -> Option<FinishReason> {
        self.reason
    }

    pub fn exit_code(&self) -> Option<u32> {
        self.reason.map(FinishReason::exit_code)
    }

    pub fn read(&self, offset: u64, size: u8) -> Option<u64> {
        (offset == 0 && matches!(size, 2 | 4)).then_some(0)
    }

    pub fn write(&mut self, offset: u64, size: u8, value: u64) -> bool {
        if offset != 0 || !matches!(size, 2 | 4) {
            return false;
        }
        let value = value & 0xffff_ffff;
        let reason = match value & 0xffff {
            PASS => FinishReason::Pass,
            FAIL => FinishReason::Fail((value >> 16) as u32),
            RESET => FinishReason::Reset,
            _ => return true,
        };
        self.reason.get_or_insert(reason);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        let mut f = Finisher::new();
        assert!(f.write(0, 4, 0x1234));
        assert_eq!(f.reason(), None, "other values are ignored");
        assert!(f.write(0, 4, (42 << 16) | 0x3333));
        assert_eq!(f.exit_code(), Some(42));
        assert!(f.write(0, 4, 0x5555));
        assert_eq!(f.reason(), Some(FinishReason::Fail(42)), "first wins");

        let mut f = Finisher::new();
        assert!(f.write(0, 2, 0x5555));
        assert_eq!(f.exit_code(), Some(0));
        assert_eq!(f.reason(), Some(FinishReason::Pass));

        let mut f = Finisher::new();
        assert!(f.write(0, 4, 0x7777));
        assert_eq!(f.exit_code(), Some(0));
        assert_eq!(f.reason(), Some(FinishReason::Reset));
        assert!(f.reason().unwrap().to_string().contains("reset"));
    }

    #[test]
    fn bad_accesses() {
        let mut f = Finisher::new();
        assert!(!f.write(4, 4, 0x5555));
        assert!(!f.write(0, 8, 0x5555));
        assert!(!f.write(0, 1, 0x55));
        assert_eq!(f.reason(), None);
        assert_eq!(f.read(0, 4), Some(0));
        assert_eq!(f.read(0, 8), None);
    }
}

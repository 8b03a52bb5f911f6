//! Conversions between ticks of the `time` CSR and nanoseconds, at the
//! rate the device tree gives (`/cpus/timebase-frequency`). Only `core` is
//! used, so the host tests of the `workloads` crate compile this file too.

/// Timebase QEMU's and asyncsim's virt machines use, for a tree without one.
pub const DEFAULT_TIMEBASE_HZ: u64 = 10_000_000;
const NANOS_PER_SEC: u128 = 1_000_000_000;

/// The `time` CSR's rate, from `/cpus/timebase-frequency`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    hz: u64,
}

impl Clock {
    /// A clock ticking `hz` times a second (0 is taken as the default).
    pub fn new(hz: u64) -> Self {
        let hz = if hz == 0 { DEFAULT_TIMEBASE_HZ } else { hz };
        Self { hz }
    }

    /// Nanoseconds for `ticks` (saturating).
    pub fn ticks_to_ns(&self, ticks: u64) -> u64 {
        let ns = u128::from(ticks) * NANOS_PER_SEC / u128::from(self.hz);
        u64::try_from(ns).unwrap_or(u64::MAX)
    }

    /// Ticks covering at least `ns` nanoseconds (rounded up, saturating).
    pub fn ns_to_ticks(&self, ns: u64) -> u64 {
        let ticks = (u128::from(ns) * u128::from(self.hz)).div_ceil(NANOS_PER_SEC);
        u64::try_from(ticks).unwrap_or(u64::MAX)
    }
}

//! Devices the kernel found in the device tree at boot that syscalls
//! need later (set once on hart 0 before any process runs).

use core::sync::atomic::{AtomicUsize, Ordering};

/// Physical base of the sim-control device (0 = none).
static SIMCTL_BASE: AtomicUsize = AtomicUsize::new(0);

/// Records the sim-control device's base (page-aligned, else ignored).
pub fn set_simctl_base(base: usize) {
    if base != 0 && base.is_multiple_of(4096) {
        SIMCTL_BASE.store(base, Ordering::Release);
    }
}

/// The sim-control device's base, if the machine has one.
pub fn simctl_base() -> Option<usize> {
    match SIMCTL_BASE.load(Ordering::Acquire) {
        0 => None,
        base => Some(base),
    }
}

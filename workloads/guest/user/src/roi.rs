//! Marking the region of interest through the sim-control page (mapped
//! by SIMCTL_MAP): plain stores, so marking takes no trap and the
//! simulator measures exactly what lies between [`Roi::begin`] and
//! [`Roi::end`].

use abi::simctl::{REPORT_CONCURRENCY, REPORT_ROUNDS, REPORT_SYSCALLS, ROI_BEGIN, ROI_END};

/// The mapped sim-control page.
pub struct Roi {
    base: usize,
}

/// What a benchmark completed inside the region.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub syscalls: u64,
    pub rounds: u64,
    pub concurrency: u64,
}

impl Roi {
    /// Maps the page; Err(-errno) if the machine has no sim-control
    /// device (e.g. QEMU), in which case the caller runs unmeasured.
    pub fn map() -> Result<Roi, isize> {
        match crate::sys::simctl_map() {
            base if base > 0 => Ok(Roi {
                base: base as usize,
            }),
            err => Err(err),
        }
    }

    fn store(&self, offset: usize, value: u64) {
        // SAFETY: the kernel mapped the device page at `base` read-write;
        // these offsets are registers of that page.
        unsafe { ((self.base + offset) as *mut u64).write_volatile(value) };
    }

    /// The region begins (on this hart).
    pub fn begin(&self) {
        self.store(ROI_BEGIN, 0);
    }

    /// Reports `counts` and ends the region.
    pub fn end(&self, counts: Counts) {
        self.store(REPORT_SYSCALLS, counts.syscalls);
        self.store(REPORT_ROUNDS, counts.rounds);
        self.store(REPORT_CONCURRENCY, counts.concurrency);
        self.store(ROI_END, 0);
    }
}

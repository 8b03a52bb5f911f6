//! The sim-control page (asyncsim's `asyncsim,sim-control` device, like
//! gem5's m5ops): a process maps it with [`crate::nr::SIMCTL_MAP`] and
//! marks its region of interest with plain stores, so marking costs no
//! trap and boot and setup stay outside the measurement.

/// Where SIMCTL_MAP maps the page in every process.
pub const USER_VA: usize = 0x3e00_0000;
/// Write: the region of interest begins (on the writing hart).
pub const ROI_BEGIN: usize = 0x00;
/// Write: the region of interest ends.
pub const ROI_END: usize = 0x08;
/// Write: syscalls completed inside the region (before ROI_END).
pub const REPORT_SYSCALLS: usize = 0x38;
/// Write: rounds completed inside the region.
pub const REPORT_ROUNDS: usize = 0x40;
/// Write: submitting coroutines per process.
pub const REPORT_CONCURRENCY: usize = 0x48;
/// Read: [`MAGIC`], to probe for the device.
pub const MAGIC_OFFSET: usize = 0x30;
/// "SIMC".
pub const MAGIC: u64 = 0x5349_4d43;

//! The kernel command line, which the kernel hands to every process (a0 =
//! address, a1 = length at entry): benchmark parameters are `key=value`
//! words of it (see `abi::cmdline`).

use core::sync::atomic::{AtomicUsize, Ordering};

static ADDRESS: AtomicUsize = AtomicUsize::new(0);
static LENGTH: AtomicUsize = AtomicUsize::new(0);

/// Records the entry registers (called once by the runtime's start).
pub(crate) fn init(address: usize, length: usize) {
    ADDRESS.store(address, Ordering::Relaxed);
    LENGTH.store(length, Ordering::Relaxed);
}

/// The whole command line ("" if the kernel passed none or not UTF-8).
pub fn get() -> &'static str {
    let (address, length) = (
        ADDRESS.load(Ordering::Relaxed),
        LENGTH.load(Ordering::Relaxed),
    );
    if address == 0 || length == 0 {
        return "";
    }
    // SAFETY: the kernel copied `length` bytes there, above the initial
    // stack pointer, and nothing writes them afterwards.
    let bytes = unsafe { core::slice::from_raw_parts(address as *const u8, length) };
    core::str::from_utf8(bytes).unwrap_or("")
}

/// The value of `key=value`, if given.
pub fn arg(key: &str) -> Option<&'static str> {
    abi::cmdline::get(get(), key)
}

/// The number given as `key=N`, or `default` if absent; `Err` with the
/// text if it is there but not a number.
pub fn number(key: &str, default: u64) -> Result<u64, &'static str> {
    match arg(key) {
        None => Ok(default),
        Some(text) => abi::cmdline::get_u64(get(), key).ok_or(text),
    }
}

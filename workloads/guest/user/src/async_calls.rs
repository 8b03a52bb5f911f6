//! Raw wrappers of the async-design calls ([`abi::nr`] 500..=502).

use crate::sys::syscall3;
use abi::ring::{Mode, Notify};

/// `worker_hart` value of ASYNC_SETUP for "the caller's own hart".
pub const SAME_HART: usize = usize::MAX;

/// ASYNC_SETUP(mode, notify, worker_hart) -> buffer address or -errno.
pub fn setup(mode: Mode, notify: Notify, worker_hart: usize) -> isize {
    syscall3(
        abi::nr::ASYNC_SETUP,
        mode as usize,
        notify as usize,
        worker_hart,
    )
}

/// ASYNC_WAKE: wakes the sleeping kernel worker.
pub fn wake() -> isize {
    syscall3(abi::nr::ASYNC_WAKE, 0, 0, 0)
}

/// ASYNC_ENTER(to_submit, min_complete) -> requests consumed or -errno.
pub fn enter(to_submit: usize, min_complete: usize) -> isize {
    syscall3(abi::nr::ASYNC_ENTER, to_submit, min_complete, 0)
}

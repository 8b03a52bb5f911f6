//! What the notification entries ([`crate::uintr`], [`crate::upcall`])
//! leave for the executor: a flag saying "completions may have arrived"
//! and a count of notifications taken. They run between two arbitrary
//! instructions of the program, so this is all they touch. They use
//! plain stores: they run on the program's own hart, between two of its
//! instructions, and never nest.

use core::sync::atomic::{AtomicU32, Ordering};

/// Set by a notification entry, taken by the receiver.
pub(crate) static NOTIFIED: AtomicU32 = AtomicU32::new(0);
/// Notifications taken since the program started.
pub(crate) static COUNT: AtomicU32 = AtomicU32::new(0);

/// Whether a notification came since the last call (and clears it).
pub fn take() -> bool {
    NOTIFIED.swap(0, Ordering::AcqRel) != 0
}

/// Notifications (user interrupts or upcalls) taken so far.
pub fn count() -> u32 {
    COUNT.load(Ordering::Acquire)
}

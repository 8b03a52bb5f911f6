//! A test-and-test-and-set spin lock on `amoswap.w.aq` / release store.

use core::sync::atomic::{AtomicU32, Ordering};

/// Mutual exclusion between harts without any data inside: the protected
/// data lives next to it and is touched only while a guard exists.
pub struct SpinLock {
    locked: AtomicU32,
}

/// Holds a [`SpinLock`]; releases it when dropped.
pub struct SpinLockGuard<'a> {
    lock: &'a SpinLock,
}

impl SpinLock {
    pub const fn new() -> Self {
        Self {
            locked: AtomicU32::new(0),
        }
    }

    /// Spins until the lock is ours.
    pub fn lock(&self) -> SpinLockGuard<'_> {
        while self.locked.swap(1, Ordering::Acquire) != 0 {
            while self.locked.load(Ordering::Relaxed) != 0 {
                core::hint::spin_loop();
            }
        }
        SpinLockGuard { lock: self }
    }
}

impl Default for SpinLock {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for SpinLockGuard<'_> {
    fn drop(&mut self) {
        self.lock.locked.store(0, Ordering::Release);
    }
}

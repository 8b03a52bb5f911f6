//! Helpers shared by the guest programs.
#![no_std]

mod spinlock;

pub use spinlock::{SpinLock, SpinLockGuard};

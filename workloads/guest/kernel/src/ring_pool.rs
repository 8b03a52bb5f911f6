//! Storage of the shared syscall buffers ([`abi::ring`]): one physically
//! contiguous, page-aligned buffer per process that may set one up, in
//! the kernel image. Contiguous memory gives the kernel one view of the
//! whole buffer through its identity map of RAM (the rings' slots are
//! indexed, not walked page by page), which the general frame pool, a
//! free list of single frames, cannot promise.

use abi::ring::BUFFER_SIZE;
use core::sync::atomic::{AtomicBool, Ordering};

/// Buffers that can exist at once (one per process slot).
pub const MAX_BUFFERS: usize = crate::scheduler::MAX_PROCESSES;

#[repr(C, align(4096))]
struct Storage([u8; BUFFER_SIZE]);

#[link_section = ".uninit.rings"]
static mut STORAGE: [Storage; MAX_BUFFERS] = [const { Storage([0; BUFFER_SIZE]) }; MAX_BUFFERS];
static IN_USE: [AtomicBool; MAX_BUFFERS] = [const { AtomicBool::new(false) }; MAX_BUFFERS];

/// One buffer, owned until [`release`]d (not `Clone`: one owner).
#[derive(Debug, PartialEq, Eq)]
pub struct RingFrames {
    slot: usize,
}

impl RingFrames {
    /// Physical (= kernel virtual) address of the buffer's first byte.
    pub fn base(&self) -> usize {
        let storage = core::ptr::addr_of!(STORAGE) as usize;
        storage + self.slot * core::mem::size_of::<Storage>()
    }
}

/// A zeroed buffer, if one is free.
pub fn allocate() -> Option<RingFrames> {
    let slot = IN_USE.iter().position(|used| {
        used.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    })?;
    let frames = RingFrames { slot };
    // SAFETY: the slot was free and is now ours alone; BUFFER_SIZE bytes.
    unsafe { core::ptr::write_bytes(frames.base() as *mut u8, 0, BUFFER_SIZE) };
    Some(frames)
}

/// Buffers handed out and not released (for leak checks).
pub fn in_use() -> usize {
    IN_USE
        .iter()
        .filter(|used| used.load(Ordering::Acquire))
        .count()
}

/// Gives the buffer back (its user mapping must be gone).
pub fn release(frames: RingFrames) {
    IN_USE[frames.slot].store(false, Ordering::Release);
}

//! The global allocator of user programs: a linked-list heap (crate
//! `linked_list_allocator`) over one anonymous mapping made by [`init`].
//! The memory comes from mmap rather than `.bss`, so a program that needs
//! no heap costs the kernel no frames, and one that does sizes its heap
//! to its work (the executor's tasks) before its region of interest.

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use linked_list_allocator::LockedHeap;

/// The crate's heap plus a high-water mark, so a benchmark can report
/// what its coroutines really needed.
struct Heap {
    inner: LockedHeap,
    peak: AtomicUsize,
}

// SAFETY: every call is passed on unchanged to `LockedHeap`, a correct
// allocator; the peak is bookkeeping only.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on.
        let block = unsafe { self.inner.alloc(layout) };
        if !block.is_null() {
            self.peak
                .fetch_max(self.inner.lock().used(), Ordering::Relaxed);
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { self.inner.dealloc(block, layout) }
    }
}

#[global_allocator]
static HEAP: Heap = Heap {
    inner: LockedHeap::empty(),
    peak: AtomicUsize::new(0),
};

static INITIALISED: AtomicBool = AtomicBool::new(false);

/// Maps `bytes` (rounded up to whole pages) and gives them to the
/// allocator. Err(-errno) if mmap fails, or -EBUSY on a second call.
/// Until this succeeds every allocation fails (which panics: exit 101).
pub fn init(bytes: usize) -> Result<(), isize> {
    if INITIALISED.swap(true, Ordering::AcqRel) {
        return Err(-abi::errno::EBUSY);
    }
    let bytes = bytes.div_ceil(4096).max(1) * 4096;
    let base = crate::sys::mmap_anonymous(bytes);
    if base < 0 {
        INITIALISED.store(false, Ordering::Release);
        return Err(base);
    }
    // SAFETY: the kernel just mapped `bytes` of zeroed read-write memory
    // at `base` for this process; nothing else uses it, and it stays
    // mapped because the runtime never unmaps it.
    unsafe { HEAP.inner.lock().init(base as *mut u8, bytes) };
    Ok(())
}

/// Bytes of the heap in use (for diagnostics and leak checks).
pub fn used() -> usize {
    HEAP.inner.lock().used()
}

/// The most bytes ever in use at once.
pub fn peak() -> usize {
    HEAP.peak.load(Ordering::Relaxed)
}

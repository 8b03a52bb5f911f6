//! Physical page frames for page tables and user memory: a fixed pool in
//! the kernel image (so the kernel needs no memory map from the device
//! tree yet), handed out by a bump pointer and recycled through a free list
//! threaded through the freed frames themselves. Behind a [`SpinLock`]
//! because every hart may map memory.

use crate::lock::SpinLock;

/// Bytes per page.
pub const PAGE_SIZE: usize = 4096;
/// Frames in the pool (16 MiB: the seed experiment at c = 512 keeps ~700
/// pages mapped at once). In `.uninit`, so booting costs nothing for it.
const POOL_FRAMES: usize = 4096;

#[repr(C, align(4096))]
struct Pool([[u8; PAGE_SIZE]; POOL_FRAMES]);

#[link_section = ".uninit.frames"]
static mut POOL: Pool = Pool([[0; PAGE_SIZE]; POOL_FRAMES]);

/// The pool has no free frame left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfFrames;

/// The kernel's one frame pool, shared by every hart.
pub static FRAMES: SpinLock<FramePool> = SpinLock::new(FramePool::new());

/// The frame pool's state. Physical addresses equal kernel virtual
/// addresses (the kernel maps RAM one to one). There is one, [`FRAMES`]:
/// two would hand out the same frames.
pub struct FramePool {
    /// Frames handed out by the bump pointer so far.
    bumped: usize,
    /// Most recently freed frame, 0 if none; each free frame holds the next.
    free: usize,
}

/// First byte of the pool.
fn base() -> usize {
    core::ptr::addr_of_mut!(POOL) as usize
}

/// Zeroes the page at `frame` (page-aligned, the pool's and nobody
/// else's), 64 bytes a turn: a third of the instructions of a byte-count
/// `memset` loop that stores a word a turn.
fn zero_page(frame: usize) {
    // SAFETY: writes exactly the PAGE_SIZE bytes of the frame, which the
    // caller owns; 8-byte aligned stores.
    unsafe {
        core::arch::asm!(
            "1:",
            "sd zero, 0({p})",
            "sd zero, 8({p})",
            "sd zero, 16({p})",
            "sd zero, 24({p})",
            "sd zero, 32({p})",
            "sd zero, 40({p})",
            "sd zero, 48({p})",
            "sd zero, 56({p})",
            "addi {p}, {p}, 64",
            "bne {p}, {end}, 1b",
            p = inout(reg) frame => _,
            end = in(reg) frame + PAGE_SIZE,
            options(nostack),
        );
    }
}

impl FramePool {
    /// An untouched pool (const, so [`FRAMES`] is a zeroed static).
    const fn new() -> Self {
        Self { bumped: 0, free: 0 }
    }

    /// A zeroed frame's physical address.
    pub fn alloc(&mut self) -> Result<usize, OutOfFrames> {
        let frame = if self.free != 0 {
            let frame = self.free;
            // SAFETY: a freed frame of the pool holds the next free frame.
            self.free = unsafe { (frame as *const usize).read() };
            frame
        } else if self.bumped < POOL_FRAMES {
            let frame = base() + self.bumped * PAGE_SIZE;
            self.bumped += 1;
            frame
        } else {
            return Err(OutOfFrames);
        };
        zero_page(frame);
        Ok(frame)
    }

    /// Returns `frame` (from [`Self::alloc`], no longer used) to the pool.
    pub fn free(&mut self, frame: usize) {
        let bumped_end = base() + self.bumped * PAGE_SIZE;
        if frame < base() || frame >= bumped_end || !frame.is_multiple_of(PAGE_SIZE) {
            return; // not ours: ignore rather than corrupt the list
        }
        // SAFETY: the frame is the pool's and unused; its first word links the list.
        unsafe { (frame as *mut usize).write(self.free) };
        self.free = frame;
    }

    /// Frames handed out and not freed (for leak checks).
    pub fn in_use(&self) -> usize {
        let mut free = 0;
        let mut frame = self.free;
        while frame != 0 {
            free += 1;
            // SAFETY: as in `alloc`.
            frame = unsafe { (frame as *const usize).read() };
        }
        self.bumped - free
    }
}

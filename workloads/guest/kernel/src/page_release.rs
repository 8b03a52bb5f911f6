//! Taking user pages away for good, and the TLB shootdown that must come
//! before their frames are freed. A memory call may run on another hart
//! than its process (a ring served by a remote worker or the IO core)
//! while the process runs on: its hart may still cache the translation,
//! and a freed frame can be handed to another process at once. So the
//! frames wait here until the process's hart has been fenced (one remote
//! fence per batch over the pages it unmapped, as Linux gathers its TLB
//! flushes), then go back to the pool. On the process's own hart the
//! local fence is enough.

use crate::frames::{FramePool, PAGE_SIZE};
use crate::kprintln;
use crate::page_table::{AddressSpace, Unmapped};
use crate::smp;

/// Frames held back before a fence frees them.
const BATCH: usize = 16;

/// Unmaps the `pages` user pages of `space` from `first` on (the ones
/// mapped) for a process that runs on `process_hart`, and frees their
/// frames once no TLB can reach them.
pub fn release_pages(
    space: &mut AddressSpace,
    frames: &mut FramePool,
    process_hart: usize,
    first: usize,
    pages: usize,
) {
    let mut release = PageRelease::new(process_hart);
    for page in 0..pages {
        release.unmap(space, frames, first + page * PAGE_SIZE);
    }
    release.finish(frames);
}

/// Pages being unmapped for a process that runs on some hart.
enum PageRelease {
    /// On the process's own hart: the local fence is enough, frames go
    /// back at once.
    Local,
    /// On another hart: frames wait for a fence of the process's hart.
    Remote(Shootdown),
}

/// Frames held back for a fence of `hart`.
struct Shootdown {
    hart: usize,
    held: [usize; BATCH],
    len: usize,
    /// Lowest and highest page unmapped since the last fence: the range
    /// the remote fence covers.
    span: (usize, usize),
}

impl PageRelease {
    /// For a process running on `process_hart`, from this hart.
    fn new(process_hart: usize) -> Self {
        if process_hart == smp::this_hart() {
            return PageRelease::Local;
        }
        PageRelease::Remote(Shootdown {
            hart: process_hart,
            held: [0; BATCH],
            len: 0,
            span: (usize::MAX, 0),
        })
    }

    /// Unmaps user page `va` of `space`, if mapped.
    fn unmap(&mut self, space: &mut AddressSpace, frames: &mut FramePool, va: usize) {
        let unmapped = space.unmap_user_page(frames, va);
        if unmapped == Unmapped::Nothing {
            return;
        }
        // SAFETY: a TLB flush only makes later accesses walk the table.
        unsafe { core::arch::asm!("sfence.vma {0}, zero", in(reg) va) };
        if let Unmapped::Owned(frame) = unmapped {
            match self {
                PageRelease::Local => frames.free(frame),
                PageRelease::Remote(shootdown) => shootdown.hold(frames, frame, va),
            }
        }
    }

    /// Frees the frames still held (after fencing the process's hart).
    fn finish(&mut self, frames: &mut FramePool) {
        if let PageRelease::Remote(shootdown) = self {
            shootdown.fence_and_free(frames);
        }
    }
}

impl Shootdown {
    /// Holds `frame`, which page `va` mapped (fencing a full batch first).
    fn hold(&mut self, frames: &mut FramePool, frame: usize, va: usize) {
        if self.len == BATCH {
            self.fence_and_free(frames);
        }
        self.held[self.len] = frame;
        self.len += 1;
        self.span = (self.span.0.min(va), self.span.1.max(va));
    }

    /// Fences the process's hart and frees the frames held. If the fence
    /// fails (the firmware refused) they are kept out of the pool for
    /// good: a leak, where freeing them could expose them.
    fn fence_and_free(&mut self, frames: &mut FramePool) {
        let held = core::mem::take(&mut self.len);
        let (low, high) = core::mem::replace(&mut self.span, (usize::MAX, 0));
        if held == 0 {
            return;
        }
        let hart = self.hart;
        match smp::remote_sfence_vma_range(1 << hart, low, high - low + PAGE_SIZE) {
            Ok(()) => self.held[..held].iter().for_each(|&f| frames.free(f)),
            Err(e) => kprintln!("kernel: hart {hart} not fenced ({e:?}): {held} frames kept"),
        }
    }
}

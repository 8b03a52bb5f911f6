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

/// Unmaps pages of a process that runs on `process_hart`; call
/// [`PageRelease::finish`] when done (frames still held are freed then).
pub struct PageRelease {
    remote: Option<usize>,
    held: [usize; BATCH],
    len: usize,
    /// Lowest and highest page unmapped since the last fence: the range
    /// the remote fence covers.
    span: (usize, usize),
}

impl PageRelease {
    /// For a process running on `process_hart`, from this hart.
    pub fn new(process_hart: usize) -> Self {
        Self {
            remote: (process_hart != smp::this_hart()).then_some(process_hart),
            held: [0; BATCH],
            len: 0,
            span: (usize::MAX, 0),
        }
    }

    /// Unmaps user page `va` of `space`; whether it was mapped.
    pub fn unmap(&mut self, space: &mut AddressSpace, frames: &mut FramePool, va: usize) -> bool {
        let unmapped = space.unmap_user_page(frames, va);
        if unmapped == Unmapped::Nothing {
            return false;
        }
        // SAFETY: a TLB flush only makes later accesses walk the table.
        unsafe { core::arch::asm!("sfence.vma {0}, zero", in(reg) va) };
        if let Unmapped::Owned(frame) = unmapped {
            if self.remote.is_none() {
                frames.free(frame);
            } else {
                if self.len == BATCH {
                    self.finish(frames);
                }
                self.held[self.len] = frame;
                self.len += 1;
                self.span = (self.span.0.min(va), self.span.1.max(va));
            }
        }
        true
    }

    /// Fences the process's hart and frees the frames held. If the fence
    /// fails (the firmware refused) they are kept out of the pool for
    /// good: a leak, where freeing them could expose them.
    pub fn finish(&mut self, frames: &mut FramePool) {
        let held = core::mem::take(&mut self.len);
        let (low, high) = core::mem::replace(&mut self.span, (usize::MAX, 0));
        let Some(hart) = self.remote.filter(|_| held != 0) else {
            return;
        };
        match smp::remote_sfence_vma_range(1 << hart, low, high - low + PAGE_SIZE) {
            Ok(()) => self.held[..held].iter().for_each(|&f| frames.free(f)),
            Err(e) => kprintln!("kernel: hart {hart} not fenced ({e:?}): {held} frames kept"),
        }
    }
}

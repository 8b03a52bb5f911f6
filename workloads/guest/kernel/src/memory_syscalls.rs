//! mmap/munmap of anonymous memory (the seed experiment's syscall pair)
//! and SIMCTL_MAP, which maps the sim-control device page for the
//! process so it can mark its region of interest without a trap.
//!
//! mmap hands out zeroed pages from [`MMAP_BASE`, `MMAP_END`) only, so it
//! can never map over the program, its stack, the async buffer or the
//! sim-control page, and munmap can never take those away.

use crate::devices;
use crate::frames::{FramePool, PAGE_SIZE};
use crate::page_release::release_pages;
use crate::page_table::{AddressSpace, MapError, PTE_R, PTE_W};
use abi::errno::{EEXIST, EINVAL, ENODEV, ENOMEM};
use abi::nr::{MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, MMAP_BASE, MMAP_END, PROT_READ, PROT_WRITE};

/// A process's memory as the memory calls change it (they take the frame
/// pool's lock themselves, only for their own duration).
pub struct Memory<'a> {
    pub space: &'a mut AddressSpace,
    pub mmap: &'a mut MmapArea,
    /// The hart the process runs on: the one TLB besides this hart's that
    /// may hold its translations (fenced before an unmapped frame is
    /// freed).
    pub process_hart: usize,
}

/// Where the next mmap without MAP_FIXED starts looking (next fit, so
/// that a map/unmap loop finds a free page at once instead of scanning
/// the whole area each time).
#[derive(Debug)]
pub struct MmapArea {
    cursor: usize,
}

impl Default for MmapArea {
    fn default() -> Self {
        Self { cursor: MMAP_BASE }
    }
}

/// Pages of the whole area.
const AREA_PAGES: usize = (MMAP_END - MMAP_BASE) / PAGE_SIZE;

/// mmap(addr, len, prot, flags) -> address or -errno.
pub fn mmap(
    memory: &mut Memory<'_>,
    frames: &mut FramePool,
    addr: usize,
    len: usize,
    prot: usize,
    flags: usize,
) -> isize {
    let Memory {
        space,
        mmap: area,
        process_hart,
    } = memory;
    let Some(pages) = pages_of(len) else {
        return -EINVAL;
    };
    let fixed = flags & MAP_FIXED != 0;
    let known = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    let writable = prot == PROT_READ | PROT_WRITE;
    if flags & !known != 0
        || flags & (MAP_PRIVATE | MAP_ANONYMOUS) != MAP_PRIVATE | MAP_ANONYMOUS
        || !(writable || prot == PROT_READ)
    {
        return -EINVAL;
    }
    let start = if fixed {
        if !in_area(addr, pages) {
            return -EINVAL;
        }
        if !all_free(space, addr, pages) {
            return -EEXIST;
        }
        addr
    } else {
        match find_free(space, area.cursor, pages) {
            Some(start) => start,
            None => return -ENOMEM,
        }
    };
    let perms = if writable { PTE_R | PTE_W } else { PTE_R };
    for i in 0..pages {
        if space
            .map_user_page(frames, start + i * PAGE_SIZE, perms)
            .is_err()
        {
            // The process may have touched them already if it runs on
            // while its ring is served here.
            release_pages(space, frames, *process_hart, start, i);
            return -ENOMEM;
        }
    }
    area.cursor = start + pages * PAGE_SIZE;
    start as isize
}

/// munmap(addr, len) -> 0 or -errno. The process's hart is fenced before
/// the frames are freed. Pages of the range that are not mapped are
/// skipped, as Linux does.
pub fn munmap(memory: &mut Memory<'_>, frames: &mut FramePool, addr: usize, len: usize) -> isize {
    let Some(pages) = pages_of(len) else {
        return -EINVAL;
    };
    if !in_area(addr, pages) {
        return -EINVAL;
    }
    release_pages(memory.space, frames, memory.process_hart, addr, pages);
    0
}

/// simctl_map() -> user address of the sim-control page, or -ENODEV.
/// Mapping it twice returns the same address.
pub fn simctl_map(space: &mut AddressSpace, frames: &mut FramePool) -> isize {
    let Some(device) = devices::simctl_base() else {
        return -ENODEV;
    };
    let va = abi::simctl::USER_VA;
    match space.translate(va) {
        Some((pa, _)) if pa == device => return va as isize,
        Some(_) => return -EEXIST,
        None => {}
    }
    match space.map_borrowed_page(frames, va, device, PTE_R | PTE_W) {
        Ok(()) => va as isize,
        Err(MapError::OutOfFrames) => -ENOMEM,
        Err(_) => -EINVAL,
    }
}

/// Pages covering `len` bytes (none for 0 or more than the area).
fn pages_of(len: usize) -> Option<usize> {
    let pages = len.checked_add(PAGE_SIZE - 1)? / PAGE_SIZE;
    (pages != 0 && pages <= AREA_PAGES).then_some(pages)
}

/// Whether `pages` pages from `addr` lie in the mmap area (page-aligned).
fn in_area(addr: usize, pages: usize) -> bool {
    addr.is_multiple_of(PAGE_SIZE)
        && addr >= MMAP_BASE
        && addr
            .checked_add(pages * PAGE_SIZE)
            .is_some_and(|end| end <= MMAP_END)
}

fn all_free(space: &AddressSpace, start: usize, pages: usize) -> bool {
    (0..pages).all(|i| space.translate(start + i * PAGE_SIZE).is_none())
}

/// The first run of `pages` free pages at or after `from`, wrapping
/// around to the area's start once.
fn find_free(space: &AddressSpace, from: usize, pages: usize) -> Option<usize> {
    let from = if in_area(from, 1) { from } else { MMAP_BASE };
    let mut start = from;
    let mut run = 0;
    let mut wrapped = false;
    let mut at = from;
    loop {
        if at + PAGE_SIZE > MMAP_END {
            if wrapped {
                return None;
            }
            wrapped = true;
            at = MMAP_BASE;
            start = at;
            run = 0;
        }
        if wrapped && at >= from + pages * PAGE_SIZE {
            return None;
        }
        if space.translate(at).is_none() {
            run += 1;
            if run == pages {
                return Some(start);
            }
        } else {
            run = 0;
            start = at + PAGE_SIZE;
        }
        at += PAGE_SIZE;
    }
}

//! A munmap served on another hart must reach this hart's TLB: the
//! process maps a page, writes it (so this hart caches its translation),
//! has the polling IO core unmap it through the ring, and then reads it
//! without entering the kernel. The kernel must have fenced this hart
//! before freeing the frame, so the read is a load page fault that kills
//! the process (the host test checks the kernel's report); a stale
//! translation would read the freed frame, and the program says so.
//! (It prints nothing before the read: a print is a syscall.)
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::nr;
use abi::ring::{Mode, Notify, Request, USER_VA};
use async_test::{buffer, Checks, SAME_HART};
use user::{entry, println, sys};

entry!(main);

const PAGE: usize = 4096;
/// The page: its number's low bits are those of no other page this
/// program touches (code, stack, ring), so a small TLB indexed by them
/// keeps its translation until a fence drops it.
const PAGE_AT: usize = nr::MMAP_BASE + 0x80 * PAGE;
const RW: usize = nr::PROT_READ | nr::PROT_WRITE;
const FIXED: usize = nr::MAP_PRIVATE | nr::MAP_ANONYMOUS | nr::MAP_FIXED;
const MARK: u64 = 0x57a1_e7ab;
/// Spins before the unmap counts as lost (the IO core never came).
const PATIENCE: u64 = 50_000_000;

fn main() -> i32 {
    let mut c = Checks::new("user-async-unmap");
    let address = sys::syscall3(
        nr::ASYNC_SETUP,
        Mode::Poll as usize,
        Notify::None as usize,
        SAME_HART,
    );
    c.eq("setup", address, USER_VA as isize);
    let page = sys::syscall6(nr::MMAP, [PAGE_AT, PAGE, RW, FIXED, usize::MAX, 0]);
    c.eq("mmap", page, PAGE_AT as isize);
    if address != USER_VA as isize || page != PAGE_AT as isize {
        return c.finish();
    }
    let cell = page as usize as *mut u64;
    // SAFETY: a fresh read-write page of this process. The read caches
    // the translation for loads too (a hart may keep them apart).
    let written = unsafe {
        cell.write_volatile(MARK);
        cell.read_volatile()
    };
    c.eq("written", written, MARK);
    let ring = buffer(address);
    let unmap = Request {
        user_data: 1,
        nr: nr::MUNMAP as u64,
        args: [page as u64, PAGE as u64, 0, 0, 0, 0],
    };
    c.ok("push", ring.submitter().push(unmap).is_ok());
    let mut reap = ring.reaper();
    let mut spins = 0;
    let done = loop {
        if let Some(done) = reap.pop() {
            break Some(done);
        }
        spins += 1;
        if spins == PATIENCE {
            break None;
        }
    };
    let Some(done) = done else {
        c.ok("unmap completed", false);
        return c.finish();
    };
    // No kernel entry between the unmap and the read (not even a print):
    // only a fence sent by the IO core can have dropped the translation.
    // SAFETY: not safe: the page is gone, and this read must fault.
    let stale = unsafe { cell.read_volatile() };
    c.eq("unmapped", (done.user_data, done.result), (1, 0));
    println!("user-async-unmap: FAIL stale translation read {stale:#x}");
    1
}

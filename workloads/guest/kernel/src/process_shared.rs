//! The part of a process that kernel code on another hart may touch: its
//! address space, mmap area, fd table and shared syscall buffer, plus
//! where its completion notifications go. It lives in a static table
//! indexed by pid behind one lock per process, so the process's own hart
//! (its ecalls) and a kernel worker or polling IO core on another hart
//! (its ring requests) serve syscalls on the same state one at a time.
//! Pids are never reused in a boot, so a slot is never handed out twice.

use crate::async_ring::AsyncRing;
use crate::fd_table::FdTable;
use crate::lock::SpinLock;
use crate::memory_syscalls::MmapArea;
use crate::page_table::AddressSpace;
use crate::uintc::Entry;
use core::sync::atomic::{AtomicBool, Ordering};

/// Pids that can exist in a boot (1..MAX_PIDS).
pub const MAX_PIDS: usize = 64;

/// What a ring worker needs to tell the process about completions.
#[derive(Debug, Default, Clone, Copy)]
pub struct NotifyTarget {
    /// Its UINTR receiver entry (Notify::Uintr).
    pub entry: Option<Entry>,
    /// It registered an upcall handler (Notify::Upcall).
    pub upcall_registered: bool,
    /// The hart it runs on (to be kicked with an IPI).
    pub hart: usize,
}

/// A process's shared state.
pub struct Resources {
    pub space: AddressSpace,
    pub mmap: MmapArea,
    pub files: FdTable,
    pub ring: Option<AsyncRing>,
    pub notify: NotifyTarget,
}

/// The shared state of a process.
pub type Shared = SpinLock<Option<Resources>>;

static TABLE: [Shared; MAX_PIDS] = [const { SpinLock::new(None) }; MAX_PIDS];

/// The slot of `pid` (None for pids outside the table).
pub fn slot(pid: usize) -> Option<&'static Shared> {
    TABLE.get(pid)
}

/// Installs `resources` as process `pid`'s; gives back their address
/// space (the one part to free) if the pid is outside the table or taken.
pub fn install(pid: usize, resources: Resources) -> Result<&'static Shared, AddressSpace> {
    let Some(slot) = slot(pid) else {
        return Err(resources.space);
    };
    let mut guard = slot.lock();
    if guard.is_some() {
        return Err(resources.space);
    }
    *guard = Some(resources);
    Ok(slot)
}

/// Upcalls raised and not yet delivered, per pid (an atomic, so the
/// process's hart looks at it on every return to user mode without
/// taking the lock).
static UPCALL_RAISED: [AtomicBool; MAX_PIDS] = [const { AtomicBool::new(false) }; MAX_PIDS];

/// A worker's notification for process `pid` (Notify::Upcall).
pub fn raise_upcall(pid: usize) {
    if let Some(flag) = UPCALL_RAISED.get(pid) {
        flag.store(true, Ordering::Release);
    }
}

/// Whether an upcall waits for process `pid`.
pub fn upcall_raised(pid: usize) -> bool {
    UPCALL_RAISED
        .get(pid)
        .is_some_and(|flag| flag.load(Ordering::Acquire))
}

/// Takes the waiting upcall of process `pid`, if any.
pub fn take_upcall(pid: usize) -> bool {
    UPCALL_RAISED
        .get(pid)
        .is_some_and(|flag| flag.swap(false, Ordering::AcqRel))
}

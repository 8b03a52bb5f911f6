//! The kernel objects processes share (the file store, pipes, IPC
//! endpoints), behind one lock, [`OBJECTS`], and the wake-ups their
//! changes cause. A syscall that makes progress possible for others (data
//! into a pipe, a message for a receiver, a closed end) records the
//! [`WaitKey`] those others block on in [`Wakes`]; before the lock is let
//! go ([`with_objects`]) every process blocked on such a key, on any
//! hart, is taken out of the [`Registry`] and its hart told: the pid goes
//! into that hart's [`take_woken`] set and, if it is another hart, an IPI
//! ends its idle wait. A call that must wait registers its caller in the
//! same critical section, so no wake-up is lost between the decision and
//! the block. Blocked calls are restarted, so a spurious wake-up costs a
//! retry, never a wrong result.
//!
//! Deadlock: when every live process (on every hart) is blocked, one is
//! chosen to end ([`Registry::deadlock_victim`]) and put in its hart's
//! [`take_doomed`] set; while a process has a syscall ring, whose worker
//! may still act for it, no deadlock is declared.
//!
//! The lock is never held across a switch to user mode, and it is taken
//! after a process's own lock ([`crate::process_shared`]), never before.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::blocking::Registry;
use crate::fd_table::Entry;
use crate::ipc::{Ipc, Wait};
use crate::lock::{SpinLock, SpinLockGuard};
use crate::memfs::MemFs;
use crate::pipe::{End, PipeId, Pipes};
use crate::smp::{self, HartMask, MAX_HARTS};
use crate::{kprintln, ring_pool};

const CLASS_PIPE_READABLE: u32 = 1;
const CLASS_PIPE_WRITABLE: u32 = 2;
const CLASS_ENDPOINT_RECEIVERS: u32 = 3;
const CLASS_IPC_PARTY: u32 = 4;

/// Keys [`Wakes`] holds before it falls back to waking everyone.
const MAX_WAKES: usize = 16;

const _: () = assert!(crate::blocking::PIDS <= 64, "pid sets are u64 masks");
const _: () = assert!(crate::process_shared::MAX_PIDS <= crate::blocking::PIDS);

/// What a blocked process waits for: an opaque (class, index) pair that
/// the kernel object which can unblock it (a pipe end, an endpoint, a
/// process's IPC slot) builds; the registry only compares keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitKey {
    pub class: u32,
    pub index: u32,
}

/// Everything processes share, on every hart.
pub static OBJECTS: SpinLock<Objects> = SpinLock::new(Objects::new());

/// Per hart: pids whose wait is over (to be made Ready by that hart).
static WOKEN: [AtomicU64; MAX_HARTS] = [const { AtomicU64::new(0) }; MAX_HARTS];
/// Per hart: pids to end because every process was blocked.
static DOOMED: [AtomicU64; MAX_HARTS] = [const { AtomicU64::new(0) }; MAX_HARTS];

/// Outcome of a syscall that may block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Finished with this a0 value (>= 0 or -errno).
    Done(isize),
    /// Block the caller on this key; the call restarts when it is woken.
    Block(WaitKey),
}

/// Everything processes share.
pub struct Objects {
    pub fs: MemFs,
    pub pipes: Pipes,
    pub ipc: Ipc,
    pub wakes: Wakes,
    /// Blocked processes and the live count (for wake-ups and deadlocks).
    registry: Registry<WaitKey>,
}

impl Objects {
    /// Empty tables (const: the kernel keeps them in a static).
    pub const fn new() -> Self {
        Self {
            fs: MemFs::new(),
            pipes: Pipes::new(),
            ipc: Ipc::new(),
            wakes: Wakes::new(),
            registry: Registry::new(),
        }
    }

    /// Pipes, endpoints and IPC parties in use (for leak checks).
    pub fn in_use(&self) -> usize {
        self.pipes.in_use() + self.ipc.endpoints_in_use() + self.ipc.parties_in_use()
    }

    /// Applies the recorded wake-ups to the registry; returns the other
    /// harts to kick.
    fn settle(&mut self) -> HartMask {
        let me = smp::this_hart();
        let mut kick = 0;
        let mut woken = |pid: usize, hart: usize| {
            if let Some(set) = WOKEN.get(hart) {
                set.fetch_or(1 << pid, Ordering::AcqRel);
                if hart != me {
                    kick |= 1 << hart;
                }
            }
        };
        let registry = &mut self.registry;
        if self.wakes.take(|key| registry.wake(Some(key), &mut woken)) {
            registry.wake(None, &mut woken);
        }
        kick
    }

    /// If every live process is blocked: dooms one; returns its hart to
    /// kick if that is another one.
    fn check_deadlock(&mut self) -> HartMask {
        // A ring's worker may still complete requests that wake someone.
        if ring_pool::in_use() != 0 {
            return 0;
        }
        match self.registry.deadlock_victim() {
            Some((pid, hart)) if hart < MAX_HARTS => {
                DOOMED[hart].fetch_or(1 << pid, Ordering::AcqRel);
                if hart == smp::this_hart() {
                    0
                } else {
                    1 << hart
                }
            }
            _ => 0,
        }
    }
}

/// Runs `call` of process `pid` on the objects behind `lock` (the
/// kernel's [`OBJECTS`]), then applies the
/// wake-ups it caused (on every hart); if it returns
/// [`Progress::Block`] and `may_block`, the caller is registered as
/// blocked on this hart, else a block becomes `Done(-EAGAIN)`.
pub fn with_objects(
    lock: &SpinLock<Objects>,
    pid: usize,
    may_block: bool,
    call: impl FnOnce(&mut Objects) -> Progress,
) -> Progress {
    let mut objects = lock.lock();
    let mut progress = call(&mut objects);
    let mut kick = objects.settle();
    if let Progress::Block(key) = progress {
        if !may_block {
            progress = Progress::Done(-abi::errno::EAGAIN);
        } else if objects.registry.block(pid, key, smp::this_hart()) {
            kick |= objects.check_deadlock();
        } else {
            progress = Progress::Done(-abi::errno::EINVAL);
        }
    }
    unlock_and_kick(objects, kick);
    progress
}

/// A process was loaded (it counts for deadlock detection until
/// [`release`]).
pub fn born() {
    OBJECTS.lock().registry.born();
}

/// Lets go of everything process `pid` held (it ended): IPC partners
/// waiting on it fail, `close_all` hands over its fds to be closed, and
/// whoever that unblocks, on any hart, is woken; then the rest are
/// checked for a deadlock.
pub fn release(pid: usize, close_all: impl FnOnce(&mut dyn FnMut(Entry))) {
    let mut guard = OBJECTS.lock();
    let objects = &mut *guard;
    {
        let Objects {
            pipes, ipc, wakes, ..
        } = objects;
        ipc.exit(pid, &mut |w| wakes.add(ipc_wait(w)));
        close_all(&mut |entry| release_entry(pipes, ipc, wakes, entry));
    }
    objects.registry.died(pid);
    let kick = objects.settle() | objects.check_deadlock();
    unlock_and_kick(guard, kick);
}

/// Drops the lock, then sends the IPIs.
fn unlock_and_kick(guard: SpinLockGuard<'_, Objects>, kick: HartMask) {
    drop(guard);
    for hart in (0..MAX_HARTS).filter(|h| kick & (1 << h) != 0) {
        if let Err(e) = smp::send_ipi(hart) {
            kprintln!("kernel: cannot wake hart {hart}: {e:?}");
        }
    }
}

/// The pids of this hart's processes whose wait ended since the last
/// call (bit N = pid N).
pub fn take_woken(hart: usize) -> u64 {
    WOKEN
        .get(hart)
        .map_or(0, |set| set.swap(0, Ordering::AcqRel))
}

/// The pids of this hart's processes chosen to end a deadlock.
pub fn take_doomed(hart: usize) -> u64 {
    DOOMED
        .get(hart)
        .map_or(0, |set| set.swap(0, Ordering::AcqRel))
}

/// Wake-ups not yet applied.
pub struct Wakes {
    /// `keys[..len]` are pending.
    keys: [WaitKey; MAX_WAKES],
    len: usize,
    /// More distinct keys than fit: wake every blocked process.
    overflow: bool,
}

impl Wakes {
    /// None pending.
    pub const fn new() -> Self {
        Self {
            keys: [WaitKey { class: 0, index: 0 }; MAX_WAKES],
            len: 0,
            overflow: false,
        }
    }

    /// Records a wake-up of the processes blocked on `key`.
    pub fn add(&mut self, key: WaitKey) {
        if self.keys[..self.len].contains(&key) {
            return;
        }
        match self.keys.get_mut(self.len) {
            Some(slot) => {
                *slot = key;
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }

    /// Hands each pending wake-up to `each` and forgets them; returns
    /// whether more keys were recorded than fit, so that every blocked
    /// process must be woken.
    pub fn take(&mut self, mut each: impl FnMut(WaitKey)) -> bool {
        for &key in &self.keys[..self.len] {
            each(key);
        }
        self.len = 0;
        core::mem::take(&mut self.overflow)
    }
}

/// The key of processes waiting to read from pipe `id`.
pub fn pipe_readable(id: PipeId) -> WaitKey {
    key(CLASS_PIPE_READABLE, id)
}

/// The key of processes waiting to write to pipe `id`.
pub fn pipe_writable(id: PipeId) -> WaitKey {
    key(CLASS_PIPE_WRITABLE, id)
}

/// The scheduler key of an IPC wait.
pub fn ipc_wait(wait: Wait) -> WaitKey {
    match wait {
        Wait::Receivers(ep) => key(CLASS_ENDPOINT_RECEIVERS, ep),
        Wait::Party(pid) => key(CLASS_IPC_PARTY, pid),
    }
}

fn key(class: u32, index: usize) -> WaitKey {
    // Indices are table slots and pids (small); saturate rather than wrap.
    WaitKey {
        class,
        index: u32::try_from(index).unwrap_or(u32::MAX),
    }
}

/// Drops the reference an fd held (close, or the process ended) and
/// wakes whoever that affects: the other side of a pipe sees end-of-file
/// or a broken pipe.
pub fn release_entry(pipes: &mut Pipes, ipc: &mut Ipc, wakes: &mut Wakes, entry: Entry) {
    match entry {
        Entry::File(_) => {}
        Entry::PipeRead(id) => {
            pipes.close(id, End::Read);
            wakes.add(pipe_writable(id));
        }
        Entry::PipeWrite(id) => {
            pipes.close(id, End::Write);
            wakes.add(pipe_readable(id));
        }
        Entry::Endpoint(id) => {
            ipc.close(id);
        }
    }
}

//! The kernel objects processes share (the file store, pipes, IPC
//! endpoints) and the wake-ups their changes cause. A syscall that makes
//! progress possible for others (data into a pipe, a message for a
//! receiver, a closed end) records the [`WaitKey`] those others block on
//! in [`Wakes`]; the scheduler makes them Ready when the running process
//! hands the CPU back. Blocked calls are restarted, so a spurious wake-up
//! costs a retry, never a wrong result.

use crate::fd_table::Entry;
use crate::ipc::{Ipc, Wait};
use crate::memfs::MemFs;
use crate::pipe::{End, PipeId, Pipes};
use crate::scheduler::WaitKey;

const CLASS_PIPE_READABLE: u32 = 1;
const CLASS_PIPE_WRITABLE: u32 = 2;
const CLASS_ENDPOINT_RECEIVERS: u32 = 3;
const CLASS_IPC_PARTY: u32 = 4;

/// Keys [`Wakes`] holds before it falls back to waking everyone.
const MAX_WAKES: usize = 16;

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
}

impl Objects {
    /// Empty tables (const: the kernel keeps them in a static).
    pub const fn new() -> Self {
        Self {
            fs: MemFs::new(),
            pipes: Pipes::new(),
            ipc: Ipc::new(),
            wakes: Wakes::new(),
        }
    }
}

/// Wake-ups not yet applied to the scheduler.
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
pub fn release(pipes: &mut Pipes, ipc: &mut Ipc, wakes: &mut Wakes, entry: Entry) {
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

//! Who is blocked on what, across every hart. A process that blocks in a
//! syscall is registered here (its key and the hart whose run queue holds
//! it) in the same critical section that decided it must wait, so a
//! wake-up from any hart, which is resolved under the same lock, cannot
//! slip in between. Resolving a wake-up takes the matching processes out
//! of the registry and names their harts; the kernel then makes them
//! Ready there (see [`crate::objects`]).
//!
//! Deadlock: when every process still alive is registered here, nothing
//! can wake any of them (a wake-up only comes from a running process), so
//! the registry picks one to end (the lowest pid).
//!
//! Generic over the key and `core`-only, so the host tests of the
//! `workloads` crate compile this file too.

/// Pids the registry can hold (1..PIDS; pid 0 is never used).
pub const PIDS: usize = 64;

/// A blocked process: what it waits for and where it is queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocked<K> {
    pub key: K,
    pub hart: usize,
}

/// The registry.
pub struct Registry<K> {
    blocked: [Option<Blocked<K>>; PIDS],
    /// Processes loaded and not yet ended, blocked or not.
    live: usize,
}

impl<K: Copy + PartialEq> Default for Registry<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Copy + PartialEq> Registry<K> {
    /// Nobody blocked, nobody alive (const: the kernel keeps it in a static).
    pub const fn new() -> Self {
        Self {
            blocked: [None; PIDS],
            live: 0,
        }
    }

    /// A process was loaded.
    pub fn born(&mut self) {
        self.live += 1;
    }

    /// Process `pid` ended (it is forgotten if it was blocked).
    pub fn died(&mut self, pid: usize) {
        self.live = self.live.saturating_sub(1);
        self.forget(pid);
    }

    /// Processes blocked.
    pub fn blocked(&self) -> usize {
        self.blocked.iter().flatten().count()
    }

    /// Registers `pid`, queued on `hart`, as blocked on `key`; false (and
    /// nothing registered) for a pid outside the table.
    pub fn block(&mut self, pid: usize, key: K, hart: usize) -> bool {
        match self.blocked.get_mut(pid) {
            Some(slot) => {
                *slot = Some(Blocked { key, hart });
                true
            }
            None => false,
        }
    }

    /// Takes `pid` out of the registry (it is no longer blocked).
    pub fn forget(&mut self, pid: usize) -> Option<Blocked<K>> {
        self.blocked.get_mut(pid)?.take()
    }

    /// Wakes every process blocked on `key` (or every blocked process if
    /// `key` is None): each leaves the registry and is handed to `woken`
    /// with its hart.
    pub fn wake(&mut self, key: Option<K>, mut woken: impl FnMut(usize, usize)) {
        for (pid, slot) in self.blocked.iter_mut().enumerate() {
            if let Some(b) = *slot {
                if key.is_none_or(|k| k == b.key) {
                    *slot = None;
                    woken(pid, b.hart);
                }
            }
        }
    }

    /// If every live process is blocked (and there is one): the process
    /// to end so that the others can go on (the lowest pid), taken out of
    /// the registry, with its hart.
    pub fn deadlock_victim(&mut self) -> Option<(usize, usize)> {
        if self.live == 0 || self.blocked() < self.live {
            return None;
        }
        let pid = self.blocked.iter().position(Option::is_some)?;
        let b = self.forget(pid)?;
        Some((pid, b.hart))
    }
}

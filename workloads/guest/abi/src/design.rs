//! The syscall designs a run compares (DESIGN.md section 3); names are the
//! CLI's `--design` values and the command line's `design=` values.

/// One design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// An ecall per syscall.
    Sync,
    /// Request ring; the kernel worker is woken by a trap only when it
    /// sleeps; completion by a user interrupt to a waiting receiver.
    AsyncUintr,
    /// Request ring polled by a dedicated kernel hart: no traps.
    AsyncPoll,
    /// Fill the ring, one `async_enter` per batch.
    Batch,
    /// As async-uintr, but completion notified by a trap-based upcall.
    AsyncTrapnotify,
    /// The runtime picks sync or async-uintr per round.
    Adaptive,
    /// Call/reply through kernel IPC endpoints.
    IpcSync,
    /// User-to-user ring with UINTR notification.
    IpcUintr,
}

impl Design {
    /// Every design, in the order reports list them.
    pub const ALL: [Design; 8] = [
        Design::Sync,
        Design::AsyncUintr,
        Design::AsyncPoll,
        Design::Batch,
        Design::AsyncTrapnotify,
        Design::Adaptive,
        Design::IpcSync,
        Design::IpcUintr,
    ];

    /// The design's name.
    pub const fn name(self) -> &'static str {
        match self {
            Design::Sync => "sync",
            Design::AsyncUintr => "async-uintr",
            Design::AsyncPoll => "async-poll",
            Design::Batch => "batch",
            Design::AsyncTrapnotify => "async-trapnotify",
            Design::Adaptive => "adaptive",
            Design::IpcSync => "ipc-sync",
            Design::IpcUintr => "ipc-uintr",
        }
    }

    /// The design called `name`.
    pub fn parse(name: &str) -> Option<Design> {
        Design::ALL.into_iter().find(|d| d.name() == name)
    }
}

//! Syscall numbers: number in a7, arguments in a0..a5, result in a0
//! (negative = -errno). The same numbers go in a ring request's `nr`.

// Linux RISC-V numbers (arguments as Linux unless noted).
/// openat(dirfd, path, flags) -> fd (dirfd ignored; path NUL-terminated).
pub const OPENAT: usize = 56;
/// close(fd) -> 0.
pub const CLOSE: usize = 57;
/// pipe2(fds: *mut [i32; 2], flags = 0) -> 0.
pub const PIPE2: usize = 59;
/// lseek(fd, offset, whence) -> new offset.
pub const LSEEK: usize = 62;
/// read(fd, buf, len) -> bytes read.
pub const READ: usize = 63;
/// write(fd, buf, len) -> bytes written.
pub const WRITE: usize = 64;
/// exit(code): never returns.
pub const EXIT: usize = 93;
/// nanosleep(ns) -> 0 (asyncsim: the duration in a0, not a timespec).
pub const NANOSLEEP: usize = 101;
/// clock_gettime() -> ns of the `time` CSR (asyncsim: the value in a0).
pub const CLOCK_GETTIME: usize = 113;
/// sched_yield() -> 0.
pub const SCHED_YIELD: usize = 124;
/// getpid() -> process id.
pub const GETPID: usize = 172;
/// munmap(addr, len) -> 0: unmaps the pages of [addr, addr+len) in the
/// mmap area (page-aligned addr; pages not mapped are skipped).
pub const MUNMAP: usize = 215;
/// mmap(addr, len, prot, flags, fd = -1, offset = 0) -> address: anonymous
/// zeroed pages only (MAP_PRIVATE | MAP_ANONYMOUS, optionally MAP_FIXED)
/// inside [`crate::nr::MMAP_BASE`], [`crate::nr::MMAP_END`).
pub const MMAP: usize = 222;

/// mmap prot bits (Linux values). PROT_EXEC is refused (W^X for user data).
pub const PROT_READ: usize = 1;
pub const PROT_WRITE: usize = 2;
pub const PROT_EXEC: usize = 4;
/// mmap flags (Linux values).
pub const MAP_PRIVATE: usize = 0x02;
pub const MAP_FIXED: usize = 0x10;
pub const MAP_ANONYMOUS: usize = 0x20;
/// The user range mmap allocates from.
pub const MMAP_BASE: usize = 0x2000_0000;
pub const MMAP_END: usize = 0x3000_0000;

// asyncsim's own calls.
/// async_setup(mode, notify, worker_hart) -> user address of the shared
/// syscall buffer ([`crate::ring`]); see [`crate::ring::Mode`] and
/// [`crate::ring::Notify`]. Once per process (-EBUSY after).
/// `worker_hart`: `usize::MAX` = the process's own hart for Mode::Wake
/// (the kernel picks another online hart for Mode::Poll); another online
/// hart runs the worker (Wake) or is the IO core (Poll); Mode::Enter
/// takes only `usize::MAX` or the own hart.
pub const ASYNC_SETUP: usize = 500;
/// async_wake() -> 0: wakes the process's sleeping kernel worker.
pub const ASYNC_WAKE: usize = 501;
/// async_enter(to_submit, min_complete) -> requests consumed: runs queued
/// requests inside the call and returns once `min_complete` completions
/// are in the completion ring (the batch design).
pub const ASYNC_ENTER: usize = 502;
/// upcall_register(handler) -> 0: the trap-based notification entry of
/// the async-trapnotify design.
pub const UPCALL_REGISTER: usize = 503;
/// upcall_return() -> (never returns to the caller): ends an upcall and
/// resumes the interrupted user context.
pub const UPCALL_RETURN: usize = 504;
/// uintr_register_receiver(handler) -> 0: makes the caller a UINTR
/// receiver (utvec = handler, a UINTC entry allocated for it).
pub const UINTR_REGISTER_RECEIVER: usize = 510;
/// uintr_create_handle(vector, allowed_pid) -> handle: lets process
/// `allowed_pid` register as a sender to the caller's `vector`.
pub const UINTR_CREATE_HANDLE: usize = 511;
/// uintr_register_sender(handle) -> sender-table index for `uipi send`.
pub const UINTR_REGISTER_SENDER: usize = 512;
/// uintr_wait() -> 0: blocks until a user interrupt is pending.
pub const UINTR_WAIT: usize = 513;
/// 520..=529: synchronous IPC endpoints (send/recv/call/reply).
pub const IPC_FIRST: usize = 520;
pub const IPC_LAST: usize = 529;
/// endpoint_create(key) -> fd of a new endpoint named `key`; -EEXIST if
/// the key is taken.
pub const ENDPOINT_CREATE: usize = 520;
/// endpoint_open(key) -> fd of the endpoint named `key`; -ENOENT if none.
pub const ENDPOINT_OPEN: usize = 521;
/// ipc_send(fd, buf, len <= 256) -> 0 once a receiver took the message.
pub const IPC_SEND: usize = 522;
/// ipc_recv(fd, buf, cap) -> bytes received (truncated to `cap`); blocks
/// until a sender comes.
pub const IPC_RECV: usize = 523;
/// ipc_call(fd, buf, len, rbuf, rcap) -> bytes of the reply (truncated to
/// `rcap`); -EPIPE if the receiver died without replying.
pub const IPC_CALL: usize = 524;
/// ipc_reply(buf, len) -> 0: answers the call the last receive got;
/// -EINVAL if there is none.
pub const IPC_REPLY: usize = 525;
/// ipc_reply_recv(fd, buf, len, rbuf, rcap): ipc_reply (skipped if no
/// call awaits one) then ipc_recv into `rbuf`.
pub const IPC_REPLY_RECV: usize = 526;
/// pipe_open(key, flags = O_RDONLY 0 | O_WRONLY 1) -> fd of that end of
/// the named pipe `key` (created on first use).
pub const PIPE_OPEN: usize = 527;
/// Bytes an IPC message can have.
pub const IPC_MAX_MESSAGE: usize = 256;
/// Bytes a pipe buffers (writes up to this size are atomic).
pub const PIPE_CAPACITY: usize = 4096;
/// 530..=539: user-to-user channels of the ipc-uintr design
/// ([`crate::channel`]: create 530, open 531, peer 532).
pub const CHANNEL_FIRST: usize = 530;
pub const CHANNEL_LAST: usize = 539;
/// simctl_map() -> user address of the sim-control page
/// ([`crate::simctl`]), or -ENODEV on a machine without the device.
pub const SIMCTL_MAP: usize = 540;

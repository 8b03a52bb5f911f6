//! Error numbers (Linux values). Syscalls return them negated.

/// Operation not permitted.
pub const EPERM: isize = 1;
/// No such file.
pub const ENOENT: isize = 2;
/// Interrupted (a blocking call ended because its partner went away).
pub const EINTR: isize = 4;
/// Bad file descriptor or handle.
pub const EBADF: isize = 9;
/// Try again (a non-blocking call found nothing to do).
pub const EAGAIN: isize = 11;
/// Out of memory (no page frame left).
pub const ENOMEM: isize = 12;
/// Bad address.
pub const EFAULT: isize = 14;
/// Resource busy (e.g. the async buffer is already set up).
pub const EBUSY: isize = 16;
/// Already exists (e.g. mapping over a mapped page).
pub const EEXIST: isize = 17;
/// No such device (e.g. sim-control on a machine without it).
pub const ENODEV: isize = 19;
/// Invalid argument.
pub const EINVAL: isize = 22;
/// Too many open files.
pub const EMFILE: isize = 24;
/// File store or file full.
pub const ENOSPC: isize = 28;
/// Broken pipe: no reader left.
pub const EPIPE: isize = 32;
/// Name longer than the kernel's limit.
pub const ENAMETOOLONG: isize = 36;
/// No such syscall.
pub const ENOSYS: isize = 38;

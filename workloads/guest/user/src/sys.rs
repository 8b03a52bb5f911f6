//! Syscall wrappers: number in a7, arguments in a0..a5, result in a0
//! (negative = -errno), Linux RISC-V numbering for the calls that exist there.

/// openat(dirfd, path, flags) -> fd or -errno (dirfd ignored; `path` is
/// NUL-terminated, at most 32 bytes).
pub const SYS_OPENAT: usize = 56;
/// close(fd) -> 0 or -errno.
pub const SYS_CLOSE: usize = 57;
/// lseek(fd, offset, whence) -> new offset or -errno.
pub const SYS_LSEEK: usize = 62;
/// read(fd, buf, len) -> bytes read or -errno.
pub const SYS_READ: usize = 63;
/// write(fd, buf, len) -> bytes written or -errno.
pub const SYS_WRITE: usize = 64;
/// exit(code): never returns.
pub const SYS_EXIT: usize = 93;
/// nanosleep(ns) -> 0: blocks for at least `ns` nanoseconds (asyncsim
/// passes the duration in a0, not a `struct timespec` pointer).
pub const SYS_NANOSLEEP: usize = 101;
/// clock_gettime() -> nanoseconds of the `time` CSR (asyncsim returns the
/// value in a0 instead of filling a `struct timespec`).
pub const SYS_CLOCK_GETTIME: usize = 113;
/// sched_yield() -> 0: lets the other ready processes run first.
pub const SYS_SCHED_YIELD: usize = 124;
/// getpid() -> process id.
pub const SYS_GETPID: usize = 172;

/// No such file.
pub const ENOENT: isize = 2;
/// Bad file descriptor.
pub const EBADF: isize = 9;
/// Bad address.
pub const EFAULT: isize = 14;
/// Invalid argument.
pub const EINVAL: isize = 22;
/// Too many open files.
pub const EMFILE: isize = 24;
/// File store or file full.
pub const ENOSPC: isize = 28;
/// Path longer than the kernel's limit.
pub const ENAMETOOLONG: isize = 36;
/// No such syscall.
pub const ENOSYS: isize = 38;

/// The console.
pub const STDOUT: usize = 1;

/// openat flags (Linux values).
pub const O_RDONLY: usize = 0;
pub const O_WRONLY: usize = 1;
pub const O_RDWR: usize = 2;
pub const O_CREAT: usize = 0x40;
pub const O_TRUNC: usize = 0x200;
/// lseek whence values.
pub const SEEK_SET: usize = 0;
pub const SEEK_CUR: usize = 1;
pub const SEEK_END: usize = 2;
/// openat's dirfd for "the current directory" (ignored by the kernel).
pub const AT_FDCWD: usize = -100isize as usize;

/// Raw syscall with three arguments. Safe: the kernel checks every
/// argument and only writes memory a syscall is documented to write.
pub fn syscall3(number: usize, a0: usize, a1: usize, a2: usize) -> isize {
    let ret: isize;
    // SAFETY: ecall traps to the kernel, which returns to the next
    // instruction with a0 set; it reads only the argument registers.
    unsafe {
        core::arch::asm!(
            "ecall",
            inlateout("a0") a0 => ret,
            in("a1") a1,
            in("a2") a2,
            in("a7") number,
            options(nostack),
        );
    }
    ret
}

/// Raw syscall with six arguments (see [`syscall3`]).
pub fn syscall6(number: usize, args: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: as in `syscall3`.
    unsafe {
        core::arch::asm!(
            "ecall",
            inlateout("a0") args[0] => ret,
            in("a1") args[1],
            in("a2") args[2],
            in("a3") args[3],
            in("a4") args[4],
            in("a5") args[5],
            in("a7") number,
            options(nostack),
        );
    }
    ret
}

/// Maps `len` bytes of fresh zeroed read-write memory; returns its
/// address or -errno.
pub fn mmap_anonymous(len: usize) -> isize {
    use abi::nr::{MAP_ANONYMOUS, MAP_PRIVATE, MMAP, PROT_READ, PROT_WRITE};
    let flags = MAP_PRIVATE | MAP_ANONYMOUS;
    syscall6(MMAP, [0, len, PROT_READ | PROT_WRITE, flags, usize::MAX, 0])
}

/// Unmaps the pages of `addr..addr+len` (in the mmap area).
pub fn munmap(addr: usize, len: usize) -> isize {
    syscall3(abi::nr::MUNMAP, addr, len, 0)
}

/// Maps the sim-control page; returns its address or -errno.
pub fn simctl_map() -> isize {
    syscall3(abi::nr::SIMCTL_MAP, 0, 0, 0)
}

/// Writes `buf` to `fd`.
pub fn write(fd: usize, buf: &[u8]) -> isize {
    syscall3(SYS_WRITE, fd, buf.as_ptr() as usize, buf.len())
}

/// Opens the file named by NUL-terminated `path` (must end with a 0 byte).
pub fn open(path: &[u8], flags: usize) -> isize {
    syscall3(SYS_OPENAT, AT_FDCWD, path.as_ptr() as usize, flags)
}

/// Closes `fd`.
pub fn close(fd: usize) -> isize {
    syscall3(SYS_CLOSE, fd, 0, 0)
}

/// Reads up to `buf.len()` bytes from `fd`.
pub fn read(fd: usize, buf: &mut [u8]) -> isize {
    syscall3(SYS_READ, fd, buf.as_mut_ptr() as usize, buf.len())
}

/// Moves `fd`'s offset; returns the new one.
pub fn lseek(fd: usize, offset: isize, whence: usize) -> isize {
    syscall3(SYS_LSEEK, fd, offset as usize, whence)
}

/// This process's id.
pub fn getpid() -> isize {
    syscall3(SYS_GETPID, 0, 0, 0)
}

/// Gives up the rest of this time slice.
pub fn sched_yield() -> isize {
    syscall3(SYS_SCHED_YIELD, 0, 0, 0)
}

/// Sleeps for at least `ms` milliseconds.
pub fn sleep_ms(ms: u64) -> isize {
    let ns = ms.saturating_mul(1_000_000);
    syscall3(SYS_NANOSLEEP, ns as usize, 0, 0)
}

/// Nanoseconds since the machine's clock started.
pub fn clock_ns() -> u64 {
    syscall3(SYS_CLOCK_GETTIME, 0, 0, 0) as u64
}

/// Ends the process with `code`.
pub fn exit(code: i32) -> ! {
    syscall3(SYS_EXIT, code as usize, 0, 0);
    // The kernel never returns from exit; should it, do not run on.
    loop {
        core::hint::spin_loop();
    }
}

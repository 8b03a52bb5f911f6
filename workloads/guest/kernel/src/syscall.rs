//! The system calls (number in a7, arguments in a0.., result in a0,
//! negative = -errno; Linux RISC-V numbers). Arguments are never trusted:
//! pointers go through [`crate::user_memory`].
//!
//! The file calls (openat 56, close 57, lseek 62, read 63, write 64 to an
//! fd other than 1/2) are in [`crate::file_syscalls`].
//!
//! The time calls keep Linux's numbers but pass plain nanoseconds in
//! registers instead of `struct timespec` pointers: nanosleep(101) takes
//! the duration in a0, clock_gettime(113) returns the `time` CSR in ns.

use crate::clock::Clock;
use crate::console;
use crate::fd_table::FdTable;
use crate::file_syscalls::{self, Files};
use crate::frames::FRAMES;
use crate::lock::SpinLock;
use crate::memfs::MemFs;
use crate::memory_syscalls::{self, MmapArea};
use crate::page_table::AddressSpace;
use crate::timer;
use crate::user_memory::read_user;

const SYS_OPENAT: usize = 56;
const SYS_CLOSE: usize = 57;
const SYS_LSEEK: usize = 62;
const SYS_READ: usize = 63;
const SYS_WRITE: usize = 64;
const SYS_EXIT: usize = 93;
const SYS_NANOSLEEP: usize = 101;
const SYS_CLOCK_GETTIME: usize = 113;
const SYS_SCHED_YIELD: usize = 124;
const SYS_GETPID: usize = 172;

use file_syscalls::{EFAULT, EINVAL};
const ENOSYS: isize = 38;

const STDOUT: usize = 1;
const STDERR: usize = 2;

const A0: usize = 10;
const A1: usize = 11;
const A2: usize = 12;
const A3: usize = 13;
const A4: usize = 14;
const A5: usize = 15;
const A7: usize = 17;

/// Where a syscall came from. Both go through [`dispatch`] with the same
/// checks; a ring request can only make calls that complete at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An `ecall` (number in a7, arguments in a0..a5).
    Ecall,
    /// A request of the process's shared ring ([`abi::ring::Request`]).
    Ring,
}

/// What the process does after the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Done: this is the result.
    Return(isize),
    /// Let the other ready processes run first.
    Yield,
    /// Block until `time` reaches this tick.
    SleepUntil(u64),
    Exit(i32),
    /// A call on the process's own async/UINTR state (numbers 500..=513)
    /// or a channel call (530..=539), served by [`crate::process`].
    ProcessCall,
}

/// A process's memory as the memory calls change it (they take the frame
/// pool's lock themselves, only for their own duration).
pub struct Memory<'a> {
    pub space: &'a mut AddressSpace,
    pub mmap: &'a mut MmapArea,
}

/// Everything a syscall of process `pid` may touch: its memory and fd
/// table, and the file store shared by every hart (locked for one call
/// at a time).
pub struct Context<'a> {
    pub pid: usize,
    pub memory: Memory<'a>,
    pub files: &'a mut FdTable,
    pub fs: &'a SpinLock<MemFs>,
    pub clock: &'a Clock,
}

/// Serves the ecall in `regs`: writes the result to a0 (for yield and
/// sleep, 0: the process sees it when it runs again) and returns what the
/// process does next (a [`Action::ProcessCall`] leaves a0 to the caller).
pub fn handle(ctx: &mut Context<'_>, regs: &mut [usize; 32]) -> Action {
    let args = [regs[A0], regs[A1], regs[A2], regs[A3], regs[A4], regs[A5]];
    let action = dispatch(ctx, regs[A7], args, Source::Ecall);
    match action {
        Action::Return(result) => regs[A0] = result as usize,
        Action::Yield | Action::SleepUntil(_) => regs[A0] = 0,
        Action::Exit(_) | Action::ProcessCall => {}
    }
    action
}

/// Serves one ring request; the result goes in its completion.
pub fn handle_request(ctx: &mut Context<'_>, request: &abi::ring::Request) -> i64 {
    // A number or argument beyond usize cannot exist on RV64; truncation
    // would only matter on a 32-bit kernel.
    let args = request.args.map(|a| a as usize);
    match dispatch(ctx, request.nr as usize, args, Source::Ring) {
        Action::Return(result) => result as i64,
        _ => -EINVAL as i64,
    }
}

/// Serves syscall `nr` with `args` from `source`. From a ring, only calls
/// that complete at once are allowed; exit, yield, sleep and the calls on
/// the process's async/UINTR state give -EINVAL there.
pub fn dispatch(ctx: &mut Context<'_>, nr: usize, args: [usize; 6], source: Source) -> Action {
    let action = serve(ctx, nr, args);
    match (source, action) {
        (Source::Ring, Action::Return(_)) | (Source::Ecall, _) => action,
        (Source::Ring, _) => Action::Return(-EINVAL),
    }
}

fn serve(ctx: &mut Context<'_>, nr: usize, a: [usize; 6]) -> Action {
    let memory = &mut ctx.memory;
    let space = &*memory.space;
    let (table, fs) = (&mut *ctx.files, ctx.fs);
    let result = match nr {
        SYS_WRITE if a[0] == STDOUT || a[0] == STDERR => write_console(space, a[1], a[2]),
        SYS_WRITE => with_files(table, fs, |f| {
            file_syscalls::write(space, f, a[0], a[1], a[2])
        }),
        SYS_READ => with_files(table, fs, |f| {
            file_syscalls::read(space, f, a[0], a[1], a[2])
        }),
        SYS_OPENAT => with_files(table, fs, |f| file_syscalls::openat(space, f, a[1], a[2])),
        SYS_CLOSE => with_files(table, fs, |f| file_syscalls::close(f, a[0])),
        SYS_LSEEK => with_files(table, fs, |f| file_syscalls::lseek(f, a[0], a[1], a[2])),
        SYS_GETPID => ctx.pid as isize,
        SYS_CLOCK_GETTIME => {
            // Nanoseconds fit isize for ~292 years of uptime; saturate after.
            isize::try_from(ctx.clock.ticks_to_ns(timer::now())).unwrap_or(isize::MAX)
        }
        SYS_SCHED_YIELD => return Action::Yield,
        SYS_NANOSLEEP => match u64::try_from(a[0] as isize) {
            Ok(ns) => {
                let deadline = timer::now().saturating_add(ctx.clock.ns_to_ticks(ns));
                return Action::SleepUntil(deadline);
            }
            Err(_) => -EINVAL,
        },
        SYS_EXIT => return Action::Exit(a[0] as i32),
        abi::nr::MMAP => memory_syscalls::mmap(
            memory.space,
            memory.mmap,
            &mut FRAMES.lock(),
            a[0],
            a[1],
            a[2],
            a[3],
        ),
        abi::nr::MUNMAP => memory_syscalls::munmap(memory.space, &mut FRAMES.lock(), a[0], a[1]),
        abi::nr::SIMCTL_MAP => memory_syscalls::simctl_map(memory.space, &mut FRAMES.lock()),
        abi::nr::ASYNC_SETUP..=abi::nr::UPCALL_RETURN
        | abi::nr::UINTR_REGISTER_RECEIVER..=abi::nr::UINTR_WAIT
        | abi::nr::CHANNEL_FIRST..=abi::nr::CHANNEL_LAST => return Action::ProcessCall,
        _ => -ENOSYS,
    };
    Action::Return(result)
}

/// Runs a file call with the fd `table` and the file store, locked for
/// this call only (other harts use the store too).
fn with_files(
    table: &mut FdTable,
    fs: &SpinLock<MemFs>,
    call: impl FnOnce(&mut Files<'_>) -> isize,
) -> isize {
    let mut store = fs.lock();
    call(&mut Files {
        table,
        fs: &mut store,
    })
}

/// write(1 or 2, buf, len): stdout and stderr go to the console.
fn write_console(space: &AddressSpace, buf: usize, len: usize) -> isize {
    match read_user(space, buf, len, console::write_bytes) {
        // A successful range fits in user space (< 2 GiB), so in isize.
        Ok(()) => len as isize,
        Err(_) => -EFAULT,
    }
}

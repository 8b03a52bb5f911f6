//! The system calls (number in a7, arguments in a0.., result in a0,
//! negative = -errno; Linux RISC-V numbers). Arguments are never trusted:
//! pointers go through [`crate::user_memory`].
//!
//! The file calls (openat 56, close 57, lseek 62, read 63, write 64 to an
//! fd other than 1/2) are in [`crate::file_syscalls`]; read and write on a
//! pipe fd, pipe2(59) and pipe_open(527) in [`crate::pipe_syscalls`];
//! read(0) in [`crate::console_input`]; the IPC endpoint calls
//! (520..=526) in [`crate::ipc_syscalls`]. All of them run on the shared
//! objects ([`crate::objects`]), locked for one call at a time. Calls
//! that block return [`Action::Block`] and are run again, from the start
//! and with the same registers, when the process is woken.
//!
//! From an async ring ([`Source::Ring`]) nothing may block: a pipe read
//! or write that would wait completes with -EAGAIN (the pipe is left as
//! it was), and the IPC calls that always wait for a partner (send,
//! call, recv, reply_recv) are refused with -EINVAL before they touch
//! the endpoint.
//!
//! The time calls keep Linux's numbers but pass plain nanoseconds in
//! registers instead of `struct timespec` pointers: nanosleep(101) takes
//! the duration in a0, clock_gettime(113) returns the `time` CSR in ns.

use crate::clock::Clock;
use crate::console;
use crate::console_input;
use crate::fd_table::FdTable;
use crate::file_syscalls::{self, Files};
use crate::frames::FRAMES;
use crate::ipc_syscalls;
use crate::lock::SpinLock;
use crate::memory_syscalls::{self, Memory};
use crate::objects::{self, Objects, Progress};
use crate::page_table::AddressSpace;
use crate::pipe_syscalls;
use crate::timer;
use crate::user_memory::read_user;

const SYS_OPENAT: usize = 56;
const SYS_CLOSE: usize = 57;
const SYS_LSEEK: usize = 62;
const SYS_READ: usize = 63;
const SYS_WRITE: usize = 64;
const SYS_EXIT: usize = 93;
const SYS_NANOSLEEP: usize = 101;
pub const SYS_CLOCK_GETTIME: usize = 113;
const SYS_SCHED_YIELD: usize = 124;
pub const SYS_GETPID: usize = 172;

use file_syscalls::{EFAULT, EINVAL};
const ENOSYS: isize = 38;

const STDIN: usize = 0;
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
    /// Block until a wake-up names the caller, then run the call again (the
    /// caller is registered as blocked already; a0 is left alone).
    Block,
    Exit(i32),
    /// A call on the process's own async/UINTR state (numbers 500..=513)
    /// or a channel call (530..=539), served by [`crate::process`].
    ProcessCall,
}

/// Everything a syscall of process `pid` may touch: its memory and fd
/// table, and the objects shared by every hart (file store, pipes,
/// endpoints; locked for one call at a time).
pub struct Context<'a> {
    pub pid: usize,
    pub memory: Memory<'a>,
    pub files: &'a mut FdTable,
    pub objects: &'a SpinLock<Objects>,
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
        Action::Exit(_) | Action::ProcessCall | Action::Block => {}
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
/// that complete at once are allowed; exit, yield, sleep, the IPC calls
/// that wait for a partner and the calls on the process's async/UINTR
/// state give -EINVAL there, a pipe call that would block -EAGAIN.
///
/// A flat table: the calls that need nothing but registers are answered
/// here, every other one by a handler of its own (kept out of line, so
/// this function's frame stays small and the cheap calls pay for no
/// register saves of the expensive ones).
pub fn dispatch(ctx: &mut Context<'_>, nr: usize, args: [usize; 6], source: Source) -> Action {
    if let Some(result) = from_registers(ctx.pid, ctx.clock, nr) {
        return Action::Return(result);
    }
    let result = match nr {
        SYS_SCHED_YIELD | SYS_NANOSLEEP | SYS_EXIT if source == Source::Ring => -EINVAL,
        SYS_SCHED_YIELD => return Action::Yield,
        SYS_NANOSLEEP => return sleep(ctx, args[0]),
        SYS_EXIT => return Action::Exit(args[0] as i32),
        abi::nr::MMAP | abi::nr::MUNMAP | abi::nr::SIMCTL_MAP => memory_call(ctx, nr, args),
        abi::nr::ASYNC_SETUP..=abi::nr::UPCALL_RETURN
        | abi::nr::UINTR_REGISTER_RECEIVER..=abi::nr::UINTR_WAIT
        | abi::nr::CHANNEL_FIRST..=abi::nr::CHANNEL_LAST => match source {
            Source::Ecall => return Action::ProcessCall,
            Source::Ring => -EINVAL,
        },
        _ => return object_call(ctx, nr, args, source),
    };
    Action::Return(result)
}

/// The calls answered from nothing but the caller's pid and the clock
/// (getpid, clock_gettime), or None for any other number. The trap
/// path's fast path ([`crate::trap`]) serves these without the process.
#[inline]
pub fn from_registers(pid: usize, clock: &Clock, nr: usize) -> Option<isize> {
    match nr {
        SYS_GETPID => Some(pid as isize),
        // Nanoseconds fit isize for ~292 years of uptime; saturate after.
        SYS_CLOCK_GETTIME => {
            Some(isize::try_from(clock.ticks_to_ns(timer::now())).unwrap_or(isize::MAX))
        }
        _ => None,
    }
}

/// nanosleep(ns): the deadline in ticks, or -EINVAL for a negative time.
fn sleep(ctx: &Context<'_>, ns: usize) -> Action {
    match u64::try_from(ns as isize) {
        Ok(ns) => Action::SleepUntil(timer::now().saturating_add(ctx.clock.ns_to_ticks(ns))),
        Err(_) => Action::Return(-EINVAL),
    }
}

/// mmap, munmap and simctl_map (they take the frame pool's lock).
#[inline(never)]
fn memory_call(ctx: &mut Context<'_>, nr: usize, a: [usize; 6]) -> isize {
    let memory = &mut ctx.memory;
    let frames = &mut FRAMES.lock();
    match nr {
        abi::nr::MMAP => memory_syscalls::mmap(memory, frames, a[0], a[1], a[2], a[3]),
        abi::nr::MUNMAP => memory_syscalls::munmap(memory, frames, a[0], a[1]),
        _ => memory_syscalls::simctl_map(memory.space, frames),
    }
}

/// The calls on fds and the shared objects (files, console, pipes, IPC),
/// and -ENOSYS for an unknown number.
#[inline(never)]
fn object_call(ctx: &mut Context<'_>, nr: usize, args: [usize; 6], source: Source) -> Action {
    if source == Source::Ring && waits_for_partner(nr) {
        return Action::Return(-EINVAL);
    }
    if let Some(progress) = blocking_call(ctx, nr, args, source) {
        return match progress {
            Progress::Done(result) => Action::Return(result),
            Progress::Block(_) => Action::Block,
        };
    }
    Action::Return(serve(ctx, nr, args))
}

/// The IPC calls that always wait for a partner at least once.
fn waits_for_partner(nr: usize) -> bool {
    matches!(
        nr,
        abi::nr::IPC_SEND | abi::nr::IPC_CALL | abi::nr::IPC_RECV | abi::nr::IPC_REPLY_RECV
    )
}

/// The calls that may block (pipe read/write, IPC send, recv, call,
/// reply_recv), or `None` for any other call. A block from a ring
/// becomes -EAGAIN.
fn blocking_call(
    ctx: &mut Context<'_>,
    nr: usize,
    a: [usize; 6],
    source: Source,
) -> Option<Progress> {
    let (pid, space) = (ctx.pid, &*ctx.memory.space);
    let table = &mut *ctx.files;
    let is_pipe = |table: &FdTable, fd: usize| pipe_syscalls::is_pipe(table, fd);
    let call: &mut dyn FnMut(&mut Files<'_>) -> Progress = match nr {
        SYS_READ if a[0] != STDIN && is_pipe(table, a[0]) => {
            &mut |f| pipe_syscalls::read(space, f, a[0], a[1], a[2])
        }
        SYS_WRITE if is_pipe(table, a[0]) => {
            &mut |f| pipe_syscalls::write(space, f, a[0], a[1], a[2])
        }
        abi::nr::IPC_SEND => &mut |f| ipc_syscalls::send(space, f, pid, a[0], (a[1], a[2]), None),
        abi::nr::IPC_CALL => {
            &mut |f| ipc_syscalls::send(space, f, pid, a[0], (a[1], a[2]), Some((a[3], a[4])))
        }
        abi::nr::IPC_RECV => &mut |f| ipc_syscalls::recv(space, f, pid, a[0], a[1], a[2]),
        abi::nr::IPC_REPLY_RECV => {
            &mut |f| ipc_syscalls::reply_recv(space, f, pid, a[0], (a[1], a[2]), (a[3], a[4]))
        }
        _ => return None,
    };
    let may_block = source == Source::Ecall;
    Some(objects::with_objects(ctx.objects, pid, may_block, |o| {
        call(&mut files(table, o))
    }))
}

/// The fd and object calls that never block; -ENOSYS for the rest.
fn serve(ctx: &mut Context<'_>, nr: usize, a: [usize; 6]) -> isize {
    let space = &*ctx.memory.space;
    let (table, objects, pid) = (&mut *ctx.files, ctx.objects, ctx.pid);
    match nr {
        SYS_WRITE if a[0] == STDOUT || a[0] == STDERR => write_console(space, a[1], a[2]),
        SYS_WRITE => with_files(objects, table, pid, |f| {
            file_syscalls::write(space, f, a[0], a[1], a[2])
        }),
        SYS_READ if a[0] == STDIN => console_input::read(space, a[1], a[2]),
        SYS_READ => with_files(objects, table, pid, |f| {
            file_syscalls::read(space, f, a[0], a[1], a[2])
        }),
        SYS_OPENAT => with_files(objects, table, pid, |f| {
            file_syscalls::openat(space, f, a[1], a[2])
        }),
        SYS_CLOSE => with_files(objects, table, pid, |f| file_syscalls::close(f, a[0])),
        SYS_LSEEK => with_files(objects, table, pid, |f| {
            file_syscalls::lseek(f, a[0], a[1], a[2])
        }),
        abi::nr::PIPE2 => with_files(objects, table, pid, |f| {
            pipe_syscalls::pipe2(space, f, a[0], a[1])
        }),
        abi::nr::PIPE_OPEN => with_files(objects, table, pid, |f| {
            pipe_syscalls::pipe_open(f, a[0], a[1])
        }),
        abi::nr::ENDPOINT_CREATE => {
            with_files(objects, table, pid, |f| ipc_syscalls::create(f, a[0]))
        }
        abi::nr::ENDPOINT_OPEN => with_files(objects, table, pid, |f| ipc_syscalls::open(f, a[0])),
        abi::nr::IPC_REPLY => with_files(objects, table, pid, |f| {
            ipc_syscalls::reply(space, f, pid, (a[0], a[1]))
        }),
        _ => -ENOSYS,
    }
}

/// Runs a call of process `pid` that never blocks with its fd `table`
/// and the shared objects, locked for this call only (other harts use
/// them too); the wake-ups it causes reach every hart.
fn with_files(
    objects: &SpinLock<Objects>,
    table: &mut FdTable,
    pid: usize,
    call: impl FnOnce(&mut Files<'_>) -> isize,
) -> isize {
    match objects::with_objects(objects, pid, false, |o| {
        Progress::Done(call(&mut files(table, o)))
    }) {
        Progress::Done(result) => result,
        Progress::Block(_) => -EINVAL, // cannot happen: the call never blocks
    }
}

/// The view of the objects a call of the owner of `table` has.
fn files<'a>(table: &'a mut FdTable, objects: &'a mut Objects) -> Files<'a> {
    Files {
        table,
        fs: &mut objects.fs,
        pipes: &mut objects.pipes,
        ipc: &mut objects.ipc,
        wakes: &mut objects.wakes,
    }
}

/// write(1 or 2, buf, len): stdout and stderr go to the console.
fn write_console(space: &AddressSpace, buf: usize, len: usize) -> isize {
    match read_user(space, buf, len, console::write_bytes) {
        // A successful range fits in user space (< 2 GiB), so in isize.
        Ok(()) => len as isize,
        Err(_) => -EFAULT,
    }
}

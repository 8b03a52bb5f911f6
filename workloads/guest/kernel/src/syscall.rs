//! The system calls (number in a7, arguments in a0.., result in a0,
//! negative = -errno; Linux RISC-V numbers). Arguments are never trusted:
//! pointers go through [`crate::user_memory`].
//!
//! The file calls (openat 56, close 57, lseek 62, read 63, write 64 to an
//! fd other than 1/2) are in [`crate::file_syscalls`]; read and write on a
//! pipe fd, pipe2(59) and pipe_open(527) in [`crate::pipe_syscalls`];
//! read(0) in [`crate::console_input`]; the IPC endpoint calls
//! (520..=526) in [`crate::ipc_syscalls`]. Calls that block return
//! [`Action::Block`] and are run again, from the start and with the same
//! registers, when the process is woken (see [`crate::objects`]).
//!
//! The time calls keep Linux's numbers but pass plain nanoseconds in
//! registers instead of `struct timespec` pointers: nanosleep(101) takes
//! the duration in a0, clock_gettime(113) returns the `time` CSR in ns.

use crate::clock::Clock;
use crate::console;
use crate::console_input;
use crate::file_syscalls::{self, Files};
use crate::frames::FramePool;
use crate::ipc_syscalls;
use crate::memory_syscalls::{self, MmapArea};
use crate::objects::Progress;
use crate::page_table::AddressSpace;
use crate::pipe_syscalls;
use crate::scheduler::WaitKey;
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

const STDIN: usize = 0;
const STDOUT: usize = 1;
const STDERR: usize = 2;

const A0: usize = 10;
const A1: usize = 11;
const A2: usize = 12;
const A3: usize = 13;
const A4: usize = 14;
const A7: usize = 17;

/// What the process does after the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Continue,
    /// Let the other ready processes run first.
    Yield,
    /// Block until `time` reaches this tick.
    SleepUntil(u64),
    /// Block until the key is woken, then run the call again.
    Block(WaitKey),
    Exit(i32),
}

/// A process's memory as the memory calls change it.
pub struct Memory<'a> {
    pub space: &'a mut AddressSpace,
    pub mmap: &'a mut MmapArea,
    pub frames: &'a mut FramePool,
}

/// Serves the syscall in `regs` of process `pid`, writing the result to a0
/// (for yield and sleep, 0: the process sees it when it runs again);
/// `memory` is its address space, `files` its fd table and the file store.
pub fn handle(
    pid: usize,
    memory: &mut Memory<'_>,
    files: &mut Files<'_>,
    regs: &mut [usize; 32],
    clock: &Clock,
) -> Action {
    let space = &*memory.space;
    match blocking_call(pid, space, files, regs) {
        Some(Progress::Block(key)) => return Action::Block(key),
        Some(Progress::Done(result)) => {
            regs[A0] = result as usize;
            return Action::Continue;
        }
        None => {}
    }
    let result = match regs[A7] {
        SYS_WRITE if regs[A0] == STDOUT || regs[A0] == STDERR => {
            write_console(space, regs[A1], regs[A2])
        }
        SYS_WRITE => file_syscalls::write(space, files, regs[A0], regs[A1], regs[A2]),
        SYS_READ if regs[A0] == STDIN => console_input::read(space, regs[A1], regs[A2]),
        SYS_READ => file_syscalls::read(space, files, regs[A0], regs[A1], regs[A2]),
        abi::nr::PIPE2 => pipe_syscalls::pipe2(space, files, regs[A0], regs[A1]),
        abi::nr::PIPE_OPEN => pipe_syscalls::pipe_open(files, regs[A0], regs[A1]),
        abi::nr::ENDPOINT_CREATE => ipc_syscalls::create(files, regs[A0]),
        abi::nr::ENDPOINT_OPEN => ipc_syscalls::open(files, regs[A0]),
        abi::nr::IPC_REPLY => ipc_syscalls::reply(space, files, pid, (regs[A0], regs[A1])),
        SYS_OPENAT => file_syscalls::openat(space, files, regs[A1], regs[A2]),
        SYS_CLOSE => file_syscalls::close(files, regs[A0]),
        SYS_LSEEK => file_syscalls::lseek(files, regs[A0], regs[A1], regs[A2]),
        SYS_GETPID => pid as isize,
        SYS_CLOCK_GETTIME => {
            // Nanoseconds fit isize for ~292 years of uptime; saturate after.
            isize::try_from(clock.ticks_to_ns(timer::now())).unwrap_or(isize::MAX)
        }
        SYS_SCHED_YIELD => {
            regs[A0] = 0;
            return Action::Yield;
        }
        SYS_NANOSLEEP => match u64::try_from(regs[A0] as isize) {
            Ok(ns) => {
                regs[A0] = 0;
                let deadline = timer::now().saturating_add(clock.ns_to_ticks(ns));
                return Action::SleepUntil(deadline);
            }
            Err(_) => -EINVAL,
        },
        SYS_EXIT => return Action::Exit(regs[A0] as i32),
        abi::nr::MMAP => memory_syscalls::mmap(
            memory.space,
            memory.mmap,
            memory.frames,
            regs[A0],
            regs[A1],
            regs[A2],
            regs[A3],
        ),
        abi::nr::MUNMAP => memory_syscalls::munmap(memory.space, memory.frames, regs[A0], regs[A1]),
        abi::nr::SIMCTL_MAP => memory_syscalls::simctl_map(memory.space, memory.frames),
        _ => -ENOSYS,
    };
    regs[A0] = result as usize;
    Action::Continue
}

/// The calls that may block (pipe read/write, IPC send, recv, call,
/// reply_recv), or `None` for any other call.
fn blocking_call(
    pid: usize,
    space: &AddressSpace,
    files: &mut Files<'_>,
    regs: &[usize; 32],
) -> Option<Progress> {
    let (a0, a1, a2, a3, a4) = (regs[A0], regs[A1], regs[A2], regs[A3], regs[A4]);
    Some(match regs[A7] {
        SYS_READ if a0 != STDIN && pipe_syscalls::is_pipe(files, a0) => {
            pipe_syscalls::read(space, files, a0, a1, a2)
        }
        SYS_WRITE if pipe_syscalls::is_pipe(files, a0) => {
            pipe_syscalls::write(space, files, a0, a1, a2)
        }
        abi::nr::IPC_SEND => ipc_syscalls::send(space, files, pid, a0, (a1, a2), None),
        abi::nr::IPC_CALL => ipc_syscalls::send(space, files, pid, a0, (a1, a2), Some((a3, a4))),
        abi::nr::IPC_RECV => ipc_syscalls::recv(space, files, pid, a0, a1, a2),
        abi::nr::IPC_REPLY_RECV => {
            ipc_syscalls::reply_recv(space, files, pid, a0, (a1, a2), (a3, a4))
        }
        _ => return None,
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

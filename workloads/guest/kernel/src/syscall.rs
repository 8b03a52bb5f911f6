//! The system calls (number in a7, arguments in a0.., result in a0,
//! negative = -errno; Linux RISC-V numbers). Arguments are never trusted:
//! pointers go through [`crate::user_memory`].

use crate::console;
use crate::page_table::AddressSpace;
use crate::user_memory::read_user;

const SYS_WRITE: usize = 64;
const SYS_EXIT: usize = 93;
const SYS_GETPID: usize = 172;

const EBADF: isize = 9;
const EFAULT: isize = 14;
const ENOSYS: isize = 38;

const STDOUT: usize = 1;
const STDERR: usize = 2;

const A0: usize = 10;
const A1: usize = 11;
const A2: usize = 12;
const A7: usize = 17;

/// What the process does after the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Continue,
    Exit(i32),
}

/// Serves the syscall in `regs` of process `pid`, writing the result to a0.
pub fn handle(pid: usize, space: &AddressSpace, regs: &mut [usize; 32]) -> Action {
    let result = match regs[A7] {
        SYS_WRITE => write(space, regs[A0], regs[A1], regs[A2]),
        SYS_GETPID => pid as isize,
        SYS_EXIT => return Action::Exit(regs[A0] as i32),
        _ => -ENOSYS,
    };
    regs[A0] = result as usize;
    Action::Continue
}

/// write(fd, buf, len): stdout and stderr go to the console.
fn write(space: &AddressSpace, fd: usize, buf: usize, len: usize) -> isize {
    if fd != STDOUT && fd != STDERR {
        return -EBADF;
    }
    match read_user(space, buf, len, console::write_bytes) {
        // A successful range fits in user space (< 2 GiB), so in isize.
        Ok(()) => len as isize,
        Err(_) => -EFAULT,
    }
}

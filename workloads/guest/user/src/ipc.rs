//! Wrappers for pipes and the synchronous IPC endpoints (see
//! `abi::nr::ENDPOINT_CREATE` .. `PIPE_OPEN`). Results are raw: >= 0 on
//! success, -errno on failure, like the syscalls.

use crate::sys::{syscall3, syscall6};
use abi::nr;

/// pipe_open flags: which end.
pub const PIPE_READ: usize = 0;
pub const PIPE_WRITE: usize = 1;

/// pipe2(fds, 0): on success fds = [read end, write end].
pub fn pipe(fds: &mut [i32; 2]) -> isize {
    syscall3(nr::PIPE2, fds.as_mut_ptr() as usize, 0, 0)
}

/// Opens end `flags` ([`PIPE_READ`] / [`PIPE_WRITE`]) of named pipe `key`.
pub fn pipe_open(key: usize, flags: usize) -> isize {
    syscall3(nr::PIPE_OPEN, key, flags, 0)
}

/// Writes all of `buf` to `fd` (looping over short writes); returns the
/// bytes written or the first error.
pub fn write_all(fd: usize, buf: &[u8]) -> isize {
    let mut done = 0;
    while done < buf.len() {
        let n = crate::sys::write(fd, &buf[done..]);
        if n <= 0 {
            return n;
        }
        done += n as usize;
    }
    done as isize
}

/// Reads until `buf` is full or end of file; returns the bytes read or
/// the first error.
pub fn read_full(fd: usize, buf: &mut [u8]) -> isize {
    let mut done = 0;
    while done < buf.len() {
        let n = crate::sys::read(fd, &mut buf[done..]);
        if n < 0 {
            return n;
        }
        if n == 0 {
            break;
        }
        done += n as usize;
    }
    done as isize
}

/// A new endpoint named `key` -> fd.
pub fn endpoint_create(key: usize) -> isize {
    syscall3(nr::ENDPOINT_CREATE, key, 0, 0)
}

/// The endpoint named `key` -> fd.
pub fn endpoint_open(key: usize) -> isize {
    syscall3(nr::ENDPOINT_OPEN, key, 0, 0)
}

/// Sends `msg`; returns once a receiver took it.
pub fn send(ep: usize, msg: &[u8]) -> isize {
    syscall3(nr::IPC_SEND, ep, msg.as_ptr() as usize, msg.len())
}

/// Receives a message into `buf` -> its length.
pub fn recv(ep: usize, buf: &mut [u8]) -> isize {
    syscall3(nr::IPC_RECV, ep, buf.as_mut_ptr() as usize, buf.len())
}

/// Sends `msg` and waits for the reply in `reply` -> the reply's length.
pub fn call(ep: usize, msg: &[u8], reply: &mut [u8]) -> isize {
    syscall6(
        nr::IPC_CALL,
        [
            ep,
            msg.as_ptr() as usize,
            msg.len(),
            reply.as_mut_ptr() as usize,
            reply.len(),
            0,
        ],
    )
}

/// Answers the call received last.
pub fn reply(msg: &[u8]) -> isize {
    syscall3(nr::IPC_REPLY, msg.as_ptr() as usize, msg.len(), 0)
}

/// Answers the call received last (if any), then receives the next
/// message into `buf` -> its length.
pub fn reply_recv(ep: usize, msg: &[u8], buf: &mut [u8]) -> isize {
    syscall6(
        nr::IPC_REPLY_RECV,
        [
            ep,
            msg.as_ptr() as usize,
            msg.len(),
            buf.as_mut_ptr() as usize,
            buf.len(),
            0,
        ],
    )
}

//! The IPC endpoint system calls (asyncsim numbers 520..=526), on
//! [`crate::ipc`]. Endpoints are fds; messages are at most 256 bytes.
//!
//! | nr  | call | result |
//! |-----|------|--------|
//! | 520 | endpoint_create(key) | fd; -EEXIST if the key is taken |
//! | 521 | endpoint_open(key) | fd; -ENOENT if no endpoint has the key |
//! | 522 | ipc_send(fd, buf, len) | 0 once a receiver took the message |
//! | 523 | ipc_recv(fd, buf, cap) | bytes received (a longer message is truncated to `cap`) |
//! | 524 | ipc_call(fd, buf, len, rbuf, rcap) | bytes of the reply (truncated to `rcap`) |
//! | 525 | ipc_reply(buf, len) | 0; -EINVAL if no call awaits a reply from this process |
//! | 526 | ipc_reply_recv(fd, buf, len, rbuf, rcap) | replies (if a call awaits one) then receives, as ipc_recv |
//!
//! send, recv and call block until their partner arrives (call: until the
//! reply). Errors: -EBADF (not an endpoint fd), -EINVAL (len > 256),
//! -EFAULT (a buffer is not mapped for the access; checked before the
//! call blocks or has any effect), -EMFILE, -ENOSPC (endpoint table
//! full), and -EPIPE when the partner dies: a caller whose server ended
//! (or took another call without replying) before the reply.

use crate::access::access_ok;
use crate::fd_table::Entry;
use crate::file_syscalls::{Files, EBADF, EFAULT, EINVAL, EMFILE, ENOENT, ENOSPC};
use crate::ipc::{IpcError, Step, MAX_MESSAGE};
use crate::objects::{ipc_wait, Progress};
use crate::page_table::AddressSpace;
use crate::user_memory::{read_user, write_user};
use abi::errno::{EEXIST, EPIPE};

const _: () = assert!(MAX_MESSAGE == abi::nr::IPC_MAX_MESSAGE);

/// endpoint_create(key).
pub fn create(files: &mut Files<'_>, key: usize) -> isize {
    if !files.table.has_room() {
        return -EMFILE;
    }
    match files.ipc.create(key) {
        Ok(ep) => install(files, ep),
        Err(e) => -errno(e),
    }
}

/// endpoint_open(key).
pub fn open(files: &mut Files<'_>, key: usize) -> isize {
    if !files.table.has_room() {
        return -EMFILE;
    }
    match files.ipc.open(key) {
        Ok(ep) => install(files, ep),
        Err(e) => -errno(e),
    }
}

/// ipc_send (`reply` None) or ipc_call (`reply` = (rbuf, rcap)) of
/// process `pid`, first run or restart.
pub fn send(
    space: &AddressSpace,
    files: &mut Files<'_>,
    pid: usize,
    fd: usize,
    msg: (usize, usize),
    reply: Option<(usize, usize)>,
) -> Progress {
    if files.ipc.busy(pid) {
        let (rbuf, rcap) = reply.unwrap_or((0, 0));
        let step = files.ipc.resume(pid, |m| copy_out(space, rbuf, rcap, m));
        return progress(step);
    }
    let Some(ep) = endpoint(files, fd) else {
        return Progress::Done(-EBADF);
    };
    if let Some((rbuf, rcap)) = reply {
        if !writable(space, rbuf, rcap) {
            return Progress::Done(-EFAULT);
        }
    }
    if let Err(errno) = readable(space, msg) {
        return Progress::Done(-errno);
    }
    let wakes = &mut *files.wakes;
    progress(files.ipc.start_send(
        pid,
        ep,
        msg.1,
        |buf| copy_in(space, msg.0, buf),
        reply.is_some(),
        &mut |w| wakes.add(ipc_wait(w)),
    ))
}

/// ipc_recv(fd, buf, cap) of process `pid`.
pub fn recv(
    space: &AddressSpace,
    files: &mut Files<'_>,
    pid: usize,
    fd: usize,
    buf: usize,
    cap: usize,
) -> Progress {
    let Some(ep) = endpoint(files, fd) else {
        return Progress::Done(-EBADF);
    };
    if !writable(space, buf, cap) {
        return Progress::Done(-EFAULT);
    }
    let wakes = &mut *files.wakes;
    progress(
        files
            .ipc
            .recv(pid, ep, |m| copy_out(space, buf, cap, m), &mut |w| {
                wakes.add(ipc_wait(w))
            }),
    )
}

/// ipc_reply(buf, len) of process `pid`.
pub fn reply(
    space: &AddressSpace,
    files: &mut Files<'_>,
    pid: usize,
    msg: (usize, usize),
) -> isize {
    if let Err(errno) = readable(space, msg) {
        return -errno;
    }
    let wakes = &mut *files.wakes;
    match files
        .ipc
        .reply(pid, msg.1, |buf| copy_in(space, msg.0, buf), &mut |w| {
            wakes.add(ipc_wait(w))
        }) {
        Ok(()) => 0,
        Err(e) => -errno(e),
    }
}

/// ipc_reply_recv(fd, buf, len, rbuf, rcap): the reply half runs once
/// (not again when the receive half blocked and restarts) and is skipped
/// quietly when no call awaits a reply (the first round of a server).
pub fn reply_recv(
    space: &AddressSpace,
    files: &mut Files<'_>,
    pid: usize,
    fd: usize,
    msg: (usize, usize),
    into: (usize, usize),
) -> Progress {
    if endpoint(files, fd).is_none() {
        return Progress::Done(-EBADF);
    }
    if !files.ipc.receiving(pid) {
        if !writable(space, into.0, into.1) {
            return Progress::Done(-EFAULT);
        }
        if let Err(errno) = readable(space, msg) {
            return Progress::Done(-errno);
        }
        let wakes = &mut *files.wakes;
        match files
            .ipc
            .reply(pid, msg.1, |buf| copy_in(space, msg.0, buf), &mut |w| {
                wakes.add(ipc_wait(w))
            }) {
            Ok(()) | Err(IpcError::NoCaller) => {}
            Err(e) => return Progress::Done(-errno(e)),
        }
    }
    recv(space, files, pid, fd, into.0, into.1)
}

/// The endpoint behind `fd`.
fn endpoint(files: &Files<'_>, fd: usize) -> Option<usize> {
    match files.table.entry(fd) {
        Some(Entry::Endpoint(ep)) => Some(ep),
        _ => None,
    }
}

/// Gives the new reference to endpoint `ep` an fd.
fn install(files: &mut Files<'_>, ep: usize) -> isize {
    match files.table.insert_entry(Entry::Endpoint(ep)) {
        // fds are < MAX_FDS.
        Ok(fd) => fd as isize,
        Err(_) => {
            files.ipc.close(ep);
            -EMFILE
        }
    }
}

/// Copies the user message at `va` into `buf` (the kernel's message
/// slot, of the message's length).
fn copy_in(space: &AddressSpace, va: usize, buf: &mut [u8]) -> Result<(), IpcError> {
    let mut at = 0;
    read_user(space, va, buf.len(), |chunk| {
        buf[at..at + chunk.len()].copy_from_slice(chunk);
        at += chunk.len();
    })
    .map_err(|_| IpcError::Fault)
}

/// Checks a message to send, before anything happens (so that errors do
/// not depend on whether a partner is there): -EINVAL if too long,
/// -EFAULT if not readable user memory.
fn readable(space: &AddressSpace, (va, len): (usize, usize)) -> Result<(), isize> {
    if len > MAX_MESSAGE {
        return Err(EINVAL);
    }
    if !access_ok(va, len) || read_user(space, va, len, |_| {}).is_err() {
        return Err(EFAULT);
    }
    Ok(())
}

/// Whether a receive buffer of capacity `cap` at `va` is fine: in user
/// space, and writable for the most a message can fill.
fn writable(space: &AddressSpace, va: usize, cap: usize) -> bool {
    access_ok(va, cap) && write_user(space, va, cap.min(MAX_MESSAGE), |_| {}).is_ok()
}

/// Copies `message` (truncated to `cap`) to user buffer `va`.
fn copy_out(
    space: &AddressSpace,
    va: usize,
    cap: usize,
    message: &[u8],
) -> Result<usize, IpcError> {
    let n = message.len().min(cap);
    let mut at = 0;
    write_user(space, va, n, |chunk| {
        chunk.copy_from_slice(&message[at..at + chunk.len()]);
        at += chunk.len();
    })
    .map_err(|_| IpcError::Fault)?;
    Ok(n)
}

/// The a0 value or block of a step.
fn progress(step: Result<Step, IpcError>) -> Progress {
    match step {
        // Results are message lengths (<= 256).
        Ok(Step::Done(n)) => Progress::Done(n as isize),
        Ok(Step::Block(wait)) => Progress::Block(ipc_wait(wait)),
        Err(e) => Progress::Done(-errno(e)),
    }
}

/// The errno of an IPC error.
fn errno(e: IpcError) -> isize {
    match e {
        IpcError::Exists => EEXIST,
        IpcError::NotFound => ENOENT,
        IpcError::NoSpace => ENOSPC,
        IpcError::TooLong | IpcError::NoCaller => EINVAL,
        IpcError::PartnerGone => EPIPE,
        IpcError::Fault => EFAULT,
    }
}

//! The pipe system calls: pipe2(59) makes an anonymous pipe, pipe_open
//! (asyncsim 527) opens an end of a named one, and read(63)/write(64) on a
//! pipe fd move bytes, blocking (see [`Progress::Block`]) while a read
//! finds the pipe empty but a writer left, or a write finds no room.
//! A read returns what is buffered (up to its length), 0 at end of file;
//! a write of at most `PIPE_CAPACITY` bytes is all-or-wait, a longer one
//! returns how much fit; -EPIPE once every reader is gone. Buffers are
//! checked before anything happens, so a bad pointer is -EFAULT at once
//! (even when the call would block) and leaves the pipe as it was.

use crate::access::access_ok;
use crate::fd_table::{Entry, FdTable};
use crate::file_syscalls::{Files, EBADF, EFAULT, EINVAL, EMFILE, ENOSPC};
use crate::objects::{pipe_readable, pipe_writable, Progress};
use crate::page_table::AddressSpace;
use crate::pipe::{End, PipeId, ReadState, WriteState, PIPE_CAPACITY};
use crate::user_memory::{read_user, write_user};

use abi::errno::EPIPE;

const _: () = assert!(PIPE_CAPACITY == abi::nr::PIPE_CAPACITY);

const O_RDONLY: usize = 0;
const O_WRONLY: usize = 1;

/// pipe2(fds, flags): writes [read fd, write fd] as two i32 to `fds`.
/// Only flags 0 is supported.
pub fn pipe2(space: &AddressSpace, files: &mut Files<'_>, fds: usize, flags: usize) -> isize {
    if flags != 0 {
        return -EINVAL;
    }
    // Check the result buffer first: a bad one must leave nothing open.
    if write_user(space, fds, 8, |_| {}).is_err() {
        return -EFAULT;
    }
    if files.table.free() < 2 {
        return -EMFILE;
    }
    let Ok(id) = files.pipes.create() else {
        return -ENOSPC;
    };
    let (Ok(r), Ok(w)) = (
        files.table.insert_entry(Entry::PipeRead(id)),
        files.table.insert_entry(Entry::PipeWrite(id)),
    ) else {
        // Cannot happen (two fds were free); undo anyway.
        files.pipes.close(id, End::Read);
        files.pipes.close(id, End::Write);
        return -EMFILE;
    };
    let mut pair = [0u8; 8];
    // fds are < MAX_FDS, so they fit i32.
    pair[..4].copy_from_slice(&(r as i32).to_le_bytes());
    pair[4..].copy_from_slice(&(w as i32).to_le_bytes());
    let mut at = 0;
    let written = write_user(space, fds, 8, |chunk| {
        chunk.copy_from_slice(&pair[at..at + chunk.len()]);
        at += chunk.len();
    });
    match written {
        Ok(()) => 0,
        Err(_) => -EFAULT,
    }
}

/// pipe_open(key, flags): opens the read (O_RDONLY) or write (O_WRONLY)
/// end of the named pipe `key`, creating the pipe on first use.
pub fn pipe_open(files: &mut Files<'_>, key: usize, flags: usize) -> isize {
    let (end, entry): (End, fn(PipeId) -> Entry) = match flags {
        O_RDONLY => (End::Read, Entry::PipeRead),
        O_WRONLY => (End::Write, Entry::PipeWrite),
        _ => return -EINVAL,
    };
    if !files.table.has_room() {
        return -EMFILE;
    }
    let Ok(id) = files.pipes.open_named(key, end) else {
        return -ENOSPC;
    };
    match files.table.insert_entry(entry(id)) {
        // fds are < MAX_FDS.
        Ok(fd) => {
            // A new end may end a wait (the other side's first opener).
            files.wakes.add(pipe_readable(id));
            files.wakes.add(pipe_writable(id));
            fd as isize
        }
        Err(_) => {
            files.pipes.close(id, end);
            -EMFILE
        }
    }
}

/// Whether `fd` is a pipe end (read and write go here, not to memfs).
pub fn is_pipe(table: &FdTable, fd: usize) -> bool {
    matches!(
        table.entry(fd),
        Some(Entry::PipeRead(_) | Entry::PipeWrite(_))
    )
}

/// read(fd, buf, len) on a pipe end.
pub fn read(
    space: &AddressSpace,
    files: &mut Files<'_>,
    fd: usize,
    buf: usize,
    len: usize,
) -> Progress {
    let Some(Entry::PipeRead(id)) = files.table.entry(fd) else {
        return Progress::Done(-EBADF);
    };
    // A read never returns more than the pipe holds.
    if !access_ok(buf, len) {
        return Progress::Done(-EFAULT);
    }
    let len = len.min(PIPE_CAPACITY);
    if write_user(space, buf, len, |_| {}).is_err() {
        return Progress::Done(-EFAULT);
    }
    if len == 0 {
        return Progress::Done(0);
    }
    match files.pipes.read_state(id) {
        ReadState::Wait => Progress::Block(pipe_readable(id)),
        ReadState::Eof => Progress::Done(0),
        ReadState::Data(available) => {
            let n = available.min(len);
            let pipes = &mut *files.pipes;
            let copied = write_user(space, buf, n, |chunk| {
                pipes.read(id, chunk);
            });
            match copied {
                Ok(()) => {
                    files.wakes.add(pipe_writable(id));
                    // n <= PIPE_CAPACITY.
                    Progress::Done(n as isize)
                }
                Err(_) => Progress::Done(-EFAULT),
            }
        }
    }
}

/// write(fd, buf, len) on a pipe end.
pub fn write(
    space: &AddressSpace,
    files: &mut Files<'_>,
    fd: usize,
    buf: usize,
    len: usize,
) -> Progress {
    let Some(Entry::PipeWrite(id)) = files.table.entry(fd) else {
        return Progress::Done(-EBADF);
    };
    // Nothing past the first PIPE_CAPACITY bytes is taken in one call.
    if !access_ok(buf, len) {
        return Progress::Done(-EFAULT);
    }
    if read_user(space, buf, len.min(PIPE_CAPACITY), |_| {}).is_err() {
        return Progress::Done(-EFAULT);
    }
    match files.pipes.write_state(id, len) {
        WriteState::Broken => Progress::Done(-EPIPE),
        WriteState::Wait => Progress::Block(pipe_writable(id)),
        WriteState::Room(n) => {
            let pipes = &mut *files.pipes;
            let copied = read_user(space, buf, n, |chunk| {
                pipes.write(id, chunk);
            });
            match copied {
                Ok(()) => {
                    if n > 0 {
                        files.wakes.add(pipe_readable(id));
                    }
                    // n <= PIPE_CAPACITY.
                    Progress::Done(n as isize)
                }
                Err(_) => Progress::Done(-EFAULT),
            }
        }
    }
}

//! The file system calls on [`crate::memfs`]: openat, close, read, write
//! (to files; fds 1 and 2 stay the console, see [`crate::syscall`]) and
//! lseek. Results are bytes/fd/offset or -errno; user pointers go through
//! [`crate::user_memory`], so a bad one is -EFAULT with no effect.

use crate::fd_table::{FdTable, OpenFile};
use crate::ipc::Ipc;
use crate::memfs::{FsError, MemFs, MAX_NAME};
use crate::objects::{self, Wakes};
use crate::page_table::AddressSpace;
use crate::pipe::Pipes;
use crate::user_memory::{read_user, write_user};

pub const ENOENT: isize = 2;
pub const EBADF: isize = 9;
pub const EFAULT: isize = 14;
pub const EINVAL: isize = 22;
pub const EMFILE: isize = 24;
pub const ENOSPC: isize = 28;
pub const ENAMETOOLONG: isize = 36;

const O_ACCMODE: usize = 0x3;
const O_RDONLY: usize = 0x0;
const O_WRONLY: usize = 0x1;
const O_RDWR: usize = 0x2;
const O_CREAT: usize = 0x40;
const O_TRUNC: usize = 0x200;

const SEEK_SET: usize = 0;
const SEEK_CUR: usize = 1;
const SEEK_END: usize = 2;

/// A process's fd table plus the shared objects its fds refer to.
pub struct Files<'a> {
    pub table: &'a mut FdTable,
    pub fs: &'a mut MemFs,
    pub pipes: &'a mut Pipes,
    pub ipc: &'a mut Ipc,
    /// Wake-ups the calls cause (see [`crate::objects`]).
    pub wakes: &'a mut Wakes,
}

/// openat(dirfd, path, flags): dirfd is ignored (one flat directory).
pub fn openat(space: &AddressSpace, files: &mut Files<'_>, path: usize, flags: usize) -> isize {
    let (readable, writable) = match flags & O_ACCMODE {
        O_RDONLY => (true, false),
        O_WRONLY => (false, true),
        O_RDWR => (true, true),
        _ => return -EINVAL,
    };
    if flags & !(O_ACCMODE | O_CREAT | O_TRUNC) != 0 {
        return -EINVAL;
    }
    let mut name = [0u8; MAX_NAME];
    let len = match copy_path(space, path, &mut name) {
        Ok(len) => len,
        Err(errno) => return -errno,
    };
    let name = &name[..len];
    if !files.table.has_room() {
        return -EMFILE;
    }
    let file = match files.fs.lookup(name) {
        Some(id) => id,
        None if flags & O_CREAT != 0 => match files.fs.open_or_create(name) {
            Ok(id) => id,
            Err(e) => return -errno(e),
        },
        None => return -ENOENT,
    };
    if flags & O_TRUNC != 0 && writable {
        if let Err(e) = files.fs.truncate(file) {
            return -errno(e);
        }
    }
    let open = OpenFile {
        file,
        offset: 0,
        readable,
        writable,
    };
    match files.table.insert(open) {
        Ok(fd) => fd as isize,
        Err(_) => -EMFILE,
    }
}

/// close(fd): a file, a pipe end or an endpoint.
pub fn close(files: &mut Files<'_>, fd: usize) -> isize {
    match files.table.remove(fd) {
        Some(entry) => {
            objects::release_entry(files.pipes, files.ipc, files.wakes, entry);
            0
        }
        None => -EBADF,
    }
}

/// read(fd, buf, len) from a file opened for reading.
pub fn read(
    space: &AddressSpace,
    files: &mut Files<'_>,
    fd: usize,
    buf: usize,
    len: usize,
) -> isize {
    let Some(open) = files.table.get_mut(fd).filter(|o| o.readable) else {
        return -EBADF;
    };
    let fs = &*files.fs;
    let n = fs.len(open.file).saturating_sub(open.offset).min(len);
    let mut at = open.offset;
    let copied = write_user(space, buf, n, |chunk| {
        // Cannot fail: the file exists and `at..at+chunk` lies below its length.
        at += fs.read_at(open.file, at, chunk).unwrap_or(0);
    });
    match copied {
        Ok(()) => {
            open.offset += n;
            // n <= the file size (KiBs), so it fits isize.
            n as isize
        }
        Err(_) => -EFAULT,
    }
}

/// write(fd, buf, len) to a file opened for writing.
pub fn write(
    space: &AddressSpace,
    files: &mut Files<'_>,
    fd: usize,
    buf: usize,
    len: usize,
) -> isize {
    let Some(open) = files.table.get_mut(fd).filter(|o| o.writable) else {
        return -EBADF;
    };
    let n = match MemFs::writable_len(open.offset, len) {
        Ok(n) => n,
        Err(e) => return -errno(e),
    };
    let fs = &mut *files.fs;
    let mut at = open.offset;
    let copied = read_user(space, buf, n, |chunk| {
        // Cannot fail: the file exists and `writable_len` bounded the range.
        at += fs.write_at(open.file, at, chunk).unwrap_or(0);
    });
    match copied {
        Ok(()) => {
            open.offset = at;
            // n <= MAX_FILE_SIZE, so it fits isize.
            n as isize
        }
        Err(_) => -EFAULT,
    }
}

/// lseek(fd, offset, whence) -> the new offset.
pub fn lseek(files: &mut Files<'_>, fd: usize, offset: usize, whence: usize) -> isize {
    let fs = &*files.fs;
    let Some(open) = files.table.get_mut(fd) else {
        return -EBADF;
    };
    let base = match whence {
        SEEK_SET => 0,
        SEEK_CUR => open.offset,
        SEEK_END => fs.len(open.file),
        _ => return -EINVAL,
    };
    // Offsets stay in 0..=isize::MAX, so the result fits a0.
    match isize::try_from(base)
        .ok()
        .and_then(|b| b.checked_add(offset as isize))
        .filter(|&o| o >= 0)
    {
        Some(new) => {
            open.offset = new as usize;
            new
        }
        None => -EINVAL,
    }
}

/// Copies the NUL-terminated path at user address `va` into `name`;
/// returns its length or an errno (bad pointer, empty, too long). Reads
/// byte by byte so a short name at the end of a mapped page is fine.
fn copy_path(space: &AddressSpace, va: usize, name: &mut [u8; MAX_NAME]) -> Result<usize, isize> {
    for (i, slot) in name.iter_mut().enumerate() {
        let byte = user_byte(space, va, i)?;
        if byte == 0 {
            return if i == 0 { Err(ENOENT) } else { Ok(i) };
        }
        *slot = byte;
    }
    // The name fills the buffer: fine only if a NUL follows.
    match user_byte(space, va, MAX_NAME)? {
        0 => Ok(MAX_NAME),
        _ => Err(ENAMETOOLONG),
    }
}

/// The byte at user address `va + i`, or EFAULT.
fn user_byte(space: &AddressSpace, va: usize, i: usize) -> Result<u8, isize> {
    let at = va.checked_add(i).ok_or(EFAULT)?;
    let mut byte = 0u8;
    read_user(space, at, 1, |b| byte = b.first().copied().unwrap_or(0)).map_err(|_| EFAULT)?;
    Ok(byte)
}

/// The errno for a store error.
fn errno(e: FsError) -> isize {
    match e {
        FsError::NotFound => ENOENT,
        FsError::NoSpace => ENOSPC,
        FsError::BadName => EINVAL,
    }
}

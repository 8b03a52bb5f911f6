//! A process's open files: fd -> (file, offset, access). Fds 0..2 are the
//! console and never in the table; opened files get the lowest free fd
//! from [`FIRST_FD`] up to [`MAX_FDS`] - 1. Host-testable (no user memory).

/// Fds a process can have (including the three console fds).
pub const MAX_FDS: usize = 16;
/// Lowest fd [`FdTable::insert`] hands out.
pub const FIRST_FD: usize = 3;

/// One open file description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFile {
    /// The file's index in the store (a `memfs::FileId`).
    pub file: usize,
    pub offset: usize,
    pub readable: bool,
    pub writable: bool,
}

/// Per-process fd table.
#[derive(Debug, Clone, Default)]
pub struct FdTable {
    slots: [Option<OpenFile>; MAX_FDS],
}

/// Every fd is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableFull;

impl FdTable {
    /// An empty table.
    pub const fn new() -> Self {
        Self {
            slots: [None; MAX_FDS],
        }
    }

    /// Whether [`FdTable::insert`] would succeed.
    pub fn has_room(&self) -> bool {
        self.slots[FIRST_FD..].iter().any(Option::is_none)
    }

    /// Stores `open` under the lowest free fd and returns it.
    pub fn insert(&mut self, open: OpenFile) -> Result<usize, TableFull> {
        let fd = (FIRST_FD..MAX_FDS)
            .find(|&fd| self.slots[fd].is_none())
            .ok_or(TableFull)?;
        self.slots[fd] = Some(open);
        Ok(fd)
    }

    /// The open file behind `fd`, if any.
    pub fn get_mut(&mut self, fd: usize) -> Option<&mut OpenFile> {
        self.slots.get_mut(fd)?.as_mut()
    }

    /// Closes `fd`; returns what it was, `None` if it was not open.
    pub fn remove(&mut self, fd: usize) -> Option<OpenFile> {
        self.slots.get_mut(fd)?.take()
    }
}

//! A process's open files: fd -> (file, offset, access), a pipe end or an
//! IPC endpoint. Fds 0..2 are the console and never in the table; opened
//! objects get the lowest free fd from [`FIRST_FD`] up to [`MAX_FDS`] - 1.
//! Host-testable (no user memory).

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

/// What an fd refers to. Pipes and endpoints are indices into the
/// kernel's tables, which count the references the fds hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    File(OpenFile),
    /// The read end of pipe N (`pipe::PipeId`).
    PipeRead(usize),
    /// The write end of pipe N.
    PipeWrite(usize),
    /// IPC endpoint N (`ipc::EndpointId`).
    Endpoint(usize),
}

/// Per-process fd table.
#[derive(Debug, Clone, Default)]
pub struct FdTable {
    slots: [Option<Entry>; MAX_FDS],
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
        self.free() >= 1
    }

    /// How many fds are free (pipe2 needs two).
    pub fn free(&self) -> usize {
        self.slots[FIRST_FD..]
            .iter()
            .filter(|s| s.is_none())
            .count()
    }

    /// Stores `open` under the lowest free fd and returns it.
    pub fn insert(&mut self, open: OpenFile) -> Result<usize, TableFull> {
        self.insert_entry(Entry::File(open))
    }

    /// Stores `entry` under the lowest free fd and returns it.
    pub fn insert_entry(&mut self, entry: Entry) -> Result<usize, TableFull> {
        let fd = (FIRST_FD..MAX_FDS)
            .find(|&fd| self.slots[fd].is_none())
            .ok_or(TableFull)?;
        self.slots[fd] = Some(entry);
        Ok(fd)
    }

    /// The open file behind `fd`, if it is one.
    pub fn get_mut(&mut self, fd: usize) -> Option<&mut OpenFile> {
        match self.slots.get_mut(fd)? {
            Some(Entry::File(open)) => Some(open),
            _ => None,
        }
    }

    /// What `fd` refers to, if it is open.
    pub fn entry(&self, fd: usize) -> Option<Entry> {
        *self.slots.get(fd)?
    }

    /// Closes `fd`; returns what it was, `None` if it was not open.
    pub fn remove(&mut self, fd: usize) -> Option<Entry> {
        self.slots.get_mut(fd)?.take()
    }

    /// Closes every fd (the process ended), handing each entry to `close`
    /// so that the objects it refers to drop their reference.
    pub fn close_all(&mut self, mut close: impl FnMut(Entry)) {
        self.slots
            .iter_mut()
            .filter_map(Option::take)
            .for_each(&mut close);
    }
}

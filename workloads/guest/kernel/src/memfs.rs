//! The in-kernel memory file system: a flat namespace of at most
//! [`MAX_FILES`] files of at most [`MAX_FILE_SIZE`] bytes each, held in a
//! fixed store the kernel owns (no allocator). Files live until power-off;
//! processes reach them through their fd tables ([`crate::fd_table`]).
//! Pure data structure: no user pointers here, so it is host-testable.

/// Files the store holds.
pub const MAX_FILES: usize = 16;
/// Bytes a file can hold.
pub const MAX_FILE_SIZE: usize = 16 * 1024;
/// Bytes of a file name (no NUL).
pub const MAX_NAME: usize = 32;

/// Index of a file in the store (stable while the kernel runs).
pub type FileId = usize;

/// Why a file operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsError {
    /// No such file.
    NotFound,
    /// Every slot is taken, or the file is full.
    NoSpace,
    /// Empty or over-long name.
    BadName,
}

struct File {
    used: bool,
    name: [u8; MAX_NAME],
    name_len: usize,
    len: usize,
    data: [u8; MAX_FILE_SIZE],
}

impl File {
    const EMPTY: File = File {
        used: false,
        name: [0; MAX_NAME],
        name_len: 0,
        len: 0,
        data: [0; MAX_FILE_SIZE],
    };

    fn name(&self) -> &[u8] {
        &self.name[..self.name_len]
    }
}

/// The file store.
pub struct MemFs {
    files: [File; MAX_FILES],
}

impl MemFs {
    /// An empty store (const, so it can be a zero-initialised static).
    pub const fn new() -> Self {
        Self {
            files: [File::EMPTY; MAX_FILES],
        }
    }

    /// The file named `name`.
    pub fn lookup(&self, name: &[u8]) -> Option<FileId> {
        self.files.iter().position(|f| f.used && f.name() == name)
    }

    /// The file named `name`, created empty if there is none.
    pub fn open_or_create(&mut self, name: &[u8]) -> Result<FileId, FsError> {
        if name.is_empty() || name.len() > MAX_NAME {
            return Err(FsError::BadName);
        }
        if let Some(id) = self.lookup(name) {
            return Ok(id);
        }
        let id = self
            .files
            .iter()
            .position(|f| !f.used)
            .ok_or(FsError::NoSpace)?;
        let file = &mut self.files[id];
        file.used = true;
        file.name[..name.len()].copy_from_slice(name);
        file.name_len = name.len();
        file.len = 0;
        Ok(id)
    }

    /// Bytes in file `id` (0 for an unused id).
    pub fn len(&self, id: FileId) -> usize {
        self.files.get(id).filter(|f| f.used).map_or(0, |f| f.len)
    }

    /// Empties file `id`.
    pub fn truncate(&mut self, id: FileId) -> Result<(), FsError> {
        self.file_mut(id)?.len = 0;
        Ok(())
    }

    /// Copies bytes of file `id` from `offset` into `buf`; returns how many
    /// (0 at or past the end).
    pub fn read_at(&self, id: FileId, offset: usize, buf: &mut [u8]) -> Result<usize, FsError> {
        let file = self
            .files
            .get(id)
            .filter(|f| f.used)
            .ok_or(FsError::NotFound)?;
        let n = file.len.saturating_sub(offset).min(buf.len());
        if n > 0 {
            buf[..n].copy_from_slice(&file.data[offset..offset + n]);
        }
        Ok(n)
    }

    /// How many of `len` bytes a write at `offset` can store; `NoSpace` if
    /// none of a non-empty write fits.
    pub fn writable_len(offset: usize, len: usize) -> Result<usize, FsError> {
        let n = MAX_FILE_SIZE.saturating_sub(offset).min(len);
        if n == 0 && len > 0 {
            return Err(FsError::NoSpace);
        }
        Ok(n)
    }

    /// Stores `data` in file `id` at `offset` (a gap past the end reads as
    /// zeros); returns how many bytes fit (see [`MemFs::writable_len`]).
    pub fn write_at(&mut self, id: FileId, offset: usize, data: &[u8]) -> Result<usize, FsError> {
        let n = Self::writable_len(offset, data.len())?;
        let file = self.file_mut(id)?;
        if n == 0 {
            return Ok(0);
        }
        if offset > file.len {
            file.data[file.len..offset].fill(0);
        }
        file.data[offset..offset + n].copy_from_slice(&data[..n]);
        file.len = file.len.max(offset + n);
        Ok(n)
    }

    fn file_mut(&mut self, id: FileId) -> Result<&mut File, FsError> {
        self.files
            .get_mut(id)
            .filter(|f| f.used)
            .ok_or(FsError::NotFound)
    }
}

impl Default for MemFs {
    fn default() -> Self {
        Self::new()
    }
}

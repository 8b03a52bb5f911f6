//! Pipes: bounded byte queues of [`PIPE_CAPACITY`] bytes with counted read
//! and write ends, held in a fixed table the kernel owns (no allocator).
//! Processes reach an end through their fd tables ([`crate::fd_table`]);
//! this file only decides what a read or write may do now, so it is pure
//! data and host-testable. The syscalls ([`crate::pipe_syscalls`]) block
//! the caller when the answer is "wait".
//!
//! Two ways to get a pipe: pipe2 makes an anonymous one with both ends
//! open, and a *named* pipe (key chosen by the user) lets processes that
//! share no fds meet: each opens the end it wants. A named pipe whose
//! other side has never been opened makes its users wait (like a FIFO's
//! blocking open) instead of reporting end-of-file or a broken pipe.

/// Bytes a pipe buffers. Writes of at most this many bytes are atomic.
pub const PIPE_CAPACITY: usize = 4096;
/// Pipes that can exist at once.
pub const MAX_PIPES: usize = 8;

/// Index of a pipe in the table.
pub type PipeId = usize;

/// Which end of a pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Read,
    Write,
}

/// Every pipe slot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSpace;

/// What a read may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadState {
    /// This many bytes are buffered.
    Data(usize),
    /// Empty and every writer is gone: end of file.
    Eof,
    /// Empty, but a writer may still write: block.
    Wait,
}

/// What a write of some length may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteState {
    /// Write this many bytes now.
    Room(usize),
    /// Every reader is gone: the write fails (EPIPE).
    Broken,
    /// Not enough room (or no reader yet): block.
    Wait,
}

struct Pipe {
    used: bool,
    /// The user's key of a named pipe, `None` for pipe2's.
    key: Option<usize>,
    readers: usize,
    writers: usize,
    /// Whether each end was ever open (a named pipe starts with neither).
    had_reader: bool,
    had_writer: bool,
    head: usize,
    len: usize,
    data: [u8; PIPE_CAPACITY],
}

impl Pipe {
    const EMPTY: Pipe = Pipe {
        used: false,
        key: None,
        readers: 0,
        writers: 0,
        had_reader: false,
        had_writer: false,
        head: 0,
        len: 0,
        data: [0; PIPE_CAPACITY],
    };
}

/// The pipe table.
pub struct Pipes {
    pipes: [Pipe; MAX_PIPES],
}

impl Default for Pipes {
    fn default() -> Self {
        Self::new()
    }
}

impl Pipes {
    /// An empty table (const, so it can be a zero-initialised static).
    pub const fn new() -> Self {
        Self {
            pipes: [Pipe::EMPTY; MAX_PIPES],
        }
    }

    /// A new anonymous pipe with one reader and one writer.
    pub fn create(&mut self) -> Result<PipeId, NoSpace> {
        let id = self.alloc(None)?;
        let pipe = &mut self.pipes[id];
        pipe.readers = 1;
        pipe.writers = 1;
        pipe.had_reader = true;
        pipe.had_writer = true;
        Ok(id)
    }

    /// Opens `end` of the named pipe `key`, creating the pipe if needed.
    pub fn open_named(&mut self, key: usize, end: End) -> Result<PipeId, NoSpace> {
        let id = match self.pipes.iter().position(|p| p.used && p.key == Some(key)) {
            Some(id) => id,
            None => self.alloc(Some(key))?,
        };
        let pipe = &mut self.pipes[id];
        match end {
            End::Read => {
                pipe.readers += 1;
                pipe.had_reader = true;
            }
            End::Write => {
                pipe.writers += 1;
                pipe.had_writer = true;
            }
        }
        Ok(id)
    }

    /// Closes one `end` of pipe `id`; the pipe is freed when no end is
    /// open. Returns whether the pipe existed with that end open.
    pub fn close(&mut self, id: PipeId, end: End) -> bool {
        let Some(pipe) = self.pipes.get_mut(id).filter(|p| p.used) else {
            return false;
        };
        let count = match end {
            End::Read => &mut pipe.readers,
            End::Write => &mut pipe.writers,
        };
        if *count == 0 {
            return false;
        }
        *count -= 1;
        if pipe.readers == 0 && pipe.writers == 0 {
            *pipe = Pipe::EMPTY;
        }
        true
    }

    /// What a read of pipe `id` may do now (`Eof` for a pipe that is gone).
    pub fn read_state(&self, id: PipeId) -> ReadState {
        let Some(pipe) = self.pipes.get(id).filter(|p| p.used) else {
            return ReadState::Eof;
        };
        if pipe.len > 0 {
            ReadState::Data(pipe.len)
        } else if pipe.writers == 0 && pipe.had_writer {
            ReadState::Eof
        } else {
            ReadState::Wait
        }
    }

    /// What a write of `len` bytes to pipe `id` may do now: a write of at
    /// most [`PIPE_CAPACITY`] bytes waits until all of it fits; a longer
    /// one writes whatever fits (at least one byte).
    pub fn write_state(&self, id: PipeId, len: usize) -> WriteState {
        let Some(pipe) = self.pipes.get(id).filter(|p| p.used) else {
            return WriteState::Broken;
        };
        if pipe.readers == 0 {
            return if pipe.had_reader {
                WriteState::Broken
            } else {
                WriteState::Wait
            };
        }
        let room = PIPE_CAPACITY - pipe.len;
        if len == 0 {
            WriteState::Room(0)
        } else if len <= PIPE_CAPACITY {
            if room >= len {
                WriteState::Room(len)
            } else {
                WriteState::Wait
            }
        } else if room > 0 {
            WriteState::Room(room)
        } else {
            WriteState::Wait
        }
    }

    /// Moves buffered bytes of pipe `id` into `out`; returns how many.
    pub fn read(&mut self, id: PipeId, out: &mut [u8]) -> usize {
        let Some(pipe) = self.pipes.get_mut(id).filter(|p| p.used) else {
            return 0;
        };
        let n = pipe.len.min(out.len());
        for (i, byte) in out[..n].iter_mut().enumerate() {
            *byte = pipe.data[(pipe.head + i) % PIPE_CAPACITY];
        }
        pipe.head = (pipe.head + n) % PIPE_CAPACITY;
        pipe.len -= n;
        if pipe.len == 0 {
            pipe.head = 0;
        }
        n
    }

    /// Appends as much of `data` as fits to pipe `id`; returns how many.
    pub fn write(&mut self, id: PipeId, data: &[u8]) -> usize {
        let Some(pipe) = self.pipes.get_mut(id).filter(|p| p.used) else {
            return 0;
        };
        let n = (PIPE_CAPACITY - pipe.len).min(data.len());
        for (i, &byte) in data[..n].iter().enumerate() {
            pipe.data[(pipe.head + pipe.len + i) % PIPE_CAPACITY] = byte;
        }
        pipe.len += n;
        n
    }

    /// Pipes in use (for leak checks).
    pub fn in_use(&self) -> usize {
        self.pipes.iter().filter(|p| p.used).count()
    }

    fn alloc(&mut self, key: Option<usize>) -> Result<PipeId, NoSpace> {
        let id = self.pipes.iter().position(|p| !p.used).ok_or(NoSpace)?;
        self.pipes[id] = Pipe::EMPTY;
        self.pipes[id].used = true;
        self.pipes[id].key = key;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed() -> Box<Pipes> {
        Box::new(Pipes::new())
    }

    #[test]
    fn bytes_come_out_in_order_across_the_wrap() {
        let mut p = boxed();
        let id = p.create().unwrap();
        assert_eq!(p.read_state(id), ReadState::Wait);
        let first: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
        assert_eq!(p.write_state(id, first.len()), WriteState::Room(3000));
        assert_eq!(p.write(id, &first), 3000);
        let mut out = vec![0; 2000];
        assert_eq!(p.read(id, &mut out), 2000);
        assert_eq!(out, first[..2000]);
        // 1000 left at offset 2000: the next 3000 wrap around the end.
        let second: Vec<u8> = (0..3000u32).map(|i| (i * 7) as u8).collect();
        assert_eq!(p.write_state(id, 3000), WriteState::Room(3000));
        assert_eq!(p.write(id, &second), 3000);
        assert_eq!(p.read_state(id), ReadState::Data(4000));
        let mut all = vec![0; 5000];
        assert_eq!(p.read(id, &mut all), 4000);
        assert_eq!(all[..1000], first[2000..]);
        assert_eq!(all[1000..4000], second[..]);
    }

    #[test]
    fn small_writes_wait_for_room_and_large_ones_take_what_fits() {
        let mut p = boxed();
        let id = p.create().unwrap();
        assert_eq!(p.write(id, &[1; PIPE_CAPACITY - 10]), PIPE_CAPACITY - 10);
        assert_eq!(p.write_state(id, 10), WriteState::Room(10));
        assert_eq!(
            p.write_state(id, 11),
            WriteState::Wait,
            "atomic: all or wait"
        );
        assert_eq!(p.write_state(id, PIPE_CAPACITY + 1), WriteState::Room(10));
        assert_eq!(p.write_state(id, 0), WriteState::Room(0));
        assert_eq!(p.write(id, &[2; 20]), 10, "write stops at capacity");
        assert_eq!(p.write_state(id, PIPE_CAPACITY + 1), WriteState::Wait);
        assert_eq!(p.write_state(id, 1), WriteState::Wait);
    }

    #[test]
    fn eof_after_the_last_writer_and_broken_after_the_last_reader() {
        let mut p = boxed();
        let id = p.create().unwrap();
        p.write(id, b"ab");
        assert!(p.close(id, End::Write));
        assert!(!p.close(id, End::Write), "already closed");
        assert_eq!(p.read_state(id), ReadState::Data(2), "data first");
        let mut out = [0; 8];
        assert_eq!(p.read(id, &mut out), 2);
        assert_eq!(p.read_state(id), ReadState::Eof);

        let id2 = p.create().unwrap();
        assert!(p.close(id2, End::Read));
        assert_eq!(p.write_state(id2, 1), WriteState::Broken);
        assert_eq!(p.in_use(), 2);
        assert!(p.close(id2, End::Write));
        assert!(p.close(id, End::Read));
        assert_eq!(p.in_use(), 0, "freed when both ends are closed");
        assert_eq!(p.read_state(id), ReadState::Eof, "gone");
        assert_eq!(p.write_state(id, 1), WriteState::Broken, "gone");
        assert!(!p.close(id, End::Read));
    }

    #[test]
    fn named_pipes_meet_by_key_and_wait_for_the_other_side() {
        let mut p = boxed();
        let r = p.open_named(42, End::Read).unwrap();
        assert_eq!(p.read_state(r), ReadState::Wait, "no writer yet: not EOF");
        let other = p.open_named(43, End::Write).unwrap();
        assert_ne!(other, r);
        assert_eq!(p.write_state(other, 1), WriteState::Wait, "no reader yet");
        let w = p.open_named(42, End::Write).unwrap();
        assert_eq!(w, r, "same key, same pipe");
        assert_eq!(p.write(w, b"x"), 1);
        p.close(w, End::Write);
        let mut out = [0; 1];
        assert_eq!(p.read(r, &mut out), 1);
        assert_eq!(p.read_state(r), ReadState::Eof);
        p.close(r, End::Read);
        assert_eq!(p.in_use(), 1);
    }

    #[test]
    fn the_table_fills_up() {
        let mut p = boxed();
        for _ in 0..MAX_PIPES {
            p.create().unwrap();
        }
        assert_eq!(p.create(), Err(NoSpace));
        assert_eq!(p.open_named(1, End::Read), Err(NoSpace));
        assert_eq!(p.read_state(MAX_PIPES), ReadState::Eof, "out of range");
        assert_eq!(p.write(usize::MAX, b"a"), 0);
    }
}

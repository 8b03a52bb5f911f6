//! The shared syscall buffer of the async designs: a header, a request
//! (submission) ring the user fills and the kernel drains, and a completion
//! ring the kernel fills and the user drains, io_uring-style. The kernel
//! maps it at [`USER_VA`] with [`crate::nr::ASYNC_SETUP`].
//!
//! Each ring has one producer and one consumer. Indices are free-running
//! `u32`s (slot = index mod [`ENTRIES`]); the producer owns the tail, the
//! consumer the head. Each side keeps its own index privately and only
//! publishes it, so the kernel never trusts a value the user can write:
//! it reads just the user's tail (requests) and head (completions), and a
//! value that claims more than [`ENTRIES`] entries reads as an empty (or
//! full) ring instead of letting the kernel run past the buffer.
//!
//! The worker protocol of the wake-based designs (async-uintr,
//! async-trapnotify): after pushing requests the user swaps
//! [`Header::worker`] to [`WORKER_RUNNING`]; only if it was
//! [`WORKER_SLEEPING`] does it trap with `async_wake`. The worker drains
//! the ring, stores [`WORKER_SLEEPING`], then looks at the ring once more
//! and takes the work back (swap to RUNNING) if a request slipped in, so a
//! request is never left behind with a sleeping worker. With
//! [`WORKER_POLLED`] (async-poll) the user never wakes anyone. Before the
//! user's receiver blocks it sets [`Header::receiver_waiting`] and checks
//! the completion ring again; the kernel notifies (UINTR or upcall) only a
//! receiver that waits, and clears [`Header::receiver_waiting`] when it
//! does (one notification per wait: set it again before the next wait).
//! A UINTR receiver's handler must clear its pending bits (`uipi write
//! 0`), since `uintr_wait` returns at once while any are set.

use core::marker::PhantomData;
use core::sync::atomic::{AtomicU32, Ordering};

/// Where ASYNC_SETUP maps the buffer in every process.
pub const USER_VA: usize = 0x3000_0000;
/// Slots per ring (a power of two; covers the largest concurrency swept).
pub const ENTRIES: u32 = 1024;
const PAGE: usize = 4096;
/// Byte offset of the request ring from the buffer's start.
pub const SQ_OFFSET: usize = PAGE;
/// Byte offset of the completion ring.
pub const CQ_OFFSET: usize = SQ_OFFSET + ENTRIES as usize * core::mem::size_of::<Request>();
/// Bytes of the whole buffer (a multiple of the page size).
pub const BUFFER_SIZE: usize = CQ_OFFSET + ENTRIES as usize * core::mem::size_of::<Completion>();
/// Pages of the whole buffer.
pub const BUFFER_PAGES: usize = BUFFER_SIZE / PAGE;
const _: () = assert!(BUFFER_SIZE.is_multiple_of(PAGE) && ENTRIES.is_power_of_two());

/// [`Header::worker`]: the kernel worker sleeps; the next submitter must
/// `async_wake` it.
pub const WORKER_SLEEPING: u32 = 0;
/// The worker runs or has been woken; submitters just push.
pub const WORKER_RUNNING: u32 = 1;
/// A polling kernel hart serves the ring; never wake it.
pub const WORKER_POLLED: u32 = 2;

/// How the kernel serves the ring (ASYNC_SETUP's first argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Mode {
    /// A worker that sleeps when idle and is woken by `async_wake`.
    Wake = 0,
    /// A dedicated kernel hart polls the ring.
    Poll = 1,
    /// Requests run only inside `async_enter` (batch).
    Enter = 2,
}

/// How the kernel tells a waiting receiver that completions arrived
/// (ASYNC_SETUP's second argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Notify {
    /// No notification: the user polls the completion ring.
    None = 0,
    /// A user interrupt to the registered receiver (no trap).
    Uintr = 1,
    /// A trap-based upcall to the handler of UPCALL_REGISTER.
    Upcall = 2,
}

impl Mode {
    pub fn from_raw(raw: usize) -> Option<Mode> {
        [Mode::Wake, Mode::Poll, Mode::Enter]
            .into_iter()
            .find(|m| *m as usize == raw)
    }
}

impl Notify {
    pub fn from_raw(raw: usize) -> Option<Notify> {
        [Notify::None, Notify::Uintr, Notify::Upcall]
            .into_iter()
            .find(|n| *n as usize == raw)
    }
}

/// The buffer's first page.
#[repr(C)]
pub struct Header {
    /// Requests the kernel has taken.
    pub sq_head: AtomicU32,
    /// Requests the user has pushed.
    pub sq_tail: AtomicU32,
    /// Completions the user has taken.
    pub cq_head: AtomicU32,
    /// Completions the kernel has pushed.
    pub cq_tail: AtomicU32,
    /// WORKER_SLEEPING / WORKER_RUNNING / WORKER_POLLED.
    pub worker: AtomicU32,
    /// 1 while the user's receiver waits for a notification.
    pub receiver_waiting: AtomicU32,
    /// Times the kernel worker went to sleep (diagnostic; kernel-written).
    pub worker_sleeps: AtomicU32,
    /// Notifications the kernel sent (diagnostic; kernel-written).
    pub notifications: AtomicU32,
}

/// One request: a syscall number and its arguments, as in registers.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Request {
    /// Returned unchanged in the completion (e.g. the coroutine's id).
    pub user_data: u64,
    pub nr: u64,
    pub args: [u64; 6],
}

/// One completion.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completion {
    pub user_data: u64,
    /// The syscall's result (negative = -errno).
    pub result: i64,
}

/// The ring has no free slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// The producer end of a ring.
pub struct Producer<T> {
    slots: *mut T,
    /// Published by the consumer (untrusted).
    head: *const AtomicU32,
    /// Published by us.
    tail: *const AtomicU32,
    /// Our tail as published.
    next: u32,
    /// Entries written after `next` and not published yet ([`Self::stage`]).
    staged: u32,
    /// Free slots after the staged ones as of the consumer's head last
    /// read (a lower bound: the consumer only frees slots).
    room: u32,
    _slot: PhantomData<T>,
}

/// The consumer end of a ring.
pub struct Consumer<T> {
    slots: *const T,
    /// Published by us.
    head: *const AtomicU32,
    /// Published by the producer (untrusted).
    tail: *const AtomicU32,
    next: u32,
    _slot: PhantomData<T>,
}

// SAFETY: the ends only hold addresses of shared memory whose accesses are
// atomics or volatile copies; moving an end to another hart is fine.
unsafe impl<T: Copy> Send for Producer<T> {}
unsafe impl<T: Copy> Send for Consumer<T> {}

impl<T: Copy> Producer<T> {
    /// Free slots (0 if the consumer's published head is nonsense), not
    /// counting the staged entries.
    pub fn free(&self) -> u32 {
        // SAFETY: `head` is valid for the end's lifetime (see `Buffer::at`).
        let head = unsafe { &*self.head }.load(Ordering::Acquire);
        ENTRIES
            .saturating_sub(self.next.wrapping_sub(head))
            .saturating_sub(self.staged)
    }

    fn write(&mut self, index: u32, value: T) {
        let slot = (index % ENTRIES) as usize;
        // SAFETY: slot < ENTRIES, inside the ring (see `Buffer::at`); the
        // consumer does not read it before a tail store covers it.
        unsafe { self.slots.add(slot).write_volatile(value) };
    }

    fn read(&self, index: u32) -> T {
        // SAFETY: as in `write`; a slot we wrote and have not published.
        unsafe { self.slots.add((index % ENTRIES) as usize).read_volatile() }
    }

    /// Appends `value` and publishes it (with everything staged before).
    pub fn push(&mut self, value: T) -> Result<(), Full> {
        if self.free() == 0 {
            return Err(Full);
        }
        self.push_reserved(value);
        Ok(())
    }

    /// Appends `value` and publishes it (with everything staged before)
    /// without looking at the consumer's head: for a caller that saw room
    /// with [`Self::free`] and counts what it pushed since (only the
    /// producer fills slots, so the room it saw cannot shrink). Pushing
    /// past that room overwrites entries the consumer has not taken, but
    /// never writes outside the ring.
    pub fn push_reserved(&mut self, value: T) {
        self.write(self.next.wrapping_add(self.staged), value);
        self.staged += 1;
        self.room = self.room.saturating_sub(1);
        self.publish();
    }

    /// Writes `value` into the next free slot without publishing it: the
    /// consumer sees it only after [`Self::publish`]. Looks at the
    /// consumer's head only when the room seen last is used up.
    pub fn stage(&mut self, value: T) -> Result<(), Full> {
        if self.room == 0 {
            self.room = self.free();
            if self.room == 0 {
                return Err(Full);
            }
        }
        self.room -= 1;
        self.write(self.next.wrapping_add(self.staged), value);
        self.staged += 1;
        Ok(())
    }

    /// Entries staged and not published.
    pub fn staged(&self) -> u32 {
        self.staged
    }

    /// Staged entry `i` (0 = the oldest), if there is one.
    pub fn staged_entry(&self, i: u32) -> Option<T> {
        (i < self.staged).then(|| self.read(self.next.wrapping_add(i)))
    }

    /// Takes staged entry `i` back; the later ones move up, keeping
    /// their order.
    pub fn unstage(&mut self, i: u32) {
        if i >= self.staged {
            return;
        }
        for j in i + 1..self.staged {
            let value = self.read(self.next.wrapping_add(j));
            self.write(self.next.wrapping_add(j - 1), value);
        }
        self.staged -= 1;
        self.room += 1;
    }

    /// Takes every staged entry back.
    pub fn unstage_all(&mut self) {
        self.room += self.staged;
        self.staged = 0;
    }

    /// Publishes the staged entries with one tail store; returns how many.
    pub fn publish(&mut self) -> u32 {
        let published = self.staged;
        self.next = self.next.wrapping_add(published);
        self.staged = 0;
        // SAFETY: as for `head` in `free`.
        unsafe { &*self.tail }.store(self.next, Ordering::Release);
        published
    }

    /// Entries published and not yet taken (as far as the consumer says).
    pub fn in_flight(&self) -> u32 {
        // SAFETY: as in `free`.
        let head = unsafe { &*self.head }.load(Ordering::Acquire);
        self.next.wrapping_sub(head).min(ENTRIES)
    }
}

impl<T: Copy> Consumer<T> {
    /// Entries ready to take (0 if the producer's published tail is nonsense).
    pub fn ready(&self) -> u32 {
        // SAFETY: `tail` is valid for the end's lifetime (see `Buffer::at`).
        let tail = unsafe { &*self.tail }.load(Ordering::Acquire);
        let ready = tail.wrapping_sub(self.next);
        if ready > ENTRIES {
            0
        } else {
            ready
        }
    }

    /// Takes the oldest entry.
    pub fn pop(&mut self) -> Option<T> {
        if self.ready() == 0 {
            return None;
        }
        Some(self.pop_ready())
    }

    /// Takes the oldest entry without looking at the producer's tail: for
    /// a caller that saw entries with [`Self::ready`] and counts what it
    /// took since (only the consumer takes, so they stay there). Taking
    /// more reads stale slots, but never outside the ring.
    pub fn pop_ready(&mut self) -> T {
        let slot = (self.next % ENTRIES) as usize;
        // SAFETY: slot < ENTRIES, inside the ring; the producer published
        // it (Acquire in `ready`) and does not reuse it before our head store.
        let value = unsafe { self.slots.add(slot).read_volatile() };
        self.next = self.next.wrapping_add(1);
        // SAFETY: as for `tail`.
        unsafe { &*self.head }.store(self.next, Ordering::Release);
        value
    }
}

/// A view of a shared buffer at some address (the user's [`USER_VA`], or
/// the kernel's own mapping of the same frames).
#[derive(Debug, Clone, Copy)]
pub struct Buffer {
    base: usize,
}

impl Buffer {
    /// The buffer at `base`.
    ///
    /// # Safety
    /// `base` must be page-aligned and [`BUFFER_SIZE`] bytes there must
    /// stay mapped, readable and writable for as long as this view or any
    /// end made from it is used. Each ring end must exist at most once.
    pub unsafe fn at(base: usize) -> Buffer {
        Buffer { base }
    }

    pub fn header(&self) -> &Header {
        // SAFETY: the header lies at `base`, all atomics (see `at`).
        unsafe { &*(self.base as *const Header) }
    }

    /// Clears the header (the kernel, at setup, before the user sees it).
    pub fn reset(&self, worker: u32) {
        let h = self.header();
        for index in [&h.sq_head, &h.sq_tail, &h.cq_head, &h.cq_tail] {
            index.store(0, Ordering::Relaxed);
        }
        h.receiver_waiting.store(0, Ordering::Relaxed);
        h.worker_sleeps.store(0, Ordering::Relaxed);
        h.notifications.store(0, Ordering::Relaxed);
        h.worker.store(worker, Ordering::Release);
    }

    fn producer<T>(&self, offset: usize, head: &AtomicU32, tail: &AtomicU32) -> Producer<T> {
        Producer {
            slots: (self.base + offset) as *mut T,
            head,
            tail,
            next: tail.load(Ordering::Acquire),
            staged: 0,
            room: 0,
            _slot: PhantomData,
        }
    }

    fn consumer<T>(&self, offset: usize, head: &AtomicU32, tail: &AtomicU32) -> Consumer<T> {
        Consumer {
            slots: (self.base + offset) as *const T,
            head,
            tail,
            next: head.load(Ordering::Acquire),
            _slot: PhantomData,
        }
    }

    /// The user's end of the request ring.
    pub fn submitter(&self) -> Producer<Request> {
        let h = self.header();
        self.producer(SQ_OFFSET, &h.sq_head, &h.sq_tail)
    }

    /// The user's end of the completion ring.
    pub fn reaper(&self) -> Consumer<Completion> {
        let h = self.header();
        self.consumer(CQ_OFFSET, &h.cq_head, &h.cq_tail)
    }

    /// The kernel's end of the request ring. Made right after [`reset`]
    /// (so its private index starts at 0, whatever the user writes later).
    ///
    /// [`reset`]: Buffer::reset
    pub fn requests(&self) -> Consumer<Request> {
        let h = self.header();
        self.consumer(SQ_OFFSET, &h.sq_head, &h.sq_tail)
    }

    /// The kernel's end of the completion ring (made right after `reset`).
    pub fn completions(&self) -> Producer<Completion> {
        let h = self.header();
        self.producer(CQ_OFFSET, &h.cq_head, &h.cq_tail)
    }
}

//! User-to-user channels of the `ipc-uintr` design: the kernel only sets
//! a channel up (shared pages mapped into two processes); messages then
//! travel through two single-producer/single-consumer rings in those
//! pages, and each side notifies the other with a user interrupt (`uipi
//! send` through the existing UINTR calls), so the fast path never traps.
//!
//! Calls (numbers in [`crate::nr::CHANNEL_FIRST`]..=[`crate::nr::CHANNEL_LAST`]):
//! - [`CHANNEL_CREATE`]`(key)` -> [`USER_VA`]: [`PAGES`] fresh zeroed pages
//!   mapped read-write at [`USER_VA`] in the caller, who becomes party 0.
//!   -EEXIST if a channel with `key` exists, -EBUSY if the caller is
//!   already a party of a channel (one per process), -ENOMEM if no frames
//!   or channel slots are left.
//! - [`CHANNEL_OPEN`]`(key)` -> [`USER_VA`]: the same frames mapped in the
//!   caller, who becomes party 1. -ENOENT if no channel has `key`, -EBUSY
//!   if two parties have joined it already (even if one left since: a
//!   third process never maps it) or the caller is in a channel.
//! - [`CHANNEL_PEER`]`()` -> the other party's pid; -EAGAIN while nobody
//!   opened the caller's channel, -EPIPE once the peer is gone, -ENOENT
//!   if the caller is in no channel.
//!
//! The frames are freed when both parties are gone. When one party ends,
//! the kernel sets [`Header::closed`] and sends [`CLOSED_VECTOR`] to the
//! other's UINTR receiver (if it registered one), so a waiting peer wakes
//! up and sees it instead of blocking forever.
//!
//! Set-up protocol of the parties: each registers as a UINTR receiver,
//! learns the peer's pid ([`CHANNEL_PEER`]), creates a handle naming it
//! (UINTR_CREATE_HANDLE) and publishes it in [`Header::handles`] (the
//! handle plus one; 0 = not yet); each then registers as a sender with the peer's
//! handle (UINTR_REGISTER_SENDER), which the kernel accepts only for the
//! process the handle names, and sets [`Header::ready`].
//!
//! Party 1 (the client) produces into the request ring and consumes the
//! reply ring; party 0 (the server) the other way round. Indices are
//! free-running `u32`s (slot = index mod [`SLOTS`]); each end keeps its
//! own index privately and only publishes it, and a published value that
//! claims more than [`SLOTS`] entries reads as an empty (or full) ring,
//! so a misbehaving peer can corrupt messages but never make the other
//! side read or write outside the pages.

use core::sync::atomic::{AtomicU32, Ordering};

/// channel_create(key) -> [`USER_VA`].
pub const CHANNEL_CREATE: usize = crate::nr::CHANNEL_FIRST;
/// channel_open(key) -> [`USER_VA`].
pub const CHANNEL_OPEN: usize = crate::nr::CHANNEL_FIRST + 1;
/// channel_peer() -> the other party's pid.
pub const CHANNEL_PEER: usize = crate::nr::CHANNEL_FIRST + 2;

/// Where a channel's pages are mapped in both parties: outside the mmap
/// area, the async buffer (0x3000_0000) and sim-control (0x3e00_0000).
pub const USER_VA: usize = 0x3800_0000;
/// Payload bytes a message can carry.
pub const MAX_PAYLOAD: usize = 256;
/// Slots per ring (a power of two).
pub const SLOTS: u32 = 64;
const PAGE: usize = 4096;
/// Byte offset of the request ring (client -> server).
pub const REQUEST_OFFSET: usize = PAGE;
/// Byte offset of the reply ring (server -> client).
pub const REPLY_OFFSET: usize = REQUEST_OFFSET + SLOTS as usize * core::mem::size_of::<Message>();
/// Pages of a channel.
pub const PAGES: usize =
    (REPLY_OFFSET + SLOTS as usize * core::mem::size_of::<Message>()).div_ceil(PAGE);
/// The vector the kernel sends on when the peer leaves.
pub const CLOSED_VECTOR: u64 = 63;
const _: () = assert!(SLOTS.is_power_of_two() && USER_VA + PAGES * PAGE <= 0x3e00_0000);

/// The first page.
#[repr(C)]
pub struct Header {
    /// Requests the server has taken.
    pub request_head: AtomicU32,
    /// Requests the client has pushed.
    pub request_tail: AtomicU32,
    /// Replies the client has taken.
    pub reply_head: AtomicU32,
    /// Replies the server has pushed.
    pub reply_tail: AtomicU32,
    /// Party i's UINTR handle for the other party, plus one (0: not yet).
    pub handles: [AtomicU32; 2],
    /// Party i finished its set-up (registered as the peer's sender).
    pub ready: [AtomicU32; 2],
    /// Set to 1 by the kernel when a party has left.
    pub closed: AtomicU32,
}

/// One message: `len` payload bytes and a tag the sender chooses.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Message {
    pub len: u32,
    pub tag: u32,
    pub data: [u8; MAX_PAYLOAD],
}

impl Message {
    /// A message with the bytes of `payload` (cut at [`MAX_PAYLOAD`]).
    pub fn new(tag: u32, payload: &[u8]) -> Message {
        let len = payload.len().min(MAX_PAYLOAD);
        let mut data = [0; MAX_PAYLOAD];
        data[..len].copy_from_slice(&payload[..len]);
        Message {
            len: len as u32,
            tag,
            data,
        }
    }

    /// The payload (a `len` beyond [`MAX_PAYLOAD`] reads as all of it).
    pub fn payload(&self) -> &[u8] {
        &self.data[..(self.len as usize).min(MAX_PAYLOAD)]
    }
}

/// The sending end of a ring.
pub struct Sender {
    slots: *mut Message,
    head: *const AtomicU32,
    tail: *const AtomicU32,
    next: u32,
}

/// The receiving end of a ring.
pub struct Receiver {
    slots: *const Message,
    head: *const AtomicU32,
    tail: *const AtomicU32,
    next: u32,
}

impl Sender {
    /// Free slots (0 if the peer's published head is nonsense).
    pub fn free(&self) -> u32 {
        // SAFETY: valid while the channel is mapped (see `Channel::at`).
        let head = unsafe { &*self.head }.load(Ordering::Acquire);
        SLOTS.saturating_sub(self.next.wrapping_sub(head))
    }

    /// Appends a message of `payload` with `tag`; false if the ring is full.
    pub fn send(&mut self, tag: u32, payload: &[u8]) -> bool {
        if self.free() == 0 {
            return false;
        }
        let slot = (self.next % SLOTS) as usize;
        let len = payload.len().min(MAX_PAYLOAD);
        // SAFETY: slot < SLOTS, inside the ring; the peer does not read it
        // before the tail store below. Raw pointer writes: the memory is
        // shared with another process.
        unsafe {
            let message = self.slots.add(slot);
            core::ptr::addr_of_mut!((*message).len).write_volatile(len as u32);
            core::ptr::addr_of_mut!((*message).tag).write_volatile(tag);
            let data = core::ptr::addr_of_mut!((*message).data) as *mut u8;
            core::ptr::copy_nonoverlapping(payload.as_ptr(), data, len);
        }
        self.next = self.next.wrapping_add(1);
        // SAFETY: as in `free`.
        unsafe { &*self.tail }.store(self.next, Ordering::Release);
        true
    }
}

impl Receiver {
    /// Messages ready (0 if the peer's published tail is nonsense).
    pub fn ready(&self) -> u32 {
        // SAFETY: valid while the channel is mapped (see `Channel::at`).
        let tail = unsafe { &*self.tail }.load(Ordering::Acquire);
        let ready = tail.wrapping_sub(self.next);
        if ready > SLOTS {
            0
        } else {
            ready
        }
    }

    /// Takes the oldest message.
    pub fn recv(&mut self) -> Option<Message> {
        if self.ready() == 0 {
            return None;
        }
        let slot = (self.next % SLOTS) as usize;
        // SAFETY: slot < SLOTS, inside the ring, published by the peer
        // (Acquire in `ready`); it is not reused before our head store.
        let message = unsafe { self.slots.add(slot).read_volatile() };
        self.next = self.next.wrapping_add(1);
        // SAFETY: as in `ready`.
        unsafe { &*self.head }.store(self.next, Ordering::Release);
        Some(message)
    }
}

/// A view of a channel's pages.
#[derive(Debug, Clone, Copy)]
pub struct Channel {
    base: usize,
}

impl Channel {
    /// The channel mapped at `base`.
    ///
    /// # Safety
    /// `base` must be page-aligned and [`PAGES`] pages there must stay
    /// mapped read-write for as long as this view or an end made from it
    /// is used; each ring end must exist at most once.
    pub unsafe fn at(base: usize) -> Channel {
        Channel { base }
    }

    pub fn header(&self) -> &Header {
        // SAFETY: the header lies at `base`, all atomics (see `at`).
        unsafe { &*(self.base as *const Header) }
    }

    fn sender(&self, offset: usize, head: &AtomicU32, tail: &AtomicU32) -> Sender {
        Sender {
            slots: (self.base + offset) as *mut Message,
            head,
            tail,
            next: tail.load(Ordering::Acquire),
        }
    }

    fn receiver(&self, offset: usize, head: &AtomicU32, tail: &AtomicU32) -> Receiver {
        Receiver {
            slots: (self.base + offset) as *const Message,
            head,
            tail,
            next: head.load(Ordering::Acquire),
        }
    }

    /// The client's ends: (requests out, replies in).
    pub fn client(&self) -> (Sender, Receiver) {
        let h = self.header();
        (
            self.sender(REQUEST_OFFSET, &h.request_head, &h.request_tail),
            self.receiver(REPLY_OFFSET, &h.reply_head, &h.reply_tail),
        )
    }

    /// The server's ends: (replies out, requests in).
    pub fn server(&self) -> (Sender, Receiver) {
        let h = self.header();
        (
            self.sender(REPLY_OFFSET, &h.reply_head, &h.reply_tail),
            self.receiver(REQUEST_OFFSET, &h.request_head, &h.request_tail),
        )
    }
}

/// [`Header::closed`] as the kernel writes it into the first frame.
pub const CLOSED_OFFSET: usize = core::mem::offset_of!(Header, closed);

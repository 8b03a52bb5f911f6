//! User-to-user channels of the ipc-uintr design ([`abi::channel`]): the
//! kernel only sets a channel up. channel_create(key) takes
//! [`PAGES`] frames from the pool and maps them at [`USER_VA`] in the
//! creator as borrowed pages (PTE_BORROWED: the space never frees them
//! itself); channel_open(key) maps the same frames into a second
//! process. The channel table counts the parties; the frames go back to
//! the pool when both are gone ([`release`], called when a process ends,
//! after its address space is destroyed). Messages and notifications
//! then never involve the kernel.
//!
//! Lock order: a process's shared slot, then [`CHANNELS`], then the frame
//! pool; [`release`] drops [`CHANNELS`] before it touches the peer's slot.

use crate::frames::{FramePool, FRAMES, PAGE_SIZE};
use crate::lock::SpinLock;
use crate::page_table::{AddressSpace, PTE_R, PTE_W};
use crate::process_shared;
use crate::smp;
use abi::channel::{CHANNEL_CREATE, CHANNEL_OPEN, CHANNEL_PEER, CLOSED_OFFSET, PAGES, USER_VA};
use abi::errno::{EAGAIN, EBUSY, EEXIST, ENOENT, ENOMEM, ENOSYS, EPIPE};
use core::sync::atomic::{AtomicU32, Ordering};

/// Channels that can exist at once.
const MAX_CHANNELS: usize = 8;

struct Channel {
    key: usize,
    frames: [usize; PAGES],
    /// Pids of the creator and the opener (0: none, or gone).
    parties: [usize; 2],
    /// Whether a second process joined (it stays closed to others after).
    opened: bool,
}

static CHANNELS: SpinLock<[Option<Channel>; MAX_CHANNELS]> =
    SpinLock::new([const { None }; MAX_CHANNELS]);

/// Serves channel call `nr` (in abi::nr::CHANNEL_FIRST..=CHANNEL_LAST) of
/// process `pid`, whose address space is `space`.
pub fn call(pid: usize, space: &mut AddressSpace, nr: usize, key: usize) -> isize {
    match nr {
        CHANNEL_CREATE => create(pid, space, key),
        CHANNEL_OPEN => open(pid, space, key),
        CHANNEL_PEER => peer(pid),
        _ => -ENOSYS,
    }
}

fn is_party(channel: &Channel, pid: usize) -> bool {
    channel.parties.contains(&pid)
}

/// Whether `pid` is a party of a channel or has the channel address
/// mapped (one channel per process).
fn in_channel(table: &[Option<Channel>], pid: usize, space: &AddressSpace) -> bool {
    table.iter().flatten().any(|c| is_party(c, pid)) || space.translate(USER_VA).is_some()
}

fn create(pid: usize, space: &mut AddressSpace, key: usize) -> isize {
    let mut table = CHANNELS.lock();
    if in_channel(&*table, pid, space) {
        return -EBUSY;
    }
    if table.iter().flatten().any(|c| c.key == key) {
        return -EEXIST;
    }
    let Some(slot) = table.iter().position(Option::is_none) else {
        return -ENOMEM;
    };
    let mut pool = FRAMES.lock();
    let mut frames = [0; PAGES];
    for i in 0..PAGES {
        match pool.alloc() {
            Ok(frame) => frames[i] = frame,
            Err(_) => {
                free_frames(&mut pool, &frames[..i]);
                return -ENOMEM;
            }
        }
    }
    if let Err(errno) = map(space, &mut pool, &frames) {
        free_frames(&mut pool, &frames);
        return errno;
    }
    table[slot] = Some(Channel {
        key,
        frames,
        parties: [pid, 0],
        opened: false,
    });
    USER_VA as isize
}

fn open(pid: usize, space: &mut AddressSpace, key: usize) -> isize {
    let mut table = CHANNELS.lock();
    let busy = in_channel(&*table, pid, space);
    let Some(channel) = table.iter_mut().flatten().find(|c| c.key == key) else {
        return -ENOENT;
    };
    if channel.opened || busy {
        return -EBUSY;
    }
    if let Err(errno) = map(space, &mut FRAMES.lock(), &channel.frames) {
        return errno;
    }
    channel.parties[1] = pid;
    channel.opened = true;
    USER_VA as isize
}

fn peer(pid: usize) -> isize {
    let table = CHANNELS.lock();
    let Some(channel) = table.iter().flatten().find(|c| is_party(c, pid)) else {
        return -ENOENT;
    };
    if !channel.opened {
        return -EAGAIN;
    }
    let other = channel.parties[usize::from(channel.parties[0] == pid)];
    if other == 0 {
        -EPIPE
    } else {
        other as isize
    }
}

/// Maps `frames` at [`USER_VA`] in `space` as borrowed pages; on failure
/// takes back what it mapped.
fn map(space: &mut AddressSpace, pool: &mut FramePool, frames: &[usize]) -> Result<(), isize> {
    for (i, &frame) in frames.iter().enumerate() {
        if space
            .map_borrowed_page(pool, USER_VA + i * PAGE_SIZE, frame, PTE_R | PTE_W)
            .is_err()
        {
            for j in 0..i {
                space.unmap_user_page(pool, USER_VA + j * PAGE_SIZE);
            }
            return Err(-ENOMEM);
        }
    }
    Ok(())
}

fn free_frames(pool: &mut FramePool, frames: &[usize]) {
    for &frame in frames {
        pool.free(frame);
    }
}

/// Process `pid` ended (its address space is gone): it leaves its
/// channel; the frames are freed if the other party is gone too, else
/// the other party finds [`abi::channel::Header::closed`] set and gets a
/// user interrupt on [`abi::channel::CLOSED_VECTOR`] (if it is a UINTR
/// receiver), so it does not wait for a peer that will never answer.
pub fn release(pid: usize) {
    let mut survivor = None;
    {
        let mut table = CHANNELS.lock();
        for slot in table.iter_mut() {
            let Some(channel) = slot.as_mut() else {
                continue;
            };
            if !is_party(channel, pid) {
                continue;
            }
            for party in channel.parties.iter_mut().filter(|p| **p == pid) {
                *party = 0;
            }
            // SAFETY: the first frame is this channel's (kernel memory,
            // identity-mapped); the header's `closed` word is an aligned
            // u32 inside it, which the parties only access atomically.
            let closed = unsafe { &*((channel.frames[0] + CLOSED_OFFSET) as *const AtomicU32) };
            closed.store(1, Ordering::Release);
            match channel.parties.iter().copied().find(|&p| p != 0) {
                Some(other) => survivor = Some(other),
                None => {
                    if let Some(channel) = slot.take() {
                        free_frames(&mut FRAMES.lock(), &channel.frames);
                    }
                }
            }
        }
    }
    if let Some(other) = survivor {
        let target = process_shared::slot(other).and_then(|s| s.lock().as_ref().map(|r| r.notify));
        if let Some(notify) = target {
            if let Some(entry) = notify.entry {
                entry.send(abi::channel::CLOSED_VECTOR);
                if notify.hart != smp::this_hart() {
                    let _ = smp::send_ipi(notify.hart);
                }
            }
        }
    }
}

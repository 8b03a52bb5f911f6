//! UINTR handles: UINTR_CREATE_HANDLE(vector, allowed_pid) lets a
//! receiver name the one process that may register as a sender to its
//! `vector`; UINTR_REGISTER_SENDER(handle) succeeds only for that
//! process. A handle is a small index into one kernel-wide table; a
//! forged or stale index, or one naming someone else, is refused, so a
//! process can put in its sender table only receivers that chose it.
//!
//! Each handle is one packed atomic word (created and released with
//! compare-and-swap), so the table needs no lock on any hart. `core`
//! only, so the host tests of the `workloads` crate compile this file.

use core::sync::atomic::{AtomicU64, Ordering};

/// Handles that can exist at once.
pub const MAX_HANDLES: usize = 64;
/// Handles one receiver may hold (so no process can take the whole
/// table from the others).
pub const PER_OWNER: usize = 8;
/// Vectors a receiver can hand out (pending bits of its entry).
pub const VECTORS: usize = 64;

const VALID: u64 = 1 << 63;

static HANDLES: [AtomicU64; MAX_HANDLES] = [const { AtomicU64::new(0) }; MAX_HANDLES];

/// What a handle grants: SEND(vector) to a receiver entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Index of the receiver's entry in the UINTC.
    pub entry: u16,
    pub vector: u64,
}

// Word layout: VALID | owner pid (bits 62:48) | allowed pid (47:32) |
// entry index (31:16) | vector (15:0).
fn pack(owner: usize, allowed: usize, entry: u16, vector: u64) -> u64 {
    VALID
        | (owner as u64 & 0x7fff) << 48
        | (allowed as u64 & 0xffff) << 32
        | u64::from(entry) << 16
        | vector
}

fn owner(word: u64) -> usize {
    ((word >> 48) & 0x7fff) as usize
}

/// A new handle of receiver `owner` (whose entry is `entry`) for process
/// `allowed`; -EINVAL for a bad vector or pid, -ENOMEM if the table is
/// full or the receiver holds [`PER_OWNER`] already. Pids fit the packed
/// fields (the kernel has at most 8 processes).
pub fn create(owner: usize, entry: u16, vector: usize, allowed: usize) -> isize {
    use abi::errno::{EINVAL, ENOMEM};
    if vector >= VECTORS || allowed == 0 || allowed > 0xffff || owner > 0x7fff {
        return -EINVAL;
    }
    let held = HANDLES
        .iter()
        .map(|slot| slot.load(Ordering::Acquire))
        .filter(|&word| word & VALID != 0 && self::owner(word) == owner)
        .count();
    if held >= PER_OWNER {
        return -ENOMEM;
    }
    let word = pack(owner, allowed, entry, vector as u64);
    for (index, slot) in HANDLES.iter().enumerate() {
        if slot
            .compare_exchange(0, word, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            return index as isize;
        }
    }
    -ENOMEM
}

/// The target of `handle` if it exists and names process `pid`.
pub fn lookup(handle: usize, pid: usize) -> Option<Target> {
    let word = HANDLES.get(handle)?.load(Ordering::Acquire);
    if word & VALID == 0 || ((word >> 32) & 0xffff) as usize != pid {
        return None;
    }
    Some(Target {
        entry: ((word >> 16) & 0xffff) as u16,
        vector: word & 0xffff,
    })
}

/// Drops every handle of receiver `owner` (it ended).
pub fn release_owner(owner_pid: usize) {
    for slot in &HANDLES {
        let word = slot.load(Ordering::Acquire);
        if word & VALID != 0 && owner(word) == owner_pid {
            let _ = slot.compare_exchange(word, 0, Ordering::AcqRel, Ordering::Acquire);
        }
    }
}

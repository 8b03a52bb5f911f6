//! Checked access to a process's memory. The kernel never dereferences a
//! user pointer: it walks the process's page table for every page of the
//! range and requires a valid user page with the needed permission, so a
//! bad pointer (unmapped, kernel, wrapping) is an error, never a fault in
//! the kernel.

use crate::frames::PAGE_SIZE;
use crate::page_table::{AddressSpace, PTE_R, PTE_U, PTE_W};

/// The range is not readable user memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadAddress;

/// Calls `sink` with the bytes of user range `va..va+len`, page by page,
/// after checking that the whole range is readable user memory (so a bad
/// range has no partial effect).
pub fn read_user(
    space: &AddressSpace,
    va: usize,
    len: usize,
    mut sink: impl FnMut(&[u8]),
) -> Result<(), BadAddress> {
    let end = va.checked_add(len).ok_or(BadAddress)?;
    let chunks = || chunks(space, va, end, PTE_U | PTE_R);
    for chunk in chunks() {
        chunk?;
    }
    for chunk in chunks() {
        let (pa, n) = chunk?;
        // SAFETY: `pa..pa+n` lies in one user page of this space (a pool
        // frame, mapped one to one in the kernel); checked just above.
        sink(unsafe { core::slice::from_raw_parts(pa as *const u8, n) });
    }
    Ok(())
}

/// Calls `source` to fill user range `va..va+len`, page by page, after
/// checking that the whole range is writable user memory (so a bad range
/// is left untouched).
pub fn write_user(
    space: &AddressSpace,
    va: usize,
    len: usize,
    mut source: impl FnMut(&mut [u8]),
) -> Result<(), BadAddress> {
    let end = va.checked_add(len).ok_or(BadAddress)?;
    let chunks = || chunks(space, va, end, PTE_U | PTE_W);
    for chunk in chunks() {
        chunk?;
    }
    for chunk in chunks() {
        let (pa, n) = chunk?;
        // SAFETY: `pa..pa+n` lies in one writable user page of this space
        // (a pool frame the kernel maps one to one, never kernel data);
        // checked just above.
        source(unsafe { core::slice::from_raw_parts_mut(pa as *mut u8, n) });
    }
    Ok(())
}

/// (physical address, length) of each page-sized piece of `va..end`;
/// every page must have all of the PTE bits in `needed`.
fn chunks(
    space: &AddressSpace,
    va: usize,
    end: usize,
    needed: usize,
) -> impl Iterator<Item = Result<(usize, usize), BadAddress>> + '_ {
    let mut at = va;
    core::iter::from_fn(move || {
        if at >= end {
            return None;
        }
        let page_end = (at & !(PAGE_SIZE - 1)).saturating_add(PAGE_SIZE);
        let n = page_end.min(end) - at;
        let piece = match space.translate(at) {
            Some((pa, flags)) if flags & needed == needed => Ok((pa, n)),
            _ => Err(BadAddress),
        };
        at += n;
        Some(piece)
    })
}

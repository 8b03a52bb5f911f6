//! Counts the harts of the machine from the flattened device tree that the
//! platform hands to every hart in a1 (QEMU virt and asyncsim both do).
//!
//! Counting `cpu@N` nodes under `/cpus` is deterministic, unlike a
//! boot-time "every hart increments a counter, hart 0 waits a while" probe,
//! whose answer depends on how long the other harts take to start.
//!
//! The blob is guest-visible input: every offset is bounds-checked and a
//! malformed tree yields `None`, never a panic. This file uses only `core`
//! so the host test suite of the `workloads` crate can compile it too.

/// `0xd00dfeed`, big-endian at offset 0 of every FDT.
pub const FDT_MAGIC: u32 = 0xd00d_feed;
/// Size of the FDT header in bytes (version 17).
pub const HEADER_LEN: usize = 40;

const TOKEN_BEGIN_NODE: u32 = 1;
const TOKEN_END_NODE: u32 = 2;
const TOKEN_PROP: u32 = 3;
const TOKEN_NOP: u32 = 4;
const TOKEN_END: u32 = 9;

fn be32(blob: &[u8], offset: usize) -> Option<u32> {
    let bytes = blob.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// Total size of the tree announced by its header, if `header` starts with
/// a valid FDT magic. Used to bound the slice handed to [`cpu_count`].
pub fn total_size(header: &[u8]) -> Option<usize> {
    if be32(header, 0)? != FDT_MAGIC {
        return None;
    }
    usize::try_from(be32(header, 4)?).ok()
}

/// Number of `cpu@...` nodes directly below the `/cpus` node, or `None` if
/// the blob is not a well-formed FDT or has no such node.
pub fn cpu_count(blob: &[u8]) -> Option<usize> {
    let total = total_size(blob)?;
    let blob = blob.get(..total)?;
    let struct_off = usize::try_from(be32(blob, 8)?).ok()?;
    let struct_len = usize::try_from(be32(blob, 36)?).ok()?;
    let structure = blob.get(struct_off..struct_off.checked_add(struct_len)?)?;

    let mut pos = 0usize;
    let mut depth = 0usize;
    // Depth of the `/cpus` node while inside it.
    let mut cpus_depth: Option<usize> = None;
    let mut count = 0usize;
    loop {
        let token = be32(structure, pos)?;
        pos += 4;
        match token {
            TOKEN_BEGIN_NODE => {
                let rest = structure.get(pos..)?;
                let name_len = rest.iter().position(|&b| b == 0)?;
                let name = &rest[..name_len];
                depth += 1;
                match cpus_depth {
                    None if depth == 2 && name == b"cpus" => cpus_depth = Some(depth),
                    Some(d) if depth == d + 1 && name.starts_with(b"cpu@") => count += 1,
                    _ => {}
                }
                pos = align4(pos.checked_add(name_len + 1)?)?;
            }
            TOKEN_END_NODE => {
                if cpus_depth == Some(depth) {
                    return Some(count).filter(|&n| n > 0);
                }
                depth = depth.checked_sub(1)?;
            }
            TOKEN_PROP => {
                let len = usize::try_from(be32(structure, pos)?).ok()?;
                pos = align4(pos.checked_add(8)?.checked_add(len)?)?;
            }
            TOKEN_NOP => {}
            TOKEN_END => return None,
            _ => return None,
        }
    }
}

fn align4(value: usize) -> Option<usize> {
    Some(value.checked_add(3)? & !3)
}

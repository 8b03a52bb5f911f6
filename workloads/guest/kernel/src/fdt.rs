//! Reads `/chosen/bootargs` (the kernel command line),
//! `/cpus/timebase-frequency` and the `reg` of devices by `compatible`
//! from the flattened device tree the firmware passes in a1. The blob is
//! input the kernel did not make: every offset is bounds-checked, and a malformed tree gives
//! `None`, never a panic. Only `core` is used, so the host tests of the
//! `workloads` crate compile this file too.

/// `0xd00dfeed`, big-endian at offset 0 of every FDT.
pub const FDT_MAGIC: u32 = 0xd00d_feed;
/// Bytes of the FDT header (version 17).
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

fn be32_usize(blob: &[u8], offset: usize) -> Option<usize> {
    usize::try_from(be32(blob, offset)?).ok()
}

fn align4(n: usize) -> Option<usize> {
    Some(n.checked_add(3)? & !3)
}

/// Total size announced by the header, if `header` starts with the magic.
pub fn total_size(header: &[u8]) -> Option<usize> {
    if be32(header, 0)? != FDT_MAGIC {
        return None;
    }
    be32_usize(header, 4)
}

/// The NUL-terminated string at `offset` of `strings`.
fn string_at(strings: &[u8], offset: usize) -> Option<&[u8]> {
    let rest = strings.get(offset..)?;
    Some(&rest[..rest.iter().position(|&b| b == 0)?])
}

/// The value of `/chosen/bootargs` without its NUL, if the tree has one
/// and it is UTF-8.
pub fn bootargs(blob: &[u8]) -> Option<&str> {
    let value = top_level_property(blob, b"chosen", b"bootargs")?;
    let value = value.strip_suffix(&[0]).unwrap_or(value);
    core::str::from_utf8(value).ok()
}

/// `/cpus/timebase-frequency` (ticks per second of the `time` CSR), if
/// the tree has it as one non-zero 32-bit cell.
pub fn timebase_frequency(blob: &[u8]) -> Option<u32> {
    let value = top_level_property(blob, b"cpus", b"timebase-frequency")?;
    let cell: [u8; 4] = value.try_into().ok()?;
    Some(u32::from_be_bytes(cell)).filter(|&hz| hz != 0)
}

/// The first address of `reg` (two cells, as on virt) of the first node
/// whose `compatible` list contains `compatible`.
pub fn reg_of_compatible(blob: &[u8], compatible: &[u8]) -> Option<u64> {
    let (structure, strings) = blocks(blob)?;
    let mut pos = 0usize;
    // The current node's properties (they come before its children).
    let mut matches = false;
    let mut reg: Option<u64> = None;
    loop {
        let token = be32(structure, pos)?;
        pos += 4;
        match token {
            TOKEN_BEGIN_NODE | TOKEN_END_NODE | TOKEN_END => {
                if let (true, Some(addr)) = (matches, reg) {
                    return Some(addr);
                }
                matches = false;
                reg = None;
                if token == TOKEN_END {
                    return None;
                }
                if token == TOKEN_BEGIN_NODE {
                    let name = string_at(structure, pos)?;
                    pos = align4(pos.checked_add(name.len() + 1)?)?;
                }
            }
            TOKEN_PROP => {
                let len = be32_usize(structure, pos)?;
                let name = string_at(strings, be32_usize(structure, pos + 4)?)?;
                let value_at = pos.checked_add(8)?;
                let value = structure.get(value_at..value_at.checked_add(len)?)?;
                if name == b"compatible" {
                    matches |= value.split(|&b| b == 0).any(|c| c == compatible);
                } else if name == b"reg" && value.len() >= 8 {
                    let hi = u64::from(be32(value, 0)?);
                    reg = Some((hi << 32) | u64::from(be32(value, 4)?));
                }
                pos = align4(value_at + len)?;
            }
            TOKEN_NOP => {}
            _ => return None,
        }
    }
}

/// The structure and strings blocks of a tree whose header checks out.
fn blocks(blob: &[u8]) -> Option<(&[u8], &[u8])> {
    let blob = blob.get(..total_size(blob)?)?;
    let struct_off = be32_usize(blob, 8)?;
    let strings_off = be32_usize(blob, 12)?;
    let strings_len = be32_usize(blob, 32)?;
    let struct_len = be32_usize(blob, 36)?;
    let structure = blob.get(struct_off..struct_off.checked_add(struct_len)?)?;
    let strings = blob.get(strings_off..strings_off.checked_add(strings_len)?)?;
    Some((structure, strings))
}

/// The value of property `prop` of node `/node` (a child of the root;
/// properties of deeper nodes with the same names are ignored).
fn top_level_property<'a>(blob: &'a [u8], node: &[u8], prop: &[u8]) -> Option<&'a [u8]> {
    let (structure, strings) = blocks(blob)?;
    let mut pos = 0usize;
    let mut depth = 0usize;
    // Depth of the wanted node while inside it (or inside one of its children).
    let mut node_depth: Option<usize> = None;
    loop {
        let token = be32(structure, pos)?;
        pos += 4;
        match token {
            TOKEN_BEGIN_NODE => {
                let name = string_at(structure, pos)?;
                depth += 1;
                if depth == 2 && name == node {
                    node_depth = Some(depth);
                }
                pos = align4(pos.checked_add(name.len() + 1)?)?;
            }
            TOKEN_END_NODE => {
                if node_depth == Some(depth) {
                    return None; // the node lacks the property
                }
                depth = depth.checked_sub(1)?;
            }
            TOKEN_PROP => {
                let len = be32_usize(structure, pos)?;
                let name = string_at(strings, be32_usize(structure, pos + 4)?)?;
                let value_at = pos.checked_add(8)?;
                let value = structure.get(value_at..value_at.checked_add(len)?)?;
                if node_depth == Some(depth) && name == prop {
                    return Some(value);
                }
                pos = align4(value_at + len)?;
            }
            TOKEN_NOP => {}
            TOKEN_END => return None,
            _ => return None,
        }
    }
}

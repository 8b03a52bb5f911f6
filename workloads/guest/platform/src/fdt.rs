//! Reads the flattened device tree the platform hands every hart in a1:
//! the hart count (`cpu@N` nodes under `/cpus`), `/chosen/bootargs` (the
//! kernel command line), `/cpus/timebase-frequency` and the `reg` of
//! devices by `compatible`.
//!
//! Counting `cpu@N` nodes is deterministic, unlike a boot-time "every
//! hart increments a counter, hart 0 waits a while" probe, whose answer
//! depends on how long the other harts take to start.
//!
//! The blob is input the guest did not make: every offset is
//! bounds-checked, and a malformed tree gives `None`, never a panic. Only
//! `core` is used, so the host tests of the `workloads` crate compile this
//! file too.

/// `0xd00dfeed`, big-endian at offset 0 of every FDT.
pub const FDT_MAGIC: u32 = 0xd00d_feed;
/// Bytes of the FDT header (version 17).
pub const HEADER_LEN: usize = 40;
/// Largest device tree a guest reads.
pub const MAX_FDT_SIZE: usize = 1 << 20;

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

/// The NUL-terminated string at `offset` of `bytes`.
fn string_at(bytes: &[u8], offset: usize) -> Option<&[u8]> {
    let rest = bytes.get(offset..)?;
    Some(&rest[..rest.iter().position(|&b| b == 0)?])
}

/// Total size announced by the header, if `header` starts with the magic.
pub fn total_size(header: &[u8]) -> Option<usize> {
    if be32(header, 0)? != FDT_MAGIC {
        return None;
    }
    be32_usize(header, 4)
}

/// The device tree at physical `addr`, if it lies in `ram` (4-byte
/// aligned), its header checks out and it is at most [`MAX_FDT_SIZE`].
///
/// # Safety
/// `ram` must be memory the caller may read for as long as the slice
/// lives, and no one may write the tree meanwhile.
pub unsafe fn in_memory(addr: usize, ram: core::ops::Range<usize>) -> Option<&'static [u8]> {
    let header_end = addr.checked_add(HEADER_LEN)?;
    if addr < ram.start || header_end > ram.end || !addr.is_multiple_of(4) {
        return None;
    }
    // SAFETY: the header lies in `ram` (the caller's promise); only read.
    let header = unsafe { core::slice::from_raw_parts(addr as *const u8, HEADER_LEN) };
    let size = total_size(header)?;
    if !(HEADER_LEN..=MAX_FDT_SIZE).contains(&size) || addr.checked_add(size)? > ram.end {
        return None;
    }
    // SAFETY: as above, for the `size` bytes the header announces.
    Some(unsafe { core::slice::from_raw_parts(addr as *const u8, size) })
}

/// One step through the structure block.
enum Token<'a> {
    /// A node begins (its name; the root's is empty).
    Begin(&'a [u8]),
    /// The innermost open node ends.
    End,
    /// A property of the innermost open node: where its name is in the
    /// strings block (read only by those who need it), and its value.
    Prop { name_at: usize, value: &'a [u8] },
    /// The structure block ends.
    Finish,
}

/// The tokens of a tree whose header checks out, in order.
struct Tokens<'a> {
    structure: &'a [u8],
    strings: &'a [u8],
    pos: usize,
}

impl<'a> Tokens<'a> {
    fn new(blob: &'a [u8]) -> Option<Self> {
        let blob = blob.get(..total_size(blob)?)?;
        let struct_off = be32_usize(blob, 8)?;
        let strings_off = be32_usize(blob, 12)?;
        let strings_len = be32_usize(blob, 32)?;
        let struct_len = be32_usize(blob, 36)?;
        Some(Tokens {
            structure: blob.get(struct_off..struct_off.checked_add(struct_len)?)?,
            strings: blob.get(strings_off..strings_off.checked_add(strings_len)?)?,
            pos: 0,
        })
    }

    /// The next token (NOPs skipped), or `None` if the tree is malformed.
    fn step(&mut self) -> Option<Token<'a>> {
        loop {
            let token = be32(self.structure, self.pos)?;
            self.pos += 4;
            match token {
                TOKEN_BEGIN_NODE => {
                    let name = string_at(self.structure, self.pos)?;
                    self.pos = align4(self.pos.checked_add(name.len() + 1)?)?;
                    return Some(Token::Begin(name));
                }
                TOKEN_END_NODE => return Some(Token::End),
                TOKEN_PROP => {
                    let len = be32_usize(self.structure, self.pos)?;
                    let name_at = be32_usize(self.structure, self.pos + 4)?;
                    let value_at = self.pos.checked_add(8)?;
                    let value = self.structure.get(value_at..value_at.checked_add(len)?)?;
                    self.pos = align4(value_at + len)?;
                    return Some(Token::Prop { name_at, value });
                }
                TOKEN_NOP => {}
                TOKEN_END => return Some(Token::Finish),
                _ => return None,
            }
        }
    }

    /// A property's name (see [`Token::Prop`]).
    fn name(&self, name_at: usize) -> Option<&'a [u8]> {
        string_at(self.strings, name_at)
    }
}

/// Number of `cpu@...` nodes directly below the `/cpus` node, or `None` if
/// the blob is not a well-formed FDT or has no such node.
pub fn cpu_count(blob: &[u8]) -> Option<usize> {
    let mut tokens = Tokens::new(blob)?;
    let mut depth = 0usize;
    // Depth of the `/cpus` node while inside it.
    let mut cpus_depth: Option<usize> = None;
    let mut count = 0usize;
    loop {
        match tokens.step()? {
            Token::Begin(name) => {
                depth += 1;
                match cpus_depth {
                    None if depth == 2 && name == b"cpus" => cpus_depth = Some(depth),
                    Some(d) if depth == d + 1 && name.starts_with(b"cpu@") => count += 1,
                    _ => {}
                }
            }
            Token::End => {
                if cpus_depth == Some(depth) {
                    return Some(count).filter(|&n| n > 0);
                }
                depth = depth.checked_sub(1)?;
            }
            Token::Prop { .. } => {}
            Token::Finish => return None,
        }
    }
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
    let mut tokens = Tokens::new(blob)?;
    // The current node's properties (they come before its children).
    let mut matches = false;
    let mut reg: Option<u64> = None;
    loop {
        match tokens.step()? {
            token @ (Token::Begin(_) | Token::End | Token::Finish) => {
                if let (true, Some(addr)) = (matches, reg) {
                    return Some(addr);
                }
                if matches!(token, Token::Finish) {
                    return None;
                }
                matches = false;
                reg = None;
            }
            Token::Prop { name_at, value } => {
                let name = tokens.name(name_at)?;
                if name == b"compatible" {
                    matches |= value.split(|&b| b == 0).any(|c| c == compatible);
                } else if name == b"reg" && value.len() >= 8 {
                    let hi = u64::from(be32(value, 0)?);
                    reg = Some((hi << 32) | u64::from(be32(value, 4)?));
                }
            }
        }
    }
}

/// The value of property `prop` of node `/node` (a child of the root;
/// properties of deeper nodes with the same names are ignored).
fn top_level_property<'a>(blob: &'a [u8], node: &[u8], prop: &[u8]) -> Option<&'a [u8]> {
    let mut tokens = Tokens::new(blob)?;
    let mut depth = 0usize;
    // Depth of the wanted node while inside it (or inside one of its children).
    let mut node_depth: Option<usize> = None;
    loop {
        match tokens.step()? {
            Token::Begin(name) => {
                depth += 1;
                if depth == 2 && name == node {
                    node_depth = Some(depth);
                }
            }
            Token::End => {
                if node_depth == Some(depth) {
                    return None; // the node lacks the property
                }
                depth = depth.checked_sub(1)?;
            }
            Token::Prop { name_at, value } => {
                if node_depth == Some(depth) && tokens.name(name_at)? == prop {
                    return Some(value);
                }
            }
            Token::Finish => return None,
        }
    }
}

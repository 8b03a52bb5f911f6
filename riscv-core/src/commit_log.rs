//! Spike-compatible `--log-commits` trace, as a `TimingSink`.
//!
//! One line per retired instruction, exactly as Spike prints it, so traces
//! diff against `spike --log-commits`:
//! `core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000`
//! Register and CSR writes come first in Spike's order (by register number,
//! x before f for the same number, CSRs last), then ` mem ADDR` per load and
//! ` mem ADDR DATA` per store. Instructions that trap are not committed and
//! print nothing, as in Spike.

use crate::csr::csr_name;
use sim_core::{AccessKind, MemAccess, RegFile, Retired, TimingSink};
use std::io::{self, Write};

/// A write recorded for the instruction being executed, sortable into
/// Spike's order (its log keys are `regno << 4 | kind`).
#[derive(Clone, Copy)]
struct RegWrite {
    key: u32,
    text_kind: u8, // 0 = x, 1 = f, 4 = csr
    index: u16,
    value: u64,
}

pub struct CommitLog<W: Write> {
    out: W,
    writes: Vec<RegWrite>,
    loads: Vec<u64>,
    stores: Vec<(u64, u8, u64)>,
    line: String,
    error: Option<io::Error>,
}

impl<W: Write> CommitLog<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            writes: Vec::new(),
            loads: Vec::new(),
            stores: Vec::new(),
            line: String::with_capacity(128),
            error: None,
        }
    }

    /// Flushes the output and reports the first write error, if any.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn clear(&mut self) {
        self.writes.clear();
        self.loads.clear();
        self.stores.clear();
    }
}

fn push_hex(line: &mut String, bits: u32, value: u64) {
    use std::fmt::Write as _;
    let digits = (bits / 4) as usize;
    let _ = write!(line, "0x{value:0digits$x}");
}

impl<W: Write> TimingSink for CommitLog<W> {
    sim_core::same_sink_for_every_hart!();

    fn reg_write(&mut self, _hart: usize, file: RegFile, index: u8, value: u64) {
        let kind = match file {
            RegFile::Int => 0,
            RegFile::Float => 1,
        };
        self.writes.push(RegWrite {
            key: (index as u32) << 4 | kind as u32,
            text_kind: kind,
            index: index as u16,
            value,
        });
    }

    fn csr_write(&mut self, _hart: usize, csr: u16, value: u64) {
        self.writes.push(RegWrite {
            key: (csr as u32) << 4 | 4,
            text_kind: 4,
            index: csr,
            value,
        });
    }

    fn mem_access(&mut self, _hart: usize, a: &MemAccess) {
        match a.kind {
            // A sender-table read is the instruction's read, too.
            AccessKind::Load | AccessKind::TableRead => self.loads.push(a.vaddr),
            AccessKind::Store => self.stores.push((a.vaddr, a.size, a.data)),
            // Spike logs an AMO as its load and its store.
            AccessKind::Amo => {
                self.loads.push(a.vaddr);
                self.stores.push((a.vaddr, a.size, a.data));
            }
            AccessKind::Fetch | AccessKind::PageWalk => {}
        }
    }

    fn trap(&mut self, _hart: usize, _trap: &sim_core::TrapEvent) {
        // The trapping instruction did not commit: drop what it recorded.
        self.clear();
    }

    fn retire(&mut self, hart: usize, inst: &Retired) {
        use std::fmt::Write as _;
        let line = &mut self.line;
        line.clear();
        let _ = write!(line, "core{hart:4}: {} ", inst.privilege as u8);
        push_hex(line, 64, inst.pc);
        line.push_str(" (");
        push_hex(line, inst.len as u32 * 8, inst.raw as u64);
        line.push(')');
        self.writes.sort_by_key(|w| w.key);
        for w in &self.writes {
            match w.text_kind {
                0 => {
                    let _ = write!(line, " x{:<2} ", w.index);
                }
                1 => {
                    let _ = write!(line, " f{:<2} ", w.index);
                }
                _ => {
                    let name = csr_name(w.index).unwrap_or("unknown");
                    let _ = write!(line, " c{}_{} ", w.index, name);
                }
            }
            push_hex(line, 64, w.value);
        }
        for addr in &self.loads {
            line.push_str(" mem ");
            push_hex(line, 64, *addr);
        }
        for (addr, size, data) in &self.stores {
            line.push_str(" mem ");
            push_hex(line, 64, *addr);
            line.push(' ');
            push_hex(line, *size as u32 * 8, *data);
        }
        line.push('\n');
        if self.error.is_none() {
            if let Err(e) = self.out.write_all(line.as_bytes()) {
                self.error = Some(e);
            }
        }
        self.clear();
    }
}

//! Loading guest images into RAM: ELF64 RISC-V executables (through the
//! `elf` crate) and raw binaries.
//!
//! ELF rules (QEMU-like, stricter where a silent fixup would hide a bug):
//! PT_LOAD segments go to their *physical* address `p_paddr`; the part of
//! `p_memsz` beyond `p_filesz` (bss) is zeroed; every segment must lie in
//! RAM, have its file bytes inside the file and `p_filesz <= p_memsz`;
//! segments may not overlap. Everything is checked before any byte is
//! written. ET_EXEC and ET_DYN are accepted (position-independent firmware
//! such as OpenSBI relocates itself). The entry and the HTIF symbols
//! `tohost`/`fromhost` are virtual addresses: when they fall in a
//! segment's virtual range they are translated to its physical range.
//! No input bytes can make the loader panic.

use std::fmt;
use std::path::{Path, PathBuf};

use elf::abi::{EM_RISCV, ET_DYN, ET_EXEC, PT_LOAD};
use elf::endian::LittleEndian;
use elf::parse::ParseError;
use elf::ElfBytes;

use crate::bus::Bus;

/// What was loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedImage {
    /// Physical entry address.
    pub entry: u64,
    /// Physical address of the HTIF `tohost` word, if the ELF has the symbol.
    pub tohost: Option<u64>,
    pub fromhost: Option<u64>,
    /// Loaded physical ranges as `(start, end)`, end exclusive.
    pub segments: Vec<(u64, u64)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    Io {
        path: PathBuf,
        message: String,
    },
    /// No bytes, or an ELF with nothing to load.
    Empty,
    /// The file ends before a structure it declares.
    Truncated,
    NotElf,
    NotElf64,
    NotLittleEndian,
    NotRiscv(u16),
    NotExecutable {
        e_type: u16,
    },
    /// The `elf` crate rejected a table (bad entry size, bad string table ...).
    Malformed {
        what: String,
    },
    SegmentOutsideRam {
        start: u64,
        end: u64,
    },
    OverlappingSegments {
        first: (u64, u64),
        second: (u64, u64),
    },
    BadSegment {
        index: usize,
        reason: &'static str,
    },
    EntryOutsideImage {
        entry: u64,
    },
    FdtTooLarge {
        len: u64,
        ram_size: u64,
    },
    FdtOverlapsImage {
        fdt: (u64, u64),
        image: (u64, u64),
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, message } => {
                write!(f, "cannot read {}: {message}", path.display())
            }
            LoadError::Empty => write!(f, "image is empty (nothing to load)"),
            LoadError::Truncated => write!(f, "image is truncated"),
            LoadError::NotElf => write!(f, "not an ELF file"),
            LoadError::NotElf64 => write!(f, "not a 64-bit ELF file"),
            LoadError::NotLittleEndian => write!(f, "ELF file is not little-endian"),
            LoadError::NotRiscv(m) => write!(f, "ELF machine {m} is not RISC-V (243)"),
            LoadError::NotExecutable { e_type } => {
                write!(
                    f,
                    "ELF type {e_type} is not an executable (ET_EXEC or ET_DYN)"
                )
            }
            LoadError::Malformed { what } => write!(f, "malformed ELF: {what}"),
            LoadError::SegmentOutsideRam { start, end } => {
                write!(f, "segment {start:#x}..{end:#x} lies outside RAM")
            }
            LoadError::OverlappingSegments { first, second } => write!(
                f,
                "segments {:#x}..{:#x} and {:#x}..{:#x} overlap",
                first.0, first.1, second.0, second.1
            ),
            LoadError::BadSegment { index, reason } => {
                write!(f, "program header {index}: {reason}")
            }
            LoadError::EntryOutsideImage { entry } => {
                write!(f, "entry point {entry:#x} is not inside any loaded segment")
            }
            LoadError::FdtTooLarge { len, ram_size } => {
                write!(
                    f,
                    "device tree of {len} bytes does not fit in {ram_size} bytes of RAM"
                )
            }
            LoadError::FdtOverlapsImage { fdt, image } => write!(
                f,
                "device tree at {:#x}..{:#x} would overwrite the image at {:#x}..{:#x}",
                fdt.0, fdt.1, image.0, image.1
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads an image file from the host.
pub fn read_image(path: &Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|e| LoadError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// True if `bytes` start with the ELF magic.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

/// One PT_LOAD segment after validation.
struct Segment {
    paddr: u64,
    vaddr: u64,
    offset: usize,
    filesz: usize,
    memsz: u64,
}

impl Segment {
    /// Physical address of virtual (or, failing that, physical) `addr`.
    fn translate(segs: &[Segment], addr: u64) -> Option<u64> {
        let inside = |base: u64, s: &Segment| addr.checked_sub(base).is_some_and(|o| o < s.memsz);
        segs.iter()
            .find(|s| inside(s.vaddr, s))
            .map(|s| addr - s.vaddr + s.paddr)
            .or_else(|| segs.iter().any(|s| inside(s.paddr, s)).then_some(addr))
    }
}

/// Checks `e_ident` ourselves so each wrong kind of file gets its own error.
fn check_ident(bytes: &[u8]) -> Result<(), LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    if bytes.len() < 4 {
        return Err(if b"\x7fELF".starts_with(bytes) {
            LoadError::Truncated
        } else {
            LoadError::NotElf
        });
    }
    if !is_elf(bytes) {
        return Err(LoadError::NotElf);
    }
    match bytes.get(4) {
        None => return Err(LoadError::Truncated),
        Some(2) => {}
        Some(_) => return Err(LoadError::NotElf64),
    }
    match bytes.get(5) {
        None => return Err(LoadError::Truncated),
        Some(1) => {}
        Some(_) => return Err(LoadError::NotLittleEndian),
    }
    Ok(())
}

fn parse_error(e: ParseError) -> LoadError {
    match e {
        ParseError::SliceReadError(_) | ParseError::BadOffset(_) => LoadError::Truncated,
        other => LoadError::Malformed {
            what: other.to_string(),
        },
    }
}

/// Validates the PT_LOAD segments against the file and RAM.
fn segments(
    file: &ElfBytes<'_, LittleEndian>,
    len: usize,
    ram: (u64, u64),
) -> Result<Vec<Segment>, LoadError> {
    let mut segs = Vec::new();
    let Some(table) = file.segments() else {
        return Ok(segs);
    };
    for (index, ph) in table.iter().enumerate() {
        if ph.p_type != PT_LOAD {
            continue;
        }
        if ph.p_filesz > ph.p_memsz {
            return Err(LoadError::BadSegment {
                index,
                reason: "file size exceeds memory size",
            });
        }
        if ph.p_memsz == 0 {
            continue;
        }
        let file_end = ph.p_offset.checked_add(ph.p_filesz);
        if file_end.is_none_or(|end| end > len as u64) {
            return Err(LoadError::Truncated);
        }
        let start = ph.p_paddr;
        let end = start
            .checked_add(ph.p_memsz)
            .ok_or(LoadError::SegmentOutsideRam {
                start,
                end: u64::MAX,
            })?;
        if start < ram.0 || end > ram.0 + ram.1 {
            return Err(LoadError::SegmentOutsideRam { start, end });
        }
        segs.push(Segment {
            paddr: start,
            vaddr: ph.p_vaddr,
            // Both are <= len (checked above), so they fit in usize.
            offset: ph.p_offset as usize,
            filesz: ph.p_filesz as usize,
            memsz: ph.p_memsz,
        });
    }
    Ok(segs)
}

fn check_overlaps(segs: &[Segment]) -> Result<(), LoadError> {
    let mut ranges: Vec<(u64, u64)> = segs.iter().map(|s| (s.paddr, s.paddr + s.memsz)).collect();
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(LoadError::OverlappingSegments {
                first: pair[0],
                second: pair[1],
            });
        }
    }
    Ok(())
}

/// Physical addresses of `tohost` and `fromhost`; a broken symbol table is
/// treated as absent (the symbols are optional).
fn htif_symbols(file: &ElfBytes<'_, LittleEndian>, segs: &[Segment]) -> (Option<u64>, Option<u64>) {
    let Ok(Some((symtab, strtab))) = file.symbol_table() else {
        return (None, None);
    };
    let (mut tohost, mut fromhost) = (None, None);
    for sym in symtab.iter() {
        let slot = match strtab.get(sym.st_name as usize) {
            Ok("tohost") => &mut tohost,
            Ok("fromhost") => &mut fromhost,
            _ => continue,
        };
        let value = sym.st_value;
        slot.get_or_insert(Segment::translate(segs, value).unwrap_or(value));
    }
    (tohost, fromhost)
}

/// Loads an ELF64 little-endian RISC-V executable into RAM.
pub fn load_elf(bus: &mut Bus, bytes: &[u8]) -> Result<LoadedImage, LoadError> {
    check_ident(bytes)?;
    let file = ElfBytes::<LittleEndian>::minimal_parse(bytes).map_err(parse_error)?;
    let eh = &file.ehdr;
    if eh.e_machine != EM_RISCV {
        return Err(LoadError::NotRiscv(eh.e_machine));
    }
    if eh.e_type != ET_EXEC && eh.e_type != ET_DYN {
        return Err(LoadError::NotExecutable { e_type: eh.e_type });
    }
    let segs = segments(&file, bytes.len(), (bus.ram_base(), bus.ram_size()))?;
    if segs.is_empty() {
        return Err(LoadError::Empty);
    }
    check_overlaps(&segs)?;
    let entry = Segment::translate(&segs, eh.e_entry)
        .ok_or(LoadError::EntryOutsideImage { entry: eh.e_entry })?;
    let (tohost, fromhost) = htif_symbols(&file, &segs);
    for s in &segs {
        let data = bytes
            .get(s.offset..s.offset + s.filesz)
            .ok_or(LoadError::Truncated)?;
        bus.load_segment(s.paddr, data, s.memsz)?;
    }
    Ok(LoadedImage {
        entry,
        tohost,
        fromhost,
        segments: segs.iter().map(|s| (s.paddr, s.paddr + s.memsz)).collect(),
    })
}

/// Loads a raw binary at `addr`, which is also the entry.
pub fn load_raw(bus: &mut Bus, bytes: &[u8], addr: u64) -> Result<LoadedImage, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    bus.load(addr, bytes)?;
    Ok(LoadedImage {
        entry: addr,
        tohost: None,
        fromhost: None,
        segments: vec![(addr, addr + bytes.len() as u64)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::{PlatformConfig, UartOutput, RAM_BASE};
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    const RAM: u64 = 1 << 20;

    fn bus() -> Bus {
        Bus::new(&PlatformConfig {
            ram_size: RAM,
            uart_output: UartOutput::Buffer,
            ..PlatformConfig::default()
        })
        .unwrap()
    }

    struct Seg {
        paddr: u64,
        vaddr: u64,
        data: Vec<u8>,
        memsz: u64,
        p_type: u32,
    }

    fn seg(paddr: u64, data: &[u8], memsz: u64) -> Seg {
        Seg {
            paddr,
            vaddr: paddr,
            data: data.to_vec(),
            memsz,
            p_type: 1,
        }
    }

    /// A tiny ELF64 writer: header, program headers, segment data, then a
    /// string table, a symbol table and the section headers.
    struct Elf {
        class: u8,
        data: u8,
        e_type: u16,
        machine: u16,
        entry: u64,
        segs: Vec<Seg>,
        syms: Vec<(&'static str, u64)>,
    }

    impl Elf {
        fn new(entry: u64, segs: Vec<Seg>) -> Self {
            Self {
                class: 2,
                data: 1,
                e_type: 2,
                machine: 243,
                entry,
                segs,
                syms: Vec::new(),
            }
        }

        fn build(&self) -> Vec<u8> {
            fn put(v: &mut Vec<u8>, bytes: &[u8]) {
                v.extend_from_slice(bytes);
            }
            let phoff = 64u64;
            let mut data_off = phoff + 56 * self.segs.len() as u64;
            let mut out = Vec::new();
            // Segment data layout.
            let mut offsets = Vec::new();
            for s in &self.segs {
                offsets.push(data_off);
                data_off += s.data.len() as u64;
            }
            // String and symbol tables.
            let mut strtab = vec![0u8];
            let mut symtab = vec![0u8; 24];
            for (name, value) in &self.syms {
                let name_off = strtab.len() as u32;
                strtab.extend_from_slice(name.as_bytes());
                strtab.push(0);
                put(&mut symtab, &name_off.to_le_bytes());
                put(&mut symtab, &[0x11, 0]); // GLOBAL OBJECT
                put(&mut symtab, &1u16.to_le_bytes());
                put(&mut symtab, &value.to_le_bytes());
                put(&mut symtab, &8u64.to_le_bytes());
            }
            let strtab_off = data_off;
            let symtab_off = strtab_off + strtab.len() as u64;
            let shoff = symtab_off + symtab.len() as u64;
            let with_sections = !self.syms.is_empty();

            put(&mut out, b"\x7fELF");
            put(
                &mut out,
                &[self.class, self.data, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            );
            put(&mut out, &self.e_type.to_le_bytes());
            put(&mut out, &self.machine.to_le_bytes());
            put(&mut out, &1u32.to_le_bytes());
            put(&mut out, &self.entry.to_le_bytes());
            put(&mut out, &phoff.to_le_bytes());
            put(
                &mut out,
                &(if with_sections { shoff } else { 0 }).to_le_bytes(),
            );
            put(&mut out, &0u32.to_le_bytes());
            put(&mut out, &64u16.to_le_bytes());
            put(&mut out, &56u16.to_le_bytes());
            put(&mut out, &(self.segs.len() as u16).to_le_bytes());
            put(&mut out, &64u16.to_le_bytes());
            put(
                &mut out,
                &(if with_sections { 3u16 } else { 0 }).to_le_bytes(),
            );
            put(&mut out, &0u16.to_le_bytes());
            assert_eq!(out.len(), 64);
            for (s, off) in self.segs.iter().zip(&offsets) {
                put(&mut out, &s.p_type.to_le_bytes());
                put(&mut out, &7u32.to_le_bytes());
                put(&mut out, &off.to_le_bytes());
                put(&mut out, &s.vaddr.to_le_bytes());
                put(&mut out, &s.paddr.to_le_bytes());
                put(&mut out, &(s.data.len() as u64).to_le_bytes());
                put(&mut out, &s.memsz.to_le_bytes());
                put(&mut out, &8u64.to_le_bytes());
            }
            for s in &self.segs {
                put(&mut out, &s.data);
            }
            if with_sections {
                put(&mut out, &strtab);
                put(&mut out, &symtab);
                let shdr =
                    |out: &mut Vec<u8>, ty: u32, off: u64, size: u64, link: u32, ent: u64| {
                        put(out, &0u32.to_le_bytes());
                        put(out, &ty.to_le_bytes());
                        put(out, &0u64.to_le_bytes());
                        put(out, &0u64.to_le_bytes());
                        put(out, &off.to_le_bytes());
                        put(out, &size.to_le_bytes());
                        put(out, &link.to_le_bytes());
                        put(out, &1u32.to_le_bytes());
                        put(out, &1u64.to_le_bytes());
                        put(out, &ent.to_le_bytes());
                    };
                shdr(&mut out, 0, 0, 0, 0, 0);
                shdr(&mut out, 3, strtab_off, strtab.len() as u64, 0, 0);
                shdr(&mut out, 2, symtab_off, symtab.len() as u64, 1, 24);
            }
            out
        }
    }

    fn good() -> Elf {
        let mut e = Elf::new(
            RAM_BASE + 4,
            vec![
                seg(RAM_BASE, &[0x13, 0, 0, 0, 0x6f, 0, 0, 0], 8),
                seg(RAM_BASE + 0x1000, &[1, 2, 3, 4], 0x100),
            ],
        );
        e.syms = vec![
            ("tohost", RAM_BASE + 0x1008),
            ("fromhost", RAM_BASE + 0x1010),
        ];
        e
    }

    #[test]
    fn good_file_loads() {
        let mut b = bus();
        b.ram_mut()[0x1000..0x1101].fill(0xee);
        let img = load_elf(&mut b, &good().build()).unwrap();
        assert_eq!(img.entry, RAM_BASE + 4);
        assert_eq!(
            img.segments,
            vec![
                (RAM_BASE, RAM_BASE + 8),
                (RAM_BASE + 0x1000, RAM_BASE + 0x1100)
            ]
        );
        assert_eq!(img.tohost, Some(RAM_BASE + 0x1008));
        assert_eq!(img.fromhost, Some(RAM_BASE + 0x1010));
        assert_eq!(b.read(RAM_BASE, 4), Some(0x13));
        assert_eq!(b.read(RAM_BASE + 0x1000, 4), Some(0x0403_0201));
        assert!(
            b.ram()[0x1004..0x1100].iter().all(|&x| x == 0),
            "bss zeroed"
        );
        assert_eq!(b.ram()[0x1100], 0xee, "nothing past memsz");
    }

    #[test]
    fn virtual_entry_and_symbols_are_translated() {
        let mut e = Elf::new(
            0xffff_ffff_8000_0010,
            vec![Seg {
                vaddr: 0xffff_ffff_8000_0000,
                ..seg(RAM_BASE + 0x8_0000, &[0; 0x40], 0x40)
            }],
        );
        e.syms = vec![("tohost", 0xffff_ffff_8000_0020)];
        let img = load_elf(&mut bus(), &e.build()).unwrap();
        assert_eq!(img.entry, RAM_BASE + 0x8_0010);
        assert_eq!(img.tohost, Some(RAM_BASE + 0x8_0020));
        assert_eq!(img.fromhost, None);
    }

    #[test]
    fn rejects_wrong_files() {
        let good = good().build();
        let mut b = bus();
        assert_eq!(load_elf(&mut b, &[]), Err(LoadError::Empty));
        assert_eq!(load_elf(&mut b, b"\x7fEL"), Err(LoadError::Truncated));
        assert_eq!(load_elf(&mut b, &good[..40]), Err(LoadError::Truncated));
        assert_eq!(load_elf(&mut b, &good[..100]), Err(LoadError::Truncated));
        assert_eq!(
            load_elf(&mut b, &good[..good.len() - 300]),
            Err(LoadError::Truncated)
        );
        assert_eq!(load_elf(&mut b, b"#!/bin/sh\n"), Err(LoadError::NotElf));
        let with = |f: &dyn Fn(&mut Elf)| {
            let mut e = self::good();
            f(&mut e);
            e.build()
        };
        assert_eq!(
            load_elf(&mut b, &with(&|e| e.class = 1)),
            Err(LoadError::NotElf64)
        );
        assert_eq!(
            load_elf(&mut b, &with(&|e| e.data = 2)),
            Err(LoadError::NotLittleEndian)
        );
        assert_eq!(
            load_elf(&mut b, &with(&|e| e.machine = 62)),
            Err(LoadError::NotRiscv(62))
        );
        assert_eq!(
            load_elf(&mut b, &with(&|e| e.e_type = 1)),
            Err(LoadError::NotExecutable { e_type: 1 })
        );
        assert_eq!(
            load_elf(&mut b, &with(&|e| e.segs[1].paddr = RAM_BASE + RAM - 0x10)),
            Err(LoadError::SegmentOutsideRam {
                start: RAM_BASE + RAM - 0x10,
                end: RAM_BASE + RAM + 0xf0
            })
        );
        assert!(matches!(
            load_elf(&mut b, &with(&|e| e.segs[1].paddr = 0x1000)),
            Err(LoadError::SegmentOutsideRam { .. })
        ));
        assert!(matches!(
            load_elf(&mut b, &with(&|e| e.segs[1].paddr = u64::MAX - 8)),
            Err(LoadError::SegmentOutsideRam { .. })
        ));
        assert_eq!(
            load_elf(&mut b, &with(&|e| e.segs[1].paddr = RAM_BASE + 4)),
            Err(LoadError::OverlappingSegments {
                first: (RAM_BASE, RAM_BASE + 8),
                second: (RAM_BASE + 4, RAM_BASE + 0x104)
            })
        );
        assert_eq!(
            load_elf(&mut b, &with(&|e| e.segs[1].memsz = 2)),
            Err(LoadError::BadSegment {
                index: 1,
                reason: "file size exceeds memory size"
            })
        );
        assert_eq!(
            load_elf(&mut b, &with(&|e| e.entry = RAM_BASE + 0x800)),
            Err(LoadError::EntryOutsideImage {
                entry: RAM_BASE + 0x800
            })
        );
        assert_eq!(
            load_elf(
                &mut b,
                &with(&|e| e.segs.iter_mut().for_each(|s| s.p_type = 4))
            ),
            Err(LoadError::Empty)
        );
        assert!(b.ram().iter().all(|&x| x == 0), "nothing written on error");
    }

    #[test]
    fn errors_display_on_one_line() {
        let errors = [
            LoadError::Truncated,
            LoadError::NotRiscv(62),
            LoadError::OverlappingSegments {
                first: (1, 5),
                second: (2, 3),
            },
            LoadError::Io {
                path: "/x".into(),
                message: "gone".into(),
            },
        ];
        for e in errors {
            let s = e.to_string();
            assert!(!s.is_empty() && !s.contains('\n'), "{s}");
        }
        assert!(matches!(
            read_image(Path::new("/nonexistent/img")),
            Err(LoadError::Io { .. })
        ));
    }

    #[test]
    fn raw_images() {
        let mut b = bus();
        let img = load_raw(&mut b, &[1, 2, 3], RAM_BASE + 0x10).unwrap();
        assert_eq!(img.entry, RAM_BASE + 0x10);
        assert_eq!(img.segments, vec![(RAM_BASE + 0x10, RAM_BASE + 0x13)]);
        assert_eq!(b.read(RAM_BASE + 0x10, 4), Some(0x03_0201));
        assert_eq!(load_raw(&mut b, &[], RAM_BASE), Err(LoadError::Empty));
        assert!(matches!(
            load_raw(&mut b, &[0; 8], RAM_BASE + RAM - 4),
            Err(LoadError::SegmentOutsideRam { .. })
        ));
        assert!(matches!(
            load_raw(&mut b, &[0; 8], 0),
            Err(LoadError::SegmentOutsideRam { .. })
        ));
    }

    #[test]
    fn boot_flow_elf_fdt_rom_htif() {
        let cfg = PlatformConfig {
            ram_size: RAM,
            uart_output: UartOutput::Buffer,
            ..PlatformConfig::default()
        };
        let mut b = Bus::new(&cfg).unwrap();
        let img = load_elf(&mut b, &good().build()).unwrap();
        let fdt = crate::dtb::build_fdt(&cfg).unwrap();
        assert_eq!(b.install_boot_rom(img.entry, &fdt, 0), Ok(0x1000));
        let fdt_addr = b.read(0x1020, 8).unwrap();
        assert_eq!(b.read(0x1018, 8), Some(img.entry));
        assert_eq!(
            b.read(fdt_addr, 4).map(|m| (m as u32).swap_bytes()),
            Some(0xd00d_feed)
        );
        assert!(fdt_addr + fdt.len() as u64 <= RAM_BASE + RAM);
        // The guest signals pass through the symbol the loader found.
        b.set_htif(img.tohost.unwrap(), img.fromhost);
        assert!(b.write(img.tohost.unwrap(), 8, 1));
        b.poll_htif();
        assert_eq!(b.exit_request(), Some(0));
    }

    #[test]
    fn fuzzed_inputs_never_panic() {
        let base = good().build();
        let mut rng = StdRng::seed_from_u64(0x5eed);
        let mut b = bus();
        let mut loaded = 0;
        let mut kinds = std::collections::HashSet::new();
        for _ in 0..20_000 {
            let mut bytes = base.clone();
            match rng.gen_range(0..4) {
                0 => {
                    for _ in 0..rng.gen_range(1..8) {
                        let i = rng.gen_range(0..bytes.len());
                        bytes[i] = rng.gen();
                    }
                }
                1 => {
                    // Overwrite an aligned header/table word with a random value.
                    let i = rng.gen_range(0..bytes.len() / 8) * 8;
                    let v: u64 = if rng.gen() {
                        rng.gen()
                    } else {
                        rng.gen_range(0..256)
                    };
                    bytes[i..i + 8].copy_from_slice(&v.to_le_bytes());
                }
                2 => bytes.truncate(rng.gen_range(0..bytes.len())),
                _ => {
                    let i = rng.gen_range(0..bytes.len() - 1);
                    bytes[i] ^= 1 << rng.gen_range(0..8);
                    bytes[i + 1] = rng.gen();
                }
            }
            let result = load_elf(&mut b, &bytes);
            if let Err(e) = &result {
                kinds.insert(std::mem::discriminant(e));
            }
            if let Ok(img) = result {
                loaded += 1;
                assert!(img
                    .segments
                    .iter()
                    .all(|&(s, e)| s >= RAM_BASE && e <= RAM_BASE + RAM));
            }
        }
        assert!(loaded > 0, "some mutations still load");
        // The mutations reach past the header checks into the tables.
        assert!(kinds.len() >= 8, "only {} kinds of error", kinds.len());
    }
}

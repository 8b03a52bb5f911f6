//! The system bus: routes physical addresses to RAM, the boot ROM and the
//! devices of the platform (map in `platform.rs`), and gathers the
//! devices' interrupt lines and exit requests for the machine.

use crate::devices::htif::HtifRam;
use crate::devices::{Clint, Finisher, Htif, Plic, SimControl, Uart, Uintc};
use crate::loader::LoadError;
use crate::mem::PhysMem;
use crate::platform::*;
use crate::reservation::Reservations;

/// Interrupt lines of one hart as driven by the devices (the machine copies
/// them into the hardware bits of `mip`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InterruptLines {
    pub msip: bool,
    pub mtip: bool,
    pub meip: bool,
    pub seip: bool,
}

/// Which device asked to stop the simulation first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitSource {
    Finisher,
    Htif,
    SimControl,
}

/// Reset stub of the boot ROM, as QEMU `virt`'s: a0 = hart id, a1 = FDT,
/// a2 = fw_dynamic_info (for OpenSBI-style firmware), jump to the entry.
/// The 64-bit data words follow at offsets 24 (entry), 32 (FDT) and 40
/// (fw_dynamic_info: magic, version, next_addr, next_mode, options,
/// boot_hart).
const RESET_STUB: [u32; 6] = [
    0x0000_0297, // auipc t0, 0          t0 = 0x1000
    0x0282_8613, // addi  a2, t0, 40     fw_dynamic_info
    0xf140_2573, // csrr  a0, mhartid
    0x0202_b583, // ld    a1, 32(t0)     FDT address
    0x0182_b283, // ld    t0, 24(t0)     entry address
    0x0002_8067, // jr    t0
];
const ROM_ENTRY_OFFSET: usize = 24;
const ROM_FDT_OFFSET: usize = 32;
const ROM_FW_DYNAMIC_OFFSET: usize = 40;
/// fw_dynamic_info magic ("OSBI") and the version with boot_hart.
const FW_DYNAMIC_MAGIC: u64 = 0x4942_534f;
const FW_DYNAMIC_VERSION: u64 = 2;
/// Privilege the firmware should start the next stage in (S).
const FW_DYNAMIC_NEXT_MODE_S: u64 = 1;

pub struct Bus {
    pub clint: Clint,
    pub plic: Plic,
    pub uart: Uart,
    pub finisher: Finisher,
    pub htif: Htif,
    pub uintc: Uintc,
    pub simctl: SimControl,
    /// Hart whose accesses are being performed (the machine sets it before
    /// running a hart); sim-control events are tagged with it.
    pub current_hart: usize,
    /// Counts accesses to anything but RAM: any of them may change an
    /// interrupt line, so a hart whose lines were sampled at the same
    /// count (and time) need not sample them again.
    pub device_epoch: u64,
    /// LR/SC reservation sets of all harts (stores by any hart break them).
    pub reservations: Reservations,
    ram: Vec<u8>,
    /// `ram.len()` as u64, for the hot range check.
    ram_size: u64,
    rom: Vec<u8>,
    plic_size: u64,
    /// Physical ranges `[start, end)` written by loads, to keep the FDT
    /// from overwriting an image.
    loaded: Vec<(u64, u64)>,
    exit: Option<(u32, ExitSource)>,
    fdt: Option<u64>,
}

impl Bus {
    pub fn new(cfg: &PlatformConfig) -> Result<Bus, PlatformError> {
        cfg.validate()?;
        let ram_len = usize::try_from(cfg.ram_size)
            .map_err(|_| PlatformError::BadRamSize { size: cfg.ram_size })?;
        Ok(Bus {
            clint: Clint::new(cfg.harts),
            plic: Plic::new(cfg.harts),
            uart: Uart::new(&cfg.uart_output)?,
            finisher: Finisher::new(),
            htif: Htif::new(),
            uintc: Uintc::new(),
            simctl: SimControl::new(),
            current_hart: 0,
            device_epoch: 0,
            reservations: Reservations::new(cfg.harts),
            // Zeroed allocation: the host maps pages lazily.
            ram: vec![0; ram_len],
            ram_size: cfg.ram_size,
            rom: vec![0; BOOT_ROM_SIZE as usize],
            plic_size: plic_size(cfg.harts * 2),
            loaded: Vec::new(),
            exit: None,
            fdt: None,
        })
    }

    #[inline]
    pub fn ram_base(&self) -> u64 {
        RAM_BASE
    }

    #[inline]
    pub fn ram_size(&self) -> u64 {
        self.ram_size
    }

    #[inline]
    pub fn ram(&self) -> &[u8] {
        &self.ram
    }

    #[inline]
    pub fn ram_mut(&mut self) -> &mut [u8] {
        &mut self.ram
    }

    /// Whether `paddr` is in RAM (stores elsewhere reach devices).
    #[inline]
    pub fn is_ram(&self, paddr: u64) -> bool {
        paddr.wrapping_sub(RAM_BASE) < self.ram_size
    }

    /// Offset into RAM of `[paddr, paddr + len)` if it lies wholly in RAM.
    #[inline]
    fn ram_offset(&self, paddr: u64, len: u64) -> Option<usize> {
        let off = paddr.wrapping_sub(RAM_BASE);
        (off < self.ram_size && len <= self.ram_size - off).then_some(off as usize)
    }

    /// The RAM bytes `[paddr, paddr + len)` if they lie wholly in RAM.
    #[inline]
    pub fn ram_slice(&self, paddr: u64, len: u64) -> Option<&[u8]> {
        let off = self.ram_offset(paddr, len)?;
        Some(&self.ram[off..off + len as usize])
    }

    /// The RAM bytes `[paddr, paddr + len)` if they lie wholly in RAM
    /// (one bounds check: the slice's own).
    #[inline(always)]
    fn ram_bytes(&mut self, paddr: u64, len: usize) -> Option<&mut [u8]> {
        let off = usize::try_from(paddr.wrapping_sub(RAM_BASE)).ok()?;
        self.ram.get_mut(off..off.checked_add(len)?)
    }

    /// Physical read of `size` (1, 2, 4, 8) bytes, little-endian.
    /// `None` is an access fault.
    #[inline]
    pub fn read(&mut self, paddr: u64, size: u8) -> Option<u64> {
        if let Some(b) = self.ram_bytes(paddr, size as usize) {
            return le_value(b);
        }
        self.read_slow(paddr, size)
    }

    /// Physical write of the low `size` bytes of `value`. `false` is an
    /// access fault.
    #[inline]
    pub fn write(&mut self, paddr: u64, size: u8, value: u64) -> bool {
        if let Some(b) = self.ram_bytes(paddr, size as usize) {
            if !matches!(size, 1 | 2 | 4 | 8) {
                return false;
            }
            b.copy_from_slice(&value.to_le_bytes()[..size as usize]);
            return true;
        }
        self.write_slow(paddr, size, value)
    }

    /// Reads `size` (1, 2, 4, 8) bytes at offset `off` into RAM, a multiple
    /// of `size` (the host TLB's fast path: it knows the address is RAM and
    /// only serves aligned accesses). `None` if the bytes are not in RAM.
    #[inline(always)]
    pub fn ram_read_aligned(&self, off: usize, size: u8) -> Option<u64> {
        debug_assert_eq!(off % size as usize, 0);
        // An aligned access is one whole chunk of its size: one bounds check.
        Some(match size {
            1 => *self.ram.get(off)? as u64,
            2 => u16::from_le_bytes(*self.ram.as_chunks().0.get(off / 2)?) as u64,
            4 => u32::from_le_bytes(*self.ram.as_chunks().0.get(off / 4)?) as u64,
            8 => u64::from_le_bytes(*self.ram.as_chunks().0.get(off / 8)?),
            _ => return None,
        })
    }

    /// Writes the low `size` (1, 2, 4, 8) bytes of `value` at offset `off`
    /// into RAM, a multiple of `size` (the host TLB's fast path). `false`
    /// (nothing written) if the bytes are not in RAM.
    #[inline(always)]
    pub fn ram_write_aligned(&mut self, off: usize, size: u8, value: u64) -> bool {
        debug_assert_eq!(off % size as usize, 0);
        fn put<const N: usize>(ram: &mut [u8], off: usize, bytes: [u8; 8]) -> bool {
            match ram.as_chunks_mut::<N>().0.get_mut(off / N) {
                Some(chunk) => {
                    chunk.copy_from_slice(&bytes[..N]);
                    true
                }
                None => false,
            }
        }
        let bytes = value.to_le_bytes();
        match size {
            1 => put::<1>(&mut self.ram, off, bytes),
            2 => put::<2>(&mut self.ram, off, bytes),
            4 => put::<4>(&mut self.ram, off, bytes),
            8 => put::<8>(&mut self.ram, off, bytes),
            _ => false,
        }
    }

    #[inline(never)]
    fn read_slow(&mut self, paddr: u64, size: u8) -> Option<u64> {
        if !matches!(size, 1 | 2 | 4 | 8) {
            return None;
        }
        self.device_epoch += 1;
        let mask = size_mask(size);
        let v = if let Some(off) = in_region(paddr, size, BOOT_ROM_BASE, BOOT_ROM_SIZE) {
            read_le(&self.rom, off as usize, size)
        } else if let Some(off) = in_region(paddr, size, CLINT_BASE, CLINT_SIZE) {
            self.clint.read(off, size)
        } else if let Some(off) = in_region(paddr, size, PLIC_BASE, self.plic_size) {
            self.plic.read(off, size)
        } else if let Some(off) = in_region(paddr, size, UART_BASE, UART_SIZE) {
            let v = self.uart.read(off, size);
            self.plic.set_level(UART_IRQ, self.uart.irq());
            v
        } else if let Some(off) = in_region(paddr, size, UINTC_BASE, UINTC_SIZE) {
            self.uintc.read(off, size)
        } else if let Some(off) = in_region(paddr, size, FINISHER_BASE, FINISHER_SIZE) {
            self.finisher.read(off, size)
        } else if let Some(off) = in_region(paddr, size, SIMCTL_BASE, SIMCTL_SIZE) {
            self.simctl.read(off, size)
        } else {
            None
        };
        v.map(|v| v & mask)
    }

    #[inline(never)]
    fn write_slow(&mut self, paddr: u64, size: u8, value: u64) -> bool {
        if !matches!(size, 1 | 2 | 4 | 8) {
            return false;
        }
        self.device_epoch += 1;
        let value = value & size_mask(size);
        if let Some(off) = in_region(paddr, size, CLINT_BASE, CLINT_SIZE) {
            self.clint.write(off, size, value)
        } else if let Some(off) = in_region(paddr, size, PLIC_BASE, self.plic_size) {
            self.plic.write(off, size, value)
        } else if let Some(off) = in_region(paddr, size, UART_BASE, UART_SIZE) {
            let ok = self.uart.write(off, size, value);
            self.plic.set_level(UART_IRQ, self.uart.irq());
            ok
        } else if let Some(off) = in_region(paddr, size, UINTC_BASE, UINTC_SIZE) {
            self.uintc.write(off, size, value)
        } else if let Some(off) = in_region(paddr, size, FINISHER_BASE, FINISHER_SIZE) {
            let ok = self.finisher.write(off, size, value);
            if let Some(code) = self.finisher.exit_code() {
                self.note_exit(code, ExitSource::Finisher);
            }
            ok
        } else if let Some(off) = in_region(paddr, size, SIMCTL_BASE, SIMCTL_SIZE) {
            let ok = self.simctl.write(off, size, value, self.current_hart);
            if let Some(code) = self.simctl.exit_code() {
                self.note_exit(code, ExitSource::SimControl);
            }
            ok
        } else {
            // Unmapped, or the read-only boot ROM.
            false
        }
    }

    fn note_exit(&mut self, code: u32, source: ExitSource) {
        self.exit.get_or_insert((code, source));
    }

    /// Exit code requested by the finisher, HTIF or sim-control; the first
    /// request wins.
    pub fn exit_request(&self) -> Option<u32> {
        self.exit.map(|(code, _)| code)
    }

    /// Device that made the exit request.
    pub fn exit_source(&self) -> Option<ExitSource> {
        self.exit.map(|(_, source)| source)
    }

    /// Copies `bytes` into RAM at `paddr`.
    pub fn load(&mut self, paddr: u64, bytes: &[u8]) -> Result<(), LoadError> {
        self.load_segment(paddr, bytes, bytes.len() as u64)
    }

    /// Copies `bytes` to `paddr` and zeroes the rest of `mem_size` bytes
    /// (an ELF segment's bss part). The range is remembered so that the
    /// FDT cannot later be placed over it.
    pub fn load_segment(
        &mut self,
        paddr: u64,
        bytes: &[u8],
        mem_size: u64,
    ) -> Result<(), LoadError> {
        self.copy_into_ram(paddr, bytes, mem_size)?;
        if mem_size > 0 {
            self.loaded.push((paddr, paddr + mem_size));
        }
        Ok(())
    }

    fn copy_into_ram(&mut self, paddr: u64, bytes: &[u8], mem_size: u64) -> Result<(), LoadError> {
        if (bytes.len() as u64) > mem_size {
            return Err(LoadError::BadSegment {
                index: 0,
                reason: "file size exceeds memory size",
            });
        }
        let off = self
            .ram_offset(paddr, mem_size)
            .ok_or(LoadError::SegmentOutsideRam {
                start: paddr,
                end: paddr.saturating_add(mem_size),
            })?;
        let file_end = off + bytes.len();
        self.ram[off..file_end].copy_from_slice(bytes);
        self.ram[file_end..off + mem_size as usize].fill(0);
        Ok(())
    }

    /// Physical ranges `[start, end)` loaded so far.
    pub fn loaded_ranges(&self) -> &[(u64, u64)] {
        &self.loaded
    }

    /// Interrupt lines of `hart` from the CLINT and the PLIC.
    pub fn interrupt_lines(&self, hart: usize) -> InterruptLines {
        InterruptLines {
            msip: self.clint.msip(hart),
            mtip: self.clint.mtip(hart),
            meip: self.plic.eip(2 * hart),
            seip: self.plic.eip(2 * hart + 1),
        }
    }

    /// The machine derives `mtime` from simulated cycles.
    pub fn set_mtime(&mut self, mtime: u64) {
        self.clint.set_mtime(mtime);
    }

    /// Locates HTIF's `tohost`/`fromhost` words (from ELF symbols).
    pub fn set_htif(&mut self, tohost: u64, fromhost: Option<u64>) {
        self.htif.set_addresses(tohost, fromhost);
    }

    /// Handles a pending HTIF command (the machine calls this after each
    /// quantum).
    pub fn poll_htif(&mut self) {
        if self.htif.tohost().is_none() {
            return;
        }
        let mut ram = HtifRam {
            base: RAM_BASE,
            bytes: &mut self.ram,
        };
        self.htif.poll(&mut ram, &mut self.uart);
        if let Some(code) = self.htif.exit_code() {
            self.note_exit(code, ExitSource::Htif);
        }
    }

    /// Writes the FDT to the top of RAM ([`fdt_address`]) and the reset stub
    /// to the boot ROM; returns the reset pc. Fails if the FDT does not fit
    /// or would overwrite a loaded image (so load images first). Calling it
    /// again replaces the previous FDT and stub.
    /// `next_stage` is the entry of the stage after the firmware (0 if
    /// none), handed over in fw_dynamic_info as QEMU does.
    pub fn install_boot_rom(
        &mut self,
        entry: u64,
        fdt: &[u8],
        next_stage: u64,
    ) -> Result<u64, LoadError> {
        let len = fdt.len() as u64;
        let addr = fdt_address(RAM_BASE, self.ram_size, len).ok_or(LoadError::FdtTooLarge {
            len,
            ram_size: self.ram_size,
        })?;
        if let Some(&(start, end)) = self
            .loaded
            .iter()
            .find(|&&(start, end)| start < addr + len && addr < end)
        {
            return Err(LoadError::FdtOverlapsImage {
                fdt: (addr, addr + len),
                image: (start, end),
            });
        }
        self.copy_into_ram(addr, fdt, len)?;
        self.fdt = Some(addr);
        for (i, word) in RESET_STUB.iter().enumerate() {
            self.rom[4 * i..4 * i + 4].copy_from_slice(&word.to_le_bytes());
        }
        self.rom[ROM_ENTRY_OFFSET..ROM_ENTRY_OFFSET + 8].copy_from_slice(&entry.to_le_bytes());
        self.rom[ROM_FDT_OFFSET..ROM_FDT_OFFSET + 8].copy_from_slice(&addr.to_le_bytes());
        let info = [
            FW_DYNAMIC_MAGIC,
            FW_DYNAMIC_VERSION,
            next_stage,
            FW_DYNAMIC_NEXT_MODE_S,
            0, // options
            0, // boot_hart
        ];
        for (i, word) in info.iter().enumerate() {
            let off = ROM_FW_DYNAMIC_OFFSET + 8 * i;
            self.rom[off..off + 8].copy_from_slice(&word.to_le_bytes());
        }
        Ok(BOOT_ROM_BASE)
    }

    /// Physical address of the FDT once the boot ROM is installed.
    pub fn fdt_address(&self) -> Option<u64> {
        self.fdt
    }

    /// Writes buffered UART output (call at exit).
    pub fn flush_output(&mut self) {
        self.uart.flush();
    }
}

impl PhysMem for Bus {
    /// Page-table walks only see RAM.
    #[inline]
    fn read_u64(&mut self, paddr: u64) -> Option<u64> {
        let off = self.ram_offset(paddr, 8)?;
        read_le(&self.ram, off, 8)
    }

    #[inline]
    fn write_u64(&mut self, paddr: u64, value: u64) -> bool {
        match self.ram_offset(paddr, 8) {
            Some(off) => write_le(&mut self.ram, off, 8, value),
            None => false,
        }
    }
}

/// Offset of `[paddr, paddr + size)` inside region `[base, base + len)`.
#[inline]
fn in_region(paddr: u64, size: u8, base: u64, len: u64) -> Option<u64> {
    let off = paddr.checked_sub(base)?;
    (off < len && size as u64 <= len - off).then_some(off)
}

fn size_mask(size: u8) -> u64 {
    match size {
        8 => u64::MAX,
        s => (1u64 << (8 * s as u32)) - 1,
    }
}

/// Little-endian load; the caller has checked `off + size <= mem.len()`.
#[inline]
fn read_le(mem: &[u8], off: usize, size: u8) -> Option<u64> {
    le_value(mem.get(off..off + size as usize)?)
}

/// The little-endian value of 1, 2, 4 or 8 bytes.
#[inline(always)]
fn le_value(b: &[u8]) -> Option<u64> {
    Some(match b.len() {
        1 => b[0] as u64,
        2 => u16::from_le_bytes([b[0], b[1]]) as u64,
        4 => u32::from_le_bytes(b.try_into().ok()?) as u64,
        8 => u64::from_le_bytes(b.try_into().ok()?),
        _ => return None,
    })
}

#[inline]
fn write_le(mem: &mut [u8], off: usize, size: u8, value: u64) -> bool {
    if !matches!(size, 1 | 2 | 4 | 8) {
        return false;
    }
    match mem.get_mut(off..off + size as usize) {
        Some(b) => {
            b.copy_from_slice(&value.to_le_bytes()[..size as usize]);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::SimEvent;

    fn bus() -> Bus {
        Bus::new(&PlatformConfig {
            harts: 2,
            ram_size: 1 << 20,
            uart_output: UartOutput::Buffer,
            ..PlatformConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn ram_all_widths_little_endian() {
        let mut b = bus();
        assert!(b.write(RAM_BASE, 8, 0x0807_0605_0403_0201));
        assert_eq!(&b.ram()[..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(b.read(RAM_BASE, 1), Some(0x01));
        assert_eq!(b.read(RAM_BASE + 1, 2), Some(0x0302));
        assert_eq!(b.read(RAM_BASE + 4, 4), Some(0x0807_0605));
        assert_eq!(b.read(RAM_BASE, 8), Some(0x0807_0605_0403_0201));
        assert!(b.write(RAM_BASE + 3, 1, 0xffaa));
        assert!(b.write(RAM_BASE + 5, 2, 0xffff_bbcc));
        assert!(b.write(RAM_BASE + 12, 4, 0x1122_3344_5566_7788));
        assert_eq!(b.read(RAM_BASE, 8), Some(0x08bb_cc05_aa03_0201));
        assert_eq!(b.read(RAM_BASE + 12, 8), Some(0x5566_7788));
        assert_eq!(b.read(RAM_BASE, 3), None, "bad width");
        assert!(!b.write(RAM_BASE, 16, 0));
        assert_eq!(b.ram_base(), RAM_BASE);
        assert_eq!(b.ram_size(), 1 << 20);
        b.ram_mut()[100] = 9;
        assert_eq!(b.read(RAM_BASE + 100, 1), Some(9));
        assert_eq!(
            PhysMem::read_u64(&mut b, RAM_BASE),
            Some(0x08bb_cc05_aa03_0201)
        );
        assert!(PhysMem::write_u64(&mut b, RAM_BASE + 8, 5));
        assert_eq!(PhysMem::read_u64(&mut b, RAM_BASE + 8), Some(5));
        assert_eq!(
            PhysMem::read_u64(&mut b, CLINT_BASE),
            None,
            "walks see RAM only"
        );
    }

    #[test]
    fn ram_end_and_unmapped() {
        let mut b = bus();
        let end = RAM_BASE + (1 << 20);
        assert!(b.write(end - 8, 8, 1));
        assert_eq!(b.read(end - 8, 8), Some(1));
        assert_eq!(b.read(end - 4, 8), None, "straddles the end of RAM");
        assert!(!b.write(end - 1, 2, 0));
        assert_eq!(b.read(end, 1), None);
        assert_eq!(b.read(RAM_BASE - 1, 1), None);
        assert_eq!(b.read(RAM_BASE - 4, 8), None, "straddles the start of RAM");
        assert_eq!(b.read(0, 4), None);
        assert_eq!(b.read(u64::MAX, 1), None);
        assert_eq!(b.read(u64::MAX - 3, 8), None);
        assert!(!b.write(0x3000_0000, 4, 0));
        assert_eq!(PhysMem::read_u64(&mut b, end - 4), None);
        assert_eq!(b.read(UART_BASE + UART_SIZE - 1, 2), None);
    }

    #[test]
    fn devices_through_the_bus() {
        let mut b = bus();
        // CLINT timer of hart 1.
        assert!(b.write(CLINT_BASE + 0x4008, 8, 50));
        b.set_mtime(49);
        assert!(!b.interrupt_lines(1).mtip);
        b.set_mtime(50);
        assert!(b.interrupt_lines(1).mtip);
        assert_eq!(b.read(CLINT_BASE + 0xbff8, 8), Some(50));
        assert!(b.write(CLINT_BASE, 4, 1));
        assert_eq!(
            b.interrupt_lines(0),
            InterruptLines {
                msip: true,
                ..Default::default()
            }
        );
        // UART THR-empty interrupt reaches hart 0's S context via the PLIC.
        assert!(b.write(PLIC_BASE + 4 * UART_IRQ as u64, 4, 1));
        assert!(b.write(PLIC_BASE + 0x2000 + 0x80, 4, 1 << UART_IRQ));
        assert!(b.write(UART_BASE, 1, b'o' as u64));
        assert!(b.write(UART_BASE, 1, b'k' as u64));
        assert_eq!(b.uart.take_output(), b"ok");
        assert!(!b.interrupt_lines(0).seip);
        assert!(b.write(UART_BASE + 1, 1, 2));
        assert!(b.interrupt_lines(0).seip);
        assert!(!b.interrupt_lines(0).meip);
        assert_eq!(b.read(PLIC_BASE + 0x20_1004, 4), Some(UART_IRQ as u64));
        assert_eq!(b.read(UART_BASE + 2, 1), Some(0x02));
        assert!(b.write(PLIC_BASE + 0x20_1004, 4, UART_IRQ as u64));
        assert!(!b.interrupt_lines(0).seip, "IIR read dropped the line");
        // UINTC.
        assert!(b.write(UINTC_BASE + 32 + 8, 8, (1 << 16) | 1));
        assert!(b.write(UINTC_BASE + 32, 8, 3));
        assert!(b.uintc.receiver_pending(1, 1));
        assert_eq!(b.read(UINTC_BASE + 32 + 8, 4), None);
        // sim-control uses the current hart.
        b.current_hart = 1;
        assert!(b.write(SIMCTL_BASE, 8, 0));
        assert_eq!(b.simctl.take_events(), vec![SimEvent::RoiBegin { hart: 1 }]);
        assert_eq!(b.read(SIMCTL_BASE + 0x30, 4), Some(0x5349_4d43));
        // Boot ROM is read-only.
        assert!(!b.write(BOOT_ROM_BASE, 4, 0));
        assert_eq!(b.read(BOOT_ROM_BASE, 4), Some(0));
    }

    #[test]
    fn exit_requests_first_wins() {
        let mut b = bus();
        assert_eq!(b.exit_request(), None);
        assert!(b.write(FINISHER_BASE, 4, (3 << 16) | 0x3333));
        assert!(b.write(SIMCTL_BASE + 0x20, 8, 9));
        assert_eq!(b.exit_request(), Some(3));
        assert_eq!(b.exit_source(), Some(ExitSource::Finisher));

        let mut b = bus();
        assert!(b.write(SIMCTL_BASE + 0x20, 8, 9));
        assert_eq!(b.exit_request(), Some(9));
        assert_eq!(b.exit_source(), Some(ExitSource::SimControl));

        let mut b = bus();
        b.set_htif(RAM_BASE + 0x100, Some(RAM_BASE + 0x108));
        b.poll_htif();
        assert_eq!(b.exit_request(), None);
        assert!(b.write(RAM_BASE + 0x100, 8, (1 << 56) | (1 << 48) | b'z' as u64));
        b.poll_htif();
        assert_eq!(b.uart.take_output(), b"z");
        assert!(b.write(RAM_BASE + 0x100, 4, (2 << 1) | 1));
        b.poll_htif();
        assert_eq!(b.exit_request(), Some(2));
        assert_eq!(b.exit_source(), Some(ExitSource::Htif));
    }

    #[test]
    fn boot_rom_stub_and_fdt() {
        let mut b = bus();
        let fdt = [0xd0, 0x0d, 0xfe, 0xed, 1, 2, 3, 4, 5, 6, 7];
        let pc = b.install_boot_rom(0x8020_0000, &fdt, 0).unwrap();
        assert_eq!(pc, 0x1000);
        let fdt_addr = b.read(0x1020, 8).unwrap();
        assert_eq!(fdt_addr % 8, 0);
        assert_eq!(fdt_addr, (RAM_BASE + (1 << 20) - 11) & !7);
        assert_eq!(b.read(fdt_addr, 4), Some(0xedfe_0dd0));
        assert_eq!(b.read(0x1018, 8), Some(0x8020_0000));
        assert_eq!(b.fdt_address(), Some(fdt_addr));
        assert!(b.loaded_ranges().is_empty(), "the FDT is not an image");
        b.install_boot_rom(0x8000_0000, &fdt, 0)
            .expect("re-install replaces");
        assert_eq!(b.read(0x1018, 8), Some(0x8000_0000));
        // Decode the stub's fields: auipc t0; addi a2, t0, 40;
        // csrr a0, mhartid; ld a1,32(t0); ld t0,24(t0); jalr x0,0(t0).
        let mut word = |i: u64| b.read(0x1000 + 4 * i, 4).unwrap() as u32;
        let fields = |w: u32| {
            (
                w & 0x7f,
                (w >> 7) & 31,
                (w >> 12) & 7,
                (w >> 15) & 31,
                w >> 20,
            )
        };
        assert_eq!(fields(word(0)), (0x17, 5, 0, 0, 0));
        assert_eq!(fields(word(1)), (0x13, 12, 0, 5, 40));
        assert_eq!(fields(word(2)), (0x73, 10, 2, 0, 0xf14));
        assert_eq!(fields(word(3)), (0x03, 11, 3, 5, 32));
        assert_eq!(fields(word(4)), (0x03, 5, 3, 5, 24));
        assert_eq!(fields(word(5)), (0x67, 0, 0, 5, 0));
        // fw_dynamic_info: magic "OSBI", version 2, next_addr, next_mode S
        assert_eq!(b.read(0x1028, 8), Some(0x4942_534f));
        assert_eq!(b.read(0x1030, 8), Some(2));
        assert_eq!(b.read(0x1040, 8), Some(1));
    }

    #[test]
    fn fdt_must_fit_and_not_overlap() {
        let mut b = bus();
        let top = RAM_BASE + (1 << 20) - 0x100;
        b.load(top, &[1; 0x100]).unwrap();
        assert!(matches!(
            b.install_boot_rom(RAM_BASE, &[0; 16], 0),
            Err(LoadError::FdtOverlapsImage { .. })
        ));
        let mut b = bus();
        assert!(matches!(
            b.install_boot_rom(RAM_BASE, &vec![0; (1 << 20) + 1], 0),
            Err(LoadError::FdtTooLarge { .. })
        ));
    }

    #[test]
    fn load_checks_ram_bounds() {
        let mut b = bus();
        b.load(RAM_BASE + 4, b"abc").unwrap();
        assert_eq!(b.read(RAM_BASE + 4, 4), Some(0x63_6261));
        assert_eq!(b.loaded_ranges(), &[(RAM_BASE + 4, RAM_BASE + 7)]);
        b.ram_mut()[0x20..0x30].fill(0xff);
        b.load_segment(RAM_BASE + 0x20, b"x", 0x10).unwrap();
        assert_eq!(b.read(RAM_BASE + 0x20, 8), Some(b'x' as u64));
        assert_eq!(b.read(RAM_BASE + 0x28, 8), Some(0), "bss zeroed");
        assert!(b.load(RAM_BASE - 1, b"ab").is_err());
        assert!(b.load(RAM_BASE + (1 << 20) - 1, b"ab").is_err());
        assert!(b.load(u64::MAX, b"ab").is_err());
    }

    #[test]
    fn bad_configs_are_errors() {
        let cfg = PlatformConfig {
            harts: 0,
            ..PlatformConfig::default()
        };
        assert!(matches!(Bus::new(&cfg), Err(PlatformError::NoHarts)));
        let cfg = PlatformConfig {
            uart_output: UartOutput::File("/nonexistent-dir/x/y".into()),
            ..PlatformConfig::default()
        };
        let err = Bus::new(&cfg).err().expect("UART file error");
        assert!(err.to_string().contains("UART"));
    }
}

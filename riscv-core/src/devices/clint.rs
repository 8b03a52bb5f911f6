//! CLINT: machine software and timer interrupts (SiFive / QEMU `virt` layout).
//!
//! Register map (offsets from `CLINT_BASE`):
//!
//! | offset              | register        | width      |
//! |---------------------|-----------------|------------|
//! | `0x0000 + 4 * h`    | `msip[h]`       | 32 (bit 0 only) |
//! | `0x4000 + 8 * h`    | `mtimecmp[h]`   | 64, or 32-bit halves |
//! | `0xbff8`            | `mtime`         | 64, or 32-bit halves |
//!
//! `mtime` is derived from simulated time by the machine
//! ([`Clint::set_mtime`]); a guest write to `mtime` does not stop that clock
//! but moves an offset, so time keeps advancing from the written value.
//! Offsets of harts that do not exist and gaps are unmapped (access fault).

use super::{read_part, write_part};

const MSIP_BASE: u64 = 0x0;
const MTIMECMP_BASE: u64 = 0x4000;
const MTIME: u64 = 0xbff8;

pub struct Clint {
    msip: Vec<bool>,
    mtimecmp: Vec<u64>,
    /// Time as counted by the machine.
    base_time: u64,
    /// Added to `base_time` after guest writes to `mtime`.
    offset: u64,
}

impl Clint {
    pub fn new(harts: usize) -> Self {
        Self {
            msip: vec![false; harts],
            mtimecmp: vec![u64::MAX; harts],
            base_time: 0,
            offset: 0,
        }
    }

    /// Sets the machine-derived time (before the guest offset).
    pub fn set_mtime(&mut self, mtime: u64) {
        self.base_time = mtime;
    }

    /// The time the guest sees in `mtime` (and in the `time` CSR).
    pub fn mtime(&self) -> u64 {
        self.base_time.wrapping_add(self.offset)
    }

    pub fn mtimecmp(&self, hart: usize) -> u64 {
        self.mtimecmp.get(hart).copied().unwrap_or(u64::MAX)
    }

    /// Machine timer interrupt line of `hart`.
    pub fn mtip(&self, hart: usize) -> bool {
        self.mtimecmp
            .get(hart)
            .is_some_and(|&cmp| self.mtime() >= cmp)
    }

    /// Machine software interrupt line of `hart`.
    pub fn msip(&self, hart: usize) -> bool {
        self.msip.get(hart).copied().unwrap_or(false)
    }

    /// Hart index and byte offset inside a per-hart register array.
    fn index(offset: u64, base: u64, stride: u64, count: usize) -> Option<(usize, u64)> {
        let rel = offset.checked_sub(base)?;
        let hart = usize::try_from(rel / stride).ok()?;
        (hart < count).then_some((hart, rel % stride))
    }

    pub fn read(&self, offset: u64, size: u8) -> Option<u64> {
        if offset >= MTIME {
            return read_part(self.mtime(), offset - MTIME, size);
        }
        if offset >= MTIMECMP_BASE {
            let (h, part) = Self::index(offset, MTIMECMP_BASE, 8, self.mtimecmp.len())?;
            return read_part(self.mtimecmp[h], part, size);
        }
        let (h, part) = Self::index(offset, MSIP_BASE, 4, self.msip.len())?;
        (size == 4 && part == 0).then_some(self.msip[h] as u64)
    }

    pub fn write(&mut self, offset: u64, size: u8, value: u64) -> bool {
        if offset >= MTIME {
            let Some(new) = write_part(self.mtime(), offset - MTIME, size, value) else {
                return false;
            };
            self.offset = new.wrapping_sub(self.base_time);
            return true;
        }
        if offset >= MTIMECMP_BASE {
            let Some((h, part)) = Self::index(offset, MTIMECMP_BASE, 8, self.mtimecmp.len()) else {
                return false;
            };
            return match write_part(self.mtimecmp[h], part, size, value) {
                Some(new) => {
                    self.mtimecmp[h] = new;
                    true
                }
                None => false,
            };
        }
        match Self::index(offset, MSIP_BASE, 4, self.msip.len()) {
            Some((h, 0)) if size == 4 => {
                self.msip[h] = value & 1 != 0;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_compare_per_hart() {
        let mut c = Clint::new(2);
        assert_eq!(c.mtimecmp(0), u64::MAX);
        assert!(!c.mtip(0));
        assert!(c.write(0x4000 + 8, 8, 100));
        assert_eq!(c.mtimecmp(1), 100);
        c.set_mtime(99);
        assert!(!c.mtip(1));
        c.set_mtime(100);
        assert!(c.mtip(1));
        assert!(!c.mtip(0), "hart 0 compare untouched");
        assert!(!c.mtip(7), "no such hart");
        // 32-bit halves, as RV32 software writes them.
        assert!(c.write(0x4000, 4, 0xffff_ffff));
        assert!(c.write(0x4004, 4, 0));
        assert_eq!(c.mtimecmp(0), 0xffff_ffff);
        assert_eq!(c.read(0x4000, 4), Some(0xffff_ffff));
        assert_eq!(c.read(0x4004, 4), Some(0));
        assert!(!c.mtip(0));
        c.set_mtime(0xffff_ffff);
        assert!(c.mtip(0));
    }

    #[test]
    fn mtime_reads_and_guest_writes_move_an_offset() {
        let mut c = Clint::new(1);
        c.set_mtime(0x1_0000_0005);
        assert_eq!(c.read(0xbff8, 8), Some(0x1_0000_0005));
        assert_eq!(c.read(0xbff8, 4), Some(5));
        assert_eq!(c.read(0xbffc, 4), Some(1));
        assert!(c.write(0xbff8, 8, 1000));
        assert_eq!(c.mtime(), 1000);
        c.set_mtime(0x1_0000_0015);
        assert_eq!(c.mtime(), 1016, "time keeps running from the written value");
        assert!(c.write(0xbffc, 4, 2));
        assert_eq!(c.mtime() >> 32, 2);
    }

    #[test]
    fn msip_and_bad_accesses() {
        let mut c = Clint::new(2);
        assert!(c.write(4, 4, 0xffff_ffff));
        assert!(c.msip(1));
        assert!(!c.msip(0));
        assert_eq!(c.read(4, 4), Some(1));
        assert!(c.write(4, 4, 0));
        assert!(!c.msip(1));
        assert!(!c.write(8, 4, 1), "hart 2 does not exist");
        assert_eq!(c.read(8, 4), None);
        assert!(!c.write(0, 8, 1), "msip is 32-bit");
        assert_eq!(c.read(0x4010, 8), None, "mtimecmp of hart 2");
        assert_eq!(c.read(0x4002, 4), None, "misaligned");
        assert_eq!(c.read(0xbff8, 2), None);
    }
}

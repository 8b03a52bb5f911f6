//! The simulated platform: memory map and configuration.
//!
//! The layout mirrors QEMU's `virt` machine so that the same firmware and
//! kernels boot on both (DESIGN.md section 6):
//!
//! | device                      | base          | size                       |
//! |-----------------------------|---------------|----------------------------|
//! | boot ROM (reset stub)       | `0x0000_1000` | `0xf000`                   |
//! | sifive_test finisher        | `0x0010_0000` | `0x1000`                   |
//! | CLINT (msip/mtimecmp/mtime) | `0x0200_0000` | `0x1_0000`                 |
//! | UINTC (UINTR.md)            | `0x02F1_0000` | `0x4000`                   |
//! | PLIC                        | `0x0C00_0000` | `0x20_0000 + ctx * 0x1000` |
//! | UART ns16550a               | `0x1000_0000` | `0x100`                    |
//! | sim-control (asyncsim)      | `0x1020_0000` | `0x1000`                   |
//! | DRAM                        | `0x8000_0000` | `ram_size`                 |
//!
//! The UINTC sits where the U-interrupt project's QEMU put it on `virt`.
//! The sim-control device is ours: `0x1020_0000` lies after `virt`'s UART,
//! virtio-mmio (`0x1000_1000..0x1000_9000`) and fw_cfg (`0x1010_0000`)
//! windows and before the flash at `0x2000_0000`, so it collides with
//! nothing QEMU maps.
//!
//! The device tree is placed at the top of RAM (see [`fdt_address`]).

use std::fmt;
use std::path::PathBuf;

/// Base of DRAM.
pub const RAM_BASE: u64 = 0x8000_0000;
/// Base of the boot ROM holding the reset stub; harts reset here.
pub const BOOT_ROM_BASE: u64 = 0x1000;
/// Size of the boot ROM window (as `virt`'s MROM).
pub const BOOT_ROM_SIZE: u64 = 0xf000;
/// sifive_test finisher (poweroff / reboot / exit code).
pub const FINISHER_BASE: u64 = 0x10_0000;
pub const FINISHER_SIZE: u64 = 0x1000;
/// Core-local interruptor.
pub const CLINT_BASE: u64 = 0x200_0000;
pub const CLINT_SIZE: u64 = 0x1_0000;
/// User-interrupt controller (UINTR.md): 512 entries of 32 bytes.
pub const UINTC_BASE: u64 = 0x2F1_0000;
pub const UINTC_SIZE: u64 = 0x4000;
/// Platform-level interrupt controller.
pub const PLIC_BASE: u64 = 0xc00_0000;
/// ns16550a UART.
pub const UART_BASE: u64 = 0x1000_0000;
pub const UART_SIZE: u64 = 0x100;
/// asyncsim's sim-control device (gem5 m5ops-like): ROI, stats, exit.
pub const SIMCTL_BASE: u64 = 0x1020_0000;
pub const SIMCTL_SIZE: u64 = 0x1000;

/// PLIC interrupt source of the UART (as on `virt`).
pub const UART_IRQ: u32 = 10;
/// Number of PLIC sources including the reserved source 0 (`riscv,ndev` = 95).
pub const PLIC_SOURCES: u32 = 96;
/// UART input clock advertised in the device tree (as on `virt`).
pub const UART_CLOCK_HZ: u32 = 3_686_400;
/// `virt`'s CLINT timebase.
pub const DEFAULT_TIMEBASE_HZ: u64 = 10_000_000;
/// Most harts the platform supports (QEMU `virt`'s limit; the CLINT layout
/// and the UINTC's 16-bit Hartid field allow more).
pub const MAX_HARTS: usize = 512;
/// Largest RAM: `virt` keeps DRAM below the 64-bit PCIe window; 64 GiB is
/// also as much as we are willing to reserve lazily on the host.
pub const MAX_RAM_SIZE: u64 = 64 << 30;
/// Smallest RAM: enough room for an image and the device tree.
pub const MIN_RAM_SIZE: u64 = 1 << 20;

/// Size of the PLIC window for `contexts` contexts (2 per hart).
pub fn plic_size(contexts: usize) -> u64 {
    0x20_0000 + contexts as u64 * 0x1000
}

/// Highest end of the device tree: QEMU's virt keeps it below the 3 GiB
/// mark (RAM from 2 GiB up), where a kernel that maps only its first
/// gigabyte of RAM, as ours does, can still read it.
pub const FDT_END_LIMIT: u64 = 0xC000_0000;

/// Where the device tree goes: the highest 8-byte aligned address at which
/// `fdt_len` bytes still fit below the end of RAM or [`FDT_END_LIMIT`],
/// whichever is lower (QEMU also puts it at the end of DRAM, capped
/// there). `None` if it does not fit in RAM at all.
pub fn fdt_address(ram_base: u64, ram_size: u64, fdt_len: u64) -> Option<u64> {
    let ram_end = ram_base.checked_add(ram_size)?;
    let end = if ram_base < FDT_END_LIMIT {
        ram_end.min(FDT_END_LIMIT)
    } else {
        ram_end
    };
    if fdt_len > end - ram_base {
        return None;
    }
    Some((end - fdt_len) & !7)
}

/// Where the UART's transmitted bytes go.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum UartOutput {
    /// The simulator's standard output.
    #[default]
    Stdout,
    /// A file, created (truncated) when the bus is built.
    File(PathBuf),
    /// Captured in memory; read it with `Uart::take_output` (tests).
    Buffer,
}

/// Everything the platform needs to be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformConfig {
    pub harts: usize,
    /// Bytes of DRAM at [`RAM_BASE`]; a multiple of 4 KiB.
    pub ram_size: u64,
    /// CLINT `mtime` frequency (device tree `timebase-frequency`).
    pub timebase_hz: u64,
    /// Kernel command line for `/chosen/bootargs`.
    pub bootargs: String,
    pub uart_output: UartOutput,
}

impl Default for PlatformConfig {
    fn default() -> Self {
        Self {
            harts: 1,
            ram_size: 128 << 20,
            timebase_hz: DEFAULT_TIMEBASE_HZ,
            bootargs: String::new(),
            uart_output: UartOutput::Stdout,
        }
    }
}

/// Why a platform could not be built from a [`PlatformConfig`].
#[derive(Debug)]
pub enum PlatformError {
    NoHarts,
    TooManyHarts {
        harts: usize,
    },
    /// RAM size zero, too small, too large or not a multiple of 4 KiB.
    BadRamSize {
        size: u64,
    },
    /// The timebase must be non-zero and fit the device tree's 32-bit cell.
    BadTimebase {
        hz: u64,
    },
    UartFile {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for PlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformError::NoHarts => write!(f, "the platform needs at least one hart"),
            PlatformError::TooManyHarts { harts } => {
                write!(f, "{harts} harts requested, at most {MAX_HARTS} supported")
            }
            PlatformError::BadRamSize { size } => write!(
                f,
                "RAM size {size:#x} invalid: must be a multiple of 4 KiB between {MIN_RAM_SIZE:#x} and {MAX_RAM_SIZE:#x}"
            ),
            PlatformError::BadTimebase { hz } => {
                write!(f, "timebase {hz} Hz invalid: must be between 1 and {}", u32::MAX)
            }
            PlatformError::UartFile { path, error } => {
                write!(f, "cannot open UART output file {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for PlatformError {}

impl PlatformConfig {
    /// Checks the numbers (not the UART file, which is opened by the bus).
    pub fn validate(&self) -> Result<(), PlatformError> {
        if self.harts == 0 {
            return Err(PlatformError::NoHarts);
        }
        if self.harts > MAX_HARTS {
            return Err(PlatformError::TooManyHarts { harts: self.harts });
        }
        let size = self.ram_size;
        if !(MIN_RAM_SIZE..=MAX_RAM_SIZE).contains(&size) || !size.is_multiple_of(4096) {
            return Err(PlatformError::BadRamSize { size });
        }
        if self.timebase_hz == 0 || self.timebase_hz > u32::MAX as u64 {
            return Err(PlatformError::BadTimebase {
                hz: self.timebase_hz,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_virt_like() {
        let cfg = PlatformConfig::default();
        assert_eq!(cfg.harts, 1);
        assert_eq!(cfg.ram_size, 128 << 20);
        assert_eq!(cfg.timebase_hz, 10_000_000);
        assert_eq!(cfg.uart_output, UartOutput::Stdout);
        cfg.validate().unwrap();
    }

    #[test]
    fn validate_rejects_bad_numbers() {
        let ok = PlatformConfig::default();
        let bad = [
            PlatformConfig {
                harts: 0,
                ..ok.clone()
            },
            PlatformConfig {
                harts: MAX_HARTS + 1,
                ..ok.clone()
            },
            PlatformConfig {
                ram_size: 0,
                ..ok.clone()
            },
            PlatformConfig {
                ram_size: (1 << 20) + 1,
                ..ok.clone()
            },
            PlatformConfig {
                ram_size: MAX_RAM_SIZE + 4096,
                ..ok.clone()
            },
            PlatformConfig {
                timebase_hz: 0,
                ..ok.clone()
            },
        ];
        for cfg in bad {
            let err = cfg.validate().unwrap_err();
            assert!(!err.to_string().is_empty());
        }
    }

    #[test]
    fn regions_do_not_overlap() {
        let mut regions = [
            (BOOT_ROM_BASE, BOOT_ROM_SIZE),
            (FINISHER_BASE, FINISHER_SIZE),
            (CLINT_BASE, CLINT_SIZE),
            (UINTC_BASE, UINTC_SIZE),
            (PLIC_BASE, plic_size(2 * MAX_HARTS)),
            (UART_BASE, UART_SIZE),
            (SIMCTL_BASE, SIMCTL_SIZE),
            (RAM_BASE, MAX_RAM_SIZE),
        ];
        regions.sort();
        for pair in regions.windows(2) {
            assert!(pair[0].0 + pair[0].1 <= pair[1].0, "{pair:x?}");
        }
    }

    #[test]
    fn fdt_goes_to_the_aligned_top_of_ram() {
        assert_eq!(fdt_address(RAM_BASE, 0x1000, 0x10), Some(RAM_BASE + 0xff0));
        assert_eq!(fdt_address(RAM_BASE, 0x1000, 0x13), Some(RAM_BASE + 0xfe8));
        assert_eq!(fdt_address(RAM_BASE, 0x1000, 0x1001), None);
        // More than a gigabyte of RAM: below the 3 GiB mark all the same.
        assert_eq!(
            fdt_address(RAM_BASE, 2 << 30, 0x10),
            Some(FDT_END_LIMIT - 0x10)
        );
        assert_eq!(
            fdt_address(RAM_BASE, 1 << 30, 0x10),
            Some(FDT_END_LIMIT - 0x10)
        );
        assert_eq!(
            fdt_address(FDT_END_LIMIT, 0x1000, 0x10),
            Some(FDT_END_LIMIT + 0xff0)
        );
    }
}

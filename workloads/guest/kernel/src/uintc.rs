//! The user-interrupt controller (UINTC, `riscv,uintc0`, UINTR.md): the
//! kernel's driver. Found in the device tree at boot; absent (QEMU) means
//! the kernel touches no UINTR register at all and the UINTR calls fail
//! with -ENODEV.
//!
//! Receiver entries are handed out once and never reused in a boot: a
//! sender-table entry that still names an entry of a process that ended
//! can then only reach a dead (inactive, ownerless) entry, never a new
//! receiver, without the kernel having to find and scrub every sender
//! table.

use crate::page_table::MMIO_VA;
use core::sync::atomic::{AtomicUsize, Ordering};

/// Receiver entries of the device.
pub const ENTRIES: usize = 512;
const ENTRY_SIZE: usize = 32;
const SEND: usize = 0x00;
const LOW: usize = 0x08;
const PENDING: usize = 0x10;
const ACTIVE: usize = 0x18;
/// WRITE_LOW Mode bit: a 64-bit receiver.
const MODE_64: u64 = 1 << 1;
/// Size of the device's register window.
const WINDOW: usize = ENTRIES * ENTRY_SIZE;

/// Physical base of the UINTC (0 = none).
static BASE: AtomicUsize = AtomicUsize::new(0);
/// The next entry never handed out.
static NEXT_ENTRY: AtomicUsize = AtomicUsize::new(0);

/// Records the UINTC found at physical `base` (inside the device gigapage
/// the kernel maps at [`MMIO_VA`], else ignored).
pub fn set_base(base: usize) {
    if base != 0 && base.is_multiple_of(4096) && base.saturating_add(WINDOW) <= 0x4000_0000 {
        BASE.store(base, Ordering::Release);
    }
}

/// The UINTC's physical base, if the machine has one.
pub fn base() -> Option<usize> {
    match BASE.load(Ordering::Acquire) {
        0 => None,
        base => Some(base),
    }
}

/// Whether the machine has user interrupts.
pub fn present() -> bool {
    base().is_some()
}

/// A receiver entry the kernel handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry(u16);

impl Entry {
    pub fn index(self) -> u16 {
        self.0
    }

    /// Kernel address of register `reg` of this entry.
    fn reg(self, reg: usize) -> Option<*mut u64> {
        let base = base()?;
        Some((MMIO_VA + base + usize::from(self.0) * ENTRY_SIZE + reg) as *mut u64)
    }

    fn write(self, reg: usize, value: u64) {
        if let Some(addr) = self.reg(reg) {
            // SAFETY: a register of the UINTC inside the kernel's device
            // mapping (checked in `set_base`; index < ENTRIES).
            unsafe { addr.write_volatile(value) };
        }
    }

    fn read(self, reg: usize) -> u64 {
        match self.reg(reg) {
            // SAFETY: as in `write`.
            Some(addr) => unsafe { addr.read_volatile() },
            None => 0,
        }
    }

    /// Binds the entry to `hart` (inactive, nothing pending).
    pub fn bind(self, hart: usize) {
        let hart = (hart as u64 & 0xffff) << 16;
        self.write(LOW, MODE_64 | hart);
        self.write(PENDING, 0);
    }

    /// SEND(vector): what a UIPI SEND posts; the kernel's own notification.
    pub fn send(self, vector: u64) {
        self.write(SEND, vector);
    }

    /// Pending request bits.
    pub fn pending(self) -> u64 {
        self.read(PENDING)
    }

    /// Active while its process runs, so a SEND interrupts it directly.
    pub fn set_active(self, active: bool) {
        self.write(ACTIVE, u64::from(active));
    }

    /// Clears everything (the owner ended).
    pub fn retire(self) {
        self.set_active(false);
        self.write(PENDING, 0);
    }
}

/// A fresh receiver entry, if the device has one left.
pub fn allocate() -> Option<Entry> {
    present().then_some(())?;
    let index = NEXT_ENTRY
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < ENTRIES).then_some(n + 1)
        })
        .ok()?;
    Some(Entry(index as u16))
}

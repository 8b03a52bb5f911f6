//! The console: an ns16550a UART at 0x1000_0000, byte registers. Locking
//! and formatting are the callers' (the firmware and the runtime differ).

/// Physical address of the UART registers.
pub const UART_BASE: usize = 0x1000_0000;
/// Transmit holding register (write) and receive buffer (read).
const THR: usize = 0;
const RBR: usize = 0;
/// Line status register.
const LSR: usize = 5;
const LSR_DATA_READY: u8 = 1 << 0;
const LSR_THR_EMPTY: u8 = 1 << 5;

fn register(offset: usize) -> *mut u8 {
    (UART_BASE + offset) as *mut u8
}

/// Sends one byte, waiting until the transmitter has room.
pub fn putc(byte: u8) {
    // SAFETY: UART registers of the virt platform, mapped one to one
    // wherever a guest prints; byte accesses only.
    unsafe {
        while register(LSR).read_volatile() & LSR_THR_EMPTY == 0 {
            core::hint::spin_loop();
        }
        register(THR).write_volatile(byte);
    }
}

/// The next received byte, if one is waiting (never blocks: a machine
/// without console input just has none).
pub fn getc() -> Option<u8> {
    // SAFETY: as in `putc`.
    unsafe {
        if register(LSR).read_volatile() & LSR_DATA_READY == 0 {
            return None;
        }
        Some(register(RBR).read_volatile())
    }
}

//! Console over the virt platform's ns16550a UART: output for the legacy
//! console_putchar call and the firmware's own reports, input for
//! console_getchar.

use core::fmt::{self, Write};

const UART_BASE: usize = 0x1000_0000;
const THR: usize = 0;
const RBR: usize = 0;
const LSR: usize = 5;
const LSR_DATA_READY: u8 = 1 << 0;
const LSR_THR_EMPTY: u8 = 1 << 5;

/// The next received byte, if one is waiting (never blocks: a machine
/// without console input just has none).
pub fn getc() -> Option<u8> {
    let base = UART_BASE as *mut u8;
    // SAFETY: UART registers of the virt platform; byte accesses only.
    unsafe {
        if core::ptr::read_volatile(base.add(LSR)) & LSR_DATA_READY == 0 {
            return None;
        }
        Some(core::ptr::read_volatile(base.add(RBR)))
    }
}

/// Sends one byte, waiting until the transmitter has room.
pub fn putc(byte: u8) {
    let base = UART_BASE as *mut u8;
    // SAFETY: UART registers of the virt platform; byte accesses only.
    unsafe {
        while core::ptr::read_volatile(base.add(LSR)) & LSR_THR_EMPTY == 0 {
            core::hint::spin_loop();
        }
        core::ptr::write_volatile(base.add(THR), byte);
    }
}

struct Uart;

impl Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        s.bytes().for_each(putc);
        Ok(())
    }
}

/// Writes formatted text. No lock: bytes of harts printing at the same
/// time may interleave (only fatal reports use this).
pub fn print_args(args: fmt::Arguments<'_>) {
    let _ = Uart.write_fmt(args);
}

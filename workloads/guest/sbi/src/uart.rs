//! Console over the virt platform's ns16550a UART: output for the legacy
//! console_putchar call and the firmware's own reports, input for
//! console_getchar.

use core::fmt::{self, Write};

pub use platform::ns16550::{getc, putc};

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

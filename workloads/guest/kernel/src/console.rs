//! Kernel console: formatted text through the SBI console.

use core::fmt::{self, Write};

use crate::sbi;

struct SbiConsole;

impl Write for SbiConsole {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_bytes(s.as_bytes());
        Ok(())
    }
}

/// Writes raw bytes (a process's write(1) output).
pub fn write_bytes(bytes: &[u8]) {
    bytes.iter().copied().for_each(sbi::console_putchar);
}

/// Writes formatted text.
pub fn print_args(args: fmt::Arguments<'_>) {
    let _ = SbiConsole.write_fmt(args);
}

/// Prints a line on the kernel console.
#[macro_export]
macro_rules! kprintln {
    ($($arg:tt)*) => {
        $crate::console::print_args(format_args!("{}\n", format_args!($($arg)*)))
    };
}

//! Kernel console: formatted text through the SBI console. One lock makes
//! each line (and each process write) come out whole when several harts
//! print at once.

use core::fmt::{self, Write};

use crate::lock::SpinLock;
use crate::sbi;

/// Held while one line or one write goes out.
static CONSOLE: SpinLock<()> = SpinLock::new(());

struct SbiConsole;

impl Write for SbiConsole {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        put_bytes(s.as_bytes());
        Ok(())
    }
}

fn put_bytes(bytes: &[u8]) {
    bytes.iter().copied().for_each(sbi::console_putchar);
}

/// Writes raw bytes (a process's write(1) output).
pub fn write_bytes(bytes: &[u8]) {
    let _line = CONSOLE.lock();
    put_bytes(bytes);
}

/// Writes formatted text.
pub fn print_args(args: fmt::Arguments<'_>) {
    let _line = CONSOLE.lock();
    let _ = SbiConsole.write_fmt(args);
}

/// Writes formatted text without waiting for the lock (for the panic
/// handler, which may run while this hart holds it).
pub fn print_args_unlocked(args: fmt::Arguments<'_>) {
    let _ = SbiConsole.write_fmt(args);
}

/// Prints a line on the kernel console.
#[macro_export]
macro_rules! kprintln {
    ($($arg:tt)*) => {
        $crate::console::print_args(format_args!("{}\n", format_args!($($arg)*)))
    };
}

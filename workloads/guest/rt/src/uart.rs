//! Console output over the ns16550a UART ([`platform::ns16550`]), shared
//! by all harts behind a spin lock so that lines of different harts do not
//! mix.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::csr::hart_id;

pub use platform::ns16550::{putc, UART_BASE};

/// Hart id + 1 of the lock holder, 0 when free.
static OWNER: AtomicUsize = AtomicUsize::new(0);

struct Uart;

impl Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        s.bytes().for_each(putc);
        Ok(())
    }
}

/// Writes `args` under the console lock. A hart that already holds the lock
/// (a panic or trap while printing) writes without taking it again.
pub fn print_args(args: fmt::Arguments<'_>) {
    let me = hart_id() + 1;
    let reentrant = OWNER.load(Ordering::Relaxed) == me;
    if !reentrant {
        while OWNER
            .compare_exchange_weak(0, me, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
    }
    let _ = Uart.write_fmt(args);
    if !reentrant {
        OWNER.store(0, Ordering::Release);
    }
}

/// Prints to the UART console.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::uart::print_args(format_args!($($arg)*)) };
}

/// Prints a line to the UART console.
#[macro_export]
macro_rules! println {
    () => { $crate::uart::print_args(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::uart::print_args(format_args!("{}\n", format_args!($($arg)*)))
    };
}

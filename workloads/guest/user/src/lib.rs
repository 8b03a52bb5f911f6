//! U-mode runtime for programs of the asyncsim guest kernel: the entry
//! (`_start` calls the program's `main` and exits with its result), the
//! panic handler (exit 101), the syscall wrappers in [`sys`], the kernel
//! command line in [`cmdline`] and region-of-interest marking in [`roi`].
//!
//! For the async designs: a heap ([`heap`]), the coroutine [`executor`]
//! and a [`barrier`], ring syscalls as futures ([`ring_calls`]), the
//! design layer ([`syscalls`], whose [`doorbell`] drives the executor),
//! the notification entries ([`uintr`], [`upcall`], [`notification`]),
//! and the benchmark harness ([`bench`]).
#![no_std]

extern crate alloc;

pub mod async_calls;
pub mod barrier;
pub mod bench;
pub mod check;
pub mod cmdline;
pub mod doorbell;
pub mod executor;
pub mod heap;
pub mod ipc;
pub mod notification;
pub mod ring_calls;
pub mod roi;
pub mod sys;
pub mod syscalls;
pub mod uintr;
pub mod upcall;

use core::fmt::{self, Write};

/// Declares the program's entry: `entry!(main)` with `fn main() -> i32`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[no_mangle]
        pub extern "C" fn __user_main() -> i32 {
            let main: fn() -> i32 = $main;
            main()
        }
    };
}

extern "C" {
    fn __user_main() -> i32;
}

core::arch::global_asm!(
    ".pushsection .text.init, \"ax\"",
    ".globl _start",
    "_start:",
    "   mv fp, zero",
    "   mv ra, zero",
    "   call {start}",
    ".popsection",
    start = sym start,
);

/// Runs the program and exits with its result (the kernel set up sp and
/// put the command line's address and length in a0/a1).
extern "C" fn start(cmdline: usize, len: usize) -> ! {
    cmdline::init(cmdline, len);
    // SAFETY: `__user_main` is defined by the program through `entry!`.
    let code = unsafe { __user_main() };
    sys::exit(code)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    print_args(format_args!("user panic: {}\n", info.message()));
    sys::exit(101)
}

/// Bytes [`print_args`] collects before a write: a line up to this long
/// reaches the console in one write, which the kernel performs whole, so
/// lines of processes that are preempted mid-print never mix.
const LINE_BUFFER: usize = 256;

/// fd 1 behind a buffer of [`LINE_BUFFER`] bytes.
struct Stdout {
    buf: [u8; LINE_BUFFER],
    len: usize,
}

impl Stdout {
    fn flush(&mut self) -> fmt::Result {
        let mut rest = &self.buf[..self.len];
        self.len = 0;
        while !rest.is_empty() {
            let n = sys::write(sys::STDOUT, rest);
            if n <= 0 {
                return Err(fmt::Error);
            }
            rest = &rest[(n as usize).min(rest.len())..];
        }
        Ok(())
    }
}

impl Write for Stdout {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for chunk in s.as_bytes().chunks(LINE_BUFFER) {
            if self.len + chunk.len() > LINE_BUFFER {
                self.flush()?;
            }
            self.buf[self.len..self.len + chunk.len()].copy_from_slice(chunk);
            self.len += chunk.len();
        }
        Ok(())
    }
}

/// Writes formatted text to fd 1 (in one write if it fits [`LINE_BUFFER`]).
pub fn print_args(args: fmt::Arguments<'_>) {
    let mut out = Stdout {
        buf: [0; LINE_BUFFER],
        len: 0,
    };
    if out.write_fmt(args).is_ok() {
        let _ = out.flush();
    }
}

/// Prints a line to fd 1.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {
        $crate::print_args(format_args!("{}\n", format_args!($($arg)*)))
    };
}

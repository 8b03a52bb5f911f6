//! A hostile process: hands the kernel bad pointers and bad syscall
//! numbers. Every one must come back as an error code (never a kernel
//! crash); exits 0 only if each error is the right one.
#![no_std]
#![no_main]

use user::{entry, println, sys};

entry!(main);

/// An address inside the kernel image (mapped, but not for U-mode).
const KERNEL_ADDRESS: usize = 0x8020_0000;
/// An address no process has mapped.
const UNMAPPED: usize = 0x3000_0000;
/// 8 bytes below the top of the stack the kernel gives every process: a
/// 16-byte range there runs off the end of mapped memory.
const STACK_END_MINUS_8: usize = 0x4000_0000 - 8;

fn main() -> i32 {
    let msg = b"x";
    let checks: [(&str, isize, isize); 7] = [
        (
            "write(kernel address)",
            sys::syscall3(sys::SYS_WRITE, sys::STDOUT, KERNEL_ADDRESS, 16),
            -sys::EFAULT,
        ),
        (
            "write(unmapped)",
            sys::syscall3(sys::SYS_WRITE, sys::STDOUT, UNMAPPED, 1),
            -sys::EFAULT,
        ),
        (
            "write(wrapping range)",
            sys::syscall3(
                sys::SYS_WRITE,
                sys::STDOUT,
                msg.as_ptr() as usize,
                usize::MAX,
            ),
            -sys::EFAULT,
        ),
        (
            "write(range running off the stack)",
            sys::syscall3(sys::SYS_WRITE, sys::STDOUT, STACK_END_MINUS_8, 16),
            -sys::EFAULT,
        ),
        (
            "write(bad fd)",
            sys::syscall3(sys::SYS_WRITE, 7, msg.as_ptr() as usize, 1),
            -sys::EBADF,
        ),
        ("syscall 999", sys::syscall3(999, 0, 0, 0), -sys::ENOSYS),
        (
            "syscall usize::MAX",
            sys::syscall3(usize::MAX, 0, 0, 0),
            -sys::ENOSYS,
        ),
    ];
    let mut failed = 0;
    for (what, got, want) in checks {
        if got != want {
            println!("user-hostile: {what} returned {got}, expected {want}");
            failed += 1;
        }
    }
    if failed == 0 {
        println!("user-hostile: all {} checks passed", checks.len());
    }
    failed
}

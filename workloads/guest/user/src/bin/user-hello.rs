//! The first user process: greets through write(1) and checks getpid.
#![no_std]
#![no_main]

use user::{entry, println, sys};

entry!(main);

fn main() -> i32 {
    let pid = sys::getpid();
    println!("hello from user space (pid {pid})");
    if pid > 0 {
        0
    } else {
        1
    }
}

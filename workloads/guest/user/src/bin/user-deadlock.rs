//! Blocks forever on purpose: reads its own empty pipe while holding the
//! write end, so no one can ever wake it. The kernel must notice that
//! every process is blocked and end it instead of hanging ("deadlock").
#![no_std]
#![no_main]

use user::ipc;
use user::{entry, println, sys};

entry!(main);

fn main() -> i32 {
    let mut fds = [-1i32; 2];
    if ipc::pipe(&mut fds) != 0 {
        println!("user-deadlock: pipe2 failed");
        return 1;
    }
    println!("user-deadlock: reading an empty pipe nobody else can write");
    let mut buf = [0u8; 8];
    let n = sys::read(fds[0] as usize, &mut buf);
    println!("user-deadlock: read returned {n}, the kernel should not have let it");
    2
}

//! A partner that dies must not leave the other process blocked forever.
//! Run two (`init=user-partner-dies,user-partner-dies`): the first to
//! create the meeting endpoint is the victim. It holds the read end of a
//! named pipe; the survivor fills the pipe and blocks writing one byte
//! more; the victim then faults (a store into kernel memory) and is
//! killed, and the survivor's blocked write must end with -EPIPE. The
//! survivor exits with its number of failed checks; the victim never
//! exits normally (the run's exit code is 1 because it was killed).
#![no_std]
#![no_main]

use user::check::Checker;
use user::ipc::{self, PIPE_READ, PIPE_WRITE};
use user::{entry, println, sys};

entry!(main);

const KEY: usize = 0x4449_4553;
const PIPE: usize = 0x4449_0001;
/// An address inside the kernel image (mapped, but not for U-mode).
const KERNEL_ADDRESS: usize = 0x8020_0000;

fn main() -> i32 {
    let ep = ipc::endpoint_create(KEY);
    if ep >= 0 {
        victim(ep as usize)
    } else {
        survivor()
    }
}

fn victim(ep: usize) -> i32 {
    let r = ipc::pipe_open(PIPE, PIPE_READ);
    let mut msg = [0u8; 8];
    // The survivor has filled the pipe when it sends "full".
    let n = ipc::recv(ep, &mut msg);
    if r < 0 || n != 4 {
        println!("user-partner-dies (victim): setup failed ({r}, {n})");
        return 1;
    }
    // Let the survivor block on the full pipe, then die holding the
    // read end.
    sys::sched_yield();
    println!("user-partner-dies (victim): faulting now");
    // SAFETY: the store is meant to fault (a kernel page, not user
    // accessible): it cannot change memory, and the kernel kills the
    // process.
    unsafe { (KERNEL_ADDRESS as *mut u64).write_volatile(1) };
    0
}

fn survivor() -> i32 {
    let mut c = Checker::new("user-partner-dies");
    let ep = ipc::endpoint_open(KEY);
    c.ok("endpoint_open", ep >= 0);
    let w = ipc::pipe_open(PIPE, PIPE_WRITE);
    c.ok("pipe_open(write)", w >= 0);
    let w = w as usize;
    let full = [7u8; abi::nr::PIPE_CAPACITY];
    c.eq(
        "write(a pipeful)",
        sys::write(w, &full),
        full.len() as isize,
    );
    c.eq("send(full)", ipc::send(ep as usize, b"full"), 0);
    // Blocks: the pipe is full and its reader is alive, until it dies.
    c.eq(
        "write(reader killed meanwhile)",
        sys::write(w, b"x"),
        -abi::errno::EPIPE,
    );
    c.eq("close(write end)", sys::close(w), 0);
    c.eq("close(endpoint)", sys::close(ep as usize), 0);
    c.finish(" (survivor)")
}

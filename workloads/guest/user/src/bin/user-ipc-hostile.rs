//! A hostile process against the pipe and IPC calls: bad pointers
//! (kernel, read-only, wrapping, running off the stack), bad fds and
//! flags, over-long messages, unknown numbers in the IPC range, and full
//! endpoint and fd tables. Every call must come back with the right error
//! and change nothing (a failed pipe2 leaks no fd). It ends holding a
//! pipe and an endpoint, which the kernel must release (it reports leaks
//! at power-off). Run it alone. Exits with the number of failed checks.
#![no_std]
#![no_main]

use user::check::Checker;
use user::ipc;
use user::{entry, sys};

entry!(main);

/// An address inside the kernel image (mapped, but not for U-mode).
const KERNEL_ADDRESS: usize = 0x8020_0000;
/// 4 bytes below the top of the stack: an 8-byte range runs off it.
const STACK_END_MINUS_4: usize = 0x4000_0000 - 4;
/// Read-only user memory.
static READ_ONLY: [u8; 16] = [0; 16];
/// The kernel's table sizes (ipc.rs, fd_table.rs).
const MAX_ENDPOINTS: usize = 8;
const FREE_FDS: usize = 13;

fn main() -> i32 {
    let mut c = Checker::new("user-ipc-hostile");
    let mut buf = [0u8; 300];
    let b = buf.as_mut_ptr() as usize;
    let ro = READ_ONLY.as_ptr() as usize;

    for nr in [528, 529] {
        c.eq(
            "unused IPC number",
            sys::syscall3(nr, 0, 0, 0),
            -sys::ENOSYS,
        );
    }
    // pipe2: no fd may leak from a failed call.
    let pipe2 = |p: usize| sys::syscall3(abi::nr::PIPE2, p, 0, 0);
    c.eq("pipe2(wrapping)", pipe2(usize::MAX - 3), -sys::EFAULT);
    c.eq(
        "pipe2(off the stack)",
        pipe2(STACK_END_MINUS_4),
        -sys::EFAULT,
    );
    c.eq("pipe2(read-only)", pipe2(ro), -sys::EFAULT);
    c.eq("pipe2(kernel)", pipe2(KERNEL_ADDRESS), -sys::EFAULT);
    let mut fds = [-1i32; 2];
    c.eq("pipe2", ipc::pipe(&mut fds), 0);
    c.ok("lowest fds (nothing leaked)", fds == [3, 4]);
    let (r, w) = (fds[0] as usize, fds[1] as usize);
    c.eq(
        "read(kernel, huge)",
        sys::syscall3(sys::SYS_READ, r, KERNEL_ADDRESS, usize::MAX),
        -sys::EFAULT,
    );
    c.eq(
        "read(wrapping)",
        sys::syscall3(sys::SYS_READ, r, usize::MAX - 3, 8),
        -sys::EFAULT,
    );
    c.eq(
        "write(off the stack)",
        sys::syscall3(sys::SYS_WRITE, w, STACK_END_MINUS_4, 8),
        -sys::EFAULT,
    );
    c.eq(
        "write(0 bytes, kernel)",
        sys::syscall3(sys::SYS_WRITE, w, KERNEL_ADDRESS, 0),
        -sys::EFAULT,
    );
    c.eq("close(usize::MAX)", sys::close(usize::MAX), -sys::EBADF);
    c.eq(
        "read(0, wrapping)",
        sys::syscall3(sys::SYS_READ, 0, usize::MAX - 3, 8),
        -sys::EFAULT,
    );

    // Endpoints: calls on a valid endpoint with bad arguments never block.
    let ep = ipc::endpoint_create(77);
    c.ok("endpoint_create", ep >= 0);
    let ep = ep as usize;
    let rr = |fd: usize, m: usize, len: usize, rb: usize, cap: usize| {
        sys::syscall6(abi::nr::IPC_REPLY_RECV, [fd, m, len, rb, cap, 0])
    };
    c.eq("reply_recv(bad fd)", rr(99, b, 1, b, 8), -sys::EBADF);
    c.eq("reply_recv(pipe fd)", rr(r, b, 1, b, 8), -sys::EBADF);
    c.eq(
        "reply_recv(kernel message)",
        rr(ep, KERNEL_ADDRESS, 8, b, 8),
        -sys::EFAULT,
    );
    c.eq("reply_recv(257 bytes)", rr(ep, b, 257, b, 8), -sys::EINVAL);
    c.eq(
        "reply_recv(kernel buffer)",
        rr(ep, b, 1, KERNEL_ADDRESS, 8),
        -sys::EFAULT,
    );
    c.eq(
        "reply_recv(read-only buffer)",
        rr(ep, b, 1, ro, 8),
        -sys::EFAULT,
    );
    c.eq(
        "recv(kernel, huge cap)",
        sys::syscall3(abi::nr::IPC_RECV, ep, KERNEL_ADDRESS, usize::MAX),
        -sys::EFAULT,
    );
    c.eq(
        "recv(off the stack)",
        sys::syscall3(abi::nr::IPC_RECV, ep, STACK_END_MINUS_4, 8),
        -sys::EFAULT,
    );
    c.eq(
        "send(wrapping)",
        sys::syscall3(abi::nr::IPC_SEND, ep, usize::MAX - 3, 8),
        -sys::EFAULT,
    );
    let call = |m: usize, len: usize, rb: usize, cap: usize| {
        sys::syscall6(abi::nr::IPC_CALL, [ep, m, len, rb, cap, 0])
    };
    c.eq(
        "call(wrapping reply buffer)",
        call(b, 1, usize::MAX - 3, 8),
        -sys::EFAULT,
    );
    c.eq(
        "call(off-stack message)",
        call(STACK_END_MINUS_4, 8, b, 8),
        -sys::EFAULT,
    );
    c.eq(
        "reply(kernel)",
        sys::syscall3(abi::nr::IPC_REPLY, KERNEL_ADDRESS, 8, 0),
        -sys::EFAULT,
    );
    c.eq(
        "reply(usize::MAX)",
        sys::syscall3(abi::nr::IPC_REPLY, b, usize::MAX, 0),
        -sys::EINVAL,
    );

    // The endpoint table: 8 endpoints, then -ENOSPC; keys come back.
    let mut eps = [0usize; MAX_ENDPOINTS];
    eps[0] = ep;
    for (i, slot) in eps.iter_mut().enumerate().skip(1) {
        let fd = ipc::endpoint_create(100 + i);
        c.ok("endpoint_create(fills the table)", fd >= 0);
        *slot = fd as usize;
    }
    c.eq(
        "endpoint_create(table full)",
        ipc::endpoint_create(1000),
        -sys::ENOSPC,
    );
    c.eq(
        "endpoint_create(taken key)",
        ipc::endpoint_create(77),
        -abi::errno::EEXIST,
    );
    // The fd table: 2 pipe fds + 8 endpoints; 3 more, then -EMFILE.
    let mut extra = [0usize; FREE_FDS - 2 - MAX_ENDPOINTS];
    for slot in extra.iter_mut() {
        let fd = ipc::endpoint_open(101);
        c.ok("endpoint_open(fills the fd table)", fd >= 0);
        *slot = fd as usize;
    }
    c.eq(
        "endpoint_open(fd table full)",
        ipc::endpoint_open(101),
        -sys::EMFILE,
    );
    c.eq("pipe2(fd table full)", ipc::pipe(&mut fds), -sys::EMFILE);
    c.eq(
        "pipe_open(fd table full)",
        ipc::pipe_open(5, 0),
        -sys::EMFILE,
    );
    for fd in extra.iter().chain(&eps[1..]) {
        c.eq("close(endpoint)", sys::close(*fd), 0);
    }
    c.eq(
        "endpoint_open(closed key)",
        ipc::endpoint_open(101),
        -sys::ENOENT,
    );
    c.eq("endpoint_create(key freed)", ipc::endpoint_create(1000), 6);
    // Ends holding fds 3 and 4 (a pipe), 5 and 6 (endpoints 77, 1000):
    // the kernel releases them.
    c.finish("")
}

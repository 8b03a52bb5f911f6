//! Checks the synchronous IPC endpoints with two processes
//! (`init=user-ipc,user-ipc`): the first to create the endpoint serves,
//! the other calls. The client checks calls of 0..=256 bytes (the server
//! answers each byte + 1), a one-way send the server counts, truncation
//! of a reply to a small buffer, every argument error (-EEXIST, -ENOENT,
//! -EBADF, -EINVAL, -EFAULT), and at the end that a server dying without
//! replying fails its caller with -EPIPE. Each exits with its number of
//! failed checks.
#![no_std]
#![no_main]

use user::check::Checker;
use user::ipc;
use user::{entry, sys};

entry!(main);

/// An address inside the kernel image (mapped, but not for U-mode).
const KERNEL_ADDRESS: usize = 0x8020_0000;
/// Read-only user memory.
static READ_ONLY: [u8; 16] = [0; 16];
const MAX: usize = abi::nr::IPC_MAX_MESSAGE;
const KEY: usize = 0x4950_4331;

/// Requests (first byte of a message).
const ECHO: u8 = b'E';
const COUNT: u8 = b'C';
const ONE_WAY: u8 = b'S';
const LONG_REPLY: u8 = b'L';
const DIE: u8 = b'D';

fn main() -> i32 {
    let mut c = Checker::new("user-ipc");
    let ep = ipc::endpoint_create(KEY);
    if ep >= 0 {
        server(&mut c, ep as usize);
        return c.finish(" (server)");
    }
    c.eq("endpoint_create(taken key)", ep, -abi::errno::EEXIST);
    let mut ep = ipc::endpoint_open(KEY);
    for _ in 0..100 {
        if ep >= 0 {
            break;
        }
        sys::sched_yield();
        ep = ipc::endpoint_open(KEY);
    }
    c.ok("endpoint_open", ep >= 0);
    client(&mut c, ep as usize);
    c.finish(" (client)")
}

/// Answers until told to die (then ends without replying).
fn server(c: &mut Checker, ep: usize) {
    // Before any call: nothing to reply to; bad receive buffers fail at
    // once instead of blocking.
    c.eq("reply(no caller)", ipc::reply(b"x"), -sys::EINVAL);
    let recv_kernel = sys::syscall3(abi::nr::IPC_RECV, ep, KERNEL_ADDRESS, 16);
    c.eq("recv(kernel buffer)", recv_kernel, -sys::EFAULT);
    let ro = READ_ONLY.as_ptr() as usize;
    c.eq(
        "recv(read-only buffer)",
        sys::syscall3(abi::nr::IPC_RECV, ep, ro, 16),
        -sys::EFAULT,
    );

    let mut request = [0u8; MAX];
    let mut answer = [0u8; MAX];
    let mut answer_len = 0;
    let mut one_way = 0u8;
    loop {
        let n = ipc::reply_recv(ep, &answer[..answer_len], &mut request);
        if n < 0 {
            c.eq("reply_recv", n, 0);
            return;
        }
        let msg = &request[..n as usize];
        answer_len = 0;
        match msg.first() {
            None => {}
            Some(&ECHO) => {
                for (a, &m) in answer.iter_mut().zip(msg) {
                    *a = m.wrapping_add(1);
                }
                answer_len = msg.len();
            }
            Some(&ONE_WAY) => one_way += 1,
            Some(&COUNT) => {
                answer[0] = one_way;
                answer_len = 1;
            }
            Some(&LONG_REPLY) => {
                answer[..200].fill(b'L');
                answer_len = 200;
            }
            Some(&DIE) => return,
            Some(_) => {
                c.ok("known request", false);
                answer_len = 0;
            }
        }
    }
}

fn client(c: &mut Checker, ep: usize) {
    let mut msg = [0u8; MAX + 1];
    let mut reply = [0u8; MAX];
    // Echoes of every interesting size.
    for len in [0, 1, 2, 17, 128, 255, 256] {
        for (i, b) in msg[..len].iter_mut().enumerate() {
            *b = (i * 13 + len) as u8;
        }
        if len > 0 {
            msg[0] = ECHO;
        }
        reply.fill(0);
        c.eq(
            "call(echo) length",
            ipc::call(ep, &msg[..len], &mut reply),
            len as isize,
        );
        let right = msg[..len]
            .iter()
            .zip(&reply[..len])
            .all(|(&m, &r)| r == m.wrapping_add(1));
        c.ok("echo reply bytes", right);
    }
    // One-way sends return once received; the server counted them.
    c.eq("send", ipc::send(ep, &[ONE_WAY]), 0);
    c.eq("send", ipc::send(ep, &[ONE_WAY, 1, 2]), 0);
    c.eq("call(count)", ipc::call(ep, &[COUNT], &mut reply), 1);
    c.eq("one-way messages counted", reply[0] as isize, 2);
    // A reply longer than the buffer is cut to it.
    let mut small = [0u8; 50];
    c.eq(
        "call(long reply, small buffer)",
        ipc::call(ep, &[LONG_REPLY], &mut small),
        50,
    );
    c.ok("truncated reply bytes", small.iter().all(|&b| b == b'L'));

    errors(c, ep, &mut msg, &mut reply);

    // The server dies without replying: the call fails, it does not hang.
    c.eq(
        "call(server dies)",
        ipc::call(ep, &[DIE], &mut reply),
        -abi::errno::EPIPE,
    );
    c.eq("close(endpoint)", sys::close(ep), 0);
}

/// Every argument error; none of them reaches the server.
fn errors(c: &mut Checker, ep: usize, msg: &mut [u8; MAX + 1], reply: &mut [u8; MAX]) {
    let call = |ep: usize, buf: usize, len: usize, rbuf: usize, rcap: usize| {
        sys::syscall6(abi::nr::IPC_CALL, [ep, buf, len, rbuf, rcap, 0])
    };
    let (m, r) = (msg.as_ptr() as usize, reply.as_mut_ptr() as usize);
    c.eq(
        "endpoint_open(unknown key)",
        ipc::endpoint_open(KEY + 1),
        -sys::ENOENT,
    );
    c.eq(
        "call(257 bytes)",
        ipc::call(ep, &msg[..], reply),
        -sys::EINVAL,
    );
    c.eq("send(257 bytes)", ipc::send(ep, &msg[..]), -sys::EINVAL);
    c.eq("reply(257 bytes)", ipc::reply(&msg[..]), -sys::EINVAL);
    c.eq("reply(no caller)", ipc::reply(b"x"), -sys::EINVAL);
    c.eq(
        "call(kernel message)",
        call(ep, KERNEL_ADDRESS, 8, r, 8),
        -sys::EFAULT,
    );
    c.eq(
        "call(kernel reply buffer)",
        call(ep, m, 8, KERNEL_ADDRESS, 8),
        -sys::EFAULT,
    );
    let ro = READ_ONLY.as_ptr() as usize;
    c.eq(
        "call(read-only reply buffer)",
        call(ep, m, 8, ro, 8),
        -sys::EFAULT,
    );
    c.eq(
        "call(len usize::MAX)",
        call(ep, m, usize::MAX, r, 8),
        -sys::EINVAL,
    );
    c.eq(
        "send(kernel message)",
        sys::syscall3(abi::nr::IPC_SEND, ep, KERNEL_ADDRESS, 4),
        -sys::EFAULT,
    );
    for bad in [0, 1, 2, 15, 16, 999, usize::MAX] {
        c.eq("call(bad fd)", call(bad, m, 1, r, 8), -sys::EBADF);
        c.eq(
            "recv(bad fd)",
            sys::syscall3(abi::nr::IPC_RECV, bad, r, 8),
            -sys::EBADF,
        );
    }
    // A pipe or a closed endpoint is not an endpoint.
    let mut fds = [-1i32; 2];
    c.eq("pipe2", ipc::pipe(&mut fds), 0);
    c.eq(
        "call(pipe fd)",
        call(fds[0] as usize, m, 1, r, 8),
        -sys::EBADF,
    );
    c.eq(
        "send(pipe fd)",
        ipc::send(fds[1] as usize, b"x"),
        -sys::EBADF,
    );
    sys::close(fds[0] as usize);
    sys::close(fds[1] as usize);
    let second = ipc::endpoint_open(KEY);
    c.ok("second endpoint fd", second >= 0 && second as usize != ep);
    c.eq("close(second fd)", sys::close(second as usize), 0);
    c.eq(
        "call(closed fd)",
        call(second as usize, m, 1, r, 8),
        -sys::EBADF,
    );
    // The endpoint itself still works through the first fd.
    msg[0] = ECHO;
    c.eq("call after the errors", ipc::call(ep, &msg[..1], reply), 1);
}

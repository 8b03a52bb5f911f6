//! Checks pipes: pipe2's errors, a round trip, zero-length calls, the
//! full buffer (an atomic 4 KiB write, a short write of more), bad
//! pointers (-EFAULT at once, even where the call would block), wrong
//! ends (-EBADF), end of file after the last writer, -EPIPE after the last
//! reader, and read(0) from the console (no input: 0). Then, run as two
//! processes (`init=user-pipes,user-pipes`; the first to create the
//! meeting endpoint is the writer), the blocking paths across processes:
//! the writer fills a named pipe, tells the reader so through the
//! endpoint and blocks on its next write until the reader drains the
//! pipe; the reader blocks on the empty pipe and is woken by writes, gets
//! every byte in order and then end of file; finally the writer gets
//! -EPIPE once the reader closed its end. Exits with the number of
//! failures. The order is fixed by messages, not by sleeping, so it holds
//! on any host (QEMU's timer is the host's clock).
#![no_std]
#![no_main]

use user::check::Checker;
use user::ipc::{self, PIPE_READ, PIPE_WRITE};
use user::{entry, sys};

entry!(main);

/// An address inside the kernel image (mapped, but not for U-mode).
const KERNEL_ADDRESS: usize = 0x8020_0000;
/// Read-only user memory.
static READ_ONLY: [u8; 16] = [0; 16];
const CAPACITY: usize = abi::nr::PIPE_CAPACITY;
/// Endpoint the two instances meet at, and their named pipes.
const MEET_KEY: usize = 0x5049_5045;
const DATA_PIPE: usize = 1;
const EPIPE_PIPE: usize = 2;
/// Bytes the writer sends through the named pipe (about 4 pipefuls), in
/// atomic writes of `CHUNK` bytes.
const TOTAL: usize = 16_000;
const CHUNK: usize = 1000;
/// Chunks that fit in an empty pipe (a further one blocks: it is atomic).
const CHUNKS_PER_PIPE: usize = CAPACITY / CHUNK;

fn main() -> i32 {
    let mut c = Checker::new("user-pipes");
    single_process(&mut c);
    let role = match ipc::endpoint_create(MEET_KEY) {
        ep if ep >= 0 => {
            writer(&mut c, ep as usize);
            " (writer)"
        }
        _ => {
            let ep = ipc::endpoint_open(MEET_KEY);
            c.ok("endpoint_open(meeting point)", ep >= 0);
            reader(&mut c, ep as usize);
            " (reader)"
        }
    };
    c.finish(role)
}

fn pattern(at: usize) -> u8 {
    (at % 251) as u8
}

fn single_process(c: &mut Checker) {
    let mut fds = [-1i32; 2];
    let p = fds.as_mut_ptr() as usize;
    c.eq(
        "pipe2(flags 1)",
        sys::syscall3(abi::nr::PIPE2, p, 1, 0),
        -sys::EINVAL,
    );
    c.eq(
        "pipe2(null)",
        sys::syscall3(abi::nr::PIPE2, 0, 0, 0),
        -sys::EFAULT,
    );
    c.eq(
        "pipe2(kernel)",
        sys::syscall3(abi::nr::PIPE2, KERNEL_ADDRESS, 0, 0),
        -sys::EFAULT,
    );
    let ro = READ_ONLY.as_ptr() as usize;
    c.eq(
        "pipe2(read-only)",
        sys::syscall3(abi::nr::PIPE2, ro, 0, 0),
        -sys::EFAULT,
    );
    c.eq("pipe2", ipc::pipe(&mut fds), 0);
    let (r, w) = (fds[0] as usize, fds[1] as usize);
    c.ok("two fds >= 3", r >= 3 && w >= 3 && r != w);

    let mut buf = [0u8; 64];
    c.eq("write(hello)", sys::write(w, b"hello"), 5);
    c.eq("read(hello)", sys::read(r, &mut buf), 5);
    c.ok("hello came back", &buf[..5] == b"hello");
    c.eq("write(0 bytes)", sys::write(w, &[]), 0);
    c.eq("read(0 bytes)", sys::read(r, &mut []), 0);
    c.eq("read(write end)", sys::read(w, &mut buf), -sys::EBADF);
    c.eq("write(read end)", sys::write(r, b"x"), -sys::EBADF);
    c.eq("lseek(pipe)", sys::lseek(r, 0, sys::SEEK_SET), -sys::EBADF);

    // Bad buffers fail at once, also where the call would block.
    c.eq(
        "read(kernel) on an empty pipe",
        sys::syscall3(sys::SYS_READ, r, KERNEL_ADDRESS, 8),
        -sys::EFAULT,
    );
    c.eq(
        "read(read-only)",
        sys::syscall3(sys::SYS_READ, r, ro, 8),
        -sys::EFAULT,
    );
    c.eq(
        "write(kernel)",
        sys::syscall3(sys::SYS_WRITE, w, KERNEL_ADDRESS, 8),
        -sys::EFAULT,
    );
    let huge = sys::syscall3(sys::SYS_WRITE, w, buf.as_ptr() as usize, usize::MAX);
    c.eq("write(len usize::MAX)", huge, -sys::EFAULT);

    // The full buffer: one atomic pipeful, then a short write of more.
    let mut big = [0u8; CAPACITY + 904];
    for (i, b) in big.iter_mut().enumerate() {
        *b = pattern(i);
    }
    c.eq(
        "write(a pipeful)",
        sys::write(w, &big[..CAPACITY]),
        CAPACITY as isize,
    );
    let mut back = [0u8; CAPACITY + 904];
    c.eq(
        "read(a pipeful)",
        sys::read(r, &mut back),
        CAPACITY as isize,
    );
    c.ok("pipeful came back", back[..CAPACITY] == big[..CAPACITY]);
    c.eq(
        "write(more than a pipeful)",
        sys::write(w, &big),
        CAPACITY as isize,
    );
    c.eq("read(what fit)", sys::read(r, &mut back), CAPACITY as isize);
    c.ok("what fit came back", back[..CAPACITY] == big[..CAPACITY]);

    // End of file once the writer is gone, after the data.
    c.eq("write(abc)", sys::write(w, b"abc"), 3);
    c.eq("close(write end)", sys::close(w), 0);
    c.eq("read(abc)", sys::read(r, &mut buf), 3);
    c.eq("read at EOF", sys::read(r, &mut buf), 0);
    c.eq("read at EOF again", sys::read(r, &mut buf), 0);
    c.eq("close(read end)", sys::close(r), 0);
    c.eq("close(read end) again", sys::close(r), -sys::EBADF);

    // A broken pipe once the reader is gone.
    c.eq("pipe2 again", ipc::pipe(&mut fds), 0);
    c.eq("close(read end)", sys::close(fds[0] as usize), 0);
    c.eq(
        "write(no reader)",
        sys::write(fds[1] as usize, b"x"),
        -abi::errno::EPIPE,
    );
    c.eq("close(write end)", sys::close(fds[1] as usize), 0);

    // Named pipes: bad flags.
    c.eq("pipe_open(flags 2)", ipc::pipe_open(9, 2), -sys::EINVAL);
    c.eq(
        "pipe_open(flags MAX)",
        ipc::pipe_open(9, usize::MAX),
        -sys::EINVAL,
    );

    // The console: no input is end of file, a bad buffer -EFAULT.
    c.eq("read(0)", sys::read(0, &mut buf), 0);
    c.eq(
        "read(0, kernel)",
        sys::syscall3(sys::SYS_READ, 0, KERNEL_ADDRESS, 8),
        -sys::EFAULT,
    );
}

/// Fills the named pipe, says so, goes on writing (blocking until the
/// reader drains it), closes it, then sees -EPIPE after the reader closed
/// a second pipe.
fn writer(c: &mut Checker, ep: usize) {
    let w = ipc::pipe_open(DATA_PIPE, PIPE_WRITE);
    c.ok("pipe_open(write)", w >= 0);
    let w = w as usize;
    let mut chunk = [0u8; CHUNK];
    let mut sent = 0;
    while sent < TOTAL {
        for (i, b) in chunk.iter_mut().enumerate() {
            *b = pattern(sent + i);
        }
        let n = sys::write(w, &chunk);
        if n != CHUNK as isize {
            c.eq("write(chunk)", n, CHUNK as isize);
            break;
        }
        sent += CHUNK;
        if sent == CHUNKS_PER_PIPE * CHUNK {
            c.eq("send(full)", ipc::send(ep, b"full"), 0);
        }
    }
    c.eq("close(named write end)", sys::close(w), 0);

    // -EPIPE across processes: open, let the reader open and close.
    let w2 = ipc::pipe_open(EPIPE_PIPE, PIPE_WRITE);
    c.ok("pipe_open(second, write)", w2 >= 0);
    c.eq("send(opened)", ipc::send(ep, b"opened"), 0);
    let mut msg = [0u8; 16];
    c.eq("recv(closed)", ipc::recv(ep, &mut msg), 6);
    c.ok("got closed", &msg[..6] == b"closed");
    c.eq(
        "write(reader gone)",
        sys::write(w2 as usize, b"x"),
        -abi::errno::EPIPE,
    );
    c.eq("close(second write end)", sys::close(w2 as usize), 0);
    c.eq("close(endpoint)", sys::close(ep), 0);
}

/// Waits until the writer has filled the pipe, then reads everything
/// until EOF.
fn reader(c: &mut Checker, ep: usize) {
    let r = ipc::pipe_open(DATA_PIPE, PIPE_READ);
    c.ok("pipe_open(read)", r >= 0);
    let r = r as usize;
    let mut msg = [0u8; 16];
    c.eq("recv(full)", ipc::recv(ep, &mut msg), 4);
    c.ok("got full", &msg[..4] == b"full");
    let mut buf = [0u8; CAPACITY];
    let mut got = 0;
    let mut wrong = 0;
    let mut reads = 0;
    loop {
        let n = sys::read(r, &mut buf);
        if n <= 0 {
            c.eq("read at the end", n, 0);
            break;
        }
        if reads == 0 {
            // The writer filled all it could; its next chunk does not
            // fit, so nothing was added since it said so.
            c.eq(
                "first read (a full pipe)",
                n,
                (CHUNKS_PER_PIPE * CHUNK) as isize,
            );
        }
        reads += 1;
        for (i, &b) in buf[..n as usize].iter().enumerate() {
            if b != pattern(got + i) {
                wrong += 1;
            }
        }
        got += n as usize;
    }
    c.eq("bytes through the named pipe", got as isize, TOTAL as isize);
    c.eq("wrong bytes", wrong, 0);
    c.ok("more than one read", reads > 1);
    c.eq("close(named read end)", sys::close(r), 0);

    c.eq("recv(opened)", ipc::recv(ep, &mut msg), 6);
    let r2 = ipc::pipe_open(EPIPE_PIPE, PIPE_READ);
    c.ok("pipe_open(second, read)", r2 >= 0);
    c.eq("close(second read end)", sys::close(r2 as usize), 0);
    c.eq("send(closed)", ipc::send(ep, b"closed"), 0);
    c.eq("close(endpoint)", sys::close(ep), 0);
}

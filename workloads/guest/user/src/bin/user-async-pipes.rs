//! Pipe and IPC calls submitted through an async ring (batch design,
//! Mode::Enter) never block the kernel side: a pipe read of an empty pipe
//! and a write to a full one complete with -EAGAIN and leave the pipe as
//! it was, the IPC calls that always wait for a partner (send, call,
//! recv, reply_recv) complete with -EINVAL before they touch the
//! endpoint, and the calls that can finish at once (pipe2, writes and
//! reads with data or room, close, endpoint create/open, reply with no
//! caller) work as from an ecall. The same pipe then still works by
//! ecall. Run alone (it needs free pipe and endpoint slots).
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::errno::{EAGAIN, EINVAL};
use abi::nr;
use abi::ring::{Mode, Notify, Request, USER_VA};
use async_test::{async_enter, async_setup, buffer, Checks};
use user::{entry, ipc, sys};

entry!(main);

const KEY: usize = 0x5249_4e47;

fn main() -> i32 {
    let mut c = Checks::new("user-async-pipes");
    let address = async_setup(Mode::Enter as usize, Notify::None as usize);
    c.eq("setup", address, USER_VA as isize);
    if address != USER_VA as isize {
        return c.finish();
    }
    let ring = buffer(address);
    let mut submit = ring.submitter();
    let mut reap = ring.reaper();
    // Runs one request through the ring; its result.
    let mut run = |number: usize, args: [u64; 6]| -> i64 {
        let pushed = submit.push(Request {
            user_data: number as u64,
            nr: number as u64,
            args,
        });
        if pushed.is_err() || async_enter(1, 1) != 1 {
            return i64::MIN;
        }
        reap.pop().map_or(i64::MIN, |done| done.result)
    };

    // pipe2 through the ring.
    let mut fds = [-1i32; 2];
    let made = run(nr::PIPE2, [fds.as_mut_ptr() as u64, 0, 0, 0, 0, 0]);
    c.eq("pipe2 from the ring", made, 0);
    let (r, w) = (fds[0] as u64, fds[1] as u64);
    c.ok("two fds", fds[0] >= 3 && fds[1] >= 3 && fds[0] != fds[1]);

    // An empty pipe: a read would block, so -EAGAIN.
    let mut buf = [0u8; 64];
    let read = |buf: &mut [u8; 64]| [r, buf.as_mut_ptr() as u64, 64, 0, 0, 0];
    c.eq("read empty", run(nr::READ, read(&mut buf)), -EAGAIN as i64);
    // Data in, data out, all through the ring.
    let msg = b"through the ring";
    let wrote = run(
        nr::WRITE,
        [w, msg.as_ptr() as u64, msg.len() as u64, 0, 0, 0],
    );
    c.eq("write", wrote, msg.len() as i64);
    c.eq("read data", run(nr::READ, read(&mut buf)), msg.len() as i64);
    c.ok("same bytes", &buf[..msg.len()] == msg);
    c.eq(
        "read empty again",
        run(nr::READ, read(&mut buf)),
        -EAGAIN as i64,
    );

    // A full pipe: a write that does not fit would block, so -EAGAIN, and
    // nothing of it lands in the pipe.
    let big = [0x5au8; nr::PIPE_CAPACITY];
    let fill = [w, big.as_ptr() as u64, big.len() as u64, 0, 0, 0];
    c.eq("fill", run(nr::WRITE, fill), nr::PIPE_CAPACITY as i64);
    let more = [w, msg.as_ptr() as u64, msg.len() as u64, 0, 0, 0];
    c.eq("write to a full pipe", run(nr::WRITE, more), -EAGAIN as i64);
    // By ecall the pipe holds exactly the fill.
    let mut drained = 0usize;
    let mut chunk = [0u8; 512];
    while drained < nr::PIPE_CAPACITY {
        let n = sys::read(r as usize, &mut chunk);
        if n <= 0 {
            break;
        }
        c.ok("fill bytes", chunk[..n as usize].iter().all(|&b| b == 0x5a));
        drained += n as usize;
    }
    c.eq("drained by ecall", drained, nr::PIPE_CAPACITY);
    c.eq(
        "nothing more",
        run(nr::READ, read(&mut buf)),
        -EAGAIN as i64,
    );

    // Closing the write end through the ring: the read sees end of file.
    c.eq("close write end", run(nr::CLOSE, [w, 0, 0, 0, 0, 0]), 0);
    c.eq("read at EOF", run(nr::READ, read(&mut buf)), 0);
    c.eq("close read end", run(nr::CLOSE, [r, 0, 0, 0, 0, 0]), 0);

    // IPC: create and open work; the calls that wait for a partner are
    // refused; reply without a caller is the ecall's -EINVAL.
    let ep = run(nr::ENDPOINT_CREATE, [KEY as u64, 0, 0, 0, 0, 0]);
    c.ok("endpoint from the ring", ep >= 3);
    let ep = ep as u64;
    let other = run(nr::ENDPOINT_OPEN, [KEY as u64, 0, 0, 0, 0, 0]);
    c.ok("open from the ring", other >= 3 && other as u64 != ep);
    let m = msg.as_ptr() as u64;
    let b = buf.as_mut_ptr() as u64;
    let refused = [
        (nr::IPC_SEND, [ep, m, 4, 0, 0, 0]),
        (nr::IPC_CALL, [ep, m, 4, b, 64, 0]),
        (nr::IPC_RECV, [ep, b, 64, 0, 0, 0]),
        (nr::IPC_REPLY_RECV, [ep, m, 4, b, 64, 0]),
    ];
    for (number, args) in refused {
        c.eq("partner call refused", run(number, args), -EINVAL as i64);
    }
    c.eq(
        "reply, no caller",
        run(nr::IPC_REPLY, [m, 4, 0, 0, 0, 0]),
        -EINVAL as i64,
    );
    c.eq("close endpoint", run(nr::CLOSE, [ep, 0, 0, 0, 0, 0]), 0);
    c.eq("close other", sys::close(other as usize), 0);
    // The key is free again: nothing the refused calls did kept it.
    let again = ipc::endpoint_create(KEY);
    c.ok("key free again", again >= 3);
    c.eq("close it", sys::close(again as usize), 0);
    c.finish()
}

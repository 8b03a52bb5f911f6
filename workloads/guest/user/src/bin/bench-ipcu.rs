//! The IPC ping-pong benchmark of design `ipc-uintr`: a user-to-user
//! channel ([`abi::channel`]) whose rings carry the messages and whose
//! notifications are user interrupts (`uipi send`), so the kernel only
//! sets the channel up. Start it twice (`init=bench-ipcu,bench-ipcu`, or
//! `init=bench-ipcu@0,bench-ipcu@1` on two harts): the instance that
//! creates the channel serves, the other is the client. Parameters:
//! `design=` (only ipc-uintr), `rounds=` (default 10), `c=` (requests per
//! round, default 1), `payload=` (message bytes, 1..=256, default 64).
//!
//! Per round the client sends `c` requests (at most [`SLOTS`] in flight)
//! and notifies the server after each batch it pushed; the server answers
//! each with every byte inverted and notifies the client after each batch
//! of replies. A side whose peer shares its hart waits in UINTR_WAIT (user
//! interrupts off from its last look at the ring to the wait); on
//! different harts it spins on the ring. The client checks every reply
//! and marks the region of interest around the rounds; it reports 2 x c x
//! rounds syscalls (a request and a reply message per call, the count
//! bench-ipc reports for ipc-sync's call + reply_recv), so
//! traps_per_syscall compares directly. Exit codes: 1 a wrong reply, 2 bad
//! parameters, 3 set-up failed (no channel, no UINTR, no peer), 4 the peer
//! left or a bounded wait ran out. `leave_after=R` (tests only) makes the
//! client exit after R rounds without telling the server, which must then
//! stop with exit code 4 through the kernel's close notice.
#![no_std]
#![no_main]

use abi::channel::{Channel, Receiver, Sender, CHANNEL_CREATE, CHANNEL_OPEN, CHANNEL_PEER, SLOTS};
use abi::design::Design;
use abi::errno::{EAGAIN, EEXIST, ENOENT};
use abi::nr;
use core::sync::atomic::Ordering;
use user::bench::{pair_params, PairParams};
use user::roi::{Counts, Roi};
use user::{cmdline, entry, notification, println, sys, uintr};

entry!(main);

/// The channel's key.
const KEY: usize = 0x4950_4355;
/// The vector each side receives requests/replies on.
const VECTOR: usize = 0;
/// Yields a side makes while it waits for its peer during set-up (each
/// lets the peer run on a shared hart; a few thousand instructions each).
const SETUP_YIELDS: u32 = 5_000;
/// Empty looks at the ring before a spinning side gives up.
const SPIN_LIMIT: u64 = 1 << 22;
/// Waits in a row that bring nothing before a waiting side gives up.
const WAIT_LIMIT: u64 = 1 << 16;
/// Tag of the client's last message: the server stops.
const QUIT: u32 = u32::MAX;

/// Why a run stopped early.
enum Stop {
    Setup(&'static str, isize),
    PeerLeft,
    Timeout,
}

fn main() -> i32 {
    let PairParams { c, rounds, payload } =
        match pair_params("bench-ipcu", Design::IpcUintr, abi::channel::MAX_PAYLOAD) {
            Ok(p) => p,
            Err(code) => return code,
        };
    if c > u64::from(u32::MAX) / 2 {
        println!("bench-ipcu: c= is too large");
        return 2;
    }
    // Read by the client only, but checked by both: a bad value is bad
    // parameters, as for every other key.
    let leave_after = match cmdline::number(abi::cmdline::keys::LEAVE_AFTER, u64::MAX) {
        Ok(n) => Some(n).filter(|&n| n != u64::MAX),
        Err(_) => {
            println!("bench-ipcu: leave_after= is not a number");
            return 2;
        }
    };
    let result = match sys::syscall3(CHANNEL_CREATE, KEY, 0, 0) {
        va if va > 0 => connect(va as usize, 0).and_then(server),
        err if err == -EEXIST => match open() {
            Ok(va) => connect(va, 1).and_then(|link| client(link, c, rounds, payload, leave_after)),
            Err(e) => Err(e),
        },
        err => Err(Stop::Setup("channel_create failed", err)),
    };
    match result {
        Ok(code) => code,
        Err(Stop::Setup(what, err)) => {
            println!("bench-ipcu: {what} ({err})");
            3
        }
        Err(Stop::PeerLeft) => {
            println!("bench-ipcu: the peer left the channel");
            4
        }
        Err(Stop::Timeout) => {
            println!("bench-ipcu: no answer from the peer (bounded wait ran out)");
            4
        }
    }
}

fn open() -> Result<usize, Stop> {
    for _ in 0..SETUP_YIELDS {
        match sys::syscall3(CHANNEL_OPEN, KEY, 0, 0) {
            va if va > 0 => return Ok(va as usize),
            err if err == -ENOENT => {
                sys::sched_yield();
            }
            err => return Err(Stop::Setup("channel_open failed", err)),
        }
    }
    Err(Stop::Setup("no channel to open", -ENOENT))
}

/// One side's view of a connected channel.
struct Link {
    channel: Channel,
    /// Sender-table index of the peer's receiver.
    peer_index: usize,
    /// Whether the peer runs on this hart (then wait, else spin).
    same_hart: bool,
}

/// Registers as a receiver, exchanges handles with the peer through the
/// channel header and registers as a sender to it. `party`: 0 server, 1
/// client.
fn connect(va: usize, party: usize) -> Result<Link, Stop> {
    // SAFETY: the kernel mapped the channel's pages at `va` for the rest
    // of this process's life; each ring end is made once below.
    let channel = unsafe { Channel::at(va) };
    let me = sys::getpid() as usize;
    let registered = uintr::register_receiver();
    if registered != 0 {
        return Err(Stop::Setup("uintr_register_receiver failed", registered));
    }
    let peer = wait_setup(|| match sys::syscall3(CHANNEL_PEER, 0, 0, 0) {
        pid if pid > 0 => Some(Ok(pid as usize)),
        err if err == -EAGAIN => None,
        err => Some(Err(Stop::Setup("channel_peer failed", err))),
    })??;
    let handle = sys::syscall3(nr::UINTR_CREATE_HANDLE, VECTOR, peer, 0);
    if handle < 0 {
        return Err(Stop::Setup("uintr_create_handle failed", handle));
    }
    let header = channel.header();
    header.handles[party].store(handle as u32 + 1, Ordering::Release);
    let peer_handle = wait_setup(|| match header.handles[1 - party].load(Ordering::Acquire) {
        0 => None,
        h => Some(h as usize - 1),
    })?;
    let index = sys::syscall3(nr::UINTR_REGISTER_SENDER, peer_handle, 0, 0);
    if index < 0 {
        return Err(Stop::Setup("uintr_register_sender failed", index));
    }
    let same_hart = match (hart_of(me), hart_of(peer)) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    header.ready[party].store(1, Ordering::Release);
    if party == 1 {
        // The server makes no more set-up calls once ready, so none of
        // them falls into the client's region of interest.
        wait_setup(|| (header.ready[0].load(Ordering::Acquire) != 0).then_some(()))?;
    }
    Ok(Link {
        channel,
        peer_index: index as usize,
        same_hart,
    })
}

/// Polls `ready` (yielding in between, at most [`SETUP_YIELDS`] times)
/// until it gives a value.
fn wait_setup<T>(mut ready: impl FnMut() -> Option<T>) -> Result<T, Stop> {
    for _ in 0..SETUP_YIELDS {
        if let Some(value) = ready() {
            return Ok(value);
        }
        sys::sched_yield();
    }
    ready().ok_or(Stop::Setup("the peer never connected", -EAGAIN))
}

/// The hart process `pid` was placed on (`init=` entry `pid - 1`).
fn hart_of(pid: usize) -> Option<usize> {
    let entry = cmdline::arg("init")?.split(',').nth(pid.checked_sub(1)?)?;
    match entry.split_once('@') {
        None => Some(0),
        Some((_, hart)) => hart.parse().ok(),
    }
}

/// `uipi send` to the peer's receiver (no trap).
fn notify(index: usize) {
    // SAFETY: UIPI SEND (custom-3, funct3 2, imm 0) with rs1 = a sender
    // table index the kernel filled; it only posts an interrupt.
    unsafe { core::arch::asm!(".insn i 0x7b, 2, x0, {0}, 0", in(reg) index, options(nostack)) };
}

impl Link {
    /// Waits until `ready()` is true: UINTR_WAIT if the peer shares the
    /// hart, else spinning; Err if the peer left or the bound ran out.
    fn wait(&self, ready: impl Fn() -> bool) -> Result<(), Stop> {
        let closed = || self.channel.header().closed.load(Ordering::Acquire) != 0;
        if self.same_hart {
            for _ in 0..WAIT_LIMIT {
                uintr::disable();
                if ready() {
                    uintr::enable();
                    return Ok(());
                }
                if closed() {
                    uintr::enable();
                    return Err(Stop::PeerLeft);
                }
                let waited = uintr::wait();
                uintr::enable();
                notification::take();
                if waited != 0 {
                    return Err(Stop::Setup("uintr_wait failed", waited));
                }
            }
        } else {
            for _ in 0..SPIN_LIMIT {
                if ready() {
                    return Ok(());
                }
                if closed() {
                    return Err(Stop::PeerLeft);
                }
                core::hint::spin_loop();
            }
        }
        if ready() {
            Ok(())
        } else {
            Err(Stop::Timeout)
        }
    }
}

/// Answers every request with its bytes inverted until the quit message.
fn server(link: Link) -> Result<i32, Stop> {
    let (mut replies, mut requests) = link.channel.server();
    let mut answer = [0u8; abi::channel::MAX_PAYLOAD];
    let mut served = 0u64;
    loop {
        link.wait(|| requests.ready() != 0)?;
        let mut answered = 0;
        while let Some(request) = requests.recv() {
            if request.tag == QUIT && request.len == 0 {
                if answered != 0 {
                    notify(link.peer_index);
                }
                println!("bench-ipcu server: served {served} requests");
                return Ok(0);
            }
            let msg = request.payload();
            for (a, &m) in answer.iter_mut().zip(msg) {
                *a = !m;
            }
            // The client keeps at most SLOTS requests in flight, so the
            // reply ring always has room for the answer.
            if !replies.send(request.tag, &answer[..msg.len()]) {
                println!("bench-ipcu server: reply ring full");
                return Ok(1);
            }
            answered += 1;
            served += 1;
        }
        if answered != 0 {
            notify(link.peer_index);
        }
    }
}

/// The bytes of request `id`: different for every request, so a stale or
/// misrouted reply cannot pass.
fn fill(msg: &mut [u8], id: u64) {
    let seed = id.to_le_bytes();
    for (j, b) in msg.iter_mut().enumerate() {
        *b = seed[j % 8] ^ j as u8;
    }
}

fn client(
    link: Link,
    c: u64,
    rounds: u64,
    payload: usize,
    leave_after: Option<u64>,
) -> Result<i32, Stop> {
    let roi = match Roi::map() {
        Ok(roi) => Some(roi),
        Err(e) => {
            println!("bench-ipcu: no sim-control device ({e}), running unmeasured");
            None
        }
    };
    let (mut requests, mut replies): (Sender, Receiver) = link.channel.client();
    let mut msg = [0u8; abi::channel::MAX_PAYLOAD];
    let mut wrong = 0u64;
    if let Some(roi) = &roi {
        roi.begin();
    }
    for round in 0..rounds {
        if leave_after == Some(round) {
            // A test of the kernel's close notice: go without the quit
            // message; the server must notice and stop.
            println!("bench-ipcu: leaving after {round} rounds");
            return Ok(0);
        }
        let first = round * c;
        let (mut sent, mut got) = (0u64, 0u64);
        while got < c {
            let mut pushed = false;
            while sent < c && sent - got < u64::from(SLOTS) {
                let id = first + sent;
                fill(&mut msg[..payload], id);
                if !requests.send(id as u32, &msg[..payload]) {
                    break;
                }
                sent += 1;
                pushed = true;
            }
            if pushed {
                notify(link.peer_index);
            }
            link.wait(|| replies.ready() != 0)?;
            while let Some(reply) = replies.recv() {
                let id = first + got;
                fill(&mut msg[..payload], id);
                let data = reply.payload();
                if reply.tag != id as u32
                    || data.len() != payload
                    || msg[..payload].iter().zip(data).any(|(&m, &r)| r != !m)
                {
                    wrong += 1;
                }
                got += 1;
            }
        }
    }
    if let Some(roi) = &roi {
        roi.end(Counts {
            syscalls: 2 * c * rounds,
            rounds,
            concurrency: c,
        });
    }
    if !requests.send(QUIT, &[]) {
        println!("bench-ipcu: request ring full at the end");
        return Ok(3);
    }
    notify(link.peer_index);
    if wrong != 0 {
        println!("bench-ipcu: {wrong} replies were wrong");
        return Ok(1);
    }
    println!(
        "bench-ipcu: design=ipc-uintr c={c} rounds={rounds} payload={payload}: {} calls ok, {} notifications",
        c * rounds,
        notification::count()
    );
    Ok(0)
}

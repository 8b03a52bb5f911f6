//! The IPC ping-pong benchmark of design `ipc-sync`: seL4-style call and
//! reply through the kernel's endpoints. Start it twice
//! (`init=bench-ipc,bench-ipc`): the instance that creates the endpoint
//! serves, the other is the client. Parameters from the command line:
//! `design=` (only ipc-sync), `rounds=` (default 10), `c=` (calls per
//! round, default 1), `payload=` (message bytes, 1..=256, default 64).
//!
//! The client marks the region of interest around `rounds` x `c` calls;
//! every call is one trap for the client's `ipc_call` and one for the
//! server's `ipc_reply_recv`, so it reports 2 x rounds x c syscalls. The
//! server answers each message with every byte inverted; the client
//! checks every reply (length and bytes) and exits 1 on a mismatch, 2 on
//! bad parameters, 3 on a failed call. At the end the client sends a quit
//! message and the server exits.
#![no_std]
#![no_main]

use abi::design::Design;
use user::bench::{pair_params, PairParams};
use user::roi::{Counts, Roi};
use user::{entry, ipc, println, sys};

entry!(main);

const KEY: usize = 0x4245_4e43;
const MAX: usize = abi::nr::IPC_MAX_MESSAGE;
/// The client's last message (a one-way send): the server stops.
const QUIT: &[u8] = b"quit";

fn main() -> i32 {
    let PairParams { c, rounds, payload } = match pair_params("bench-ipc", Design::IpcSync, MAX) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let ep = ipc::endpoint_create(KEY);
    if ep >= 0 {
        return server(ep as usize);
    }
    let mut ep = ipc::endpoint_open(KEY);
    for _ in 0..100 {
        if ep >= 0 {
            break;
        }
        sys::sched_yield();
        ep = ipc::endpoint_open(KEY);
    }
    if ep < 0 {
        println!("bench-ipc: no endpoint ({ep})");
        return 3;
    }
    client(ep as usize, c, rounds, payload)
}

/// Answers every call with its bytes inverted until the quit message.
fn server(ep: usize) -> i32 {
    let mut request = [0u8; MAX];
    let mut answer = [0u8; MAX];
    let mut answer_len = 0;
    let mut served = 0u64;
    loop {
        let n = ipc::reply_recv(ep, &answer[..answer_len], &mut request);
        if n < 0 {
            println!("bench-ipc server: reply_recv returned {n}");
            return 3;
        }
        let msg = &request[..n as usize];
        if msg == QUIT {
            println!("bench-ipc server: served {served} calls");
            return 0;
        }
        for (a, &m) in answer.iter_mut().zip(msg) {
            *a = !m;
        }
        answer_len = msg.len();
        served += 1;
    }
}

fn client(ep: usize, c: u64, rounds: u64, payload: usize) -> i32 {
    let roi = match Roi::map() {
        Ok(roi) => Some(roi),
        Err(e) => {
            println!("bench-ipc: no sim-control device ({e}), running unmeasured");
            None
        }
    };
    let mut msg = [0u8; MAX];
    let mut reply = [0u8; MAX];
    let mut wrong = 0u64;
    let mut failed = 0u64;
    if let Some(roi) = &roi {
        roi.begin();
    }
    for round in 0..rounds {
        for i in 0..c {
            // Different bytes every call, so a stale reply cannot pass.
            let seed = (round.wrapping_mul(c) + i).to_le_bytes();
            for (j, b) in msg[..payload].iter_mut().enumerate() {
                *b = seed[j % 8] ^ j as u8;
            }
            let n = ipc::call(ep, &msg[..payload], &mut reply);
            if n < 0 {
                failed += 1;
            } else if n as usize != payload
                || msg[..payload]
                    .iter()
                    .zip(&reply[..payload])
                    .any(|(&m, &r)| r != !m)
            {
                wrong += 1;
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
    let quit = ipc::send(ep, QUIT);
    if failed != 0 || quit != 0 {
        println!("bench-ipc: {failed} calls failed, quit returned {quit}");
        return 3;
    }
    if wrong != 0 {
        println!("bench-ipc: {wrong} replies were wrong");
        return 1;
    }
    println!(
        "bench-ipc: design=ipc-sync c={c} rounds={rounds} payload={payload}: {} calls ok",
        c * rounds
    );
    0
}

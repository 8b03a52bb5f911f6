//! The IO-bound echo benchmark of design `sync`: a client writes a
//! request into one pipe and reads the answer from another; the server
//! reads each request and writes it back with every byte inverted. Start
//! it twice (`init=bench-echo,bench-echo`): the instance that creates the
//! meeting endpoint serves, the other is the client; they talk over two
//! named pipes. Parameters: `design=` (only sync), `rounds=` (default 10),
//! `c=` (requests per round, default 1), `payload=` (bytes, 1..=4096,
//! default 64).
//!
//! The client marks the region of interest around `rounds` x `c` echoes
//! and reports its own syscalls plus the server's two per echo (a request
//! fits the pipe and is written whole, and the client waits for each
//! answer, so the server's one read gets a whole request). It checks
//! every answer and exits 1 on a mismatch, 2 on bad parameters, 3 on a
//! failed call. The server exits when the request pipe reaches end of
//! file, 1 if a read was short.
#![no_std]
#![no_main]

use abi::design::Design;
use user::bench::{pair_params, PairParams};
use user::ipc::{self, PIPE_READ, PIPE_WRITE};
use user::roi::{Counts, Roi};
use user::{entry, println, sys};

entry!(main);

const KEY: usize = 0x4543_484f;
const REQUESTS: usize = 0x4543_0001;
const ANSWERS: usize = 0x4543_0002;
const MAX: usize = abi::nr::PIPE_CAPACITY;

fn main() -> i32 {
    let PairParams { c, rounds, payload } = match pair_params("bench-echo", Design::Sync, MAX) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // The endpoint only decides the roles; the server keeps it to the end.
    if ipc::endpoint_create(KEY) >= 0 {
        server(payload)
    } else {
        client(c, rounds, payload)
    }
}

/// Opens `key`'s end `flags`, or reports and returns None.
fn open(key: usize, flags: usize) -> Option<usize> {
    let fd = ipc::pipe_open(key, flags);
    if fd < 0 {
        println!("bench-echo: pipe_open returned {fd}");
        return None;
    }
    Some(fd as usize)
}

fn server(payload: usize) -> i32 {
    let (Some(requests), Some(answers)) = (open(REQUESTS, PIPE_READ), open(ANSWERS, PIPE_WRITE))
    else {
        return 3;
    };
    let mut buf = [0u8; MAX];
    let mut short = 0u64;
    loop {
        let n = sys::read(requests, &mut buf[..payload]);
        if n == 0 {
            break;
        }
        if n < 0 {
            println!("bench-echo server: read returned {n}");
            return 3;
        }
        let n = n as usize;
        if n != payload {
            short += 1;
        }
        for b in &mut buf[..n] {
            *b = !*b;
        }
        let written = sys::write(answers, &buf[..n]);
        if written != n as isize {
            println!("bench-echo server: write returned {written}");
            return 3;
        }
    }
    sys::close(answers);
    sys::close(requests);
    if short != 0 {
        println!("bench-echo server: {short} short reads");
        return 1;
    }
    0
}

fn client(c: u64, rounds: u64, payload: usize) -> i32 {
    let (Some(requests), Some(answers)) = (open(REQUESTS, PIPE_WRITE), open(ANSWERS, PIPE_READ))
    else {
        return 3;
    };
    let roi = match Roi::map() {
        Ok(roi) => Some(roi),
        Err(e) => {
            println!("bench-echo: no sim-control device ({e}), running unmeasured");
            None
        }
    };
    let mut msg = [0u8; MAX];
    let mut answer = [0u8; MAX];
    let (mut wrong, mut failed, mut calls) = (0u64, 0u64, 0u64);
    if let Some(roi) = &roi {
        roi.begin();
    }
    'rounds: for round in 0..rounds {
        for i in 0..c {
            let seed = (round.wrapping_mul(c) + i).to_le_bytes();
            for (j, b) in msg[..payload].iter_mut().enumerate() {
                *b = seed[j % 8] ^ j as u8;
            }
            calls += 1;
            if sys::write(requests, &msg[..payload]) != payload as isize {
                failed += 1;
                break 'rounds;
            }
            let mut got = 0;
            while got < payload {
                calls += 1;
                let n = sys::read(answers, &mut answer[got..payload]);
                if n <= 0 {
                    failed += 1;
                    break 'rounds;
                }
                got += n as usize;
            }
            if msg[..payload]
                .iter()
                .zip(&answer[..payload])
                .any(|(&m, &a)| a != !m)
            {
                wrong += 1;
            }
        }
    }
    if let Some(roi) = &roi {
        roi.end(Counts {
            syscalls: calls + 2 * c * rounds,
            rounds,
            concurrency: c,
        });
    }
    sys::close(requests);
    sys::close(answers);
    if failed != 0 {
        println!("bench-echo: a write or read failed");
        return 3;
    }
    if wrong != 0 {
        println!("bench-echo: {wrong} answers were wrong");
        return 1;
    }
    println!(
        "bench-echo: design=sync c={c} rounds={rounds} payload={payload}: {} echoes ok ({calls} client syscalls)",
        c * rounds
    );
    0
}

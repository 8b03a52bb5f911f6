//! The null-syscall benchmark: `c` submitters x `rounds` rounds of
//! getpid, the cheapest syscall, so the cost measured is the design's own
//! (trap, ring, notification). Parameters from the command line:
//! `design=` (default sync), `c=` (default 1), `rounds=` (default 10).
//! Every result is checked against the pid read before the region of
//! interest; exits 1 on a wrong result, 2 on bad parameters.
#![no_std]
#![no_main]

use abi::design::Design;
use user::roi::{Counts, Roi};
use user::{cmdline, entry, println, sys};

entry!(main);

fn main() -> i32 {
    let (design, c, rounds) = match parameters() {
        Ok(p) => p,
        Err(e) => {
            println!("bench-null: {e}");
            return 2;
        }
    };
    if design != Design::Sync {
        println!("bench-null: design {} is not supported yet", design.name());
        return 2;
    }
    let pid = sys::getpid();
    let roi = match Roi::map() {
        Ok(roi) => Some(roi),
        Err(e) => {
            println!("bench-null: no sim-control device ({e}), running unmeasured");
            None
        }
    };
    if let Some(roi) = &roi {
        roi.begin();
    }
    let mut wrong = 0u64;
    for _ in 0..rounds {
        for _ in 0..c {
            if sys::getpid() != pid {
                wrong += 1;
            }
        }
    }
    if let Some(roi) = &roi {
        roi.end(Counts {
            syscalls: c * rounds,
            rounds,
            concurrency: c,
        });
    }
    if wrong != 0 {
        println!("bench-null: {wrong} getpid results were wrong");
        return 1;
    }
    println!(
        "bench-null: design={} c={c} rounds={rounds}: {} syscalls ok",
        design.name(),
        c * rounds
    );
    0
}

/// (design, c, rounds) from the command line.
fn parameters() -> Result<(Design, u64, u64), &'static str> {
    let design = match cmdline::arg(abi::cmdline::keys::DESIGN) {
        None => Design::Sync,
        Some(name) => Design::parse(name).ok_or("unknown design")?,
    };
    let c =
        cmdline::number(abi::cmdline::keys::CONCURRENCY, 1).map_err(|_| "c= is not a number")?;
    let rounds =
        cmdline::number(abi::cmdline::keys::ROUNDS, 10).map_err(|_| "rounds= is not a number")?;
    if c == 0 || rounds == 0 {
        return Err("c and rounds must be at least 1");
    }
    Ok((design, c, rounds))
}

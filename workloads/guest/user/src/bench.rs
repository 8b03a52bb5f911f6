//! The benchmark harness shared by the `bench-*` programs: parameters
//! from the command line, then `c` coroutines x `rounds` rounds under the
//! selected design, a [`Barrier`] between rounds (a round ends when every
//! coroutine has its results), the region of interest around the rounds
//! only, and a verdict: every result checked, exit code non-zero on any
//! error.
//!
//! Exit codes: 0 all results right, 1 a wrong result, 2 bad parameters,
//! 3 the design is not available on this kernel, 4 the run stopped (a
//! design call failed or made no progress), 5 no memory for the run.

use crate::barrier::Barrier;
use crate::executor::Executor;
use crate::roi::{Counts, Roi};
use crate::syscalls::{self, Options, Syscalls, DEFAULT_THRESHOLD};
use crate::{cmdline, heap, notification, println};
use abi::cmdline::keys;
use abi::design::Design;
use alloc::rc::Rc;
use core::cell::Cell;
use core::fmt;
use core::future::Future;

/// Most coroutines a run may have: every one's request fits the ring.
pub const MAX_CONCURRENCY: u64 = abi::ring::ENTRIES as u64;

/// A run's parameters.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub design: Design,
    /// Coroutines.
    pub c: usize,
    pub rounds: u64,
    pub options: Options,
}

impl Params {
    /// From the command line: `design=` (default sync), `c=` (default
    /// 1), `rounds=` (default 10), `worker_hart=`, `threshold=`.
    pub fn from_cmdline() -> Result<Params, &'static str> {
        let design = match cmdline::arg(keys::DESIGN) {
            None => Design::Sync,
            Some(name) => Design::parse(name).ok_or("unknown design")?,
        };
        let (c, rounds) = counts()?;
        if c > MAX_CONCURRENCY {
            return Err("c is larger than the ring (1024)");
        }
        let worker_hart = match cmdline::arg(keys::WORKER_HART) {
            None => None,
            Some(_) => Some(
                cmdline::number(keys::WORKER_HART, 0).map_err(|_| "worker_hart= is not a number")?
                    as usize,
            ),
        };
        let threshold = cmdline::number(keys::THRESHOLD, DEFAULT_THRESHOLD as u64)
            .map_err(|_| "threshold= is not a number")?;
        Ok(Params {
            design,
            c: c as usize,
            rounds,
            options: Options {
                worker_hart,
                threshold: threshold as usize,
            },
        })
    }
}

/// `c=` (default 1) and `rounds=` (default 10), both at least 1.
fn counts() -> Result<(u64, u64), &'static str> {
    let c = cmdline::number(keys::CONCURRENCY, 1).map_err(|_| "c= is not a number")?;
    let rounds = cmdline::number(keys::ROUNDS, 10).map_err(|_| "rounds= is not a number")?;
    if c == 0 || rounds == 0 {
        return Err("c and rounds must be at least 1");
    }
    Ok((c, rounds))
}

/// The parameters of the client/server benchmarks (bench-ipc, bench-echo,
/// bench-ipcu), which run one design only.
#[derive(Debug, Clone, Copy)]
pub struct PairParams {
    pub c: u64,
    pub rounds: u64,
    /// Bytes per message.
    pub payload: usize,
}

/// Why [`pair_params`] refused the command line.
enum PairError {
    OnlyDesign(Design),
    Counts(&'static str),
    PayloadNotANumber,
    PayloadRange(usize),
}

impl fmt::Display for PairError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PairError::OnlyDesign(d) => write!(f, "only design={} is supported", d.name()),
            PairError::Counts(why) => f.write_str(why),
            PairError::PayloadNotANumber => f.write_str("payload= is not a number"),
            PairError::PayloadRange(max) => write!(f, "payload must be 1..={max} bytes"),
        }
    }
}

/// `design=` (absent or `only`), `c=`, `rounds=` and `payload=` (default
/// 64, 1..=`max_payload`) from the command line; Err(2), the bad-parameter
/// exit code, after printing why as `name: ...`.
pub fn pair_params(name: &str, only: Design, max_payload: usize) -> Result<PairParams, i32> {
    let parse = || -> Result<PairParams, PairError> {
        match cmdline::arg(keys::DESIGN) {
            Some(d) if Design::parse(d) != Some(only) => return Err(PairError::OnlyDesign(only)),
            _ => {}
        }
        let (c, rounds) = counts().map_err(PairError::Counts)?;
        let payload =
            cmdline::number(keys::PAYLOAD, 64).map_err(|_| PairError::PayloadNotANumber)?;
        if payload == 0 || payload > max_payload as u64 {
            return Err(PairError::PayloadRange(max_payload));
        }
        Ok(PairParams {
            c,
            rounds,
            payload: payload as usize,
        })
    };
    parse().map_err(|e| {
        println!("{name}: {e}");
        2
    })
}

/// A wrong result: what was wrong and the value seen.
#[derive(Debug, Clone, Copy)]
pub struct Failure {
    pub what: &'static str,
    pub got: i64,
}

/// The first failure and the number of them.
#[derive(Default)]
struct Failures {
    count: Cell<u64>,
    first: Cell<Option<(usize, u64, Failure)>>,
}

/// Heap for `c` coroutines: their futures, wakers, call slots and the
/// vectors holding them peak at about 400 bytes each (`heap_peak=` in
/// the stats line: 205 KB at c=512).
fn heap_bytes(c: usize) -> usize {
    16 * 1024 + c * 512
}

/// The run's parameters from the command line, and a heap sized for
/// them; Err(exit code) after printing why not.
pub fn prepare(name: &str) -> Result<Params, i32> {
    let params = Params::from_cmdline().map_err(|e| {
        println!("{name}: {e}");
        2
    })?;
    heap::init(heap_bytes(params.c)).map_err(|e| {
        println!("{name}: no memory for the heap: {e}");
        5
    })?;
    Ok(params)
}

/// Runs `round(syscalls, coroutine, round)` in `params.c` coroutines for
/// `params.rounds` rounds; each round returns the number of syscalls it
/// made or the first wrong result. `name` and `label` go into the lines
/// printed (`NAME: design=D c=C rounds=RLABEL: N syscalls ok`; a label
/// starts with a space). Returns the exit code.
pub fn run<F, Fut>(name: &str, label: fmt::Arguments<'_>, params: &Params, round: F) -> i32
where
    F: Fn(Syscalls, usize, u64) -> Fut + 'static,
    Fut: Future<Output = Result<u64, Failure>> + 'static,
{
    let (calls, mut doorbell) = match syscalls::setup(params.design, params.options) {
        Ok(pair) => pair,
        Err(e) => {
            println!(
                "{name}: design {} is not available here: {e}",
                params.design.name()
            );
            return 3;
        }
    };
    let roi = match Roi::map() {
        Ok(roi) => Some(roi),
        Err(e) => {
            println!("{name}: no sim-control device ({e}), running unmeasured");
            None
        }
    };
    // Allocations for the calls happen here, not in the measured rounds.
    calls.reserve(params.c);
    let round = Rc::new(round);
    let failures = Rc::new(Failures::default());
    let syscalls_made = Rc::new(Cell::new(0u64));
    let barrier = Barrier::new(params.c);
    let mut executor = Executor::new();
    for coroutine in 0..params.c {
        let (round, failures, made, barrier, calls) = (
            round.clone(),
            failures.clone(),
            syscalls_made.clone(),
            barrier.clone(),
            calls.clone(),
        );
        let rounds = params.rounds;
        executor.spawn(async move {
            for r in 0..rounds {
                match round(calls.clone(), coroutine, r).await {
                    Ok(n) => made.set(made.get() + n),
                    Err(failure) => {
                        failures.count.set(failures.count.get() + 1);
                        if failures.first.get().is_none() {
                            failures.first.set(Some((coroutine, r, failure)));
                        }
                    }
                }
                barrier.wait().await;
            }
        });
    }
    if let Some(roi) = &roi {
        roi.begin();
    }
    let outcome = executor.run(&mut doorbell);
    if let Some(roi) = &roi {
        roi.end(Counts {
            syscalls: syscalls_made.get(),
            rounds: barrier.generation(),
            concurrency: params.c as u64,
        });
    }
    let stats = doorbell.stats();
    println!(
        "{name}: passes={} wakes={} enters={} waits={} notifications={} direct={} pushed={} heap_peak={}",
        executor.passes(),
        stats.wakes,
        stats.enters,
        stats.waits,
        notification::count(),
        stats.direct,
        stats.pushed,
        heap::peak()
    );
    if let Err(stalled) = outcome {
        let why = doorbell.error();
        match why {
            Some(error) => println!(
                "{name}: stopped with {} coroutines left: {error}",
                stalled.tasks_left
            ),
            None => println!(
                "{name}: stopped with {} coroutines left",
                stalled.tasks_left
            ),
        }
        return 4;
    }
    let stray = doorbell.stray_completions();
    if stray != 0 {
        println!("{name}: {stray} completions named no request");
        return 1;
    }
    if let Some((coroutine, r, failure)) = failures.first.get() {
        println!(
            "{name}: {} wrong results; first: coroutine {coroutine} round {r}: {} (got {:#x})",
            failures.count.get(),
            failure.what,
            failure.got
        );
        return 1;
    }
    if barrier.generation() != params.rounds {
        println!(
            "{name}: {} of {} rounds completed",
            barrier.generation(),
            params.rounds
        );
        return 1;
    }
    println!(
        "{name}: design={} c={} rounds={}{label}: {} syscalls ok",
        params.design.name(),
        params.c,
        params.rounds,
        syscalls_made.get()
    );
    0
}

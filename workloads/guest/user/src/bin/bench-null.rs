//! The null-syscall benchmark: `c` coroutines x `rounds` rounds of
//! getpid, the cheapest syscall, so the cost measured is the design's own
//! (trap, ring, notification). Parameters from the command line (see
//! `user::bench::Params`): `design=` (default sync), `c=` (default 1),
//! `rounds=` (default 10). Every result is checked against the pid read
//! before the region of interest. Exit codes as in `user::bench`.
#![no_std]
#![no_main]

use user::bench::{self, Failure};
use user::{entry, sys};

entry!(main);

fn main() -> i32 {
    let params = match bench::prepare("bench-null") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let pid = sys::getpid() as i64;
    bench::run(
        "bench-null",
        format_args!(""),
        &params,
        move |calls, _, _| async move {
            let got = calls.call(abi::nr::GETPID, [0; 6]).await;
            if got == pid {
                Ok(1)
            } else {
                Err(Failure {
                    what: "getpid is not the pid",
                    got,
                })
            }
        },
    )
}

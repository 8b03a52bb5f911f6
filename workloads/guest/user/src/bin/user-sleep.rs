//! Sleeps 5 ms three times; each time the clock must have advanced by at
//! least that much; a negative duration must get -EINVAL. Exits with the
//! number of the first failed check.
#![no_std]
#![no_main]

use user::{entry, println, sys};

entry!(main);

const SLEEP_MS: u64 = 5;
const ROUNDS: i32 = 3;
/// Nanoseconds a sleep may take: at least its length, at most a second
/// (a wrong clock or a lost wake-up shows up as a huge value).
const PLAUSIBLE_NS: core::ops::RangeInclusive<u64> = SLEEP_MS * 1_000_000..=1_000_000_000;

fn main() -> i32 {
    for round in 1..=ROUNDS {
        let before = sys::clock_ns();
        let ret = sys::sleep_ms(SLEEP_MS);
        let slept = sys::clock_ns().wrapping_sub(before);
        if ret != 0 || !PLAUSIBLE_NS.contains(&slept) {
            println!("sleep {round}: returned {ret} after {slept} ns");
            return round;
        }
        println!("sleep {round}: ok");
    }
    let negative = sys::syscall3(sys::SYS_NANOSLEEP, -1isize as usize, 0, 0);
    if negative != -sys::EINVAL {
        println!("sleep: nanosleep(-1) returned {negative}");
        return ROUNDS + 1;
    }
    0
}

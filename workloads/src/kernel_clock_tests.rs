//! Host tests of the guest kernel's tick/nanosecond conversions.

use crate::kernel_clock::{Clock, DEFAULT_TIMEBASE_HZ};

#[test]
fn converts_at_the_timebase_rate() {
    let clock = Clock::new(10_000_000);
    assert_eq!(clock.ticks_to_ns(1), 100);
    assert_eq!(clock.ticks_to_ns(10_000_000), 1_000_000_000);
    assert_eq!(clock.ns_to_ticks(5_000_000), 50_000);
    // Partial ticks round up: a sleep never ends early.
    assert_eq!(clock.ns_to_ticks(1), 1);
    assert_eq!(clock.ns_to_ticks(101), 2);
    assert_eq!(clock.ns_to_ticks(0), 0);
    let odd = Clock::new(3);
    assert_eq!(odd.ticks_to_ns(1), 333_333_333);
    assert_eq!(odd.ns_to_ticks(333_333_334), 2);
}

#[test]
fn zero_rate_means_the_default_and_large_values_saturate() {
    assert_eq!(Clock::new(0), Clock::new(DEFAULT_TIMEBASE_HZ));
    let fast = Clock::new(u64::MAX);
    assert_eq!(fast.ns_to_ticks(u64::MAX), u64::MAX);
    let slow = Clock::new(1);
    assert_eq!(slow.ticks_to_ns(u64::MAX), u64::MAX);
    assert_eq!(slow.ns_to_ticks(u64::MAX), u64::MAX.div_ceil(1_000_000_000));
}

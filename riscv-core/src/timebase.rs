//! The conversion between a hart's cycles and platform time (CLINT mtime,
//! the `time` CSR): mtime = cycles * timebase_hz / clock_hz, rounded down.

/// A core clock and the timebase that mtime counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeBase {
    /// mtime ticks per second (10 MHz on `virt`).
    pub timebase_hz: u64,
    /// Core cycles per second.
    pub clock_hz: u64,
}

impl TimeBase {
    /// mtime after `cycles` cycles (the timebase is never faster than the
    /// clock, so it fits).
    #[inline]
    pub fn mtime_at(&self, cycles: u64) -> u64 {
        (cycles as u128 * self.timebase_hz as u128 / self.clock_hz as u128) as u64
    }

    /// The first cycle at which mtime reaches `mtime` (saturating).
    #[inline]
    pub fn cycles_for_mtime(&self, mtime: u64) -> u64 {
        let c = (mtime as u128 * self.clock_hz as u128).div_ceil(self.timebase_hz as u128);
        c.min(u64::MAX as u128) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_for_mtime_is_the_first_cycle_at_that_time() {
        for (tb, clock) in [
            (10_000_000, 100_000_000),
            (10_000_000, 1_200_000_000),
            (3, 7),
        ] {
            let t = TimeBase {
                timebase_hz: tb,
                clock_hz: clock,
            };
            for mtime in [0, 1, 2, 9, 10, 11, 12345, 1 << 40] {
                let c = t.cycles_for_mtime(mtime);
                assert!(t.mtime_at(c) >= mtime, "{tb} {clock} {mtime}");
                assert!(c == 0 || t.mtime_at(c - 1) < mtime, "{tb} {clock} {mtime}");
            }
        }
        let t = TimeBase {
            timebase_hz: 10,
            clock_hz: 1000,
        };
        assert_eq!(t.cycles_for_mtime(u64::MAX), u64::MAX);
    }
}

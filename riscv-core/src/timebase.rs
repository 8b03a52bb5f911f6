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
    /// (In 64 bits while the product fits, which is for the first hours
    /// of simulated time: a 128-bit division is a library call, and the
    /// machine converts at every turn.)
    #[inline]
    pub fn mtime_at(&self, cycles: u64) -> u64 {
        match cycles.checked_mul(self.timebase_hz) {
            Some(product) => product / self.clock_hz,
            None => (cycles as u128 * self.timebase_hz as u128 / self.clock_hz as u128) as u64,
        }
    }

    /// The first cycle at which mtime reaches `mtime` (saturating).
    #[inline]
    pub fn cycles_for_mtime(&self, mtime: u64) -> u64 {
        if let Some(product) = mtime.checked_mul(self.clock_hz) {
            return product.div_ceil(self.timebase_hz);
        }
        let c = (mtime as u128 * self.clock_hz as u128).div_ceil(self.timebase_hz as u128);
        c.min(u64::MAX as u128) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 64-bit shortcut gives what 128-bit arithmetic gives, on both
    /// sides of where the product stops fitting.
    #[test]
    fn both_widths_agree() {
        for (tb, clock) in [
            (10_000_000u64, 100_000_000u64),
            (10_000_000, 1_200_000_000),
            (3, 7),
        ] {
            let t = TimeBase {
                timebase_hz: tb,
                clock_hz: clock,
            };
            let edge_cycles = u64::MAX / tb;
            let edge_mtime = u64::MAX / clock;
            for v in [
                0,
                1,
                12345,
                1 << 40,
                edge_cycles - 1,
                edge_cycles,
                edge_cycles + 1,
                u64::MAX,
            ] {
                let wide = (v as u128 * tb as u128 / clock as u128) as u64;
                assert_eq!(t.mtime_at(v), wide, "{tb} {clock} {v}");
            }
            for m in [
                0,
                1,
                12345,
                1 << 30,
                edge_mtime - 1,
                edge_mtime,
                edge_mtime + 1,
                u64::MAX,
            ] {
                let wide = (m as u128 * clock as u128)
                    .div_ceil(tb as u128)
                    .min(u64::MAX as u128) as u64;
                assert_eq!(t.cycles_for_mtime(m), wide, "{tb} {clock} {m}");
            }
        }
    }

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

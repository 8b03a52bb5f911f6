//! Which harts' L1s may hold a line, so that a store searches only their
//! caches for copies to invalidate instead of every other hart's.
//!
//! Lines are grouped into buckets by the low bits of their address above
//! the largest L1 line (each line of either L1 falls in one bucket). Per
//! bucket the table counts, for each hart, the lines of the bucket its
//! L1I and L1D hold, and how many harts hold any.
//!
//! Why it is exact: the memory system reports every line entering an L1
//! (a fill) and every line leaving one (an eviction, clean or dirty, and
//! an invalidation), so a hart's count is the number of its L1 lines in
//! the bucket. A hart holding the line therefore has a nonzero count: no
//! copy is ever missed. A nonzero count from other lines of the bucket
//! only costs a search that finds nothing, which changes no state.

/// Buckets per line an L1 pair holds: few enough lines per bucket that a
/// hart holding none of a bucket is the common case.
const BUCKETS_PER_LINE: usize = 8;
const MIN_BUCKETS: usize = 1024;
const MAX_BUCKETS: usize = 1 << 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sharers {
    /// Address bits below a bucket's (the largest L1 line).
    shift: u32,
    mask: u64,
    /// One row per bucket: the number of harts holding lines of it, then
    /// per hart the number of such lines.
    rows: Vec<u32>,
    width: usize,
}

impl Sharers {
    /// An empty table for `harts` harts whose L1s together hold
    /// `lines_per_hart` lines of at most `1 << line_shift` bytes.
    pub fn new(harts: usize, line_shift: u32, lines_per_hart: usize) -> Self {
        let buckets = (lines_per_hart * BUCKETS_PER_LINE)
            .next_power_of_two()
            .clamp(MIN_BUCKETS, MAX_BUCKETS);
        let width = harts + 1;
        Sharers {
            shift: line_shift,
            mask: buckets as u64 - 1,
            rows: vec![0; buckets * width],
            width,
        }
    }

    #[inline(always)]
    fn row(&self, addr: u64) -> usize {
        ((addr >> self.shift) & self.mask) as usize * self.width
    }

    /// Whether a hart other than `hart` may hold the line of `addr`.
    #[inline(always)]
    pub fn others_may_hold(&self, hart: usize, addr: u64) -> bool {
        let row = &self.rows[self.row(addr)..][..self.width];
        row[0] > u32::from(row[1 + hart] != 0)
    }

    /// Whether `hart` may hold the line of `addr`.
    #[inline(always)]
    pub fn may_hold(&self, hart: usize, addr: u64) -> bool {
        self.rows[self.row(addr) + 1 + hart] != 0
    }

    /// A line holding `addr` entered one of `hart`'s L1s.
    #[inline]
    pub fn added(&mut self, hart: usize, addr: u64) {
        let row = self.row(addr);
        let lines = &mut self.rows[row + 1 + hart];
        *lines += 1;
        if *lines == 1 {
            self.rows[row] += 1;
        }
    }

    /// A line holding `addr` left one of `hart`'s L1s.
    #[inline]
    pub fn removed(&mut self, hart: usize, addr: u64) {
        let row = self.row(addr);
        let lines = &mut self.rows[row + 1 + hart];
        *lines -= 1;
        if *lines == 0 {
            self.rows[row] -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_lines_in_and_out() {
        let mut s = Sharers::new(3, 6, 16);
        let (a, b) = (0x1000, 0x1000 + 64 * MIN_BUCKETS as u64);
        assert!(!s.others_may_hold(0, a) && !s.may_hold(1, a));
        // Hart 1 holds A in both L1s, hart 2 holds B (A's bucket).
        s.added(1, a);
        s.added(1, a + 8);
        s.added(2, b);
        assert!(s.others_may_hold(0, a));
        assert!(s.others_may_hold(1, a), "hart 2, a false positive");
        s.removed(2, b);
        assert!(!s.others_may_hold(1, a) && s.others_may_hold(2, a));
        s.removed(1, a);
        assert!(s.may_hold(1, a), "the other copy is still there");
        s.removed(1, a);
        assert!(!s.may_hold(1, a) && !s.others_may_hold(0, a));
        assert!(s.rows.iter().all(|&n| n == 0));
    }
}

//! Which page sizes a TLB lookup must search for: per page size (all but
//! the largest), a count of the TLB's entries of that size in each bucket
//! of the next larger pages (hashed by their page number). A lookup probes
//! sizes from the smallest up; a zero count says no entry of that size
//! can map the address, so the probe is skipped without a search.
//!
//! Why it is exact: the TLB reports every entry it adds and every entry it
//! drops (evicted or flushed), so a count is the number of entries of its
//! size whose larger page falls in its bucket. An entry mapping an address
//! lies in the address's larger page, so its count is nonzero; a probe
//! skipped would have missed, and a missed probe changes nothing (no
//! replacement update). Kernel superpages thus no longer cost a search of
//! the 4 KiB entries first, unless a 4 KiB entry shares their bucket.

/// Sizes with a count (the largest has no larger page to bucket by).
const SIZES: usize = 3;
/// Buckets of larger pages per size.
const BUCKETS: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageFilter {
    counts: [[u32; BUCKETS]; SIZES],
}

impl PageFilter {
    pub fn new() -> Self {
        PageFilter {
            counts: [[0; BUCKETS]; SIZES],
        }
    }

    /// Whether an entry of size index `size` may lie in the larger page
    /// numbered `region` (false: none does).
    #[inline(always)]
    pub fn may_hold(&self, size: usize, region: u64) -> bool {
        size >= SIZES || self.counts[size][region as usize % BUCKETS] != 0
    }

    /// An entry of size `size` in larger page `region` was added.
    #[inline]
    pub fn added(&mut self, size: usize, region: u64) {
        if size < SIZES {
            self.counts[size][region as usize % BUCKETS] += 1;
        }
    }

    /// An entry of size `size` in larger page `region` was dropped.
    #[inline]
    pub fn removed(&mut self, size: usize, region: u64) {
        if size < SIZES {
            self.counts[size][region as usize % BUCKETS] -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_which_sizes_may_hold_a_page() {
        let mut f = PageFilter::new();
        assert!(
            !f.may_hold(0, 5) && f.may_hold(SIZES, 5),
            "the largest size is always searched"
        );
        f.added(0, 5);
        f.added(0, 5);
        f.added(1, 7);
        assert!(
            f.may_hold(0, 5) && f.may_hold(0, 5 + BUCKETS as u64),
            "a shared bucket"
        );
        assert!(!f.may_hold(0, 6) && !f.may_hold(1, 5) && f.may_hold(1, 7));
        f.removed(0, 5);
        assert!(f.may_hold(0, 5));
        f.removed(0, 5);
        assert!(!f.may_hold(0, 5));
    }
}

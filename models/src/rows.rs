//! The storage of a set-associative structure: one row of words per set
//! (its ways' tags, then its replacement state), with rows laid out so
//! that a small set is one host cache line. A lookup then costs one host
//! cache miss at most, which is what bounds the model's speed when the
//! simulated caches are larger than the host's.

use crate::config::ReplacementPolicy;
use crate::replacement::Replacement;

/// Host cache line size in words.
const HOST_LINE_WORDS: usize = 8;

/// The tag of an empty way (no structure stores it as a tag).
pub const INVALID: u64 = u64::MAX;

#[derive(Debug)]
pub struct Rows {
    /// A few words longer than needed, so that `start` can be aligned.
    buf: Vec<u64>,
    /// Index in `buf` of the first row, on a host cache line boundary.
    start: usize,
    stride: usize,
    len: usize,
}

impl Rows {
    /// `sets` rows of `width` words each, every word `fill`. Rows of up to
    /// a host line are padded to a power of two (never straddling two
    /// lines), longer ones to whole lines.
    pub fn new(sets: usize, width: usize, fill: u64) -> Self {
        let stride = if width <= HOST_LINE_WORDS {
            width.next_power_of_two()
        } else {
            width.next_multiple_of(HOST_LINE_WORDS)
        };
        Self::with_stride(sets * stride, stride, fill)
    }

    fn with_stride(len: usize, stride: usize, fill: u64) -> Self {
        let buf = vec![fill; len + HOST_LINE_WORDS - 1];
        let misalign = (buf.as_ptr() as usize / 8) % HOST_LINE_WORDS;
        let start = (HOST_LINE_WORDS - misalign) % HOST_LINE_WORDS;
        Rows {
            buf,
            start,
            stride,
            len,
        }
    }

    /// Words between the starts of two rows.
    #[inline(always)]
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Every word, rows in order (padding included).
    #[inline(always)]
    pub fn words(&self) -> &[u64] {
        &self.buf[self.start..self.start + self.len]
    }

    #[inline(always)]
    pub fn words_mut(&mut self) -> &mut [u64] {
        &mut self.buf[self.start..self.start + self.len]
    }

    /// Word `index` of [`Rows::words`].
    #[inline(always)]
    pub fn word_mut(&mut self, index: usize) -> &mut u64 {
        &mut self.buf[self.start + index]
    }

    /// Row `set`, `width` words of it.
    #[inline(always)]
    pub fn row_mut(&mut self, set: usize, width: usize) -> &mut [u64] {
        let base = self.start + set * self.stride;
        &mut self.buf[base..base + width]
    }

    #[inline(always)]
    pub fn row(&self, set: usize, width: usize) -> &[u64] {
        let base = self.start + set * self.stride;
        &self.buf[base..base + width]
    }
}

/// The first of `tags` that `holds` the tag searched for, if any: a
/// linear search, four ways a step (fewer loop tests for the 4 to 32 ways
/// of a set).
#[inline(always)]
pub fn find_way(tags: &[u64], holds: impl Fn(u64) -> bool) -> Option<usize> {
    let mut chunks = tags.chunks_exact(4);
    let mut base = 0;
    for c in &mut chunks {
        for (i, &t) in c.iter().enumerate() {
            if holds(t) {
                return Some(base + i);
            }
        }
        base += 4;
    }
    let rest = chunks.remainder().iter().position(|&t| holds(t));
    rest.map(|way| base + way)
}

/// The sets of a set-associative structure (a cache, a TLB): per set its
/// ways' tags, every way empty at first, then its replacement state, in
/// one row of [`Rows`].
#[derive(Clone, Debug)]
pub struct Sets {
    rows: Rows,
    ways: usize,
    /// Tags plus replacement state: the used part of a row.
    width: usize,
    repl: Replacement,
}

impl Sets {
    pub fn new(sets: usize, ways: usize, policy: ReplacementPolicy, seed: u64) -> Self {
        let repl = Replacement::new(policy, ways, seed);
        let width = ways + repl.state_words();
        let mut rows = Rows::new(sets, width, INVALID);
        for set in 0..sets {
            repl.reset(&mut rows.row_mut(set, width)[ways..]);
        }
        Sets {
            rows,
            ways,
            width,
            repl,
        }
    }

    /// Set `set`'s tags and replacement state, and the policy that keeps
    /// the state.
    #[inline(always)]
    pub fn set_mut(&mut self, set: usize) -> (&mut [u64], &mut [u64], &mut Replacement) {
        let (tags, state) = self.rows.row_mut(set, self.width).split_at_mut(self.ways);
        (tags, state, &mut self.repl)
    }

    /// Set `set`'s tags.
    #[inline(always)]
    pub fn tags(&self, set: usize) -> &[u64] {
        self.rows.row(set, self.ways)
    }

    #[inline(always)]
    pub fn tags_mut(&mut self, set: usize) -> &mut [u64] {
        self.rows.row_mut(set, self.ways)
    }

    /// Where way `way` of set `set` is, for [`Sets::tag_at`].
    #[inline(always)]
    pub fn slot(&self, set: usize, way: usize) -> usize {
        set * self.rows.stride() + way
    }

    /// The tag at `slot` (from [`Sets::slot`]).
    #[inline(always)]
    pub fn tag_at(&mut self, slot: usize) -> &mut u64 {
        self.rows.word_mut(slot)
    }
}

/// A clone is aligned anew (its buffer lives elsewhere).
impl Clone for Rows {
    fn clone(&self) -> Self {
        let mut rows = Self::with_stride(self.len, self.stride, 0);
        rows.words_mut().copy_from_slice(self.words());
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_way_is_a_linear_search() {
        for len in 0..=13 {
            let tags: Vec<u64> = (0..len).map(|w| w % 5).collect();
            for key in 0..6 {
                let expected = tags.iter().position(|&t| t == key);
                assert_eq!(find_way(&tags, |t| t == key), expected, "{len} ways, {key}");
            }
        }
    }

    #[test]
    fn rows_are_host_line_aligned_and_padded() {
        for (width, stride) in [(4, 4), (5, 8), (8, 8), (9, 16), (33, 40)] {
            let mut r = Rows::new(16, width, 7);
            assert_eq!(r.stride(), stride);
            assert_eq!(r.words().len(), 16 * stride);
            let first = r.row(0, width).as_ptr() as usize;
            assert_eq!(first % 64, 0, "width {width}");
            r.row_mut(3, width)[width - 1] = 1;
            let c = r.clone();
            assert_eq!(c.row(0, width).as_ptr() as usize % 64, 0);
            assert_eq!(c.words(), r.words());
            assert_eq!(c.row(3, width)[width - 1], 1);
        }
    }
}

//! The storage of a set-associative structure: one row of words per set
//! (its ways' tags, then its replacement state), with rows laid out so
//! that a small set is one host cache line. A lookup then costs one host
//! cache miss at most, which is what bounds the model's speed when the
//! simulated caches are larger than the host's.

/// Host cache line size in words.
const HOST_LINE_WORDS: usize = 8;

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

//! Check 160: a sort and a hash over 4 KiB with a constant computed on the
//! host (xorshift64 fill, ascending sort, FNV-1a 64 over little-endian bytes).

use crate::checks::Checks;
use core::hint::black_box;

const N: usize = 1024;
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
const EXPECTED_HASH: u64 = 0xe8ed_5380_2c74_589c;

pub fn run(c: &mut Checks) {
    let mut v = [0u32; N];
    let mut state = black_box(SEED);
    for x in v.iter_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *x = (state >> 32) as u32;
    }
    v.sort_unstable();
    let sorted = v.windows(2).all(|w| w[0] <= w[1]);
    check!(c, 160, sorted, true);
    check!(c, 160, v[0], 0xa_2eb0);
    check!(c, 160, v[N - 1], 0xff4b_cf65u32);
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in v.iter().flat_map(|x| x.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    check!(c, 160, hash, EXPECTED_HASH);
}

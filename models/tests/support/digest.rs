//! A digest of a whole stats tree, for tests that pin exact numbers.

use sim_core::Stats;

/// FNV-1a over every name and value, in the tree's order.
pub fn digest(stats: &Stats) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for (name, value) in stats.iter() {
        for b in name.bytes().chain(value.to_le_bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

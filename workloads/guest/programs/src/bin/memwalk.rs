//! Branchy, memory-heavy benchmark over a 4 MiB buffer of u32 (~100M
//! instructions), every phase checked against host-computed results:
//! 1. Sattolo shuffle: a random single-cycle permutation (random swaps).
//! 2. Two pointer-chasing walks of the cycle; each must return to its
//!    start after exactly N steps (exit 1), hashing the indices visited.
//! 3. Refill with random words and sort the first quarter (exit 2 if not
//!    sorted).
//! 4. Branchy binary searches in the sorted quarter for half-present,
//!    half-random keys (exit 3).
//! 5. Hash of the walks and the whole buffer against a constant (exit 4).
#![no_std]
#![no_main]

use rt::{entry, println};

/// Words in the buffer: 4 MiB.
const N: usize = 1 << 20;
/// Words sorted and searched (a full 4 MiB sort would take ~250M instructions).
const SORTED: usize = N / 4;
const SEARCHES: usize = 1 << 16;
const SEED: u64 = 0x2545_f491_4f6c_dd1d;
const WANT_HITS: u64 = 32_755;
const WANT_HASH: u64 = 0x7749_b330_ba82_1358;

/// Not zeroed at boot (`.uninit`): every phase writes before it reads.
#[link_section = ".uninit.memwalk"]
static mut BUFFER: [u32; N] = [0; N];

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn fnv(hash: u64, word: u64) -> u64 {
    (hash ^ word).wrapping_mul(0x0000_0100_0000_01b3)
}

entry!(main);

fn main(hart: usize, _harts: usize) -> i32 {
    if hart != 0 {
        return 0;
    }
    // SAFETY: only hart 0 runs this, and nothing else refers to BUFFER.
    let buf: &mut [u32; N] = unsafe { &mut *core::ptr::addr_of_mut!(BUFFER) };
    let mut rng = XorShift(core::hint::black_box(SEED));
    let mut hash = 0xcbf2_9ce4_8422_2325u64;

    for (i, slot) in buf.iter_mut().enumerate() {
        *slot = i as u32;
    }
    for i in (1..N).rev() {
        let j = (rng.next() % i as u64) as usize;
        buf.swap(i, j);
    }
    for start in [0, N / 2] {
        let mut at = start;
        let mut steps = 0usize;
        loop {
            at = buf[at] as usize;
            hash = fnv(hash, at as u64);
            steps += 1;
            if at == start || steps > N {
                break;
            }
        }
        if steps != N {
            println!("memwalk: FAILED walk from {start}: cycle of {steps}, want {N}");
            return 1;
        }
    }

    for slot in buf.iter_mut() {
        *slot = (rng.next() >> 32) as u32;
    }
    let sorted = &mut buf[..SORTED];
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] > w[1]) {
        println!("memwalk: FAILED sort");
        return 2;
    }

    let mut hits = 0u64;
    for _ in 0..SEARCHES {
        let r = rng.next();
        let key = if r & 1 == 0 {
            sorted[((r >> 1) % SORTED as u64) as usize]
        } else {
            (r >> 32) as u32
        };
        if contains(sorted, key) {
            hits += 1;
        }
    }
    if hits != WANT_HITS {
        println!("memwalk: FAILED search: {hits} hits, want {WANT_HITS}");
        return 3;
    }

    for &word in buf.iter() {
        hash = fnv(hash, u64::from(word));
    }
    println!(
        "memwalk: words={N} hits={hits} hash={hash:#x} instret={}",
        rt::instret()
    );
    if hash != WANT_HASH {
        println!("memwalk: FAILED hash, want {WANT_HASH:#x}");
        return 4;
    }
    println!("memwalk: ok");
    0
}

/// Classic branchy binary search in a sorted slice.
fn contains(sorted: &[u32], key: u32) -> bool {
    let (mut lo, mut hi) = (0usize, sorted.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let v = sorted[mid];
        if v == key {
            return true;
        } else if v < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    false
}

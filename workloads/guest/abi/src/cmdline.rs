//! The kernel command line (`/chosen/bootargs`): whitespace-separated
//! words, `key=value` for parameters. The kernel passes it whole to every
//! process (a0 = address, a1 = length at entry), so a benchmark reads its
//! parameters (`design=`, `c=`, `rounds=` ...) from the same line that
//! named it in `init=`.

/// The value of the first `key=value` word, if any.
pub fn get<'a>(cmdline: &'a str, key: &str) -> Option<&'a str> {
    cmdline.split_ascii_whitespace().find_map(|word| {
        let (k, v) = word.split_once('=')?;
        (k == key).then_some(v)
    })
}

/// The value of `key` as a decimal (or `0x` hex) number; `None` if absent
/// or not a number.
pub fn get_u64(cmdline: &str, key: &str) -> Option<u64> {
    let value = get(cmdline, key)?;
    match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => value.parse().ok(),
    }
}

/// Command-line keys of the benchmark programs.
pub mod keys {
    /// The syscall design ([`crate::design::Design`] name).
    pub const DESIGN: &str = "design";
    /// Submitting coroutines per process.
    pub const CONCURRENCY: &str = "c";
    /// Rounds to run.
    pub const ROUNDS: &str = "rounds";
    /// Which syscall a round makes (benchmark-specific names).
    pub const KIND: &str = "kind";
    /// Payload bytes per request.
    pub const PAYLOAD: &str = "payload";
    /// The hart of the kernel worker (async designs), default: same hart.
    pub const WORKER_HART: &str = "worker_hart";
    /// The adaptive design's switch-over point (calls in flight).
    pub const THRESHOLD: &str = "threshold";
    /// bench-ipcu's client leaves after this many rounds (tests only).
    pub const LEAVE_AFTER: &str = "leave_after";

    /// What a user may add to a syscall benchmark's command line (`null`,
    /// `seed`) beside design, c and rounds.
    pub const SYSCALL_BENCH: &[&str] = &[WORKER_HART, THRESHOLD];
    /// The same for `seed`, which also picks the call pair.
    pub const SEED_BENCH: &[&str] = &[WORKER_HART, THRESHOLD, KIND, PAYLOAD];
    /// The same for the client/server pairs (`ipc`, `echo`).
    pub const PAIR_BENCH: &[&str] = &[PAYLOAD];
    /// The same for `ipcu`.
    pub const IPCU_BENCH: &[&str] = &[PAYLOAD, LEAVE_AFTER];
}

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
}

//! The schema of a preset: every number the timing model uses, grouped as
//! in the TOML files of `models/presets/`. Latencies are in core cycles.
//!
//! Conventions the numbers follow (so a preset can be filled in from a
//! datasheet):
//! - `core.*` class costs are issue cycles of an instruction whose operands
//!   are ready and whose memory access hits the L1 (a fully pipelined
//!   instruction costs 1).
//! - A cache's `hit_latency` is the load-to-use latency of an access served
//!   by that level; `dram.latency` that of an access that misses the L2. The
//!   pipeline hides an L1 hit, so an access stalls the in-order core for
//!   `served latency - L1 hit latency`.
//! - `trap.*`, `mmu.*` and `uintr.*` costs are extra cycles on top of the
//!   class cost of the instruction involved (an `mret` also costs
//!   `core.system`).

use serde::{Deserialize, Serialize};

use crate::error::ModelError;

/// Upper bounds that keep a mistyped override from allocating gigabytes.
const MAX_CACHE_KIB: u32 = 1 << 20;
const MAX_BPRED_ENTRIES: u32 = 1 << 24;
const MAX_TLB_ENTRIES: u32 = 1 << 16;

/// A complete timing configuration, as read from a preset file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub name: String,
    pub description: String,
    /// Core clock: the machine's timer (mtime, the `time` CSR) advances
    /// at timebase / clock per modeled cycle.
    pub clock_mhz: u64,
    /// Seed of the random replacement policy (runs stay deterministic).
    pub seed: u64,
    pub core: CoreConfig,
    pub bpred: BpredConfig,
    pub l1i: CacheConfig,
    pub l1d: CacheConfig,
    pub l2: CacheConfig,
    pub dram: DramConfig,
    pub itlb: TlbConfig,
    pub dtlb: TlbConfig,
    pub mmu: MmuConfig,
    pub trap: TrapConfig,
    pub uintr: UintrConfig,
}

/// Issue cycles per instruction class, and the pipeline's redirect costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreConfig {
    pub alu: u32,
    pub mul: u32,
    pub div: u32,
    pub load: u32,
    pub store: u32,
    pub amo: u32,
    pub branch: u32,
    pub jump: u32,
    pub csr: u32,
    pub fence: u32,
    pub system: u32,
    pub fp_arith: u32,
    pub fp_div_sqrt: u32,
    pub fp_load: u32,
    pub fp_store: u32,
    pub uintr: u32,
    /// Bubble of a correctly predicted taken branch or a jump (front-end
    /// redirect); 0 if the fetch unit hides it.
    pub taken_redirect: u32,
    /// Extra cycles of a mispredicted conditional branch.
    pub mispredict_penalty: u32,
    /// Cycles to refill the pipeline after a trap or an xRET.
    pub pipeline_flush: u32,
    /// Bubble of an instruction that reads a register written by the load
    /// (or AMO, LR, SC) right before it, the L1 hit being on time.
    pub load_use_stall: u32,
}

/// Direction predictor for conditional branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PredictorKind {
    /// Table of 2-bit counters indexed by pc.
    Bimodal,
    /// Table of 2-bit counters indexed by pc XOR global history.
    Gshare,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BpredConfig {
    pub kind: PredictorKind,
    /// Number of 2-bit counters (a power of two).
    pub entries: u32,
    /// Global history length in bits (gshare only; 0..=30).
    pub history_bits: u32,
}

/// Which line of a full set a cache or TLB evicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplacementPolicy {
    /// Least recently used.
    Lru,
    /// Tree pseudo-LRU (ways must be a power of two, at most 64).
    Plru,
    /// Uniformly random from the preset's seed.
    Random,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheConfig {
    pub size_kib: u32,
    pub ways: u32,
    pub line_bytes: u32,
    pub hit_latency: u32,
    pub replacement: ReplacementPolicy,
    /// Cycles the core waits to push a dirty victim to the next level.
    pub writeback_cycles: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DramConfig {
    /// Load-to-use latency of an access that misses the L2.
    pub latency: u32,
    /// Latency of an uncached access (a device register), when the
    /// integration tells the model which addresses are cacheable.
    pub uncached_latency: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlbConfig {
    pub entries: u32,
    /// Associativity; equal to `entries` for a fully associative TLB.
    pub ways: u32,
    pub replacement: ReplacementPolicy,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MmuConfig {
    /// ASID bits the TLBs tag entries with; 0 = no ASIDs, so every
    /// address-space switch flushes the TLBs. The CLI gives the simulated
    /// harts the same satp.ASID width, which the guest kernel probes.
    pub asid_bits: u32,
    /// Cost of a model TLB miss when the functional core reported no walk
    /// for it (its own TLB still held the translation).
    pub walk_latency: u32,
    /// Extra cycles of an `sfence.vma`-like TLB flush.
    pub flush_cycles: u32,
    /// Extra cycles of an address-space switch (satp write).
    pub satp_switch_cycles: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrapConfig {
    /// Trap entry (exception or interrupt) before the handler's first fetch,
    /// besides the pipeline flush.
    pub entry_cycles: u32,
    /// mret/sret/uret, besides the pipeline flush and the System class cost.
    pub xret_cycles: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UintrConfig {
    /// The uncached store of a SEND to the controller.
    pub send_store_cycles: u32,
    /// Controller and interconnect latency a SEND waits for.
    pub interconnect_cycles: u32,
    /// Pipeline drain before a running receiver is redirected to its
    /// user trap vector.
    pub delivery_cycles: u32,
}

/// The fastest clock a preset may name: far above any core's, and low
/// enough that the clock in Hz and the timer's conversions stay in range.
pub const MAX_CLOCK_MHZ: u64 = 1_000_000;

impl Preset {
    /// Mixes a run's seed (a sweep's `seeds`, `asyncsim run --seed`) into
    /// the preset's own: the model's random state (random replacement)
    /// differs from seed to seed, seed 0 keeps the preset's, and distinct
    /// seeds give distinct states (multiplying by an odd constant is a
    /// bijection).
    pub fn reseed(&mut self, run_seed: u64) {
        self.seed = self
            .seed
            .wrapping_add(run_seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    }

    /// The fewest cycles in which one hart's action can reach another on
    /// this core: a store seen by another hart's load through the shared
    /// L2 (`l2.hit_latency`), a store to a device (`dram.uncached_latency`,
    /// as an IPI through the CLINT), a UIPI (`uintr.send_store_cycles` +
    /// `uintr.interconnect_cycles`); at least 1. It is the lookahead of
    /// conservative parallel simulation: the harness's default quantum, so
    /// no hart runs further ahead of another than that.
    pub fn cross_hart_latency(&self) -> u64 {
        let uintr =
            u64::from(self.uintr.send_store_cycles) + u64::from(self.uintr.interconnect_cycles);
        u64::from(self.l2.hit_latency)
            .min(self.dram.uncached_latency.into())
            .min(uintr)
            .max(1)
    }

    /// Checks that the numbers describe a model that can be built.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.clock_mhz == 0 || self.clock_mhz > MAX_CLOCK_MHZ {
            return Err(invalid(
                "clock_mhz",
                &format!("from 1 to {MAX_CLOCK_MHZ} (1 THz)"),
            ));
        }
        self.bpred.validate()?;
        self.l1i.validate("l1i")?;
        self.l1d.validate("l1d")?;
        self.l2.validate("l2")?;
        self.itlb.validate("itlb")?;
        self.dtlb.validate("dtlb")?;
        if self.mmu.asid_bits > 16 {
            return Err(invalid("mmu.asid_bits", "at most 16"));
        }
        Ok(())
    }
}

impl BpredConfig {
    fn validate(&self) -> Result<(), ModelError> {
        if !self.entries.is_power_of_two() || self.entries > MAX_BPRED_ENTRIES {
            return Err(invalid("bpred.entries", "a power of two, at most 16777216"));
        }
        if self.history_bits > 30 {
            return Err(invalid("bpred.history_bits", "at most 30"));
        }
        Ok(())
    }
}

impl CacheConfig {
    /// Number of sets (valid only after `validate`).
    pub fn sets(&self) -> usize {
        (self.size_kib as usize * 1024) / (self.line_bytes as usize * self.ways as usize)
    }

    fn validate(&self, name: &str) -> Result<(), ModelError> {
        let key = |k: &str| format!("{name}.{k}");
        if !self.line_bytes.is_power_of_two() || self.line_bytes < 8 {
            return Err(invalid(&key("line_bytes"), "a power of two, at least 8"));
        }
        if self.ways == 0 {
            return Err(invalid(&key("ways"), "must be positive"));
        }
        if self.size_kib > MAX_CACHE_KIB {
            return Err(invalid(&key("size_kib"), "at most 1048576 (1 GiB)"));
        }
        let bytes = self.size_kib as u64 * 1024;
        let set_bytes = self.line_bytes as u64 * self.ways as u64;
        if bytes == 0 || !bytes.is_multiple_of(set_bytes) || !(bytes / set_bytes).is_power_of_two()
        {
            return Err(invalid(
                &key("size_kib"),
                "size / (ways * line_bytes) must be a power-of-two number of sets",
            ));
        }
        check_policy(&key("replacement"), self.replacement, self.ways)
    }
}

impl TlbConfig {
    /// Number of sets (valid only after `validate`).
    pub fn sets(&self) -> usize {
        (self.entries / self.ways) as usize
    }

    fn validate(&self, name: &str) -> Result<(), ModelError> {
        let key = |k: &str| format!("{name}.{k}");
        if self.entries > MAX_TLB_ENTRIES {
            return Err(invalid(&key("entries"), "at most 65536"));
        }
        if self.ways == 0 || self.entries == 0 || !self.entries.is_multiple_of(self.ways) {
            return Err(invalid(
                &key("ways"),
                "entries must be a positive multiple of ways",
            ));
        }
        if !(self.entries / self.ways).is_power_of_two() {
            return Err(invalid(
                &key("entries"),
                "entries / ways must be a power of two",
            ));
        }
        check_policy(&key("replacement"), self.replacement, self.ways)
    }
}

fn check_policy(key: &str, policy: ReplacementPolicy, ways: u32) -> Result<(), ModelError> {
    if policy == ReplacementPolicy::Plru && (!ways.is_power_of_two() || ways > 64) {
        return Err(invalid(
            key,
            "plru needs a power-of-two number of ways <= 64",
        ));
    }
    if ways > 64 {
        return Err(invalid(key, "at most 64 ways"));
    }
    Ok(())
}

fn invalid(key: &str, reason: &str) -> ModelError {
    ModelError::Invalid {
        key: key.to_string(),
        reason: reason.to_string(),
    }
}

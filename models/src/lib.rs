//! Timing models of asyncsim: an in-order core (class costs, branch
//! prediction), private L1I/L1D and a shared L2 with DRAM, TLBs with page
//! walks through the caches, trap, address-space and UINTR costs. They
//! consume [`sim_core::TimingSink`] events and never see instruction
//! encodings. Configured by presets ([`Preset`]), TOML files with the
//! source of every number, overridable key by key.
//!
//! ```
//! use models::{Preset, TimingModel};
//! let mut preset = Preset::load("rocket-fpga").unwrap();
//! preset.apply_override("l1d.size_kib", "32").unwrap();
//! let model = TimingModel::new(&preset, 4).unwrap();
//! assert_eq!(model.cycles(0), 0);
//! ```

pub mod bpred;
pub mod cache;
pub mod config;
pub mod cpi;
pub mod error;
mod hart;
mod line_filter;
pub mod memory;
pub mod model;
mod page_filter;
mod page_hints;
pub mod per_mode;
mod preset;
pub mod replacement;
pub mod rng;
mod rows;
mod sharers;
mod stats;
pub mod tlb;

pub use config::{
    BpredConfig, CacheConfig, CoreConfig, DramConfig, MmuConfig, PredictorKind, Preset,
    ReplacementPolicy, TlbConfig, TrapConfig, UintrConfig,
};
pub use error::ModelError;
pub use hart::HartCounters;
pub use model::{ModelHart, TimingModel};
pub use per_mode::PerMode;

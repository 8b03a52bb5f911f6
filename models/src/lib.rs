//! Timing models (caches, TLBs, branch prediction, CPI, trap and UINTR
//! costs). They consume [`sim_core::TimingSink`] events and never see
//! instruction encodings. Populated by the timing-model issue.

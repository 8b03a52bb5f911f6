//! Result schema, aggregation, baselines and plots of asyncsim:
//! - [`record`]: a sweep point's configuration and outcome (one line of
//!   `results.jsonl`), [`results_file`]: reading and appending that file;
//! - [`grid`]: sweep definitions (CLI lists or TOML) expanded into points,
//!   and shards of them;
//! - [`summary`]: means/spreads over seeds, speedup vs sync, crossovers,
//!   as CSV, JSON, Markdown and LaTeX;
//! - [`plot`]: the figures (SVG + PNG);
//! - [`baseline`]: the regression gate of `asyncsim check`.

pub mod baseline;
pub mod grid;
pub mod plot;
pub mod record;
pub mod results_file;
pub mod summary;

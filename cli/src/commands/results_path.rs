//! Where a command finds `results.jsonl`: a file given directly, or the
//! one inside a given output directory.

use std::path::{Path, PathBuf};

/// The results file a sweep writes into its output directory.
pub const RESULTS_FILE: &str = "results.jsonl";

/// `path` itself if it is a file, else `path/results.jsonl`.
pub fn results_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join(RESULTS_FILE)
    } else {
        path.to_owned()
    }
}

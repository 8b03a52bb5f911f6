//! `results.jsonl`: one [`PointRecord`] per line, appended as each point
//! finishes. Each record is written with one `write` on a file opened for
//! appending and then synced, so an interrupted sweep leaves at most a
//! torn last line, which reading skips (and the point runs again).

use crate::record::PointRecord;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a results file cannot be used.
#[derive(Debug)]
pub enum ResultsError {
    Io(PathBuf, io::Error),
    /// A line that is not a record, other than a torn last line.
    Malformed {
        path: PathBuf,
        line: usize,
        error: String,
    },
}

impl std::fmt::Display for ResultsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResultsError::Io(path, e) => write!(f, "{}: {e}", path.display()),
            ResultsError::Malformed { path, line, error } => {
                write!(f, "{}:{line}: not a result record: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for ResultsError {}

/// The records of `path` (none if it does not exist). A last line without
/// its newline that does not parse is the remains of an interrupted write
/// and is skipped; any other bad line is an error.
pub fn read_results(path: &Path) -> Result<Vec<PointRecord>, ResultsError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ResultsError::Io(path.to_owned(), e)),
    };
    parse_results(&text, path)
}

/// [`read_results`] on text already read (`path` names it in errors).
pub fn parse_results(text: &str, path: &Path) -> Result<Vec<PointRecord>, ResultsError> {
    let torn_tail = !text.is_empty() && !text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    let mut records = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<PointRecord>(line) {
            Ok(record) => records.push(record),
            Err(_) if torn_tail && i + 1 == lines.len() => {}
            Err(e) => {
                return Err(ResultsError::Malformed {
                    path: path.to_owned(),
                    line: i + 1,
                    error: e.to_string(),
                })
            }
        }
    }
    Ok(records)
}

/// An open results file that records are appended to.
pub struct ResultsWriter {
    path: PathBuf,
    file: File,
}

impl ResultsWriter {
    /// Opens (creating) `path` for appending. If the file ends in a torn
    /// line (an interrupted write), that line is cut off first, so the next
    /// record starts clean; its point simply runs again.
    pub fn open(path: &Path) -> Result<ResultsWriter, ResultsError> {
        let io_err = |e| ResultsError::Io(path.to_owned(), e);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(io_err)?;
        let text = std::fs::read(path).map_err(io_err)?;
        if !text.is_empty() && text.last() != Some(&b'\n') {
            let keep = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            file.set_len(keep as u64).map_err(io_err)?;
        }
        Ok(ResultsWriter {
            path: path.to_owned(),
            file,
        })
    }

    /// Appends `record` as one line, in one write, and syncs it to disk.
    pub fn append(&mut self, record: &PointRecord) -> Result<(), ResultsError> {
        let mut line = serde_json::to_string(record).expect("records always serialize");
        line.push('\n');
        let io_err = |e| ResultsError::Io(self.path.clone(), e);
        self.file.write_all(line.as_bytes()).map_err(io_err)?;
        self.file.sync_data().map_err(io_err)
    }
}

/// Writes `records` to `path` as a fresh file (for merge), atomically:
/// a temporary file beside it, then a rename.
pub fn write_results(path: &Path, records: &[PointRecord]) -> Result<(), ResultsError> {
    let tmp = path.with_extension("jsonl.tmp");
    let io_err = |e| ResultsError::Io(path.to_owned(), e);
    let mut text = String::new();
    for record in records {
        text.push_str(&serde_json::to_string(record).expect("records always serialize"));
        text.push('\n');
    }
    std::fs::write(&tmp, text).map_err(io_err)?;
    std::fs::rename(&tmp, path).map_err(io_err)
}

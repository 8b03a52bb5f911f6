//! The one error type of the crate: everything a user can get wrong when
//! choosing a preset or overriding one of its numbers.

use std::fmt;

/// Why a preset could not be loaded, overridden or turned into a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// No preset of that name is built in.
    UnknownPreset {
        name: String,
        available: Vec<String>,
    },
    /// A preset file is not valid TOML or does not match the schema.
    Parse { preset: String, message: String },
    /// An override names a key the preset does not have; `known` lists
    /// the keys where it went astray (sections as `name.*`).
    UnknownKey { key: String, known: Vec<String> },
    /// An override's value cannot be read as the key's type.
    BadValue {
        key: String,
        value: String,
        expected: String,
    },
    /// The numbers parse but do not describe a buildable model.
    Invalid { key: String, reason: String },
    /// `--set` text without `=`.
    MalformedOverride { text: String },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::UnknownPreset { name, available } => write!(
                f,
                "unknown preset `{name}` (available: {})",
                available.join(", ")
            ),
            ModelError::Parse { preset, message } => {
                write!(f, "preset `{preset}` is malformed: {message}")
            }
            ModelError::UnknownKey { key, known } => write!(
                f,
                "unknown preset key `{key}` (keys there: {})",
                known.join(", ")
            ),
            ModelError::BadValue {
                key,
                value,
                expected,
            } => write!(f, "bad value `{value}` for `{key}`: expected {expected}"),
            ModelError::Invalid { key, reason } => write!(f, "invalid `{key}`: {reason}"),
            ModelError::MalformedOverride { text } => {
                write!(f, "override `{text}` is not of the form key=value")
            }
        }
    }
}

impl std::error::Error for ModelError {}

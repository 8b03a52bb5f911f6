//! Built-in presets (TOML files embedded in the binary) and `key=value`
//! overrides of any of their numbers.

use crate::config::Preset;
use crate::error::ModelError;

/// The presets shipped in `models/presets/`, embedded so the binary needs
/// no data files at run time.
const BUILT_IN: &[(&str, &str)] = &[
    ("rocket-fpga", include_str!("../presets/rocket-fpga.toml")),
    ("sifive-u74", include_str!("../presets/sifive-u74.toml")),
];

impl Preset {
    /// Names of the built-in presets, in a stable order.
    pub fn names() -> Vec<&'static str> {
        BUILT_IN.iter().map(|(name, _)| *name).collect()
    }

    /// Loads a built-in preset by name.
    pub fn load(name: &str) -> Result<Preset, ModelError> {
        let text = BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
            .ok_or_else(|| ModelError::UnknownPreset {
                name: name.to_string(),
                available: Self::names().iter().map(|s| s.to_string()).collect(),
            })?;
        Self::from_toml(name, text)
    }

    /// Parses and validates preset text; `origin` names it in errors.
    pub fn from_toml(origin: &str, text: &str) -> Result<Preset, ModelError> {
        let preset: Preset = toml::from_str(text).map_err(|e| ModelError::Parse {
            preset: origin.to_string(),
            message: e.message().to_string(),
        })?;
        preset.validate()?;
        Ok(preset)
    }

    /// Replaces the number (or name) at a dotted key, e.g.
    /// `apply_override("l1d.size_kib", "64")`. The value is read with the
    /// type the key already has; the result must still validate, else the
    /// preset is left unchanged.
    pub fn apply_override(&mut self, key: &str, value: &str) -> Result<(), ModelError> {
        let mut tree = toml::Table::try_from(&*self).map_err(|e| ModelError::Parse {
            preset: self.name.clone(),
            message: e.to_string(),
        })?;
        let slot = setting(&mut tree, key)?;
        *slot = parse_like(slot, key, value)?;
        // The schema still rejects what only it knows: a name outside an
        // enumeration, or a number too large for its field.
        let updated: Preset =
            toml::Value::Table(tree)
                .try_into()
                .map_err(|e: toml::de::Error| ModelError::BadValue {
                    key: key.to_string(),
                    value: value.to_string(),
                    expected: e.message().trim().to_string(),
                })?;
        updated.validate()?;
        *self = updated;
        Ok(())
    }

    /// Applies `key=value` texts in order (the CLI's `--set`).
    pub fn apply_overrides<'a>(
        &mut self,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), ModelError> {
        for text in texts {
            let (key, value) =
                text.split_once('=')
                    .ok_or_else(|| ModelError::MalformedOverride {
                        text: text.to_string(),
                    })?;
            self.apply_override(key.trim(), value.trim())?;
        }
        Ok(())
    }
}

/// Reads `value` as the same TOML type as `current`.
fn parse_like(current: &toml::Value, key: &str, value: &str) -> Result<toml::Value, ModelError> {
    let bad = |expected: &str| ModelError::BadValue {
        key: key.to_string(),
        value: value.to_string(),
        expected: expected.to_string(),
    };
    Ok(match current {
        toml::Value::Integer(_) => {
            let n: i64 = value.parse().map_err(|_| bad("a non-negative integer"))?;
            if n < 0 {
                return Err(bad("a non-negative integer"));
            }
            toml::Value::Integer(n)
        }
        toml::Value::Boolean(_) => {
            toml::Value::Boolean(value.parse().map_err(|_| bad("true or false"))?)
        }
        toml::Value::Float(_) => toml::Value::Float(value.parse().map_err(|_| bad("a number"))?),
        toml::Value::String(_) => toml::Value::String(value.to_string()),
        // Tables (sections) never get here; a preset has no arrays or dates.
        _ => return Err(bad("no value: this key is not a setting")),
    })
}

/// The value at dotted `key` in `tree`, if it is a setting (not a
/// section).
fn setting<'t>(tree: &'t mut toml::Table, key: &str) -> Result<&'t mut toml::Value, ModelError> {
    let parts: Vec<&str> = key.split('.').collect();
    let (leaf, path) = parts.split_last().expect("split yields a part");
    // Looked up read-only first, so that a miss can name what is there.
    let mut table = &*tree;
    let mut prefix = String::new();
    for part in path {
        match table.get(*part) {
            Some(toml::Value::Table(t)) => table = t,
            _ => return Err(unknown_key(key, &prefix, table)),
        }
        prefix = format!("{prefix}{part}.");
    }
    if matches!(table.get(*leaf), None | Some(toml::Value::Table(_))) {
        return Err(unknown_key(key, &prefix, table));
    }
    let mut table = tree;
    for part in path {
        table = table
            .get_mut(*part)
            .and_then(toml::Value::as_table_mut)
            .expect("a section, as found above");
    }
    Ok(table.get_mut(*leaf).expect("a setting, as found above"))
}

/// The error for `key`, which is not a setting: it names the keys of the
/// table it went astray in (at dotted `prefix`), so that the user sees
/// what is there (sections as `name.*`).
fn unknown_key(key: &str, prefix: &str, table: &toml::Table) -> ModelError {
    let known = table
        .iter()
        .map(|(name, value)| match value {
            toml::Value::Table(_) => format!("{prefix}{name}.*"),
            _ => format!("{prefix}{name}"),
        })
        .collect();
    ModelError::UnknownKey {
        key: key.to_string(),
        known,
    }
}

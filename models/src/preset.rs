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
        let unknown = || ModelError::UnknownKey {
            key: key.to_string(),
        };
        let (path, leaf) = match key.rsplit_once('.') {
            Some((path, leaf)) => (Some(path), leaf),
            None => (None, key),
        };
        let mut table = &mut tree;
        for part in path.into_iter().flat_map(|p| p.split('.')) {
            table = match table.get_mut(part) {
                Some(toml::Value::Table(t)) => t,
                _ => return Err(unknown()),
            };
        }
        let slot = table.get_mut(leaf).ok_or_else(unknown)?;
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
        // Tables are sections, not settings.
        _ => {
            return Err(ModelError::UnknownKey {
                key: key.to_string(),
            })
        }
    })
}

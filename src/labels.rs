//! The label inventory (`models/labels.toml`): intents, slots and BIO tags.

use std::path::Path;

/// Errors from reading a label file.
#[derive(Debug, thiserror::Error)]
pub enum LabelsError {
    /// The file could not be read.
    #[error("cannot read labels {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong, with line and column.
        message: String,
    },
    /// A list is empty or repeats a name.
    #[error("{path}: {what}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        what: String,
    },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelsFile {
    version: u32,
    intents: Vec<String>,
    slots: Vec<String>,
}

/// Intents and slots in model output order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// Format version of the file.
    pub version: u32,
    /// Intent names; the index is the intent class id.
    pub intents: Vec<String>,
    /// Slot names; slot `s` has tags `B = 1 + 2s` and `I = 2 + 2s`; tag 0 is `O`.
    pub slots: Vec<String>,
}

impl Labels {
    /// Parses the text of a label file; `path` only names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, LabelsError> {
        let file: LabelsFile =
            toml::from_str(text).map_err(|e| LabelsError::Parse { path: path.into(), message: e.to_string() })?;
        for (what, names) in [("intents", &file.intents), ("slots", &file.slots)] {
            if names.is_empty() {
                return Err(LabelsError::Invalid { path: path.into(), what: format!("`{what}` is empty") });
            }
            let mut seen = std::collections::HashSet::new();
            for name in names {
                if !seen.insert(name) {
                    return Err(LabelsError::Invalid {
                        path: path.into(),
                        what: format!("`{what}` lists {name:?} twice"),
                    });
                }
            }
        }
        Ok(Labels { version: file.version, intents: file.intents, slots: file.slots })
    }

    /// Reads a label file.
    pub fn load(path: &Path) -> Result<Self, LabelsError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LabelsError::Read { path: shown.clone(), source })?;
        Self::parse(&text, &shown)
    }

    /// The class id of an intent.
    pub fn intent_id(&self, name: &str) -> Option<usize> {
        self.intents.iter().position(|i| i == name)
    }

    /// The index of a slot.
    pub fn slot_id(&self, name: &str) -> Option<usize> {
        self.slots.iter().position(|s| s == name)
    }

    /// Number of BIO tags: `O` plus B and I per slot.
    pub fn n_tags(&self) -> usize {
        1 + 2 * self.slots.len()
    }

    /// Tag names in tag id order: `O`, `B-device`, `I-device`, ...
    pub fn tag_names(&self) -> Vec<String> {
        let mut names = vec!["O".to_string()];
        for slot in &self.slots {
            names.push(format!("B-{slot}"));
            names.push(format!("I-{slot}"));
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_labels_parse() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/labels.toml");
        let labels = Labels::load(&path).unwrap();
        assert_eq!(labels.intents.len(), 53);
        assert_eq!(labels.tag_names()[1], "B-device");
        assert_eq!(labels.n_tags(), labels.tag_names().len());
    }

    #[test]
    fn bad_files_name_the_problem() {
        let err = Labels::parse("version = 1\nintents = [\"a\", \"a\"]\nslots = [\"s\"]\n", "l.toml").unwrap_err();
        assert!(err.to_string().contains("\"a\" twice"), "{err}");
        let err = Labels::parse("version = 1\nintents = [\"a\"\n", "l.toml").unwrap_err();
        assert!(err.to_string().starts_with("l.toml: "), "{err}");
        assert!(err.to_string().contains("line"), "{err}");
    }
}

//! `model.toml`: which files make up a model and how to use them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The manifest of a model folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// The model file the runtime loads, relative to the folder: NNEF
    /// (`.nnef.tgz`), or ONNX (`.onnx`) in builds with the `onnx` feature.
    #[serde(alias = "onnx")]
    pub model: String,
    /// The vocabulary file.
    pub vocab: String,
    /// Number of tokens in the vocabulary the model was trained with.
    pub vocab_size: usize,
    /// The label file.
    pub labels: String,
    /// Below this intent confidence an utterance counts as not understood.
    pub threshold: f32,
    /// Whether the tokeniser drops stop words for this model.
    pub remove_stop_words: bool,
}

/// Errors from reading a manifest.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a valid manifest.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong, with line and column.
        message: String,
    },
}

impl Manifest {
    /// The manifest's file name inside a model folder.
    pub const FILE: &'static str = "model.toml";

    /// Reads `dir/model.toml`.
    pub fn load(dir: &Path) -> Result<Self, ManifestError> {
        let path = dir.join(Self::FILE);
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(&path).map_err(|source| ManifestError::Read { path: shown.clone(), source })?;
        toml::from_str(&text).map_err(|e| ManifestError::Parse { path: shown, message: e.to_string() })
    }

    /// The TOML text of the manifest.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// A file of the manifest, resolved against its folder.
    pub fn resolve(dir: &Path, file: &str) -> PathBuf {
        dir.join(file)
    }
}

//! Calibration and evaluation sets in the shared JSONL format, and the
//! tokeniser of a model folder that turns their text into token ids.

use std::path::Path;

use hearth::nlu::{Manifest, NluError};
use hearth::text::{Tokenizer, TokenizerOptions, Vocab};
use serde::Deserialize;

use crate::error::{QuantError, Result};

/// A gold slot: code-point span and label.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GoldSlot {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Slot name.
    pub label: String,
}

/// One line of a JSONL set: `{"text", "intent", "slots", "lang", ...}`.
/// Calibration reads only `text`; evaluation also needs `intent`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Utterance {
    /// The utterance.
    pub text: String,
    /// The gold intent, if labelled.
    #[serde(default)]
    pub intent: Option<String>,
    /// The gold slots.
    #[serde(default)]
    pub slots: Vec<GoldSlot>,
    /// `en` or `zh`, if given.
    #[serde(default)]
    pub lang: Option<String>,
}

/// Reads a JSONL set. Every non-blank line must be a JSON object with a string
/// `text`; with `labelled`, also an `intent`. Errors name the file and line; a
/// file without any utterance is an error too.
pub fn read_utterances(path: &Path, labelled: bool) -> Result<Vec<Utterance>> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| QuantError::io(path, e))?;
    let mut out = Vec::new();
    for (idx, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| QuantError::Data { path: shown.clone(), line: idx + 1, message };
        let utterance: Utterance = serde_json::from_str(line).map_err(|e| {
            bad(format!("not a JSONL utterance ({{\"text\": ..., \"intent\": ..., \"slots\": [...]}}): {e}"))
        })?;
        if labelled && utterance.intent.is_none() {
            return Err(bad("no \"intent\": evaluation needs labelled utterances".into()));
        }
        let n_chars = utterance.text.chars().count();
        if let Some(s) = utterance.slots.iter().find(|s| s.start >= s.end || s.end > n_chars) {
            return Err(bad(format!(
                "slot {:?} spans {}..{}, outside the text of {n_chars} characters",
                s.label, s.start, s.end
            )));
        }
        out.push(utterance);
    }
    if out.is_empty() {
        return Err(QuantError::Data { path: shown, line: 0, message: "no utterances".into() });
    }
    Ok(out)
}

/// The tokeniser of the model folder `dir` (its `model.toml` and vocabulary).
pub fn tokenizer(dir: &Path) -> Result<Tokenizer> {
    let what = format!("reading the model folder {}", dir.display());
    let nlu = |source: NluError| QuantError::Nlu { what: what.clone(), source };
    let manifest = Manifest::load(dir).map_err(|e| nlu(e.into()))?;
    let vocab = Vocab::load(&Manifest::resolve(dir, &manifest.vocab)).map_err(|e| nlu(e.into()))?;
    Ok(Tokenizer::new(vocab, TokenizerOptions { remove_stop_words: manifest.remove_stop_words }))
}

/// Token ids of each utterance with at least one token.
pub fn token_ids(tokenizer: &Tokenizer, utterances: &[Utterance]) -> Vec<Vec<i64>> {
    utterances
        .iter()
        .map(|u| tokenizer.encode(&u.text).iter().map(|t| i64::from(t.id)).collect::<Vec<_>>())
        .filter(|ids| !ids.is_empty())
        .collect()
}

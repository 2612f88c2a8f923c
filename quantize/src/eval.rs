//! Accuracy of a model folder with an ONNX override, through the runtime's own
//! `Nlu`: intent accuracy and CoNLL span F1 (label and both ends exact) against
//! the gold labels of a JSONL set.

use std::path::Path;

use hearth::bio::{SlotSpan, trim_span};
use hearth::nlu::Nlu;
use serde::Serialize;

use crate::data::Utterance;
use crate::error::{QuantError, Result};

/// Scores of one model on one set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Utterances scored.
    pub n: usize,
    /// Share with the gold intent, in percent.
    pub intent_accuracy: f64,
    /// Span precision, in percent.
    pub slot_precision: f64,
    /// Span recall, in percent.
    pub slot_recall: f64,
    /// Span F1, in percent.
    pub slot_f1: f64,
}

/// What one model predicted for each utterance: intent and sorted spans.
pub type Predictions = Vec<(String, Vec<(String, usize, usize)>)>;

/// Loads the model folder `dir` with `onnx` in place of its own network.
pub fn load(dir: &Path, onnx: &Path) -> Result<Nlu> {
    Nlu::load(dir, Some(onnx)).map_err(|source| QuantError::Nlu {
        what: format!("loading {} with {}", dir.display(), onnx.display()),
        source,
    })
}

/// Parses every utterance with `nlu`.
pub fn predict(nlu: &Nlu, utterances: &[Utterance]) -> Result<Predictions> {
    utterances
        .iter()
        .map(|u| {
            let parse = nlu
                .parse(&u.text)
                .map_err(|source| QuantError::Nlu { what: format!("parsing {:?}", u.text), source })?;
            let mut spans: Vec<_> = parse.slots.into_iter().map(|s| (s.label, s.start, s.end)).collect();
            spans.sort();
            Ok((parse.intent, spans))
        })
        .collect()
}

/// The gold spans of an utterance, trimmed of white space like the trainer's.
fn gold(u: &Utterance) -> Vec<(String, usize, usize)> {
    let chars: Vec<char> = u.text.chars().collect();
    let mut spans: Vec<_> = u
        .slots
        .iter()
        .filter_map(|s| {
            trim_span(&chars, SlotSpan { slot: 0, start: s.start, end: s.end })
                .map(|t| (s.label.clone(), t.start, t.end))
        })
        .collect();
    spans.sort();
    spans
}

/// Scores `predictions` against the gold labels of `utterances`.
pub fn score(utterances: &[Utterance], predictions: &Predictions) -> Scores {
    let (mut correct, mut tp, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize, 0usize);
    for (u, (intent, spans)) in utterances.iter().zip(predictions) {
        if u.intent.as_deref() == Some(intent.as_str()) {
            correct += 1;
        }
        let mut gold = gold(u);
        n_gold += gold.len();
        n_pred += spans.len();
        for span in spans {
            if let Some(pos) = gold.iter().position(|g| g == span) {
                gold.swap_remove(pos);
                tp += 1;
            }
        }
    }
    let pct = |a: usize, b: usize| if b == 0 { 0.0 } else { 100.0 * a as f64 / b as f64 };
    let (p, r) = (pct(tp, n_pred), pct(tp, n_gold));
    Scores {
        n: utterances.len(),
        intent_accuracy: pct(correct, utterances.len()),
        slot_precision: p,
        slot_recall: r,
        slot_f1: if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 },
    }
}

/// Share of utterances (percent) on which two models agree on the intent, and
/// on the intent and every span.
pub fn agreement(a: &Predictions, b: &Predictions) -> (f64, f64) {
    let n = a.len().max(1) as f64;
    let intents = a.iter().zip(b).filter(|(x, y)| x.0 == y.0).count() as f64;
    let exact = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64;
    (100.0 * intents / n, 100.0 * exact / n)
}

//! Scores: intent accuracy, CoNLL span F1, exact match, per intent and slot,
//! the confusion matrix, per language.

use std::collections::BTreeMap;

use hearth::labels::Labels;
use hearth::text::Lang;
use serde::Serialize;

use crate::data::Example;
use crate::dataset::{example_lang, gold_spans};
use crate::predict::Prediction;

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClassScore {
    /// Intent or slot name.
    pub name: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Gold count.
    pub support: usize,
}

/// Scores of predictions against gold examples.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metrics {
    /// Number of utterances.
    pub n: usize,
    /// Share of utterances with the right intent.
    pub intent_accuracy: f64,
    /// Span precision (label and both ends exact).
    pub slot_precision: f64,
    /// Span recall.
    pub slot_recall: f64,
    /// Span F1, as CoNLL scores it.
    pub slot_f1: f64,
    /// Share of utterances with the right intent and exactly the right spans.
    pub exact_match: f64,
    /// Per intent (only intents with gold or predicted examples).
    pub per_intent: Vec<ClassScore>,
    /// Per slot.
    pub per_slot: Vec<ClassScore>,
    /// `confusion[gold][predicted]` over all intents of the label set.
    pub confusion: Vec<Vec<usize>>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn score(&self, name: &str) -> ClassScore {
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        ClassScore { name: name.to_string(), precision, recall, f1, support: self.tp + self.fn_ }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Scores `predictions` (in the order of `examples`).
pub fn score(examples: &[Example], predictions: &[Prediction], labels: &Labels) -> anyhow::Result<Metrics> {
    let n_intents = labels.intents.len();
    let mut confusion = vec![vec![0usize; n_intents]; n_intents];
    let mut intent_counts = vec![Counts::default(); n_intents];
    let mut slot_counts = vec![Counts::default(); labels.slots.len()];
    let (mut correct, mut exact) = (0, 0);
    let mut all = Counts::default();
    for (example, prediction) in examples.iter().zip(predictions) {
        let gold =
            labels.intent_id(&example.intent).ok_or_else(|| anyhow::anyhow!("unknown intent {:?}", example.intent))?;
        confusion[gold][prediction.intent] += 1;
        if gold == prediction.intent {
            correct += 1;
            intent_counts[gold].tp += 1;
        } else {
            intent_counts[gold].fn_ += 1;
            intent_counts[prediction.intent].fp += 1;
        }
        let gold_spans = gold_spans(example, labels)?;
        let mut predicted = prediction.spans.clone();
        predicted.sort();
        for span in &predicted {
            if gold_spans.contains(span) {
                slot_counts[span.slot].tp += 1;
                all.tp += 1;
            } else {
                slot_counts[span.slot].fp += 1;
                all.fp += 1;
            }
        }
        for span in gold_spans.iter().filter(|s| !predicted.contains(s)) {
            slot_counts[span.slot].fn_ += 1;
            all.fn_ += 1;
        }
        if gold == prediction.intent && gold_spans == predicted {
            exact += 1;
        }
    }
    let n = examples.len();
    let overall = all.score("all");
    let keep = |c: &&Counts| c.tp + c.fp + c.fn_ > 0;
    Ok(Metrics {
        n,
        intent_accuracy: ratio(correct, n),
        slot_precision: overall.precision,
        slot_recall: overall.recall,
        slot_f1: overall.f1,
        exact_match: ratio(exact, n),
        per_intent: intent_counts
            .iter()
            .zip(&labels.intents)
            .filter(|(c, _)| keep(c))
            .map(|(c, name)| c.score(name))
            .collect(),
        per_slot: slot_counts
            .iter()
            .zip(&labels.slots)
            .filter(|(c, _)| keep(c))
            .map(|(c, name)| c.score(name))
            .collect(),
        confusion,
    })
}

/// Scores overall and per language.
pub fn score_by_lang(
    examples: &[Example],
    predictions: &[Prediction],
    labels: &Labels,
) -> anyhow::Result<BTreeMap<String, Metrics>> {
    let mut out = BTreeMap::new();
    out.insert("all".to_string(), score(examples, predictions, labels)?);
    for lang in Lang::ALL {
        let (ex, pred): (Vec<Example>, Vec<Prediction>) = examples
            .iter()
            .zip(predictions)
            .filter(|(e, _)| example_lang(e) == lang)
            .map(|(e, p)| (e.clone(), p.clone()))
            .unzip();
        if !ex.is_empty() {
            out.insert(lang.code().to_string(), score(&ex, &pred, labels)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Span;
    use hearth::bio::SlotSpan;

    #[test]
    fn conll_span_scores() {
        let labels = Labels::parse("version = 1\nintents = [\"a\", \"b\"]\nslots = [\"x\", \"y\"]\n", "l").unwrap();
        let example = |intent: &str, slots: Vec<Span>| Example {
            text: "one two three".into(),
            intent: intent.into(),
            slots,
            lang: Some("en".into()),
            template: None,
        };
        let examples = vec![
            example("a", vec![Span { start: 0, end: 3, label: "x".into() }]),
            example("b", vec![Span { start: 4, end: 13, label: "y".into() }]),
        ];
        let prediction =
            |intent, spans: Vec<SlotSpan>| Prediction { intent, confidence: 1.0, spans, embedding: vec![] };
        let predictions = vec![
            prediction(0, vec![SlotSpan { slot: 0, start: 0, end: 3 }]),
            prediction(0, vec![SlotSpan { slot: 1, start: 4, end: 7 }]),
        ];
        let m = score(&examples, &predictions, &labels).unwrap();
        assert_eq!(m.intent_accuracy, 0.5);
        assert_eq!((m.slot_precision, m.slot_recall), (0.5, 0.5));
        assert_eq!(m.exact_match, 0.5);
        assert_eq!(m.confusion[1][0], 1);
    }
}

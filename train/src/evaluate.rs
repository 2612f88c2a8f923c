//! The `eval` command: any model folder, run by tract, on any JSONL data.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use hearth::bio::SlotSpan;
use hearth::nlu::Nlu;
use hearth::text::{PieceKind, TokenizerOptions, words};

use crate::data::{Example, read_jsonl};
use crate::metrics::{Metrics, score_by_lang};
use crate::predict::Prediction;

/// Metrics per file, then per language (`all`, `en`, `zh`).
pub type FileMetrics = BTreeMap<String, BTreeMap<String, Metrics>>;

/// The words (English) and characters (Chinese) of a set of training files,
/// normalised as the tokeniser sees them: what a model trained on those files
/// has met at least once.
#[derive(Debug, Default)]
pub struct Seen {
    words: HashSet<String>,
}

impl Seen {
    /// Every word and CJK character of every utterance in `files`.
    pub fn from_files(files: &[PathBuf]) -> anyhow::Result<Self> {
        let mut seen = Seen::default();
        for file in files {
            for example in read_jsonl(file)? {
                seen.add(&example.text);
            }
        }
        Ok(seen)
    }

    /// Adds the words of `text`.
    pub fn add(&mut self, text: &str) {
        for word in words(text, TokenizerOptions::default()) {
            if matches!(word.kind, PieceKind::Word | PieceKind::Cjk) {
                self.words.insert(word.text);
            }
        }
    }

    /// The words of `example` outside its slots that were never seen: the
    /// wording that carries the request, as opposed to the values in it.
    pub fn new_carrier_words(&self, example: &Example) -> Vec<String> {
        words(&example.text, TokenizerOptions::default())
            .into_iter()
            .filter(|w| matches!(w.kind, PieceKind::Word | PieceKind::Cjk))
            .filter(|w| !example.slots.iter().any(|s| w.start < s.end && s.start < w.end))
            .filter(|w| !self.words.contains(&w.text))
            .map(|w| w.text)
            .collect()
    }
}

/// Scores the model in `model_dir` on each file. Examples whose intent or
/// slot the model does not know count as errors (an unknown intent is never
/// predicted; an unknown slot is never found). With `seen`, each language is
/// also scored apart on the utterances with and without a carrier word that
/// `seen` lacks (`en, new words` and `en, known words`).
pub fn evaluate_files(
    model_dir: &Path,
    onnx: Option<&Path>,
    files: &[PathBuf],
    errors: Option<&mut Vec<String>>,
    seen: Option<&Seen>,
) -> anyhow::Result<FileMetrics> {
    let mut errors = errors;
    let nlu = Nlu::load(model_dir, onnx).with_context(|| format!("loading {}", model_dir.display()))?;
    let mut labels = nlu.labels().clone();
    let mut out = BTreeMap::new();
    for file in files {
        let examples = read_jsonl(file)?;
        for example in &examples {
            if labels.intent_id(&example.intent).is_none() {
                labels.intents.push(example.intent.clone());
            }
            for span in &example.slots {
                if labels.slot_id(&span.label).is_none() {
                    labels.slots.push(span.label.clone());
                }
            }
        }
        let mut predictions = Vec::with_capacity(examples.len());
        for example in &examples {
            let parse = nlu.parse(&example.text)?;
            let spans = parse
                .slots
                .iter()
                .filter_map(|s| labels.slot_id(&s.label).map(|slot| SlotSpan { slot, start: s.start, end: s.end }))
                .collect();
            let intent = labels.intent_id(&parse.intent).unwrap_or(0);
            if let Some(errors) = errors.as_deref_mut() {
                let found: Vec<String> = parse.slots.iter().map(|s| format!("{}={:?}", s.label, s.value)).collect();
                let gold: Vec<String> =
                    example.slots.iter().map(|s| format!("{}={:?}", s.label, example.span_text(s))).collect();
                if parse.intent != example.intent || found != gold {
                    errors.push(format!(
                        "{}\t{:?}\tgold {} [{}]\tfound {} [{}]",
                        example.template.as_deref().unwrap_or("-"),
                        example.text,
                        example.intent,
                        gold.join(", "),
                        parse.intent,
                        found.join(", ")
                    ));
                }
            }
            predictions.push(Prediction { intent, confidence: parse.confidence, spans, embedding: parse.embedding });
        }
        let mut by_lang = score_by_lang(&examples, &predictions, &labels)?;
        if let Some(seen) = seen {
            let new: Vec<bool> = examples.iter().map(|e| !seen.new_carrier_words(e).is_empty()).collect();
            for (want, name) in [(true, "new words"), (false, "known words")] {
                let (ex, pred): (Vec<Example>, Vec<Prediction>) = examples
                    .iter()
                    .zip(&predictions)
                    .zip(&new)
                    .filter(|(_, is_new)| **is_new == want)
                    .map(|((e, p), _)| (e.clone(), p.clone()))
                    .unzip();
                if ex.is_empty() {
                    continue;
                }
                for (lang, metrics) in score_by_lang(&ex, &pred, &labels)? {
                    if lang != "all" {
                        by_lang.insert(format!("{lang}, {name}"), metrics);
                    }
                }
            }
        }
        out.insert(file.display().to_string(), by_lang);
    }
    Ok(out)
}

/// A Markdown table of file metrics.
pub fn table(results: &FileMetrics) -> String {
    let mut out = String::from("| data | lang | n | intent acc | slot F1 | exact |\n|---|---|---|---|---|---|\n");
    for (file, by_lang) in results {
        for (lang, m) in by_lang {
            let _ = writeln!(
                out,
                "| {file} | {lang} | {} | {:.2} | {:.2} | {:.2} |",
                m.n,
                100.0 * m.intent_accuracy,
                100.0 * m.slot_f1,
                100.0 * m.exact_match
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Span;

    fn example(text: &str, slots: &[(usize, usize)]) -> Example {
        Example {
            text: text.into(),
            intent: "turn_on".into(),
            slots: slots.iter().map(|&(start, end)| Span { start, end, label: "device".into() }).collect(),
            lang: None,
            template: None,
        }
    }

    #[test]
    fn new_carrier_words_skip_slots_numbers_and_case() {
        let mut seen = Seen::default();
        seen.add("Turn on the lamp");
        seen.add("打开灯");
        // "kettle" is a slot value, "5" a number: neither carries the request.
        let e = example("kindly TURN on the kettle for 5 minutes", &[(19, 25)]);
        assert_eq!(seen.new_carrier_words(&e), ["kindly", "for", "minutes"]);
        let e = example("请打开台灯", &[(3, 5)]);
        assert_eq!(seen.new_carrier_words(&e), ["请"]);
        assert!(seen.new_carrier_words(&example("turn on the lamp", &[])).is_empty());
    }
}

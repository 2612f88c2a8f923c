//! The `eval` command: any model folder, run by tract, on any JSONL data.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use hearth::bio::SlotSpan;
use hearth::nlu::Nlu;

use crate::data::read_jsonl;
use crate::metrics::{Metrics, score_by_lang};
use crate::predict::Prediction;

/// Metrics per file, then per language (`all`, `en`, `zh`).
pub type FileMetrics = BTreeMap<String, BTreeMap<String, Metrics>>;

/// Scores the model in `model_dir` on each file. Examples whose intent or
/// slot the model does not know count as errors (an unknown intent is never
/// predicted; an unknown slot is never found).
pub fn evaluate_files(
    model_dir: &Path,
    onnx: Option<&Path>,
    files: &[PathBuf],
    errors: Option<&mut Vec<String>>,
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
        out.insert(file.display().to_string(), score_by_lang(&examples, &predictions, &labels)?);
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

//! The training report: `metrics.json` and a short `report.md`.

use std::fmt::Write;
use std::path::Path;

use hearth::labels::Labels;

use crate::data::write_atomic;
use crate::pipeline::TrainReport;
use crate::plots::{plot_confusion, plot_history};

/// Writes `dir/metrics.json`, `dir/report.md`, and the plots
/// `dir/history.png` and `dir/confusion-test.png` (intent names from `labels`).
pub fn write_report(report: &TrainReport, labels: &Labels, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    write_atomic(&dir.join("metrics.json"), serde_json::to_string_pretty(report)?.as_bytes())?;
    write_atomic(&dir.join("report.md"), markdown(report).as_bytes())?;
    plot_history(&report.history, &dir.join("history.png"))?;
    if let Some(test) = report.metrics.get("test").and_then(|m| m.get("all")) {
        plot_confusion(&test.confusion, &labels.intents, &dir.join("confusion-test.png"))?;
    }
    Ok(())
}

/// The Markdown summary of a report.
pub fn markdown(report: &TrainReport) -> String {
    let mut out = String::new();
    let c = &report.config;
    let _ = writeln!(out, "# Training report\n");
    let _ = writeln!(
        out,
        "Embedding {}, BiLSTM {}x{} per direction, dropout {}, word dropout {}, AdamW lr {}, batch {}, seed {}; \
         intent head on {} pooling; slot tags scored {}{}.",
        c.embed,
        c.layers,
        c.hidden,
        c.dropout,
        c.unk_prob,
        c.lr,
        c.batch_size,
        c.seed,
        if c.pool_max { "mean and max" } else { "mean" },
        if c.crf { "by a linear-chain CRF" } else { "per token" },
        if c.ema > 0.0 { format!("; weights averaged with decay {}", c.ema) } else { String::new() }
    );
    let _ = writeln!(
        out,
        "Vocabulary {} tokens, {} parameters, float ONNX {} bytes; {} training utterances; best epoch {} of {}; {:.0} s.\n",
        report.vocab_size,
        report.parameters,
        report.onnx_bytes,
        report.train_examples,
        report.best_epoch,
        report.history.len(),
        report.train_seconds
    );
    let _ = writeln!(out, "| split | lang | n | intent acc | slot P | slot R | slot F1 | exact |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for (split, by_lang) in &report.metrics {
        for (lang, m) in by_lang {
            let _ = writeln!(
                out,
                "| {split} | {lang} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
                m.n,
                100.0 * m.intent_accuracy,
                100.0 * m.slot_precision,
                100.0 * m.slot_recall,
                100.0 * m.slot_f1,
                100.0 * m.exact_match
            );
        }
    }
    let cal = &report.calibration;
    let _ = writeln!(
        out,
        "\nConfidence threshold {:.2}: dev accuracy with rejection {:.2}%, false rejects {:.2}%, false accepts {:.2}%.",
        cal.threshold,
        100.0 * cal.accuracy,
        100.0 * cal.false_rejects,
        100.0 * cal.false_accepts
    );
    let _ =
        writeln!(out, "tract vs training framework, largest output difference: {:.2e}.\n", report.parity_max_abs_diff);
    let _ = writeln!(out, "| epoch | train loss | dev intent acc | dev slot F1 | seconds |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for e in &report.history {
        let _ = writeln!(
            out,
            "| {} | {:.4} | {:.2} | {:.2} | {:.1} |",
            e.epoch,
            e.train_loss,
            100.0 * e.dev_intent_accuracy,
            100.0 * e.dev_slot_f1,
            e.seconds
        );
    }
    if let Some(natural) = report.metrics.get("natural").and_then(|m| m.get("all")) {
        let _ = writeln!(out, "\n## Natural set, per intent (all languages)\n");
        let _ = writeln!(out, "| intent | precision | recall | F1 | support |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for s in &natural.per_intent {
            let _ = writeln!(
                out,
                "| {} | {:.2} | {:.2} | {:.2} | {} |",
                s.name,
                100.0 * s.precision,
                100.0 * s.recall,
                100.0 * s.f1,
                s.support
            );
        }
    }
    out
}

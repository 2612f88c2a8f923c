//! The report of one run: sizes, per-tensor error, accuracy of the int8 model
//! against the float one, latency, where tract spends the time, and whether
//! every budget holds. Rendered as Markdown (printed and written to a file)
//! and as JSON.

use std::fmt::Write;

use serde::Serialize;

use crate::eval::Scores;
use crate::latency::{Latency, OpTime, Profile};
use crate::quant::ErrorStats;
use crate::scheme::Scheme;
use crate::tensors::{KeptFloat, TensorReport};

/// Budget: the int8 file at most this many bytes.
pub const SIZE_BUDGET_BYTES: u64 = 1_000_000;
/// Budget: the int8 file at most this share of the float file.
pub const SIZE_BUDGET_RATIO: f64 = 0.30;
/// Budget: intent accuracy may drop by at most this many points per set.
pub const INTENT_DROP_BUDGET: f64 = 0.5;
/// Budget: slot F1 may drop by at most this many points per set.
pub const SLOT_F1_DROP_BUDGET: f64 = 1.0;

/// The NNEF form of the int8 model: what the runtime's device build loads.
#[derive(Debug, Clone, Serialize)]
pub struct NnefReport {
    /// The file.
    pub file: String,
    /// Its size.
    pub bytes: u64,
    /// Largest output difference against the int8 ONNX model.
    pub max_abs_diff: f32,
    /// Utterances compared.
    pub utterances: usize,
    /// Time to load and optimise it, milliseconds.
    pub load_ms: f64,
}

/// Float and int8 scores on one evaluation set.
#[derive(Debug, Clone, Serialize)]
pub struct SetComparison {
    /// The file.
    pub file: String,
    /// Language of its first utterance, if labelled.
    pub lang: String,
    /// The float model.
    pub float: Scores,
    /// The int8 model.
    pub int8: Scores,
    /// Utterances with the same intent from both, percent.
    pub intent_agreement: f64,
    /// Utterances with the same intent and spans from both, percent.
    pub exact_agreement: f64,
}

impl SetComparison {
    /// Intent accuracy change, points.
    pub fn intent_delta(&self) -> f64 {
        self.int8.intent_accuracy - self.float.intent_accuracy
    }

    /// Slot F1 change, points.
    pub fn f1_delta(&self) -> f64 {
        self.int8.slot_f1 - self.float.slot_f1
    }

    /// Whether both drops are within budget.
    pub fn within_budget(&self) -> bool {
        self.intent_delta() >= -INTENT_DROP_BUDGET - 1e-9 && self.f1_delta() >= -SLOT_F1_DROP_BUDGET - 1e-9
    }
}

/// Speed of both models on this host.
#[derive(Debug, Clone, Serialize)]
pub struct Speed {
    /// Utterances timed (per round) and rounds.
    pub utterances: usize,
    /// Rounds over the utterances.
    pub rounds: usize,
    /// Mean tokens per utterance.
    pub mean_tokens: f64,
    /// The float model.
    pub float: Latency,
    /// The int8 model.
    pub int8: Latency,
    /// Load + optimise time of the float model, ms.
    pub float_load_ms: f64,
    /// Load + optimise time of the int8 model, ms.
    pub int8_load_ms: f64,
    /// Where the float model spends its time.
    pub float_profile: Profile,
    /// Where the int8 model spends its time.
    pub int8_profile: Profile,
    /// Utterances profiled.
    pub profiled: usize,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The float model file.
    pub input: String,
    /// The int8 model file.
    pub output: String,
    /// The scheme.
    pub scheme: Scheme,
    /// The calibration, in words (files, utterances, method), if any.
    pub calibration: Option<String>,
    /// `target_arch` of this build and tract's version.
    pub host: String,
    /// Size of the float file, bytes.
    pub float_bytes: u64,
    /// Size of the int8 file, bytes.
    pub int8_bytes: u64,
    /// Rewrites done.
    pub rewrites: Vec<String>,
    /// Per-tensor error.
    pub tensors: Vec<TensorReport>,
    /// Weights left in float.
    pub kept_float: Vec<KeptFloat>,
    /// Output error of int8 against float over the evaluation utterances.
    pub outputs: Vec<(String, ErrorStats)>,
    /// Accuracy per evaluation set.
    pub sets: Vec<SetComparison>,
    /// Latency and profile, if measured.
    pub speed: Option<Speed>,
    /// The NNEF form, when one was written.
    pub nnef: Option<NnefReport>,
}

impl Report {
    /// int8 size over float size.
    pub fn size_ratio(&self) -> f64 {
        self.int8_bytes as f64 / self.float_bytes.max(1) as f64
    }

    /// Whether the file meets both size budgets.
    pub fn size_within_budget(&self) -> bool {
        self.int8_bytes <= SIZE_BUDGET_BYTES && self.size_ratio() <= SIZE_BUDGET_RATIO
    }

    /// Every budget: size, tensors, accuracy of every set.
    pub fn within_budget(&self) -> bool {
        self.size_within_budget()
            && self.tensors.iter().all(TensorReport::within_budget)
            && self.sets.iter().all(SetComparison::within_budget)
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let ok = |b: bool| if b { "ok" } else { "OVER BUDGET" };
        let _ = writeln!(s, "# hearth-quantize report: scheme `{}`\n", self.scheme);
        let _ = writeln!(s, "- float model: `{}`", self.input);
        let _ = writeln!(s, "- int8 model: `{}`", self.output);
        if let Some(c) = &self.calibration {
            let _ = writeln!(s, "- calibration: {c}");
        }
        let _ = writeln!(s, "- host: {}", self.host);
        let _ = writeln!(s, "- all budgets: **{}**\n", if self.within_budget() { "met" } else { "NOT met" });

        let _ = writeln!(s, "## Size\n");
        let _ = writeln!(s, "| file | bytes |\n|---|---|");
        let _ = writeln!(s, "| float | {} |", group(self.float_bytes));
        let _ = writeln!(s, "| int8 | {} ({:.1}% of float) |", group(self.int8_bytes), 100.0 * self.size_ratio());
        if let Some(n) = &self.nnef {
            let _ = writeln!(s, "| int8, NNEF form (`{}`) | {} |", n.file, group(n.bytes));
        }
        let _ = writeln!(
            s,
            "\nBudget: <= {} bytes and <= {:.0}% of float: {}.\n",
            group(SIZE_BUDGET_BYTES),
            SIZE_BUDGET_RATIO * 100.0,
            ok(self.size_within_budget())
        );

        if let Some(n) = &self.nnef {
            let _ = writeln!(
                s,
                "NNEF form: largest output difference against the int8 ONNX model {:.1e} over {} utterances (at most {:.0e}); loads and optimises in {:.1} ms.\n",
                n.max_abs_diff,
                n.utterances,
                crate::nnef::MAX_ABS_DIFF,
                n.load_ms
            );
        }

        let _ = writeln!(s, "## Rewrites\n");
        for r in &self.rewrites {
            let _ = writeln!(s, "- {r}");
        }
        for k in &self.kept_float {
            let _ = writeln!(s, "- kept in float: `{}` ({} bytes): {}", k.name, k.bytes, k.reason);
        }

        let _ = writeln!(s, "\n## Quantisation error per tensor\n");
        let _ = writeln!(
            s,
            "Budgets: weights: max abs <= half their largest step, RMSE/RMS <= {:.0}%; activations (on the calibration set, clipping included): RMSE/RMS <= {:.0}%.\n",
            crate::tensors::WEIGHT_REL_RMSE_BUDGET * 100.0,
            crate::tensors::ACTIVATION_REL_RMSE_BUDGET * 100.0
        );
        let _ = writeln!(
            s,
            "| tensor | role | shape | quantisation | RMSE | max abs | RMSE/RMS | budget (max abs; RMSE/RMS) | |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|");
        for t in &self.tensors {
            let _ = writeln!(
                s,
                "| `{}` | {} | {:?} | {} | {:.3e} | {:.3e} | {:.2}% | {}; {:.0}% | {} |",
                t.name,
                t.role,
                t.shape,
                t.granularity,
                t.error.rmse,
                t.error.max_abs,
                100.0 * t.error.relative_rmse(),
                t.max_abs_budget.map_or("-".into(), |b| format!("{b:.3e}")),
                100.0 * t.rel_rmse_budget,
                ok(t.within_budget())
            );
        }
        if !self.outputs.is_empty() {
            let _ = writeln!(
                s,
                "\nOutputs, int8 against float over the evaluation utterances (no budget: accuracy below is the budget that counts):\n"
            );
            let _ = writeln!(s, "| output | RMSE | max abs | RMS of float |\n|---|---|---|---|");
            for (name, e) in &self.outputs {
                let _ = writeln!(s, "| `{name}` | {:.3e} | {:.3e} | {:.3e} |", e.rmse, e.max_abs, e.rms);
            }
        }

        if !self.sets.is_empty() {
            let _ = writeln!(s, "\n## Accuracy, float vs int8 (through `hearth::nlu::Nlu`)\n");
            let _ = writeln!(
                s,
                "Budget per set: intent accuracy drops <= {INTENT_DROP_BUDGET} points, slot F1 <= {SLOT_F1_DROP_BUDGET} point.\n"
            );
            let _ = writeln!(
                s,
                "| set | lang | n | intent float | intent int8 | Δ | slot F1 float | slot F1 int8 | Δ | same intent | same parse | |"
            );
            let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|");
            for c in &self.sets {
                let _ = writeln!(
                    s,
                    "| `{}` | {} | {} | {:.2} | {:.2} | {:+.2} | {:.2} | {:.2} | {:+.2} | {:.2}% | {:.2}% | {} |",
                    c.file,
                    c.lang,
                    c.float.n,
                    c.float.intent_accuracy,
                    c.int8.intent_accuracy,
                    c.intent_delta(),
                    c.float.slot_f1,
                    c.int8.slot_f1,
                    c.f1_delta(),
                    c.intent_agreement,
                    c.exact_agreement,
                    ok(c.within_budget())
                );
            }
        }

        if let Some(speed) = &self.speed {
            let _ = writeln!(s, "\n## Latency in tract on this host\n");
            let _ = writeln!(
                s,
                "{} utterances x {} round(s), mean {:.1} tokens, one fresh state per run, float and int8 alternating.\n",
                speed.utterances, speed.rounds, speed.mean_tokens
            );
            let _ = writeln!(s, "| model | p50 µs | p99 µs | mean µs | load + optimise ms |\n|---|---|---|---|---|");
            let _ = writeln!(
                s,
                "| float | {:.1} | {:.1} | {:.1} | {:.1} |",
                speed.float.p50_us, speed.float.p99_us, speed.float.mean_us, speed.float_load_ms
            );
            let _ = writeln!(
                s,
                "| int8 | {:.1} | {:.1} | {:.1} | {:.1} |",
                speed.int8.p50_us, speed.int8.p99_us, speed.int8.mean_us, speed.int8_load_ms
            );
            let _ = writeln!(
                s,
                "\nint8 / float: p50 {:.2}x, p99 {:.2}x, mean {:.2}x ({}).\n",
                speed.int8.p50_us / speed.float.p50_us,
                speed.int8.p99_us / speed.float.p99_us,
                speed.int8.mean_us / speed.float.mean_us,
                if speed.int8.mean_us < speed.float.mean_us { "int8 faster" } else { "int8 slower" }
            );
            let _ = writeln!(s, "## Where tract spends the time ({} utterances profiled)\n", speed.profiled);
            for (label, p) in [("float", &speed.float_profile), ("int8", &speed.int8_profile)] {
                let _ = writeln!(s, "### {label} model: top-level operators\n");
                ops_table(&mut s, &p.top, "µs per utterance");
                for (k, l) in p.loops.iter().enumerate() {
                    let _ =
                        writeln!(s, "\n### {label} model: inside Scan loop {} of {} (per step)\n", k + 1, p.n_loops);
                    ops_table(&mut s, l, "µs per step");
                }
                let _ = writeln!(s);
            }
        }
        s
    }
}

fn ops_table(s: &mut String, ops: &[OpTime], unit: &str) {
    let _ = writeln!(s, "| tract op | nodes | share | {unit} | kernels |\n|---|---|---|---|---|");
    for o in ops {
        let _ =
            writeln!(s, "| {} | {} | {:.1}% | {:.2} | {} |", o.op, o.count, o.share, o.mean_us, o.kernels.join(", "));
    }
}

/// `1234567` as `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

//! The `learning-curve` command: one setting trained on growing shares of the
//! training data, scored on dev and on the held-out template test set, with a
//! verdict on whether more data would still help.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use hearth::text::TokenizerOptions;
use plotters::style::{BLUE, GREEN, MAGENTA, RED};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::corpus::CorpusConfig;
use crate::data::{Example, write_atomic};
use crate::experiment::{LangMean, Setting, fit, lang_mean, load_sets};
use crate::plots::{Series, plot_scores};
use crate::trainer::progress_bar;

/// Everything the `learning-curve` command needs.
#[derive(Debug, Clone)]
pub struct CurveJob {
    /// The label file.
    pub labels: PathBuf,
    /// The corpus generation settings.
    pub corpus: CorpusConfig,
    /// Tokeniser options.
    pub options: TokenizerOptions,
    /// The one setting trained at every share (its seed is the training seed).
    pub setting: Setting,
    /// Shares of the training set, each in (0, 1].
    pub fractions: Vec<f64>,
    /// Seed of the order in which training utterances are kept.
    pub sample_seed: u64,
    /// Show progress on standard error.
    pub progress: bool,
}

/// Scores at one share of the training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Share of the training set.
    pub fraction: f64,
    /// Training utterances used.
    pub train_examples: usize,
    /// Resulting vocabulary size.
    pub vocab_size: usize,
    /// Epoch kept, 1-based.
    pub best_epoch: usize,
    /// Dev scores, mean over languages.
    pub dev: LangMean,
    /// Template-test scores, mean over languages.
    pub test: LangMean,
    /// Seconds of vocabulary building and training.
    pub train_seconds: f64,
}

/// Whether the last step of the curve still paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The share before the last step.
    pub from: f64,
    /// The largest share.
    pub to: f64,
    /// Dev score gain of the last step, in points.
    pub gain_points: f64,
    /// True when the gain is above [`HELPS_POINTS`].
    pub more_data_helps: bool,
    /// One line saying so.
    pub text: String,
}

/// A learning curve and its verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Curve {
    /// Hyper-parameters (the same at every share).
    pub config: crate::trainer::TrainConfig,
    /// Most whole words in the vocabulary.
    pub vocab_words: usize,
    /// The full training set size.
    pub full_train_examples: usize,
    /// One point per share, smallest first.
    pub points: Vec<CurvePoint>,
    /// `None` with fewer than two shares.
    pub verdict: Option<Verdict>,
}

/// Dev-score gain (points) of the last step above which more data is judged to help.
pub const HELPS_POINTS: f64 = 1.0;

/// The first `fraction` of `examples` in an order fixed by `seed`: the kept
/// sets are nested (a smaller share is a prefix of a larger one), and at least
/// one example is kept.
pub fn subsample(examples: &[Example], fraction: f64, seed: u64) -> Vec<Example> {
    let mut order: Vec<usize> = (0..examples.len()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let n = ((examples.len() as f64 * fraction).round() as usize).clamp(1, examples.len().max(1));
    order.into_iter().take(n).filter_map(|i| examples.get(i).cloned()).collect()
}

/// Trains the setting at every share (sorted, duplicates dropped) and scores it.
pub fn run(job: &CurveJob) -> anyhow::Result<Curve> {
    let mut fractions = job.fractions.clone();
    anyhow::ensure!(!fractions.is_empty(), "no fractions given");
    anyhow::ensure!(fractions.iter().all(|f| *f > 0.0 && *f <= 1.0), "fractions must lie in (0, 1]: {fractions:?}");
    fractions.sort_by(f64::total_cmp);
    fractions.dedup();
    let sets = load_sets(&job.labels, &job.corpus)?;
    let bar = progress_bar(job.progress, fractions.len(), "share".into());
    let mut points = Vec::new();
    for &fraction in &fractions {
        bar.set_message(format!("training on {:.0}%", 100.0 * fraction));
        let train_set = subsample(&sets.train, fraction, job.sample_seed);
        let fitted = fit(&train_set, &sets.dev, &sets.labels, &job.setting, job.options)?;
        let point = CurvePoint {
            fraction,
            train_examples: train_set.len(),
            vocab_size: fitted.tokenizer.vocab().len(),
            best_epoch: fitted.best_epoch,
            dev: lang_mean(&fitted, &sets.dev, &sets.labels)?,
            test: lang_mean(&fitted, &sets.test, &sets.labels)?,
            train_seconds: fitted.train_seconds,
        };
        bar.inc(1);
        if job.progress {
            bar.println(row(&point));
        }
        points.push(point);
    }
    bar.finish_and_clear();
    Ok(Curve {
        config: job.setting.config,
        vocab_words: job.setting.vocab.max_words,
        full_train_examples: sets.train.len(),
        verdict: verdict(&points),
        points,
    })
}

/// Judges the last step of `points` (sorted by share) by its dev score gain.
pub fn verdict(points: &[CurvePoint]) -> Option<Verdict> {
    let [.., before, last] = points else {
        return None;
    };
    let gain_points = 100.0 * (last.dev.score - before.dev.score);
    let more_data_helps = gain_points > HELPS_POINTS;
    let step = if (last.fraction / before.fraction - 2.0).abs() < 0.05 { "doubling" } else { "step" };
    let text = format!(
        "The last {step} of the training data ({:.0}% to {:.0}%) changed the dev score by {gain_points:+.2} points: {}.",
        100.0 * before.fraction,
        100.0 * last.fraction,
        if more_data_helps { "more data would help" } else { "more data of the same kind would not help much" }
    );
    Some(Verdict { from: before.fraction, to: last.fraction, gain_points, more_data_helps, text })
}

const HEADER: &str = "| share | train utterances | vocab | best epoch | dev intent acc | dev slot F1 | dev score \
| test intent acc | test slot F1 | test score | train s |\n|---|---|---|---|---|---|---|---|---|---|---|";

fn row(p: &CurvePoint) -> String {
    format!(
        "| {:.0}% | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} |",
        100.0 * p.fraction,
        p.train_examples,
        p.vocab_size,
        p.best_epoch,
        100.0 * p.dev.intent_accuracy,
        100.0 * p.dev.slot_f1,
        100.0 * p.dev.score,
        100.0 * p.test.intent_accuracy,
        100.0 * p.test.slot_f1,
        100.0 * p.test.score,
        p.train_seconds
    )
}

/// The Markdown report: the setting, the table and the verdict.
pub fn markdown(curve: &Curve) -> String {
    let c = &curve.config;
    let mut out = String::from("# Learning curve\n\n");
    let _ = writeln!(
        out,
        "Embedding {}, BiLSTM {}x{}, dropout {}, lr {}, at most {} epochs, vocabulary at most {} words, seed {}; \
         shares of {} training utterances. Scores are percentages averaged over languages; test is the held-out \
         template set.\n",
        c.embed,
        c.layers,
        c.hidden,
        c.dropout,
        c.lr,
        c.max_epochs,
        curve.vocab_words,
        c.seed,
        curve.full_train_examples
    );
    let _ = writeln!(out, "{HEADER}");
    for p in &curve.points {
        let _ = writeln!(out, "{}", row(p));
    }
    let verdict = curve.verdict.as_ref().map_or("Only one share: no verdict.", |v| v.text.as_str());
    let _ = writeln!(out, "\n{verdict}");
    out
}

/// Writes `dir/learning-curve.md`, `dir/learning-curve.json` and the plot
/// `dir/learning-curve.png` (scores against the share of training data).
pub fn write(curve: &Curve, dir: &Path) -> anyhow::Result<()> {
    write_atomic(&dir.join("learning-curve.json"), serde_json::to_string_pretty(curve)?.as_bytes())?;
    write_atomic(&dir.join("learning-curve.md"), markdown(curve).as_bytes())?;
    let line = |label, color, get: fn(&CurvePoint) -> f64| Series {
        label,
        color,
        points: curve.points.iter().map(|p| (100.0 * p.fraction, get(p))).collect(),
    };
    let series = [
        line("dev intent accuracy", RED, |p| p.dev.intent_accuracy),
        line("dev slot F1", GREEN, |p| p.dev.slot_f1),
        line("test intent accuracy", MAGENTA, |p| p.test.intent_accuracy),
        line("test slot F1", BLUE, |p| p.test.slot_f1),
    ];
    let low = curve.points.first().map_or(0.0, |p| 100.0 * p.fraction);
    plot_scores(
        &series,
        "scores by training data (%)",
        "share of training data (%)",
        (low - 5.0).max(0.0)..105.0,
        &dir.join("learning-curve.png"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(fraction: f64, score: f64) -> CurvePoint {
        let m = LangMean::new(score, score);
        CurvePoint { fraction, train_examples: 10, vocab_size: 10, best_epoch: 1, dev: m, test: m, train_seconds: 1.0 }
    }

    #[test]
    fn the_verdict_compares_the_last_step_with_one_point() {
        let rising = verdict(&[point(0.25, 0.80), point(0.5, 0.85), point(1.0, 0.87)]).unwrap();
        assert!(rising.more_data_helps && (rising.gain_points - 2.0).abs() < 1e-9, "{rising:?}");
        assert!(rising.text.contains("doubling") && rising.text.contains("more data would help"));
        let flat = verdict(&[point(0.5, 0.90), point(1.0, 0.905)]).unwrap();
        assert!(!flat.more_data_helps && flat.text.contains("not help"), "{flat:?}");
        assert_eq!(verdict(&[point(1.0, 0.9)]), None);
    }

    #[test]
    fn subsets_are_nested_and_never_empty() {
        let examples: Vec<Example> = (0..40)
            .map(|i| Example { text: format!("u{i}"), intent: "a".into(), slots: vec![], lang: None, template: None })
            .collect();
        let small = subsample(&examples, 0.25, 9);
        let large = subsample(&examples, 0.5, 9);
        assert_eq!((small.len(), large.len()), (10, 20));
        assert_eq!(small[..], large[..10]);
        assert_eq!(subsample(&examples, 0.001, 9).len(), 1);
        assert_eq!(subsample(&examples, 1.0, 9).len(), 40);
    }
}

//! The `tune` command: a random search over model size, vocabulary size and
//! training settings within a time budget. Every trial is trained with a
//! reduced epoch count, scored on dev, sized, and timed through tract.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hearth::text::TokenizerOptions;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::corpus::CorpusConfig;
use crate::data::write_atomic;
use crate::experiment::{LangMean, Setting, fit, forward_p50_ms, lang_mean, load_sets};
use crate::export::export;
use crate::trainer::progress_bar;

/// The values a trial may take; each trial draws every field uniformly.
#[derive(Debug, Clone)]
pub struct SearchSpace {
    /// Embedding widths.
    pub embed: Vec<usize>,
    /// Hidden sizes per direction.
    pub hidden: Vec<usize>,
    /// Stacked BiLSTM layers.
    pub layers: Vec<usize>,
    /// Dropout rates.
    pub dropout: Vec<f32>,
    /// Learning rates.
    pub lr: Vec<f64>,
    /// Most whole words in the vocabulary.
    pub vocab_words: Vec<usize>,
    /// Least count of a whole word.
    pub min_count: Vec<usize>,
}

impl Default for SearchSpace {
    fn default() -> Self {
        SearchSpace {
            embed: vec![32, 48, 64, 96, 128],
            hidden: vec![32, 48, 64, 96, 128],
            layers: vec![1, 2],
            dropout: vec![0.0, 0.1, 0.2, 0.3],
            lr: vec![1e-3, 2e-3, 3e-3, 5e-3],
            vocab_words: vec![1000, 2000, 3000, 5000],
            min_count: vec![1, 2, 3],
        }
    }
}

impl SearchSpace {
    /// Draws a setting: the searched fields from the space, everything else
    /// (epochs, batch size, seed, pooling, weight average, piece and CJK
    /// limits) from `base`. An empty list keeps the base value.
    pub fn sample(&self, base: &Setting, rng: &mut impl Rng) -> Setting {
        let mut s = *base;
        s.config.embed = pick(&self.embed, rng, s.config.embed);
        s.config.hidden = pick(&self.hidden, rng, s.config.hidden);
        s.config.layers = pick(&self.layers, rng, s.config.layers);
        s.config.dropout = pick(&self.dropout, rng, s.config.dropout);
        s.config.lr = pick(&self.lr, rng, s.config.lr);
        s.vocab.max_words = pick(&self.vocab_words, rng, s.vocab.max_words);
        s.vocab.min_count = pick(&self.min_count, rng, s.vocab.min_count);
        s
    }
}

/// A uniform draw from `values`, or `default` when there are none.
fn pick<T: Copy>(values: &[T], rng: &mut impl Rng, default: T) -> T {
    values.choose(rng).copied().unwrap_or(default)
}

/// Everything the `tune` command needs.
#[derive(Debug, Clone)]
pub struct TuneJob {
    /// The label file.
    pub labels: PathBuf,
    /// The corpus generation settings.
    pub corpus: CorpusConfig,
    /// Tokeniser options.
    pub options: TokenizerOptions,
    /// Trial 1 (when `base_trial`), and the fixed fields of every other trial
    /// (its `max_epochs` is the reduced epoch count).
    pub base: Setting,
    /// Train the base setting itself as trial 1; off for a second search
    /// beside a first one, where it would only repeat it.
    pub base_trial: bool,
    /// The values searched.
    pub space: SearchSpace,
    /// No trial starts once the time spent plus the mean trial time would pass
    /// this; a started trial always finishes, so a large last trial can overrun.
    pub budget: Duration,
    /// Most trials.
    pub max_trials: usize,
    /// Seed of the search (which settings are drawn).
    pub seed: u64,
    /// Dev utterances timed per trial.
    pub latency_utterances: usize,
    /// Folder for the scratch ONNX file of each trial (removed after timing).
    pub scratch: PathBuf,
    /// Show progress on standard error.
    pub progress: bool,
}

/// One trained and measured setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// Run order, 1-based; trial 1 is the base setting when the job trains it.
    pub trial: usize,
    /// Embedding width.
    pub embed: usize,
    /// Hidden size per direction.
    pub hidden: usize,
    /// BiLSTM layers.
    pub layers: usize,
    /// Dropout rate.
    pub dropout: f32,
    /// Learning rate.
    pub lr: f64,
    /// Most whole words asked for.
    pub vocab_words: usize,
    /// Least count of a whole word.
    pub min_count: usize,
    /// Resulting vocabulary size.
    pub vocab_size: usize,
    /// Epoch kept, 1-based.
    pub best_epoch: usize,
    /// Dev intent accuracy, mean over languages (0..=1).
    pub dev_intent_accuracy: f64,
    /// Dev slot F1, mean over languages (0..=1).
    pub dev_slot_f1: f64,
    /// Mean of the two (0..=1): the ranking key.
    pub dev_score: f64,
    /// Trainable parameters.
    pub parameters: usize,
    /// Size of the float ONNX file in bytes (measured).
    pub onnx_f32_bytes: u64,
    /// Estimated int8 size: one byte per parameter plus the float file's
    /// non-weight bytes (`onnx_f32_bytes - 4 * parameters`).
    pub int8_estimate_bytes: u64,
    /// Median tract forward time in milliseconds.
    pub latency_p50_ms: f64,
    /// Seconds of vocabulary building and training.
    pub train_seconds: f64,
}

/// The trials picked by the trade-off paragraph (trial numbers).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TradeOff {
    /// Dev score points (percent) a trial may be below the best and still count.
    pub tolerance_points: f64,
    /// The best dev score.
    pub best: usize,
    /// Fewest parameters within the tolerance.
    pub smallest: usize,
    /// Lowest p50 latency within the tolerance.
    pub fastest: usize,
}

/// The outcome of a search.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TuneReport {
    /// Epochs per trial.
    pub epochs: usize,
    /// The time budget in minutes.
    pub budget_minutes: f64,
    /// Seed of the search.
    pub seed: u64,
    /// Wall-clock seconds of the whole search.
    pub elapsed_seconds: f64,
    /// Training utterances.
    pub train_examples: usize,
    /// Dev utterances.
    pub dev_examples: usize,
    /// Dev utterances timed per trial.
    pub latency_utterances: usize,
    /// Whether trial 1 is the base setting.
    #[serde(default)]
    pub base_trial: bool,
    /// The trials, best dev score first.
    pub trials: Vec<Trial>,
    /// Best, smallest and fastest trials within one point.
    pub trade_off: Option<TradeOff>,
}

/// Dev-score points within which the trade-off looks for smaller or faster trials.
pub const TOLERANCE_POINTS: f64 = 1.0;

/// Runs the search: trial 1 is `job.base` (unless `job.base_trial` is off),
/// later trials are drawn from the space (a setting already tried is drawn
/// again, a few times at most). Stops
/// at `max_trials`, or when the next trial would likely pass the budget.
pub fn run(job: &TuneJob) -> anyhow::Result<TuneReport> {
    let started = Instant::now();
    let sets = load_sets(&job.labels, &job.corpus)?;
    let mut rng = ChaCha8Rng::seed_from_u64(job.seed);
    // The length is re-estimated from the mean trial time as trials finish.
    let bar = progress_bar(job.progress, job.max_trials, "trial".into());
    let onnx = job.scratch.join("trial.onnx");
    // A base that is not to be trained counts as tried: the loop below
    // draws in its place.
    let mut tried: Vec<String> = if job.base_trial { Vec::new() } else { vec![format!("{:?}", job.base)] };
    let mut trials = Vec::new();
    while trials.len() < job.max_trials {
        let elapsed = started.elapsed();
        if let Some(mean) = elapsed.checked_div(trials.len() as u32)
            && elapsed + mean > job.budget
        {
            break;
        }
        let mut setting = job.base;
        for _ in 0..20 {
            if !tried.contains(&format!("{setting:?}")) {
                break;
            }
            setting = job.space.sample(&job.base, &mut rng);
        }
        tried.push(format!("{setting:?}"));
        let fitted = fit(&sets.train, &sets.dev, &sets.labels, &setting, job.options)?;
        let dev: LangMean = lang_mean(&fitted, &sets.dev, &sets.labels)?;
        export(&fitted.model, &onnx)?;
        let onnx_f32_bytes = std::fs::metadata(&onnx)?.len();
        let latency_p50_ms = forward_p50_ms(&onnx, &fitted.tokenizer, &sets.dev, job.latency_utterances)?;
        std::fs::remove_file(&onnx)?;
        let parameters = fitted.model.n_params();
        let (c, v) = (setting.config, setting.vocab);
        let trial = Trial {
            trial: trials.len() + 1,
            embed: c.embed,
            hidden: c.hidden,
            layers: c.layers,
            dropout: c.dropout,
            lr: c.lr,
            vocab_words: v.max_words,
            min_count: v.min_count,
            vocab_size: fitted.tokenizer.vocab().len(),
            best_epoch: fitted.best_epoch,
            dev_intent_accuracy: dev.intent_accuracy,
            dev_slot_f1: dev.slot_f1,
            dev_score: dev.score,
            parameters,
            onnx_f32_bytes,
            int8_estimate_bytes: onnx_f32_bytes.saturating_sub(3 * parameters as u64),
            latency_p50_ms,
            train_seconds: fitted.train_seconds,
        };
        bar.inc(1);
        if job.progress {
            bar.println(row(&trial, trials.len() + 1));
        }
        trials.push(trial);
        let spent = started.elapsed();
        let mean = spent / trials.len() as u32;
        let left = job.budget.saturating_sub(spent).as_secs_f64() / mean.as_secs_f64().max(1e-3);
        bar.set_length(job.max_trials.min(trials.len() + left as usize) as u64);
        let best = trials.iter().map(|t| t.dev_score).fold(0.0, f64::max);
        bar.set_message(format!("best dev score {:.2}, {:.0}s spent", 100.0 * best, started.elapsed().as_secs_f64()));
    }
    bar.finish_and_clear();
    rank(&mut trials);
    Ok(TuneReport {
        epochs: job.base.config.max_epochs,
        budget_minutes: job.budget.as_secs_f64() / 60.0,
        seed: job.seed,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        train_examples: sets.train.len(),
        dev_examples: sets.dev.len(),
        latency_utterances: job.latency_utterances,
        base_trial: job.base_trial,
        trade_off: trade_off(&trials, TOLERANCE_POINTS),
        trials,
    })
}

/// Sorts trials by dev score, best first; ties go to fewer parameters, then
/// to the earlier trial.
pub fn rank(trials: &mut [Trial]) {
    trials.sort_by(rank_order);
}

/// The order of [`rank`]: higher dev score, then fewer parameters, then the
/// earlier trial.
fn rank_order(a: &Trial, b: &Trial) -> std::cmp::Ordering {
    b.dev_score.total_cmp(&a.dev_score).then(a.parameters.cmp(&b.parameters)).then(a.trial.cmp(&b.trial))
}

/// The best trial (the first of [`rank`]'s order, so ties go the same way),
/// and the smallest and the fastest trials whose dev score is at most
/// `tolerance_points` (percent) below it; `None` without trials.
pub fn trade_off(trials: &[Trial], tolerance_points: f64) -> Option<TradeOff> {
    let best = trials.iter().min_by(|a, b| rank_order(a, b))?;
    let close: Vec<&Trial> =
        trials.iter().filter(|t| 100.0 * (best.dev_score - t.dev_score) <= tolerance_points + 1e-9).collect();
    let smallest = close.iter().min_by_key(|t| (t.parameters, t.trial))?;
    let fastest = close.iter().min_by(|a, b| a.latency_p50_ms.total_cmp(&b.latency_p50_ms))?;
    Some(TradeOff { tolerance_points, best: best.trial, smallest: smallest.trial, fastest: fastest.trial })
}

const HEADER: &str = "| rank | trial | embed | hidden | layers | dropout | lr | vocab (max / min count) | vocab size \
| dev intent acc | dev slot F1 | dev score | params | f32 ONNX KB | int8 est. KB | p50 ms | best epoch | train s |\n\
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

fn row(t: &Trial, rank: usize) -> String {
    format!(
        "| {rank} | {} | {} | {} | {} | {} | {} | {} / {} | {} | {:.2} | {:.2} | {:.2} | {} | {:.0} | {:.0} | {:.3} | {} | {:.0} |",
        t.trial,
        t.embed,
        t.hidden,
        t.layers,
        t.dropout,
        t.lr,
        t.vocab_words,
        t.min_count,
        t.vocab_size,
        100.0 * t.dev_intent_accuracy,
        100.0 * t.dev_slot_f1,
        100.0 * t.dev_score,
        t.parameters,
        t.onnx_f32_bytes as f64 / 1024.0,
        t.int8_estimate_bytes as f64 / 1024.0,
        t.latency_p50_ms,
        t.best_epoch,
        t.train_seconds
    )
}

/// The trade-off paragraph: best score, smallest and fastest within the tolerance.
pub fn trade_off_text(report: &TuneReport) -> String {
    let Some(t) = report.trade_off else {
        return "No trial finished.".into();
    };
    let find = |n: usize| report.trials.iter().find(|x| x.trial == n);
    let (Some(best), Some(small), Some(fast)) = (find(t.best), find(t.smallest), find(t.fastest)) else {
        return "The trade-off names a trial that is not in the table.".into();
    };
    format!(
        "Best dev score: trial {} ({:.2}; embed {}, hidden {}x{}, {} parameters, p50 {:.3} ms). \
         Smallest within {} point of it: trial {} ({:.2}; {} parameters, {:.0}% of the best's). \
         Fastest within {} point: trial {} ({:.2}; p50 {:.3} ms against {:.3} ms).",
        best.trial,
        100.0 * best.dev_score,
        best.embed,
        best.layers,
        best.hidden,
        best.parameters,
        best.latency_p50_ms,
        t.tolerance_points,
        small.trial,
        100.0 * small.dev_score,
        small.parameters,
        100.0 * small.parameters as f64 / best.parameters.max(1) as f64,
        t.tolerance_points,
        fast.trial,
        100.0 * fast.dev_score,
        fast.latency_p50_ms,
        best.latency_p50_ms
    )
}

/// The Markdown report: settings, the ranked table, the trade-off paragraph.
pub fn markdown(report: &TuneReport) -> String {
    let mut out = String::from("# Hyper-parameter search\n\n");
    let _ = writeln!(
        out,
        "{} trials of {} epochs in {:.1} min (budget {} min, search seed {}); {} training and {} dev utterances.",
        report.trials.len(),
        report.epochs,
        report.elapsed_seconds / 60.0,
        report.budget_minutes,
        report.seed,
        report.train_examples,
        report.dev_examples
    );
    let _ = writeln!(
        out,
        "Dev scores are percentages averaged over languages; dev score = mean of intent accuracy and slot F1. \
         Sizes: f32 ONNX is the exported file; int8 est. = parameters + the file's non-weight bytes (not measured). \
         p50 = median tract forward time on {} dev utterances, tokenisation excluded. {}\n",
        report.latency_utterances,
        if report.base_trial {
            "Trial 1 is the base setting."
        } else {
            "Every trial is drawn; the base setting is not among them."
        }
    );
    let _ = writeln!(out, "{HEADER}");
    for (i, t) in report.trials.iter().enumerate() {
        let _ = writeln!(out, "{}", row(t, i + 1));
    }
    let _ = writeln!(out, "\n## Trade-off\n\n{}", trade_off_text(report));
    out
}

/// Writes `dir/tune.md` and `dir/tune.json`.
pub fn write(report: &TuneReport, dir: &Path) -> anyhow::Result<()> {
    write_atomic(&dir.join("tune.json"), serde_json::to_string_pretty(report)?.as_bytes())?;
    write_atomic(&dir.join("tune.md"), markdown(report).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(trial: usize, dev_score: f64, parameters: usize, latency_p50_ms: f64) -> Trial {
        Trial {
            trial,
            embed: 8,
            hidden: 8,
            layers: 1,
            dropout: 0.1,
            lr: 1e-3,
            vocab_words: 100,
            min_count: 1,
            vocab_size: 90,
            best_epoch: 1,
            dev_intent_accuracy: dev_score,
            dev_slot_f1: dev_score,
            dev_score,
            parameters,
            onnx_f32_bytes: 4 * parameters as u64 + 500,
            int8_estimate_bytes: parameters as u64 + 500,
            latency_p50_ms,
            train_seconds: 1.0,
        }
    }

    #[test]
    fn ranks_by_score_and_picks_the_trade_off_within_one_point() {
        let mut trials = vec![
            trial(1, 0.900, 5000, 0.5),
            trial(2, 0.950, 9000, 0.9),
            trial(3, 0.942, 3000, 0.7),
            trial(4, 0.930, 1000, 0.1),
            trial(5, 0.945, 4000, 0.3),
        ];
        rank(&mut trials);
        let order: Vec<usize> = trials.iter().map(|t| t.trial).collect();
        assert_eq!(order, [2, 5, 3, 4, 1]);
        let t = trade_off(&trials, 1.0).unwrap();
        assert_eq!((t.best, t.smallest, t.fastest), (2, 3, 5));
        assert_eq!(trade_off(&[], 1.0), None);
    }

    #[test]
    fn a_tie_names_the_same_best_trial_as_the_ranking() {
        let mut trials = vec![trial(1, 0.5, 9000, 0.2), trial(2, 0.5, 3000, 0.4), trial(3, 0.5, 3000, 0.1)];
        let unranked = trade_off(&trials, 1.0).unwrap();
        rank(&mut trials);
        assert_eq!(trials.iter().map(|t| t.trial).collect::<Vec<_>>(), [2, 3, 1]);
        assert_eq!(unranked.best, 2);
        assert_eq!(trade_off(&trials, 1.0).unwrap().best, 2);
    }

    #[test]
    fn sampling_stays_in_the_space_and_keeps_fixed_fields() {
        let base = Setting {
            config: crate::trainer::TrainConfig { max_epochs: 2, ..Default::default() },
            vocab: crate::vocab_build::VocabConfig::default(),
        };
        let space = SearchSpace::default();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..50 {
            let s = space.sample(&base, &mut rng);
            assert!(space.embed.contains(&s.config.embed) && space.layers.contains(&s.config.layers));
            assert!(space.vocab_words.contains(&s.vocab.max_words) && space.min_count.contains(&s.vocab.min_count));
            assert_eq!((s.config.max_epochs, s.vocab.max_pieces), (2, base.vocab.max_pieces));
        }
    }
}

//! The public benchmarks, trained and scored with the same trainer as hearth.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use anyhow::bail;
use hearth::labels::Labels;
use hearth::text::{Tokenizer, TokenizerOptions};
use serde::Serialize;

use crate::data::{Example, read_jsonl};
use crate::metrics::{Metrics, score};
use crate::predict::predict;
use crate::trainer::{TrainConfig, train};
use crate::vocab_build::{VocabConfig, build_vocab};

/// A published result to compare with.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    /// The system.
    pub system: &'static str,
    /// Intent accuracy in percent.
    pub intent_accuracy: f64,
    /// Slot F1 in percent.
    pub slot_f1: f64,
}

/// The benchmark sets.
pub const DATASETS: [&str; 4] = ["snips", "cais", "massive", "hwu64"];

/// A benchmark's splits and its published baselines.
pub struct Benchmark {
    /// Training split.
    pub train: Vec<Example>,
    /// Development split (early stopping).
    pub dev: Vec<Example>,
    /// Test split.
    pub test: Vec<Example>,
    /// Published results on test.
    pub baselines: Vec<Baseline>,
}

/// Loads a benchmark. HWU64 uses `fold` as test and the other folds (less
/// every tenth row, kept as dev) as train.
pub fn load(name: &str, root: &Path, fold: u32) -> anyhow::Result<Benchmark> {
    let read = |dir: &str, file: &str| read_jsonl(&root.join(dir).join(file));
    let (train, dev, test, baselines) = match name {
        "snips" => (
            read("snips2017", "goo2018_train.jsonl")?,
            read("snips2017", "goo2018_valid.jsonl")?,
            read("snips2017", "goo2018_test.jsonl")?,
            vec![
                Baseline { system: "Slot-Gated (Goo et al. 2018)", intent_accuracy: 97.0, slot_f1: 88.8 },
                Baseline { system: "Stack-Propagation (Qin et al. 2019)", intent_accuracy: 98.0, slot_f1: 94.2 },
            ],
        ),
        "cais" => (
            read("cais", "train.jsonl")?,
            read("cais", "valid.jsonl")?,
            read("cais", "test.jsonl")?,
            vec![Baseline { system: "CM-Net (Liu et al. 2019)", intent_accuracy: 94.56, slot_f1: 86.16 }],
        ),
        "massive" => (
            read("massive_en", "train.jsonl")?,
            read("massive_en", "dev.jsonl")?,
            read("massive_en", "test.jsonl")?,
            vec![],
        ),
        "hwu64" => {
            let all = read_jsonl_with_fold(&root.join("hwu64").join("hwu64_10fold.jsonl"))?;
            let (test, rest): (Vec<_>, Vec<_>) = all.into_iter().partition(|(f, _)| *f == fold);
            let (mut train, mut dev) = (Vec::new(), Vec::new());
            for (i, (_, e)) in rest.into_iter().enumerate() {
                if i % 10 == 0 { dev.push(e) } else { train.push(e) }
            }
            (train, dev, test.into_iter().map(|(_, e)| e).collect(), vec![])
        }
        _ => bail!("unknown benchmark {name:?}; known: {DATASETS:?}"),
    };
    Ok(Benchmark { train, dev, test, baselines })
}

fn read_jsonl_with_fold(path: &Path) -> anyhow::Result<Vec<(u32, Example)>> {
    #[derive(serde::Deserialize)]
    struct Fold {
        fold: u32,
    }
    let text = std::fs::read_to_string(path)?;
    let examples = read_jsonl(path)?;
    let folds: Vec<u32> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Fold>(l).map(|f| f.fold))
        .collect::<Result<_, _>>()?;
    Ok(folds.into_iter().zip(examples).collect())
}

/// Labels of a benchmark: every intent and slot that any split uses, sorted.
pub fn labels_of(sets: &[&[Example]]) -> Labels {
    let mut intents = BTreeSet::new();
    let mut slots = BTreeSet::new();
    for example in sets.iter().flat_map(|s| s.iter()) {
        intents.insert(example.intent.clone());
        slots.extend(example.slots.iter().map(|s| s.label.clone()));
    }
    Labels { version: 1, intents: intents.into_iter().collect(), slots: slots.into_iter().collect() }
}

/// The outcome of one benchmark run.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    /// The benchmark.
    pub dataset: String,
    /// Scores on the test split.
    pub test: Metrics,
    /// Training examples.
    pub train_examples: usize,
    /// Best epoch.
    pub best_epoch: usize,
    /// Training seconds.
    pub seconds: f64,
    /// Published results.
    pub baselines: Vec<Baseline>,
    /// The training settings.
    pub config: TrainConfig,
}

/// Trains on a benchmark's train split (dev for early stopping) and scores test.
pub fn run(name: &str, root: &Path, fold: u32, config: &TrainConfig, progress: bool) -> anyhow::Result<BenchResult> {
    let Benchmark { train: train_set, dev: dev_set, test: test_set, baselines } = load(name, root, fold)?;
    let labels = labels_of(&[&train_set, &dev_set, &test_set]);
    let options = TokenizerOptions::default();
    let vocab = build_vocab(
        train_set.iter().map(|e| e.text.as_str()),
        VocabConfig { max_words: 8000, ..VocabConfig::default() },
        options,
    );
    let tokenizer = Tokenizer::new(vocab, options);
    let started = Instant::now();
    let trained = train(&train_set, &[], &dev_set, &tokenizer, &labels, config, progress)?;
    let predictions = predict(&trained.model, &tokenizer, &test_set, 256)?;
    Ok(BenchResult {
        dataset: if name == "hwu64" { format!("hwu64 fold {fold}") } else { name.to_string() },
        test: score(&test_set, &predictions, &labels)?,
        train_examples: train_set.len(),
        best_epoch: trained.best_epoch,
        seconds: started.elapsed().as_secs_f64(),
        baselines,
        config: *config,
    })
}

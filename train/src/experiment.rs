//! One experiment: a configuration trained on a training set and scored on
//! held-out sets. Shared by the `tune` and `learning-curve` commands.

use std::path::Path;
use std::time::{Duration, Instant};

use hearth::labels::Labels;
use hearth::nlu::Network;
use hearth::text::{Tokenizer, TokenizerOptions};
use serde::{Deserialize, Serialize};

use crate::corpus::{self, CorpusConfig, Split};
use crate::data::Example;
use crate::metrics::score_by_lang;
use crate::model::Model;
use crate::predict::predict;
use crate::trainer::{TrainConfig, train};
use crate::vocab_build::{VocabConfig, build_vocab};

/// The labels and the generated corpus splits an experiment uses.
pub struct Sets {
    /// The label inventory.
    pub labels: Labels,
    /// Training templates.
    pub train: Vec<Example>,
    /// Development templates: epoch choice and ranking.
    pub dev: Vec<Example>,
    /// Held-out templates.
    pub test: Vec<Example>,
    /// The hand-written natural sets.
    pub natural: Vec<Example>,
}

/// Loads the labels at `labels` and generates the corpus of `config`.
pub fn load_sets(labels: &Path, config: &CorpusConfig) -> anyhow::Result<Sets> {
    let labels = Labels::load(labels)?;
    let corpus = corpus::build(config, &labels)?;
    Ok(Sets {
        train: corpus.split(Split::Train),
        dev: corpus.split(Split::Dev),
        test: corpus.split(Split::Test),
        natural: corpus.split(Split::Natural),
        labels,
    })
}

/// What one experiment varies: the training hyper-parameters and the
/// vocabulary limits.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Hyper-parameters.
    pub config: TrainConfig,
    /// Vocabulary limits.
    pub vocab: VocabConfig,
}

/// A trained model with the tokenizer it was trained with.
pub struct Fitted {
    /// The model of the best dev epoch.
    pub model: Model,
    /// The tokenizer built from the training text.
    pub tokenizer: Tokenizer,
    /// The epoch kept (1-based).
    pub best_epoch: usize,
    /// Wall-clock seconds of vocabulary building and training.
    pub train_seconds: f64,
}

/// Builds the vocabulary from `train_set` alone and trains on it, choosing the
/// epoch on `dev_set`. No progress output; the same inputs give the same model.
pub fn fit(
    train_set: &[Example],
    dev_set: &[Example],
    labels: &Labels,
    setting: &Setting,
    options: TokenizerOptions,
) -> anyhow::Result<Fitted> {
    let started = Instant::now();
    let vocab = build_vocab(train_set.iter().map(|e| e.text.as_str()), setting.vocab, options);
    let tokenizer = Tokenizer::new(vocab, options);
    let trained = train(train_set, &[], dev_set, &tokenizer, labels, &setting.config, false)?;
    Ok(Fitted {
        model: trained.model,
        tokenizer,
        best_epoch: trained.best_epoch,
        train_seconds: started.elapsed().as_secs_f64(),
    })
}

/// Scores averaged over languages, each in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct LangMean {
    /// Mean over languages of the intent accuracy.
    pub intent_accuracy: f64,
    /// Mean over languages of the slot F1.
    pub slot_f1: f64,
    /// The mean of the two above: the number models are ranked by.
    pub score: f64,
}

impl LangMean {
    /// Builds the triple from the two means.
    pub fn new(intent_accuracy: f64, slot_f1: f64) -> Self {
        LangMean { intent_accuracy, slot_f1, score: (intent_accuracy + slot_f1) / 2.0 }
    }
}

/// Scores `fitted` on `examples` per language and averages the languages
/// present (each language weighs the same whatever its size).
pub fn lang_mean(fitted: &Fitted, examples: &[Example], labels: &Labels) -> anyhow::Result<LangMean> {
    let predictions = predict(&fitted.model, &fitted.tokenizer, examples, 256)?;
    let by_lang = score_by_lang(examples, &predictions, labels)?;
    let langs: Vec<_> = by_lang.iter().filter(|(lang, _)| lang.as_str() != "all").map(|(_, m)| m).collect();
    anyhow::ensure!(!langs.is_empty(), "no examples to score");
    let n = langs.len() as f64;
    Ok(LangMean::new(
        langs.iter().map(|m| m.intent_accuracy).sum::<f64>() / n,
        langs.iter().map(|m| m.slot_f1).sum::<f64>() / n,
    ))
}

/// The median time, in milliseconds, of one tract forward pass of the ONNX
/// model at `onnx` over up to `n` utterances spread evenly over `examples`
/// (tokenisation not included; a few warm-up runs first). Utterances that
/// tokenise to nothing are skipped.
pub fn forward_p50_ms(onnx: &Path, tokenizer: &Tokenizer, examples: &[Example], n: usize) -> anyhow::Result<f64> {
    let network = Network::load(onnx)?;
    let step = (examples.len() / n.max(1)).max(1);
    let inputs: Vec<Vec<u32>> = examples
        .iter()
        .step_by(step)
        .take(n)
        .map(|e| tokenizer.encode(&e.text).iter().map(|t| t.id).collect::<Vec<u32>>())
        .filter(|ids| !ids.is_empty())
        .collect();
    anyhow::ensure!(!inputs.is_empty(), "no utterance to time");
    for ids in inputs.iter().take(5) {
        network.run(ids)?;
    }
    let mut times: Vec<Duration> = Vec::with_capacity(inputs.len());
    for ids in &inputs {
        let started = Instant::now();
        network.run(ids)?;
        times.push(started.elapsed());
    }
    times.sort_unstable();
    Ok(times[times.len() / 2].as_secs_f64() * 1000.0)
}

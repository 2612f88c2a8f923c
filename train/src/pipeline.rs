//! The `train` command: corpus -> vocabulary -> model -> metrics -> ONNX.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use candle_core::Device;
use hearth::labels::Labels;
use hearth::nlu::{Manifest, Network};
use hearth::text::{Tokenizer, TokenizerOptions};
use serde::Serialize;

use crate::calibrate::{Calibration, Scored, calibrate};
use crate::corpus::{self, CorpusConfig, Split};
use crate::data::{Example, write_atomic};
use crate::export::export;
use crate::metrics::{Metrics, score_by_lang};
use crate::model::{Batch, Model};
use crate::predict::predict;
use crate::public::massive_intents;
use crate::trainer::{EpochRecord, TrainConfig, train};
use crate::vocab_build::{VocabConfig, build_vocab};

/// Everything the `train` command needs.
#[derive(Debug, Clone)]
pub struct TrainJob {
    /// The label file.
    pub labels: PathBuf,
    /// Where the model files go.
    pub out: PathBuf,
    /// Hyper-parameters.
    pub config: TrainConfig,
    /// Vocabulary limits.
    pub vocab: VocabConfig,
    /// Tokeniser options.
    pub options: TokenizerOptions,
    /// The corpus generation settings (sizes, seed).
    pub corpus: CorpusConfig,
    /// The public data sets folder: when given, MASSIVE's intents are learned too.
    pub public: Option<PathBuf>,
    /// Show progress on standard error.
    pub progress: bool,
}

/// Metrics of the finished model, as written to `report/metrics.json`.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// Hyper-parameters.
    pub config: TrainConfig,
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Number of parameters.
    pub parameters: usize,
    /// Float ONNX size in bytes.
    pub onnx_bytes: u64,
    /// Training examples.
    pub train_examples: usize,
    /// Intent-only examples from public data.
    pub public_examples: usize,
    /// Every epoch.
    pub history: Vec<EpochRecord>,
    /// The epoch kept.
    pub best_epoch: usize,
    /// Wall-clock training time.
    pub train_seconds: f64,
    /// Metrics per split, then per language (`all`, `en`, `zh`).
    pub metrics: BTreeMap<String, BTreeMap<String, Metrics>>,
    /// The confidence threshold.
    pub calibration: Calibration,
    /// Largest difference between tract and the training framework.
    pub parity_max_abs_diff: f32,
}

/// File names inside the model folder.
pub const ONNX_FILE: &str = "hearth-f32.onnx";
/// Weights as trained.
pub const WEIGHTS_FILE: &str = "hearth.safetensors";
/// The vocabulary.
pub const VOCAB_FILE: &str = "vocab.txt";

/// Runs the whole job and writes the model folder.
pub fn run(job: &TrainJob) -> anyhow::Result<TrainReport> {
    let labels = Labels::load(&job.labels)?;
    let corpus = corpus::build(&job.corpus, &labels)?;
    let set = |split: Split| corpus.split(split);
    let (train_set, dev_set) = (set(Split::Train), set(Split::Dev));
    let intent_only = match &job.public {
        Some(root) => massive_intents(root, "train")?,
        None => Vec::new(),
    };
    let texts = train_set.iter().chain(&intent_only).map(|e| e.text.as_str());
    let vocab = build_vocab(texts, job.vocab, job.options);
    let tokenizer = Tokenizer::new(vocab, job.options);
    let started = Instant::now();
    let trained = train(&train_set, &intent_only, &dev_set, &tokenizer, &labels, &job.config, job.progress)?;
    let train_seconds = started.elapsed().as_secs_f64();
    std::fs::create_dir_all(&job.out).with_context(|| format!("cannot create {}", job.out.display()))?;
    let onnx_path = job.out.join(ONNX_FILE);
    export(&trained.model, &onnx_path)?;
    trained.model.save(&job.out.join(WEIGHTS_FILE))?;
    write_atomic(&job.out.join(VOCAB_FILE), tokenizer.vocab().to_text().as_bytes())?;
    let labels_target = job.out.join("labels.toml");
    if labels_target != job.labels {
        std::fs::copy(&job.labels, &labels_target)
            .with_context(|| format!("cannot copy labels to {}", labels_target.display()))?;
    }
    // Foreign text for the threshold: MASSIVE's dev utterances that are out of scope.
    let mut calibration_set = dev_set.clone();
    if let Some(root) = &job.public {
        calibration_set.extend(massive_intents(root, "dev")?.into_iter().filter(|e| e.intent == "out_of_scope"));
    }
    let calibration = calibrate_threshold(&trained.model, &tokenizer, &labels, &calibration_set)?;
    let manifest = Manifest {
        version: 1,
        model: ONNX_FILE.into(),
        vocab: VOCAB_FILE.into(),
        vocab_size: tokenizer.vocab().len(),
        labels: "labels.toml".into(),
        threshold: calibration.threshold,
        remove_stop_words: job.options.remove_stop_words,
    };
    write_atomic(&job.out.join(Manifest::FILE), manifest.to_toml().as_bytes())?;
    let mut metrics = BTreeMap::new();
    for split in [Split::Dev, Split::Test, Split::Natural] {
        let examples = set(split);
        let predictions = predict(&trained.model, &tokenizer, &examples, 256)?;
        metrics.insert(split.name().to_string(), score_by_lang(&examples, &predictions, &labels)?);
    }
    let parity_examples: Vec<Example> = set(Split::Test).into_iter().step_by(97).take(100).collect();
    let parity_max_abs_diff = parity(&trained.model, &tokenizer, &parity_examples, &onnx_path)?;
    Ok(TrainReport {
        config: job.config,
        vocab_size: tokenizer.vocab().len(),
        parameters: trained.model.n_params(),
        onnx_bytes: std::fs::metadata(&onnx_path)?.len(),
        train_examples: train_set.len(),
        public_examples: intent_only.len(),
        history: trained.history,
        best_epoch: trained.best_epoch,
        train_seconds,
        metrics,
        calibration,
        parity_max_abs_diff,
    })
}

/// Calibrates the threshold on dev: gold `out_of_scope` utterances are the
/// foreign text; an out-of-scope prediction of them counts as right.
pub fn calibrate_threshold(
    model: &Model,
    tokenizer: &Tokenizer,
    labels: &Labels,
    dev: &[Example],
) -> anyhow::Result<Calibration> {
    let predictions = predict(model, tokenizer, dev, 256)?;
    let oos = labels.intent_id("out_of_scope");
    let scored: Vec<Scored> = dev
        .iter()
        .zip(&predictions)
        .map(|(example, p)| {
            let out_of_scope = labels.intent_id(&example.intent) == oos;
            let correct =
                if out_of_scope { Some(p.intent) == oos } else { labels.intent_id(&example.intent) == Some(p.intent) };
            Scored { confidence: p.confidence, out_of_scope, correct }
        })
        .collect();
    Ok(calibrate(&scored))
}

/// The largest absolute difference between two equally long lists.
fn max_abs_diff(a: &[f32], b: &[f32]) -> anyhow::Result<f32> {
    anyhow::ensure!(a.len() == b.len(), "output sizes differ: {} vs {}", a.len(), b.len());
    Ok(a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max))
}

/// Runs `examples` one by one through tract and through the training
/// framework and returns the largest absolute difference of any output (and
/// of the CRF's scores, for a model with a CRF).
pub fn parity(model: &Model, tokenizer: &Tokenizer, examples: &[Example], onnx: &Path) -> anyhow::Result<f32> {
    let network = Network::load(onnx)?;
    let mut max_diff = 0f32;
    for example in examples {
        let ids: Vec<u32> = tokenizer.encode(&example.text).iter().map(|t| t.id).collect();
        if ids.is_empty() {
            continue;
        }
        let batch = Batch::new(&[&ids], &Device::Cpu)?;
        let output = model.forward(&batch, None)?;
        let raw = network.run(&ids)?;
        let reference = [
            output.intent_logits.flatten_all()?.to_vec1::<f32>()?,
            output.slot_logits.flatten_all()?.to_vec1::<f32>()?,
            output.embedding.flatten_all()?.to_vec1::<f32>()?,
        ];
        let ours = [raw.intent_logits, raw.slot_logits.concat(), raw.embedding];
        for (a, b) in reference.iter().zip(&ours) {
            max_diff = max_diff.max(max_abs_diff(a, b)?);
        }
    }
    match (&model.crf, network.transitions()) {
        (None, None) => {}
        (Some(crf), Some(scores)) => {
            let ours = crf.tag_transitions()?;
            max_diff = max_diff.max(max_abs_diff(&ours.from_to.concat(), &scores.from_to.concat())?);
            max_diff = max_diff.max(max_abs_diff(&ours.start, &scores.start)?);
        }
        _ => anyhow::bail!("{}: the model and the file disagree on having a CRF", onnx.display()),
    }
    Ok(max_diff)
}

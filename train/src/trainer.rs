//! The training loop: AdamW, mini-batches bucketed by length, dropout,
//! gradient clipping, early stopping on dev, fixed seeds.

use std::time::Instant;

use anyhow::Context;
use candle_core::{Device, Tensor};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use hearth::labels::Labels;
use hearth::text::Tokenizer;
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::data::Example;
use crate::dataset::{Encoded, encode};
use crate::metrics::{Metrics, score};
use crate::model::{Batch, Model, ModelConfig, crf_loss, loss};
use crate::predict::predict;

/// Hyper-parameters of a training run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Embedding width.
    pub embed: usize,
    /// LSTM hidden size per direction.
    pub hidden: usize,
    /// Stacked BiLSTM layers.
    pub layers: usize,
    /// Dropout rate.
    pub dropout: f32,
    /// AdamW learning rate.
    pub lr: f64,
    /// AdamW weight decay.
    pub weight_decay: f64,
    /// Examples per batch.
    pub batch_size: usize,
    /// Most epochs.
    pub max_epochs: usize,
    /// Stop after this many epochs without a better dev score.
    pub patience: usize,
    /// Clip the global gradient norm to this.
    pub clip_norm: f64,
    /// Chance that a known word is split into pieces in training.
    pub split_prob: f64,
    /// Chance that a token id is replaced by `<unk>` in training (word dropout).
    pub unk_prob: f64,
    /// Seed of initialisation, shuffling, dropout and splitting.
    pub seed: u64,
    /// The intent head reads max-pooled states beside the mean.
    #[serde(default)]
    pub pool_max: bool,
    /// Decay of an exponential moving average of the weights, updated after
    /// every step; dev scoring and the saved model use the average. 0 is off.
    #[serde(default)]
    pub ema: f64,
    /// Score slot tags with a linear-chain CRF (see [`crate::crf`]).
    #[serde(default)]
    pub crf: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            embed: 64,
            hidden: 64,
            layers: 1,
            dropout: 0.2,
            lr: 3e-3,
            weight_decay: 1e-4,
            batch_size: 32,
            max_epochs: 12,
            patience: 3,
            clip_norm: 5.0,
            split_prob: 0.03,
            unk_prob: 0.05,
            seed: 17,
            pool_max: false,
            ema: 0.0,
            crf: false,
        }
    }
}

/// What happened in one epoch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Dev intent accuracy.
    pub dev_intent_accuracy: f64,
    /// Dev slot F1.
    pub dev_slot_f1: f64,
    /// Seconds the epoch took (training and dev scoring).
    pub seconds: f64,
}

/// The outcome of training.
pub struct Trained {
    /// The model of the best dev epoch.
    pub model: Model,
    /// Every epoch.
    pub history: Vec<EpochRecord>,
    /// The best epoch (1-based).
    pub best_epoch: usize,
}

/// Trains on `train` (and on `intent_only`, whose slots are not labelled and
/// so only teach intents), choosing the epoch by dev score (mean of intent
/// accuracy and slot F1). The same inputs and seed give the same model.
pub fn train(
    train: &[Example],
    intent_only: &[Example],
    dev: &[Example],
    tokenizer: &Tokenizer,
    labels: &Labels,
    config: &TrainConfig,
    progress: bool,
) -> anyhow::Result<Trained> {
    anyhow::ensure!(config.batch_size > 0, "the batch size must be at least 1");
    anyhow::ensure!(
        (0.0..1.0).contains(&config.ema),
        "the weight average's decay must be in [0, 1), not {}",
        config.ema
    );
    let device = Device::Cpu;
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let model_config = ModelConfig {
        vocab: tokenizer.vocab().len(),
        embed: config.embed,
        hidden: config.hidden,
        layers: config.layers,
        intents: labels.intents.len(),
        tags: labels.n_tags(),
        dropout: config.dropout,
        pool_max: config.pool_max,
        crf: config.crf,
    };
    let model = Model::new(model_config, &mut rng, &device)?;
    let vars: Vec<_> = model.named_vars().into_iter().map(|(_, v)| v.clone()).collect();
    let params = ParamsAdamW { lr: config.lr, weight_decay: config.weight_decay, ..Default::default() };
    let mut optimizer = AdamW::new(vars.clone(), params)?;
    let mut history = Vec::new();
    let mut best: Option<(f64, usize, Vec<Tensor>)> = None;
    let mut average = if config.ema > 0.0 { Some(WeightAverage::new(&vars, config.ema)?) } else { None };
    for epoch in 1..=config.max_epochs {
        let started = Instant::now();
        let mut encoded = encode_epoch(train, tokenizer, labels, config, &mut rng)?;
        for mut e in encode_epoch(intent_only, tokenizer, labels, config, &mut rng)? {
            e.slots_known = false;
            e.tags.fill(0);
            encoded.push(e);
        }
        let batches = make_batches(&encoded, config.batch_size, &mut rng);
        let bar = progress_bar(progress, batches.len(), format!("epoch {epoch}/{}", config.max_epochs));
        let mut total_loss = 0.0;
        for indices in &batches {
            let rows: Vec<&[u32]> = indices.iter().map(|&i| encoded[i].ids.as_slice()).collect();
            let batch = Batch::new(&rows, &device)?;
            let (b, t) = batch.ids.dims2()?;
            let intents = Tensor::from_vec(indices.iter().map(|&i| encoded[i].intent).collect::<Vec<_>>(), b, &device)?;
            let mut tags = vec![0u32; b * t];
            for (row, &i) in indices.iter().enumerate() {
                tags[row * t..row * t + encoded[i].tags.len()].copy_from_slice(&encoded[i].tags);
            }
            let known: Vec<f32> = indices.iter().map(|&i| if encoded[i].slots_known { 1.0 } else { 0.0 }).collect();
            let output = model.forward(&batch, Some(&mut rng))?;
            let batch_loss = match &model.crf {
                Some(crf) => crf_loss(&output, crf, &batch, &known, &intents, &tags)?,
                None => {
                    let tags = Tensor::from_vec(tags, (b, t), &device)?;
                    let slot_mask = batch.mask.broadcast_mul(&Tensor::from_vec(known, (b, 1, 1), &device)?)?;
                    loss(&output, &slot_mask, &intents, &tags)?
                }
            };
            total_loss += f64::from(batch_loss.to_scalar::<f32>()?);
            let mut grads = batch_loss.backward()?;
            clip_gradients(&mut grads, &vars, config.clip_norm)?;
            optimizer.step(&grads)?;
            if let Some(average) = &mut average {
                average.update(&vars)?;
            }
            bar.inc(1);
            bar.set_message(format!("loss {:.3}", total_loss / bar.position() as f64));
        }
        // With a weight average, dev sees (and a snapshot keeps) the average;
        // training then goes on from the raw weights.
        let raw = match &average {
            Some(average) => Some(average.swap_in(&vars)?),
            None => None,
        };
        let dev_metrics = evaluate(&model, tokenizer, dev, labels)?;
        bar.finish_and_clear();
        let record = EpochRecord {
            epoch,
            train_loss: total_loss / batches.len().max(1) as f64,
            dev_intent_accuracy: dev_metrics.intent_accuracy,
            dev_slot_f1: dev_metrics.slot_f1,
            seconds: started.elapsed().as_secs_f64(),
        };
        if progress {
            eprintln!(
                "epoch {epoch:>2}: loss {:.4}  dev intent {:.2}%  slot F1 {:.2}%  ({:.1}s)",
                record.train_loss,
                100.0 * record.dev_intent_accuracy,
                100.0 * record.dev_slot_f1,
                record.seconds
            );
        }
        history.push(record);
        let dev_score = (dev_metrics.intent_accuracy + dev_metrics.slot_f1) / 2.0;
        if best.as_ref().is_none_or(|(s, _, _)| dev_score > *s) {
            let snapshot = vars.iter().map(|v| v.as_tensor().copy()).collect::<candle_core::Result<Vec<_>>>()?;
            best = Some((dev_score, epoch, snapshot));
        } else if best.as_ref().is_some_and(|(_, e, _)| epoch - e >= config.patience) {
            break;
        }
        if let Some(raw) = raw {
            for (var, tensor) in vars.iter().zip(&raw) {
                var.set(tensor)?;
            }
        }
    }
    let (_, best_epoch, snapshot) = best.context("no epoch ran")?;
    for (var, tensor) in vars.iter().zip(&snapshot) {
        var.set(tensor)?;
    }
    Ok(Trained { model, history, best_epoch })
}

/// An exponential moving average of a model's weights.
struct WeightAverage {
    decay: f64,
    steps: usize,
    tensors: Vec<Tensor>,
}

impl WeightAverage {
    fn new(vars: &[candle_core::Var], decay: f64) -> candle_core::Result<Self> {
        let tensors = vars.iter().map(|v| v.as_tensor().detach().copy()).collect::<candle_core::Result<_>>()?;
        Ok(WeightAverage { decay, steps: 0, tensors })
    }

    /// Folds the current weights in. Early on the decay is lowered
    /// (`(1 + n) / (10 + n)` after `n` steps) so the first weights fade fast.
    fn update(&mut self, vars: &[candle_core::Var]) -> candle_core::Result<()> {
        self.steps += 1;
        let decay = self.decay.min((1 + self.steps) as f64 / (10 + self.steps) as f64);
        for (avg, var) in self.tensors.iter_mut().zip(vars) {
            // Detached: otherwise every average would keep the graph of
            // the one before it, and memory would grow with every step.
            *avg = ((&*avg * decay)? + (var.as_tensor().detach() * (1.0 - decay))?)?.detach();
        }
        Ok(())
    }

    /// Puts the average into `vars` and returns the weights it replaced.
    fn swap_in(&self, vars: &[candle_core::Var]) -> candle_core::Result<Vec<Tensor>> {
        let raw = vars.iter().map(|v| v.as_tensor().copy()).collect::<candle_core::Result<Vec<_>>>()?;
        for (var, avg) in vars.iter().zip(&self.tensors) {
            var.set(avg)?;
        }
        Ok(raw)
    }
}

/// Scores a model on examples.
pub fn evaluate(
    model: &Model,
    tokenizer: &Tokenizer,
    examples: &[Example],
    labels: &Labels,
) -> anyhow::Result<Metrics> {
    let predictions = predict(model, tokenizer, examples, 256)?;
    score(examples, &predictions, labels)
}

fn encode_epoch(
    examples: &[Example],
    tokenizer: &Tokenizer,
    labels: &Labels,
    config: &TrainConfig,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Vec<Encoded>> {
    let mut split_rng = ChaCha8Rng::seed_from_u64(rng.random());
    let unk = tokenizer.vocab().unk_id();
    let mut encoded = Vec::with_capacity(examples.len());
    for example in examples {
        let mut force_split = |_: &str| split_rng.random_bool(config.split_prob);
        let mut e =
            encode(example, tokenizer, labels, &mut force_split).with_context(|| format!("in {:?}", example.text))?;
        for id in e.ids.iter_mut() {
            if rng.random_bool(config.unk_prob) {
                *id = unk;
            }
        }
        if !e.ids.is_empty() {
            encoded.push(e);
        }
    }
    Ok(encoded)
}

/// Shuffled batches of similar length: shuffle, sort within windows of 50
/// batches by length, cut, shuffle the batches.
fn make_batches(encoded: &[Encoded], batch_size: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..encoded.len()).collect();
    order.shuffle(rng);
    let window = batch_size * 50;
    let mut batches = Vec::new();
    for chunk in order.chunks_mut(window) {
        chunk.sort_by_key(|&i| encoded[i].ids.len());
        batches.extend(chunk.chunks(batch_size).map(|c| c.to_vec()));
    }
    batches.shuffle(rng);
    batches
}

fn clip_gradients(
    grads: &mut candle_core::backprop::GradStore,
    vars: &[candle_core::Var],
    max_norm: f64,
) -> anyhow::Result<()> {
    let mut total = 0f64;
    for var in vars {
        if let Some(g) = grads.get(var.as_tensor()) {
            total += f64::from(g.sqr()?.sum_all()?.to_scalar::<f32>()?);
        }
    }
    let norm = total.sqrt();
    if norm > max_norm {
        let scale = max_norm / norm;
        for var in vars {
            if let Some(g) = grads.remove(var.as_tensor()) {
                grads.insert(var.as_tensor(), g.affine(scale, 0.0)?);
            }
        }
    }
    Ok(())
}

/// A progress bar of `len` steps on standard error, labelled `prefix`, with
/// a free message and an estimate of the time left; hidden when `show` is false.
pub fn progress_bar(show: bool, len: usize, prefix: String) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} ({eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(prefix);
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_average_follows_the_weights_and_keeps_no_graph() -> candle_core::Result<()> {
        let device = Device::Cpu;
        let var = candle_core::Var::from_tensor(&Tensor::new(&[0f32, 0.0], &device)?)?;
        let mut average = WeightAverage::new(std::slice::from_ref(&var), 0.5)?;
        var.set(&Tensor::new(&[1f32, 2.0], &device)?)?;
        average.update(std::slice::from_ref(&var))?;
        // First step: the warm-up decay 2/11 is below 0.5.
        let decay = 2.0 / 11.0;
        let got = average.tensors[0].to_vec1::<f32>()?;
        assert!((got[0] - (1.0 - decay)).abs() < 1e-6 && (got[1] - 2.0 * (1.0 - decay)).abs() < 1e-6, "{got:?}");
        for _ in 0..50 {
            average.update(std::slice::from_ref(&var))?;
        }
        let got = average.tensors[0].to_vec1::<f32>()?;
        assert!((got[0] - 1.0).abs() < 1e-3, "the average converges to steady weights: {got:?}");
        // A tracked average would hold every earlier step's graph in memory.
        assert!(average.tensors.iter().all(|t| !t.track_op()));

        let raw = average.swap_in(std::slice::from_ref(&var))?;
        assert_eq!(raw[0].to_vec1::<f32>()?, [1.0, 2.0]);
        assert_eq!(var.as_tensor().to_vec1::<f32>()?, got);
        Ok(())
    }
}

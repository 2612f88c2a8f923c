//! The joint intent + slot model: embedding, bidirectional LSTM, two heads.
//!
//! Weights are kept in ONNX layout so that export is a copy: an LSTM layer
//! direction has `w` `[4H, in]`, `r` `[4H, H]` with gates in ONNX order
//! (input, output, forget, cell) and one bias `[4H]` (exported as `Wb`, with
//! `Rb` zero). The backward direction reads each sentence reversed within its
//! own length, so padding never reaches a real token.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use candle_core::{D, DType, Device, Tensor, Var};
use candle_nn::ops::{log_softmax, sigmoid};
use hearth::bio::TagTransitions;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Sizes and regularisation of a model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Vocabulary size (embedding rows).
    pub vocab: usize,
    /// Embedding width.
    pub embed: usize,
    /// LSTM hidden size per direction.
    pub hidden: usize,
    /// Number of stacked bidirectional layers.
    pub layers: usize,
    /// Number of intents.
    pub intents: usize,
    /// Number of BIO tags.
    pub tags: usize,
    /// Dropout on embeddings and LSTM outputs while training.
    pub dropout: f32,
    /// The intent head also reads the maximum of the top layer's states over
    /// the real tokens, beside their mean (its input is then `4H` wide).
    #[serde(default)]
    pub pool_max: bool,
    /// The slot tags are scored by a linear-chain CRF on top of the slot head
    /// (see [`crate::crf`]) instead of per token.
    #[serde(default)]
    pub crf: bool,
}

impl ModelConfig {
    /// Width of the intent head's input.
    pub fn intent_input(&self) -> usize {
        if self.pool_max { 4 * self.hidden } else { 2 * self.hidden }
    }
}

/// One direction of one LSTM layer.
pub struct LstmDirection {
    /// Input weights `[4H, in]`, gates i, o, f, c.
    pub w: Var,
    /// Recurrent weights `[4H, H]`.
    pub r: Var,
    /// Bias `[4H]`.
    pub b: Var,
}

/// The model's parameters.
pub struct Model {
    /// Its sizes.
    pub config: ModelConfig,
    /// `[vocab, embed]`.
    pub embedding: Var,
    /// Per layer, the forward and backward direction.
    pub layers: Vec<[LstmDirection; 2]>,
    /// `[intents, 2H]`, or `[intents, 4H]` with [`ModelConfig::pool_max`].
    pub intent_w: Var,
    /// `[intents]`.
    pub intent_b: Var,
    /// `[tags, 2H]`.
    pub slot_w: Var,
    /// `[tags]`.
    pub slot_b: Var,
    /// With [`ModelConfig::crf`], the CRF's scores.
    pub crf: Option<CrfScores>,
}

/// A linear-chain CRF's learned scores.
pub struct CrfScores {
    /// `[tags, tags]`: the score of tag `to` right after tag `from`, indexed `[from, to]`.
    pub transitions: Var,
    /// `[tags]`: the score of each tag as the first one.
    pub start: Var,
}

impl CrfScores {
    /// The scores as plain numbers, for [`hearth::bio::decode_tags_crf`].
    pub fn tag_transitions(&self) -> candle_core::Result<TagTransitions> {
        Ok(TagTransitions {
            from_to: self.transitions.as_tensor().to_vec2::<f32>()?,
            start: self.start.as_tensor().to_vec1::<f32>()?,
        })
    }
}

/// What a forward pass gives.
pub struct Output {
    /// `[B, intents]`.
    pub intent_logits: Tensor,
    /// `[B, T, tags]`.
    pub slot_logits: Tensor,
    /// `[B, 2H]`: the mean of the top layer's states over the real tokens.
    pub embedding: Tensor,
}

/// A padded batch.
pub struct Batch {
    /// `[B, T]` token ids, padded with 0.
    pub ids: Tensor,
    /// Real length of each row.
    pub lengths: Vec<usize>,
    /// `[B, T]` indices that reverse each row within its length.
    pub reverse: Tensor,
    /// `[B, T, 1]`: 1 for real tokens, 0 for padding.
    pub mask: Tensor,
}

impl Batch {
    /// Pads `rows` of token ids into a batch.
    pub fn new(rows: &[&[u32]], device: &Device) -> candle_core::Result<Self> {
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(1).max(1);
        let mut ids = Vec::with_capacity(rows.len() * width);
        let mut reverse = Vec::with_capacity(rows.len() * width);
        let mut mask = Vec::with_capacity(rows.len() * width);
        for row in rows {
            let len = row.len();
            for t in 0..width {
                ids.push(row.get(t).copied().unwrap_or(0));
                reverse.push(if t < len { (len - 1 - t) as u32 } else { t as u32 });
                mask.push(if t < len { 1f32 } else { 0f32 });
            }
        }
        let shape = (rows.len(), width);
        Ok(Batch {
            ids: Tensor::from_vec(ids, shape, device)?,
            lengths: rows.iter().map(|r| r.len()).collect(),
            reverse: Tensor::from_vec(reverse, shape, device)?,
            mask: Tensor::from_vec(mask, (rows.len(), width, 1), device)?,
        })
    }
}

fn uniform(rng: &mut ChaCha8Rng, shape: &[usize], bound: f32, device: &Device) -> candle_core::Result<Var> {
    let n: usize = shape.iter().product();
    let data: Vec<f32> = (0..n).map(|_| rng.random_range(-bound..bound)).collect();
    Var::from_tensor(&Tensor::from_vec(data, shape, device)?)
}

impl Model {
    /// A freshly initialised model; the same seed gives the same weights.
    pub fn new(config: ModelConfig, rng: &mut ChaCha8Rng, device: &Device) -> candle_core::Result<Self> {
        let h = config.hidden;
        let bound = 1.0 / (h as f32).sqrt();
        let embedding = uniform(rng, &[config.vocab, config.embed], 0.1, device)?;
        let mut layers = Vec::new();
        for layer in 0..config.layers {
            let input = if layer == 0 { config.embed } else { 2 * h };
            let mut direction = || -> candle_core::Result<LstmDirection> {
                let w = uniform(rng, &[4 * h, input], bound, device)?;
                let r = uniform(rng, &[4 * h, h], bound, device)?;
                // Forget-gate bias 1: remember by default at the start of training.
                let bias: Vec<f32> = (0..4 * h).map(|i| if (2 * h..3 * h).contains(&i) { 1.0 } else { 0.0 }).collect();
                let b = Var::from_tensor(&Tensor::from_vec(bias, 4 * h, device)?)?;
                Ok(LstmDirection { w, r, b })
            };
            layers.push([direction()?, direction()?]);
        }
        let head_bound = (6.0 / (config.intent_input() + config.intents) as f32).sqrt();
        let intent_w = uniform(rng, &[config.intents, config.intent_input()], head_bound, device)?;
        let intent_b = Var::zeros(config.intents, DType::F32, device)?;
        let head_bound = (6.0 / (2 * h + config.tags) as f32).sqrt();
        let slot_w = uniform(rng, &[config.tags, 2 * h], head_bound, device)?;
        let slot_b = Var::zeros(config.tags, DType::F32, device)?;
        let crf = if config.crf {
            Some(CrfScores {
                transitions: Var::zeros((config.tags, config.tags), DType::F32, device)?,
                start: Var::zeros(config.tags, DType::F32, device)?,
            })
        } else {
            None
        };
        Ok(Model { config, embedding, layers, intent_w, intent_b, slot_w, slot_b, crf })
    }

    /// Every parameter with its name, in a fixed order.
    pub fn named_vars(&self) -> Vec<(String, &Var)> {
        let mut vars = vec![("embedding".to_string(), &self.embedding)];
        for (l, layer) in self.layers.iter().enumerate() {
            for (d, dir) in layer.iter().enumerate() {
                let name = if d == 0 { "fwd" } else { "bwd" };
                vars.push((format!("lstm{l}.{name}.w"), &dir.w));
                vars.push((format!("lstm{l}.{name}.r"), &dir.r));
                vars.push((format!("lstm{l}.{name}.b"), &dir.b));
            }
        }
        vars.push(("intent.w".into(), &self.intent_w));
        vars.push(("intent.b".into(), &self.intent_b));
        vars.push(("slot.w".into(), &self.slot_w));
        vars.push(("slot.b".into(), &self.slot_b));
        if let Some(crf) = &self.crf {
            vars.push(("crf.transitions".into(), &crf.transitions));
            vars.push(("crf.start".into(), &crf.start));
        }
        vars
    }

    /// Number of parameters.
    pub fn n_params(&self) -> usize {
        self.named_vars().iter().map(|(_, v)| v.elem_count()).sum()
    }

    /// Saves the weights as safetensors.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let tensors: HashMap<String, Tensor> =
            self.named_vars().into_iter().map(|(name, var)| (name, var.as_tensor().clone())).collect();
        candle_core::safetensors::save(&tensors, path).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Loads weights saved by [`Model::save`] into a model of `config`.
    pub fn load(config: ModelConfig, path: &Path, device: &Device) -> anyhow::Result<Self> {
        let mut tensors = candle_core::safetensors::load(path, device)
            .with_context(|| format!("cannot read weights {}", path.display()))?;
        let mut rng = rand::SeedableRng::seed_from_u64(0);
        let model = Model::new(config, &mut rng, device)?;
        for (name, var) in model.named_vars() {
            let Some(tensor) = tensors.remove(&name) else { bail!("{}: no tensor {name:?}", path.display()) };
            if tensor.dims() != var.dims() {
                bail!("{}: tensor {name:?} is {:?}, the model needs {:?}", path.display(), tensor.dims(), var.dims());
            }
            var.set(&tensor)?;
        }
        Ok(model)
    }

    /// Runs the model. With `dropout_rng`, applies dropout (training).
    pub fn forward(&self, batch: &Batch, mut dropout_rng: Option<&mut ChaCha8Rng>) -> candle_core::Result<Output> {
        let (b, t) = batch.ids.dims2()?;
        let mut x =
            self.embedding.as_tensor().embedding(&batch.ids.flatten_all()?)?.reshape((b, t, self.config.embed))?;
        x = self.dropout(x, dropout_rng.as_deref_mut())?;
        for [fwd, bwd] in &self.layers {
            let forward = run_direction(fwd, &x)?;
            let reversed = reverse_rows(&x, &batch.reverse)?;
            let backward = reverse_rows(&run_direction(bwd, &reversed)?, &batch.reverse)?;
            x = Tensor::cat(&[forward, backward], 2)?;
            x = self.dropout(x, dropout_rng.as_deref_mut())?;
        }
        let width = x.dim(2)?;
        let lengths: Vec<f32> = batch.lengths.iter().map(|&l| l.max(1) as f32).collect();
        let lengths = Tensor::from_vec(lengths, (b, 1), x.device())?;
        let embedding = x.broadcast_mul(&batch.mask)?.sum(1)?.broadcast_div(&lengths)?;
        let pooled = if self.config.pool_max {
            // Padding is pushed far below any state (states lie in (-1, 1)).
            let max = x.broadcast_add(&batch.mask.affine(1e4, -1e4)?)?.max(1)?;
            Tensor::cat(&[&embedding, &max], 1)?
        } else {
            embedding.clone()
        };
        let intent_logits = pooled.matmul(&self.intent_w.t()?)?.broadcast_add(&self.intent_b)?;
        let slot_logits = x
            .reshape((b * t, width))?
            .matmul(&self.slot_w.t()?)?
            .broadcast_add(&self.slot_b)?
            .reshape((b, t, self.config.tags))?;
        Ok(Output { intent_logits, slot_logits, embedding })
    }

    fn dropout(&self, x: Tensor, rng: Option<&mut ChaCha8Rng>) -> candle_core::Result<Tensor> {
        let p = self.config.dropout;
        let Some(rng) = rng else { return Ok(x) };
        if p <= 0.0 {
            return Ok(x);
        }
        let keep = 1.0 / (1.0 - p);
        let mask: Vec<f32> = (0..x.elem_count()).map(|_| if rng.random::<f32>() < p { 0.0 } else { keep }).collect();
        x.mul(&Tensor::from_vec(mask, x.shape(), x.device())?)
    }
}

/// Reorders each row's time steps by `index` (`[B, T]`).
fn reverse_rows(x: &Tensor, index: &Tensor) -> candle_core::Result<Tensor> {
    let (b, t, f) = x.dims3()?;
    let index = index.unsqueeze(2)?.broadcast_as((b, t, f))?.contiguous()?;
    x.gather(&index, 1)
}

/// One LSTM direction over `[B, T, in]`, giving `[B, T, H]`. The input
/// projection for all steps is one matrix product; only `h · Rᵀ` is per step.
fn run_direction(dir: &LstmDirection, x: &Tensor) -> candle_core::Result<Tensor> {
    let (b, t, input) = x.dims3()?;
    let h_size = dir.r.dim(1)?;
    let projected =
        x.reshape((b * t, input))?.matmul(&dir.w.t()?)?.broadcast_add(&dir.b)?.reshape((b, t, 4 * h_size))?;
    let r_t = dir.r.t()?;
    let mut h = Tensor::zeros((b, h_size), DType::F32, x.device())?;
    let mut c = h.clone();
    let mut outputs = Vec::with_capacity(t);
    for step in 0..t {
        let gates = projected.narrow(1, step, 1)?.squeeze(1)?.add(&h.matmul(&r_t)?)?;
        let sig = sigmoid(&gates.narrow(1, 0, 3 * h_size)?)?;
        let input_gate = sig.narrow(1, 0, h_size)?;
        let output_gate = sig.narrow(1, h_size, h_size)?;
        let forget_gate = sig.narrow(1, 2 * h_size, h_size)?;
        let cell = gates.narrow(1, 3 * h_size, h_size)?.tanh()?;
        c = forget_gate.mul(&c)?.add(&input_gate.mul(&cell)?)?;
        h = output_gate.mul(&c.tanh()?)?;
        outputs.push(h.clone());
    }
    Tensor::stack(&outputs, 1)
}

/// Joint loss: intent cross-entropy plus the slot cross-entropy averaged over
/// the tokens of `slot_mask` (`[B, T, 1]`: 1 for real tokens of examples whose
/// slots are labelled, 0 for padding and for intent-only examples).
pub fn loss(output: &Output, slot_mask: &Tensor, intents: &Tensor, tags: &Tensor) -> candle_core::Result<Tensor> {
    let intent_loss = candle_nn::loss::cross_entropy(&output.intent_logits, intents)?;
    intent_loss.add(&token_loss(output, slot_mask, tags)?)
}

/// The slot loss of a model with a CRF: the gold sequences' negative
/// log-likelihood (see [`crate::crf::nll`]) over the rows whose `known` entry
/// is 1, divided by their number of tokens so that it weighs like the
/// per-token loss; plus the intent cross-entropy. `tags` is `[B * T]` row-major.
pub fn crf_loss(
    output: &Output,
    crf: &CrfScores,
    batch: &Batch,
    known: &[f32],
    intents: &Tensor,
    tags: &[u32],
) -> candle_core::Result<Tensor> {
    let intent_loss = candle_nn::loss::cross_entropy(&output.intent_logits, intents)?;
    let tokens: usize = batch.lengths.iter().zip(known).filter(|(_, k)| **k != 0.0).map(|(l, _)| *l).sum();
    let nll = crate::crf::nll(
        &output.slot_logits,
        &batch.lengths,
        tags,
        known,
        crf.transitions.as_tensor(),
        crf.start.as_tensor(),
    )?;
    intent_loss.add(&nll.affine(1.0 / tokens.max(1) as f64, 0.0)?)
}

/// The slot cross-entropy averaged over the tokens of `slot_mask`.
fn token_loss(output: &Output, slot_mask: &Tensor, tags: &Tensor) -> candle_core::Result<Tensor> {
    let (b, t, n_tags) = output.slot_logits.dims3()?;
    let log_probs = log_softmax(&output.slot_logits.reshape((b * t, n_tags))?, D::Minus1)?;
    let picked = log_probs.gather(&tags.reshape((b * t, 1))?, 1)?;
    let mask = slot_mask.reshape((b * t, 1))?;
    let count = mask.sum_all()?.maximum(1f32)?;
    picked.mul(&mask)?.sum_all()?.neg()?.broadcast_div(&count)
}

//! The NLU network run by tract: token ids in; intent logits, slot logits and
//! the sentence embedding out.
//!
//! The runtime reads the model in tract's NNEF form (`.nnef.tgz`, `.nnef.tar`
//! or a folder), which `hearth-quantize --nnef` writes from the ONNX file.
//! ONNX files load too when the crate is built with the `onnx` feature, which
//! training and quantisation use; the device build leaves tract's ONNX front
//! end out.

use std::path::Path;

use tract_nnef::prelude::*;

use crate::bio::TagTransitions;

/// Errors from loading or running the network.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// The file is missing, not a model, or not a graph tract can run.
    #[error("cannot load model {path}: {message}")]
    Load {
        /// The file.
        path: String,
        /// tract's explanation.
        message: String,
    },
    /// The graph does not have the inputs and outputs hearth expects.
    #[error("model {path} has the wrong shape: {message}")]
    Shape {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Running the graph failed.
    #[error("running the model failed: {0}")]
    Run(String),
}

/// What the network says about one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct RawOutput {
    /// One logit per intent.
    pub intent_logits: Vec<f32>,
    /// Per token, one logit per BIO tag.
    pub slot_logits: Vec<Vec<f32>>,
    /// The sentence embedding.
    pub embedding: Vec<f32>,
}

/// A loaded, optimised network with one reusable execution state.
pub struct Network {
    plan: Arc<TypedRunnableModel>,
    n_intents: usize,
    n_tags: usize,
    transitions: Option<TagTransitions>,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("n_intents", &self.n_intents)
            .field("n_tags", &self.n_tags)
            .field("crf", &self.transitions.is_some())
            .finish()
    }
}

impl Network {
    /// Loads and optimises a model with input `tokens` `[1, T]` (int64) and
    /// outputs `[1, intents]`, `[1, T, tags]`, `[1, E]`, and for a model with
    /// a CRF two more constant ones, `[tags, tags]` transition and `[tags]`
    /// start scores, which are read once here. A path ending in
    /// `.onnx` is read as ONNX (only with the `onnx` feature); anything else
    /// as NNEF.
    pub fn load(path: &Path) -> Result<Self, NetworkError> {
        let shown = path.display().to_string();
        let load = |e: TractError| NetworkError::Load { path: shown.clone(), message: format!("{e:#}") };
        let typed = if is_onnx(path) {
            load_onnx(path).map_err(|e| match e {
                OnnxLoad::Tract(e) => load(e),
                OnnxLoad::NotBuiltIn => NetworkError::Load {
                    path: shown.clone(),
                    message: "this build reads NNEF models only (built without the `onnx` feature); \
                              convert the file with `hearth-quantize --nnef`"
                        .into(),
                },
            })?
        } else {
            if !path.exists() {
                return Err(NetworkError::Load { path: shown, message: "no such file or folder".into() });
            }
            tract_nnef::nnef().model_for_path(path).map_err(load)?
        };
        let shape = |message: String| NetworkError::Shape { path: shown.clone(), message };
        if typed.inputs.len() != 1 || !(typed.outputs.len() == 3 || typed.outputs.len() == 5) {
            return Err(shape(format!(
                "{} inputs and {} outputs, expected 1 and 3 (or 5 with a CRF)",
                typed.inputs.len(),
                typed.outputs.len()
            )));
        }
        let fixed = |outlet: usize, axis: usize| -> Result<usize, NetworkError> {
            let fact = typed.output_fact(outlet).map_err(load)?;
            fact.shape
                .get(axis)
                .and_then(|d| d.to_i64().ok())
                .map(|d| d as usize)
                .ok_or_else(|| shape(format!("output {outlet} has no fixed axis {axis}")))
        };
        let n_intents = fixed(0, 1)?;
        let n_tags = fixed(1, 2)?;
        let (typed, transitions) = if typed.outputs.len() == 5 {
            let mut typed = typed.into_decluttered().map_err(load)?;
            let constant = |outlet: usize, shape_wanted: &[usize]| -> Result<Vec<f32>, NetworkError> {
                let fact = typed.output_fact(outlet).map_err(load)?;
                let value = fact
                    .konst
                    .as_ref()
                    .ok_or_else(|| shape(format!("output {outlet} (CRF scores) is not a constant")))?;
                let value = value.cast_to::<f32>().map_err(load)?;
                if value.shape() != shape_wanted {
                    return Err(shape(format!(
                        "output {outlet} (CRF scores) is {:?}, expected {shape_wanted:?}",
                        value.shape()
                    )));
                }
                value.try_as_plain_ram().and_then(|v| v.as_slice::<f32>().map(<[f32]>::to_vec)).map_err(load)
            };
            let from_to = constant(3, &[n_tags, n_tags])?.chunks(n_tags.max(1)).map(<[f32]>::to_vec).collect();
            let start = constant(4, &[n_tags])?;
            // The scores are known now; running the graph need not copy them out.
            let outputs = typed.outputs[..3].to_vec();
            typed.select_output_outlets(&outputs).map_err(load)?;
            (typed, Some(TagTransitions { from_to, start }))
        } else {
            (typed, None)
        };
        let plan = typed.into_optimized().map_err(load)?.into_runnable().map_err(load)?;
        Ok(Network { plan, n_intents, n_tags, transitions })
    }

    /// Number of intents the network scores.
    pub fn n_intents(&self) -> usize {
        self.n_intents
    }

    /// Number of BIO tags the network scores.
    pub fn n_tags(&self) -> usize {
        self.n_tags
    }

    /// The CRF's scores, for a model with a CRF: slot logits are then decoded
    /// with [`crate::bio::decode_tags_crf`].
    pub fn transitions(&self) -> Option<&TagTransitions> {
        self.transitions.as_ref()
    }

    /// Runs the network on token ids (at least one).
    pub fn run(&self, ids: &[u32]) -> Result<RawOutput, NetworkError> {
        if ids.is_empty() {
            return Err(NetworkError::Run("no tokens".into()));
        }
        let input: Vec<i64> = ids.iter().map(|&i| i64::from(i)).collect();
        let tensor = Tensor::from_shape(&[1, ids.len()], &input).map_err(|e| NetworkError::Run(format!("{e:#}")))?;
        let run = |e: TractError| NetworkError::Run(format!("{e:#}"));
        // A state keeps the recurrent layers' values between runs, so each
        // utterance gets a fresh one.
        let mut state = self.plan.spawn().map_err(run)?;
        let outputs = state.run(tvec!(tensor.into())).map_err(run)?;
        let view = |i: usize| -> Result<Vec<f32>, NetworkError> {
            let t = outputs.get(i).ok_or_else(|| NetworkError::Run(format!("output {i} missing")))?;
            let plain = t.try_as_plain_ram().map_err(|e| NetworkError::Run(format!("{e:#}")))?;
            Ok(plain.as_slice::<f32>().map_err(|e| NetworkError::Run(format!("{e:#}")))?.to_vec())
        };
        let intent_logits = view(0)?;
        let flat_slots = view(1)?;
        let embedding = view(2)?;
        if intent_logits.len() != self.n_intents || flat_slots.len() != ids.len() * self.n_tags {
            return Err(NetworkError::Run("output sizes do not match the model".into()));
        }
        let slot_logits = flat_slots.chunks(self.n_tags).map(<[f32]>::to_vec).collect();
        Ok(RawOutput { intent_logits, slot_logits, embedding })
    }
}

/// Whether `path` names an ONNX file (by its extension).
pub fn is_onnx(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("onnx"))
}

/// Why an ONNX file did not load.
enum OnnxLoad {
    /// tract could not read or type it.
    #[cfg_attr(not(feature = "onnx"), allow(dead_code))]
    Tract(TractError),
    /// This build has no ONNX front end.
    #[cfg_attr(feature = "onnx", allow(dead_code))]
    NotBuiltIn,
}

#[cfg(feature = "onnx")]
fn load_onnx(path: &Path) -> Result<TypedModel, OnnxLoad> {
    use tract_onnx::prelude::Framework as _;
    let model = tract_onnx::onnx().model_for_path(path).map_err(OnnxLoad::Tract)?;
    tract_onnx::prelude::InferenceModelExt::into_typed(model).map_err(OnnxLoad::Tract)
}

#[cfg(not(feature = "onnx"))]
fn load_onnx(_path: &Path) -> Result<TypedModel, OnnxLoad> {
    Err(OnnxLoad::NotBuiltIn)
}

//! Running a token-id model in tract the way the runtime does: loaded,
//! typed, optimised, one fresh state per utterance.

use std::time::{Duration, Instant};

use prost::Message;
use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

use crate::error::{QuantError, Result};

/// `model` loaded into tract and typed, with its input fixed to one
/// utterance of any length: `[1, T]` token ids, whatever the file declares.
/// `what` names it in errors.
pub fn typed(model: &ModelProto, what: &str) -> Result<TypedModel> {
    let tract = |stage: &str, e: TractError| QuantError::tract(format!("{stage} {what}"), e);
    let bytes = model.encode_to_vec();
    let mut inference = tract_onnx::onnx().model_for_read(&mut bytes.as_slice()).map_err(|e| tract("loading", e))?;
    let length = inference.symbols.sym("T");
    let fact = InferenceFact::dt_shape(i64::datum_type(), tvec![1.to_dim(), length.to_dim()]);
    inference = inference.with_input_fact(0, fact).map_err(|e| tract("loading", e))?;
    inference.into_typed().map_err(|e| tract("typing", e))
}

/// One output of a run: shape and values.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The shape.
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub values: Vec<f32>,
}

/// An optimised tract plan of a model with one int64 `[1, T]` input.
pub struct TokenModel {
    plan: Arc<TypedRunnableModel>,
    /// What the model is, for errors (`"the int8 model out.onnx"`).
    pub what: String,
    /// Time taken to load, type and optimise the model.
    pub load_time: Duration,
}

impl std::fmt::Debug for TokenModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenModel").field("what", &self.what).finish()
    }
}

impl TokenModel {
    /// Loads `model` into tract and optimises it. `what` names it in errors.
    pub fn new(model: &ModelProto, what: &str) -> Result<Self> {
        let start = Instant::now();
        let tract = |stage: &str, e: TractError| QuantError::tract(format!("{stage} {what}"), e);
        let typed = typed(model, what)?;
        let optimized = typed.into_optimized().map_err(|e| tract("optimising", e))?;
        let plan = optimized.into_runnable().map_err(|e| tract("planning", e))?;
        Ok(TokenModel { plan, what: what.to_string(), load_time: start.elapsed() })
    }

    /// Loads an NNEF model (archive or folder) and optimises it.
    pub fn from_nnef(path: &std::path::Path, what: &str) -> Result<Self> {
        let start = Instant::now();
        let tract = |stage: &str, e: TractError| QuantError::tract(format!("{stage} {what}"), e);
        let typed = tract_nnef::nnef().model_for_path(path).map_err(|e| tract("loading", e))?;
        let optimized = typed.into_optimized().map_err(|e| tract("optimising", e))?;
        let plan = optimized.into_runnable().map_err(|e| tract("planning", e))?;
        Ok(TokenModel { plan, what: what.to_string(), load_time: start.elapsed() })
    }

    /// The optimised model tract runs.
    pub fn optimized(&self) -> &TypedModel {
        self.plan.model()
    }

    /// The runnable plan.
    pub fn plan(&self) -> &Arc<TypedRunnableModel> {
        &self.plan
    }

    /// The input tensor for `ids`.
    pub fn input(ids: &[i64]) -> Result<TValue> {
        let tensor =
            Tensor::from_shape(&[1, ids.len()], ids).map_err(|e| QuantError::tract("building the input", e))?;
        Ok(tensor.into_tvalue())
    }

    /// Runs the model on `ids` (at least one) and returns every output as float.
    pub fn run(&self, ids: &[i64]) -> Result<Vec<Output>> {
        let run = |e: TractError| QuantError::tract(format!("running {} on {} tokens", self.what, ids.len()), e);
        let mut state = self.plan.spawn().map_err(run)?;
        let outputs = state.run(tvec!(Self::input(ids)?)).map_err(run)?;
        outputs
            .iter()
            .map(|t| {
                let t = t.cast_to::<f32>().map_err(run)?;
                let plain = t.try_as_plain_ram().map_err(run)?;
                Ok(Output { shape: t.shape().to_vec(), values: plain.as_slice::<f32>().map_err(run)?.to_vec() })
            })
            .collect()
    }
}

/// The error of each output of `approx` against `reference` over `inputs`,
/// with the output names of the graph.
pub fn output_error(
    reference: &TokenModel,
    approx: &TokenModel,
    names: &[String],
    inputs: &[Vec<i64>],
) -> Result<Vec<(String, crate::quant::ErrorStats)>> {
    let mut acc = vec![crate::quant::ErrorAccumulator::default(); names.len()];
    for ids in inputs {
        let (a, b) = (reference.run(ids)?, approx.run(ids)?);
        for ((x, y), acc) in a.iter().zip(&b).zip(acc.iter_mut()) {
            acc.add(&x.values, &y.values);
        }
    }
    Ok(names.iter().cloned().zip(acc.iter().map(|a| a.finish())).collect())
}

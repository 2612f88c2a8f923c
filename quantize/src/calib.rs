//! Calibration: the float model run on calibration utterances with chosen
//! intermediate tensors exposed, and a symmetric int8 scale chosen for each.

use std::collections::HashMap;

use serde::Serialize;
use tract_onnx::pb::{ModelProto, tensor_proto::DataType};

use crate::error::{QuantError, Result};
use crate::proto;
use crate::quant::{ErrorAccumulator, ErrorStats, RangeMethod, fake_quantize, range_of, symmetric_scale};
use crate::runner::TokenModel;
use crate::tensors::{ACTIVATION_REL_RMSE_BUDGET, TensorReport};

/// The range chosen for one activation tensor.
#[derive(Debug, Clone, Serialize)]
pub struct ActivationRange {
    /// The tensor.
    pub tensor: String,
    /// Largest magnitude seen.
    pub abs_max: f32,
    /// The magnitude mapped to code 127.
    pub range: f32,
    /// The int8 scale (`range / 127`).
    pub scale: f32,
    /// Share of values beyond `range` (saturated).
    pub clipped: f64,
    /// Error of quantise-dequantise over the calibration values.
    pub error: ErrorStats,
    /// Number of values seen.
    pub n: usize,
}

impl ActivationRange {
    /// The report line of this activation.
    pub fn report(&self, method: RangeMethod) -> TensorReport {
        TensorReport {
            name: self.tensor.clone(),
            role: "activation".into(),
            shape: vec![],
            granularity: format!(
                "int8 per tensor, {method}: range {:.4} of max {:.4}, {:.4}% clipped",
                self.range,
                self.abs_max,
                self.clipped * 100.0
            ),
            error: self.error,
            max_abs_budget: None,
            rel_rmse_budget: ACTIVATION_REL_RMSE_BUDGET,
        }
    }
}

/// Runs `model` on every sequence of `inputs` and returns the range of each of
/// `tensors` (names of values inside the graph) under `method`.
pub fn calibrate(
    model: &ModelProto,
    tensors: &[String],
    inputs: &[Vec<i64>],
    method: RangeMethod,
) -> Result<HashMap<String, ActivationRange>> {
    if inputs.is_empty() {
        return Err(QuantError::Data {
            path: "calibration set".into(),
            line: 0,
            message: "no utterance has a token".into(),
        });
    }
    let mut exposed = model.clone();
    let graph = exposed.graph.as_mut().ok_or_else(|| QuantError::tensor("graph", "missing"))?;
    let first = graph.output.len();
    for name in tensors {
        graph.output.push(proto::value_info(name, DataType::Float, None));
    }
    let runner = TokenModel::new(&exposed, "the float model with calibration outputs")?;
    let mut values: Vec<Vec<f32>> = vec![Vec::new(); tensors.len()];
    for ids in inputs {
        let outputs = runner.run(ids)?;
        for (k, out) in outputs.into_iter().skip(first).enumerate() {
            values[k].extend(out.values);
        }
    }
    let mut ranges = HashMap::new();
    for (name, vals) in tensors.iter().zip(values) {
        let mut abs: Vec<f32> = vals.iter().map(|v| v.abs()).collect();
        let abs_max = range_of(&mut abs, RangeMethod::MinMax);
        let range = range_of(&mut abs, method);
        let scale = symmetric_scale(range);
        let mut acc = ErrorAccumulator::default();
        for chunk in vals.chunks(4096) {
            acc.add(chunk, &fake_quantize(chunk, scale));
        }
        let clipped = abs.iter().filter(|&&a| a > range).count() as f64 / abs.len().max(1) as f64;
        ranges.insert(
            name.clone(),
            ActivationRange {
                tensor: name.clone(),
                abs_max,
                range,
                scale,
                clipped,
                error: acc.finish(),
                n: vals.len(),
            },
        );
    }
    Ok(ranges)
}

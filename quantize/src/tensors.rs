//! Weight tensors made int8: which initializers can be quantised, with which
//! channel axis, the int8 initializers that replace them, and the error each
//! one carries against the named budgets.

use std::collections::HashMap;

use serde::Serialize;
use tract_onnx::pb::{GraphProto, NodeProto, TensorProto, tensor_proto::DataType};

use crate::error::{QuantError, Result};
use crate::graph::Names;
use crate::proto;
use crate::quant::{ChannelAxis, ErrorStats, Quantized, quantize_per_channel};

/// Budget: a weight's RMSE after quantisation, relative to its RMS.
pub const WEIGHT_REL_RMSE_BUDGET: f64 = 0.02;
/// Budget: an activation's RMSE after quantisation (clipping included),
/// relative to its RMS, on the calibration set.
pub const ACTIVATION_REL_RMSE_BUDGET: f64 = 0.05;

/// How a weight is read by the node that uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightUse {
    /// The table of a `Gather` on axis 0: one scale per row (token).
    Embedding,
    /// The `[K, N]` right operand of a `MatMul` or `Gemm`: one scale per column.
    MatrixKn,
    /// The `[N, K]` operand of a `Gemm` with `transB = 1`: one scale per row.
    MatrixNk,
    /// `W` or `R` of `LSTM`, `GRU` or `RNN`, `[D, gates * H, I]`: one scale per
    /// gate row of each direction.
    Recurrent,
}

impl WeightUse {
    /// How `node` reads its input `slot`, if that is a weight use.
    pub fn of(node: &NodeProto, slot: usize) -> Option<WeightUse> {
        match (node.op_type.as_str(), slot) {
            ("Gather", 0) if proto::attr_int(node, "axis", 0) == 0 => Some(WeightUse::Embedding),
            ("MatMul", 1) => Some(WeightUse::MatrixKn),
            ("Gemm", 1) if proto::attr_int(node, "transB", 0) == 1 => Some(WeightUse::MatrixNk),
            ("Gemm", 1) => Some(WeightUse::MatrixKn),
            ("LSTM" | "GRU" | "RNN", 1 | 2) => Some(WeightUse::Recurrent),
            _ => None,
        }
    }

    /// The expected rank and the channel axis of the 2-D view.
    fn layout(self) -> (usize, ChannelAxis) {
        match self {
            WeightUse::Embedding | WeightUse::MatrixNk => (2, ChannelAxis::Rows),
            WeightUse::MatrixKn => (2, ChannelAxis::Cols),
            WeightUse::Recurrent => (3, ChannelAxis::Rows),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            WeightUse::Embedding => "per row (token)",
            WeightUse::MatrixKn => "per output column",
            WeightUse::MatrixNk => "per output row",
            WeightUse::Recurrent => "per gate row and direction",
        }
    }
}

/// The quantisation error of one tensor, with its budgets.
#[derive(Debug, Clone, Serialize)]
pub struct TensorReport {
    /// The tensor name in the float model.
    pub name: String,
    /// What it is: `weight`, `embedding`, `activation`.
    pub role: String,
    /// Its shape (activations: empty).
    pub shape: Vec<usize>,
    /// Scale granularity, in words.
    pub granularity: String,
    /// Error of the dequantised tensor against the float one.
    pub error: ErrorStats,
    /// Budget for `error.max_abs` (half the largest quantisation step for
    /// weights: rounding can do no worse); none for clipped activations.
    pub max_abs_budget: Option<f64>,
    /// Budget for `error.rmse / error.rms`.
    pub rel_rmse_budget: f64,
}

impl TensorReport {
    /// Whether the error is within both budgets.
    ///
    /// The max-error budget allows the f32 roundings of `value / step` and
    /// `code * step`: together at most `(|value| + |back|) * eps`, and both
    /// magnitudes are under `128 * step`, so `512 * eps` of half a step.
    pub fn within_budget(&self) -> bool {
        let slack = 512.0 * f64::from(f32::EPSILON);
        let max_ok = self.max_abs_budget.is_none_or(|b| self.error.max_abs <= b * (1.0 + slack) + 1e-12);
        max_ok && self.error.relative_rmse() <= self.rel_rmse_budget
    }
}

/// A float initializer that a rewrite wanted to quantise but kept in float.
#[derive(Debug, Clone, Serialize)]
pub struct KeptFloat {
    /// The tensor name.
    pub name: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// Why.
    pub reason: String,
}

/// A weight made int8, as the graph now holds it.
#[derive(Debug, Clone)]
pub struct QuantizedWeight {
    /// The float values, as they were.
    pub float: Vec<f32>,
    /// The float shape.
    pub shape: Vec<usize>,
    /// The codes and scales (codes in the float layout).
    pub q: Quantized,
    /// How the weight is read.
    pub usage: WeightUse,
    /// The name of the int8 initializer.
    pub codes_name: String,
}

impl QuantizedWeight {
    /// Quantises the float initializer `tensor` for `usage`.
    pub fn new(tensor: &TensorProto, usage: WeightUse, names: &mut Names) -> Result<Self> {
        let shape = proto::dims(tensor);
        let (rank, axis) = usage.layout();
        if shape.len() != rank {
            return Err(QuantError::tensor(
                &tensor.name,
                format!("is read as {} but has shape {shape:?} (rank {rank} expected)", usage.describe()),
            ));
        }
        let float = proto::f32_values(tensor)?;
        let cols = *shape.last().unwrap_or(&1);
        let q = quantize_per_channel(&float, cols, axis);
        let codes_name = names.fresh(&format!("{}_i8", tensor.name));
        Ok(QuantizedWeight { float, shape, q, usage, codes_name })
    }

    /// The report line of this weight.
    pub fn report(&self, name: &str) -> TensorReport {
        let deq = self.q.dequantize();
        let largest_step = self.q.scales.iter().copied().fold(0f32, f32::max);
        TensorReport {
            name: name.to_string(),
            role: if self.usage == WeightUse::Embedding { "embedding".into() } else { "weight".into() },
            shape: self.shape.clone(),
            granularity: format!("int8, {} ({} scales)", self.usage.describe(), self.q.scales.len()),
            error: ErrorStats::between(&self.float, &deq),
            max_abs_budget: Some(f64::from(largest_step) / 2.0),
            rel_rmse_budget: WEIGHT_REL_RMSE_BUDGET,
        }
    }

    /// The int8 initializer in the float shape, or reshaped to `dims`.
    pub fn codes_tensor(&self, dims: Option<&[usize]>) -> TensorProto {
        proto::i8_tensor(&self.codes_name, dims.unwrap_or(&self.shape), &self.q.codes)
    }
}

/// Which float initializers of `graph` can be quantised, and for which use.
/// An initializer qualifies when it is float and every reader uses it the same
/// way; the others that some node reads as a weight are returned as kept.
pub fn plan(graph: &GraphProto) -> (HashMap<String, WeightUse>, Vec<KeptFloat>) {
    let inits: HashMap<&str, &TensorProto> = graph.initializer.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut uses: HashMap<&str, Vec<Option<WeightUse>>> = HashMap::new();
    for node in &graph.node {
        for (slot, input) in node.input.iter().enumerate() {
            if inits.contains_key(input.as_str()) {
                uses.entry(input.as_str()).or_default().push(WeightUse::of(node, slot));
            }
        }
    }
    for output in &graph.output {
        if inits.contains_key(output.name.as_str()) {
            uses.entry(output.name.as_str()).or_default().push(None);
        }
    }
    let mut chosen = HashMap::new();
    let mut kept = Vec::new();
    for (name, readers) in uses {
        let tensor = inits[name];
        let Some(first) = readers.iter().flatten().next().copied() else { continue };
        let is_float = tensor.data_type == DataType::Float as i32;
        if is_float && readers.iter().all(|u| *u == Some(first)) {
            chosen.insert(name.to_string(), first);
        } else {
            let reason = if !is_float {
                format!("element type {}", proto::type_name(tensor.data_type))
            } else {
                "read in more than one way (as a weight and otherwise, or with different channel axes)".into()
            };
            kept.push(KeptFloat { name: name.to_string(), bytes: proto::data_bytes(tensor), reason });
        }
    }
    kept.sort_by(|a, b| a.name.cmp(&b.name));
    (chosen, kept)
}

/// Nodes reading `table` through an int8 table: `Gather` of the codes, `Cast`
/// to float, times the gathered per-row scale. `out` is the `Gather`'s output.
pub fn embedding_nodes(
    weight: &QuantizedWeight,
    scales_name: &str,
    indices: &str,
    out: &str,
    names: &mut Names,
) -> Vec<NodeProto> {
    let gathered = names.fresh(&format!("{out}_i8"));
    let as_float = names.fresh(&format!("{out}_codes"));
    let row_scale = names.fresh(&format!("{out}_scale"));
    let axis = vec![proto::int_attr("axis", 0)];
    vec![
        proto::node(&gathered, "Gather", &[&weight.codes_name, indices], &[&gathered], axis.clone()),
        proto::node(&as_float, "Cast", &[&gathered], &[&as_float], vec![proto::int_attr("to", DataType::Float as i64)]),
        proto::node(&row_scale, "Gather", &[scales_name, indices], &[&row_scale], axis),
        proto::node(out, "Mul", &[&as_float, &row_scale], &[out], vec![]),
    ]
}

/// The per-row scale table `[V, 1]` of an embedding.
pub fn embedding_scales(weight: &QuantizedWeight, name: &str) -> TensorProto {
    proto::f32_tensor(name, &[weight.q.scales.len(), 1], &weight.q.scales)
}

//! The `weights` scheme: every weight int8, every activation float.
//!
//! `MatMul`/`Gemm` operands and recurrent `W`/`R` become
//! `DequantizeLinear(int8, per-channel scale)` (recurrent ones reshaped back to
//! rank 3); embedding tables become an int8 table that is gathered, cast and
//! multiplied by the gathered per-row scale. Every other node is unchanged.

use std::collections::HashMap;

use tract_onnx::pb::{ModelProto, NodeProto, TensorProto};

use crate::error::Result;
use crate::graph::{Names, constants_to_initializers};
use crate::proto;
use crate::scheme::Quantised;
use crate::tensors::{QuantizedWeight, WeightUse, embedding_nodes, embedding_scales, plan};

/// Rewrites `model` with int8 weights.
pub fn quantize_weights(model: &ModelProto) -> Result<Quantised> {
    let mut model = model.clone();
    let Some(graph) = model.graph.as_mut() else { return Ok(empty(model)) };
    constants_to_initializers(graph);
    let (chosen, kept_float) = plan(graph);
    let mut names = Names::of(graph);
    let mut initializers: Vec<TensorProto> = Vec::new();
    let mut prelude: Vec<NodeProto> = Vec::new();
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut embeddings: HashMap<String, (QuantizedWeight, String)> = HashMap::new();
    let mut tensors = Vec::new();
    let mut rewrites = Vec::new();
    for tensor in std::mem::take(&mut graph.initializer) {
        let Some(&usage) = chosen.get(&tensor.name) else {
            initializers.push(tensor);
            continue;
        };
        let weight = QuantizedWeight::new(&tensor, usage, &mut names)?;
        tensors.push(weight.report(&tensor.name));
        if usage == WeightUse::Embedding {
            let scales = names.fresh(&format!("{}_row_scale", tensor.name));
            initializers.push(weight.codes_tensor(None));
            initializers.push(embedding_scales(&weight, &scales));
            rewrites.push(format!("embedding {} -> int8 table, per-row scale", tensor.name));
            embeddings.insert(tensor.name.clone(), (weight, scales));
            continue;
        }
        let out = dequantize_nodes(&weight, &tensor.name, &mut names, &mut initializers, &mut prelude);
        rewrites.push(format!("weight {} -> int8 + DequantizeLinear", tensor.name));
        renamed.insert(tensor.name.clone(), out);
    }
    let mut nodes = prelude;
    for node in graph.node.iter().filter(|n| n.op_type == "LSTM") {
        if proto::attr_string(node, "direction").as_deref() == Some("reverse") {
            rewrites.push(format!(
                "note: LSTM {:?} has direction \"reverse\", which tract-onnx 0.23 runs forwards \
                 (float and int8 alike); the full scheme's Scan runs it backwards as ONNX defines",
                node.name
            ));
        }
    }
    for mut node in std::mem::take(&mut graph.node) {
        if node.op_type == "Gather"
            && let Some((weight, scales)) = embeddings.get(&node.input[0])
        {
            nodes.extend(embedding_nodes(weight, scales, &node.input[1], &node.output[0], &mut names));
            continue;
        }
        for input in node.input.iter_mut() {
            if let Some(new) = renamed.get(input) {
                *input = new.clone();
            }
        }
        nodes.push(node);
    }
    graph.node = nodes;
    graph.initializer = initializers;
    graph.input.retain(|i| !chosen.contains_key(&i.name));
    Ok(Quantised { model, tensors, kept_float, rewrites })
}

/// Adds the int8 initializer, its scales and zero points, and the
/// `DequantizeLinear` (+ `Reshape` for rank 3) that give the float weight back.
/// Returns the name of the float weight.
pub fn dequantize_nodes(
    weight: &QuantizedWeight,
    name: &str,
    names: &mut Names,
    initializers: &mut Vec<TensorProto>,
    nodes: &mut Vec<NodeProto>,
) -> String {
    let channels = weight.q.scales.len();
    let (codes_dims, axis) = match weight.usage {
        WeightUse::Recurrent => (vec![weight.shape[0] * weight.shape[1], weight.shape[2]], 0),
        WeightUse::MatrixKn => (weight.shape.clone(), 1),
        WeightUse::MatrixNk | WeightUse::Embedding => (weight.shape.clone(), 0),
    };
    let scale = names.fresh(&format!("{name}_scale"));
    let zero = names.fresh(&format!("{name}_zero_point"));
    initializers.push(weight.codes_tensor(Some(&codes_dims)));
    initializers.push(proto::f32_tensor(&scale, &[channels], &weight.q.scales));
    initializers.push(proto::i8_tensor(&zero, &[channels], &vec![0; channels]));
    let dq = names.fresh(&format!("{name}_dq"));
    nodes.push(proto::node(
        &dq,
        "DequantizeLinear",
        &[&weight.codes_name, &scale, &zero],
        &[&dq],
        vec![proto::int_attr("axis", axis)],
    ));
    if weight.usage != WeightUse::Recurrent {
        return dq;
    }
    let shape = names.fresh(&format!("{name}_shape"));
    let dims: Vec<i64> = weight.shape.iter().map(|&d| d as i64).collect();
    initializers.push(proto::i64_tensor(&shape, &[3], &dims));
    let out = names.fresh(&format!("{name}_f32"));
    nodes.push(proto::node(&out, "Reshape", &[&dq, &shape], &[&out], vec![]));
    out
}

fn empty(model: ModelProto) -> Quantised {
    Quantised { model, tensors: vec![], kept_float: vec![], rewrites: vec![] }
}

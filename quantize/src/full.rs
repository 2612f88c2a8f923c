//! The `full` scheme: integer matrix products wherever a weight meets an
//! activation.
//!
//! - `MatMul`/`Gemm` with a constant right operand: `QuantizeLinear` of the
//!   activation (per tensor, calibrated), `MatMulInteger` with the int8
//!   weight (per output column), `Cast` to float and one `Mul` by the product
//!   of the two scales.
//! - `LSTM`: one `Scan` with integer products ([`crate::lstm`]).
//! - Embeddings: an int8 table gathered, cast and scaled per row.
//!
//! `GRU` and `RNN` have no integer rewrite: [`QuantError::UnsupportedOp`].

use std::collections::HashMap;

use tract_onnx::pb::{ModelProto, NodeProto, TensorProto, tensor_proto::DataType};

use crate::calib::ActivationRange;
use crate::error::{QuantError, Result};
use crate::graph::{Names, constants_to_initializers};
use crate::lstm::{LstmNode, LstmScales, rewrite};
use crate::proto::{self, f32_tensor, i8_tensor, int_attr, node};
use crate::quant::RangeMethod;
use crate::scheme::Quantised;
use crate::tensors::{QuantizedWeight, WeightUse, embedding_nodes, embedding_scales, plan};
use crate::weights::dequantize_nodes;

/// Prepares a float model for calibration and the `full` rewrite: constants
/// become initializers and every `LSTM` gets a named `Y` output (the hidden
/// states whose range is calibrated).
pub fn prepare(model: &ModelProto) -> ModelProto {
    let mut model = model.clone();
    if let Some(graph) = model.graph.as_mut() {
        constants_to_initializers(graph);
        let mut names = Names::of(graph);
        for node in graph.node.iter_mut().filter(|n| n.op_type == "LSTM") {
            if node.output.is_empty() || node.output[0].is_empty() {
                let base = if node.name.is_empty() { "lstm" } else { node.name.as_str() };
                let y = names.fresh(&format!("{base}_Y"));
                if node.output.is_empty() {
                    node.output.push(y);
                } else {
                    node.output[0] = y;
                }
            }
        }
    }
    model
}

/// The activations whose ranges the rewrite needs, for a [`prepare`]d model:
/// the left operand of each `MatMul`/`Gemm` with a constant weight, and `X`
/// and `Y` of each `LSTM`.
pub fn calibration_targets(model: &ModelProto) -> Result<Vec<String>> {
    let Some(graph) = model.graph.as_ref() else { return Ok(vec![]) };
    let (chosen, _) = plan(graph);
    let mut targets: Vec<String> = Vec::new();
    let mut push = |t: &str| {
        if !targets.iter().any(|x| x == t) {
            targets.push(t.to_string());
        }
    };
    for node in &graph.node {
        match node.op_type.as_str() {
            "MatMul" | "Gemm" if node.input.get(1).is_some_and(|w| chosen.contains_key(w)) => push(&node.input[0]),
            "LSTM" => {
                let lstm = LstmNode::parse(node)?;
                push(&lstm.x);
                if let Some(y) = &lstm.y {
                    push(y);
                }
            }
            "GRU" | "RNN" => return Err(no_integer_form(node)),
            _ => {}
        }
    }
    Ok(targets)
}

fn no_integer_form(node: &NodeProto) -> QuantError {
    QuantError::UnsupportedOp {
        node: node.name.clone(),
        op: node.op_type.clone(),
        domain: node.domain.clone(),
        message: "the full scheme rewrites only LSTM recurrences; use --scheme weights".into(),
    }
}

/// Rewrites a [`prepare`]d model with integer matrix products, using the
/// calibrated `ranges` of [`calibration_targets`].
pub fn quantize_full(
    model: &ModelProto,
    ranges: &HashMap<String, ActivationRange>,
    method: RangeMethod,
) -> Result<Quantised> {
    let mut model = model.clone();
    let Some(graph) = model.graph.as_mut() else {
        return Ok(Quantised { model, tensors: vec![], kept_float: vec![], rewrites: vec![] });
    };
    let (chosen, kept_float) = plan(graph);
    let mut names = Names::of(graph);
    let floats: HashMap<String, TensorProto> = graph
        .initializer
        .iter()
        .filter(|t| chosen.contains_key(&t.name))
        .map(|t| (t.name.clone(), t.clone()))
        .collect();
    let mut initializers: Vec<TensorProto> =
        std::mem::take(&mut graph.initializer).into_iter().filter(|t| !chosen.contains_key(&t.name)).collect();
    let all_inits: HashMap<String, TensorProto> = initializers.iter().map(|t| (t.name.clone(), t.clone())).collect();
    let mut weights: HashMap<String, QuantizedWeight> = HashMap::new();
    let mut tensors = Vec::new();
    let mut rewrites = Vec::new();
    let mut used_ranges: Vec<String> = Vec::new();
    let mut prelude = Vec::new();
    let mut dequantized: HashMap<String, String> = HashMap::new();
    let mut nodes = Vec::new();
    let range = |tensor: &str, used: &mut Vec<String>| -> Result<f32> {
        let r = ranges.get(tensor).ok_or_else(|| QuantError::tensor(tensor, "has no calibrated range"))?;
        if !used.iter().any(|u| u == tensor) {
            used.push(tensor.to_string());
        }
        Ok(r.scale)
    };

    for node in std::mem::take(&mut graph.node) {
        let weight_of = |slot: usize| node.input.get(slot).filter(|w| chosen.contains_key(*w)).cloned();
        match node.op_type.as_str() {
            "Gather" if weight_of(0).is_some() => {
                let name = node.input[0].clone();
                let scales = format!("{name}_row_scale");
                if !weights.contains_key(&name) {
                    let w = QuantizedWeight::new(&floats[&name], WeightUse::Embedding, &mut names)?;
                    tensors.push(w.report(&name));
                    initializers.push(w.codes_tensor(None));
                    initializers.push(embedding_scales(&w, &scales));
                    rewrites.push(format!("embedding {name} -> int8 table, per-row scale"));
                    weights.insert(name.clone(), w);
                }
                nodes.extend(embedding_nodes(&weights[&name], &scales, &node.input[1], &node.output[0], &mut names));
            }
            "MatMul" | "Gemm" if weight_of(1).is_some() => {
                let name = node.input[1].clone();
                let scale = range(&node.input[0], &mut used_ranges)?;
                let usage = chosen[&name];
                let w = QuantizedWeight::new(&floats[&name], usage, &mut names)?;
                if !weights.contains_key(&name) {
                    tensors.push(w.report(&name));
                }
                let (nodes_mm, inits) = integer_matmul(&node, &w, scale, &all_inits, &mut names)?;
                nodes.extend(nodes_mm);
                initializers.extend(inits);
                rewrites.push(format!("{} {:?} -> QuantizeLinear + MatMulInteger", node.op_type, node.name));
                weights.insert(name, w);
            }
            "LSTM" => {
                let lstm = LstmNode::parse(&node)?;
                let init = |name: &str| -> Result<&TensorProto> {
                    floats.get(name).or_else(|| all_inits.get(name)).ok_or_else(|| QuantError::UnsupportedForm {
                        node: node.name.clone(),
                        op: node.op_type.clone(),
                        what: format!("weight {name:?} computed by the graph (only initializers can be quantised)"),
                    })
                };
                let b = lstm.b.as_deref().map(init).transpose()?;
                let x = range(&lstm.x, &mut used_ranges)?;
                let y = lstm.y.as_deref().ok_or_else(|| QuantError::tensor(&lstm.name, "LSTM has no Y output"))?;
                let h = range(y, &mut used_ranges)?;
                let done = rewrite(&lstm, init(&lstm.w)?, init(&lstm.r)?, b, LstmScales { x, h }, &mut names)?;
                tensors.extend(done.reports);
                nodes.extend(done.nodes);
                initializers.extend(done.initializers);
                rewrites.push(format!(
                    "LSTM {:?} ({} direction{}, hidden {}) -> Scan with MatMulInteger, input projection outside the loop",
                    node.name,
                    lstm.reverse.len(),
                    if lstm.reverse.len() > 1 { "s" } else { "" },
                    lstm.hidden
                ));
            }
            "GRU" | "RNN" => return Err(no_integer_form(&node)),
            _ => {
                let mut node = node;
                for input in node.input.iter_mut() {
                    let Some(&usage) = chosen.get(input) else { continue };
                    if !dequantized.contains_key(input) {
                        let w = QuantizedWeight::new(&floats[input], usage, &mut names)?;
                        tensors.push(w.report(input));
                        let out = dequantize_nodes(&w, input, &mut names, &mut initializers, &mut prelude);
                        dequantized.insert(input.clone(), out);
                    }
                    *input = dequantized[input].clone();
                }
                nodes.push(node);
            }
        }
    }
    for tensor in &used_ranges {
        tensors.push(ranges[tensor].report(method));
    }
    prelude.extend(nodes);
    graph.node = prelude;
    graph.initializer = initializers;
    prune_initializers(graph);
    Ok(Quantised { model, tensors, kept_float, rewrites })
}

/// `Y = (A·W)` or Gemm's `alpha·A·W + beta·C` with integer products.
fn integer_matmul(
    node: &NodeProto,
    w: &QuantizedWeight,
    a_scale: f32,
    inits: &HashMap<String, TensorProto>,
    names: &mut Names,
) -> Result<(Vec<NodeProto>, Vec<TensorProto>)> {
    let gemm = node.op_type == "Gemm";
    if gemm && proto::attr_int(node, "transA", 0) != 0 {
        return Err(QuantError::UnsupportedForm {
            node: node.name.clone(),
            op: node.op_type.clone(),
            what: "transA = 1".into(),
        });
    }
    let alpha = if gemm { proto::attr_float(node, "alpha", 1.0) } else { 1.0 };
    let beta = if gemm { proto::attr_float(node, "beta", 1.0) } else { 1.0 };
    // Codes as [K, N] with one scale per column.
    let (k, n, codes, w_scales) = match w.usage {
        WeightUse::MatrixNk => {
            let (n, k) = (w.shape[0], w.shape[1]);
            let mut t = vec![0i8; k * n];
            for row in 0..n {
                for col in 0..k {
                    t[col * n + row] = w.q.codes[row * k + col];
                }
            }
            (k, n, t, w.q.scales.clone())
        }
        _ => (w.shape[0], w.shape[1], w.q.codes.clone(), w.q.scales.clone()),
    };
    let out = node.output[0].clone();
    let base = if node.name.is_empty() { out.clone() } else { node.name.clone() };
    let mut fresh = |s: &str| names.fresh(&format!("{base}_{s}"));
    let (a_scale_name, zero, codes_name, col_scale) =
        (fresh("a_scale"), fresh("a_zero_point"), fresh("W_i8"), fresh("scale"));
    let scales: Vec<f32> = w_scales.iter().map(|s| s * a_scale * alpha).collect();
    let mut new_inits = vec![
        f32_tensor(&a_scale_name, &[], &[a_scale]),
        i8_tensor(&zero, &[], &[0]),
        i8_tensor(&codes_name, &[k, n], &codes),
        f32_tensor(&col_scale, &[n], &scales),
    ];
    let (aq, y32, yf) = (fresh("a_i8"), fresh("i32"), fresh("f32"));
    let c_input = node.input.get(2).filter(|c| gemm && !c.is_empty()).cloned();
    let product = if c_input.is_some() { fresh("product") } else { out.clone() };
    let mut nodes = vec![
        node_(&aq, "QuantizeLinear", &[&node.input[0], &a_scale_name, &zero], vec![]),
        node_(&y32, "MatMulInteger", &[&aq, &codes_name], vec![]),
        node_(&yf, "Cast", &[&y32], vec![int_attr("to", DataType::Float as i64)]),
        node_(&product, "Mul", &[&yf, &col_scale], vec![]),
    ];
    if let Some(c) = c_input {
        let c_name = match (beta == 1.0, inits.get(&c)) {
            (true, _) => c,
            (false, Some(t)) => {
                let scaled: Vec<f32> = proto::f32_values(t)?.iter().map(|v| v * beta).collect();
                let name = fresh("C_scaled");
                new_inits.push(f32_tensor(&name, &proto::dims(t), &scaled));
                name
            }
            (false, None) => {
                return Err(QuantError::UnsupportedForm {
                    node: node.name.clone(),
                    op: node.op_type.clone(),
                    what: format!("beta = {beta} with a computed C"),
                });
            }
        };
        nodes.push(node_(&out, "Add", &[&product, &c_name], vec![]));
    }
    Ok((nodes, new_inits))
}

fn node_(name: &str, op: &str, inputs: &[&str], attrs: Vec<tract_onnx::pb::AttributeProto>) -> NodeProto {
    node(name, op, inputs, &[name], attrs)
}

/// Drops initializers no node or output reads any more (and their input
/// entries).
pub fn prune_initializers(graph: &mut tract_onnx::pb::GraphProto) {
    let mut read: std::collections::HashSet<String> = graph.output.iter().map(|o| o.name.clone()).collect();
    for node in &graph.node {
        read.extend(node.input.iter().cloned());
    }
    let removed: std::collections::HashSet<String> =
        graph.initializer.iter().filter(|t| !read.contains(&t.name)).map(|t| t.name.clone()).collect();
    graph.initializer.retain(|t| !removed.contains(&t.name));
    graph.input.retain(|i| !removed.contains(&i.name));
}

//! Reading a float graph before it is rewritten: constants made initializers,
//! the operators checked, the token input found, fresh names handed out.

use std::collections::{HashMap, HashSet};

use tract_onnx::pb::{GraphProto, ModelProto, NodeProto, TensorProto, tensor_proto::DataType};

use crate::error::{QuantError, Result};
use crate::proto;

/// Operators the quantiser rewrites (their weights become int8).
pub const REWRITTEN: [&str; 4] = ["Gather", "MatMul", "Gemm", "LSTM"];

/// Standard operators carried over unchanged (in float).
pub const CARRIED: [&str; 52] = [
    "Abs",
    "Add",
    "ArgMax",
    "Cast",
    "Clip",
    "Concat",
    "Constant",
    "ConstantOfShape",
    "Div",
    "Dropout",
    "Equal",
    "Erf",
    "Exp",
    "Expand",
    "Flatten",
    "GRU",
    "Gelu",
    "Greater",
    "Identity",
    "LayerNormalization",
    "Less",
    "Log",
    "LogSoftmax",
    "Max",
    "Min",
    "Mul",
    "Neg",
    "Not",
    "Pow",
    "Range",
    "Reciprocal",
    "ReduceMax",
    "ReduceMean",
    "ReduceSum",
    "Relu",
    "Reshape",
    "RNN",
    "Shape",
    "Sigmoid",
    "Slice",
    "Softmax",
    "Split",
    "Sqrt",
    "Squeeze",
    "Sub",
    "Tanh",
    "Tile",
    "Transpose",
    "Unsqueeze",
    "Where",
    "Or",
    "And",
];

/// What the quantiser found out about a model it accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelInfo {
    /// The token-id input (int64, rank 2: `[batch, T]`).
    pub token_input: String,
    /// The graph outputs, in order.
    pub outputs: Vec<String>,
    /// The version of the standard ONNX operator set.
    pub opset: i64,
}

/// Turns `Constant` nodes holding a tensor into initializers, so that weights
/// written either way are found by the rewrites.
pub fn constants_to_initializers(graph: &mut GraphProto) {
    let mut kept = Vec::with_capacity(graph.node.len());
    for node in std::mem::take(&mut graph.node) {
        let tensor = (node.op_type == "Constant" && node.output.len() == 1)
            .then(|| proto::attr(&node, "value").and_then(|a| a.t.clone()))
            .flatten();
        match tensor {
            Some(mut t) => {
                t.name = node.output[0].clone();
                graph.initializer.push(t);
            }
            None => kept.push(node),
        }
    }
    graph.node = kept;
}

/// Checks that `model` is a float graph the quantiser can handle and returns
/// its interface. `path` names the file in errors.
///
/// Errors: an operator outside [`REWRITTEN`] and [`CARRIED`] or outside the
/// standard domain ([`QuantError::UnsupportedOp`]); a node reading a tensor
/// that nothing produces ([`QuantError::Dangling`]); not exactly one int64
/// rank-2 input, or no output ([`QuantError::Interface`]).
pub fn check(model: &ModelProto, path: &str) -> Result<ModelInfo> {
    let graph = model
        .graph
        .as_ref()
        .ok_or_else(|| QuantError::NotOnnx { path: path.to_string(), message: "it has no graph".into() })?;
    let opset = model
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
        .unwrap_or(0);
    if opset < 13 {
        return Err(QuantError::Interface {
            path: path.to_string(),
            message: format!("opset {opset} is older than 13, the oldest the quantiser writes"),
        });
    }
    for node in &graph.node {
        check_op(node)?;
    }
    let initializers: HashSet<&str> = graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let mut known: HashSet<&str> = initializers.clone();
    known.extend(graph.input.iter().map(|i| i.name.as_str()));
    for node in &graph.node {
        for input in node.input.iter().filter(|i| !i.is_empty()) {
            if !known.contains(input.as_str()) {
                return Err(QuantError::Dangling {
                    node: node.name.clone(),
                    op: node.op_type.clone(),
                    tensor: input.clone(),
                });
            }
        }
        known.extend(node.output.iter().map(String::as_str));
    }
    let interface = |message: String| QuantError::Interface { path: path.to_string(), message };
    let inputs: Vec<_> = graph.input.iter().filter(|i| !initializers.contains(i.name.as_str())).collect();
    let described = || {
        inputs
            .iter()
            .map(|i| {
                let t = proto::elem_type(i).map(proto::type_name).unwrap_or_else(|| "untyped".into());
                format!("{} ({t}, rank {})", i.name, proto::rank(i).map_or("?".into(), |r| r.to_string()))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let [input] = inputs.as_slice() else {
        return Err(interface(format!(
            "expected one input of token ids (int64, [batch, T]), found {}: {}",
            inputs.len(),
            if inputs.is_empty() { "none".into() } else { described() }
        )));
    };
    if proto::elem_type(input) != Some(DataType::Int64 as i32) || proto::rank(input).is_some_and(|r| r != 2) {
        return Err(interface(format!("expected one input of token ids (int64, [batch, T]), found {}", described())));
    }
    if graph.output.is_empty() {
        return Err(interface("the graph has no outputs".into()));
    }
    for output in &graph.output {
        if !known.contains(output.name.as_str()) {
            return Err(interface(format!("output {:?} is produced by no node", output.name)));
        }
    }
    Ok(ModelInfo {
        token_input: input.name.clone(),
        outputs: graph.output.iter().map(|o| o.name.clone()).collect(),
        opset,
    })
}

fn check_op(node: &NodeProto) -> Result<()> {
    let unsupported = |message: &str| QuantError::UnsupportedOp {
        node: node.name.clone(),
        op: node.op_type.clone(),
        domain: node.domain.clone(),
        message: message.to_string(),
    };
    if !(node.domain.is_empty() || node.domain == "ai.onnx") {
        return Err(unsupported("only standard ONNX operators can be quantised for tract"));
    }
    let op = node.op_type.as_str();
    if ["QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "QLinearMatMul"].contains(&op) {
        return Err(unsupported("the model is already quantised"));
    }
    if !REWRITTEN.contains(&op) && !CARRIED.contains(&op) {
        return Err(unsupported("not one of the operators the quantiser knows (see `graph::REWRITTEN` and `CARRIED`)"));
    }
    Ok(())
}

/// The initializers of a graph by name.
pub fn initializers(graph: &GraphProto) -> HashMap<String, TensorProto> {
    graph.initializer.iter().map(|t| (t.name.clone(), t.clone())).collect()
}

/// Hands out tensor and node names not yet used in a graph (including the
/// bodies it will get).
#[derive(Debug, Clone, Default)]
pub struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// The names of `graph`: its inputs, outputs, initializers, nodes and values.
    pub fn of(graph: &GraphProto) -> Self {
        let mut taken = HashSet::new();
        taken.extend(graph.input.iter().map(|i| i.name.clone()));
        taken.extend(graph.output.iter().map(|i| i.name.clone()));
        taken.extend(graph.initializer.iter().map(|i| i.name.clone()));
        for node in &graph.node {
            taken.insert(node.name.clone());
            taken.extend(node.output.iter().cloned());
        }
        Names { taken }
    }

    /// `base`, or `base_2`, `base_3`... whichever is free; now taken.
    pub fn fresh(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut k = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// For each tensor name, the nodes (index, input slot) that read it.
pub fn consumers(graph: &GraphProto) -> HashMap<String, Vec<(usize, usize)>> {
    let mut map: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (n, node) in graph.node.iter().enumerate() {
        for (slot, input) in node.input.iter().enumerate() {
            if !input.is_empty() {
                map.entry(input.clone()).or_default().push((n, slot));
            }
        }
    }
    for output in &graph.output {
        map.entry(output.name.clone()).or_default().push((usize::MAX, 0));
    }
    map
}

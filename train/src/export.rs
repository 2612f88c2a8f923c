//! Writing the inference graph as a float ONNX model.
//!
//! The graph runs one utterance (batch 1, no padding): token ids `[1, T]`
//! (int64) in; `intent_logits` `[1, intents]`, `slot_logits` `[1, T, tags]` and
//! `embedding` `[1, 2H]` out. Standard operators only (opset 13): Gather,
//! Transpose, LSTM, Reshape, MatMul, Add, ReduceMean, and with max pooling
//! ReduceMax and Concat.

use std::path::Path;

use anyhow::Context;
use prost::Message;
use tract_onnx::pb::{
    self, AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, TypeProto,
    ValueInfoProto, attribute_proto::AttributeType, tensor_proto::DataType, tensor_shape_proto, type_proto,
};

use crate::data::write_atomic;
use crate::model::Model;

/// The ONNX opset the exporter writes.
pub const OPSET: i64 = 13;

/// Name of the token-id input.
pub const INPUT: &str = "tokens";
/// Names of the outputs, in order.
pub const OUTPUTS: [&str; 3] = ["intent_logits", "slot_logits", "embedding"];
/// Names of a CRF model's extra outputs: `[tags, tags]` transition scores
/// (`[from, to]`) and `[tags]` start scores, both constant.
pub const CRF_OUTPUTS: [&str; 2] = ["slot_transitions", "slot_start"];

/// Builds the ONNX model of `model`. A model with a CRF gets two more,
/// constant outputs: [`CRF_OUTPUTS`], its tag transition and start scores.
pub fn to_onnx(model: &Model) -> anyhow::Result<ModelProto> {
    let config = model.config;
    let h = config.hidden as i64;
    let mut graph = GraphProto { name: "hearth-nlu".into(), ..Default::default() };
    graph.initializer.push(float_tensor("token_table", model.embedding.as_tensor())?);
    graph.node.push(node("Gather", &["token_table", INPUT], &["embedded"], vec![int_attr("axis", 0)]));
    graph.node.push(node("Transpose", &["embedded"], &["x0"], vec![ints_attr("perm", &[1, 0, 2])]));
    graph.initializer.push(int64_tensor("keep_keep_join", &[3], &[0, 0, -1]));
    for (l, [fwd, bwd]) in model.layers.iter().enumerate() {
        let (w, r, b) = (format!("lstm{l}_W"), format!("lstm{l}_R"), format!("lstm{l}_B"));
        let w_data = candle_core::Tensor::stack(&[fwd.w.as_tensor(), bwd.w.as_tensor()], 0)?;
        let r_data = candle_core::Tensor::stack(&[fwd.r.as_tensor(), bwd.r.as_tensor()], 0)?;
        let zeros = fwd.b.as_tensor().zeros_like()?;
        let b_data = candle_core::Tensor::stack(
            &[
                candle_core::Tensor::cat(&[fwd.b.as_tensor(), &zeros], 0)?,
                candle_core::Tensor::cat(&[bwd.b.as_tensor(), &zeros], 0)?,
            ],
            0,
        )?;
        graph.initializer.push(float_tensor(&w, &w_data)?);
        graph.initializer.push(float_tensor(&r, &r_data)?);
        graph.initializer.push(float_tensor(&b, &b_data)?);
        let (x, y, yt, next) = (format!("x{l}"), format!("y{l}"), format!("y{l}_t"), format!("x{}", l + 1));
        graph.node.push(node(
            "LSTM",
            &[&x, &w, &r, &b],
            &[&y],
            vec![int_attr("hidden_size", h), string_attr("direction", "bidirectional")],
        ));
        graph.node.push(node("Transpose", &[&y], &[&yt], vec![ints_attr("perm", &[0, 2, 1, 3])]));
        graph.node.push(node("Reshape", &[&yt, "keep_keep_join"], &[&next], vec![]));
    }
    let top = format!("x{}", model.layers.len());
    graph.node.push(node("Transpose", &[&top], &["states"], vec![ints_attr("perm", &[1, 0, 2])]));
    graph.initializer.push(float_tensor("slot_w", &model.slot_w.as_tensor().t()?.contiguous()?)?);
    graph.initializer.push(float_tensor("slot_b", model.slot_b.as_tensor())?);
    graph.node.push(node("MatMul", &["states", "slot_w"], &["slot_mm"], vec![]));
    graph.node.push(node("Add", &["slot_mm", "slot_b"], &[OUTPUTS[1]], vec![]));
    graph.node.push(node(
        "ReduceMean",
        &["states"],
        &[OUTPUTS[2]],
        vec![ints_attr("axes", &[1]), int_attr("keepdims", 0)],
    ));
    graph.initializer.push(float_tensor("intent_w", &model.intent_w.as_tensor().t()?.contiguous()?)?);
    graph.initializer.push(float_tensor("intent_b", model.intent_b.as_tensor())?);
    let pooled = if config.pool_max {
        graph.node.push(node(
            "ReduceMax",
            &["states"],
            &["max_pooled"],
            vec![ints_attr("axes", &[1]), int_attr("keepdims", 0)],
        ));
        graph.node.push(node("Concat", &[OUTPUTS[2], "max_pooled"], &["pooled"], vec![int_attr("axis", 1)]));
        "pooled"
    } else {
        OUTPUTS[2]
    };
    graph.node.push(node("MatMul", &[pooled, "intent_w"], &["intent_mm"], vec![]));
    graph.node.push(node("Add", &["intent_mm", "intent_b"], &[OUTPUTS[0]], vec![]));
    graph.input.push(value_info(INPUT, DataType::Int64, &[Dim::Fixed(1), Dim::Named("T")]));
    graph.output.push(value_info(OUTPUTS[0], DataType::Float, &[Dim::Fixed(1), Dim::Fixed(config.intents as i64)]));
    graph.output.push(value_info(
        OUTPUTS[1],
        DataType::Float,
        &[Dim::Fixed(1), Dim::Named("T"), Dim::Fixed(config.tags as i64)],
    ));
    graph.output.push(value_info(OUTPUTS[2], DataType::Float, &[Dim::Fixed(1), Dim::Fixed(2 * h)]));
    if let Some(crf) = &model.crf {
        graph.initializer.push(float_tensor("crf_transitions", crf.transitions.as_tensor())?);
        graph.initializer.push(float_tensor("crf_start", crf.start.as_tensor())?);
        graph.node.push(node("Identity", &["crf_transitions"], &[CRF_OUTPUTS[0]], vec![]));
        graph.node.push(node("Identity", &["crf_start"], &[CRF_OUTPUTS[1]], vec![]));
        let tags = Dim::Fixed(config.tags as i64);
        graph.output.push(value_info(CRF_OUTPUTS[0], DataType::Float, &[tags, Dim::Fixed(config.tags as i64)]));
        graph.output.push(value_info(CRF_OUTPUTS[1], DataType::Float, &[Dim::Fixed(config.tags as i64)]));
    }
    Ok(ModelProto {
        ir_version: 7,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: OPSET }],
        producer_name: "hearth-train".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        doc_string: "hearth joint intent and slot BiLSTM".into(),
        graph: Some(graph),
        ..Default::default()
    })
}

/// Writes the ONNX model of `model` to `path` (atomically).
pub fn export(model: &Model, path: &Path) -> anyhow::Result<()> {
    let proto = to_onnx(model)?;
    write_atomic(path, &proto.encode_to_vec()).with_context(|| format!("exporting {}", path.display()))
}

enum Dim {
    Fixed(i64),
    Named(&'static str),
}

fn value_info(name: &str, data_type: DataType, dims: &[Dim]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|d| tensor_shape_proto::Dimension {
            value: Some(match d {
                Dim::Fixed(n) => tensor_shape_proto::dimension::Value::DimValue(*n),
                Dim::Named(s) => tensor_shape_proto::dimension::Value::DimParam((*s).into()),
            }),
            ..Default::default()
        })
        .collect();
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: data_type as i32,
                shape: Some(pb::TensorShapeProto { dim }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A node with a name derived from its first output.
pub fn node(op: &str, inputs: &[&str], outputs: &[&str], attribute: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        name: format!("{op}_{}", outputs.first().copied().unwrap_or("out")),
        op_type: op.into(),
        attribute,
        ..Default::default()
    }
}

/// An integer attribute.
pub fn int_attr(name: &str, value: i64) -> AttributeProto {
    AttributeProto { name: name.into(), r#type: AttributeType::Int as i32, i: value, ..Default::default() }
}

/// An integer-list attribute.
pub fn ints_attr(name: &str, values: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::Ints as i32,
        ints: values.to_vec(),
        ..Default::default()
    }
}

/// A string attribute.
pub fn string_attr(name: &str, value: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::String as i32,
        s: value.as_bytes().to_vec(),
        ..Default::default()
    }
}

/// A float initializer from a candle tensor (raw little-endian data).
pub fn float_tensor(name: &str, tensor: &candle_core::Tensor) -> anyhow::Result<TensorProto> {
    let dims = tensor.dims().iter().map(|&d| d as i64).collect();
    let data = tensor.flatten_all()?.to_vec1::<f32>()?;
    Ok(TensorProto {
        name: name.into(),
        dims,
        data_type: DataType::Float as i32,
        raw_data: data.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ..Default::default()
    })
}

/// An int64 initializer.
pub fn int64_tensor(name: &str, dims: &[i64], values: &[i64]) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: dims.to_vec(),
        data_type: DataType::Int64 as i32,
        raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ..Default::default()
    }
}

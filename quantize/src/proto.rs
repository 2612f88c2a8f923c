//! ONNX protobuf in and out: decoding and encoding models with prost, atomic
//! writes, and small builders for nodes, attributes and tensors.

use std::io::Write;
use std::path::Path;

use prost::Message;
use tract_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, TypeProto, ValueInfoProto,
    attribute_proto::AttributeType, tensor_proto::DataType, type_proto,
};

use crate::error::{QuantError, Result};

/// Reads and decodes the ONNX model at `path`. A file that does not decode or
/// has no graph is [`QuantError::NotOnnx`].
pub fn read_model(path: &Path) -> Result<ModelProto> {
    let bytes = std::fs::read(path).map_err(|e| QuantError::io(path, e))?;
    decode_model(&bytes, &path.display().to_string())
}

/// Decodes ONNX bytes; `shown` names the source in errors.
pub fn decode_model(bytes: &[u8], shown: &str) -> Result<ModelProto> {
    let not_onnx = |message: String| QuantError::NotOnnx { path: shown.to_string(), message };
    let model = ModelProto::decode(bytes).map_err(|e| not_onnx(e.to_string()))?;
    match &model.graph {
        Some(graph) if !graph.node.is_empty() => Ok(model),
        _ => Err(not_onnx("it has no graph (no nodes)".into())),
    }
}

/// Encodes `model` and writes it to `path` through a temporary file in the
/// same folder, renamed into place: a failed run leaves no partial file.
pub fn write_model(path: &Path, model: &ModelProto) -> Result<u64> {
    let bytes = model.encode_to_vec();
    write_atomic(path, &bytes)?;
    Ok(bytes.len() as u64)
}

/// Writes `bytes` to `path` atomically (temporary file, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| QuantError::io(dir, e))?;
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(QuantError::io(&tmp, e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        QuantError::io(path, e)
    })
}

/// A node named `name`.
pub fn node(name: &str, op: &str, inputs: &[&str], outputs: &[&str], attribute: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        name: name.to_string(),
        op_type: op.to_string(),
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

/// A graph attribute (the body of a `Scan`).
pub fn graph_attr(name: &str, graph: GraphProto) -> AttributeProto {
    AttributeProto { name: name.into(), r#type: AttributeType::Graph as i32, g: Some(graph), ..Default::default() }
}

/// The attribute `name` of `node`, if present.
pub fn attr<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

/// The integer attribute `name`, or `default`.
pub fn attr_int(node: &NodeProto, name: &str, default: i64) -> i64 {
    attr(node, name).map(|a| a.i).unwrap_or(default)
}

/// The float attribute `name`, or `default`.
pub fn attr_float(node: &NodeProto, name: &str, default: f32) -> f32 {
    attr(node, name).map(|a| a.f).unwrap_or(default)
}

/// The string attribute `name`, if present.
pub fn attr_string(node: &NodeProto, name: &str) -> Option<String> {
    attr(node, name).map(|a| String::from_utf8_lossy(&a.s).into_owned())
}

/// A float tensor.
pub fn f32_tensor(name: &str, dims: &[usize], values: &[f32]) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: DataType::Float as i32,
        raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ..Default::default()
    }
}

/// An int8 tensor.
pub fn i8_tensor(name: &str, dims: &[usize], values: &[i8]) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: DataType::Int8 as i32,
        raw_data: values.iter().map(|&v| v as u8).collect(),
        ..Default::default()
    }
}

/// An int64 tensor.
pub fn i64_tensor(name: &str, dims: &[usize], values: &[i64]) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: DataType::Int64 as i32,
        raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ..Default::default()
    }
}

/// The shape of a tensor.
pub fn dims(tensor: &TensorProto) -> Vec<usize> {
    tensor.dims.iter().map(|&d| d.max(0) as usize).collect()
}

/// The values of a float tensor, from `raw_data` or `float_data`. Other types
/// and external data are [`QuantError::Tensor`].
pub fn f32_values(tensor: &TensorProto) -> Result<Vec<f32>> {
    if tensor.data_type != DataType::Float as i32 {
        return Err(QuantError::tensor(&tensor.name, format!("is {}, not float", type_name(tensor.data_type))));
    }
    let n: usize = dims(tensor).iter().product();
    let values: Vec<f32> = if !tensor.raw_data.is_empty() {
        tensor.raw_data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
    } else {
        tensor.float_data.clone()
    };
    if values.len() != n {
        return Err(QuantError::tensor(
            &tensor.name,
            format!(
                "holds {} values but its shape {:?} needs {n} (data in external files is not supported)",
                values.len(),
                tensor.dims
            ),
        ));
    }
    Ok(values)
}

/// The values of an integer tensor (int64 or int32) as i64.
pub fn i64_values(tensor: &TensorProto) -> Result<Vec<i64>> {
    let bad = || QuantError::tensor(&tensor.name, format!("is {}, not an integer tensor", type_name(tensor.data_type)));
    if tensor.data_type == DataType::Int64 as i32 {
        if tensor.raw_data.is_empty() {
            return Ok(tensor.int64_data.clone());
        }
        return Ok(tensor
            .raw_data
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect());
    }
    if tensor.data_type == DataType::Int32 as i32 {
        if tensor.raw_data.is_empty() {
            return Ok(tensor.int32_data.iter().map(|&v| i64::from(v)).collect());
        }
        return Ok(tensor
            .raw_data
            .chunks_exact(4)
            .map(|c| i64::from(i32::from_le_bytes(c.try_into().unwrap_or([0; 4]))))
            .collect());
    }
    Err(bad())
}

/// The name of an ONNX element type.
pub fn type_name(data_type: i32) -> String {
    DataType::try_from(data_type)
        .map(|t| format!("{t:?}").to_lowercase())
        .unwrap_or_else(|_| format!("type {data_type}"))
}

/// A value description with an element type and, optionally, a rank (all
/// dimensions left unnamed).
pub fn value_info(name: &str, data_type: DataType, rank: Option<usize>) -> ValueInfoProto {
    let shape = rank.map(|r| tract_onnx::pb::TensorShapeProto { dim: vec![Default::default(); r] });
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor { elem_type: data_type as i32, shape })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The element type of a value description, if it has one.
pub fn elem_type(info: &ValueInfoProto) -> Option<i32> {
    match info.r#type.as_ref()?.value.as_ref()? {
        type_proto::Value::TensorType(t) => Some(t.elem_type),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// The rank of a value description, if its shape is given.
pub fn rank(info: &ValueInfoProto) -> Option<usize> {
    match info.r#type.as_ref()?.value.as_ref()? {
        type_proto::Value::TensorType(t) => t.shape.as_ref().map(|s| s.dim.len()),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Encoded size of a tensor's data in bytes.
pub fn data_bytes(tensor: &TensorProto) -> usize {
    tensor.raw_data.len()
        + tensor.float_data.len() * 4
        + tensor.int32_data.len() * 4
        + tensor.int64_data.len() * 8
        + tensor.double_data.len() * 8
}

//! The standard ONNX `LSTM` input path: a model written the way PyTorch's
//! exporter writes an embedding + `nn.LSTM` + two heads (weights as
//! initializers and `Constant` nodes, `initial_h`/`initial_c` given, an empty
//! `sequence_lens`, all three outputs, `Gemm` with `transB`), built here with
//! random weights and quantised with both schemes.

use hearth_quantize::Scheme;
use hearth_quantize::graph::check;
use hearth_quantize::pipeline::quantise;
use hearth_quantize::proto::{f32_tensor, i64_tensor, int_attr, ints_attr, node};
use hearth_quantize::quant::{ErrorAccumulator, RangeMethod};
use hearth_quantize::runner::{Output, TokenModel};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tract_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, OperatorSetIdProto, TensorProto, TypeProto, ValueInfoProto,
    attribute_proto::AttributeType, tensor_proto::DataType, tensor_shape_proto, type_proto,
};

const VOCAB: usize = 40;
const EMBED: usize = 12;
const HIDDEN: usize = 8;
const TAGS: usize = 5;
const CLASSES: usize = 4;

fn random(rng: &mut ChaCha8Rng, n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-scale..scale)).collect()
}

fn input(name: &str) -> ValueInfoProto {
    let dims = [
        tensor_shape_proto::dimension::Value::DimValue(1),
        tensor_shape_proto::dimension::Value::DimParam("seq".into()),
    ];
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Int64 as i32,
                shape: Some(tract_onnx::pb::TensorShapeProto {
                    dim: dims
                        .into_iter()
                        .map(|v| tensor_shape_proto::Dimension { value: Some(v), ..Default::default() })
                        .collect(),
                }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn output(name: &str) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: None,
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn constant(name: &str, tensor: TensorProto) -> tract_onnx::pb::NodeProto {
    let attr = AttributeProto {
        name: "value".into(),
        r#type: AttributeType::Tensor as i32,
        t: Some(tensor),
        ..Default::default()
    };
    node(&format!("/Constant_{name}"), "Constant", &[], &[name], vec![attr])
}

fn string_attr(name: &str, value: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::String as i32,
        s: value.as_bytes().to_vec(),
        ..Default::default()
    }
}

/// Embedding -> LSTM (`direction`) -> per-token head (MatMul + Add) and a
/// classifier over `Y_h` (Gemm, transB = 1).
fn exported_model(direction: &str, seed: u64) -> ModelProto {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let d = if direction == "bidirectional" { 2 } else { 1 };
    let (h, dh) = (HIDDEN, d * HIDDEN);
    let mut g = GraphProto { name: "main_graph".into(), ..Default::default() };
    g.input.push(input("input_ids"));
    g.initializer.push(f32_tensor("embedding.weight", &[VOCAB, EMBED], &random(&mut rng, VOCAB * EMBED, 1.0)));
    g.initializer.push(f32_tensor("onnx::LSTM_181", &[d, 4 * h, EMBED], &random(&mut rng, d * 4 * h * EMBED, 0.5)));
    g.initializer.push(f32_tensor("onnx::LSTM_182", &[d, 4 * h, h], &random(&mut rng, d * 4 * h * h, 0.5)));
    g.initializer.push(f32_tensor("onnx::LSTM_183", &[d, 8 * h], &random(&mut rng, d * 8 * h, 0.2)));
    g.node.push(constant("h0", f32_tensor("h0", &[d, 1, h], &random(&mut rng, d * h, 0.5))));
    g.node.push(constant("c0", f32_tensor("c0", &[d, 1, h], &random(&mut rng, d * h, 0.5))));
    g.node.push(node(
        "/embedding/Gather",
        "Gather",
        &["embedding.weight", "input_ids"],
        &["/embedding/Gather_output_0"],
        vec![],
    ));
    g.node.push(node(
        "/lstm/Transpose",
        "Transpose",
        &["/embedding/Gather_output_0"],
        &["/lstm/Transpose_output_0"],
        vec![ints_attr("perm", &[1, 0, 2])],
    ));
    g.node.push(node(
        "/lstm/LSTM",
        "LSTM",
        &["/lstm/Transpose_output_0", "onnx::LSTM_181", "onnx::LSTM_182", "onnx::LSTM_183", "", "h0", "c0"],
        &["/lstm/LSTM_output_0", "/lstm/LSTM_output_1", "/lstm/LSTM_output_2"],
        vec![int_attr("hidden_size", h as i64), string_attr("direction", direction)],
    ));
    g.initializer.push(i64_tensor("/lstm/Constant_output_0", &[3], &[1, -1, dh as i64]));
    g.node.push(node(
        "/lstm/Transpose_1",
        "Transpose",
        &["/lstm/LSTM_output_0"],
        &["/lstm/Transpose_1_output_0"],
        vec![ints_attr("perm", &[2, 0, 1, 3])],
    ));
    g.node.push(node(
        "/lstm/Reshape",
        "Reshape",
        &["/lstm/Transpose_1_output_0", "/lstm/Constant_output_0"],
        &["/lstm/Reshape_output_0"],
        vec![],
    ));
    g.initializer.push(f32_tensor("onnx::MatMul_190", &[dh, TAGS], &random(&mut rng, dh * TAGS, 0.7)));
    g.initializer.push(f32_tensor("tagger.bias", &[TAGS], &random(&mut rng, TAGS, 0.1)));
    g.node.push(node(
        "/tagger/MatMul",
        "MatMul",
        &["/lstm/Reshape_output_0", "onnx::MatMul_190"],
        &["/tagger/MatMul_output_0"],
        vec![],
    ));
    g.node.push(node("/tagger/Add", "Add", &["tagger.bias", "/tagger/MatMul_output_0"], &["tags"], vec![]));
    g.initializer.push(i64_tensor("/Constant_1_output_0", &[2], &[1, dh as i64]));
    g.node.push(node(
        "/Transpose_2",
        "Transpose",
        &["/lstm/LSTM_output_1"],
        &["/Transpose_2_output_0"],
        vec![ints_attr("perm", &[1, 0, 2])],
    ));
    g.node.push(node(
        "/Reshape_1",
        "Reshape",
        &["/Transpose_2_output_0", "/Constant_1_output_0"],
        &["/Reshape_1_output_0"],
        vec![],
    ));
    g.initializer.push(f32_tensor("classifier.weight", &[CLASSES, dh], &random(&mut rng, CLASSES * dh, 0.7)));
    g.initializer.push(f32_tensor("classifier.bias", &[CLASSES], &random(&mut rng, CLASSES, 0.1)));
    g.node.push(node(
        "/classifier/Gemm",
        "Gemm",
        &["/Reshape_1_output_0", "classifier.weight", "classifier.bias"],
        &["logits"],
        vec![int_attr("transB", 1)],
    ));
    g.output.push(output("logits"));
    g.output.push(output("tags"));
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: 14 }],
        producer_name: "pytorch".into(),
        producer_version: "2.1.0".into(),
        graph: Some(g),
        ..Default::default()
    }
}

fn sequences(seed: u64, n: usize) -> Vec<Vec<i64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let len = rng.random_range(1..14);
            (0..len).map(|_| rng.random_range(0..VOCAB as i64)).collect()
        })
        .collect()
}

fn op_types(model: &ModelProto) -> Vec<String> {
    let graph = model.graph.as_ref().unwrap();
    graph.node.iter().map(|n| n.op_type.clone()).collect()
}

#[test]
fn exported_lstm_models_quantise_with_both_schemes() -> anyhow::Result<()> {
    let calib = sequences(1, 200);
    let probe = sequences(2, 60);
    for (k, direction) in ["forward", "reverse", "bidirectional"].into_iter().enumerate() {
        let model = exported_model(direction, 10 + k as u64);
        let info = check(&model, "exported.onnx")?;
        assert_eq!(info.token_input, "input_ids");
        // tract-onnx 0.23.9 runs a single-direction `reverse` LSTM forwards, so
        // the reference for it is the forward LSTM with the same weights on
        // the reversed sequence, its per-token outputs reversed back.
        let reversed = direction == "reverse";
        let reference = if reversed { exported_model("forward", 10 + k as u64) } else { model.clone() };
        let float = TokenModel::new(&reference, "float")?;
        let run_reference = |ids: &[i64]| -> anyhow::Result<Vec<Output>> {
            if !reversed {
                return Ok(float.run(ids)?);
            }
            let backwards: Vec<i64> = ids.iter().rev().copied().collect();
            let mut out = float.run(&backwards)?;
            let tags = &mut out[1];
            let rows: Vec<Vec<f32>> = tags.values.chunks(TAGS).rev().map(<[f32]>::to_vec).collect();
            tags.values = rows.concat();
            Ok(out)
        };
        for scheme in [Scheme::Weights, Scheme::Full] {
            if reversed && scheme == Scheme::Weights {
                // The weights scheme keeps the LSTM op, which tract runs forwards.
                continue;
            }
            let q = quantise(&model, scheme, &calib, RangeMethod::MinMax)?;
            let ops = op_types(&q.model);
            match scheme {
                Scheme::Weights => {
                    assert!(ops.contains(&"LSTM".into()) && ops.contains(&"DequantizeLinear".into()), "{ops:?}")
                }
                Scheme::Full => {
                    assert!(!ops.contains(&"LSTM".into()), "{ops:?}");
                    assert!(ops.contains(&"Scan".into()) && ops.contains(&"MatMulInteger".into()), "{ops:?}");
                }
            }
            let int8 = TokenModel::new(&q.model, "int8")?;
            let mut same_class = 0;
            let mut errors = vec![ErrorAccumulator::default(); 2];
            for ids in &probe {
                let (a, b) = (run_reference(ids)?, int8.run(ids)?);
                assert_eq!(a.len(), b.len());
                for ((x, y), acc) in a.iter().zip(&b).zip(errors.iter_mut()) {
                    assert_eq!(x.shape, y.shape, "{direction} {scheme}");
                    acc.add(&x.values, &y.values);
                }
                let argmax = |v: &[f32]| v.iter().enumerate().max_by(|p, q| p.1.total_cmp(q.1)).map(|p| p.0);
                same_class += usize::from(argmax(&a[0].values) == argmax(&b[0].values));
            }
            for (name, acc) in ["logits", "tags"].iter().zip(&errors) {
                let e = acc.finish();
                assert!(e.relative_rmse() < 0.03, "{direction} {scheme}: {name} error {e:?}");
            }
            assert!(
                same_class * 100 >= probe.len() * 95,
                "{direction} {scheme}: {same_class} of {} classes agree",
                probe.len()
            );
        }
    }
    Ok(())
}

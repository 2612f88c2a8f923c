//! Bad input gives an error naming what is wrong and where, and leaves no
//! file behind.

use std::path::{Path, PathBuf};

use hearth_quantize::pipeline::{Job, run};
use hearth_quantize::proto::{f32_tensor, node, value_info, write_model};
use hearth_quantize::quant::RangeMethod;
use hearth_quantize::{QuantError, Scheme};
use tract_onnx::pb::{GraphProto, ModelProto, OperatorSetIdProto, tensor_proto::DataType};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-quantize-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn job(input: &Path, output: &Path, scheme: Scheme) -> Job {
    Job {
        input: input.to_path_buf(),
        output: output.to_path_buf(),
        scheme,
        calib: vec![],
        calib_limit: None,
        method: RangeMethod::MinMax,
        model_dir: Some(root().join("models")),
        eval: vec![],
        rounds: 0,
        profile: 0,
        nnef: None,
    }
}

/// tokens -> Gather(table) -> `op` -> out.
fn model_with(op: &str, domain: &str, input_type: DataType) -> ModelProto {
    let mut g = GraphProto { name: "g".into(), ..Default::default() };
    g.input.push(value_info("tokens", input_type, Some(2)));
    g.initializer.push(f32_tensor("table", &[10, 4], &[0.5; 40]));
    g.node.push(node("gather", "Gather", &["table", "tokens"], &["x"], vec![]));
    let mut last = node("odd", op, &["x"], &["out"], vec![]);
    last.domain = domain.into();
    g.node.push(last);
    g.output.push(value_info("out", DataType::Float, None));
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: 13 }],
        graph: Some(g),
        ..Default::default()
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("out") || n.ends_with(".tmp"))
        .collect()
}

#[test]
fn bad_input_is_named_and_nothing_is_written() -> anyhow::Result<()> {
    let dir = temp_dir("errors");
    let out = dir.join("out.onnx");

    let not_onnx = dir.join("notes.onnx");
    std::fs::write(&not_onnx, "these are notes, not a model")?;
    let err = run(&job(&not_onnx, &out, Scheme::Weights)).unwrap_err();
    assert!(matches!(err, QuantError::NotOnnx { .. }), "{err}");
    assert!(err.to_string().contains("notes.onnx"), "{err}");

    let float_input = dir.join("float-input.onnx");
    write_model(&float_input, &model_with("Relu", "", DataType::Float))?;
    let err = run(&job(&float_input, &out, Scheme::Weights)).unwrap_err().to_string();
    assert!(err.contains("float-input.onnx") && err.contains("tokens (float"), "{err}");

    let custom = dir.join("custom.onnx");
    write_model(&custom, &model_with("FusedGelu", "com.microsoft", DataType::Int64))?;
    let err = run(&job(&custom, &out, Scheme::Weights)).unwrap_err().to_string();
    assert!(err.contains("\"odd\"") && err.contains("FusedGelu") && err.contains("com.microsoft"), "{err}");

    let unknown = dir.join("unknown.onnx");
    write_model(&unknown, &model_with("NonMaxSuppression", "", DataType::Int64))?;
    let err = run(&job(&unknown, &out, Scheme::Full)).unwrap_err().to_string();
    assert!(err.contains("NonMaxSuppression") && err.contains("\"odd\""), "{err}");

    let fine = dir.join("fine.onnx");
    write_model(&fine, &model_with("Relu", "", DataType::Int64))?;
    let csv = dir.join("calib.csv");
    std::fs::write(&csv, "{\"text\": \"turn on the lamp\"}\ntext,intent\nlamp on,turn_on\n")?;
    let mut with_csv = job(&fine, &out, Scheme::Full);
    with_csv.calib = vec![csv];
    let err = run(&with_csv).unwrap_err().to_string();
    assert!(err.contains("calib.csv:2"), "{err}");

    let no_calib = run(&job(&fine, &out, Scheme::Full)).unwrap_err().to_string();
    assert!(no_calib.contains("calibration"), "{no_calib}");

    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));

    // The same small model quantises fine, and the file appears only then.
    let report = run(&job(&fine, &out, Scheme::Weights))?;
    assert_eq!(report.int8_bytes, std::fs::metadata(&out)?.len());
    assert!(leftovers(&dir).iter().all(|n| !n.ends_with(".tmp")));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

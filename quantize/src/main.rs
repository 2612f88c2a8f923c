//! `hearth-quantize`: turns the float ONNX model into an int8 ONNX model.
//!
//! Not built yet: it needs the trained float model first.

fn main() -> anyhow::Result<()> {
    anyhow::bail!("hearth-quantize is not built yet: no float model exists to quantise")
}

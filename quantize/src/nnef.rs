//! The NNEF form of a model, which the device build of the runtime loads.
//!
//! tract reads ONNX through a large front end (protobuf, ONNX operators,
//! type inference). Written once here in tract's NNEF form, after tract has
//! typed and simplified the graph, the model loads with `tract-nnef` alone,
//! so the runtime binary can leave the ONNX front end out. The ONNX file
//! stays the exchange format; the NNEF file is derived from it and checked
//! against it.

use std::path::Path;

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

use crate::error::{QuantError, Result};
use crate::runner::TokenModel;

/// Largest difference allowed between any output of the NNEF form and the
/// ONNX model it was written from: the graphs are the same, so only the
/// order of float operations may differ.
pub const MAX_ABS_DIFF: f32 = 1e-5;

/// The typed, decluttered graph of `model` with a `[1, T]` int64 input, as
/// the runtime would build it from the ONNX file.
fn decluttered(model: &ModelProto, what: &str) -> Result<TypedModel> {
    crate::runner::typed(model, what)?
        .into_decluttered()
        .map_err(|e| QuantError::tract(format!("simplifying {what}"), e))
}

/// The bytes of `model` as a gzipped NNEF archive. The archive is
/// deterministic: the same model gives the same bytes. It is compressed with
/// Zopfli, an exhaustive deflate encoder whose output any gzip reader (tract's
/// loader among them) reads: on the shipped model's float weights it is about
/// 2% smaller than zlib's best level, at about 2 s of one core.
pub fn to_nnef(model: &ModelProto, what: &str) -> Result<Vec<u8>> {
    let graph = decluttered(model, what)?;
    let tar = tract_nnef::nnef()
        .write_to_tar_with_config(&graph, Vec::new(), false, true)
        .map_err(|e| QuantError::tract(format!("writing {what} as NNEF"), e))?;
    let mut gz = Vec::new();
    zopfli::compress(zopfli::Options::default(), zopfli::Format::Gzip, tar.as_slice(), &mut gz)
        .map_err(|e| QuantError::tract(format!("compressing {what}"), e))?;
    Ok(gz)
}

/// Writes `model` to `path` in NNEF form (atomically) and returns the size.
pub fn write_nnef(model: &ModelProto, path: &Path) -> Result<u64> {
    let bytes = to_nnef(model, &format!("the model for {}", path.display()))?;
    crate::proto::write_atomic(path, &bytes)?;
    Ok(bytes.len() as u64)
}

/// The largest absolute difference between the outputs of two models over
/// `inputs`.
pub fn max_abs_diff(a: &TokenModel, b: &TokenModel, inputs: &[Vec<i64>]) -> Result<f32> {
    let mut worst = 0f32;
    for ids in inputs {
        let (x, y) = (a.run(ids)?, b.run(ids)?);
        if x.len() != y.len() {
            return Err(QuantError::tract(format!("comparing {} with {}", a.what, b.what), "different output counts"));
        }
        for (p, q) in x.iter().zip(&y) {
            if p.shape != q.shape {
                return Err(QuantError::tract(
                    format!("comparing {} with {}", a.what, b.what),
                    format!("output shapes {:?} and {:?}", p.shape, q.shape),
                ));
            }
            worst = p.values.iter().zip(&q.values).map(|(u, v)| (u - v).abs()).fold(worst, f32::max);
        }
    }
    Ok(worst)
}

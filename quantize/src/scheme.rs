//! The two quantisation schemes and what a rewrite hands back.

use serde::Serialize;
use tract_onnx::pb::ModelProto;

use crate::tensors::{KeptFloat, TensorReport};

/// How a float model is made int8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// int8 weights behind `DequantizeLinear` (embeddings: an int8 table
    /// gathered, then scaled); activations stay float. tract folds the weights
    /// back to float when it loads the model: a 4x smaller file at float speed.
    Weights,
    /// Integer matrix products (`QuantizeLinear` + `MatMulInteger`) with
    /// activation scales from a calibration set; every `LSTM` rewritten as one
    /// `Scan` with the input projection hoisted out of the loop.
    Full,
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scheme::Weights => "weights",
            Scheme::Full => "full",
        })
    }
}

/// A quantised model and the account of what was done to it.
#[derive(Debug, Clone)]
pub struct Quantised {
    /// The int8 model.
    pub model: ModelProto,
    /// One line per quantised weight and activation.
    pub tensors: Vec<TensorReport>,
    /// Initializers read as weights but left in float.
    pub kept_float: Vec<KeptFloat>,
    /// Rewrites done, in words (`LSTM lstm0 -> Scan`, ...).
    pub rewrites: Vec<String>,
}

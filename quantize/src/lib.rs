//! hearth-quantize: turns a float ONNX model into an int8 ONNX model that tract
//! runs, and measures what that costs and gains.
#![deny(missing_docs)]

pub mod calib;
pub mod data;
pub mod error;
pub mod eval;
pub mod full;
pub mod graph;
pub mod latency;
pub mod lstm;
pub mod nnef;
pub mod pipeline;
pub mod proto;
pub mod quant;
pub mod report;
pub mod runner;
pub mod scheme;
pub mod tensors;
pub mod weights;

pub use error::{QuantError, Result};
pub use scheme::{Quantised, Scheme};

//! Corpus generation, training, evaluation and export of the hearth NLU model.
#![warn(missing_docs)]

pub mod bench;
pub mod calibrate;
pub mod corpus;
pub mod crf;
pub mod data;
pub mod dataset;
pub mod evaluate;
pub mod experiment;
pub mod export;
pub mod learning_curve;
pub mod metrics;
pub mod model;
pub mod offsets;
pub mod pipeline;
pub mod plots;
pub mod predict;
pub mod public;
pub mod report;
pub mod trainer;
pub mod tune;
pub mod vocab_build;

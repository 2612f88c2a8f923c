//! Corpus generation, training, evaluation and export of the hearth NLU model.
#![warn(missing_docs)]

pub mod corpus;
pub mod data;
pub mod offsets;

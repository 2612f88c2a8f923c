//! The errors of the quantiser. Every variant names what went wrong and where:
//! the file, the node and its operator, the tensor, or the line.

/// Errors from reading, checking, quantising, calibrating, evaluating or
/// writing a model.
#[derive(Debug, thiserror::Error)]
pub enum QuantError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not an ONNX model.
    #[error("{path} is not an ONNX model: {message}")]
    NotOnnx {
        /// The file.
        path: String,
        /// Why it does not decode.
        message: String,
    },
    /// The model lacks an input or output the quantiser needs.
    #[error("{path}: {message}")]
    Interface {
        /// The file.
        path: String,
        /// What is missing or has the wrong type.
        message: String,
    },
    /// A node refers to a tensor nothing produces.
    #[error("node {node:?} ({op}) reads tensor {tensor:?}, which no node, initializer or input produces")]
    Dangling {
        /// The node name.
        node: String,
        /// Its operator.
        op: String,
        /// The missing tensor.
        tensor: String,
    },
    /// An operator the quantiser does not know how to carry or rewrite.
    #[error("node {node:?}: unsupported operator {op}{domain}: {message}", domain = if domain.is_empty() { String::new() } else { format!(" (domain {domain})") })]
    UnsupportedOp {
        /// The node name.
        node: String,
        /// The operator.
        op: String,
        /// The operator's domain (empty for standard ONNX).
        domain: String,
        /// What to do about it.
        message: String,
    },
    /// An operator is supported, but not with this attribute or input.
    #[error("node {node:?} ({op}): unsupported {what}")]
    UnsupportedForm {
        /// The node name.
        node: String,
        /// The operator.
        op: String,
        /// The attribute or input and its value.
        what: String,
    },
    /// A tensor has a type, shape or encoding the quantiser cannot use.
    #[error("tensor {tensor:?}: {message}")]
    Tensor {
        /// The tensor name.
        tensor: String,
        /// What is wrong.
        message: String,
    },
    /// A line of a calibration or evaluation set is not a JSONL utterance.
    #[error("{path}:{line}: {message}")]
    Data {
        /// The file.
        path: String,
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// tract failed to load, optimise or run a model.
    #[error("tract: {what}: {message}")]
    Tract {
        /// What was being done, with the model.
        what: String,
        /// tract's explanation.
        message: String,
    },
    /// The runtime could not load or run a model folder.
    #[error("{what}: {source}")]
    Nlu {
        /// What was being done.
        what: String,
        /// The runtime's error.
        source: hearth::nlu::NluError,
    },
}

impl QuantError {
    /// An [`QuantError::Io`] error for `path`.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        QuantError::Io { path: path.display().to_string(), source }
    }

    /// A [`QuantError::Tensor`] error.
    pub fn tensor(tensor: &str, message: impl Into<String>) -> Self {
        QuantError::Tensor { tensor: tensor.to_string(), message: message.into() }
    }

    /// A [`QuantError::Tract`] error from any displayable tract error.
    pub fn tract(what: impl Into<String>, error: impl std::fmt::Display) -> Self {
        QuantError::Tract { what: what.into(), message: format!("{error:#}") }
    }
}

/// The result type of the quantiser.
pub type Result<T> = std::result::Result<T, QuantError>;

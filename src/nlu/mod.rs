//! Natural-language understanding: the network and the decoding of its output.

mod manifest;
mod network;
mod parser;

pub use manifest::{Manifest, ManifestError};
pub use network::{Network, NetworkError, RawOutput};
pub use parser::{Nlu, NluError, Parse, Slot, softmax_max};

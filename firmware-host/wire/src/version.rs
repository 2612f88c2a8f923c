//! Version negotiation (PROTOCOL.md §4).

use crate::{Error, Hello};

/// The newest protocol version this crate speaks.
pub const PROTOCOL_VERSION: u16 = 1;

/// The oldest protocol version this crate speaks.
pub const MIN_PROTOCOL_VERSION: u16 = 1;

/// What two hellos agreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// The protocol version both sides now speak: the newest in both ranges.
    pub version: u16,
    /// The longest frame we may send the peer, in bytes with both delimiters.
    pub peer_max_frame: usize,
}

/// Agrees on a version from our hello and the peer's (PROTOCOL.md §4).
///
/// The version is the newest one inside both `[min_version, version]` ranges;
/// [`Error::VersionMismatch`] when the ranges do not overlap.
pub fn negotiate(ours: &Hello, theirs: &Hello) -> Result<Negotiated, Error> {
    let newest = ours.version.min(theirs.version);
    let oldest = ours.min_version.max(theirs.min_version);
    if newest < oldest {
        return Err(Error::VersionMismatch {
            ours_min: ours.min_version,
            ours_max: ours.version,
            theirs_min: theirs.min_version,
            theirs_max: theirs.version,
        });
    }
    Ok(Negotiated { version: newest, peer_max_frame: usize::from(theirs.max_frame) })
}

//! The one error type of the crate.

use core::fmt;

use crate::message::ErrorCode;

/// Everything that can go wrong while encoding, decoding or negotiating.
///
/// An incomplete frame is not an error: [`Decoder::feed`](crate::Decoder::feed) answers
/// [`Feed::Incomplete`](crate::Feed::Incomplete) and waits for more bytes. Each decoding error
/// concerns one frame only; the stream goes on at the next delimiter (PROTOCOL.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The output buffer given to [`encode_frame`](crate::encode_frame) cannot hold the frame;
    /// a buffer of [`MAX_FRAME`](crate::MAX_FRAME) bytes always can.
    BufferTooSmall,
    /// A text did not fit the capacity of the message field it was meant for (PROTOCOL.md §5).
    FieldTooLong {
        /// The field, as named in PROTOCOL.md §3.
        field: &'static str,
        /// The length of the text, in UTF-8 bytes.
        len: usize,
        /// The capacity of the field, in UTF-8 bytes.
        capacity: usize,
    },
    /// More than [`MAX_ENCODED`](crate::MAX_ENCODED) bytes arrived without a delimiter; the bytes
    /// up to the next delimiter are dropped (PROTOCOL.md §6).
    FrameTooLong,
    /// The frame decoded to fewer bytes than a message tag plus its CRC (PROTOCOL.md §2).
    FrameTooShort,
    /// The frame is not valid COBS (PROTOCOL.md §2.1).
    BadCobs,
    /// The CRC at the end of the frame does not match its message bytes (PROTOCOL.md §2.2).
    BadCrc {
        /// The CRC computed over the received message bytes.
        computed: u32,
        /// The CRC found in the frame.
        received: u32,
    },
    /// The message bytes are longer than [`MAX_MESSAGE`](crate::MAX_MESSAGE) (PROTOCOL.md §5).
    MessageTooLong,
    /// The message tag names a message this version does not know, probably from a newer peer
    /// (PROTOCOL.md §3).
    UnknownMessage {
        /// The variant index found.
        index: u32,
    },
    /// The message bytes do not decode as a [`Message`](crate::Message) (PROTOCOL.md §3).
    BadMessage,
    /// The message decoded but bytes were left over before the CRC (PROTOCOL.md §3).
    TrailingBytes {
        /// How many bytes were left over.
        count: usize,
    },
    /// postcard refused to serialise a message for a reason other than space; the types of this
    /// crate do not produce it.
    SerializeFailed,
    /// The two peers' protocol version ranges do not overlap (PROTOCOL.md §4).
    VersionMismatch {
        /// Our oldest supported version.
        ours_min: u16,
        /// Our newest supported version.
        ours_max: u16,
        /// The peer's oldest supported version.
        theirs_min: u16,
        /// The peer's newest supported version.
        theirs_max: u16,
    },
}

impl Error {
    /// The wire error code to report this error to the peer with (PROTOCOL.md §3.5).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::FrameTooLong | Error::MessageTooLong => ErrorCode::FRAME_TOO_LONG,
            Error::UnknownMessage { .. } => ErrorCode::UNKNOWN_MESSAGE,
            Error::VersionMismatch { .. } => ErrorCode::UNSUPPORTED_VERSION,
            Error::FieldTooLong { .. } => ErrorCode::FIELD_TOO_LONG,
            Error::BufferTooSmall | Error::SerializeFailed => ErrorCode::INTERNAL,
            Error::FrameTooShort
            | Error::BadCobs
            | Error::BadCrc { .. }
            | Error::BadMessage
            | Error::TrailingBytes { .. } => ErrorCode::BAD_FRAME,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BufferTooSmall => f.write_str("output buffer too small for the frame"),
            Error::FieldTooLong { field, len, capacity } => {
                write!(f, "field `{field}` is {len} bytes long, its capacity is {capacity}")
            }
            Error::FrameTooLong => write!(f, "frame longer than {} bytes", crate::MAX_ENCODED),
            Error::FrameTooShort => f.write_str("frame too short to hold a message and its CRC"),
            Error::BadCobs => f.write_str("frame is not valid COBS"),
            Error::BadCrc { computed, received } => {
                write!(f, "bad CRC: computed {computed:#010x}, frame has {received:#010x}")
            }
            Error::MessageTooLong => write!(f, "message longer than {} bytes", crate::MAX_MESSAGE),
            Error::UnknownMessage { index } => write!(f, "unknown message variant {index}"),
            Error::BadMessage => f.write_str("frame does not hold a valid message"),
            Error::TrailingBytes { count } => write!(f, "{count} bytes left over after the message"),
            Error::SerializeFailed => f.write_str("the message could not be serialised"),
            Error::VersionMismatch { ours_min, ours_max, theirs_min, theirs_max } => write!(
                f,
                "no common protocol version: we speak {ours_min}..={ours_max}, the peer {theirs_min}..={theirs_max}"
            ),
        }
    }
}

impl core::error::Error for Error {}

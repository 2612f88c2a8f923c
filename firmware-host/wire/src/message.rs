//! The messages (PROTOCOL.md §3) and the capacities of their fields (PROTOCOL.md §5).
//!
//! The order of the [`Message`] variants, of the [`Event`] variants and of the fields of every
//! struct is the wire format: postcard writes no names, only variant indices and field values in
//! declaration order. Append, never reorder (PROTOCOL.md §8).

use core::fmt::Write as _;

use heapless::{String, Vec};
use serde::{Deserialize, Serialize};

use crate::Error;

/// Capacity of [`Utterance::text`] and [`Reply::text`], in UTF-8 bytes.
pub const MAX_TEXT_LEN: usize = 1024;
/// Capacity of [`Utterance::user`], in UTF-8 bytes.
pub const MAX_USER_LEN: usize = 32;
/// Capacity of [`Reply::intent`], in UTF-8 bytes.
pub const MAX_INTENT_LEN: usize = 32;
/// Most slots in one [`Reply`].
pub const MAX_SLOTS: usize = 8;
/// Capacity of [`Slot::label`], in UTF-8 bytes.
pub const MAX_SLOT_LABEL_LEN: usize = 24;
/// Capacity of [`Slot::value`], in UTF-8 bytes.
pub const MAX_SLOT_VALUE_LEN: usize = 64;
/// Most actions in one [`Reply`].
pub const MAX_ACTIONS: usize = 8;
/// Capacity of one action in [`Reply::actions`], in UTF-8 bytes.
pub const MAX_ACTION_LEN: usize = 64;
/// Capacity of [`ErrorMessage::detail`], in UTF-8 bytes.
pub const MAX_DETAIL_LEN: usize = 128;
/// Capacity of [`Hello::agent`], in UTF-8 bytes.
pub const MAX_AGENT_LEN: usize = 32;
/// Capacity of a device or timer name in an [`Event`], in UTF-8 bytes.
pub const MAX_NAME_LEN: usize = 32;
/// Capacity of a device state or timer label in an [`Event`], in UTF-8 bytes.
pub const MAX_STATE_LEN: usize = 64;

/// The text of an utterance or a reply.
pub type Text = String<MAX_TEXT_LEN>;

/// One message: the unit of the protocol, sent in one frame (PROTOCOL.md §3).
///
/// The variant order is the wire format and must never change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant, reason = "no allocator: every message lives inline, as big as the largest")]
pub enum Message {
    /// Index 0: opens a session and negotiates the version (PROTOCOL.md §4).
    Hello(Hello),
    /// Index 1: something the user said or typed, sent to the hub.
    Utterance(Utterance),
    /// Index 2: the hub's answer to an [`Utterance`] with the same id.
    Reply(Reply),
    /// Index 3: something happened at home, sent by the hub unasked.
    Event(Event),
    /// Index 4: a request failed, or a frame could not be read.
    Error(ErrorMessage),
    /// Index 5: asks the peer for a [`Message::Pong`] with the same id.
    Ping {
        /// Request id, echoed in the pong.
        id: u32,
    },
    /// Index 6: the answer to a [`Message::Ping`].
    Pong {
        /// The id of the ping.
        id: u32,
    },
}

/// The number of [`Message`] variants this version knows; a tag at or past it is
/// [`Error::UnknownMessage`].
pub const MESSAGE_VARIANTS: u32 = 7;

impl Message {
    /// The request id the message carries, if any.
    pub fn id(&self) -> Option<u32> {
        match self {
            Message::Utterance(utterance) => Some(utterance.id),
            Message::Reply(reply) => Some(reply.id),
            Message::Error(error) => error.id,
            Message::Ping { id } | Message::Pong { id } => Some(*id),
            Message::Hello(_) | Message::Event(_) => None,
        }
    }

    /// The variant's name, for logs and error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Hello(_) => "Hello",
            Message::Utterance(_) => "Utterance",
            Message::Reply(_) => "Reply",
            Message::Event(_) => "Event",
            Message::Error(_) => "Error",
            Message::Ping { .. } => "Ping",
            Message::Pong { .. } => "Pong",
        }
    }
}

/// Opens a session: each side sends one, and both use the highest version in both ranges
/// (PROTOCOL.md §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The newest protocol version the sender speaks.
    pub version: u16,
    /// The oldest protocol version the sender speaks.
    pub min_version: u16,
    /// The longest frame the sender accepts, in bytes on the wire with both delimiters.
    pub max_frame: u16,
    /// The sending program and its version, such as `hearth-link 0.1.0`.
    pub agent: String<MAX_AGENT_LEN>,
}

impl Hello {
    /// A hello for this crate's version range and frame limit; `agent` is cut to
    /// [`MAX_AGENT_LEN`] bytes at a character boundary.
    pub fn new(agent: &str) -> Self {
        Hello {
            version: crate::PROTOCOL_VERSION,
            min_version: crate::MIN_PROTOCOL_VERSION,
            max_frame: crate::MAX_FRAME as u16,
            agent: truncated(agent),
        }
    }
}

/// Something the user said or typed, for the hub to understand and act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Utterance {
    /// Request id, chosen by the sender; the reply carries it back.
    pub id: u32,
    /// Who spoke: a user name known to the hub, or empty for the default user.
    pub user: String<MAX_USER_LEN>,
    /// What was said.
    pub text: Text,
}

impl Utterance {
    /// An utterance, or [`Error::FieldTooLong`] if `user` or `text` exceeds its capacity.
    pub fn new(id: u32, user: &str, text: &str) -> Result<Self, Error> {
        Ok(Utterance { id, user: field("Utterance.user", user)?, text: field("Utterance.text", text)? })
    }
}

/// The hub's answer to one [`Utterance`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The id of the utterance this answers.
    pub id: u32,
    /// The intent the hub understood, such as `timer_start`.
    pub intent: String<MAX_INTENT_LEN>,
    /// The probability of that intent, from 0 to 1.
    pub confidence: f32,
    /// The slots found, in text order.
    pub slots: Vec<Slot, MAX_SLOTS>,
    /// What the hub did, one short line each, such as `light.kitchen on`.
    pub actions: Vec<String<MAX_ACTION_LEN>, MAX_ACTIONS>,
    /// The answer to show or speak.
    pub text: Text,
}

impl Reply {
    /// A reply without slots or actions, or [`Error::FieldTooLong`] if `intent` or `text`
    /// exceeds its capacity.
    pub fn new(id: u32, intent: &str, confidence: f32, text: &str) -> Result<Self, Error> {
        Ok(Reply {
            id,
            intent: field("Reply.intent", intent)?,
            confidence,
            slots: Vec::new(),
            actions: Vec::new(),
            text: field("Reply.text", text)?,
        })
    }

    /// Appends a slot, or gives it back when the reply already has [`MAX_SLOTS`].
    pub fn try_push_slot(&mut self, slot: Slot) -> Result<(), Slot> {
        self.slots.push(slot)
    }

    /// Appends an action; [`Error::FieldTooLong`] if it exceeds [`MAX_ACTION_LEN`] or the reply
    /// already has [`MAX_ACTIONS`] (then `field` is `Reply.actions` and `len` the count it would reach).
    pub fn try_push_action(&mut self, action: &str) -> Result<(), Error> {
        let action = field("Reply.actions[]", action)?;
        self.actions.push(action).map_err(|_| Error::FieldTooLong {
            field: "Reply.actions",
            len: MAX_ACTIONS + 1,
            capacity: MAX_ACTIONS,
        })
    }
}

/// One slot of a [`Reply`]: a labelled span of the utterance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// The slot name, such as `device` or `minutes`.
    pub label: String<MAX_SLOT_LABEL_LEN>,
    /// The text of the span, as typed.
    pub value: String<MAX_SLOT_VALUE_LEN>,
}

impl Slot {
    /// A slot, or [`Error::FieldTooLong`] if `label` or `value` exceeds its capacity.
    pub fn new(label: &str, value: &str) -> Result<Self, Error> {
        Ok(Slot { label: field("Slot.label", label)?, value: field("Slot.value", value)? })
    }
}

/// Something that happened at home, sent by the hub without being asked.
///
/// The variant order is the wire format and must never change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Index 0: a timer ran out.
    TimerFinished {
        /// The timer's name, or empty for an unnamed timer.
        timer: String<MAX_NAME_LEN>,
        /// How the hub announces it, such as `pasta, 10 minutes`.
        label: String<MAX_STATE_LEN>,
    },
    /// Index 1: a device changed state.
    DeviceState {
        /// The device, as named in the home configuration.
        device: String<MAX_NAME_LEN>,
        /// Its new state, such as `on` or `brightness 40`.
        state: String<MAX_STATE_LEN>,
    },
}

/// A request that failed, or a frame that could not be read (PROTOCOL.md §3.5, §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorMessage {
    /// The id of the failed request, or `None` when the failure has no request (a broken frame).
    pub id: Option<u32>,
    /// What went wrong, as a number the peer can act on.
    pub code: ErrorCode,
    /// What went wrong, for people; may be cut short.
    pub detail: String<MAX_DETAIL_LEN>,
}

impl ErrorMessage {
    /// An error message; `detail` is cut to [`MAX_DETAIL_LEN`] bytes at a character boundary.
    pub fn new(id: Option<u32>, code: ErrorCode, detail: &str) -> Self {
        ErrorMessage { id, code, detail: truncated(detail) }
    }

    /// The error message that reports a local [`Error`] to the peer: its code and its text.
    pub fn from_error(id: Option<u32>, error: &Error) -> Self {
        let mut detail = Truncating(String::new());
        // Truncating never fails: it drops what does not fit.
        let _ = write!(detail, "{error}");
        ErrorMessage { id, code: error.code(), detail: detail.0 }
    }
}

/// What went wrong, as a number (PROTOCOL.md §3.5).
///
/// A plain number rather than an enum, so that codes added later still decode; unknown codes
/// are to be treated like [`ErrorCode::INTERNAL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(pub u16);

impl ErrorCode {
    /// A frame could not be read: bad COBS, bad CRC, or bytes that are not a message.
    pub const BAD_FRAME: ErrorCode = ErrorCode(1);
    /// A frame was longer than the receiver accepts.
    pub const FRAME_TOO_LONG: ErrorCode = ErrorCode(2);
    /// A message variant the receiver does not know.
    pub const UNKNOWN_MESSAGE: ErrorCode = ErrorCode(3);
    /// The version ranges in the two hellos do not overlap.
    pub const UNSUPPORTED_VERSION: ErrorCode = ErrorCode(4);
    /// A request came before the hello.
    pub const HANDSHAKE_REQUIRED: ErrorCode = ErrorCode(5);
    /// A message the receiver does not take in its role, such as a reply sent to the hub.
    pub const UNEXPECTED_MESSAGE: ErrorCode = ErrorCode(6);
    /// A field of the answer would exceed its capacity.
    pub const FIELD_TOO_LONG: ErrorCode = ErrorCode(7);
    /// The receiver is still working on an earlier request.
    pub const BUSY: ErrorCode = ErrorCode(8);
    /// The user named in an utterance is unknown.
    pub const UNKNOWN_USER: ErrorCode = ErrorCode(9);
    /// Anything else went wrong on the receiver's side.
    pub const INTERNAL: ErrorCode = ErrorCode(10);

    /// The code's name, as in PROTOCOL.md §3.5, or `UNKNOWN` for a code this version lacks.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::BAD_FRAME => "BAD_FRAME",
            ErrorCode::FRAME_TOO_LONG => "FRAME_TOO_LONG",
            ErrorCode::UNKNOWN_MESSAGE => "UNKNOWN_MESSAGE",
            ErrorCode::UNSUPPORTED_VERSION => "UNSUPPORTED_VERSION",
            ErrorCode::HANDSHAKE_REQUIRED => "HANDSHAKE_REQUIRED",
            ErrorCode::UNEXPECTED_MESSAGE => "UNEXPECTED_MESSAGE",
            ErrorCode::FIELD_TOO_LONG => "FIELD_TOO_LONG",
            ErrorCode::BUSY => "BUSY",
            ErrorCode::UNKNOWN_USER => "UNKNOWN_USER",
            ErrorCode::INTERNAL => "INTERNAL",
            _ => "UNKNOWN",
        }
    }
}

impl core::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

/// Copies `text` into a string of capacity `N`, or [`Error::FieldTooLong`] naming `name`.
pub fn field<const N: usize>(name: &'static str, text: &str) -> Result<String<N>, Error> {
    String::try_from(text).map_err(|_| Error::FieldTooLong { field: name, len: text.len(), capacity: N })
}

/// Copies as much of `text` as fits in `N` bytes, cut at a character boundary.
pub fn truncated<const N: usize>(text: &str) -> String<N> {
    let mut end = text.len().min(N);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::new();
    // `end <= N` bytes always fit.
    let _ = out.push_str(&text[..end]);
    out
}

/// A `fmt::Write` into a heapless string that keeps what fits and drops the rest.
struct Truncating<const N: usize>(String<N>);

impl<const N: usize> core::fmt::Write for Truncating<N> {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        let room = N - self.0.len();
        let mut end = text.len().min(room);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        // `end <= room` bytes always fit.
        let _ = self.0.push_str(&text[..end]);
        Ok(())
    }
}

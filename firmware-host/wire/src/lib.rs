//! The serial wire protocol between a hearth hub and a peer: a host tool, or a microcontroller
//! with a microphone and a button.
//!
//! Every [`Message`] travels in its own frame: postcard bytes, a CRC-32C, COBS-encoded, with a
//! `0x00` delimiter before and after. The format is specified in `PROTOCOL.md` beside this
//! crate; the section numbers in these docs (§n) refer to it.
//!
//! The crate is `no_std` and allocates nothing: strings and lists are `heapless` types with the
//! capacities of §5, and one [`Decoder`] holds one frame buffer of [`MAX_ENCODED`] bytes. The
//! `std` feature adds `io::Framed`, which sends and receives messages over any
//! `Read + Write`.
//!
//! # Sending
//!
//! [`encode_frame`] writes one frame into a buffer; [`MAX_FRAME`] bytes always suffice.
//!
//! # Receiving
//!
//! Feed whatever the port returns to a [`Decoder`]. Each closing delimiter yields a message or
//! the [`Error`] of that one frame; the stream goes on after it (§6).
//!
//! # A hub's loop
//!
//! A session opens with a [`Hello`] from each side ([`negotiate`], §4); after it the peer sends
//! [`Utterance`]s and the hub answers each with a [`Reply`] or an [`ErrorMessage`] carrying the
//! same id. A broken frame is answered with an [`ErrorMessage`] without id. Without `std`, the
//! loop looks like this (with `std`, `io::Framed` does the reading and writing):
//!
//! ```
//! use hearth_wire::{Decoder, ErrorMessage, Feed, Hello, MAX_FRAME, Message, Reply, encode_frame, negotiate};
//!
//! /// Answers every message completed by `chunk`, writing frames with `write`.
//! fn serve_chunk(decoder: &mut Decoder, chunk: &[u8], mut write: impl FnMut(&[u8])) {
//!     let ours = Hello::new("hearth 0.1.0");
//!     let mut out = [0u8; MAX_FRAME];
//!     let mut rest = chunk;
//!     loop {
//!         let (answer, remaining) = match decoder.feed(rest) {
//!             Feed::Incomplete => return,
//!             Feed::Message { message, remaining } => (answer(&ours, message), remaining),
//!             Feed::Error { error, remaining } => (Message::Error(ErrorMessage::from_error(None, &error)), remaining),
//!         };
//!         // A MAX_FRAME buffer holds any message.
//!         if let Ok(frame) = encode_frame(&answer, &mut out) {
//!             write(frame);
//!         }
//!         rest = remaining;
//!     }
//! }
//!
//! fn answer(ours: &Hello, message: Message) -> Message {
//!     match message {
//!         Message::Hello(theirs) => match negotiate(ours, &theirs) {
//!             Ok(_) => Message::Hello(ours.clone()),
//!             Err(error) => Message::Error(ErrorMessage::from_error(None, &error)),
//!         },
//!         Message::Utterance(utterance) => match Reply::new(utterance.id, "echo", 1.0, &utterance.text) {
//!             Ok(reply) => Message::Reply(reply),
//!             Err(error) => Message::Error(ErrorMessage::from_error(Some(utterance.id), &error)),
//!         },
//!         Message::Ping { id } => Message::Pong { id },
//!         other => Message::Error(ErrorMessage::new(other.id(), hearth_wire::ErrorCode::UNEXPECTED_MESSAGE, other.kind())),
//!     }
//! }
//!
//! // A peer says hello and asks something, in one read.
//! let mut wire = [0u8; 2 * MAX_FRAME];
//! let mut len = encode_frame(&Message::Hello(Hello::new("hearth-link 0.1.0")), &mut wire)?.len();
//! let utterance = hearth_wire::Utterance::new(1, "ada", "turn on the kitchen light")?;
//! len += encode_frame(&Message::Utterance(utterance), &mut wire[len..])?.len();
//!
//! let mut decoder = Decoder::new();
//! let mut sent = Decoder::new();
//! let mut answers = Vec::new();
//! serve_chunk(&mut decoder, &wire[..len], |frame| answers.extend(sent.frames(frame)));
//! assert!(matches!(answers[0], Ok(Message::Hello(_))));
//! assert!(matches!(&answers[1], Ok(Message::Reply(reply)) if reply.id == 1 && reply.text == "turn on the kitchen light"));
//! # Ok::<(), hearth_wire::Error>(())
//! ```
#![no_std]
#![deny(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

mod decoder;
mod error;
mod frame;
#[cfg(feature = "std")]
pub mod io;
mod message;
mod version;

pub use decoder::{Decoder, Feed, Frames};
pub use error::Error;
pub use frame::{
    CRC, CRC_LEN, DELIMITER, MAX_ENCODED, MAX_FRAME, MAX_MESSAGE, decode_frame, decode_message, encode_frame,
};
pub use message::{
    ErrorCode, ErrorMessage, Event, Hello, MAX_ACTION_LEN, MAX_ACTIONS, MAX_AGENT_LEN, MAX_DETAIL_LEN, MAX_INTENT_LEN,
    MAX_NAME_LEN, MAX_SLOT_LABEL_LEN, MAX_SLOT_VALUE_LEN, MAX_SLOTS, MAX_STATE_LEN, MAX_TEXT_LEN, MAX_USER_LEN,
    MESSAGE_VARIANTS, Message, Reply, Slot, Text, Utterance, field, truncated,
};
pub use version::{MIN_PROTOCOL_VERSION, Negotiated, PROTOCOL_VERSION, negotiate};

/// Re-exported so that users name the same `String` and `Vec` the messages use.
pub use heapless;

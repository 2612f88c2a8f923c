//! Framed messages over `std::io` (feature `std`): a serial port, a pseudo-terminal, a pipe.
//!
//! [`Framed`] wraps anything `Read` and/or `Write` and sends or receives one [`Message`] at a
//! time. A hub serves a port like this (PROTOCOL.md §4, §6):
//!
//! ```no_run
//! use hearth_wire::io::Framed;
//! use hearth_wire::{ErrorCode, ErrorMessage, Hello, Message, Reply, negotiate};
//!
//! fn serve(port: impl std::io::Read + std::io::Write) -> std::io::Result<()> {
//!     let mut framed = Framed::new(port);
//!     let ours = Hello::new("hearth 0.1.0");
//!     let mut greeted = false;
//!     loop {
//!         let answer = match framed.recv()? {
//!             Ok(Message::Hello(theirs)) => match negotiate(&ours, &theirs) {
//!                 Ok(_) => {
//!                     greeted = true;
//!                     Message::Hello(ours.clone())
//!                 }
//!                 Err(error) => Message::Error(ErrorMessage::from_error(None, &error)),
//!             },
//!             Ok(Message::Ping { id }) => Message::Pong { id },
//!             Ok(Message::Utterance(utterance)) if greeted => {
//!                 // Understand and act here; this one only echoes.
//!                 let reply = Reply::new(utterance.id, "echo", 1.0, &utterance.text)
//!                     .expect("the echoed text fits: both texts have the same capacity");
//!                 Message::Reply(reply)
//!             }
//!             Ok(other) => {
//!                 let code = if greeted { ErrorCode::UNEXPECTED_MESSAGE } else { ErrorCode::HANDSHAKE_REQUIRED };
//!                 Message::Error(ErrorMessage::new(other.id(), code, other.kind()))
//!             }
//!             // A broken frame: say so and go on with the next one.
//!             Err(error) => Message::Error(ErrorMessage::from_error(None, &error)),
//!         };
//!         framed.send(&answer)?;
//!     }
//! }
//! ```

use std::io::{self, Read, Write};

use crate::{Decoder, Error, Feed, MAX_FRAME, Message, encode_frame};

/// Size of the read buffer: bytes asked of the port per `read` call.
const READ_CHUNK: usize = 512;

/// A byte stream that carries framed messages.
///
/// Reading keeps its state between calls: a `recv` that fails with a time-out (as a serial port
/// with a read timeout does) can simply be called again, and no byte is lost.
#[derive(Debug)]
pub struct Framed<T> {
    inner: T,
    decoder: Decoder,
    read_buf: [u8; READ_CHUNK],
    read_start: usize,
    read_end: usize,
}

impl<T> Framed<T> {
    /// Wraps a byte stream.
    pub fn new(inner: T) -> Self {
        Framed { inner, decoder: Decoder::new(), read_buf: [0; READ_CHUNK], read_start: 0, read_end: 0 }
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, to change its settings. Reading from it directly loses framing state.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the stream; bytes read but not yet decoded are dropped.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: Write> Framed<T> {
    /// Encodes `message` as one frame, writes it all and flushes; returns the frame's length.
    pub fn send(&mut self, message: &Message) -> io::Result<usize> {
        let mut buf = [0u8; MAX_FRAME];
        let frame = encode_frame(message, &mut buf).map_err(io::Error::other)?;
        self.inner.write_all(frame)?;
        self.inner.flush()?;
        Ok(frame.len())
    }
}

impl<T: Read> Framed<T> {
    /// Reads until a frame closes and returns what it held.
    ///
    /// The outer `Result` is the stream: an I/O error, including a read time-out
    /// ([`io::ErrorKind::TimedOut`] or [`io::ErrorKind::WouldBlock`], after which `recv` may be
    /// called again) and [`io::ErrorKind::UnexpectedEof`] when the stream ends. The inner one is
    /// the frame: a message, or the [`Error`] of a frame that could not be decoded, after which
    /// the stream is still usable.
    pub fn recv(&mut self) -> io::Result<Result<Message, Error>> {
        loop {
            if self.read_start < self.read_end {
                let pending = &self.read_buf[self.read_start..self.read_end];
                let (result, n_left) = match self.decoder.feed(pending) {
                    Feed::Incomplete => (None, 0),
                    Feed::Message { message, remaining } => (Some(Ok(message)), remaining.len()),
                    Feed::Error { error, remaining } => (Some(Err(error)), remaining.len()),
                };
                self.read_start = self.read_end - n_left;
                if let Some(result) = result {
                    return Ok(result);
                }
            }
            let n_read = match self.inner.read(&mut self.read_buf) {
                Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the stream ended")),
                Ok(n_read) => n_read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            self.read_start = 0;
            self.read_end = n_read;
        }
    }
}

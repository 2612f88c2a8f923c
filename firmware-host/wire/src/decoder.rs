//! The streaming decoder: bytes in any chunks, messages out (PROTOCOL.md §6).

use crate::{DELIMITER, Error, MAX_ENCODED, Message, decode_frame};

/// Collects bytes from a serial stream and decodes each frame as its closing delimiter arrives.
///
/// Feed it whatever the port returned, in chunks of any size; a frame may span many chunks and
/// a chunk may hold many frames. Memory is fixed: one buffer of [`MAX_ENCODED`] bytes. A frame
/// that cannot be decoded yields one [`Error`] and decoding goes on after the next delimiter;
/// no input makes it panic (PROTOCOL.md §6).
///
/// ```
/// use hearth_wire::{Decoder, Feed, MAX_FRAME, Message, encode_frame};
///
/// let mut buf = [0u8; MAX_FRAME];
/// let frame = encode_frame(&Message::Ping { id: 7 }, &mut buf)?;
/// let mut decoder = Decoder::new();
/// // The frame arrives in two reads.
/// let (first, second) = frame.split_at(3);
/// assert!(matches!(decoder.feed(first), Feed::Incomplete));
/// match decoder.feed(second) {
///     Feed::Message { message, remaining } => {
///         assert_eq!(message, Message::Ping { id: 7 });
///         assert!(remaining.is_empty());
///     }
///     other => panic!("expected a message, got {other:?}"),
/// }
/// # Ok::<(), hearth_wire::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Decoder {
    buf: [u8; MAX_ENCODED],
    len: usize,
    discarding: bool,
}

/// What one call to [`Decoder::feed`] found.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "no allocator: the message is returned inline")]
pub enum Feed<'a> {
    /// Every byte was taken and no frame is complete yet; feed more bytes.
    Incomplete,
    /// A frame closed and held this message.
    Message {
        /// The decoded message.
        message: Message,
        /// The bytes after the frame's closing delimiter, not yet fed.
        remaining: &'a [u8],
    },
    /// A frame closed, or overflowed, and could not be decoded; the decoder has already resynchronised.
    Error {
        /// What was wrong with the frame.
        error: Error,
        /// The bytes after the point of failure, not yet fed.
        remaining: &'a [u8],
    },
}

impl Decoder {
    /// An empty decoder, waiting for the start of a frame.
    pub const fn new() -> Self {
        Decoder { buf: [0; MAX_ENCODED], len: 0, discarding: false }
    }

    /// Takes bytes up to the end of the next frame and decodes it.
    ///
    /// Returns at the first frame that closes (with its message or error) and hands back the
    /// bytes it did not look at; call again with them. Empty frames (two delimiters in a row,
    /// which every frame's leading delimiter makes) are skipped. [`Error::FrameTooLong`] comes as
    /// soon as a frame outgrows [`MAX_ENCODED`]; the rest of that frame is then dropped.
    pub fn feed<'a>(&mut self, bytes: &'a [u8]) -> Feed<'a> {
        let mut rest = bytes;
        loop {
            let delimiter_idx = rest.iter().position(|byte| *byte == DELIMITER);
            let (body, after) = match delimiter_idx {
                Some(idx) => (&rest[..idx], &rest[idx + 1..]),
                None => (rest, &[][..]),
            };
            if let Err(n_taken) = self.absorb(body) {
                return Feed::Error { error: Error::FrameTooLong, remaining: &rest[n_taken..] };
            }
            if delimiter_idx.is_none() {
                return Feed::Incomplete;
            }
            match self.close_frame() {
                None => rest = after,
                Some(Ok(message)) => return Feed::Message { message, remaining: after },
                Some(Err(error)) => return Feed::Error { error, remaining: after },
            }
        }
    }

    /// Feeds `bytes` and iterates over every message or error they complete.
    ///
    /// Drain the iterator: bytes it has not reached when dropped are lost (a frame they start is
    /// then lost too, and reported as an error once its end arrives).
    pub fn frames<'d, 'a>(&'d mut self, bytes: &'a [u8]) -> Frames<'d, 'a> {
        Frames { decoder: self, rest: bytes }
    }

    /// Bytes of an unfinished frame held so far.
    pub fn pending(&self) -> usize {
        self.len
    }

    /// Drops any unfinished frame, as if a delimiter had arrived without decoding it.
    pub fn reset(&mut self) {
        self.len = 0;
        self.discarding = false;
    }

    /// Appends frame bytes; when they overflow the buffer, starts discarding and returns how many
    /// bytes of `body` were taken, up to and including the first that did not fit.
    fn absorb(&mut self, body: &[u8]) -> Result<(), usize> {
        if self.discarding || body.is_empty() {
            return Ok(());
        }
        let room = MAX_ENCODED - self.len;
        if body.len() > room {
            self.len = 0;
            self.discarding = true;
            return Err(room + 1);
        }
        self.buf[self.len..self.len + body.len()].copy_from_slice(body);
        self.len += body.len();
        Ok(())
    }

    /// Ends the current frame at a delimiter: `None` for an empty or discarded frame.
    fn close_frame(&mut self) -> Option<Result<Message, Error>> {
        let len = core::mem::take(&mut self.len);
        if core::mem::take(&mut self.discarding) || len == 0 {
            return None;
        }
        Some(decode_frame(&mut self.buf[..len]))
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

/// Iterator over the messages and errors completed by one chunk; see [`Decoder::frames`].
#[derive(Debug)]
pub struct Frames<'d, 'a> {
    decoder: &'d mut Decoder,
    rest: &'a [u8],
}

impl Iterator for Frames<'_, '_> {
    type Item = Result<Message, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.decoder.feed(self.rest) {
            Feed::Incomplete => {
                self.rest = &[];
                None
            }
            Feed::Message { message, remaining } => {
                self.rest = remaining;
                Some(Ok(message))
            }
            Feed::Error { error, remaining } => {
                self.rest = remaining;
                Some(Err(error))
            }
        }
    }
}

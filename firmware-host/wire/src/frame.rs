//! One message in one frame: postcard, then CRC-32C, then COBS between delimiters
//! (PROTOCOL.md §2).

use crate::{Error, MESSAGE_VARIANTS, Message};

/// The byte that opens and closes every frame (PROTOCOL.md §2).
pub const DELIMITER: u8 = 0x00;

/// Length of the CRC that follows the message bytes (PROTOCOL.md §2.2).
pub const CRC_LEN: usize = 4;

/// The longest message, in postcard bytes, before the CRC (PROTOCOL.md §5).
///
/// Every message this crate can build fits: the largest, a [`Reply`](crate::Reply) with every
/// field full, takes 2311 bytes.
pub const MAX_MESSAGE: usize = 2560;

/// The longest COBS-encoded frame body: the bytes between two delimiters (PROTOCOL.md §5).
pub const MAX_ENCODED: usize = cobs_max_len(MAX_MESSAGE + CRC_LEN);

/// The longest frame on the wire, both delimiters included (PROTOCOL.md §5). An
/// [`encode_frame`] buffer of this size always suffices.
pub const MAX_FRAME: usize = MAX_ENCODED + 2;

// `Hello::max_frame` is a u16.
const _: () = assert!(MAX_FRAME <= u16::MAX as usize);

/// The CRC of the protocol: CRC-32C (Castagnoli; `CRC-32/ISCSI` in the catalogue), whose check
/// value over `b"123456789"` is `0xE306_9283` (PROTOCOL.md §2.2).
pub const CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);

/// Encodes `message` as one frame into `buf` and returns the frame: a delimiter, the COBS body,
/// a delimiter (PROTOCOL.md §2).
///
/// Fails with [`Error::BufferTooSmall`] if `buf` is too short; [`MAX_FRAME`] bytes always
/// suffice. Nothing is allocated.
pub fn encode_frame<'b>(message: &Message, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
    let Some((first, rest)) = buf.split_first_mut() else {
        return Err(Error::BufferTooSmall);
    };
    *first = DELIMITER;
    // Leave room for the closing delimiter.
    let Some(body_room) = rest.len().checked_sub(1) else {
        return Err(Error::BufferTooSmall);
    };
    let flavor = FrameFlavor {
        encoder: cobs::CobsEncoder::new(&mut rest[..body_room]),
        digest: CRC.digest(),
        message_len: 0,
        room: body_room,
    };
    let body_len = postcard::serialize_with_flavor(message, flavor).map_err(|error| match error {
        postcard::Error::SerializeBufferFull => Error::BufferTooSmall,
        _ => Error::SerializeFailed,
    })?;
    let frame_len = body_len + 2;
    // `body_len <= body_room` is checked by the flavor, so the closing delimiter fits.
    buf[frame_len - 1] = DELIMITER;
    Ok(&buf[..frame_len])
}

/// Decodes one frame body, the bytes between two delimiters, in place (PROTOCOL.md §2, §3).
///
/// `body` is overwritten with the decoded bytes. Fails with the error naming what was found:
/// invalid COBS (including any `0x00` inside `body`), a short frame, a wrong CRC, an unknown
/// message variant, bytes that are not a message, or bytes left over after it.
pub fn decode_frame(body: &mut [u8]) -> Result<Message, Error> {
    if body.contains(&DELIMITER) {
        return Err(Error::BadCobs);
    }
    let report = cobs::decode_in_place_report(body).map_err(|_| Error::BadCobs)?;
    if report.parsed_size() != body.len() {
        return Err(Error::BadCobs);
    }
    let decoded = body.get(..report.frame_size()).ok_or(Error::BadCobs)?;
    let Some(message_len) = decoded.len().checked_sub(CRC_LEN).filter(|len| *len > 0) else {
        return Err(Error::FrameTooShort);
    };
    let (message_bytes, crc_bytes) = decoded.split_at(message_len);
    let received = u32::from_le_bytes([crc_bytes[0], crc_bytes[1], crc_bytes[2], crc_bytes[3]]);
    let computed = CRC.checksum(message_bytes);
    if computed != received {
        return Err(Error::BadCrc { computed, received });
    }
    if message_len > MAX_MESSAGE {
        return Err(Error::MessageTooLong);
    }
    decode_message(message_bytes)
}

/// Decodes the postcard bytes of one message: no framing, no CRC (PROTOCOL.md §3).
pub fn decode_message(bytes: &[u8]) -> Result<Message, Error> {
    // The tag is the variant index as a varint, like any u32 in postcard.
    if let Ok((index, _)) = postcard::take_from_bytes::<u32>(bytes)
        && index >= MESSAGE_VARIANTS
    {
        return Err(Error::UnknownMessage { index });
    }
    match postcard::take_from_bytes::<Message>(bytes) {
        Ok((message, [])) => Ok(message),
        Ok((_, rest)) => Err(Error::TrailingBytes { count: rest.len() }),
        Err(_) => Err(Error::BadMessage),
    }
}

/// The most bytes COBS can turn `len` bytes into: one overhead byte per started run of 254.
const fn cobs_max_len(len: usize) -> usize {
    len + len.div_ceil(254)
}

/// A postcard flavor that feeds the CRC with the message bytes and the COBS encoder with the
/// message bytes and then the CRC.
struct FrameFlavor<'a> {
    encoder: cobs::CobsEncoder<'a>,
    digest: crc::Digest<'static, u32>,
    message_len: usize,
    room: usize,
}

impl postcard::ser_flavors::Flavor for FrameFlavor<'_> {
    type Output = usize;

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.message_len += data.len();
        if self.message_len > MAX_MESSAGE {
            return Err(postcard::Error::SerializeBufferFull);
        }
        self.digest.update(data);
        self.encoder.push(data).map_err(|_| postcard::Error::SerializeBufferFull)
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.try_extend(&[data])
    }

    fn finalize(mut self) -> postcard::Result<usize> {
        let crc = self.digest.finalize();
        self.encoder.push(&crc.to_le_bytes()).map_err(|_| postcard::Error::SerializeBufferFull)?;
        let body_len = self.encoder.finalize();
        if body_len > self.room {
            return Err(postcard::Error::SerializeBufferFull);
        }
        Ok(body_len)
    }
}

//! The streaming decoder: round trips, chunking, broken frames and resynchronisation
//! (PROTOCOL.md §2, §6).

mod support;

use hearth_wire::{
    CRC, Decoder, Error, Feed, MAX_ENCODED, MAX_FRAME, MAX_MESSAGE, MESSAGE_VARIANTS, Message, Reply, Slot, Utterance,
    decode_frame, encode_frame,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use support::decode_check::{check_decoder, decode_in_chunks};
use support::{encode, message};

/// Builds a frame around raw message bytes, with a correct CRC, as a sender would.
fn frame_of_message_bytes(message_bytes: &[u8]) -> Vec<u8> {
    let mut body = message_bytes.to_vec();
    body.extend_from_slice(&CRC.checksum(message_bytes).to_le_bytes());
    let mut encoded = vec![0u8; MAX_ENCODED + 300];
    let len = cobs::encode(&body, &mut encoded);
    let mut frame = vec![0x00];
    frame.extend_from_slice(&encoded[..len]);
    frame.push(0x00);
    frame
}

/// Decodes a whole stream at once.
fn decode_all(stream: &[u8]) -> Vec<Result<Message, Error>> {
    Decoder::new().frames(stream).collect()
}

fn ping(id: u32) -> Vec<u8> {
    encode(&Message::Ping { id })
}

proptest! {
    #[test]
    fn round_trip(message in message(), chunk_sizes in proptest::collection::vec(any::<u8>(), 0..8)) {
        let frame = encode(&message);
        prop_assert!(frame.len() <= MAX_FRAME);
        prop_assert_eq!(frame[0], 0x00);
        prop_assert_eq!(frame[frame.len() - 1], 0x00);
        prop_assert!(!frame[1..frame.len() - 1].contains(&0x00));
        let outcome = check_decoder(&frame, &chunk_sizes);
        prop_assert_eq!(outcome, vec![Ok(frame)]);
    }

    /// Noise of any bytes, zeros included, between frames: every frame still decodes, in order.
    #[test]
    fn frames_survive_noise_between_them(
        messages in proptest::collection::vec(message(), 1..6),
        noises in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 6),
        chunk_sizes in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let mut stream = Vec::new();
        let mut frames = Vec::new();
        for (message, noise) in messages.iter().zip(&noises) {
            stream.extend_from_slice(noise);
            let frame = encode(message);
            stream.extend_from_slice(&frame);
            frames.push(frame);
        }
        stream.extend_from_slice(&noises[messages.len()]);
        let decoded: Vec<_> = check_decoder(&stream, &chunk_sizes).into_iter().filter_map(Result::ok).collect();
        prop_assert_eq!(decoded, frames);
    }

    /// No input panics, and no input makes the decoder hold more than one frame buffer.
    #[test]
    fn any_bytes_are_safe(stream in proptest::collection::vec(any::<u8>(), 0..4096), chunk_sizes in proptest::collection::vec(any::<u8>(), 0..8)) {
        check_decoder(&stream, &chunk_sizes);
    }

    /// A frame with one byte changed never decodes to a different message.
    #[test]
    fn a_changed_byte_is_caught(message in message(), position in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let mut frame = encode(&message);
        let inner = 1 + position.index(frame.len() - 2);
        frame[inner] ^= flip;
        let decoded: Vec<_> = decode_in_chunks(&frame, &[]).into_iter().filter_map(Result::ok).collect();
        prop_assert!(decoded.is_empty(), "a corrupted frame decoded: {:02X?}", decoded);
    }

    #[test]
    fn encoding_into_any_buffer_is_safe(message in message(), len in 0usize..MAX_FRAME) {
        let mut buf = vec![0u8; len];
        let needed = encode(&message).len();
        match encode_frame(&message, &mut buf) {
            Ok(frame) => prop_assert_eq!(frame.len(), needed),
            Err(error) => {
                prop_assert_eq!(error, Error::BufferTooSmall);
                prop_assert!(len < needed);
            }
        }
    }
}

/// Issue 6: 10,000 random bytes injected between 1,000 valid frames. Every frame decodes, in
/// order, and the decoder's memory stays fixed.
#[test]
fn issue_6_noise_between_1000_frames() {
    let mut rng = StdRng::seed_from_u64(6);
    let n_frames = 1000;
    let n_noise = 10_000;
    // Where each noise byte goes: before frame `gap`, or after the last frame.
    let mut noise_per_gap = vec![Vec::new(); n_frames + 1];
    for _ in 0..n_noise {
        noise_per_gap[rng.random_range(0..=n_frames)].push(rng.random::<u8>());
    }
    let mut stream = Vec::new();
    let mut frames = Vec::new();
    for (frame_idx, noise) in noise_per_gap.iter().enumerate() {
        stream.extend_from_slice(noise);
        if frame_idx < n_frames {
            let text = format!("utterance number {frame_idx}");
            let frame = encode(&Message::Utterance(Utterance::new(frame_idx as u32, "ada", &text).unwrap()));
            stream.extend_from_slice(&frame);
            frames.push(frame);
        }
    }
    let chunk_sizes: Vec<u8> = (0..97).map(|_| rng.random_range(1..=64)).collect();
    let outcome = check_decoder(&stream, &chunk_sizes);
    let decoded: Vec<_> = outcome.iter().filter_map(|result| result.as_ref().ok()).cloned().collect();
    assert_eq!(decoded.len(), n_frames);
    assert_eq!(decoded, frames);
    assert!(outcome.iter().any(Result::is_err), "the noise produced no errors at all");
    assert!(size_of::<Decoder>() <= MAX_ENCODED + 2 * size_of::<usize>());
}

#[test]
fn a_frame_split_byte_by_byte_decodes() {
    let frame = ping(42);
    let mut decoder = Decoder::new();
    let mut decoded = Vec::new();
    for byte in &frame {
        decoded.extend(decoder.frames(std::slice::from_ref(byte)));
    }
    assert_eq!(decoded, [Ok(Message::Ping { id: 42 })]);
}

#[test]
fn many_frames_in_one_chunk_come_out_one_by_one() {
    let stream = [ping(1), ping(2), ping(3)].concat();
    let mut decoder = Decoder::new();
    let Feed::Message { message, remaining } = decoder.feed(&stream) else { panic!("expected a message") };
    assert_eq!(message, Message::Ping { id: 1 });
    assert_eq!(
        decoder.frames(remaining).collect::<Vec<_>>(),
        [Ok(Message::Ping { id: 2 }), Ok(Message::Ping { id: 3 })]
    );
}

#[test]
fn frames_without_leading_delimiter_still_decode() {
    // A sender that only closes frames is understood too; only the first noise is then glued on.
    let stream: Vec<u8> = [&ping(1)[1..], &ping(2)[1..]].concat();
    assert_eq!(decode_all(&stream), [Ok(Message::Ping { id: 1 }), Ok(Message::Ping { id: 2 })]);
}

#[test]
fn noise_glued_to_a_frame_without_leading_delimiter_breaks_only_that_frame() {
    let stream: Vec<u8> = [&[0x13, 0x37][..], &ping(1)[1..], &ping(2)].concat();
    let outcome = decode_all(&stream);
    assert_eq!(outcome.len(), 2);
    assert!(outcome[0].is_err());
    assert_eq!(outcome[1], Ok(Message::Ping { id: 2 }));
}

#[test]
fn truncated_frame_is_an_error_and_the_next_frame_decodes() {
    let cut = &ping(1)[..5];
    let stream = [cut, &ping(2)].concat();
    let outcome = decode_all(&stream);
    assert_eq!(outcome.len(), 2);
    assert!(matches!(outcome[0], Err(Error::BadCobs | Error::FrameTooShort | Error::BadCrc { .. })));
    assert_eq!(outcome[1], Ok(Message::Ping { id: 2 }));
}

#[test]
fn an_unfinished_frame_is_incomplete_not_an_error() {
    let frame = ping(1);
    let mut decoder = Decoder::new();
    assert!(matches!(decoder.feed(&frame[..frame.len() - 1]), Feed::Incomplete));
    assert_eq!(decoder.pending(), frame.len() - 2);
}

#[test]
fn wrong_crc_is_bad_crc() {
    let mut frame = frame_of_message_bytes(&[0x05, 0x07]);
    let crc_idx = frame.len() - 2;
    frame[crc_idx] ^= 0x01;
    assert_eq!(decode_all(&frame), [Err(Error::BadCrc { computed: 0x7883_EA92, received: 0x7883_EA92 ^ 0x0100_0000 })]);
}

#[test]
fn oversized_frame_is_frame_too_long_once_then_resyncs() {
    let mut stream = vec![0x00];
    stream.extend(std::iter::repeat_n(0x41, 3 * MAX_ENCODED));
    stream.extend_from_slice(&ping(9));
    for chunk_sizes in [&[][..], &[1], &[200, 7]] {
        let outcome = decode_in_chunks(&stream, chunk_sizes);
        assert_eq!(outcome, [Err(Error::FrameTooLong), Ok(ping(9))], "chunks {chunk_sizes:?}");
    }
}

#[test]
fn longest_accepted_frame_body_is_max_encoded() {
    // MAX_ENCODED non-zero bytes are held; one more overflows.
    let mut decoder = Decoder::new();
    assert!(matches!(decoder.feed(&vec![0x41; MAX_ENCODED]), Feed::Incomplete));
    assert!(matches!(decoder.feed(&[0x41]), Feed::Error { error: Error::FrameTooLong, .. }));
}

#[test]
fn unknown_variant_is_unknown_message() {
    let frame = frame_of_message_bytes(&[MESSAGE_VARIANTS as u8, 0x01]);
    assert_eq!(decode_all(&frame), [Err(Error::UnknownMessage { index: MESSAGE_VARIANTS })]);
}

#[test]
fn leftover_bytes_are_trailing_bytes() {
    let frame = frame_of_message_bytes(&[0x05, 0x07, 0xAA, 0xBB]);
    assert_eq!(decode_all(&frame), [Err(Error::TrailingBytes { count: 2 })]);
}

#[test]
fn cut_message_is_bad_message() {
    // An utterance whose text length says 25 bytes but holds 3.
    let frame = frame_of_message_bytes(&[0x01, 0x01, 0x00, 0x19, 0x61, 0x62, 0x63]);
    assert_eq!(decode_all(&frame), [Err(Error::BadMessage)]);
}

#[test]
fn text_over_capacity_on_the_wire_is_bad_message() {
    let mut message_bytes = vec![0x01, 0x01, 0x00, 0x81, 0x08]; // text of 1025 bytes
    message_bytes.extend(std::iter::repeat_n(b'a', 1025));
    assert_eq!(decode_all(&frame_of_message_bytes(&message_bytes)), [Err(Error::BadMessage)]);
}

#[test]
fn invalid_utf8_is_bad_message() {
    let frame = frame_of_message_bytes(&[0x01, 0x01, 0x00, 0x01, 0xFF]);
    assert_eq!(decode_all(&frame), [Err(Error::BadMessage)]);
}

#[test]
fn crc_alone_is_frame_too_short() {
    let frame = frame_of_message_bytes(&[]);
    assert_eq!(decode_all(&frame), [Err(Error::FrameTooShort)]);
}

#[test]
fn message_over_max_message_is_message_too_long() {
    let mut message_bytes = vec![0x05, 0x07];
    message_bytes.resize(MAX_MESSAGE + 1, 0x01);
    let mut frame = frame_of_message_bytes(&message_bytes);
    let len = frame.len();
    assert_eq!(decode_frame(&mut frame[1..len - 1]), Err(Error::MessageTooLong));
}

#[test]
fn zero_inside_a_body_is_bad_cobs() {
    let mut frame = ping(1);
    let len = frame.len();
    frame[3] = 0x00;
    assert_eq!(decode_frame(&mut frame[1..len - 1]), Err(Error::BadCobs));
}

#[test]
fn the_largest_messages_fit() -> Result<(), Error> {
    let full = |n: usize| "x".repeat(n);
    let mut reply = Reply::new(u32::MAX, &full(32), 1.0, &full(1024))?;
    for _ in 0..hearth_wire::MAX_SLOTS {
        reply.try_push_slot(Slot::new(&full(24), &full(64))?).expect("room for MAX_SLOTS");
    }
    for _ in 0..hearth_wire::MAX_ACTIONS {
        reply.try_push_action(&full(64))?;
    }
    let overflow = Slot::new("a", "b")?;
    assert_eq!(reply.try_push_slot(overflow.clone()), Err(overflow));
    assert!(matches!(reply.try_push_action("a"), Err(Error::FieldTooLong { field: "Reply.actions", .. })));
    let message_len = postcard::to_slice(&Message::Reply(reply.clone()), &mut [0u8; 4096]).unwrap().len();
    assert_eq!(message_len, 2311);
    assert!(message_len <= MAX_MESSAGE);
    let frame = encode(&Message::Reply(reply));
    assert!(frame.len() <= MAX_FRAME);

    let utterance = Utterance::new(u32::MAX, &full(32), &full(1024))?;
    assert!(encode(&Message::Utterance(utterance)).len() <= MAX_FRAME);
    Ok(())
}

#[test]
fn constructors_refuse_text_over_capacity() {
    let long = "é".repeat(513); // 1026 bytes
    assert_eq!(
        Utterance::new(1, "ada", &long),
        Err(Error::FieldTooLong { field: "Utterance.text", len: 1026, capacity: 1024 })
    );
    assert!(matches!(Reply::new(1, &"i".repeat(33), 0.5, ""), Err(Error::FieldTooLong { field: "Reply.intent", .. })));
}

/// The memory a receiver needs: one decoder and one message, both fixed in size.
#[test]
fn memory_of_a_receiver() {
    println!("size_of::<Decoder>() = {}, size_of::<Message>() = {}", size_of::<Decoder>(), size_of::<Message>());
    assert!(size_of::<Decoder>() <= MAX_ENCODED + 2 * size_of::<usize>());
    assert!(size_of::<Message>() <= MAX_MESSAGE);
}

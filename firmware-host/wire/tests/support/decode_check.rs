//! The decoder property shared by the fuzz target (`fuzz/fuzz_targets/decode_stream.rs`) and
//! the bounded mutation test (`tests/mutation.rs`). No dependencies beyond the crate itself.

use hearth_wire::{Decoder, Error, MAX_ENCODED, MAX_FRAME, Message, decode_frame, encode_frame};

/// What a stream decoded to, with each message replaced by its frame, so that results compare
/// exactly (a message holding a NaN confidence is not equal to itself).
pub type Outcome = Vec<Result<Vec<u8>, Error>>;

/// Feeds `stream` to a decoder in chunks whose sizes cycle through `chunk_sizes` (a size of 0
/// counts as 1; no sizes means one single chunk) and checks that:
///
/// - nothing panics and the decoder never holds more than `MAX_ENCODED` bytes;
/// - the outcome does not depend on the chunking: it equals feeding `stream` at once;
/// - every decoded message encodes to a frame that decodes to the same frame again.
///
/// Returns the outcome.
pub fn check_decoder(stream: &[u8], chunk_sizes: &[u8]) -> Outcome {
    let whole = decode_in_chunks(stream, &[]);
    let chunked = decode_in_chunks(stream, chunk_sizes);
    assert_eq!(whole, chunked, "the outcome depends on the chunking {chunk_sizes:?}");
    for frame in whole.iter().flatten() {
        let mut body = frame[1..frame.len() - 1].to_vec();
        let again = decode_frame(&mut body).expect("a re-encoded message decodes");
        assert_eq!(&encode(&again), frame, "a decoded message does not survive a round trip");
    }
    whole
}

/// Decodes `stream` fed in chunks of the given sizes, checking the memory bound after each.
pub fn decode_in_chunks(stream: &[u8], chunk_sizes: &[u8]) -> Outcome {
    let mut decoder = Decoder::new();
    let mut outcome = Vec::new();
    let mut rest = stream;
    let mut size_idx = 0;
    while !rest.is_empty() {
        let size = match chunk_sizes {
            [] => rest.len(),
            sizes => usize::from(sizes[size_idx % sizes.len()]).max(1).min(rest.len()),
        };
        size_idx += 1;
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        outcome.extend(decoder.frames(chunk).map(|result| result.map(|message| encode(&message))));
        assert!(decoder.pending() <= MAX_ENCODED, "the decoder holds {} bytes", decoder.pending());
    }
    outcome
}

/// The frame of `message`.
pub fn encode(message: &Message) -> Vec<u8> {
    let mut buf = [0u8; MAX_FRAME];
    encode_frame(message, &mut buf).expect("a MAX_FRAME buffer holds any message").to_vec()
}

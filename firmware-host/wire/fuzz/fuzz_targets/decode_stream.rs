//! Fuzzes the stream decoder with the property of `tests/support/decode_check.rs`: no panic,
//! bounded memory, the same outcome in any chunking, and a round trip for every message found.
//!
//! The first byte says how many of the following bytes are chunk sizes (0 to 7); the rest is
//! the byte stream.
#![no_main]

#[path = "../../tests/support/decode_check.rs"]
mod decode_check;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&header, rest)) = data.split_first() else {
        return;
    };
    let n_sizes = usize::from(header % 8).min(rest.len());
    let (chunk_sizes, stream) = rest.split_at(n_sizes);
    decode_check::check_decoder(stream, chunk_sizes);
});

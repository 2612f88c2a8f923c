//! A bounded mutation fuzzer for the stream decoder that runs on stable Rust.
//!
//! It checks the same property as the cargo-fuzz target `decode_stream`
//! (`tests/support/decode_check.rs`) on streams of valid frames mutated at random: bit flips,
//! byte changes, insertions, deletions, stray delimiters, duplicated ranges, splices and cuts.
//! `HEARTH_WIRE_MUTATION_ROUNDS` sets the number of rounds (default 20,000).

mod support;

use hearth_wire::heapless::Vec as HVec;
use hearth_wire::{ErrorCode, ErrorMessage, Event, Hello, Message, Reply, Slot, Utterance, truncated};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use support::decode_check::check_decoder;
use support::encode;

#[test]
fn mutated_streams_never_break_the_decoder() {
    let rounds: usize =
        std::env::var("HEARTH_WIRE_MUTATION_ROUNDS").ok().and_then(|rounds| rounds.parse().ok()).unwrap_or(20_000);
    let corpus: Vec<Vec<u8>> = seed_messages().iter().map(encode).collect();
    let mut rng = StdRng::seed_from_u64(0x6EA27);
    let mut n_messages = 0;
    let mut n_errors = 0;
    for _ in 0..rounds {
        let mut stream = Vec::new();
        for _ in 0..rng.random_range(1..=4) {
            stream.extend_from_slice(&corpus[rng.random_range(0..corpus.len())]);
        }
        for _ in 0..rng.random_range(1..=6) {
            mutate(&mut stream, &corpus, &mut rng);
        }
        let chunk_sizes: Vec<u8> = (0..rng.random_range(0..6)).map(|_| rng.random()).collect();
        for result in check_decoder(&stream, &chunk_sizes) {
            match result {
                Ok(_) => n_messages += 1,
                Err(_) => n_errors += 1,
            }
        }
    }
    // Both paths must have been exercised.
    assert!(n_messages > rounds / 2, "only {n_messages} messages survived");
    assert!(n_errors > rounds / 2, "only {n_errors} errors");
}

/// Applies one random mutation to `stream`.
fn mutate(stream: &mut Vec<u8>, corpus: &[Vec<u8>], rng: &mut StdRng) {
    let len = stream.len();
    let at = |rng: &mut StdRng| rng.random_range(0..=len);
    match rng.random_range(0..9) {
        0 if len > 0 => {
            let idx = rng.random_range(0..len);
            stream[idx] ^= 1 << rng.random_range(0..8);
        }
        1 if len > 0 => {
            let idx = rng.random_range(0..len);
            stream[idx] = rng.random();
        }
        2 => {
            let idx = at(rng);
            stream.insert(idx, rng.random());
        }
        3 if len > 0 => {
            stream.remove(rng.random_range(0..len));
        }
        4 => {
            let idx = at(rng);
            stream.insert(idx, 0x00);
        }
        5 if len > 1 => {
            let start = rng.random_range(0..len);
            let end = rng.random_range(start..=len);
            let copy = stream[start..end].to_vec();
            let idx = at(rng);
            stream.splice(idx..idx, copy);
        }
        6 => {
            let other = &corpus[rng.random_range(0..corpus.len())];
            let idx = at(rng);
            stream.splice(idx..idx, other.iter().copied());
        }
        7 => stream.truncate(at(rng)),
        _ => {
            // A run of non-zero noise long enough, at times, to overflow the frame buffer.
            let n = rng.random_range(0..3000);
            let idx = at(rng);
            stream.splice(idx..idx, (0..n).map(|_| rng.random_range(1..=255)));
        }
    }
}

/// One message of each kind, with short and long fields.
fn seed_messages() -> Vec<Message> {
    let mut reply = Reply::new(2, "timer_start", 0.91, "Timer set for 10 minutes.").unwrap();
    reply.try_push_slot(Slot::new("minutes", "10").unwrap()).unwrap();
    reply.try_push_slot(Slot::new("timer_name", "pasta").unwrap()).unwrap();
    reply.try_push_action("timer.start pasta 600s").unwrap();
    let long_text = "réglez la minuterie sur dix minutes ".repeat(20);
    vec![
        Message::Hello(Hello::new("hearth-link 0.1.0")),
        Message::Utterance(Utterance::new(1, "ada", "set a pasta timer for 10 minutes").unwrap()),
        Message::Utterance(Utterance::new(u32::MAX, "", &long_text).unwrap()),
        Message::Reply(reply),
        Message::Reply(Reply {
            id: 0,
            intent: truncated("out_of_scope"),
            confidence: f32::NAN,
            slots: HVec::new(),
            actions: HVec::new(),
            text: truncated(&long_text),
        }),
        Message::Event(Event::TimerFinished { timer: truncated("pasta"), label: truncated("pasta, 10 minutes") }),
        Message::Event(Event::DeviceState { device: truncated("hall lamp"), state: truncated("off") }),
        Message::Error(ErrorMessage::new(None, ErrorCode::BAD_FRAME, "bad CRC")),
        Message::Error(ErrorMessage::new(Some(7), ErrorCode(999), "")),
        Message::Ping { id: 0 },
        Message::Pong { id: 300 },
    ]
}

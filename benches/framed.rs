//! Round trip of one framed request through a pseudo-terminal pair: a
//! client encodes a frame, the hub's framed loop decodes it, answers and the
//! client decodes the answer. `cargo bench --bench framed` prints p50/p99 for
//! a Ping (transport only) and an Utterance (transport plus a whole turn).
#![cfg(unix)]

use std::path::Path;
use std::time::{Duration, Instant};

use hearth::console::serial::framed_session;
use hearth::dialogue::{Assistant, ManualClock};
use hearth::home::Home;
use hearth::nlu::Nlu;
use hearth::profile::ProfileStore;
use hearth_wire::io::Framed;
use hearth_wire::{Hello, Message, Utterance};
use serialport::{SerialPort, TTYPort};

fn recv(framed: &mut Framed<TTYPort>) -> Message {
    loop {
        match framed.recv() {
            Ok(Ok(message)) => return message,
            Ok(Err(e)) => panic!("broken frame: {e}"),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("reading: {e}"),
        }
    }
}

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e6;
    (at(0.5), at(0.99))
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::env::temp_dir().join(format!("hearth-framed-bench-{}", std::process::id()));
    let nlu = Nlu::load(&root.join("models"), None).expect("model loads");
    let mut home = Home::load(&root.join("homes/example.toml")).expect("home loads");
    home.persist_to(&data.join("home-state.json")).unwrap();
    let mut assistant = Assistant::new(nlu, home, ProfileStore::new(&data), Box::new(ManualClock::new(0)));
    let (mut master, mut slave) = TTYPort::pair().expect("a pseudo-terminal pair");
    master.set_timeout(Duration::from_secs(5)).unwrap();
    slave.set_timeout(Duration::from_millis(100)).unwrap();
    std::thread::spawn(move || {
        let _ = framed_session(&mut assistant, &mut slave, "bench");
    });
    let mut client = Framed::new(master);
    client.send(&Message::Hello(Hello::new("bench"))).unwrap();
    recv(&mut client);
    println!("| request | runs | p50 (µs) | p99 (µs) |");
    println!("|---|---|---|---|");
    let runs = 2000;
    let mut samples = Vec::with_capacity(runs);
    for id in 0..runs as u32 {
        let start = Instant::now();
        client.send(&Message::Ping { id }).unwrap();
        recv(&mut client);
        samples.push(start.elapsed());
    }
    let (p50, p99) = percentiles(samples);
    println!("| Ping -> Pong | {runs} | {p50:.0} | {p99:.0} |");
    let mut samples = Vec::with_capacity(runs);
    for id in 0..runs as u32 {
        let text = if id % 2 == 0 { "turn on the kitchen light" } else { "turn it off" };
        let start = Instant::now();
        client.send(&Message::Utterance(Utterance::new(id, "bench", text).unwrap())).unwrap();
        recv(&mut client);
        samples.push(start.elapsed());
    }
    let (p50, p99) = percentiles(samples);
    println!("| Utterance -> Reply (\"turn on the kitchen light\" / \"turn it off\") | {runs} | {p50:.0} | {p99:.0} |");
    let _ = std::fs::remove_dir_all(data);
}

//! p50 and p99 latency of `parse` (per model file) and of a whole turn, as a
//! Markdown table for BENCHMARKS.md:
//! `cargo bench --features onnx --bench percentiles` (the ONNX files need the
//! `onnx` feature; the NNEF file is what the device build loads).
//! Criterion (`--bench latency`) gives means with confidence intervals; this
//! gives the tail.

use std::path::Path;
use std::time::{Duration, Instant};

use hearth::dialogue::{Assistant, ManualClock};
use hearth::home::Home;
use hearth::nlu::Nlu;
use hearth::profile::ProfileStore;

const RUNS: usize = 3000;

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e6;
    (at(0.5), at(0.99))
}

fn time(mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..200 {
        f();
    }
    let samples = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    percentiles(samples)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let models = root.join("models");
    println!("| what | tokens | p50 (µs) | p99 (µs) |");
    println!("|---|---|---|---|");
    let lines = [
        ("turn on the kitchen light", 5),
        ("could you set the bedroom lights to 40 percent", 9),
        ("把客厅的灯调暗一点", 9),
    ];
    for file in ["hearth-f32.onnx", "hearth-int8.onnx", "hearth-int8.nnef.tgz"] {
        if !models.join(file).exists() {
            continue;
        }
        let nlu = Nlu::load(&models, Some(&models.join(file))).expect("model loads");
        for (line, _) in lines {
            let tokens = nlu.tokenizer().encode(line).len();
            let (p50, p99) = time(|| {
                nlu.parse(line).unwrap();
            });
            println!("| parse, {file}: \"{line}\" | {tokens} | {p50:.0} | {p99:.0} |");
        }
    }
    let data = std::env::temp_dir().join(format!("hearth-percentiles-{}", std::process::id()));
    let nlu = Nlu::load(&models, None).expect("model loads");
    let mut home = Home::load(&root.join("homes/example.toml")).expect("home loads");
    home.persist_to(&data.join("home-state.json")).unwrap();
    let mut assistant = Assistant::new(nlu, home, ProfileStore::new(&data), Box::new(ManualClock::new(0)));
    let mut on = false;
    let (p50, p99) = time(|| {
        on = !on;
        assistant.turn("bench", if on { "turn on the kitchen light" } else { "turn it off" });
    });
    println!("| full turn: \"turn on the kitchen light\" / \"turn it off\" | 5 / 3 | {p50:.0} | {p99:.0} |");
    let (p50, p99) = time(|| {
        assistant.turn("bench", "把客厅的灯调暗一点");
    });
    println!("| full turn: \"把客厅的灯调暗一点\" | 9 | {p50:.0} | {p99:.0} |");
    drop(assistant);
    let _ = std::fs::remove_dir_all(data);
}

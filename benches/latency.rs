//! Latency of understanding one line (the model alone) and of a whole turn
//! (model, resolution, dialogue, state save), with the shipped models and the
//! example home. `cargo bench --features onnx --bench latency`; figures in
//! BENCHMARKS.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use hearth::dialogue::{Assistant, ManualClock};
use hearth::home::Home;
use hearth::nlu::Nlu;
use hearth::profile::ProfileStore;

const LINES: [(&str, &str); 3] = [
    ("en_6_tokens", "turn on the kitchen light"),
    ("en_10_tokens", "could you set the bedroom lights to 40 percent"),
    ("zh_9_tokens", "把客厅的灯调暗一点"),
];

fn models() -> Vec<(&'static str, Option<&'static str>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let mut models = vec![("f32", Some("hearth-f32.onnx"))];
    if root.join("hearth-int8.onnx").exists() {
        models.push(("int8", Some("hearth-int8.onnx")));
    }
    models
}

fn parse(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    for (name, file) in models() {
        let onnx = file.map(|f| root.join(f));
        let nlu = Nlu::load(&root, onnx.as_deref()).expect("model loads");
        for (label, line) in LINES {
            c.bench_function(&format!("parse/{name}/{label}"), |b| b.iter(|| nlu.parse(black_box(line)).unwrap()));
        }
    }
}

fn turn(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::env::temp_dir().join(format!("hearth-bench-{}", std::process::id()));
    let nlu = Nlu::load(&root.join("models"), None).expect("model loads");
    let mut home = Home::load(&root.join("homes/example.toml")).expect("home loads");
    home.persist_to(&data.join("home-state.json")).unwrap();
    let mut assistant = Assistant::new(nlu, home, ProfileStore::new(&data), Box::new(ManualClock::new(0)));
    let mut on = false;
    c.bench_function("turn/en_on_off", |b| {
        b.iter(|| {
            on = !on;
            assistant.turn("bench", if on { "turn on the kitchen light" } else { "turn it off" })
        })
    });
    c.bench_function("turn/zh_dim", |b| b.iter(|| assistant.turn("bench", black_box("把客厅的灯调暗一点"))));
    let _ = std::fs::remove_dir_all(data);
}

criterion_group!(benches, parse, turn);
criterion_main!(benches);

//! Scripted conversations against the shipped model and the example home.
//!
//! Each file in `tests/transcripts/` is one conversation. Lines:
//!
//! | line | meaning |
//! |---|---|
//! | `# text` | comment |
//! | `user NAME` | later lines are said by NAME (default `default`) |
//! | `> text` | the user says `text` |
//! | `< text` | the reply is exactly `text` |
//! | `~ text` | the reply contains `text` |
//! | `!~ text` | the reply does not contain `text` |
//! | `@ intent` | the model's intent for the last line |
//! | `= device field=value ...` | the device's state (`on`, `brightness`, `color`, `position`, `locked`, `target`, `volume`, `cleaning`) |
//! | `+ 90s` / `+ 5m` / `+ 1h` | time passes |
//! | `event ~ text` | an announcement that fell due contains `text` |
//! | `no events` | nothing fell due |
//! | `restart` | hearth restarts: model, home and profiles are loaded again from disk |
//!
//! The clock starts on Saturday 2026-11-28 at 09:00 local time and only moves with `+`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hearth::dialogue::{Assistant, Event, ManualClock, Turn};
use hearth::home::Home;
use hearth::nlu::Nlu;
use hearth::profile::ProfileStore;

const START: i64 = 1_795_856_400; // 2026-11-28 09:00

struct Run {
    data_dir: PathBuf,
    assistant: Assistant,
    clock: ManualClock,
    events: Vec<Event>,
}

fn assistant(data_dir: &Path, clock: &ManualClock) -> Assistant {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let nlu = Nlu::load(&root.join("models"), None).expect("the shipped model loads");
    let mut home = Home::load(&root.join("homes/example.toml")).expect("the example home loads");
    home.persist_to(&data_dir.join("home-state.json")).expect("state folder");
    Assistant::new(nlu, home, ProfileStore::new(data_dir), Box::new(clock.clone()))
}

fn parse_duration(text: &str) -> Duration {
    let (number, unit) = text.split_at(text.len() - 1);
    let n: u64 = number.trim().parse().expect("a number of seconds, minutes or hours");
    Duration::from_secs(match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        other => panic!("unknown unit {other}"),
    })
}

fn state_field(home: &Home, id: &str, field: &str) -> String {
    let i = home.device_index(id).unwrap_or_else(|| panic!("no device {id}"));
    let state = serde_json::to_value(&home.devices[i].state).unwrap();
    match state.get(field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "none".into(),
    }
}

/// Runs one transcript; returns its failures as `file:line: message`.
fn run_transcript(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let data_dir = std::env::temp_dir().join(format!("hearth-transcript-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let clock = ManualClock::new(START);
    let mut run = Run { assistant: assistant(&data_dir, &clock), clock, data_dir, events: Vec::new() };
    let mut user = "default".to_string();
    let mut last: Option<Turn> = None;
    let mut failures = Vec::new();
    let file = path.file_name().unwrap().to_string_lossy().to_string();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let at = format!("{file}:{}", n + 1);
        let mut fail = |message: String| failures.push(format!("{at}: {message}"));
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let reply = || last.as_ref().map(|t| t.reply.clone()).unwrap_or_default();
        if let Some(said) = line.strip_prefix("> ") {
            let turn = run.assistant.turn(&user, said);
            run.events.extend(run.assistant.due_events());
            last = Some(turn);
        } else if line == ">" {
            last = Some(run.assistant.turn(&user, ""));
        } else if let Some(who) = line.strip_prefix("user ") {
            user = who.trim().to_string();
        } else if let Some(want) = line.strip_prefix("< ") {
            if reply() != want {
                fail(format!("reply {:?}, expected {want:?}", reply()));
            }
        } else if let Some(want) = line.strip_prefix("!~ ") {
            if reply().contains(want) {
                fail(format!("reply {:?} contains {want:?}", reply()));
            }
        } else if let Some(want) = line.strip_prefix("~ ") {
            if !reply().contains(want) {
                fail(format!("reply {:?} lacks {want:?}", reply()));
            }
        } else if let Some(want) = line.strip_prefix("@ ") {
            let got = last.as_ref().map(|t| t.intent.clone()).unwrap_or_default();
            if got != want {
                fail(format!("intent {got}, expected {want} (reply {:?})", reply()));
            }
        } else if let Some(check) = line.strip_prefix("= ") {
            let mut parts = check.split_whitespace();
            let id = parts.next().expect("a device id");
            for pair in parts {
                let (field, want) = pair.split_once('=').expect("field=value");
                let got = state_field(run.assistant.home(), id, field);
                let want = want.replace('_', " ");
                if got != want {
                    fail(format!("{id}.{field} is {got}, expected {want} (reply {:?})", reply()));
                }
            }
        } else if let Some(by) = line.strip_prefix("+ ") {
            let by = parse_duration(by.trim());
            run.clock.advance(by);
            run.events.extend(run.assistant.due_events());
        } else if let Some(want) = line.strip_prefix("event ~ ") {
            match run.events.iter().position(|e| e.text.contains(want)) {
                Some(i) => _ = run.events.remove(i),
                None => fail(format!("no event containing {want:?}; events: {:?}", run.events)),
            }
        } else if line == "no events" {
            if !run.events.is_empty() {
                fail(format!("unexpected events: {:?}", run.events));
            }
        } else if line == "restart" {
            run.assistant.flush();
            run.assistant = assistant(&run.data_dir, &run.clock);
            run.events.clear();
            last = None;
        } else {
            fail(format!("cannot read this line: {line:?}"));
        }
    }
    let _ = std::fs::remove_dir_all(&run.data_dir);
    failures
}

#[test]
fn transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    let only = std::env::var("TRANSCRIPT").ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for file in &files {
        if only.as_ref().is_some_and(|o| !file.to_string_lossy().contains(o.as_str())) {
            continue;
        }
        ran += 1;
        failures.extend(run_transcript(file));
    }
    assert!(ran > 0, "no transcripts found");
    assert!(failures.is_empty(), "{} failure(s) in {ran} transcripts:\n{}", failures.len(), failures.join("\n"));
}

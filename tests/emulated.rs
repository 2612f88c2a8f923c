//! The ARM builds answer exactly as the host build does.
//!
//! `HEARTH_EMULATED` lists cross-built `hearth` binaries as
//! `TRIPLE=PATH[,TRIPLE=PATH...]` (for example
//! `aarch64-unknown-linux-gnu=target/aarch64-unknown-linux-gnu/emulated/hearth`).
//! Each is run under qemu-user (`qemu-aarch64`, `qemu-arm`) with the shipped
//! model and the example home, and must give the host binary's answers:
//!
//! - `hearth parse` over every [`STRIDE`]th utterance of the hand-written
//!   natural test sets, English and Chinese: the same language, intent,
//!   slots and resolved devices, and a confidence within
//!   [`CONFIDENCE_TOLERANCE`] (ARM and x86 kernels add floats in different
//!   orders);
//! - one `hearth chat` conversation made of the user lines of every
//!   dialogue transcript that needs no clock, no second user and no restart,
//!   one after the other: the same replies, byte for byte.
//!
//! Emulation is slow (tens of milliseconds an utterance), hence the
//! subset and the single conversation; the builds run side by side.
//!
//! `.ci/run` builds both ARM targets and sets the variable. Without it the
//! test says so and checks nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every how-manyth natural-set utterance is checked.
const STRIDE: usize = 3;

/// Largest confidence difference accepted between host and ARM.
const CONFIDENCE_TOLERANCE: f64 = 1e-3;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The qemu-user program and the sysroot of a dynamically linked binary.
fn emulator(triple: &str) -> (&'static str, &'static str) {
    if triple.starts_with("aarch64") {
        ("qemu-aarch64", "/usr/aarch64-linux-gnu")
    } else if triple.starts_with("armv7") || triple.starts_with("arm") {
        ("qemu-arm", "/usr/arm-linux-gnueabihf")
    } else {
        panic!("no emulator known for {triple}")
    }
}

/// How to start one build of hearth.
struct Build {
    name: String,
    program: PathBuf,
    /// qemu and its sysroot, for a cross-built binary.
    qemu: Option<(&'static str, &'static str)>,
}

impl Build {
    fn host() -> Build {
        Build { name: "host".into(), program: PathBuf::from(env!("CARGO_BIN_EXE_hearth")), qemu: None }
    }

    /// Runs hearth with `args`, `input` on standard input, and returns its
    /// standard output. Fails the test on a non-zero exit.
    fn run(&self, args: &[&str], input: &str) -> String {
        let mut command = match self.qemu {
            Some((qemu, sysroot)) => {
                let mut c = Command::new(qemu);
                c.arg(&self.program).env("QEMU_LD_PREFIX", sysroot);
                c
            }
            None => Command::new(&self.program),
        };
        let mut child = command
            .args(args)
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: cannot start {}: {e}", self.name, self.program.display()));
        let mut stdin = child.stdin.take().unwrap();
        let text = input.to_string();
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(
            out.status.success(),
            "{} {:?} failed: {}\n{}",
            self.name,
            args,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }
}

/// The cross builds named by `HEARTH_EMULATED`, if any.
fn emulated_builds() -> Vec<Build> {
    let Ok(list) = std::env::var("HEARTH_EMULATED") else { return vec![] };
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|entry| {
            let (triple, path) =
                entry.split_once('=').unwrap_or_else(|| panic!("HEARTH_EMULATED: {entry:?} is not TRIPLE=PATH"));
            let program = root().join(path.trim());
            assert!(program.exists(), "HEARTH_EMULATED: {} does not exist", program.display());
            Build { name: triple.trim().to_string(), program, qemu: Some(emulator(triple.trim())) }
        })
        .collect()
}

/// The plain text of a natural-set line `INTENT<TAB>text with [value](slot)`.
fn natural_text(line: &str) -> Option<String> {
    let line = line.trim_end();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (_, marked) = line.split_once('\t')?;
    let mut text = String::new();
    let mut rest = marked;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else { break };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else { break };
        text.push_str(&rest[..open]);
        text.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    Some(text)
}

fn natural_utterances() -> String {
    let mut input = String::new();
    for lang in ["en", "zh"] {
        let path = root().join(format!("train/corpus/natural/{lang}.txt"));
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().filter_map(natural_text).step_by(STRIDE) {
            input.push_str(&line);
            input.push('\n');
        }
    }
    input
}

/// The user lines of every transcript that runs without a clock, a second
/// user or a restart, one transcript after the other; and how many
/// transcripts that is.
fn conversation() -> (String, usize) {
    let dir = root().join("tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let (mut input, mut n) = (String::new(), 0);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let needs_more = text.lines().any(|l| {
            l.starts_with("+ ")
                || l.starts_with("user ")
                || l.starts_with("event")
                || l == "restart"
                || l == "no events"
        });
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if needs_more || name.contains("time") || name.contains("timer") {
            continue;
        }
        input.extend(text.lines().filter_map(|l| l.strip_prefix("> ")).map(|l| format!("{l}\n")));
        n += 1;
    }
    (input, n)
}

fn compare_parses(host: &str, other: &str, name: &str) -> usize {
    let (a, b): (Vec<&str>, Vec<&str>) = (host.lines().collect(), other.lines().collect());
    assert_eq!(a.len(), b.len(), "{name}: {} parse lines on the host, {} here", a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        let mut x: serde_json::Value = serde_json::from_str(x).unwrap();
        let mut y: serde_json::Value = serde_json::from_str(y).unwrap();
        let (cx, cy) = (x["confidence"].as_f64().unwrap(), y["confidence"].as_f64().unwrap());
        assert!(
            (cx - cy).abs() <= CONFIDENCE_TOLERANCE,
            "{name}: confidence {cx} on the host, {cy} here, for {}",
            x["text"]
        );
        x["confidence"] = serde_json::Value::Null;
        y["confidence"] = serde_json::Value::Null;
        assert_eq!(x, y, "{name} understands {} differently from the host", x["text"]);
    }
    a.len()
}

#[test]
fn arm_builds_answer_as_the_host_does() {
    let builds = emulated_builds();
    if builds.is_empty() {
        eprintln!("HEARTH_EMULATED is not set: no cross-built binaries to check (.ci/run sets it)");
        return;
    }
    let utterances = natural_utterances();
    assert!(utterances.lines().count() > 300, "the natural sets are missing");
    let (talk, n_transcripts) = conversation();
    assert!(n_transcripts >= 30, "only {n_transcripts} transcripts qualify");
    let scratch = std::env::temp_dir().join(format!("hearth-emulated-{}", std::process::id()));
    let answers = |build: &Build| -> (String, String) {
        let data = scratch.join(&build.name);
        std::fs::create_dir_all(&data).unwrap();
        (build.run(&["parse"], &utterances), build.run(&["chat", "--data-dir", path_str(&data)], &talk))
    };
    let (host_parses, host_replies) = answers(&Build::host());
    std::thread::scope(|scope| {
        let runs: Vec<_> = builds.iter().map(|b| (b, scope.spawn(|| answers(b)))).collect();
        for (build, run) in runs {
            let (parses, replies) = run.join().unwrap_or_else(|_| panic!("{} failed", build.name));
            let n = compare_parses(&host_parses, &parses, &build.name);
            for (i, (x, y)) in host_replies.lines().zip(replies.lines()).enumerate() {
                assert_eq!(x, y, "{}: reply {} differs from the host's", build.name, i + 1);
            }
            assert_eq!(host_replies.lines().count(), replies.lines().count(), "{}: reply count", build.name);
            eprintln!(
                "{}: {n} parses and {} turns of {n_transcripts} transcripts agree with the host",
                build.name,
                talk.lines().count()
            );
        }
    });
    let _ = std::fs::remove_dir_all(&scratch);
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

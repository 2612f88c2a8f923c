//! The client against a fake hub over a pseudo-terminal pair, as over a real serial line.
#![cfg(unix)]

use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use hearth_link::{Client, LinkError};
use hearth_wire::io::Framed;
use hearth_wire::{ErrorCode, ErrorMessage, Event, Hello, Message, Reply, Slot, truncated};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serialport::{SerialPort, TTYPort};

const TIMEOUT: Duration = Duration::from_secs(5);

/// How the fake hub behaves.
#[derive(Clone, Copy, Default)]
struct HubConfig {
    /// Write random bytes (zeros included) before every answer, from this seed.
    noise_seed: Option<u64>,
    /// Read everything and answer nothing.
    mute: bool,
    /// Send an event before every reply.
    events: bool,
}

/// What the fake hub saw.
#[derive(Debug, Default)]
struct HubStats {
    n_utterances: usize,
    n_frame_errors: usize,
}

/// A fake hub on one end of the pair: answers a hello with a hello, an utterance with a reply
/// echoing its text (intent `echo`), "fail" with an error, a ping with a pong, and a broken
/// frame with an error without id. Stops when the other end hangs up or `stop` is set.
fn spawn_hub(port: TTYPort, config: HubConfig, stop: Arc<AtomicBool>) -> thread::JoinHandle<HubStats> {
    thread::spawn(move || {
        let mut framed = Framed::new(port);
        let mut rng = StdRng::seed_from_u64(config.noise_seed.unwrap_or(0));
        let mut stats = HubStats::default();
        let deadline = Instant::now() + Duration::from_secs(60);
        while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
            let received = match framed.recv() {
                Ok(received) => received,
                Err(error) if error.kind() == std::io::ErrorKind::TimedOut => continue,
                // The client end was closed.
                Err(_) => break,
            };
            if config.mute {
                continue;
            }
            let mut answers = Vec::new();
            match received {
                Ok(Message::Hello(_)) => answers.push(Message::Hello(Hello::new("fake-hub 1.0"))),
                Ok(Message::Ping { id }) => answers.push(Message::Pong { id }),
                Ok(Message::Utterance(utterance)) => {
                    stats.n_utterances += 1;
                    if config.events {
                        let event = Event::DeviceState { device: truncated("hall lamp"), state: truncated("on") };
                        answers.push(Message::Event(event));
                    }
                    if utterance.text == "fail" {
                        answers.push(Message::Error(ErrorMessage::new(
                            Some(utterance.id),
                            ErrorCode::INTERNAL,
                            "asked to fail",
                        )));
                    } else {
                        let mut reply = Reply::new(utterance.id, "echo", 1.0, &utterance.text).unwrap();
                        if !utterance.user.is_empty() {
                            reply.try_push_slot(Slot::new("user", &utterance.user).unwrap()).unwrap();
                        }
                        reply.try_push_action("echo").unwrap();
                        answers.push(Message::Reply(reply));
                    }
                }
                Ok(other) => answers.push(Message::Error(ErrorMessage::new(
                    other.id(),
                    ErrorCode::UNEXPECTED_MESSAGE,
                    other.kind(),
                ))),
                Err(error) => {
                    stats.n_frame_errors += 1;
                    answers.push(Message::Error(ErrorMessage::from_error(None, &error)));
                }
            }
            for answer in answers {
                if config.noise_seed.is_some() {
                    let noise: Vec<u8> = (0..rng.random_range(0..64)).map(|_| rng.random()).collect();
                    if framed.get_mut().write_all(&noise).is_err() {
                        return stats;
                    }
                }
                if framed.send(&answer).is_err() {
                    return stats;
                }
            }
        }
        stats
    })
}

/// A pair of ports with a fake hub on one end; returns the client's end.
fn hub(config: HubConfig) -> (TTYPort, Arc<AtomicBool>, thread::JoinHandle<HubStats>) {
    let (hub_end, mut client_end) = TTYPort::pair().expect("a pseudo-terminal pair");
    client_end.set_timeout(Duration::from_millis(50)).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let handle = spawn_hub(hub_end, config, stop.clone());
    (client_end, stop, handle)
}

fn finish(stop: Arc<AtomicBool>, handle: thread::JoinHandle<HubStats>) -> HubStats {
    stop.store(true, Ordering::Relaxed);
    handle.join().expect("the fake hub did not panic")
}

#[test]
fn client_gets_echo_replies_over_a_pty() -> Result<(), LinkError> {
    let (port, stop, handle) = hub(HubConfig::default());
    let mut client = Client::connect(port, "hearth-link test", TIMEOUT)?;
    assert_eq!(client.hub().agent, "fake-hub 1.0");
    assert_eq!(client.negotiated().version, hearth_wire::PROTOCOL_VERSION);
    let long = "ä".repeat(512); // 1024 bytes, the capacity
    let texts = ["turn on the kitchen light", "mets un minuteur de 10 minutes", "把灯关掉", "", &long];
    for text in texts {
        let reply = client.ask("ada", text)?;
        assert_eq!(reply.intent, "echo");
        assert_eq!(reply.text, text);
        assert_eq!(reply.slots[0].value, "ada");
        assert_eq!(reply.actions[0], "echo");
    }
    client.ping()?;
    assert_eq!(client.frame_errors(), 0);
    drop(client);
    assert_eq!(finish(stop, handle).n_utterances, texts.len());
    Ok(())
}

#[test]
fn noise_from_the_hub_is_skipped() -> Result<(), LinkError> {
    let (port, stop, handle) = hub(HubConfig { noise_seed: Some(1), events: true, ..HubConfig::default() });
    let mut client = Client::connect(port, "hearth-link test", TIMEOUT)?;
    let n_asks = 200;
    for ask_idx in 0..n_asks {
        let text = format!("utterance {ask_idx}");
        assert_eq!(client.ask("", &text)?.text, text.as_str());
    }
    assert!(client.frame_errors() > 0, "the noise caused no frame errors");
    assert_eq!(client.take_events().len(), n_asks);
    drop(client);
    finish(stop, handle);
    Ok(())
}

#[test]
fn noise_from_the_client_is_skipped() -> Result<(), LinkError> {
    let (port, stop, handle) = hub(HubConfig::default());
    let mut client = Client::connect(port, "hearth-link test", TIMEOUT)?;
    let mut rng = StdRng::seed_from_u64(2);
    let n_asks = 200;
    for ask_idx in 0..n_asks {
        let noise: Vec<u8> = (0..rng.random_range(0..64)).map(|_| rng.random()).collect();
        client.transport_mut().write_all(&noise)?;
        let text = format!("utterance {ask_idx}");
        assert_eq!(client.ask("", &text)?.text, text.as_str());
    }
    drop(client);
    let stats = finish(stop, handle);
    assert_eq!(stats.n_utterances, n_asks);
    assert!(stats.n_frame_errors > 0, "the noise caused no frame errors");
    Ok(())
}

#[test]
fn a_silent_hub_is_a_timeout() {
    let (port, stop, handle) = hub(HubConfig { mute: true, ..HubConfig::default() });
    let start = Instant::now();
    let timeout = Duration::from_millis(300);
    let error = Client::connect(port, "hearth-link test", timeout).unwrap_err();
    assert!(matches!(error, LinkError::Timeout { waiting_for: "hello", .. }), "{error}");
    assert!(start.elapsed() >= timeout && start.elapsed() < timeout + Duration::from_secs(2));
    assert_eq!(error.to_string(), "no hello from the hub within 300ms");
    finish(stop, handle);
}

#[test]
fn a_hub_error_is_reported_and_the_session_goes_on() -> Result<(), LinkError> {
    let (port, stop, handle) = hub(HubConfig::default());
    let mut client = Client::connect(port, "hearth-link test", TIMEOUT)?;
    let error = client.ask("", "fail").unwrap_err();
    assert_eq!(error.to_string(), "the hub answered INTERNAL (10): asked to fail");
    assert_eq!(client.ask("", "still there?")?.text, "still there?");
    let too_long = "x".repeat(1025);
    assert!(matches!(client.ask("", &too_long), Err(LinkError::Wire(hearth_wire::Error::FieldTooLong { .. }))));
    drop(client);
    finish(stop, handle);
    Ok(())
}

#[test]
fn the_binary_runs_a_script_and_prints_json() {
    let (hub_end, client_end) = TTYPort::pair().expect("a pseudo-terminal pair");
    let port_name = client_end.name().expect("the pty's path");
    let stop = Arc::new(AtomicBool::new(false));
    let handle = spawn_hub(hub_end, HubConfig::default(), stop.clone());
    let script = std::env::temp_dir().join(format!("hearth-link-script-{}.txt", std::process::id()));
    std::fs::write(&script, "# a comment\nturn on the hall lamp\n\nwhat time is it\n").unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_hearth-link"))
        .args(["--port", &port_name, "--user", "ada", "--json", "--timeout", "5", "--script"])
        .arg(&script)
        .output()
        .expect("hearth-link runs");
    std::fs::remove_file(&script).ok();
    drop(client_end);
    finish(stop, handle);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "hearth-link failed: {stderr}");
    assert!(stderr.contains("connected to fake-hub 1.0 (protocol version 1)"), "{stderr}");
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[0]["intent"], "echo");
    assert_eq!(lines[0]["text"], "turn on the hall lamp");
    assert_eq!(lines[0]["slots"][0]["value"], "ada");
    assert_eq!(lines[1]["text"], "what time is it");
}

#[test]
fn the_binary_explains_a_missing_hub() {
    let (hub_end, client_end) = TTYPort::pair().expect("a pseudo-terminal pair");
    let port_name = client_end.name().expect("the pty's path");
    let output = Command::new(env!("CARGO_BIN_EXE_hearth-link"))
        .args(["--port", &port_name, "--timeout", "0.3", "hello"])
        .output()
        .expect("hearth-link runs");
    drop((hub_end, client_end));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no session with a hub on"), "{stderr}");
    assert!(stderr.contains("no hello from the hub within 300ms"), "{stderr}");
}

//! `hearth serve` over pseudo-terminal pairs: line mode, framed mode, noise,
//! and a port that vanishes and comes back. No hardware needed.
#![cfg(unix)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hearth_wire::io::Framed;
use hearth_wire::{Hello, Message, Utterance};
use serialport::{SerialPort, TTYPort};

struct Hub {
    child: Child,
    dir: PathBuf,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A pty pair whose device end is reachable at `link`. The device end's own
/// handle is returned too: while no one holds that end open, the controlling
/// end cannot be read.
fn plug(link: &Path) -> (TTYPort, TTYPort) {
    let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
    master.set_timeout(Duration::from_millis(100)).unwrap();
    let _ = std::fs::remove_file(link);
    std::os::unix::fs::symlink(slave.name().expect("the device end has a name"), link).unwrap();
    (master, slave)
}

fn start(tag: &str, mode: &str) -> (Hub, (TTYPort, TTYPort), PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("hearth-serial-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("port");
    // The hub starts before its port exists (and waits for it): a pty made
    // before the spawn would be inherited by the hub and never hang up.
    let child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["serve", "--mode", mode, "--serial"])
        .arg(&link)
        .arg("--model")
        .arg(root.join("models"))
        .arg("--home")
        .arg(root.join("homes/example.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("hearth starts");
    let ends = plug(&link);
    (Hub { child, dir }, ends, link)
}

/// Reads until the text read so far contains `want`, for at most 20 s.
fn read_until(port: &mut TTYPort, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    let mut buf = [0u8; 512];
    while Instant::now() < deadline {
        match port.read(&mut buf) {
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("reading the port: {e}"),
        }
        if String::from_utf8_lossy(&seen).contains(want) {
            return String::from_utf8_lossy(&seen).into_owned();
        }
    }
    panic!("no {want:?} within 20 s; read {:?}", String::from_utf8_lossy(&seen));
}

#[test]
fn line_mode_conversation() {
    let (_hub, (mut port, _device), _) = start("line", "line");
    read_until(&mut port, "> ");
    port.write_all(b"turn on the kitchen light\r").unwrap();
    read_until(&mut port, "Turned on the kitchen light.\r\n> ");
    // CRLF is one ending; Chinese both ways.
    port.write_all("把它关了\r\n".as_bytes()).unwrap();
    read_until(&mut port, "已关闭厨房灯。");
    // Backspace over a typo, DEL over a Chinese character.
    port.write_all(b"turn on the desk lampx\x08\n").unwrap();
    read_until(&mut port, "Turned on the desk lamp.");
    // Invalid UTF-8 is not fatal; an overlong line is refused.
    port.write_all(b"\xff\xfe\xfd\n").unwrap();
    read_until(&mut port, "\r\n> ");
    let mut long = vec![b'a'; 1500];
    long.push(b'\n');
    port.write_all(&long).unwrap();
    read_until(&mut port, "too long");
    port.write_all(b"is the desk lamp on\n").unwrap();
    read_until(&mut port, "Yes.");
}

fn framed(port: TTYPort) -> Framed<TTYPort> {
    Framed::new(port)
}

fn recv(framed: &mut Framed<TTYPort>) -> Message {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        match framed.recv() {
            Ok(Ok(message)) => return message,
            Ok(Err(e)) => panic!("a broken frame from the hub: {e}"),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("reading: {e}"),
        }
    }
    panic!("no frame within 20 s");
}

fn ask(framed: &mut Framed<TTYPort>, id: u32, user: &str, text: &str) -> hearth_wire::Reply {
    framed.send(&Message::Utterance(Utterance::new(id, user, text).unwrap())).unwrap();
    loop {
        match recv(framed) {
            Message::Reply(reply) => {
                assert_eq!(reply.id, id);
                return reply;
            }
            Message::Error(e) => panic!("error frame: {e:?}"),
            _ => {}
        }
    }
}

#[test]
fn framed_mode_with_noise_and_replug() {
    let (_hub, (port, device), link) = start("framed", "framed");
    let mut link_port = framed(port);
    link_port.send(&Message::Hello(Hello::new("test"))).unwrap();
    assert!(matches!(recv(&mut link_port), Message::Hello(_)));
    let reply = ask(&mut link_port, 1, "ana", "turn on the kitchen light");
    assert_eq!(reply.intent.as_str(), "turn_on");
    assert!(reply.text.contains("Turned on the kitchen light"), "{:?}", reply.text);
    assert!(reply.actions.iter().any(|a| a.starts_with("kitchen.ceiling turn_on")), "{:?}", reply.actions);

    // Noise between frames: the hub reports bad frames and answers the next good one.
    link_port.get_mut().write_all(&[0x00, 0x13, 0x37, 0xff, 0x42, 0x00]).unwrap();
    assert!(matches!(recv(&mut link_port), Message::Error(_)));
    let reply = ask(&mut link_port, 2, "bob", "把卧室灯打开");
    assert!(reply.text.contains("已打开"), "{:?}", reply.text);

    // Unplug: the hub loses the port, waits, and reopens it; Ana's context survives.
    drop(link_port);
    drop(device);
    std::thread::sleep(Duration::from_millis(500));
    let (port, _device) = plug(&link);
    let mut link_port = framed(port);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        link_port.send(&Message::Hello(Hello::new("test"))).unwrap();
        match link_port.recv() {
            Ok(Ok(Message::Hello(_))) => break,
            _ if Instant::now() > deadline => panic!("the hub did not come back"),
            _ => std::thread::sleep(Duration::from_millis(300)),
        }
    }
    let reply = ask(&mut link_port, 3, "ana", "turn it off");
    assert!(reply.text.contains("Turned off the kitchen light"), "{:?}", reply.text);
}

#[test]
fn noise_between_a_thousand_frames() {
    use rand::{Rng, SeedableRng};
    let (_hub, (port, _device), _) = start("noise", "framed");
    let mut link_port = framed(port);
    link_port.send(&Message::Hello(Hello::new("test"))).unwrap();
    assert!(matches!(recv(&mut link_port), Message::Hello(_)));
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    link_port.get_mut().set_timeout(Duration::from_millis(1)).unwrap();
    let mut noise_left = 10_000usize;
    let mut pongs = Vec::new();
    for id in 0..1000u32 {
        let n = if id == 999 { noise_left } else { rng.random_range(0..=20).min(noise_left) };
        noise_left -= n;
        let noise: Vec<u8> = (0..n).map(|_| rng.random()).collect();
        link_port.get_mut().write_all(&noise).unwrap();
        link_port.send(&Message::Ping { id }).unwrap();
        // Read what has arrived so far without waiting, so the pty never fills up.
        while let Ok(Ok(message)) = link_port.recv() {
            if let Message::Pong { id } = message {
                pongs.push(id);
            }
        }
    }
    link_port.get_mut().set_timeout(Duration::from_millis(100)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while pongs.len() < 1000 && Instant::now() < deadline {
        match link_port.recv() {
            Ok(Ok(Message::Pong { id })) => pongs.push(id),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("reading: {e}"),
        }
    }
    pongs.sort_unstable();
    pongs.dedup();
    assert_eq!(pongs.len(), 1000, "every ping after noise is answered");
}

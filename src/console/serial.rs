//! `hearth serve`: the conversation over a serial port, for a person on a
//! terminal (line mode) or a machine peer (framed mode, see the hearth-wire
//! protocol). A port that vanishes (a USB adapter pulled out) is waited for
//! and reopened; every user's context lives on in the assistant meanwhile.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use hearth_wire::io::Framed;
use hearth_wire::{ErrorCode, ErrorMessage, Hello, Message, Reply, Slot, negotiate};

use crate::dialogue::{Assistant, Event};

/// The longest line accepted in line mode, in bytes.
pub const MAX_SERIAL_LINE: usize = 1024;

/// How long one read waits, so timers are announced on time.
const POLL: Duration = Duration::from_millis(100);

/// How the port speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Text lines for a person on a terminal.
    Line,
    /// hearth-wire frames for a machine peer.
    Framed,
}

/// Parity bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Parity {
    /// No parity bit.
    None,
    /// Odd parity.
    Odd,
    /// Even parity.
    Even,
}

/// Flow control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Flow {
    /// None.
    None,
    /// XON/XOFF.
    Software,
    /// RTS/CTS.
    Hardware,
}

/// Port settings.
#[derive(Debug, Clone)]
pub struct PortSettings {
    /// Device path, such as `/dev/serial0`.
    pub path: PathBuf,
    /// Baud rate.
    pub baud: u32,
    /// Parity.
    pub parity: Parity,
    /// Stop bits: 1 or 2.
    pub stop_bits: u8,
    /// Flow control.
    pub flow: Flow,
}

/// What `serve` does.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The port.
    pub port: PortSettings,
    /// Line or framed.
    pub mode: Mode,
    /// Echo typed characters back (line mode).
    pub echo: bool,
    /// The user in line mode (framed messages name their own).
    pub user: String,
    /// Stop after the port has been lost this many times (`None`: never; for tests).
    pub max_reconnects: Option<u32>,
}

/// Serves the port until the process is stopped (or `max_reconnects` is used up).
pub fn serve(assistant: &mut Assistant, options: &ServeOptions) -> anyhow::Result<()> {
    let mut lost = 0u32;
    let mut waiting_logged = false;
    loop {
        match open(&options.port) {
            Ok(mut port) => {
                eprintln!("hearth: serving {} in {:?} mode", options.port.path.display(), options.mode);
                waiting_logged = false;
                let result = match options.mode {
                    Mode::Line => line_session(assistant, &mut port, options),
                    Mode::Framed => framed_session(assistant, &mut port, &options.user),
                };
                if let Err(e) = result {
                    eprintln!("hearth: lost {}: {e}; waiting for it to come back", options.port.path.display());
                }
                lost += 1;
                if options.max_reconnects.is_some_and(|max| lost > max) {
                    return Ok(());
                }
            }
            Err(e) if !waiting_logged => {
                eprintln!("hearth: cannot open {} ({e}); retrying every second", options.port.path.display());
                waiting_logged = true;
            }
            Err(_) => {}
        }
        // Timers still fall due while the port is gone; they are announced when it returns.
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn open(settings: &PortSettings) -> serialport::Result<Box<dyn serialport::SerialPort>> {
    let path = settings.path.to_string_lossy();
    serialport::new(path.as_ref(), settings.baud)
        .timeout(POLL)
        .data_bits(serialport::DataBits::Eight)
        .parity(match settings.parity {
            Parity::None => serialport::Parity::None,
            Parity::Odd => serialport::Parity::Odd,
            Parity::Even => serialport::Parity::Even,
        })
        .stop_bits(if settings.stop_bits == 2 { serialport::StopBits::Two } else { serialport::StopBits::One })
        .flow_control(match settings.flow {
            Flow::None => serialport::FlowControl::None,
            Flow::Software => serialport::FlowControl::Software,
            Flow::Hardware => serialport::FlowControl::Hardware,
        })
        .open()
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted)
}

/// Line mode on any byte stream: CR, LF or CRLF end a line; backspace and DEL
/// erase a character; Ctrl-C drops the line; invalid UTF-8 is replaced;
/// lines over [`MAX_SERIAL_LINE`] bytes are refused with a message. Returns
/// when the stream fails or ends.
pub fn line_session<P: Read + Write + ?Sized>(
    assistant: &mut Assistant,
    port: &mut P,
    options: &ServeOptions,
) -> io::Result<()> {
    let mut line: Vec<u8> = Vec::new();
    let mut overflow = false;
    let mut after_cr = false;
    let mut buf = [0u8; 256];
    port.write_all(b"hearth is listening. Type \"help\" for ideas.\r\n> ")?;
    port.flush()?;
    loop {
        let events = assistant.due_events();
        if !events.is_empty() {
            for event in events {
                write!(port, "\r\n{}\r\n", event.text)?;
            }
            port.write_all(b"> ")?;
            port.write_all(&line)?;
            port.flush()?;
        }
        let n = match port.read(&mut buf) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the port closed")),
            Ok(n) => n,
            Err(e) if is_timeout(&e) => continue,
            Err(e) => return Err(e),
        };
        let mut out: Vec<u8> = Vec::new();
        for &byte in &buf[..n] {
            let was_cr = std::mem::replace(&mut after_cr, byte == b'\r');
            match byte {
                b'\n' if was_cr => {}
                b'\r' | b'\n' => {
                    out.extend_from_slice(b"\r\n");
                    let reply = if overflow {
                        format!("That line is too long; I read lines of up to {MAX_SERIAL_LINE} bytes.")
                    } else {
                        let text = String::from_utf8_lossy(&line).into_owned();
                        assistant.turn(&options.user, &text).reply
                    };
                    out.extend_from_slice(reply.replace('\n', "\r\n").as_bytes());
                    out.extend_from_slice(b"\r\n> ");
                    line.clear();
                    overflow = false;
                }
                0x08 | 0x7f => {
                    if pop_char(&mut line) && options.echo {
                        out.extend_from_slice(b"\x08 \x08");
                    }
                }
                0x03 => {
                    line.clear();
                    overflow = false;
                    out.extend_from_slice(b"^C\r\n> ");
                }
                _ => {
                    if line.len() < MAX_SERIAL_LINE {
                        line.push(byte);
                    } else {
                        overflow = true;
                    }
                    if options.echo {
                        out.push(byte);
                    }
                }
            }
        }
        if !out.is_empty() {
            port.write_all(&out)?;
            port.flush()?;
        }
    }
}

/// Removes the last UTF-8 character (or stray byte); false if the line was empty.
fn pop_char(line: &mut Vec<u8>) -> bool {
    let Some(mut at) = line.len().checked_sub(1) else { return false };
    while at > 0 && line[at] & 0b1100_0000 == 0b1000_0000 && line.len() - at < 4 {
        at -= 1;
    }
    line.truncate(at);
    true
}

/// Framed mode on any byte stream: Hello first, then utterances answered by
/// replies, pings by pongs, broken frames by error frames; timer ends are
/// sent as events. Returns when the stream fails or ends.
pub fn framed_session<P: Read + Write + ?Sized>(
    assistant: &mut Assistant,
    port: &mut P,
    default_user: &str,
) -> io::Result<()> {
    let mut framed = Framed::new(port);
    let ours = Hello::new(concat!("hearth ", env!("CARGO_PKG_VERSION")));
    let mut greeted = false;
    loop {
        for event in assistant.due_events() {
            framed.send(&Message::Event(wire_event(&event)))?;
        }
        let received = match framed.recv() {
            Ok(received) => received,
            Err(e) if is_timeout(&e) => continue,
            Err(e) => return Err(e),
        };
        let answer = match received {
            Ok(Message::Hello(theirs)) => match negotiate(&ours, &theirs) {
                Ok(_) => {
                    greeted = true;
                    Message::Hello(ours.clone())
                }
                Err(error) => Message::Error(ErrorMessage::from_error(None, &error)),
            },
            Ok(Message::Ping { id }) => Message::Pong { id },
            Ok(Message::Utterance(utterance)) if greeted => {
                let user = if utterance.user.is_empty() { default_user } else { utterance.user.as_str() };
                let turn = assistant.turn(user, &utterance.text);
                Message::Reply(wire_reply(utterance.id, &turn))
            }
            Ok(other) => {
                let code = if greeted { ErrorCode::UNEXPECTED_MESSAGE } else { ErrorCode::HANDSHAKE_REQUIRED };
                Message::Error(ErrorMessage::new(other.id(), code, other.kind()))
            }
            Err(error) => Message::Error(ErrorMessage::from_error(None, &error)),
        };
        framed.send(&answer)?;
    }
}

/// A turn as a wire reply; texts too long for the wire are cut at a character boundary.
fn wire_reply(id: u32, turn: &crate::dialogue::Turn) -> Reply {
    let mut reply = Reply::new(
        id,
        &cut(&turn.intent, hearth_wire::MAX_INTENT_LEN),
        turn.confidence,
        &cut(&turn.reply, hearth_wire::MAX_TEXT_LEN),
    )
    .expect("fields were cut to their capacity");
    for slot in &turn.slots {
        let Ok(slot) = Slot::new(
            &cut(&slot.label, hearth_wire::MAX_SLOT_LABEL_LEN),
            &cut(&slot.value, hearth_wire::MAX_SLOT_VALUE_LEN),
        ) else {
            continue;
        };
        if reply.try_push_slot(slot).is_err() {
            break;
        }
    }
    for action in &turn.actions {
        let text = serde_json::to_value(&action.command).ok().map(|v| match (v.get("command"), v.get("value")) {
            (Some(c), Some(value)) => format!("{} {} {}", action.device, c.as_str().unwrap_or(""), value),
            (Some(c), None) => format!("{} {}", action.device, c.as_str().unwrap_or("")),
            _ => action.device.clone(),
        });
        if let Some(text) = text
            && reply.try_push_action(&cut(&text, hearth_wire::MAX_ACTION_LEN)).is_err()
        {
            break;
        }
    }
    reply
}

fn wire_event(event: &Event) -> hearth_wire::Event {
    hearth_wire::Event::TimerFinished {
        timer: hearth_wire::truncated(&event.name),
        label: hearth_wire::truncated(&event.text),
    }
}

/// `text` cut to at most `max` bytes at a character boundary.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backspace_removes_whole_characters() {
        let mut line = "开灯".as_bytes().to_vec();
        assert!(pop_char(&mut line));
        assert_eq!(line, "开".as_bytes());
        assert!(pop_char(&mut line));
        assert!(!pop_char(&mut line));
        assert_eq!(cut("开灯", 4), "开");
    }
}

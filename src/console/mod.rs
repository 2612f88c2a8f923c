//! Talking to people: the stdin/stdout conversation loop and the line reader
//! that guards it against hostile input.

mod lines;
pub mod serial;

pub use lines::{Line, LineReader, MAX_LINE_BYTES};

use std::io::{IsTerminal, Write};
use std::sync::mpsc;
use std::time::Duration;

use crate::dialogue::{Assistant, Event, Turn};

/// How replies are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Plain text, one reply a line.
    Text,
    /// One JSON object a turn.
    Json,
}

/// Runs a conversation for `user` on standard input and output until end of
/// input. With a terminal a prompt is shown (the terminal's own line editing
/// applies); piped, exactly one reply line is written per input line. Timer
/// announcements are written when they fall due, also while waiting for input.
pub fn chat(assistant: &mut Assistant, user: &str, output: Output) -> anyhow::Result<()> {
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let (sender, receiver) = mpsc::channel::<std::io::Result<Line>>();
    std::thread::spawn(move || {
        let mut reader = LineReader::new(std::io::stdin().lock());
        loop {
            let line = reader.next_line();
            let end = matches!(line, Ok(Line::End) | Err(_));
            if sender.send(line).is_err() || end {
                break;
            }
        }
    });
    let mut stdout = std::io::stdout().lock();
    for notice in assistant.take_notices() {
        eprintln!("hearth: {notice}");
    }
    if interactive && output == Output::Text {
        let greeting = match assistant.user_name(user) {
            Some(name) => format!("hearth is listening, {name}. Type \"help\" for ideas; Ctrl-D ends."),
            None => "hearth is listening. Type \"help\" for ideas; Ctrl-D ends.".to_string(),
        };
        writeln!(stdout, "{greeting}")?;
    }
    loop {
        if interactive && output == Output::Text {
            write!(stdout, "> ")?;
        }
        stdout.flush()?;
        let line = loop {
            let wait = assistant.next_event_in().unwrap_or(Duration::from_secs(3600));
            match receiver.recv_timeout(wait) {
                Ok(line) => break line?,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    for event in assistant.due_events() {
                        write_event(&mut stdout, &event, output, interactive)?;
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break Line::End,
            }
        };
        let turn = match line {
            Line::End => break,
            Line::Text(text) => assistant.turn(user, &text),
            Line::TooLong(bytes) => Turn::bare(
                "",
                crate::text::Lang::En,
                format!("That line is too long ({bytes} bytes); I read lines of up to {MAX_LINE_BYTES} bytes."),
            ),
        };
        write_turn(&mut stdout, &turn, output)?;
        for event in assistant.due_events() {
            write_event(&mut stdout, &event, output, false)?;
        }
        for notice in assistant.take_notices() {
            eprintln!("hearth: {notice}");
        }
    }
    assistant.flush();
    for notice in assistant.take_notices() {
        eprintln!("hearth: {notice}");
    }
    stdout.flush()?;
    Ok(())
}

/// Writes one turn.
pub fn write_turn(out: &mut impl Write, turn: &Turn, output: Output) -> std::io::Result<()> {
    match output {
        Output::Text => writeln!(out, "{}", turn.reply),
        Output::Json => writeln!(out, "{}", serde_json::to_string(turn).expect("turns serialise")),
    }
}

fn write_event(out: &mut impl Write, event: &Event, output: Output, redraw_prompt: bool) -> std::io::Result<()> {
    match output {
        Output::Text if redraw_prompt => write!(out, "\n{}\n> ", event.text)?,
        Output::Text => writeln!(out, "{}", event.text)?,
        Output::Json => writeln!(out, "{}", serde_json::json!({ "event": event }))?,
    }
    out.flush()
}

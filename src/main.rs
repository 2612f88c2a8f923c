//! The `hearth` command line.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use hearth::console::{self, Line, LineReader, Output, serial};
use hearth::dialogue::{Assistant, SystemClock};
use hearth::home::Home;
use hearth::nlu::Nlu;
use hearth::profile::ProfileStore;
use hearth::text::{Tokenizer, TokenizerOptions, Vocab, words};

#[derive(Parser)]
#[command(name = "hearth", version, about = "Offline smart-home assistant")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Talk to the assistant on standard input and output.
    Chat {
        #[command(flatten)]
        setup: Setup,
        /// The person talking (their profile is kept under this name).
        #[arg(long, default_value = "default")]
        user: String,
        /// One JSON object per turn instead of plain replies.
        #[arg(long)]
        json: bool,
    },
    /// Talk over a serial port: line mode for a person on a terminal,
    /// framed mode (hearth-wire) for a machine peer.
    Serve {
        #[command(flatten)]
        setup: Setup,
        /// The serial device, such as /dev/serial0 or /dev/ttyUSB0.
        #[arg(long)]
        serial: PathBuf,
        /// Baud rate.
        #[arg(long, default_value_t = 115_200)]
        baud: u32,
        /// Line mode for people, framed mode for machines.
        #[arg(long, value_enum, default_value = "line")]
        mode: serial::Mode,
        /// Parity.
        #[arg(long, value_enum, default_value = "none")]
        parity: serial::Parity,
        /// Stop bits (1 or 2).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
        stop_bits: u8,
        /// Flow control.
        #[arg(long, value_enum, default_value = "none")]
        flow: serial::Flow,
        /// Do not echo typed characters (line mode), for terminals that echo locally.
        #[arg(long)]
        no_echo: bool,
        /// The person talking in line mode (framed messages name their user).
        #[arg(long, default_value = "default")]
        user: String,
    },
    /// Batch understanding: one JSON line (intent, slots, resolved devices
    /// and values) per input line. Acts on nothing.
    Parse {
        #[command(flatten)]
        setup: Setup,
    },
    /// List the home's areas and devices with their current state.
    Home {
        #[command(flatten)]
        setup: Setup,
    },
    /// Print the tokens of each input line as JSON (one line per input line).
    Tokenize {
        /// Vocabulary file; without it the pre-tokenised words are printed.
        #[arg(long)]
        vocab: Option<PathBuf>,
        /// Drop stop words, as the `remove_stop_words` option does.
        #[arg(long)]
        stop_words: bool,
    },
}

/// Where the model, the home and the saved data are.
#[derive(Args, Clone)]
struct Setup {
    /// Folder with the model, vocabulary and labels.
    #[arg(long, default_value = "models")]
    model: PathBuf,
    /// The home file (TOML).
    #[arg(long, default_value = "homes/example.toml")]
    home: PathBuf,
    /// Folder for profiles and device state [default: $HEARTH_DATA_DIR,
    /// $XDG_DATA_HOME/hearth or ~/.local/share/hearth].
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Local time as an offset from UTC in minutes (for "what time is it").
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    utc_offset: i32,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hearth: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Chat { setup, user, json } => {
            let mut assistant = assistant(&setup)?;
            assistant.open_user(&user);
            console::chat(&mut assistant, &user, if json { Output::Json } else { Output::Text })
        }
        Command::Serve { setup, serial: path, baud, mode, parity, stop_bits, flow, no_echo, user } => {
            let mut assistant = assistant(&setup)?;
            assistant.open_user(&user);
            for notice in assistant.take_notices() {
                eprintln!("hearth: {notice}");
            }
            let options = serial::ServeOptions {
                port: serial::PortSettings { path, baud, parity, stop_bits, flow },
                mode,
                echo: !no_echo,
                user,
                max_reconnects: None,
            };
            serial::serve(&mut assistant, &options)
        }
        Command::Parse { setup } => parse(&assistant(&setup)?),
        Command::Home { setup } => show_home(&assistant(&setup)?),
        Command::Tokenize { vocab, stop_words } => tokenize(vocab, TokenizerOptions { remove_stop_words: stop_words }),
    }
}

/// Loads the model and the home, restores saved state.
fn assistant(setup: &Setup) -> anyhow::Result<Assistant> {
    let nlu =
        Nlu::load(&setup.model, None).with_context(|| format!("loading the model in {}", setup.model.display()))?;
    let mut home = Home::load(&setup.home)?;
    let data_dir = setup.data_dir.clone().unwrap_or_else(default_data_dir);
    if let Some(message) = home.persist_to(&data_dir.join("home-state.json"))? {
        eprintln!("hearth: {message}");
    }
    Ok(Assistant::new(nlu, home, ProfileStore::new(&data_dir), Box::new(SystemClock::new(setup.utc_offset))))
}

fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HEARTH_DATA_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("hearth");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/hearth"),
        None => PathBuf::from(".hearth"),
    }
}

fn parse(assistant: &Assistant) -> anyhow::Result<()> {
    let mut reader = LineReader::new(std::io::stdin().lock());
    let mut stdout = std::io::stdout().lock();
    loop {
        let turn = match reader.next_line().context("reading standard input")? {
            Line::End => break,
            Line::Text(text) => assistant.understand(&text),
            Line::TooLong(_) => assistant.understand(&"x".repeat(hearth::dialogue::MAX_LINE_CHARS + 1)),
        };
        let json = serde_json::json!({
            "text": turn.text, "lang": turn.lang, "intent": turn.intent, "confidence": turn.confidence,
            "slots": turn.slots, "resolved": turn.resolved,
        });
        writeln!(stdout, "{json}").context("writing standard output")?;
    }
    Ok(())
}

fn show_home(assistant: &Assistant) -> anyhow::Result<()> {
    let home = assistant.home();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}: {} areas, {} devices", home.name, home.areas.len(), home.devices.len())?;
    let mut areas: Vec<Option<usize>> = (0..home.areas.len()).map(Some).collect();
    areas.push(None);
    for area in areas {
        let devices: Vec<usize> = (0..home.devices.len()).filter(|&i| home.devices[i].area == area).collect();
        if devices.is_empty() {
            continue;
        }
        match area {
            Some(a) => writeln!(stdout, "\n{} ({})", home.areas[a].names.join(", "), home.areas[a].id)?,
            None => writeln!(stdout, "\n(no area)")?,
        }
        for i in devices {
            let device = &home.devices[i];
            let state = serde_json::to_string(&device.state)?;
            writeln!(stdout, "  {:<28} {:<34} {state}", device.id, device.names.join(", "))?;
        }
    }
    if !home.lists.is_empty() {
        writeln!(stdout, "\nlists")?;
        for (name, items) in &home.lists {
            writeln!(stdout, "  {name}: {}", items.join(", "))?;
        }
    }
    Ok(())
}

fn tokenize(vocab: Option<PathBuf>, options: TokenizerOptions) -> anyhow::Result<()> {
    let tokenizer = match vocab {
        Some(path) => Some(Tokenizer::new(Vocab::load(&path)?, options)),
        None => None,
    };
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.split(b'\n') {
        let line = line.context("reading standard input")?;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches('\r');
        let json = match &tokenizer {
            Some(t) => serde_json::Value::Array(
                t.encode(text)
                    .iter()
                    .map(|tok| {
                        serde_json::json!({"token": t.vocab().token(tok.id), "id": tok.id, "start": tok.start, "end": tok.end})
                    })
                    .collect(),
            ),
            None => serde_json::Value::Array(
                words(text, options)
                    .iter()
                    .map(|w| serde_json::json!({"word": w.text, "start": w.start, "end": w.end}))
                    .collect(),
            ),
        };
        writeln!(stdout, "{json}").context("writing standard output")?;
    }
    Ok(())
}

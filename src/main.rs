//! The `hearth` command line.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use hearth::backend::BackendSpec;
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
    /// Where the devices are: `sim` (the simulated home) or an MQTT broker
    /// with Zigbee2MQTT or Home Assistant devices, `mqtt://HOST:PORT` or `mqtts://HOST:PORT`.
    #[arg(long, default_value = "sim")]
    backend: BackendSpec,
    #[command(flatten)]
    mqtt: MqttArgs,
}

/// Settings of the MQTT backend.
#[derive(Args, Clone)]
struct MqttArgs {
    /// Broker user [default: $HEARTH_MQTT_USER].
    #[arg(long)]
    mqtt_user: Option<String>,
    /// File whose first line is the broker password [default: $HEARTH_MQTT_PASSWORD].
    #[arg(long)]
    mqtt_password_file: Option<PathBuf>,
    /// Seconds a device has to confirm a command.
    #[arg(long, default_value_t = 3.0)]
    confirm_timeout: f64,
    /// Seconds a command waits for an unreachable broker before it is given up.
    #[arg(long, default_value_t = 300.0)]
    queue_for: f64,
    /// Longest wait in seconds between reconnection attempts (the first is 0.5 s, then doubled).
    #[arg(long, default_value_t = 30.0)]
    reconnect_max: f64,
    /// Seconds to wait at start for the device list and discovery configs.
    #[arg(long, default_value_t = 3.0)]
    discovery_wait: f64,
    /// Zigbee2MQTT's base topic.
    #[arg(long, default_value = "zigbee2mqtt")]
    z2m_base: String,
    /// Home Assistant's discovery prefix.
    #[arg(long, default_value = "homeassistant")]
    discovery_prefix: String,
    /// Publish the words of each turn (utterance, slots, reply, user) on
    /// hearth/turn; without it only intent, devices and actions are published.
    #[arg(long)]
    publish_text: bool,
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
        Command::Home { setup } => {
            let mut assistant = assistant(&setup)?;
            assistant.sync_backend();
            for notice in assistant.take_notices() {
                eprintln!("hearth: {notice}");
            }
            show_home(&assistant)
        }
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
    let mut assistant =
        Assistant::new(nlu, home, ProfileStore::new(&data_dir), Box::new(SystemClock::new(setup.utc_offset)));
    if setup.backend != BackendSpec::Simulated {
        assistant.set_backend(backend(setup)?);
    }
    Ok(assistant)
}

#[cfg(feature = "mqtt")]
fn backend(setup: &Setup) -> anyhow::Result<Box<dyn hearth::backend::Backend>> {
    use hearth::backend::mqtt::{Credentials, MqttBackend, MqttConfig};
    let args = &setup.mqtt;
    let seconds = |s: f64, what: &str| {
        std::time::Duration::try_from_secs_f64(s).with_context(|| format!("--{what} must be a number of seconds"))
    };
    let mut config = MqttConfig::new(setup.backend.clone());
    config.credentials = Credentials::from_args(args.mqtt_user.as_deref(), args.mqtt_password_file.as_deref())?;
    config.confirm_timeout = seconds(args.confirm_timeout, "confirm-timeout")?;
    config.queue_ttl = seconds(args.queue_for, "queue-for")?;
    config.backoff_max = seconds(args.reconnect_max, "reconnect-max")?;
    config.backoff_min = config.backoff_min.min(config.backoff_max);
    config.discovery_wait = seconds(args.discovery_wait, "discovery-wait")?;
    config.z2m_base = args.z2m_base.trim_end_matches('/').to_string();
    config.discovery_prefix = args.discovery_prefix.trim_end_matches('/').to_string();
    config.publish_text = args.publish_text;
    Ok(Box::new(MqttBackend::connect(config)?))
}

#[cfg(not(feature = "mqtt"))]
fn backend(setup: &Setup) -> anyhow::Result<Box<dyn hearth::backend::Backend>> {
    anyhow::bail!(
        "--backend {} needs the MQTT backend, and this hearth was built without the `mqtt` feature (cargo build --features mqtt)",
        setup.backend
    )
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

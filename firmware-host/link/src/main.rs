//! The `hearth-link` command line: talks to a hub over a serial port in framed mode.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use hearth_link::{Client, LinkError};
use hearth_wire::{Event, Reply};

/// How long one read of the port may block; the reply timeout is checked between reads.
const READ_POLL: Duration = Duration::from_millis(50);

#[derive(Parser)]
#[command(name = "hearth-link", version, about = "Talk to a hearth hub over a serial port (framed mode)")]
struct Cli {
    /// The serial port, such as /dev/ttyUSB0 or /dev/ttyAMA0.
    #[arg(long)]
    port: String,
    /// Baud rate.
    #[arg(long, default_value_t = 115_200)]
    baud: u32,
    /// Who is speaking; empty for the hub's default user.
    #[arg(long, default_value = "")]
    user: String,
    /// Seconds to wait for the hub's hello and for each reply.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Print each reply as one line of JSON.
    #[arg(long)]
    json: bool,
    /// Send each line of FILE as an utterance (blank lines and lines starting with '#' are skipped).
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    script: Option<PathBuf>,
    /// The utterance to send. Without it and without --script, each line of standard input is one.
    text: Vec<String>,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hearth-link: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

/// Runs the session; `Ok(false)` when the hub refused some utterance.
fn run(cli: Cli) -> anyhow::Result<bool> {
    let timeout = Duration::try_from_secs_f64(cli.timeout)
        .ok()
        .filter(|timeout| !timeout.is_zero())
        .context("--timeout must be a positive number of seconds")?;
    let port = serialport::new(&cli.port, cli.baud)
        .timeout(READ_POLL.min(timeout))
        .open()
        .with_context(|| format!("cannot open serial port {}", cli.port))?;
    let agent = concat!("hearth-link ", env!("CARGO_PKG_VERSION"));
    let mut client = Client::connect(port, agent, timeout).with_context(|| {
        format!("no session with a hub on {} (is `hearth serve` running in framed mode?)", cli.port)
    })?;
    eprintln!("hearth-link: connected to {} (protocol version {})", client.hub().agent, client.negotiated().version);

    let lines: Box<dyn Iterator<Item = io::Result<String>>> = match (&cli.script, cli.text.is_empty()) {
        (Some(path), _) => {
            let script = fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Box::new(script.lines().map(|line| Ok(line.to_owned())).collect::<Vec<_>>().into_iter())
        }
        (None, false) => Box::new(std::iter::once(Ok(cli.text.join(" ")))),
        (None, true) => Box::new(io::stdin().lock().lines()),
    };

    let mut stdout = io::stdout().lock();
    let mut all_answered = true;
    for line in lines {
        let line = line.context("cannot read standard input")?;
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        match client.ask(&cli.user, text) {
            Ok(reply) => print_reply(&mut stdout, &reply, cli.json)?,
            Err(error @ (LinkError::Hub(_) | LinkError::Wire(_) | LinkError::TooLongForHub { .. })) => {
                eprintln!("hearth-link: {text:?}: {error}");
                all_answered = false;
            }
            Err(error) => return Err(error).with_context(|| format!("while asking {text:?}")),
        }
        for event in client.take_events() {
            print_event(&event);
        }
    }
    if client.frame_errors() > 0 {
        eprintln!("hearth-link: skipped {} unreadable frames from the hub", client.frame_errors());
    }
    Ok(all_answered)
}

fn print_reply(out: &mut impl Write, reply: &Reply, json: bool) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, reply)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{} ({:.2}): {}", reply.intent, reply.confidence, reply.text)?;
        for slot in &reply.slots {
            writeln!(out, "  {} = {}", slot.label, slot.value)?;
        }
        for action in &reply.actions {
            writeln!(out, "  -> {action}")?;
        }
    }
    out.flush()?;
    Ok(())
}

fn print_event(event: &Event) {
    match event {
        Event::TimerFinished { timer, label } => eprintln!("hearth-link: timer {timer:?} finished: {label}"),
        Event::DeviceState { device, state } => eprintln!("hearth-link: {device} is now {state}"),
    }
}

//! The `hearth` command line.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hearth::nlu::Nlu;
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
        /// Folder with the model, vocabulary and labels.
        #[arg(long, default_value = "models")]
        model: PathBuf,
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
        Command::Chat { model } => chat(&model),
        Command::Tokenize { vocab, stop_words } => tokenize(vocab, TokenizerOptions { remove_stop_words: stop_words }),
    }
}

/// Until the dialogue layer lands, `chat` shows what the model understood of
/// each line: intent, confidence and slots. It acts on nothing.
fn chat(model: &std::path::Path) -> anyhow::Result<()> {
    let nlu = Nlu::load(model, None).with_context(|| format!("loading the model in {}", model.display()))?;
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "hearth: the home is not connected yet; I show what I understood of each line.")?;
    for line in stdin.split(b'\n') {
        let line = line.context("reading standard input")?;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches('\r').trim();
        if text.is_empty() {
            continue;
        }
        let parse = nlu.parse(text)?;
        let slots: Vec<String> = parse.slots.iter().map(|s| format!("{}={:?}", s.label, s.value)).collect();
        let unsure = if parse.confidence < nlu.threshold() { " (not sure)" } else { "" };
        writeln!(stdout, "{} {:.2}{unsure} [{}]", parse.intent, parse.confidence, slots.join(", "))?;
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

//! `hearth-train`: the offline model pipeline.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hearth::labels::Labels;
use hearth_train::corpus::{self, CorpusConfig};

#[derive(Parser)]
#[command(name = "hearth-train", about = "Corpus, training and evaluation of the hearth NLU model")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Expand the templates into the labelled corpus and print counts.
    Corpus {
        /// Folder with templates/, pools/ and natural/.
        #[arg(long, default_value = "train/corpus")]
        source: PathBuf,
        /// Label inventory.
        #[arg(long, default_value = "models/labels.toml")]
        labels: PathBuf,
        /// Output folder for the JSONL files.
        #[arg(long, short, default_value = "data/corpus")]
        out: PathBuf,
        /// Random seed; the same seed gives the same bytes.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Corpus { source, labels, out, seed } => {
            let labels = Labels::load(&labels)?;
            let config = CorpusConfig { seed, ..CorpusConfig::new(source) };
            let corpus = corpus::build(&config, &labels)?;
            corpus::write(&corpus, &out).with_context(|| format!("writing {}", out.display()))?;
            print!("{}", corpus::stats_table(&corpus, &labels));
            println!("written to {}", out.display());
            Ok(())
        }
    }
}

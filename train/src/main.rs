//! `hearth-train`: the offline model pipeline.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hearth::labels::Labels;
use hearth::text::TokenizerOptions;
use hearth_train::corpus::{self, CorpusConfig};
use hearth_train::experiment::Setting;
use hearth_train::learning_curve::{self, CurveJob, Unit};
use hearth_train::pipeline::{TrainJob, run};
use hearth_train::report::{markdown, write_report};
use hearth_train::trainer::TrainConfig;
use hearth_train::tune::{self, SearchSpace, TuneJob};
use hearth_train::vocab_build::VocabConfig;

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
    /// Train the model on the corpus, evaluate it and write the model folder.
    Train(TrainArgs),
    /// Score a model folder (run by tract) on JSONL data sets.
    Eval {
        /// The model folder (with model.toml).
        #[arg(long, default_value = "models")]
        model: PathBuf,
        /// Use this ONNX file instead of the one model.toml names.
        #[arg(long)]
        onnx: Option<PathBuf>,
        /// Write the metrics as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write every utterance with a wrong intent or wrong slots here.
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Training data (JSONL, repeatable): also score apart the utterances
        /// whose wording outside the slots has a word (or Chinese character)
        /// that these files never use.
        #[arg(long)]
        seen: Vec<PathBuf>,
        /// JSONL files in the shared format.
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
    /// Random search of model size, vocabulary and training settings on dev.
    Tune(TuneArgs),
    /// Train one setting on growing shares of the training data.
    LearningCurve(CurveArgs),
    /// Train and score on a public benchmark with the same trainer.
    Bench {
        /// snips, cais, massive or hwu64.
        dataset: String,
        /// Folder holding the public data sets.
        #[arg(long, default_value = "../shared/datasets")]
        datasets: PathBuf,
        /// HWU64 fold used as test.
        #[arg(long, default_value_t = 1)]
        fold: u32,
        #[command(flatten)]
        model: BenchModelArgs,
        /// Compute threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Write the result as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

/// The model and training settings of a benchmark run.
#[derive(clap::Args)]
struct BenchModelArgs {
    /// Most epochs.
    #[arg(long, default_value_t = 20)]
    epochs: usize,
    /// Hidden size per direction.
    #[arg(long, default_value_t = 128)]
    hidden: usize,
    /// Embedding width.
    #[arg(long, default_value_t = 128)]
    embed: usize,
    /// BiLSTM layers.
    #[arg(long, default_value_t = 1)]
    layers: usize,
    /// Dropout.
    #[arg(long, default_value_t = 0.2)]
    dropout: f32,
    /// Stop after this many epochs without a better dev score.
    #[arg(long, default_value_t = 4)]
    patience: usize,
    /// The intent head also reads the states' maximum over the tokens.
    #[arg(long)]
    pool_max: bool,
    /// Decay of a moving average of the weights that dev and test score (0 is off).
    #[arg(long, default_value_t = 0.0)]
    ema: f64,
    /// Seed of training.
    #[arg(long, default_value_t = 17)]
    seed: u64,
    /// Score the slot tags with a linear-chain CRF.
    #[arg(long)]
    crf: bool,
}

impl BenchModelArgs {
    fn config(&self) -> TrainConfig {
        TrainConfig {
            max_epochs: self.epochs,
            hidden: self.hidden,
            embed: self.embed,
            layers: self.layers,
            dropout: self.dropout,
            patience: self.patience,
            pool_max: self.pool_max,
            ema: self.ema,
            seed: self.seed,
            crf: self.crf,
            ..TrainConfig::default()
        }
    }
}

#[derive(clap::Args)]
struct TrainArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    model: ModelArgs,
    /// The model folder to write.
    #[arg(long, short, default_value = "models")]
    out: PathBuf,
    /// Also learn intents from MASSIVE en-US in this public data folder.
    #[arg(long)]
    public: Option<PathBuf>,
}

/// Where the corpus comes from and how it is tokenised.
#[derive(clap::Args)]
struct DataArgs {
    /// Folder with templates/, pools/ and natural/.
    #[arg(long, default_value = "train/corpus")]
    source: PathBuf,
    /// Label inventory.
    #[arg(long, default_value = "models/labels.toml")]
    labels: PathBuf,
    /// Drop stop words before the model.
    #[arg(long)]
    stop_words: bool,
    /// Compute threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Scale the corpus size (1.0 is the shipped corpus).
    #[arg(long, default_value_t = 1.0)]
    corpus_scale: f64,
}

impl DataArgs {
    /// The corpus settings, sizes scaled by `--corpus-scale`.
    fn corpus(&self) -> CorpusConfig {
        let mut corpus = CorpusConfig::new(self.source.clone());
        corpus.core_per_intent = (corpus.core_per_intent as f64 * self.corpus_scale).round() as usize;
        corpus.other_per_intent = (corpus.other_per_intent as f64 * self.corpus_scale).round() as usize;
        corpus
    }

    fn options(&self) -> TokenizerOptions {
        TokenizerOptions { remove_stop_words: self.stop_words }
    }
}

/// The hyper-parameters of one model.
#[derive(clap::Args)]
struct ModelArgs {
    /// Embedding width.
    #[arg(long, default_value_t = TrainConfig::default().embed)]
    embed: usize,
    /// Hidden size per direction.
    #[arg(long, default_value_t = TrainConfig::default().hidden)]
    hidden: usize,
    /// BiLSTM layers.
    #[arg(long, default_value_t = TrainConfig::default().layers)]
    layers: usize,
    /// Dropout.
    #[arg(long, default_value_t = TrainConfig::default().dropout)]
    dropout: f32,
    /// Learning rate.
    #[arg(long, default_value_t = TrainConfig::default().lr)]
    lr: f64,
    /// Chance that a training token is replaced by `<unk>` (word dropout).
    #[arg(long, default_value_t = TrainConfig::default().unk_prob)]
    word_dropout: f64,
    /// The intent head also reads the states' maximum over the tokens.
    #[arg(long)]
    pool_max: bool,
    /// Decay of a moving average of the weights that dev scoring and the
    /// saved model use (0 is off; 0.999 averages over about 1,000 steps).
    #[arg(long, default_value_t = TrainConfig::default().ema)]
    ema: f64,
    /// Score the slot tags with a linear-chain CRF (its scores ship in the ONNX file).
    #[arg(long)]
    crf: bool,
    /// Examples per mini-batch.
    #[arg(long, default_value_t = TrainConfig::default().batch_size)]
    batch: usize,
    /// Most epochs.
    #[arg(long, default_value_t = TrainConfig::default().max_epochs)]
    epochs: usize,
    /// Stop after this many epochs without a better dev score.
    #[arg(long, default_value_t = TrainConfig::default().patience)]
    patience: usize,
    /// Most whole words in the vocabulary.
    #[arg(long, default_value_t = VocabConfig::default().max_words)]
    vocab_words: usize,
    /// Seed of training.
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    seed: u64,
}

impl ModelArgs {
    fn setting(&self) -> Setting {
        Setting {
            config: TrainConfig {
                embed: self.embed,
                hidden: self.hidden,
                layers: self.layers,
                dropout: self.dropout,
                lr: self.lr,
                unk_prob: self.word_dropout,
                pool_max: self.pool_max,
                ema: self.ema,
                crf: self.crf,
                batch_size: self.batch,
                max_epochs: self.epochs,
                patience: self.patience,
                seed: self.seed,
                ..TrainConfig::default()
            },
            vocab: VocabConfig { max_words: self.vocab_words, ..VocabConfig::default() },
        }
    }
}

#[derive(clap::Args)]
struct TuneArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Output folder for tune.md and tune.json.
    #[arg(long, short, default_value = "data/tune")]
    out: PathBuf,
    /// Stop starting trials once this time would likely be passed (a started trial finishes).
    #[arg(long, default_value_t = 20.0)]
    budget_minutes: f64,
    /// Most trials.
    #[arg(long, default_value_t = 100)]
    trials: usize,
    /// Epochs per trial.
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    /// Seed of the search (training itself keeps the default seed).
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Dev utterances timed per trial.
    #[arg(long, default_value_t = 200)]
    latency_utterances: usize,
    /// Every trial's intent head also reads the states' maximum over the tokens.
    #[arg(long)]
    pool_max: bool,
    /// Every trial's decay of a moving average of the weights (0 is off).
    #[arg(long, default_value_t = 0.0)]
    ema: f64,
    /// Every trial scores its slot tags with a linear-chain CRF.
    #[arg(long)]
    crf: bool,
    /// Every trial stops after this many epochs without a better dev score.
    #[arg(long, default_value_t = TrainConfig::default().patience)]
    patience: usize,
    /// Draw every trial; do not train the base setting as trial 1 (for a
    /// second search beside a first, with another `--seed`).
    #[arg(long)]
    skip_base: bool,
}

#[derive(clap::Args)]
struct CurveArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    model: ModelArgs,
    /// Output folder for learning-curve.md, .json and .png.
    #[arg(long, short, default_value = "data/learning-curve")]
    out: PathBuf,
    /// Shares of the training data, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0.1,0.25,0.5,1")]
    fractions: Vec<f64>,
    /// Seed of which training utterances or templates each share keeps.
    #[arg(long, default_value_t = 11)]
    sample_seed: u64,
    /// What a share counts: utterances (more draws of the same phrasings) or
    /// templates (more phrasings; each intent keeps its first template).
    #[arg(long, value_enum, default_value_t = Unit::Utterance)]
    unit: Unit,
    /// Give every share the optimiser steps of the full set (epochs and
    /// patience times 1/share), so that a small share is not also trained less.
    #[arg(long)]
    equal_steps: bool,
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
        Command::Train(args) => {
            set_threads(args.data.threads);
            let Setting { config, vocab } = args.model.setting();
            let job = TrainJob {
                labels: args.data.labels.clone(),
                out: args.out.clone(),
                config,
                vocab,
                options: args.data.options(),
                corpus: args.data.corpus(),
                public: args.public,
                progress: true,
            };
            let report = run(&job)?;
            write_report(&report, &Labels::load(&job.labels)?, &args.out.join("report"))?;
            print!("{}", markdown(&report));
            Ok(())
        }
        Command::Tune(args) => {
            set_threads(args.data.threads);
            let base = Setting {
                config: TrainConfig {
                    max_epochs: args.epochs,
                    patience: args.patience,
                    pool_max: args.pool_max,
                    ema: args.ema,
                    crf: args.crf,
                    ..TrainConfig::default()
                },
                vocab: VocabConfig::default(),
            };
            let job = TuneJob {
                labels: args.data.labels.clone(),
                corpus: args.data.corpus(),
                options: args.data.options(),
                base,
                base_trial: !args.skip_base,
                space: SearchSpace::default(),
                budget: Duration::from_secs_f64(60.0 * args.budget_minutes.max(0.0)),
                max_trials: args.trials,
                seed: args.seed,
                latency_utterances: args.latency_utterances,
                scratch: args.out.clone(),
                progress: true,
            };
            let report = tune::run(&job)?;
            tune::write(&report, &args.out).with_context(|| format!("writing {}", args.out.display()))?;
            print!("{}", tune::markdown(&report));
            println!("written to {}", args.out.display());
            Ok(())
        }
        Command::LearningCurve(args) => {
            set_threads(args.data.threads);
            let job = CurveJob {
                labels: args.data.labels.clone(),
                corpus: args.data.corpus(),
                options: args.data.options(),
                setting: args.model.setting(),
                fractions: args.fractions,
                unit: args.unit,
                equal_steps: args.equal_steps,
                sample_seed: args.sample_seed,
                progress: true,
            };
            let curve = learning_curve::run(&job)?;
            learning_curve::write(&curve, &args.out).with_context(|| format!("writing {}", args.out.display()))?;
            print!("{}", learning_curve::markdown(&curve));
            println!("written to {}", args.out.display());
            Ok(())
        }
        Command::Eval { model, onnx, json, errors, seen, data } => {
            let mut error_lines = Vec::new();
            let seen = if seen.is_empty() { None } else { Some(hearth_train::evaluate::Seen::from_files(&seen)?) };
            let results = hearth_train::evaluate::evaluate_files(
                &model,
                onnx.as_deref(),
                &data,
                Some(&mut error_lines),
                seen.as_ref(),
            )?;
            if let Some(path) = errors {
                hearth_train::data::write_atomic(&path, (error_lines.join("\n") + "\n").as_bytes())?;
            }
            print!("{}", hearth_train::evaluate::table(&results));
            if let Some(path) = json {
                hearth_train::data::write_atomic(&path, serde_json::to_string_pretty(&results)?.as_bytes())?;
            }
            Ok(())
        }
        Command::Bench { dataset, datasets, fold, model, threads, json } => {
            set_threads(threads);
            let config = model.config();
            let result = hearth_train::bench::run(&dataset, &datasets, fold, &config, true)?;
            println!(
                "{}: intent accuracy {:.2}, slot F1 {:.2}, exact {:.2} (n={}, best epoch {}, {:.0} s)",
                result.dataset,
                100.0 * result.test.intent_accuracy,
                100.0 * result.test.slot_f1,
                100.0 * result.test.exact_match,
                result.test.n,
                result.best_epoch,
                result.seconds
            );
            for b in &result.baselines {
                println!("  published {}: {:.2} / {:.2}", b.system, b.intent_accuracy, b.slot_f1);
            }
            if let Some(path) = json {
                hearth_train::data::write_atomic(&path, serde_json::to_string_pretty(&result)?.as_bytes())?;
            }
            Ok(())
        }
    }
}

/// Sets the compute threads of the training framework; must run before any
/// tensor operation.
fn set_threads(threads: usize) {
    // SAFETY: called at the start of main, before any other thread exists.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", threads.max(1).to_string()) };
}

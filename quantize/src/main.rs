//! `hearth-quantize`: float ONNX in, int8 ONNX out, and a report of what that
//! costs and gains.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use hearth::nlu::Manifest;
use hearth_quantize::Scheme;
use hearth_quantize::pipeline::{Job, run};
use hearth_quantize::proto::write_atomic;
use hearth_quantize::quant::RangeMethod;

/// How activation ranges are taken from the calibration set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Range {
    /// The largest magnitude seen.
    Minmax,
    /// The `--percentile` of the magnitudes seen.
    Percentile,
}

/// Turns a float ONNX model into an int8 ONNX model that tract runs.
#[derive(Debug, Parser)]
#[command(name = "hearth-quantize", version)]
struct Cli {
    /// The float ONNX model.
    input: PathBuf,
    /// Where to write the int8 ONNX model.
    #[arg(short, long)]
    output: PathBuf,
    /// `weights`: int8 weights, float activations. `full`: integer matrix
    /// products with calibrated activations, LSTMs rewritten as Scan loops.
    #[arg(long, value_enum, default_value_t = Scheme::Weights)]
    scheme: Scheme,
    /// Calibration utterances (JSONL, `text` used); repeatable. Needed by `full`.
    #[arg(long)]
    calib: Vec<PathBuf>,
    /// Use at most this many calibration utterances, taken evenly from the files.
    #[arg(long)]
    calib_limit: Option<usize>,
    /// How activation ranges are chosen.
    #[arg(long, value_enum, default_value_t = Range::Percentile)]
    range: Range,
    /// Percentile of activation magnitudes mapped to the largest code.
    #[arg(long, default_value_t = 99.99)]
    percentile: f64,
    /// The model folder (model.toml, vocabulary, labels); default: the input's folder.
    #[arg(long)]
    model_dir: Option<PathBuf>,
    /// Labelled sets to compare float and int8 accuracy on; repeatable.
    #[arg(long)]
    eval: Vec<PathBuf>,
    /// Timing rounds over the evaluation utterances (0: no timing).
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// Utterances profiled operator by operator.
    #[arg(long, default_value_t = 300)]
    profile: usize,
    /// Also write the int8 model in NNEF form here (`.nnef.tgz`): the file
    /// the runtime's device build loads. It is checked against the int8 model.
    #[arg(long)]
    nnef: Option<PathBuf>,
    /// Make the NNEF file the model the runtime loads: rewrite the model
    /// folder's `model.toml` to name it (it must be inside that folder).
    #[arg(long, requires = "nnef")]
    select: bool,
    /// Also write the report as Markdown here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Also write the report as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let method = match cli.range {
        Range::Minmax => RangeMethod::MinMax,
        Range::Percentile => RangeMethod::Percentile(cli.percentile),
    };
    let job = Job {
        input: cli.input,
        output: cli.output,
        scheme: cli.scheme,
        calib: cli.calib,
        calib_limit: cli.calib_limit,
        method,
        model_dir: cli.model_dir,
        eval: cli.eval,
        rounds: cli.rounds,
        profile: cli.profile,
        nnef: cli.nnef,
    };
    let report = run(&job).with_context(|| format!("quantising {}", job.input.display()))?;
    if cli.select
        && let Some(nnef) = &job.nnef
    {
        let dir = job.model_dir.clone().unwrap_or_else(|| job.input.parent().map(PathBuf::from).unwrap_or_default());
        select(&dir, nnef)?;
        eprintln!("{} now names {}", dir.join(Manifest::FILE).display(), nnef.display());
    }
    let markdown = report.markdown();
    println!("{markdown}");
    if let Some(path) = &cli.report {
        write_atomic(path, markdown.as_bytes())?;
    }
    if let Some(path) = &cli.json {
        write_atomic(path, serde_json::to_string_pretty(&report)?.as_bytes())?;
    }
    if !report.within_budget() {
        eprintln!("warning: some budgets are not met (see the report)");
    }
    Ok(())
}

/// Points `dir/model.toml` at `model`, which must lie in `dir`.
fn select(dir: &std::path::Path, model: &std::path::Path) -> anyhow::Result<()> {
    let name = model
        .file_name()
        .filter(|_| model.parent().and_then(|p| p.canonicalize().ok()) == dir.canonicalize().ok())
        .with_context(|| format!("--select: {} is not in the model folder {}", model.display(), dir.display()))?;
    let mut manifest = Manifest::load(dir)?;
    manifest.model = name.to_string_lossy().into_owned();
    write_atomic(&dir.join(Manifest::FILE), manifest.to_toml().as_bytes())?;
    Ok(())
}

//! One run of the tool: read and check the float model and the data sets,
//! quantise, check that tract runs the result, write it atomically, then
//! measure it against the float model.

use std::path::{Path, PathBuf};

use hearth::text::Tokenizer;
use tract_onnx::pb::ModelProto;

use crate::data::{Utterance, read_utterances, token_ids, tokenizer};
use crate::error::{QuantError, Result};
use crate::quant::RangeMethod;
use crate::report::{NnefReport, Report, SetComparison, Speed};
use crate::runner::{TokenModel, output_error};
use crate::scheme::{Quantised, Scheme};
use crate::{calib, eval, full, graph, latency, proto, weights};

/// What to do.
#[derive(Debug, Clone)]
pub struct Job {
    /// The float ONNX model.
    pub input: PathBuf,
    /// Where the int8 model goes.
    pub output: PathBuf,
    /// The scheme.
    pub scheme: Scheme,
    /// Calibration sets (JSONL; `text` is used). Required by `full`.
    pub calib: Vec<PathBuf>,
    /// At most this many calibration utterances (spread over the files).
    pub calib_limit: Option<usize>,
    /// How activation ranges are chosen.
    pub method: RangeMethod,
    /// The model folder (tokeniser, labels); defaults to the input's folder.
    pub model_dir: Option<PathBuf>,
    /// Labelled evaluation sets.
    pub eval: Vec<PathBuf>,
    /// Latency rounds over the evaluation utterances (0: no timing).
    pub rounds: usize,
    /// Utterances profiled per model.
    pub profile: usize,
    /// Also write the int8 model in NNEF form here (what the runtime loads).
    pub nnef: Option<PathBuf>,
}

/// The quantised model of `model` under `scheme`; `calib_ids` are the token
/// ids of the calibration utterances (needed by `full`).
pub fn quantise(model: &ModelProto, scheme: Scheme, calib_ids: &[Vec<i64>], method: RangeMethod) -> Result<Quantised> {
    match scheme {
        Scheme::Weights => weights::quantize_weights(model),
        Scheme::Full => {
            let prepared = full::prepare(model);
            let targets = full::calibration_targets(&prepared)?;
            let ranges = calib::calibrate(&prepared, &targets, calib_ids, method)?;
            full::quantize_full(&prepared, &ranges, method)
        }
    }
}

fn model_dir(job: &Job) -> PathBuf {
    job.model_dir.clone().unwrap_or_else(|| job.input.parent().map(Path::to_path_buf).unwrap_or_default())
}

fn read_sets(paths: &[PathBuf], labelled: bool) -> Result<Vec<(PathBuf, Vec<Utterance>)>> {
    paths.iter().map(|p| Ok((p.clone(), read_utterances(p, labelled)?))).collect()
}

/// Up to `limit` utterances, taken round-robin from every set.
fn spread(sets: &[(PathBuf, Vec<Utterance>)], limit: Option<usize>) -> Vec<Utterance> {
    let total: usize = sets.iter().map(|(_, u)| u.len()).sum();
    let limit = limit.unwrap_or(total).min(total);
    let mut out = Vec::with_capacity(limit);
    let mut i = 0;
    while out.len() < limit {
        for (_, u) in sets {
            if let Some(x) = u.get(i)
                && out.len() < limit
            {
                out.push(x.clone());
            }
        }
        i += 1;
    }
    out
}

/// Runs `job` and returns its report. Nothing is written unless the int8
/// model loads and runs in tract; the file is written atomically.
pub fn run(job: &Job) -> Result<Report> {
    let shown = job.input.display().to_string();
    let float = proto::read_model(&job.input)?;
    let info = graph::check(&float, &shown)?;
    let dir = model_dir(job);
    let needs_tokens = job.scheme == Scheme::Full || !job.eval.is_empty();
    let tok: Option<Tokenizer> = if needs_tokens { Some(tokenizer(&dir)?) } else { None };
    if job.scheme == Scheme::Full && job.calib.is_empty() {
        return Err(QuantError::Data {
            path: "--calib".into(),
            line: 0,
            message: "the full scheme needs a calibration set (JSONL utterances)".into(),
        });
    }
    if job.scheme == Scheme::Full && job.nnef.is_some() {
        // tract 0.23 has no NNEF serializer for the integer ops (QuantizeLinear)
        // that the full scheme leaves in the graph after loading.
        return Err(QuantError::Data {
            path: "--nnef".into(),
            line: 0,
            message: "the NNEF form can only be written for the weights scheme: tract cannot write the full \
                      scheme's integer operators as NNEF"
                .into(),
        });
    }
    let calib_sets = read_sets(&job.calib, false)?;
    let eval_sets = read_sets(&job.eval, true)?;
    let calib_utts = spread(&calib_sets, job.calib_limit);
    let calib_ids = tok.as_ref().map(|t| token_ids(t, &calib_utts)).unwrap_or_default();

    let quantised = quantise(&float, job.scheme, &calib_ids, job.method)?;
    let int8_runner = TokenModel::new(&quantised.model, &format!("the int8 model for {}", job.output.display()))?;
    let probe = calib_ids.first().cloned().unwrap_or_else(|| vec![0, 1, 2]);
    int8_runner.run(&probe)?;
    let int8_bytes = proto::write_model(&job.output, &quantised.model)?;
    let float_bytes = std::fs::metadata(&job.input).map_err(|e| QuantError::io(&job.input, e))?.len();

    let mut sets = Vec::new();
    let mut all_ids = Vec::new();
    if !eval_sets.is_empty() {
        let float_nlu = eval::load(&dir, &job.input)?;
        let int8_nlu = eval::load(&dir, &job.output)?;
        for (path, utts) in &eval_sets {
            let (a, b) = (eval::predict(&float_nlu, utts)?, eval::predict(&int8_nlu, utts)?);
            let (intent_agreement, exact_agreement) = eval::agreement(&a, &b);
            sets.push(SetComparison {
                file: path.display().to_string(),
                lang: utts[0].lang.clone().unwrap_or_else(|| "?".into()),
                float: eval::score(utts, &a),
                int8: eval::score(utts, &b),
                intent_agreement,
                exact_agreement,
            });
            if let Some(t) = &tok {
                all_ids.extend(token_ids(t, utts));
            }
        }
    }
    let timing_ids = if all_ids.is_empty() { calib_ids.clone() } else { all_ids };
    let float_runner = TokenModel::new(&float, &format!("the float model {shown}"))?;
    let outputs = if timing_ids.is_empty() {
        vec![]
    } else {
        output_error(&float_runner, &int8_runner, &info.outputs, &timing_ids)?
    };
    let speed = if job.rounds > 0 && !timing_ids.is_empty() {
        let lat = latency::time_models(&[&float_runner, &int8_runner], &timing_ids, job.rounds)?;
        let step = (timing_ids.len() / job.profile.max(1)).max(1);
        let sample: Vec<Vec<i64>> = timing_ids.iter().step_by(step).take(job.profile).cloned().collect();
        Some(Speed {
            utterances: timing_ids.len(),
            rounds: job.rounds,
            mean_tokens: timing_ids.iter().map(Vec::len).sum::<usize>() as f64 / timing_ids.len() as f64,
            float: lat[0],
            int8: lat[1],
            float_load_ms: float_runner.load_time.as_secs_f64() * 1e3,
            int8_load_ms: int8_runner.load_time.as_secs_f64() * 1e3,
            float_profile: latency::profile(&float_runner, &sample, 2000)?,
            int8_profile: latency::profile(&int8_runner, &sample, 2000)?,
            profiled: sample.len(),
        })
    } else {
        None
    };
    let nnef = match &job.nnef {
        Some(path) => Some(nnef_form(&quantised.model, path, &int8_runner, &timing_ids, &probe)?),
        None => None,
    };
    let calibration = (job.scheme == Scheme::Full).then(|| {
        format!(
            "{} utterances ({} with tokens) from {}; ranges by {}",
            calib_utts.len(),
            calib_ids.len(),
            job.calib.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", "),
            job.method
        )
    });
    Ok(Report {
        input: shown,
        output: job.output.display().to_string(),
        scheme: job.scheme,
        calibration,
        host: format!("{} ({}), tract-onnx 0.23", std::env::consts::ARCH, std::env::consts::OS),
        float_bytes,
        int8_bytes,
        rewrites: quantised.rewrites,
        tensors: quantised.tensors,
        kept_float: quantised.kept_float,
        outputs,
        sets,
        speed,
        nnef,
    })
}

/// Writes the NNEF form of the int8 model to `path` and checks that it gives
/// the outputs of the int8 ONNX model on `ids` (or on `probe` when there are
/// none). A form that does not is removed again.
fn nnef_form(
    model: &ModelProto,
    path: &Path,
    int8: &TokenModel,
    ids: &[Vec<i64>],
    probe: &[i64],
) -> Result<NnefReport> {
    let bytes = crate::nnef::write_nnef(model, path)?;
    let checked = (|| {
        let form = TokenModel::from_nnef(path, &format!("the NNEF model {}", path.display()))?;
        let inputs = if ids.is_empty() { vec![probe.to_vec()] } else { ids.to_vec() };
        let diff = crate::nnef::max_abs_diff(int8, &form, &inputs)?;
        if diff > crate::nnef::MAX_ABS_DIFF {
            return Err(QuantError::tract(
                format!("checking {}", path.display()),
                format!(
                    "its outputs differ from the int8 ONNX model by {diff:e} (at most {:e} allowed)",
                    crate::nnef::MAX_ABS_DIFF
                ),
            ));
        }
        Ok(NnefReport {
            file: path.display().to_string(),
            bytes,
            max_abs_diff: diff,
            utterances: inputs.len(),
            load_ms: form.load_time.as_secs_f64() * 1e3,
        })
    })();
    if checked.is_err() {
        let _ = std::fs::remove_file(path);
    }
    checked
}

//! Time in tract: per-utterance latency of the runtime's network, and which
//! operators of the optimised plan carry the time (also inside `Scan` loops).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::scan::OptScan;
use tract_onnx::tract_core::plan::eval as eval_node;

use crate::error::{QuantError, Result};
use crate::runner::TokenModel;

/// Latency percentiles of one model, in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    /// Runs timed.
    pub n: usize,
    /// Median.
    pub p50_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Mean.
    pub mean_us: f64,
}

impl Latency {
    /// Percentiles of `samples` (reordered).
    pub fn of(samples: &mut [Duration]) -> Self {
        if samples.is_empty() {
            return Latency::default();
        }
        samples.sort();
        let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e6;
        let mean = samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len() as f64 * 1e6;
        Latency { n: samples.len(), p50_us: at(0.5), p99_us: at(0.99), mean_us: mean }
    }
}

/// Times `models` on every input, alternating between them utterance by
/// utterance (so that load from other processes hits all alike), `rounds`
/// times. Each run uses a fresh state, as the runtime does.
pub fn time_models(models: &[&TokenModel], inputs: &[Vec<i64>], rounds: usize) -> Result<Vec<Latency>> {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); models.len()];
    for ids in inputs.iter().take(50) {
        for m in models {
            m.run(ids)?;
        }
    }
    for _ in 0..rounds.max(1) {
        for ids in inputs {
            for (k, m) in models.iter().enumerate() {
                let start = Instant::now();
                let out = m.run(ids)?;
                samples[k].push(start.elapsed());
                std::hint::black_box(out);
            }
        }
    }
    Ok(samples.iter_mut().map(|s| Latency::of(s)).collect())
}

/// Time spent in the nodes of one operator kind.
#[derive(Debug, Clone, Serialize)]
pub struct OpTime {
    /// tract's operator name after optimisation (`OptMatMul`, `Scan`, ...).
    pub op: String,
    /// Nodes of this kind.
    pub count: usize,
    /// Share of the measured time, in percent.
    pub share: f64,
    /// Mean time per run (top level) or per loop step (inside a `Scan`), µs.
    pub mean_us: f64,
    /// Matrix kernels used by these nodes, if any (`avx2_mmm_i32_8x8`, ...).
    pub kernels: Vec<String>,
}

/// Where the time goes in one optimised model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Profile {
    /// Top-level nodes, by operator, most time first.
    pub top: Vec<OpTime>,
    /// Nodes inside each `Scan` loop body, by operator, most time first.
    pub loops: Vec<Vec<OpTime>>,
    /// Number of `Scan` loops in the plan.
    pub n_loops: usize,
}

fn kernels(node: &TypedNode) -> Vec<String> {
    let info = node.op().info().unwrap_or_default().join(" ");
    let mut found = Vec::new();
    let mut rest = info.as_str();
    while let Some(pos) = rest.find("_mmm_") {
        let start = rest[..pos].rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |p| p + 1);
        let end = pos + rest[pos..].find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len() - pos);
        found.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    found.sort();
    found.dedup();
    found
}

fn group(model: &TypedModel, times: &[Duration], runs: usize) -> Vec<OpTime> {
    let total: f64 = times.iter().map(Duration::as_secs_f64).sum::<f64>().max(1e-12);
    let mut by_op: BTreeMap<String, (usize, f64, Vec<String>)> = BTreeMap::new();
    for node in model.nodes() {
        let op = node.op().name().to_string();
        if op == "Source" || op == "Const" {
            continue;
        }
        let entry = by_op.entry(op).or_default();
        entry.0 += 1;
        entry.1 += times.get(node.id).map_or(0.0, Duration::as_secs_f64);
        entry.2.extend(kernels(node));
    }
    let mut out: Vec<OpTime> = by_op
        .into_iter()
        .map(|(op, (count, secs, mut kernels))| {
            kernels.sort();
            kernels.dedup();
            OpTime { op, count, share: 100.0 * secs / total, mean_us: secs * 1e6 / runs.max(1) as f64, kernels }
        })
        .collect();
    out.sort_by(|a, b| b.share.total_cmp(&a.share));
    out
}

/// Runs `plan` on each input with every node timed.
fn timed_runs(plan: &Arc<TypedRunnableModel>, inputs: &[TVec<TValue>]) -> TractResult<Vec<Duration>> {
    let mut times = vec![Duration::ZERO; plan.model().nodes().len()];
    for input in inputs {
        let mut state = plan.spawn()?;
        state.run_plan_with_eval(input.clone(), |ctx, op_state, node, values| {
            let start = Instant::now();
            let out = eval_node(ctx, op_state, node, values);
            times[node.id] += start.elapsed();
            out
        })?;
    }
    Ok(times)
}

/// [`timed_runs`] repeated `REPEATS` times; per node the least total, which
/// discards most of the time other processes take from the CPU.
fn least_of_repeats(plan: &Arc<TypedRunnableModel>, inputs: &[TVec<TValue>]) -> TractResult<Vec<Duration>> {
    let mut best: Option<Vec<Duration>> = None;
    for _ in 0..REPEATS {
        let times = timed_runs(plan, inputs)?;
        best = Some(match best {
            None => times,
            Some(b) => b.into_iter().zip(times).map(|(a, t)| a.min(t)).collect(),
        });
    }
    Ok(best.unwrap_or_default())
}

/// Passes over the profiled inputs; each node keeps its fastest pass.
pub const REPEATS: usize = 5;

/// Profiles `model` on `inputs`: every top-level node timed; then each `Scan`
/// body run on its own for `steps` steps (zero inputs of the body's shapes) so
/// that the operators inside the loop are timed per step too. Each node keeps
/// the fastest of [`REPEATS`] passes.
pub fn profile(model: &TokenModel, inputs: &[Vec<i64>], steps: usize) -> Result<Profile> {
    let err = |e: TractError| QuantError::tract(format!("profiling {}", model.what), e);
    let values: Vec<TVec<TValue>> =
        inputs.iter().map(|ids| TokenModel::input(ids).map(|t| tvec!(t))).collect::<Result<_>>()?;
    let times = least_of_repeats(model.plan(), &values).map_err(err)?;
    let top = group(model.optimized(), &times, inputs.len());
    let mut loops = Vec::new();
    for node in model.optimized().nodes() {
        let Some(scan) = node.op_as::<OptScan>() else { continue };
        let body = scan.plan.clone();
        let facts: Vec<TypedFact> = body
            .model()
            .input_outlets()
            .map_err(err)?
            .iter()
            .map(|o| body.model().outlet_fact(*o).cloned())
            .collect::<TractResult<_>>()
            .map_err(err)?;
        let mut zeros = tvec!();
        let mut concrete = true;
        for fact in facts {
            match fact.shape.as_concrete() {
                Some(shape) => zeros.push(Tensor::zero_dt(fact.datum_type, shape).map_err(err)?.into_tvalue()),
                None => concrete = false,
            }
        }
        if !concrete {
            continue;
        }
        let runs: Vec<TVec<TValue>> = (0..steps).map(|_| zeros.clone()).collect();
        let times = least_of_repeats(&body, &runs).map_err(err)?;
        loops.push(group(body.model(), &times, steps));
    }
    Ok(Profile { top, n_loops: loops.len(), loops })
}

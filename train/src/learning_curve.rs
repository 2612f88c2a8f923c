//! The `learning-curve` command: one setting trained on growing shares of the
//! training data, scored on dev, on the held-out template test set and on the
//! hand-written natural sets, with a verdict on whether more data would still
//! help. A share counts utterances (more draws of the same phrasings) or
//! templates (more phrasings), see [`Unit`].

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use hearth::text::TokenizerOptions;
use plotters::style::{BLACK, BLUE, GREEN, MAGENTA, RED};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::corpus::CorpusConfig;
use crate::data::{Example, write_atomic};
use crate::experiment::{LangMean, Setting, fit, lang_mean, load_sets};
use crate::plots::{Series, plot_scores};
use crate::trainer::progress_bar;

/// What a share of the training data counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Utterances: a share keeps that share of the training utterances, so
    /// every template keeps about that share of its draws. The curve says
    /// whether more draws of the same phrasings would help.
    #[default]
    Utterance,
    /// Templates: a share keeps that share of each intent's templates (per
    /// language) with all their utterances; the intent's first template, its
    /// canonical phrasing, is always kept. The curve says whether more
    /// phrasings would help, which is what a held-out template test rewards.
    Template,
}

impl Unit {
    /// The plural noun, for reports.
    pub fn noun(self) -> &'static str {
        match self {
            Unit::Utterance => "utterances",
            Unit::Template => "templates",
        }
    }
}

/// Everything the `learning-curve` command needs.
#[derive(Debug, Clone)]
pub struct CurveJob {
    /// The label file.
    pub labels: PathBuf,
    /// The corpus generation settings.
    pub corpus: CorpusConfig,
    /// Tokeniser options.
    pub options: TokenizerOptions,
    /// The one setting trained at every share (its seed is the training seed).
    pub setting: Setting,
    /// Shares of the training set, each in (0, 1].
    pub fractions: Vec<f64>,
    /// What a share counts.
    pub unit: Unit,
    /// Give every share the optimiser steps of the full set: a share holding
    /// `s` of the training utterances gets `1/s` times the epochs and the
    /// patience. Without it a small share also trains for fewer steps, and
    /// the curve mixes the worth of data with the length of training.
    pub equal_steps: bool,
    /// Seed of the order in which training utterances are kept.
    pub sample_seed: u64,
    /// Show progress on standard error.
    pub progress: bool,
}

/// Scores at one share of the training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Share of the training set.
    pub fraction: f64,
    /// Training utterances used.
    pub train_examples: usize,
    /// Distinct templates those utterances come from.
    #[serde(default)]
    pub train_templates: usize,
    /// Resulting vocabulary size.
    pub vocab_size: usize,
    /// Epoch kept, 1-based.
    pub best_epoch: usize,
    /// Most epochs this share could train.
    #[serde(default)]
    pub max_epochs: usize,
    /// Dev scores, mean over languages.
    pub dev: LangMean,
    /// Template-test scores, mean over languages.
    pub test: LangMean,
    /// Natural-set scores, mean over languages (`None` without a natural set).
    #[serde(default)]
    pub natural: Option<LangMean>,
    /// Seconds of vocabulary building and training.
    pub train_seconds: f64,
}

/// Whether the last step of the curve still paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The share before the last step.
    pub from: f64,
    /// The largest share.
    pub to: f64,
    /// Dev score gain of the last step, in points.
    pub gain_points: f64,
    /// True when the gain is above [`HELPS_POINTS`].
    pub more_data_helps: bool,
    /// One line saying so.
    pub text: String,
}

/// A learning curve and its verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Curve {
    /// Hyper-parameters (the same at every share).
    pub config: crate::trainer::TrainConfig,
    /// Most whole words in the vocabulary.
    pub vocab_words: usize,
    /// What a share counts.
    #[serde(default)]
    pub unit: Unit,
    /// Whether every share had the optimiser steps of the full set.
    #[serde(default)]
    pub equal_steps: bool,
    /// The full training set size.
    pub full_train_examples: usize,
    /// Distinct templates in the full training set.
    #[serde(default)]
    pub full_train_templates: usize,
    /// One point per share, smallest first.
    pub points: Vec<CurvePoint>,
    /// `None` with fewer than two shares.
    pub verdict: Option<Verdict>,
}

/// Dev-score gain (points) of the last step above which more data is judged to help.
pub const HELPS_POINTS: f64 = 1.0;

/// The first `fraction` of `examples` in an order fixed by `seed`: the kept
/// sets are nested (a smaller share is a prefix of a larger one), and at least
/// one example is kept.
pub fn subsample(examples: &[Example], fraction: f64, seed: u64) -> Vec<Example> {
    let mut order: Vec<usize> = (0..examples.len()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let n = ((examples.len() as f64 * fraction).round() as usize).clamp(1, examples.len().max(1));
    order.into_iter().take(n).filter_map(|i| examples.get(i).cloned()).collect()
}

/// The utterances of a `fraction` of each intent's templates, in an order
/// fixed by `seed`. Templates are grouped by their id without its last part
/// (`en/turn_on/12` is template 12 of group `en/turn_on`); template 0 of a
/// group, the canonical phrasing, comes first, the others follow shuffled.
/// A group keeps `round(n * fraction)` of its `n` templates, at least one, so
/// the kept sets are nested. Fails on an example without a template id.
pub fn subsample_templates(examples: &[Example], fraction: f64, seed: u64) -> anyhow::Result<Vec<Example>> {
    let mut groups: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
    for (line, example) in examples.iter().enumerate() {
        let id = example.template.as_deref().ok_or_else(|| {
            anyhow::anyhow!("training example {} ({:?}) has no template id to share by", line + 1, example.text)
        })?;
        let (group, index) = id
            .rsplit_once('/')
            .and_then(|(group, index)| Some((group, index.parse::<usize>().ok()?)))
            .ok_or_else(|| anyhow::anyhow!("template id {id:?} is not of the form group/number"))?;
        let members = groups.entry(group).or_default();
        if !members.iter().any(|(_, known)| *known == id) {
            members.push((index, id));
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut kept: HashSet<&str> = HashSet::new();
    for members in groups.values_mut() {
        members.sort_unstable();
        let first = usize::from(members[0].0 == 0);
        members[first..].shuffle(&mut rng);
        let n = ((members.len() as f64 * fraction).round() as usize).clamp(1, members.len());
        kept.extend(members.iter().take(n).map(|(_, id)| *id));
    }
    Ok(examples.iter().filter(|e| e.template.as_deref().is_some_and(|id| kept.contains(id))).cloned().collect())
}

/// Distinct template ids among `examples` (examples without one not counted).
fn template_count(examples: &[Example]) -> usize {
    examples.iter().filter_map(|e| e.template.as_deref()).collect::<HashSet<_>>().len()
}

/// Trains the setting at every share (sorted, duplicates dropped) and scores it.
pub fn run(job: &CurveJob) -> anyhow::Result<Curve> {
    let mut fractions = job.fractions.clone();
    anyhow::ensure!(!fractions.is_empty(), "no fractions given");
    anyhow::ensure!(fractions.iter().all(|f| *f > 0.0 && *f <= 1.0), "fractions must lie in (0, 1]: {fractions:?}");
    fractions.sort_by(f64::total_cmp);
    fractions.dedup();
    let sets = load_sets(&job.labels, &job.corpus)?;
    let bar = progress_bar(job.progress, fractions.len(), "share".into());
    let mut points = Vec::new();
    for &fraction in &fractions {
        bar.set_message(format!("training on {:.0}%", 100.0 * fraction));
        let train_set = match job.unit {
            Unit::Utterance => subsample(&sets.train, fraction, job.sample_seed),
            Unit::Template => subsample_templates(&sets.train, fraction, job.sample_seed)?,
        };
        let setting = if job.equal_steps {
            share_setting(&job.setting, train_set.len() as f64 / sets.train.len().max(1) as f64)
        } else {
            job.setting
        };
        let fitted = fit(&train_set, &sets.dev, &sets.labels, &setting, job.options)?;
        let point = CurvePoint {
            fraction,
            train_examples: train_set.len(),
            train_templates: template_count(&train_set),
            vocab_size: fitted.tokenizer.vocab().len(),
            best_epoch: fitted.best_epoch,
            max_epochs: setting.config.max_epochs,
            dev: lang_mean(&fitted, &sets.dev, &sets.labels)?,
            test: lang_mean(&fitted, &sets.test, &sets.labels)?,
            natural: if sets.natural.is_empty() {
                None
            } else {
                Some(lang_mean(&fitted, &sets.natural, &sets.labels)?)
            },
            train_seconds: fitted.train_seconds,
        };
        bar.inc(1);
        if job.progress {
            bar.println(row(&point));
        }
        points.push(point);
    }
    bar.finish_and_clear();
    Ok(Curve {
        config: job.setting.config,
        vocab_words: job.setting.vocab.max_words,
        unit: job.unit,
        equal_steps: job.equal_steps,
        full_train_examples: sets.train.len(),
        full_train_templates: template_count(&sets.train),
        verdict: verdict(&points),
        points,
    })
}

/// `setting` for a training set holding `share` of the full one's utterances,
/// with the epochs and the patience scaled by `1/share` (rounded, at least
/// the full set's), so that it trains for as many optimiser steps.
pub fn share_setting(setting: &Setting, share: f64) -> Setting {
    let mut scaled = *setting;
    let scale = |n: usize| ((n as f64 / share.clamp(1e-6, 1.0)).round() as usize).max(n);
    scaled.config.max_epochs = scale(setting.config.max_epochs);
    scaled.config.patience = scale(setting.config.patience);
    scaled
}

/// Judges the last step of `points` (sorted by share) by its dev score gain.
pub fn verdict(points: &[CurvePoint]) -> Option<Verdict> {
    let [.., before, last] = points else {
        return None;
    };
    let gain_points = 100.0 * (last.dev.score - before.dev.score);
    let more_data_helps = gain_points > HELPS_POINTS;
    let step = if (last.fraction / before.fraction - 2.0).abs() < 0.05 { "doubling" } else { "step" };
    let text = format!(
        "The last {step} of the training data ({:.0}% to {:.0}%) changed the dev score by {gain_points:+.2} points: {}.",
        100.0 * before.fraction,
        100.0 * last.fraction,
        if more_data_helps { "more data would help" } else { "more data of the same kind would not help much" }
    );
    Some(Verdict { from: before.fraction, to: last.fraction, gain_points, more_data_helps, text })
}

const HEADER: &str = "| share | train templates | train utterances | vocab | best epoch of most | dev intent acc | dev slot F1 \
| dev score | test intent acc | test slot F1 | test score | natural intent acc | natural slot F1 | train s |\n\
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

fn row(p: &CurvePoint) -> String {
    let natural =
        |get: fn(&LangMean) -> f64| p.natural.as_ref().map_or("-".into(), |m| format!("{:.2}", 100.0 * get(m)));
    format!(
        "| {:.0}% | {} | {} | {} | {} of {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} | {:.0} |",
        100.0 * p.fraction,
        p.train_templates,
        p.train_examples,
        p.vocab_size,
        p.best_epoch,
        p.max_epochs,
        100.0 * p.dev.intent_accuracy,
        100.0 * p.dev.slot_f1,
        100.0 * p.dev.score,
        100.0 * p.test.intent_accuracy,
        100.0 * p.test.slot_f1,
        100.0 * p.test.score,
        natural(|m| m.intent_accuracy),
        natural(|m| m.slot_f1),
        p.train_seconds
    )
}

/// The Markdown report: the setting, the table and the verdict.
pub fn markdown(curve: &Curve) -> String {
    let c = &curve.config;
    let mut out = String::from("# Learning curve\n\n");
    let _ = writeln!(
        out,
        "Embedding {}, BiLSTM {}x{}, dropout {}, lr {}, at most {} epochs, vocabulary at most {} words, seed {}; \
         shares of the training {} ({} utterances from {} templates in all){}. Scores are percentages averaged \
         over languages; test is the held-out template set, natural the hand-written sets.\n",
        c.embed,
        c.layers,
        c.hidden,
        c.dropout,
        c.lr,
        c.max_epochs,
        curve.vocab_words,
        c.seed,
        curve.unit.noun(),
        curve.full_train_examples,
        curve.full_train_templates,
        if curve.equal_steps { "; every share trains for the full set's optimiser steps" } else { "" }
    );
    let _ = writeln!(out, "{HEADER}");
    for p in &curve.points {
        let _ = writeln!(out, "{}", row(p));
    }
    let verdict = curve.verdict.as_ref().map_or("Only one share: no verdict.", |v| v.text.as_str());
    let _ = writeln!(out, "\n{verdict}");
    out
}

/// Writes `dir/learning-curve.md`, `dir/learning-curve.json` and the plot
/// `dir/learning-curve.png` (scores against the share of training data).
pub fn write(curve: &Curve, dir: &Path) -> anyhow::Result<()> {
    write_atomic(&dir.join("learning-curve.json"), serde_json::to_string_pretty(curve)?.as_bytes())?;
    write_atomic(&dir.join("learning-curve.md"), markdown(curve).as_bytes())?;
    let line = |label, color, get: fn(&CurvePoint) -> f64| Series {
        label,
        color,
        points: curve.points.iter().map(|p| (100.0 * p.fraction, get(p))).collect(),
    };
    let mut series = vec![
        line("dev intent accuracy", RED, |p| p.dev.intent_accuracy),
        line("dev slot F1", GREEN, |p| p.dev.slot_f1),
        line("test intent accuracy", MAGENTA, |p| p.test.intent_accuracy),
        line("test slot F1", BLUE, |p| p.test.slot_f1),
    ];
    if curve.points.iter().all(|p| p.natural.is_some()) {
        series.push(line("natural intent accuracy", BLACK, |p| p.natural.as_ref().map_or(0.0, |m| m.intent_accuracy)));
    }
    let low = curve.points.first().map_or(0.0, |p| 100.0 * p.fraction);
    plot_scores(
        &series,
        "scores by training data (%)",
        &format!("share of training {} (%)", curve.unit.noun()),
        (low - 5.0).max(0.0)..105.0,
        &dir.join("learning-curve.png"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(fraction: f64, score: f64) -> CurvePoint {
        let m = LangMean::new(score, score);
        CurvePoint {
            fraction,
            train_examples: 10,
            train_templates: 2,
            vocab_size: 10,
            best_epoch: 1,
            max_epochs: 1,
            dev: m,
            test: m,
            natural: None,
            train_seconds: 1.0,
        }
    }

    #[test]
    fn the_verdict_compares_the_last_step_with_one_point() {
        let rising = verdict(&[point(0.25, 0.80), point(0.5, 0.85), point(1.0, 0.87)]).unwrap();
        assert!(rising.more_data_helps && (rising.gain_points - 2.0).abs() < 1e-9, "{rising:?}");
        assert!(rising.text.contains("doubling") && rising.text.contains("more data would help"));
        let flat = verdict(&[point(0.5, 0.90), point(1.0, 0.905)]).unwrap();
        assert!(!flat.more_data_helps && flat.text.contains("not help"), "{flat:?}");
        assert_eq!(verdict(&[point(1.0, 0.9)]), None);
    }

    #[test]
    fn subsets_are_nested_and_never_empty() {
        let examples: Vec<Example> = (0..40)
            .map(|i| Example { text: format!("u{i}"), intent: "a".into(), slots: vec![], lang: None, template: None })
            .collect();
        let small = subsample(&examples, 0.25, 9);
        let large = subsample(&examples, 0.5, 9);
        assert_eq!((small.len(), large.len()), (10, 20));
        assert_eq!(small[..], large[..10]);
        assert_eq!(subsample(&examples, 0.001, 9).len(), 1);
        assert_eq!(subsample(&examples, 1.0, 9).len(), 40);
    }

    fn example(template: &str, i: usize) -> Example {
        Example {
            text: format!("{template} #{i}"),
            intent: "a".into(),
            slots: vec![],
            lang: None,
            template: Some(template.into()),
        }
    }

    #[test]
    fn template_shares_are_nested_keep_the_canonical_template_and_whole_templates() {
        // Two groups: 10 templates of en/a (3 draws each), 4 of zh/b (2 draws each).
        let mut examples = Vec::new();
        for t in 0..10 {
            examples.extend((0..3).map(|i| example(&format!("en/a/{t}"), i)));
        }
        for t in 0..4 {
            examples.extend((0..2).map(|i| example(&format!("zh/b/{t}"), i)));
        }
        let templates = |set: &[Example]| -> Vec<String> {
            let mut ids: Vec<String> = set.iter().filter_map(|e| e.template.clone()).collect();
            ids.dedup();
            ids
        };
        let small = subsample_templates(&examples, 0.3, 5).unwrap();
        let large = subsample_templates(&examples, 0.6, 5).unwrap();
        let (small_ids, large_ids) = (templates(&small), templates(&large));
        // round(10 * 0.3) + round(4 * 0.3) and round(10 * 0.6) + round(4 * 0.6).
        assert_eq!((small_ids.len(), large_ids.len()), (3 + 1, 6 + 2), "{small_ids:?} {large_ids:?}");
        assert!(small_ids.iter().all(|id| large_ids.contains(id)), "{small_ids:?} {large_ids:?}");
        assert!(small_ids.contains(&"en/a/0".to_string()) && small_ids.contains(&"zh/b/0".to_string()));
        // Whole templates: every kept template keeps all its draws.
        assert_eq!(small.len(), 3 * 3 + 2);
        assert_eq!(subsample_templates(&examples, 0.01, 5).unwrap().len(), 3 + 2);
        assert_eq!(subsample_templates(&examples, 1.0, 5).unwrap(), examples);
        assert_eq!(template_count(&large), 8);
    }

    #[test]
    fn template_shares_need_template_ids() {
        let mut examples = vec![example("en/a/0", 0)];
        examples.push(Example { template: None, ..example("en/a/1", 0) });
        let err = subsample_templates(&examples, 0.5, 1).unwrap_err().to_string();
        assert!(err.contains("example 2") && err.contains("no template id"), "{err}");
        let err = subsample_templates(&[example("en-a-0", 0)], 0.5, 1).unwrap_err().to_string();
        assert!(err.contains("en-a-0"), "{err}");
    }

    #[test]
    fn equal_steps_scale_epochs_and_patience_by_the_inverse_share() {
        let base = Setting {
            config: crate::trainer::TrainConfig { max_epochs: 16, patience: 5, ..Default::default() },
            vocab: crate::vocab_build::VocabConfig::default(),
        };
        let quarter = share_setting(&base, 0.25);
        assert_eq!((quarter.config.max_epochs, quarter.config.patience), (64, 20));
        let most = share_setting(&base, 0.97);
        assert_eq!((most.config.max_epochs, most.config.patience), (16, 5));
        let whole = share_setting(&base, 1.0);
        assert_eq!((whole.config.max_epochs, whole.config.patience), (16, 5));
    }
}

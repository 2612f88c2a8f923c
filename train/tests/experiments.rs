//! The `tune` and `learning-curve` jobs on a tiny corpus: outputs are written,
//! well-formed, and ordered as documented.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hearth::text::TokenizerOptions;
use hearth_train::corpus::CorpusConfig;
use hearth_train::experiment::Setting;
use hearth_train::learning_curve::{self, Curve, CurveJob, Unit, share_setting};
use hearth_train::trainer::TrainConfig;
use hearth_train::tune::{self, SearchSpace, TuneJob, TuneReport};
use hearth_train::vocab_build::VocabConfig;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tiny_corpus() -> CorpusConfig {
    CorpusConfig { core_per_intent: 16, other_per_intent: 8, ..CorpusConfig::new(root().join("train/corpus")) }
}

/// A tiny setting trained for one epoch.
fn tiny_setting() -> Setting {
    Setting {
        config: TrainConfig { embed: 8, hidden: 8, max_epochs: 1, batch_size: 64, ..TrainConfig::default() },
        vocab: VocabConfig { max_words: 300, max_pieces: 50, ..VocabConfig::default() },
    }
}

/// A search over `space` on the tiny corpus, its scratch files in `dir`.
fn tiny_search(space: SearchSpace, base_trial: bool, max_trials: usize, dir: &Path) -> TuneJob {
    TuneJob {
        labels: root().join("models/labels.toml"),
        corpus: tiny_corpus(),
        options: TokenizerOptions::default(),
        base: tiny_setting(),
        base_trial,
        space,
        budget: Duration::from_secs(600),
        max_trials,
        seed: 5,
        latency_utterances: 20,
        scratch: dir.to_path_buf(),
        progress: false,
    }
}

/// A learning curve of the tiny setting on the tiny corpus.
fn tiny_curve(fractions: Vec<f64>, unit: Unit, equal_steps: bool) -> CurveJob {
    CurveJob {
        labels: root().join("models/labels.toml"),
        corpus: tiny_corpus(),
        options: TokenizerOptions::default(),
        setting: tiny_setting(),
        fractions,
        unit,
        equal_steps,
        sample_seed: 3,
        progress: false,
    }
}

#[test]
fn tune_writes_a_ranked_table_and_json() -> anyhow::Result<()> {
    let dir = temp_dir("tune");
    let space = SearchSpace {
        embed: vec![4, 12],
        hidden: vec![4, 12],
        layers: vec![1, 2],
        dropout: vec![0.0, 0.1],
        lr: vec![3e-3, 1e-2],
        vocab_words: vec![100, 300],
        min_count: vec![1, 3],
    };
    let job = tiny_search(space, true, 2, &dir);
    let report = tune::run(&job)?;
    tune::write(&report, &dir)?;

    let json: TuneReport = serde_json::from_str(&std::fs::read_to_string(dir.join("tune.json"))?)?;
    assert_eq!(json.trials.len(), 2);
    assert!(json.trials.windows(2).all(|w| w[0].dev_score >= w[1].dev_score), "not ranked by dev score");
    let mut numbers: Vec<usize> = json.trials.iter().map(|t| t.trial).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2]);
    let base = json.trials.iter().find(|t| t.trial == 1).unwrap();
    assert_eq!((base.embed, base.hidden, base.layers), (8, 8, 1), "trial 1 is the base setting");
    let other = json.trials.iter().find(|t| t.trial == 2).unwrap();
    assert_ne!((other.embed, other.hidden, other.vocab_words), (8, 8, 300), "trial 2 was drawn from the space");
    for t in &json.trials {
        assert!((0.0..=1.0).contains(&t.dev_score) && (0.0..=1.0).contains(&t.dev_slot_f1));
        assert!((t.dev_score - (t.dev_intent_accuracy + t.dev_slot_f1) / 2.0).abs() < 1e-9);
        assert!(t.parameters > 0 && t.onnx_f32_bytes > 4 * t.parameters as u64, "{t:?}");
        assert!(t.latency_p50_ms > 0.0 && t.latency_p50_ms.is_finite());
    }
    let trade = json.trade_off.expect("a trade-off with two trials");
    assert_eq!(trade.best, json.trials[0].trial);
    assert!(!dir.join("trial.onnx").exists(), "the scratch model is removed");

    let md = std::fs::read_to_string(dir.join("tune.md"))?;
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| rank")).collect();
    assert_eq!(rows.len(), 2, "{md}");
    assert!(rows[0].starts_with(&format!("| 1 | {} |", json.trials[0].trial)), "{md}");
    assert!(md.contains("## Trade-off") && md.contains("Best dev score: trial"), "{md}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_search_without_its_base_trial_only_draws() -> anyhow::Result<()> {
    let dir = temp_dir("tune-drawn");
    // The space holds the base's own values and one other per field, so a
    // draw equals the base only by chance, and such a draw must be redrawn.
    let space = SearchSpace {
        embed: vec![8, 12],
        hidden: vec![8, 12],
        layers: vec![1],
        dropout: vec![0.2],
        lr: vec![3e-3],
        vocab_words: vec![300],
        min_count: vec![VocabConfig::default().min_count],
    };
    let job = tiny_search(space, false, 3, &dir);
    let report = tune::run(&job)?;
    assert_eq!(report.trials.len(), 3);
    assert!(!report.base_trial);
    for t in &report.trials {
        assert_ne!((t.embed, t.hidden), (8, 8), "the base setting was trained: {t:?}");
    }
    assert!(tune::markdown(&report).contains("the base setting is not among them"));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn learning_curve_writes_table_json_plot_and_verdict() -> anyhow::Result<()> {
    let dir = temp_dir("curve");
    let job = tiny_curve(vec![1.0, 0.5], Unit::Utterance, false);
    let curve = learning_curve::run(&job)?;
    learning_curve::write(&curve, &dir)?;

    let json: Curve = serde_json::from_str(&std::fs::read_to_string(dir.join("learning-curve.json"))?)?;
    let fractions: Vec<f64> = json.points.iter().map(|p| p.fraction).collect();
    assert_eq!(fractions, [0.5, 1.0]);
    assert_eq!(json.points[1].train_examples, json.full_train_examples);
    assert_eq!(json.points[0].train_examples, (json.full_train_examples as f64 * 0.5).round() as usize);
    for p in &json.points {
        assert!((0.0..=1.0).contains(&p.dev.score) && (0.0..=1.0).contains(&p.test.score), "{p:?}");
        let natural = p.natural.as_ref().expect("the corpus has natural sets");
        assert!((0.0..=1.0).contains(&natural.score), "{p:?}");
    }
    assert_eq!(json.points[1].train_templates, json.full_train_templates);
    let verdict = json.verdict.expect("two shares give a verdict");
    let gain = 100.0 * (json.points[1].dev.score - json.points[0].dev.score);
    assert!((verdict.gain_points - gain).abs() < 1e-9);
    assert_eq!(verdict.more_data_helps, gain > 1.0);

    let md = std::fs::read_to_string(dir.join("learning-curve.md"))?;
    assert!(md.contains("| 50% |") && md.contains("| 100% |") && md.contains(&verdict.text), "{md}");
    let png = std::fs::read(dir.join("learning-curve.png"))?;
    assert!(png.len() > 1000 && png.starts_with(b"\x89PNG"));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_learning_curve_by_template_keeps_whole_templates() -> anyhow::Result<()> {
    let job = tiny_curve(vec![0.5], Unit::Template, true);
    let curve = learning_curve::run(&job)?;
    let point = &curve.points[0];
    assert_eq!(curve.unit, Unit::Template);
    // Each intent keeps about half of its templates, and at least one.
    let half = curve.full_train_templates as f64 / 2.0;
    assert!(
        (point.train_templates as f64) >= 0.9 * half && (point.train_templates as f64) <= 1.25 * half,
        "{} of {} templates",
        point.train_templates,
        curve.full_train_templates
    );
    assert!(point.train_examples < curve.full_train_examples);
    // Equal steps: about half the utterances train for twice the epochs.
    assert_eq!(
        point.max_epochs,
        share_setting(&job.setting, point.train_examples as f64 / curve.full_train_examples as f64).config.max_epochs
    );
    assert!(point.max_epochs > job.setting.config.max_epochs, "{point:?}");
    assert!(
        learning_curve::markdown(&curve).contains("shares of the training templates"),
        "{}",
        learning_curve::markdown(&curve)
    );
    Ok(())
}

//! A tiny model trained inside the test, quantised with both schemes: the int8
//! model must agree with the float one on at least 99% of intents.

use std::path::{Path, PathBuf};

use hearth::labels::Labels;
use hearth::nlu::Nlu;
use hearth::text::{Lang, TokenizerOptions};
use hearth_quantize::Scheme;
use hearth_quantize::pipeline::{Job, run};
use hearth_quantize::quant::RangeMethod;
use hearth_train::corpus::{self, CorpusConfig, Split};
use hearth_train::data::write_jsonl;
use hearth_train::pipeline::{ONNX_FILE, TrainJob};
use hearth_train::trainer::TrainConfig;
use hearth_train::vocab_build::VocabConfig;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tiny_corpus() -> CorpusConfig {
    CorpusConfig { core_per_intent: 24, other_per_intent: 12, ..CorpusConfig::new(root().join("train/corpus")) }
}

/// The tiny training job of the trainer's own tests, written to `dir`.
fn tiny_job(dir: &Path) -> TrainJob {
    TrainJob {
        labels: root().join("models/labels.toml"),
        out: dir.to_path_buf(),
        config: TrainConfig { embed: 16, hidden: 16, max_epochs: 2, batch_size: 64, ..TrainConfig::default() },
        vocab: VocabConfig { max_words: 500, max_pieces: 100, ..VocabConfig::default() },
        options: TokenizerOptions::default(),
        corpus: tiny_corpus(),
        public: None,
        progress: false,
    }
}

#[test]
fn int8_models_of_a_tiny_lstm_agree_with_the_float_one() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("hearth-quantize-tiny-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    hearth_train::pipeline::run(&tiny_job(&dir))?;
    let labels = Labels::load(&root().join("models/labels.toml"))?;
    let corpus = corpus::build(&tiny_corpus(), &labels)?;
    let mut eval = Vec::new();
    for lang in Lang::ALL {
        let path = dir.join(format!("test.{lang}.jsonl"));
        write_jsonl(&path, &corpus.sets[&(lang, Split::Test)])?;
        eval.push(path);
    }
    let calib = dir.join("dev.jsonl");
    let dev: Vec<_> = Lang::ALL.iter().flat_map(|&l| corpus.sets[&(l, Split::Dev)].iter().cloned()).collect();
    write_jsonl(&calib, &dev)?;

    for scheme in [Scheme::Weights, Scheme::Full] {
        let output = dir.join(format!("int8-{scheme}.onnx"));
        let nnef = dir.join(format!("int8-{scheme}.nnef.tgz"));
        let job = Job {
            input: dir.join(ONNX_FILE),
            output: output.clone(),
            scheme,
            calib: vec![calib.clone()],
            calib_limit: Some(400),
            method: RangeMethod::Percentile(99.99),
            model_dir: Some(dir.clone()),
            eval: eval.clone(),
            rounds: 0,
            profile: 0,
            nnef: Some(nnef.clone()),
        };
        if scheme == Scheme::Full {
            // tract cannot write the full scheme's integer operators as NNEF:
            // asking for it fails before anything is written.
            let err = run(&job).unwrap_err().to_string();
            assert!(err.contains("NNEF") && err.contains("weights"), "{err}");
            assert!(!output.exists() && !nnef.exists());
        }
        let job = Job { nnef: (scheme == Scheme::Weights).then(|| nnef.clone()), ..job };
        let report = run(&job)?;
        assert!(output.exists());
        assert_eq!(report.nnef.is_some(), scheme == Scheme::Weights, "{scheme}");
        if let Some(form) = &report.nnef {
            assert!(form.max_abs_diff <= hearth_quantize::nnef::MAX_ABS_DIFF, "{scheme}: {form:?}");
            assert!(form.utterances > 100, "{scheme}: {form:?}");
            // The runtime reads the NNEF form and understands exactly what it
            // understands from the ONNX file.
            let (from_onnx, from_nnef) = (Nlu::load(&dir, Some(&output))?, Nlu::load(&dir, Some(&nnef))?);
            let test = |lang| corpus.sets[&(lang, Split::Test)].iter().take(30);
            for u in test(Lang::En).chain(test(Lang::Zh)) {
                let (a, b) = (from_onnx.parse(&u.text)?, from_nnef.parse(&u.text)?);
                assert_eq!((&a.intent, &a.slots), (&b.intent, &b.slots), "{scheme}: {}", u.text);
            }
        }
        assert!(report.int8_bytes < report.float_bytes, "{scheme}: {} >= {}", report.int8_bytes, report.float_bytes);
        assert!(report.tensors.iter().all(|t| t.within_budget()), "{scheme}: {:#?}", report.tensors);
        assert_eq!(report.sets.len(), 2);
        for set in &report.sets {
            assert!(set.float.n > 100, "{}: only {} utterances", set.file, set.float.n);
            assert!(
                set.intent_agreement >= 99.0,
                "{scheme} on {}: int8 and float agree on {:.2}% of intents",
                set.file,
                set.intent_agreement
            );
        }
        if scheme == Scheme::Full {
            assert!(report.rewrites.iter().any(|r| r.contains("Scan")), "{:?}", report.rewrites);
            assert!(report.tensors.iter().any(|t| t.role == "activation"));
        }
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

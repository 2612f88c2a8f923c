//! A tiny model trained inside the test: tract parity, saved weights, and
//! clear errors for broken model files.

use std::path::{Path, PathBuf};

use candle_core::Device;
use hearth::labels::Labels;
use hearth::nlu::{Network, Nlu};
use hearth::text::{Tokenizer, TokenizerOptions};
use hearth_train::corpus::{self, CorpusConfig, Split};
use hearth_train::data::Example;
use hearth_train::model::{Model, ModelConfig};
use hearth_train::pipeline::{TrainJob, parity, run};
use hearth_train::trainer::{TrainConfig, train};
use hearth_train::vocab_build::{VocabConfig, build_vocab};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tiny_corpus() -> CorpusConfig {
    CorpusConfig { core_per_intent: 24, other_per_intent: 12, ..CorpusConfig::new(root().join("train/corpus")) }
}

fn tiny_config() -> TrainConfig {
    TrainConfig { embed: 16, hidden: 16, max_epochs: 2, batch_size: 64, ..TrainConfig::default() }
}

/// The `train` job of a tiny model written to `dir`.
fn tiny_job(dir: &Path) -> TrainJob {
    TrainJob {
        labels: root().join("models/labels.toml"),
        out: dir.to_path_buf(),
        config: tiny_config(),
        vocab: VocabConfig { max_words: 500, max_pieces: 100, ..VocabConfig::default() },
        options: TokenizerOptions::default(),
        corpus: tiny_corpus(),
        public: None,
        progress: false,
    }
}

/// Trains a tiny model on a small corpus and writes a full model folder.
fn tiny_model_folder(dir: &Path) -> anyhow::Result<()> {
    let report = run(&tiny_job(dir))?;
    assert!(report.parity_max_abs_diff <= 1e-4, "tract differs by {}", report.parity_max_abs_diff);
    Ok(())
}

/// The tiny corpus: its labels, its splits and a tokeniser whose vocabulary
/// is built on its training split.
struct Tiny {
    labels: Labels,
    train: Vec<Example>,
    dev: Vec<Example>,
    test: Vec<Example>,
    tokenizer: Tokenizer,
}

fn tiny_data() -> anyhow::Result<Tiny> {
    let labels = Labels::load(&root().join("models/labels.toml"))?;
    let corpus = corpus::build(&tiny_corpus(), &labels)?;
    let (train, dev, test) = (corpus.split(Split::Train), corpus.split(Split::Dev), corpus.split(Split::Test));
    let vocab = build_vocab(train.iter().map(|e| e.text.as_str()), VocabConfig::default(), TokenizerOptions::default());
    let tokenizer = Tokenizer::new(vocab, TokenizerOptions::default());
    Ok(Tiny { labels, train, dev, test, tokenizer })
}

#[test]
fn tract_matches_the_training_framework_and_training_is_reproducible() -> anyhow::Result<()> {
    let Tiny { labels, train: train_set, dev: dev_set, test: test_set, tokenizer } = tiny_data()?;
    let config = TrainConfig { max_epochs: 1, ..tiny_config() };
    let first = train(&train_set, &[], &dev_set, &tokenizer, &labels, &config, false)?;
    let second = train(&train_set, &[], &dev_set, &tokenizer, &labels, &config, false)?;
    for ((name, a), (_, b)) in first.model.named_vars().into_iter().zip(second.model.named_vars()) {
        let diff = a.as_tensor().sub(b.as_tensor())?.abs()?.max_all()?.to_scalar::<f32>()?;
        assert_eq!(diff, 0.0, "{name} differs between two runs with one seed");
    }

    let dir = temp_dir("parity");
    let onnx = dir.join("m.onnx");
    hearth_train::export::export(&first.model, &onnx)?;
    let examples: Vec<Example> = test_set.into_iter().take(100).collect();
    assert_eq!(examples.len(), 100);
    let diff = parity(&first.model, &tokenizer, &examples, &onnx)?;
    assert!(diff <= 1e-4, "tract differs from candle by {diff}");

    let weights = dir.join("w.safetensors");
    first.model.save(&weights)?;
    let loaded = Model::load(first.model.config, &weights, &Device::Cpu)?;
    assert_eq!(parity(&loaded, &tokenizer, &examples, &onnx)?, diff);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn max_pooling_and_weight_averaging_export_to_matching_onnx() -> anyhow::Result<()> {
    let Tiny { labels, train: train_set, dev: dev_set, tokenizer, .. } = tiny_data()?;
    let config = TrainConfig { max_epochs: 1, pool_max: true, ema: 0.99, ..tiny_config() };
    let trained = train(&train_set, &[], &dev_set, &tokenizer, &labels, &config, false)?;
    let model = &trained.model;
    assert_eq!(model.intent_w.dims(), [labels.intents.len(), 4 * config.hidden]);

    // Padding must not reach the max: a row scores the same alone and padded.
    let short: Vec<u32> = tokenizer.encode("turn on the lamp").iter().map(|t| t.id).collect();
    let long: Vec<u32> =
        tokenizer.encode("turn off every light in the whole house now please").iter().map(|t| t.id).collect();
    let alone = model.forward(&hearth_train::model::Batch::new(&[&short], &Device::Cpu)?, None)?;
    let padded = model.forward(&hearth_train::model::Batch::new(&[&short, &long], &Device::Cpu)?, None)?;
    let diff = alone.intent_logits.sub(&padded.intent_logits.narrow(0, 0, 1)?)?.abs()?.max_all()?.to_scalar::<f32>()?;
    assert!(diff <= 1e-5, "padding changed the intent logits by {diff}");

    let dir = temp_dir("pool-max");
    let onnx = dir.join("m.onnx");
    hearth_train::export::export(model, &onnx)?;
    let examples: Vec<Example> = dev_set.into_iter().take(50).collect();
    let diff = parity(model, &tokenizer, &examples, &onnx)?;
    assert!(diff <= 1e-4, "tract differs from candle by {diff}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_crf_model_exports_its_scores_and_tract_decodes_the_same_spans() -> anyhow::Result<()> {
    let Tiny { labels, train: train_set, dev: dev_set, tokenizer, .. } = tiny_data()?;
    let config = TrainConfig { max_epochs: 1, crf: true, ..tiny_config() };
    let trained = train(&train_set, &[], &dev_set, &tokenizer, &labels, &config, false)?;
    let model = &trained.model;
    let crf = model.crf.as_ref().expect("a CRF model has CRF scores");
    // Training moved the scores away from their zero start.
    assert!(crf.transitions.as_tensor().abs()?.max_all()?.to_scalar::<f32>()? > 0.0);

    let dir = temp_dir("crf");
    let onnx = dir.join("m.onnx");
    hearth_train::export::export(model, &onnx)?;
    let examples: Vec<Example> = dev_set.into_iter().take(50).collect();
    let diff = parity(model, &tokenizer, &examples, &onnx)?;
    assert!(diff <= 1e-4, "tract differs from candle by {diff}");

    // The runtime's decoder on tract's outputs finds the spans that the
    // training framework's prediction finds.
    let network = Network::load(&onnx)?;
    let scores = network.transitions().expect("the exported CRF scores are read back");
    let predictions = hearth_train::predict::predict(model, &tokenizer, &examples, 16)?;
    for (example, prediction) in examples.iter().zip(&predictions) {
        let tokens = tokenizer.encode(&example.text);
        let ids: Vec<u32> = tokens.iter().map(|t| t.id).collect();
        let raw = network.run(&ids)?;
        let spans = hearth::bio::tags_to_spans(&tokens, &hearth::bio::decode_tags_crf(&raw.slot_logits, scores));
        assert_eq!(spans, prediction.spans, "{:?}", example.text);
    }

    // CRF scores that are not constants are refused with a clear error.
    let mut proto = hearth_train::export::to_onnx(model)?;
    let graph = proto.graph.as_mut().expect("a graph");
    for node in &mut graph.node {
        if node.output.first().map(String::as_str) == Some(hearth_train::export::CRF_OUTPUTS[1]) {
            node.op_type = "Relu".into();
            node.input = vec![hearth_train::export::OUTPUTS[2].into()];
        }
    }
    let broken = dir.join("broken.onnx");
    std::fs::write(&broken, prost::Message::encode_to_vec(&proto))?;
    let err = Network::load(&broken).unwrap_err().to_string();
    assert!(err.contains("broken.onnx") && err.contains("CRF scores"), "{err}");

    // A model without a CRF and a file with one do not pass as equal.
    let mut rng: rand_chacha::ChaCha8Rng = rand::SeedableRng::seed_from_u64(1);
    let plain = Model::new(ModelConfig { crf: false, ..model.config }, &mut rng, &Device::Cpu)?;
    let err = parity(&plain, &tokenizer, &examples, &onnx).unwrap_err();
    assert!(format!("{err:#}").contains("disagree on having a CRF"), "{err:#}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_weight_average_decay_of_one_or_more_is_an_error() -> anyhow::Result<()> {
    let labels = Labels::load(&root().join("models/labels.toml"))?;
    let tokenizer = Tokenizer::new(
        build_vocab(["turn on"], VocabConfig::default(), TokenizerOptions::default()),
        TokenizerOptions::default(),
    );
    let config = TrainConfig { ema: 1.0, ..tiny_config() };
    let err = train(&[], &[], &[], &tokenizer, &labels, &config, false).err().expect("decay 1 is refused");
    assert!(err.to_string().contains("decay"), "{err}");
    Ok(())
}

#[test]
fn model_folder_loads_and_broken_files_give_clear_errors() -> anyhow::Result<()> {
    let dir = temp_dir("folder");
    tiny_model_folder(&dir)?;
    let nlu = Nlu::load(&dir, None)?;
    let parse = nlu.parse("turn on the kitchen lights")?;
    assert!(nlu.labels().intent_id(&parse.intent).is_some());
    assert!(nlu.parse("").is_ok());

    let onnx = dir.join("hearth-f32.onnx");
    let bytes = std::fs::read(&onnx)?;
    let truncated = dir.join("truncated.onnx");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3])?;
    let err = Network::load(&truncated).unwrap_err().to_string();
    assert!(err.contains("truncated.onnx"), "{err}");
    let foreign = dir.join("foreign.onnx");
    std::fs::write(&foreign, b"this is not a model")?;
    let err = Network::load(&foreign).unwrap_err().to_string();
    assert!(err.contains("foreign.onnx"), "{err}");

    let vocab = std::fs::read_to_string(dir.join("vocab.txt"))?;
    std::fs::write(dir.join("vocab.txt"), format!("{vocab}extra-token\n"))?;
    let err = Nlu::load(&dir, None).unwrap_err().to_string();
    assert!(err.contains("vocab.txt") && err.contains("trained with"), "{err}");
    std::fs::write(dir.join("vocab.txt"), vocab)?;

    let manifest = std::fs::read_to_string(dir.join("model.toml"))?;
    std::fs::write(dir.join("model.toml"), manifest.replace("threshold", "thresh"))?;
    let err = Nlu::load(&dir, None).unwrap_err().to_string();
    assert!(err.contains("model.toml"), "{err}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn report_with_plots_is_written() -> anyhow::Result<()> {
    let dir = temp_dir("report");
    let job = tiny_job(&dir);
    let report = run(&job)?;
    let labels = Labels::load(&job.labels)?;
    hearth_train::report::write_report(&report, &labels, &dir.join("report"))?;
    for file in ["metrics.json", "report.md", "history.png", "confusion-test.png"] {
        let len = std::fs::metadata(dir.join("report").join(file))?.len();
        assert!(len > 100, "{file} is only {len} bytes");
    }
    let png = std::fs::read(dir.join("report/history.png"))?;
    assert_eq!(&png[..4], b"\x89PNG");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

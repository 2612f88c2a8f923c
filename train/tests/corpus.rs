//! The shipped corpus: size, balance, determinism, the split and offsets.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use hearth::labels::Labels;
use hearth::text::Lang;
use hearth_train::corpus::{self, Corpus, CorpusConfig, Split};
use hearth_train::offsets::round_trip;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shipped() -> anyhow::Result<(Corpus, Labels)> {
    let labels = Labels::load(&root().join("models/labels.toml"))?;
    let corpus = corpus::build(&CorpusConfig::new(root().join("train/corpus")), &labels)?;
    Ok((corpus, labels))
}

#[test]
fn shipped_corpus_meets_its_promises() -> anyhow::Result<()> {
    let (corpus, labels) = shipped()?;
    for lang in Lang::ALL {
        let generated: usize =
            [Split::Train, Split::Dev, Split::Test].iter().map(|s| corpus.sets[&(lang, *s)].len()).sum();
        assert!(generated >= 20_000, "{lang}: only {generated} generated utterances");
        assert!(corpus.sets[&(lang, Split::Natural)].len() >= 300, "{lang}: natural set too small");
        let mut per_intent: BTreeMap<&str, usize> = BTreeMap::new();
        for example in &corpus.sets[&(lang, Split::Train)] {
            *per_intent.entry(&example.intent).or_default() += 1;
        }
        for intent in &labels.intents {
            let n = per_intent.get(intent.as_str()).copied().unwrap_or(0);
            assert!(n >= 100, "{lang}: {intent} has {n} training utterances");
        }
        for split in [Split::Dev, Split::Test] {
            assert!(!corpus.sets[&(lang, split)].is_empty());
        }
    }
    Ok(())
}

#[test]
fn split_is_by_template_and_sentences_do_not_leak() -> anyhow::Result<()> {
    let (corpus, _) = shipped()?;
    for lang in Lang::ALL {
        let templates = |split| -> HashSet<String> {
            corpus.sets[&(lang, split)].iter().filter_map(|e| e.template.clone()).collect()
        };
        let texts = |split| -> HashSet<String> {
            corpus.sets[&(lang, split)].iter().map(|e| corpus::sentence_key(&e.text)).collect()
        };
        let train = templates(Split::Train);
        assert!(templates(Split::Test).is_disjoint(&train));
        assert!(templates(Split::Dev).is_disjoint(&train));
        assert!(texts(Split::Test).is_disjoint(&texts(Split::Train)));
        for split in [Split::Train, Split::Dev, Split::Test] {
            assert!(texts(Split::Natural).is_disjoint(&texts(split)), "{lang}: a natural sentence is also generated");
        }
    }
    Ok(())
}

#[test]
fn every_corpus_utterance_round_trips_its_offsets() -> anyhow::Result<()> {
    let (corpus, _) = shipped()?;
    let mut failures = Vec::new();
    for examples in corpus.sets.values() {
        for example in examples {
            if let Err(e) = round_trip(example, None) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{} failures, first: {:#?}", failures.len(), &failures[..failures.len().min(5)]);
    Ok(())
}

#[test]
fn same_seed_same_bytes() -> anyhow::Result<()> {
    let labels = Labels::load(&root().join("models/labels.toml"))?;
    let config =
        CorpusConfig { core_per_intent: 60, other_per_intent: 30, ..CorpusConfig::new(root().join("train/corpus")) };
    let dir = std::env::temp_dir().join(format!("hearth-corpus-{}", std::process::id()));
    let read_all = |d: &Path| -> anyhow::Result<Vec<(String, Vec<u8>)>> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(d)? {
            let path = entry?.path();
            files.push((path.file_name().unwrap_or_default().to_string_lossy().into_owned(), std::fs::read(&path)?));
        }
        files.sort();
        Ok(files)
    };
    corpus::write(&corpus::build(&config, &labels)?, &dir.join("a"))?;
    corpus::write(&corpus::build(&config, &labels)?, &dir.join("b"))?;
    let reseeded = CorpusConfig { seed: config.seed + 1, ..config.clone() };
    corpus::write(&corpus::build(&reseeded, &labels)?, &dir.join("c"))?;
    let (a, b, c) = (read_all(&dir.join("a"))?, read_all(&dir.join("b"))?, read_all(&dir.join("c"))?);
    std::fs::remove_dir_all(&dir)?;
    assert_eq!(a.len(), 8);
    assert_eq!(a, b);
    assert_ne!(a, c);
    Ok(())
}

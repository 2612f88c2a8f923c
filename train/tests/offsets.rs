//! The offset round trip (span -> BIO tags -> span) on the public data sets.

use std::path::{Path, PathBuf};

use hearth_train::data::read_jsonl;
use hearth_train::offsets::round_trip;

fn datasets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets")
}

#[test]
fn public_datasets_round_trip() -> anyhow::Result<()> {
    let dir = datasets_dir();
    assert!(dir.is_dir(), "the shared data sets belong beside the checkout at {}", dir.display());
    let mut n_files = 0;
    let mut n_examples = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let sub = entry?.path();
        if !sub.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&sub)? {
            let path = file?.path();
            if path.extension().is_none_or(|e| e != "jsonl") {
                continue;
            }
            n_files += 1;
            for (idx, example) in read_jsonl(&path)?.iter().enumerate() {
                n_examples += 1;
                if let Err(e) = round_trip(example, None) {
                    let name = path.strip_prefix(&dir)?.display().to_string();
                    failures.push((format!("{name}:{}", idx + 1), e));
                }
            }
        }
    }
    assert!(n_files >= 10 && n_examples > 50_000, "only {n_files} files, {n_examples} utterances");
    let known = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/offsets_known.txt"))?;
    let mut known: Vec<&str> = known
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect();
    known.sort();
    failures.sort();
    let failed: Vec<&str> = failures.iter().map(|(place, _)| place.as_str()).collect();
    assert_eq!(failed, known, "round-trip failures differ from the known list: {failures:#?}");
    Ok(())
}

//! Labelled utterances in the shared JSONL shape, read with line-level errors.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// A labelled character span; `start`/`end` count code points, `end` exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The slot name.
    pub label: String,
}

/// One labelled utterance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// The utterance.
    pub text: String,
    /// The intent name.
    pub intent: String,
    /// The slots, in order of `start`.
    #[serde(default)]
    pub slots: Vec<Span>,
    /// `en` or `zh`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The template that produced it (`en/turn_on/12`), for corpus data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

impl Example {
    /// The text of a span.
    pub fn span_text(&self, span: &Span) -> String {
        self.text.chars().skip(span.start).take(span.end.saturating_sub(span.start)).collect()
    }

    /// Checks that every span lies inside the text and is not empty.
    pub fn validate(&self) -> anyhow::Result<()> {
        let n_chars = self.text.chars().count();
        for span in &self.slots {
            if span.start >= span.end || span.end > n_chars {
                bail!(
                    "slot {:?} spans {}..{}, outside the text of {} characters",
                    span.label,
                    span.start,
                    span.end,
                    n_chars
                );
            }
        }
        Ok(())
    }
}

/// Reads a JSONL file of examples; an error names the file and line.
pub fn read_jsonl(path: &Path) -> anyhow::Result<Vec<Example>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut examples = Vec::new();
    for (idx, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let example: Example = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a labelled utterance", path.display(), idx + 1))?;
        example.validate().with_context(|| format!("{}:{}", path.display(), idx + 1))?;
        examples.push(example);
    }
    Ok(examples)
}

/// Writes examples as JSONL, atomically (a temporary file renamed into place).
pub fn write_jsonl(path: &Path, examples: &[Example]) -> anyhow::Result<()> {
    let mut out = Vec::new();
    for example in examples {
        serde_json::to_writer(&mut out, example)?;
        out.push(b'\n');
    }
    write_atomic(path, &out)
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    file.write_all(bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_outside_the_text_names_file_and_line() {
        let dir = std::env::temp_dir().join(format!("hearth-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.jsonl");
        std::fs::write(
            &path,
            "{\"text\":\"lamp on\",\"intent\":\"turn_on\",\"slots\":[]}\n{\"text\":\"lamp\",\"intent\":\"turn_on\",\"slots\":[{\"start\":0,\"end\":9,\"label\":\"device\"}]}\n",
        )
        .unwrap();
        let err = format!("{:#}", read_jsonl(&path).unwrap_err());
        assert!(err.contains("bad.jsonl:2"), "{err}");
        assert!(err.contains("outside the text"), "{err}");
        std::fs::write(&path, "{\"text\": 3}\n").unwrap();
        let err = format!("{:#}", read_jsonl(&path).unwrap_err());
        assert!(err.contains("bad.jsonl:1"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

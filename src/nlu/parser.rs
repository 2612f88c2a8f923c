//! The NLU front door: text in; intent, confidence, slots and embedding out.

use std::path::Path;

use crate::bio::{SlotSpan, decode_tags, decode_tags_crf, tags_to_spans};
use crate::labels::{Labels, LabelsError};
use crate::text::{Lang, Tokenizer, TokenizerOptions, Vocab, VocabError, detect_lang};

use super::manifest::{Manifest, ManifestError};
use super::network::{Network, NetworkError};

/// Errors from loading a model folder or parsing with it.
#[derive(Debug, thiserror::Error)]
pub enum NluError {
    /// The manifest is missing or broken.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The vocabulary is missing or broken.
    #[error(transparent)]
    Vocab(#[from] VocabError),
    /// The label file is missing or broken.
    #[error(transparent)]
    Labels(#[from] LabelsError),
    /// The network is missing, broken or failed.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// The files do not belong together.
    #[error("{0}")]
    Mismatch(String),
}

/// One slot the model found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The slot name.
    pub label: String,
    /// The text of the span, as typed.
    pub value: String,
    /// First character (code points).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// The understanding of one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    /// The language of the utterance.
    pub lang: Lang,
    /// The most likely intent.
    pub intent: String,
    /// Its softmax probability.
    pub confidence: f32,
    /// The slots, in text order.
    pub slots: Vec<Slot>,
    /// The sentence embedding (empty for text without tokens).
    pub embedding: Vec<f32>,
    /// Words of the line.
    pub n_words: usize,
    /// Words not in the vocabulary (unknown, or cut into pieces).
    pub n_unknown_words: usize,
}

/// A loaded model: network, tokeniser, labels and threshold.
#[derive(Debug)]
pub struct Nlu {
    network: Network,
    tokenizer: Tokenizer,
    labels: Labels,
    threshold: f32,
}

impl Nlu {
    /// Loads the model folder `dir` (its `model.toml` names the files).
    /// `onnx_override` replaces the manifest's model file (ONNX or NNEF).
    pub fn load(dir: &Path, onnx_override: Option<&Path>) -> Result<Self, NluError> {
        let manifest = Manifest::load(dir)?;
        let vocab = Vocab::load(&Manifest::resolve(dir, &manifest.vocab))?;
        let labels = Labels::load(&Manifest::resolve(dir, &manifest.labels))?;
        let onnx = onnx_override.map(Path::to_path_buf).unwrap_or_else(|| Manifest::resolve(dir, &manifest.model));
        let vocab_path = Manifest::resolve(dir, &manifest.vocab);
        if vocab.len() != manifest.vocab_size {
            return Err(NluError::Mismatch(format!(
                "{} has {} tokens, but the model was trained with {}",
                vocab_path.display(),
                vocab.len(),
                manifest.vocab_size
            )));
        }
        let network = Network::load(&onnx)?;
        // The largest token id must be accepted: a table smaller than the
        // vocabulary is found now, not on some later utterance.
        network.run(&[(vocab.len() - 1) as u32]).map_err(|e| {
            NluError::Mismatch(format!(
                "{} does not accept the vocabulary of {}: {e}",
                onnx.display(),
                vocab_path.display()
            ))
        })?;
        if network.n_intents() != labels.intents.len() || network.n_tags() != labels.n_tags() {
            return Err(NluError::Mismatch(format!(
                "{} scores {} intents and {} tags, but the labels have {} and {}",
                onnx.display(),
                network.n_intents(),
                network.n_tags(),
                labels.intents.len(),
                labels.n_tags()
            )));
        }
        let options = TokenizerOptions { remove_stop_words: manifest.remove_stop_words };
        Ok(Nlu { network, tokenizer: Tokenizer::new(vocab, options), labels, threshold: manifest.threshold })
    }

    /// The labels.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// The tokeniser.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The calibrated confidence threshold.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Understands one utterance. Text without tokens (empty, only spaces) is
    /// `out_of_scope` with confidence 0 when the label set has it.
    pub fn parse(&self, text: &str) -> Result<Parse, NluError> {
        let lang = detect_lang(text);
        let tokens = self.tokenizer.encode(text);
        if tokens.is_empty() {
            let intent =
                if self.labels.intent_id("out_of_scope").is_some() { "out_of_scope" } else { &self.labels.intents[0] };
            return Ok(Parse {
                lang,
                intent: intent.to_string(),
                confidence: 0.0,
                slots: vec![],
                embedding: vec![],
                n_words: 0,
                n_unknown_words: 0,
            });
        }
        let ids: Vec<u32> = tokens.iter().map(|t| t.id).collect();
        let raw = self.network.run(&ids)?;
        let (intent, confidence) = softmax_max(&raw.intent_logits);
        let tags = match self.network.transitions() {
            Some(scores) => decode_tags_crf(&raw.slot_logits, scores),
            None => decode_tags(&tokens, &raw.slot_logits),
        };
        let chars: Vec<char> = text.chars().collect();
        let slots = tags_to_spans(&tokens, &tags)
            .into_iter()
            .filter_map(|SlotSpan { slot, start, end }| {
                let (start, end) = trim_span(&chars, start, end)?;
                Some(Slot {
                    label: self.labels.slots[slot].clone(),
                    value: chars[start..end].iter().collect(),
                    start,
                    end,
                })
            })
            .collect();
        let vocab = self.tokenizer.vocab();
        let is_piece = |id: u32| vocab.token(id).is_some_and(|t| t.starts_with(crate::text::CONTINUATION));
        let n_words = ids.iter().filter(|&&id| !is_piece(id)).count();
        let n_unknown_words = (0..ids.len())
            .filter(|&i| !is_piece(ids[i]))
            .filter(|&i| ids[i] == vocab.unk_id() || ids.get(i + 1).is_some_and(|&next| is_piece(next)))
            .count();
        Ok(Parse {
            lang,
            intent: self.labels.intents[intent].clone(),
            confidence,
            slots,
            embedding: raw.embedding,
            n_words,
            n_unknown_words,
        })
    }
}

/// A span without the spaces and sentence punctuation the model may have
/// taken along at its edges ("movie time," of "when I say movie time, ..."):
/// no slot value starts or ends with them. `None` when nothing is left.
/// Apostrophes, hyphens and full stops stay: they belong to names and times
/// ("rock 'n' roll", "Jay-Z", "7 p.m.").
fn trim_span(chars: &[char], mut start: usize, mut end: usize) -> Option<(usize, usize)> {
    let edge = |c: char| c.is_whitespace() || ",;:!?\"“”，。；：！？、「」『』《》".contains(c);
    while start < end && edge(chars[start]) {
        start += 1;
    }
    while end > start && edge(chars[end - 1]) {
        end -= 1;
    }
    (start < end).then_some((start, end))
}

/// The index of the largest value and its softmax probability.
pub fn softmax_max(logits: &[f32]) -> (usize, f32) {
    let (best, max) =
        logits.iter().copied().enumerate().fold((0, f32::NEG_INFINITY), |b, (i, v)| if v > b.1 { (i, v) } else { b });
    let sum: f32 = logits.iter().map(|v| (v - max).exp()).sum();
    (best, if sum > 0.0 { 1.0 / sum } else { 0.0 })
}

#[cfg(test)]
mod tests {
    use super::trim_span;

    #[test]
    fn slot_spans_lose_edge_punctuation_but_not_their_own() {
        let trim = |text: &str| {
            let chars: Vec<char> = text.chars().collect();
            trim_span(&chars, 0, chars.len()).map(|(s, e)| chars[s..e].iter().collect::<String>())
        };
        assert_eq!(trim("movie time,").as_deref(), Some("movie time"));
        assert_eq!(trim("\"movie time\"").as_deref(), Some("movie time"));
        assert_eq!(trim("客厅，").as_deref(), Some("客厅"));
        assert_eq!(trim("7 p.m.").as_deref(), Some("7 p.m."));
        assert_eq!(trim("Jay-Z").as_deref(), Some("Jay-Z"));
        assert_eq!(trim(" , ").as_deref(), None);
    }
}

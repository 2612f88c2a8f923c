//! Batched prediction with the training framework (no dropout).

use candle_core::{D, Device};
use candle_nn::ops::softmax;
use hearth::bio::{SlotSpan, decode_tags, decode_tags_crf, tags_to_spans};
use hearth::text::Tokenizer;

use crate::data::Example;
use crate::model::{Batch, Model};

/// What the model says about one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Intent class.
    pub intent: usize,
    /// Softmax probability of that intent.
    pub confidence: f32,
    /// Decoded slot spans in characters of the original text.
    pub spans: Vec<SlotSpan>,
    /// The sentence embedding.
    pub embedding: Vec<f32>,
}

/// Predicts every example, in batches of `batch_size`.
pub fn predict(
    model: &Model,
    tokenizer: &Tokenizer,
    examples: &[Example],
    batch_size: usize,
) -> anyhow::Result<Vec<Prediction>> {
    let device = Device::Cpu;
    let mut out = Vec::with_capacity(examples.len());
    let crf = model.crf.as_ref().map(|c| c.tag_transitions()).transpose()?;
    for chunk in examples.chunks(batch_size.max(1)) {
        let tokens: Vec<_> = chunk.iter().map(|e| tokenizer.encode(&e.text)).collect();
        let ids: Vec<Vec<u32>> = tokens.iter().map(|t| t.iter().map(|t| t.id).collect()).collect();
        let rows: Vec<&[u32]> = ids.iter().map(|r| r.as_slice()).collect();
        let batch = Batch::new(&rows, &device)?;
        let output = model.forward(&batch, None)?;
        let probs = softmax(&output.intent_logits, D::Minus1)?.to_vec2::<f32>()?;
        let slot_logits: Vec<Vec<Vec<f32>>> = output.slot_logits.to_vec3::<f32>()?;
        let embeddings = output.embedding.to_vec2::<f32>()?;
        for (row, ((probs, logits), embedding)) in probs.iter().zip(&slot_logits).zip(embeddings).enumerate() {
            let (intent, confidence) = argmax(probs);
            let len = tokens[row].len();
            let tags = match &crf {
                Some(scores) => decode_tags_crf(&logits[..len], scores),
                None => decode_tags(&tokens[row], &logits[..len]),
            };
            let spans = tags_to_spans(&tokens[row], &tags);
            out.push(Prediction { intent, confidence, spans, embedding });
        }
    }
    Ok(out)
}

/// Index and value of the largest entry (the first on ties).
pub fn argmax(values: &[f32]) -> (usize, f32) {
    values
        .iter()
        .copied()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, v)| if v > best.1 { (i, v) } else { best })
}

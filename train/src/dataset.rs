//! Examples turned into model inputs: token ids, BIO tags, intent ids.

use anyhow::{Context, anyhow};
use hearth::bio::{SlotSpan, spans_to_tags, trim_span};
use hearth::labels::Labels;
use hearth::text::{Lang, Tokenizer, detect_lang};

use crate::data::Example;

/// One example ready for the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// Token ids.
    pub ids: Vec<u32>,
    /// One BIO tag per token.
    pub tags: Vec<u32>,
    /// Intent class.
    pub intent: u32,
    /// The language.
    pub lang: Lang,
    /// False for intent-only examples: their slots are not labelled.
    pub slots_known: bool,
}

/// The gold slot spans of an example, trimmed of white space, by slot id.
pub fn gold_spans(example: &Example, labels: &Labels) -> anyhow::Result<Vec<SlotSpan>> {
    let chars: Vec<char> = example.text.chars().collect();
    let mut spans = Vec::new();
    for span in &example.slots {
        let slot = labels.slot_id(&span.label).ok_or_else(|| anyhow!("unknown slot {:?}", span.label))?;
        spans.extend(trim_span(&chars, SlotSpan { slot, start: span.start, end: span.end }));
    }
    spans.sort();
    Ok(spans)
}

/// The language of an example: its `lang` field, else detected from the text.
pub fn example_lang(example: &Example) -> Lang {
    example.lang.as_deref().and_then(Lang::from_code).unwrap_or_else(|| detect_lang(&example.text))
}

/// Encodes one example. `force_split` as in [`Tokenizer::encode_with`].
pub fn encode(
    example: &Example,
    tokenizer: &Tokenizer,
    labels: &Labels,
    force_split: &mut dyn FnMut(&str) -> bool,
) -> anyhow::Result<Encoded> {
    let intent = labels.intent_id(&example.intent).ok_or_else(|| anyhow!("unknown intent {:?}", example.intent))?;
    let spans = gold_spans(example, labels)?;
    let tokens = tokenizer.encode_with(&example.text, force_split);
    let tags = spans_to_tags(&tokens, &spans);
    Ok(Encoded {
        ids: tokens.iter().map(|t| t.id).collect(),
        tags,
        intent: intent as u32,
        lang: example_lang(example),
        slots_known: true,
    })
}

/// Encodes all examples without forced splits; an error names the example.
pub fn encode_all(examples: &[Example], tokenizer: &Tokenizer, labels: &Labels) -> anyhow::Result<Vec<Encoded>> {
    examples
        .iter()
        .map(|e| encode(e, tokenizer, labels, &mut |_| false).with_context(|| format!("in {:?}", e.text)))
        .collect()
}

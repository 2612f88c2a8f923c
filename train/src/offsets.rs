//! The offset round trip: character spans -> token tags -> character spans.

use hearth::bio::{SlotSpan, spans_to_tags, tags_to_spans, trim_span};
use hearth::text::{Token, Tokenizer, TokenizerOptions, words};

use crate::data::Example;

/// Tokens of `text`: from the tokeniser when given, else one per pre-tokenised word.
pub fn tokens_of(text: &str, tokenizer: Option<&Tokenizer>) -> Vec<Token> {
    match tokenizer {
        Some(t) => t.encode(text),
        None => words(text, TokenizerOptions::default())
            .into_iter()
            .map(|w| Token { id: 0, start: w.start, end: w.end, word_start: true })
            .collect(),
    }
}

/// Checks that the example's spans survive tagging and decoding. The spans are
/// first trimmed of white space; the error lists the spans that came back different.
pub fn round_trip(example: &Example, tokenizer: Option<&Tokenizer>) -> Result<(), String> {
    let chars: Vec<char> = example.text.chars().collect();
    let mut labels: Vec<&str> = Vec::new();
    let mut spans = Vec::new();
    for span in &example.slots {
        let slot = labels.iter().position(|l| *l == span.label).unwrap_or_else(|| {
            labels.push(&span.label);
            labels.len() - 1
        });
        if let Some(trimmed) = trim_span(&chars, SlotSpan { slot, start: span.start, end: span.end }) {
            spans.push(trimmed);
        }
    }
    spans.sort_by_key(|s| (s.start, s.end));
    let tokens = tokens_of(&example.text, tokenizer);
    let decoded = tags_to_spans(&tokens, &spans_to_tags(&tokens, &spans));
    if decoded == spans {
        return Ok(());
    }
    let show = |spans: &[SlotSpan]| {
        spans
            .iter()
            .map(|s| format!("{}={:?}", labels[s.slot], chars[s.start..s.end].iter().collect::<String>()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(format!("{:?}: expected [{}], found [{}]", example.text, show(&spans), show(&decoded)))
}

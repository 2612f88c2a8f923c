//! BIO slot tags: character spans to token tags and back.
//!
//! Tag ids follow [`crate::labels::Labels`]: 0 is `O`, slot `s` has `B = 1 + 2s`
//! and `I = 2 + 2s`. Decoding works on whole words: the tag of a word is the
//! tag of its first token, so a slot never ends inside a word.

use crate::text::Token;

/// A labelled character span of the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlotSpan {
    /// Slot index into `Labels::slots`.
    pub slot: usize,
    /// First character (code points).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// The `B` tag of a slot.
pub fn begin_tag(slot: usize) -> u32 {
    1 + 2 * slot as u32
}

/// The `I` tag of a slot.
pub fn inside_tag(slot: usize) -> u32 {
    2 + 2 * slot as u32
}

/// The slot of a tag, `None` for `O`, and whether it is a `B` tag.
pub fn tag_slot(tag: u32) -> Option<(usize, bool)> {
    (tag > 0).then(|| (((tag - 1) / 2) as usize, tag % 2 == 1))
}

/// Tags `tokens` with `spans`: a token overlapping a span gets its slot, the
/// first such token `B`, the others `I`. Where spans overlap, the earlier span wins.
pub fn spans_to_tags(tokens: &[Token], spans: &[SlotSpan]) -> Vec<u32> {
    let mut tags = vec![0u32; tokens.len()];
    let mut sorted = spans.to_vec();
    sorted.sort();
    sorted.sort_by_key(|s| s.start);
    for span in sorted {
        let mut first = true;
        for (tag, token) in tags.iter_mut().zip(tokens) {
            if token.start < span.end && token.end > span.start && *tag == 0 {
                *tag = if first { begin_tag(span.slot) } else { inside_tag(span.slot) };
                first = false;
            }
        }
    }
    tags
}

/// Decodes tags into spans, repairing broken sequences: an `I` that does not
/// continue a span of its slot starts one, and a word's continuation pieces
/// follow the word's first piece whatever their own tags say.
pub fn tags_to_spans(tokens: &[Token], tags: &[u32]) -> Vec<SlotSpan> {
    let mut spans: Vec<SlotSpan> = Vec::new();
    let mut open: Option<SlotSpan> = None;
    let mut word_slot: Option<usize> = None;
    for (token, &tag) in tokens.iter().zip(tags) {
        if !token.word_start {
            if let (Some(span), Some(_)) = (open.as_mut(), word_slot) {
                span.end = token.end;
            }
            continue;
        }
        match tag_slot(tag) {
            None => {
                spans.extend(open.take());
                word_slot = None;
            }
            Some((slot, is_begin)) => {
                let continues = !is_begin && open.is_some_and(|s| s.slot == slot);
                if continues {
                    if let Some(span) = open.as_mut() {
                        span.end = token.end;
                    }
                } else {
                    spans.extend(open.take());
                    open = Some(SlotSpan { slot, start: token.start, end: token.end });
                }
                word_slot = Some(slot);
            }
        }
    }
    spans.extend(open);
    spans
}

/// Trims white space from both ends of a span of `chars`; `None` if nothing is left.
pub fn trim_span(chars: &[char], span: SlotSpan) -> Option<SlotSpan> {
    let mut start = span.start.min(chars.len());
    let mut end = span.end.min(chars.len());
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    (start < end).then_some(SlotSpan { start, end, ..span })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(start: usize, end: usize, word_start: bool) -> Token {
        Token { id: 0, start, end, word_start }
    }

    #[test]
    fn spans_round_trip_through_tags() {
        // "dim the living room to 20"
        let tokens = [
            token(0, 3, true),
            token(4, 7, true),
            token(8, 14, true),
            token(15, 19, true),
            token(20, 22, true),
            token(23, 25, true),
        ];
        let spans = [SlotSpan { slot: 1, start: 8, end: 19 }, SlotSpan { slot: 5, start: 23, end: 25 }];
        let tags = spans_to_tags(&tokens, &spans);
        assert_eq!(tags, [0, 0, 3, 4, 0, 11]);
        assert_eq!(tags_to_spans(&tokens, &tags), spans);
    }

    #[test]
    fn broken_sequences_are_repaired() {
        let tokens = [token(0, 3, true), token(4, 7, true), token(7, 9, false), token(10, 12, true)];
        // I without B starts a span; the continuation piece follows its word.
        let spans = tags_to_spans(&tokens, &[4, 0, 0, 0]);
        assert_eq!(spans, [SlotSpan { slot: 1, start: 0, end: 3 }]);
        let spans = tags_to_spans(&tokens, &[0, 3, 0, 0]);
        assert_eq!(spans, [SlotSpan { slot: 1, start: 4, end: 9 }]);
        let spans = tags_to_spans(&tokens, &[0, 3, 0, 3]);
        assert_eq!(spans, [SlotSpan { slot: 1, start: 4, end: 9 }, SlotSpan { slot: 1, start: 10, end: 12 }]);
        // B-x then I-y: a new span for y.
        let spans = tags_to_spans(&tokens, &[1, 4, 0, 0]);
        assert_eq!(spans, [SlotSpan { slot: 0, start: 0, end: 3 }, SlotSpan { slot: 1, start: 4, end: 9 }]);
    }
}

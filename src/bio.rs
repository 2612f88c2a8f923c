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

/// The best tag sequence for per-token slot logits under the BIO rules: an `I`
/// tag only continues a `B` or `I` of its own slot on the previous word.
///
/// Only word-start tokens are decoded (a word's continuation pieces follow its
/// first piece in [`tags_to_spans`]); continuation pieces get `O`. Each row of
/// `rows` holds the logits of one token over all tags (`O`, then `B`/`I` per
/// slot). The score of a path is the sum of the tokens' log-softmax values, so
/// where the plain arg-max is a valid sequence it is also the result. It is
/// [`decode_tags_crf`] over the word starts, with every allowed step scored 0.
pub fn decode_tags<R: AsRef<[f32]>>(tokens: &[Token], rows: &[R]) -> Vec<u32> {
    let n = tokens.len().min(rows.len());
    let words: Vec<usize> = (0..n).filter(|&i| tokens[i].word_start).collect();
    let emissions: Vec<Vec<f32>> = words.iter().map(|&i| log_softmax(rows[i].as_ref())).collect();
    // No learned scores: every allowed step scores 0, so only the rules count.
    let k = emissions.iter().map(Vec::len).min().unwrap_or(0);
    let rules_only = TagTransitions { from_to: vec![vec![0.0; k]; k], start: vec![0.0; k] };
    let mut tags = vec![0u32; n];
    for (&i, tag) in words.iter().zip(decode_tags_crf(&emissions, &rules_only)) {
        tags[i] = tag;
    }
    tags
}

/// `row - log(sum(exp(row)))`, computed stably.
fn log_softmax(row: &[f32]) -> Vec<f32> {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let log_sum = row.iter().map(|v| (v - max).exp()).sum::<f32>().ln() + max;
    row.iter().map(|v| v - log_sum).collect()
}

/// Whether tag `to` may follow tag `from` (`None`: `to` is the first tag).
/// `O` and `B` may follow anything; `I` of a slot only its own `B` or `I`.
pub fn may_follow(from: Option<u32>, to: u32) -> bool {
    match tag_slot(to) {
        Some((slot, false)) => from.is_some_and(|f| f == begin_tag(slot) || f == inside_tag(slot)),
        _ => true,
    }
}

/// A linear-chain CRF's learned tag scores, which a model with a CRF ships.
#[derive(Debug, Clone, PartialEq)]
pub struct TagTransitions {
    /// `from_to[a][b]`: the score of tag `b` right after tag `a`.
    pub from_to: Vec<Vec<f32>>,
    /// `start[b]`: the score of tag `b` as the first tag.
    pub start: Vec<f32>,
}

/// The best tag sequence for one utterance's slot logits (`rows`, one per
/// token, each over all tags) under a CRF's learned scores and the BIO rules
/// (see [`may_follow`]). Unlike [`decode_tags`], every token is decoded, as the
/// CRF was trained on every token; [`tags_to_spans`] still keeps a word's
/// pieces together. Tags past the shortest row or score are never chosen.
pub fn decode_tags_crf<R: AsRef<[f32]>>(rows: &[R], scores: &TagTransitions) -> Vec<u32> {
    let (transitions, start) = (&scores.from_to, &scores.start);
    // Only tags that every row and every score covers are considered.
    let k = rows
        .iter()
        .map(|r| r.as_ref().len())
        .chain(transitions.iter().map(Vec::len))
        .chain([start.len(), transitions.len()])
        .min()
        .unwrap_or(0);
    if rows.is_empty() || k == 0 {
        return vec![0; rows.len()];
    }
    let mut score: Vec<f32> = (0..k)
        .map(|tag| if may_follow(None, tag as u32) { start[tag] + rows[0].as_ref()[tag] } else { f32::NEG_INFINITY })
        .collect();
    let mut back: Vec<Vec<u32>> = Vec::with_capacity(rows.len());
    for row in &rows[1..] {
        let row = row.as_ref();
        let mut next = vec![f32::NEG_INFINITY; k];
        let mut from = vec![0u32; k];
        for to in 0..k {
            for (prev, &prev_score) in score.iter().enumerate() {
                if !may_follow(Some(prev as u32), to as u32) {
                    continue;
                }
                let candidate = prev_score + transitions[prev][to];
                if candidate > next[to] {
                    next[to] = candidate;
                    from[to] = prev as u32;
                }
            }
            next[to] += row[to];
        }
        score = next;
        back.push(from);
    }
    let mut best = score
        .iter()
        .enumerate()
        .fold((0u32, f32::NEG_INFINITY), |b, (t, &v)| if v > b.1 { (t as u32, v) } else { b })
        .0;
    let mut tags = vec![best; rows.len()];
    for (step, from) in back.iter().enumerate().rev() {
        best = from[best as usize];
        tags[step] = best;
    }
    tags
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
    fn decoding_keeps_a_valid_arg_max() {
        let tokens = [token(0, 3, true), token(4, 7, true), token(8, 11, true)];
        // O, B-slot0, I-slot0: already valid.
        let rows = [vec![2.0, 0.0, 0.0], vec![0.0, 3.0, 1.0], vec![0.0, 1.0, 3.0]];
        assert_eq!(decode_tags(&tokens, &rows), vec![0, 1, 2]);
    }

    #[test]
    fn decoding_never_starts_a_span_with_inside() {
        let tokens = [token(0, 3, true), token(4, 7, true)];
        // The arg-max would be O, I-slot0; B-slot0 is close behind.
        let rows = [vec![2.0, 0.0, 0.0], vec![0.0, 2.5, 3.0]];
        assert_eq!(decode_tags(&tokens, &rows), vec![0, 1]);
        // At the start, I is not allowed either.
        let rows = [vec![0.0, 1.0, 3.0], vec![3.0, 0.0, 0.0]];
        assert_eq!(decode_tags(&tokens, &rows), vec![1, 0]);
    }

    #[test]
    fn decoding_continues_only_its_own_slot_and_skips_pieces() {
        // Tags: O, B-0, I-0, B-1, I-1. Word 2 prefers I-1 after B-0, which is not allowed.
        let tokens = [token(0, 3, true), token(3, 5, false), token(6, 9, true)];
        let rows = [vec![0.0, 3.0, 0.0, 2.9, 0.0], vec![9.0, 0.0, 0.0, 0.0, 0.0], vec![0.0, 0.0, 1.0, 0.0, 3.0]];
        assert_eq!(decode_tags(&tokens, &rows), vec![3, 0, 4]);
        assert!(decode_tags(&tokens, &Vec::<Vec<f32>>::new()).is_empty());
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

    #[test]
    fn viterbi_follows_transitions_and_the_bio_rules() {
        // Tags: O, B-a, I-a. I-a has the best emission at the start, which the
        // rules forbid; a strong B-a -> I-a transition then carries the path.
        let rows = vec![vec![0.0, 1.0, 2.0], vec![1.0, 0.0, 0.5]];
        let mut scores = TagTransitions { from_to: vec![vec![0.0; 3]; 3], start: vec![0.0; 3] };
        assert_eq!(decode_tags_crf(&rows, &scores), vec![1, 0]);
        scores.from_to[1][2] = 1.0;
        assert_eq!(decode_tags_crf(&rows, &scores), vec![1, 2]);
        assert!(decode_tags_crf::<Vec<f32>>(&[], &scores).is_empty());
        // A short row limits the choice instead of panicking.
        assert_eq!(decode_tags_crf(&[vec![0.0, 1.0]], &scores), vec![1]);
    }
}

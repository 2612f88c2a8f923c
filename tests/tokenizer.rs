//! Properties of the tokeniser on arbitrary and hostile input.

use hearth::bio::{SlotSpan, spans_to_tags, tags_to_spans};
use hearth::text::{Tokenizer, TokenizerOptions, Vocab, words};
use proptest::prelude::*;

fn tokenizer() -> Tokenizer {
    let tokens =
        ["turn", "on", "the", "lamp", "light", "##s", "##e", "s", "l", "##a", "##m", "##p", "客", "厅", "灯", "%"];
    Tokenizer::new(Vocab::new(tokens.iter().map(|t| t.to_string())), TokenizerOptions::default())
}

/// Token ranges are in order, inside the text, non-empty, and cover every
/// character that is not a space. Tokens cut from one original character
/// cluster (`½` is `1`, `⁄`, `2` after NFKC) share that cluster's range, so
/// ranges may repeat but never go backwards.
fn check_offsets(text: &str) -> Result<(), TestCaseError> {
    let n_chars = text.chars().count();
    let tokens = tokenizer().encode(text);
    let mut last = (0, 0);
    for token in &tokens {
        prop_assert!(token.start < token.end, "{token:?} is empty");
        prop_assert!(token.end <= n_chars, "{token:?} past {n_chars}");
        prop_assert!(token.start >= last.0 && token.end >= last.1, "{token:?} goes back before {last:?}");
        last = (token.start, token.end);
    }
    for (i, c) in text.chars().enumerate() {
        let blank =
            c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}');
        let covered = tokens.iter().any(|t| t.start <= i && i < t.end);
        prop_assert!(blank || covered || is_dropped_by_nfkc(c), "char {i} {c:?} of {text:?} not covered");
    }
    Ok(())
}

/// Characters whose NFKC form is empty or only spaces.
fn is_dropped_by_nfkc(c: char) -> bool {
    hearth::text::normalize(&c.to_string()).chars.iter().all(|c| *c == ' ')
}

proptest! {
    #[test]
    fn never_panics_and_offsets_hold(text in "\\PC{0,60}") {
        check_offsets(&text)?;
    }

    #[test]
    fn mixed_scripts_and_controls(text in "[a-zA-Z0-9 客厅灯%,.'’\\-\u{0}-\u{1f}\u{301}\u{FF10}-\u{FF5A}\u{3000}🙂]{0,80}") {
        check_offsets(&text)?;
    }

    #[test]
    fn word_aligned_spans_round_trip(n_words in 1usize..12, picks in proptest::collection::vec(0usize..12, 0..4)) {
        let vocab_words = ["turn", "on", "the", "lamps", "客厅", "spaceship", "50%", "kid's"];
        let text: Vec<&str> = (0..n_words).map(|i| vocab_words[(i * 7 + 3) % vocab_words.len()]).collect();
        let text = text.join(" ");
        let word_list = words(&text, TokenizerOptions::default());
        let mut spans: Vec<SlotSpan> = picks
            .iter()
            .filter(|&&p| p < word_list.len())
            .map(|&p| SlotSpan { slot: p % 3, start: word_list[p].start, end: word_list[p].end })
            .collect();
        spans.sort_by_key(|s| s.start);
        spans.dedup_by_key(|s| s.start);
        // Adjacent spans of one slot would merge; keep them apart.
        spans.dedup_by(|b, a| a.slot == b.slot && a.end + 1 >= b.start);
        let tokens = tokenizer().encode(&text);
        let decoded = tags_to_spans(&tokens, &spans_to_tags(&tokens, &spans));
        prop_assert_eq!(decoded, spans);
    }
}

#[test]
fn hostile_lines() {
    let t = tokenizer();
    assert!(t.encode("").is_empty());
    assert!(t.encode("   \t\r\n").is_empty());
    let long = "turn on the lamp ".repeat(600);
    assert_eq!(t.encode(&long).len(), 4 * 600);
    let lossy = String::from_utf8_lossy(&[b't', b'u', 0xff, 0xfe, b'r', b'n', 0xc3]);
    let tokens = t.encode(&lossy);
    assert!(!tokens.is_empty());
    let emoji = t.encode("🙂🙂 turn 👍🏽 on");
    assert_eq!(emoji.len(), 6);
}

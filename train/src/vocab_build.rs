//! Building the vocabulary from training text.

use std::collections::HashMap;

use hearth::text::{CONTINUATION, PieceKind, TokenizerOptions, Vocab, words};

/// Limits of a vocabulary build.
#[derive(Debug, Clone, Copy)]
pub struct VocabConfig {
    /// Most whole words (Latin script) kept, most frequent first.
    pub max_words: usize,
    /// A word must occur this often to be kept whole.
    pub min_count: usize,
    /// Most word pieces (prefixes and `##` suffixes of 2-4 letters) kept.
    pub max_pieces: usize,
    /// Most CJK characters kept.
    pub max_cjk: usize,
}

impl Default for VocabConfig {
    fn default() -> Self {
        VocabConfig { max_words: 3000, min_count: 2, max_pieces: 600, max_cjk: 2000 }
    }
}

/// Builds a vocabulary from texts: special tokens; every single Latin letter as
/// a word start and as a `##` continuation (so no word is ever all `<unk>`);
/// the commonest pieces; the commonest whole words; the commonest CJK
/// characters and symbols. Ties break alphabetically, so the result is
/// deterministic.
pub fn build_vocab<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    config: VocabConfig,
    options: TokenizerOptions,
) -> Vocab {
    let mut word_counts: HashMap<String, usize> = HashMap::new();
    let mut cjk_counts: HashMap<String, usize> = HashMap::new();
    for text in texts {
        for word in words(text, options) {
            match word.kind {
                PieceKind::Word => *word_counts.entry(word.text).or_default() += 1,
                PieceKind::Cjk | PieceKind::Symbol => *cjk_counts.entry(word.text).or_default() += 1,
                PieceKind::Number => {}
            }
        }
    }
    let mut piece_counts: HashMap<String, usize> = HashMap::new();
    let mut letters: Vec<char> = ('a'..='z').collect();
    for (word, count) in &word_counts {
        let chars: Vec<char> = word.chars().collect();
        for &c in &chars {
            if !letters.contains(&c) {
                letters.push(c);
            }
        }
        for len in 2..=4.min(chars.len().saturating_sub(1)) {
            let prefix: String = chars[..len].iter().collect();
            *piece_counts.entry(prefix).or_default() += count;
            for start in 1..=chars.len() - len {
                let piece: String = chars[start..start + len].iter().collect();
                *piece_counts.entry(format!("{CONTINUATION}{piece}")).or_default() += count;
            }
        }
    }
    letters.sort_unstable();
    let mut tokens: Vec<String> = Vec::new();
    for c in &letters {
        tokens.push(c.to_string());
        tokens.push(format!("{CONTINUATION}{c}"));
    }
    tokens.extend(top(piece_counts, config.max_pieces, 1));
    tokens.extend(top(word_counts, config.max_words, config.min_count));
    tokens.extend(top(cjk_counts, config.max_cjk, 1));
    Vocab::new(tokens)
}

/// The `n` most frequent keys with at least `min_count`, frequency then key order.
fn top(counts: HashMap<String, usize>, n: usize, min_count: usize) -> Vec<String> {
    let mut entries: Vec<(String, usize)> = counts.into_iter().filter(|(_, c)| *c >= min_count).collect();
    entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    entries.into_iter().take(n).map(|(k, _)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth::text::Tokenizer;

    #[test]
    fn builds_a_deterministic_vocabulary_with_fallbacks() {
        let texts = ["turn on the lamp", "turn off the lamp", "打开客厅的灯", "打开卧室的灯"];
        let vocab = build_vocab(texts, VocabConfig::default(), TokenizerOptions::default());
        let again = build_vocab(texts, VocabConfig::default(), TokenizerOptions::default());
        assert_eq!(vocab, again);
        assert!(vocab.id("turn").is_some() && vocab.id("灯").is_some());
        assert!(vocab.id("on").is_none(), "a word seen once is not kept whole");
        let tokenizer = Tokenizer::new(vocab, TokenizerOptions::default());
        let tokens = tokenizer.encode("zebra");
        assert!(tokens.iter().all(|t| t.id != tokenizer.vocab().unk_id()));
    }
}

//! The tokeniser shared by training and inference.

use super::normalize::{Normalized, normalize};
use super::pretokenize::{Piece, PieceKind, pretokenize};
use super::stopwords::is_stop_word;
use super::vocab::{CONTINUATION, NUMBER_SHAPES, Vocab};

/// Tokeniser options. The defaults are the ones the shipped model was trained with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenizerOptions {
    /// Drop English stop words and Chinese particles before the model sees them.
    pub remove_stop_words: bool,
}

/// One model input token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Vocabulary id.
    pub id: u32,
    /// First character in the original text (code points).
    pub start: usize,
    /// One past the last character in the original text (code points).
    pub end: usize,
    /// True for the first token of a word (always true outside split words).
    pub word_start: bool,
}

/// Tokenises text into vocabulary ids with offsets into the original text.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    vocab: Vocab,
    options: TokenizerOptions,
}

/// A pre-tokenised piece of text, before vocabulary look-up: what training
/// counts to build a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The kind of piece.
    pub kind: PieceKind,
    /// The normalised text of the piece.
    pub text: String,
    /// First original character.
    pub start: usize,
    /// One past the last original character.
    pub end: usize,
}

/// Normalises and pre-tokenises `text` into words, numbers, CJK characters and
/// symbols, with original offsets. Never panics.
pub fn words(text: &str, options: TokenizerOptions) -> Vec<Word> {
    let normalized = normalize(text);
    pretokenize(&normalized.chars)
        .into_iter()
        .map(|piece| to_word(&normalized, piece))
        .filter(|word| !(options.remove_stop_words && is_stop_word(&word.text)))
        .collect()
}

fn to_word(normalized: &Normalized, piece: Piece) -> Word {
    Word {
        kind: piece.kind,
        text: normalized.chars[piece.start..piece.end].iter().collect(),
        start: normalized.origin[piece.start].0,
        end: normalized.origin[piece.end - 1].1,
    }
}

/// The shape token that stands for a number written in digits.
pub fn number_shape(digits: &str) -> &'static str {
    if digits.contains(':') {
        NUMBER_SHAPES[5]
    } else if digits.contains(['.', ',']) {
        NUMBER_SHAPES[4]
    } else {
        NUMBER_SHAPES[digits.len().clamp(1, 4) - 1]
    }
}

impl Tokenizer {
    /// A tokeniser over `vocab`.
    pub fn new(vocab: Vocab, options: TokenizerOptions) -> Self {
        Tokenizer { vocab, options }
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    /// The options.
    pub fn options(&self) -> TokenizerOptions {
        self.options
    }

    /// Tokenises `text`. Words in the vocabulary are one token; other words are
    /// split into the longest vocabulary pieces (`##` marks a continuation), and
    /// a character no piece covers becomes `<unk>`. Never panics.
    pub fn encode(&self, text: &str) -> Vec<Token> {
        self.encode_with(text, &mut |_| false)
    }

    /// Like [`Tokenizer::encode`], but a word for which `force_split` answers true
    /// is split into pieces even when it is in the vocabulary (training uses this
    /// so that the model learns the pieces unseen words fall back to).
    pub fn encode_with(&self, text: &str, force_split: &mut dyn FnMut(&str) -> bool) -> Vec<Token> {
        let mut tokens = Vec::new();
        let normalized = normalize(text);
        for piece in pretokenize(&normalized.chars) {
            let word = to_word(&normalized, piece);
            if self.options.remove_stop_words && is_stop_word(&word.text) {
                continue;
            }
            match piece.kind {
                PieceKind::Number => tokens.push(self.whole(&word, number_shape(&word.text))),
                PieceKind::Word => {
                    let whole = self.vocab.id(&word.text);
                    match whole {
                        Some(id) if !force_split(&word.text) => {
                            tokens.push(Token { id, start: word.start, end: word.end, word_start: true })
                        }
                        Some(_) => self.split_word(&normalized, piece, true, &mut tokens),
                        None => self.split_word(&normalized, piece, false, &mut tokens),
                    }
                }
                PieceKind::Cjk | PieceKind::Symbol => tokens.push(self.whole(&word, &word.text)),
            }
        }
        tokens
    }

    fn whole(&self, word: &Word, token: &str) -> Token {
        let id = self.vocab.id(token).unwrap_or(self.vocab.unk_id());
        Token { id, start: word.start, end: word.end, word_start: true }
    }

    /// Greedy longest-match word pieces, as WordPiece does; `not_whole` keeps
    /// the whole word from matching itself.
    fn split_word(&self, normalized: &Normalized, piece: Piece, not_whole: bool, tokens: &mut Vec<Token>) {
        let chars = &normalized.chars[piece.start..piece.end];
        let mut pos = 0;
        let mut candidate = String::new();
        while pos < chars.len() {
            let mut found = None;
            for end in (pos + 1..=chars.len()).rev() {
                if not_whole && pos == 0 && end == chars.len() && end > 1 {
                    continue;
                }
                candidate.clear();
                if pos > 0 {
                    candidate.push_str(CONTINUATION);
                }
                candidate.extend(&chars[pos..end]);
                if let Some(id) = self.vocab.id(&candidate) {
                    found = Some((id, end));
                    break;
                }
            }
            let (id, end) = found.unwrap_or((self.vocab.unk_id(), pos + 1));
            let start = normalized.origin[piece.start + pos].0;
            let stop = normalized.origin[piece.start + end - 1].1;
            // Pieces of one original character (an expanded ligature) share its range.
            tokens.push(Token { id, start, end: stop.max(start), word_start: pos == 0 });
            pos = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokenizer(words: &[&str]) -> Tokenizer {
        Tokenizer::new(Vocab::new(words.iter().map(|w| w.to_string())), TokenizerOptions::default())
    }

    fn pieces(t: &Tokenizer, text: &str) -> Vec<String> {
        t.encode(text).iter().map(|tok| t.vocab().token(tok.id).unwrap().to_string()).collect()
    }

    #[test]
    fn known_words_numbers_and_cjk() {
        let t = tokenizer(&["turn", "on", "the", "lamp", "%", "灯", "开"]);
        assert_eq!(pieces(&t, "Turn ON the lamp 50%"), ["turn", "on", "the", "lamp", "<num2>", "%"]);
        assert_eq!(pieces(&t, "开灯 7:30 21.5"), ["开", "灯", "<clock>", "<dec>"]);
        assert_eq!(pieces(&t, "关"), ["<unk>"]);
    }

    #[test]
    fn unknown_words_fall_back_to_pieces() {
        let t = tokenizer(&["space", "s", "##ship", "##s", "##h", "##i", "##p"]);
        assert_eq!(pieces(&t, "spaceship"), ["space", "##ship"]);
        assert_eq!(pieces(&t, "ships"), ["s", "##h", "##i", "##p", "##s"]);
        let tokens = t.encode("a spaceship");
        assert_eq!((tokens[1].start, tokens[1].end, tokens[1].word_start), (2, 7, true));
        assert_eq!((tokens[2].start, tokens[2].end, tokens[2].word_start), (7, 11, false));
    }

    #[test]
    fn forced_split_uses_pieces() {
        let t = tokenizer(&["lamp", "la", "##mp"]);
        let tokens = t.encode_with("lamp", &mut |_| true);
        assert_eq!(tokens.len(), 2);
    }

    #[test]
    fn stop_words_can_be_removed() {
        let vocab = Vocab::new(["turn", "on", "the", "lamp", "把", "灯", "开"].iter().map(|w| w.to_string()));
        let t = Tokenizer::new(vocab, TokenizerOptions { remove_stop_words: true });
        assert_eq!(pieces(&t, "turn on the lamp"), ["turn", "on", "lamp"]);
        assert_eq!(pieces(&t, "把灯打开吧"), ["灯", "<unk>", "开"]);
    }
}

//! Text processing shared by training and inference: normalisation,
//! tokenisation, vocabulary and language detection.
//!
//! Architecture invariant: the trainer and the runtime call exactly this code,
//! so a model always sees the same tokens for the same text.

mod normalize;
mod pretokenize;
mod stopwords;
mod tokenizer;
mod vocab;

pub use normalize::{Normalized, normalize};
pub use pretokenize::{Piece, PieceKind, is_cjk, is_han, pretokenize};
pub use stopwords::is_stop_word;
pub use tokenizer::{Token, Tokenizer, TokenizerOptions, Word, number_shape, words};
pub use vocab::{CONTINUATION, NUMBER_SHAPES, PAD, UNK, Vocab, VocabError};

/// The languages hearth speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Chinese (Mandarin, simplified or traditional characters).
    Zh,
}

impl Lang {
    /// Both languages, in a fixed order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The short code: `en` or `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Parses `en` or `zh`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Guesses the language of an utterance: Chinese when Han characters weigh at
/// least as much as Latin words (each Latin word counts twice), otherwise English.
/// Text with neither (empty, digits, emoji) is English.
pub fn detect_lang(text: &str) -> Lang {
    let mut han = 0usize;
    let mut latin_words = 0usize;
    let mut in_word = false;
    for c in text.chars() {
        if is_han(c) {
            han += 1;
            in_word = false;
        } else if c.is_ascii_alphabetic() {
            if !in_word {
                latin_words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    if han > 0 && han >= 2 * latin_words { Lang::Zh } else { Lang::En }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_language() {
        assert_eq!(detect_lang("turn on the lamp"), Lang::En);
        assert_eq!(detect_lang("把客厅的灯调暗一点"), Lang::Zh);
        assert_eq!(detect_lang("打开luna"), Lang::Zh);
        assert_eq!(detect_lang("turn on 小白"), Lang::En);
        assert_eq!(detect_lang(""), Lang::En);
        assert_eq!(detect_lang("🙂 42"), Lang::En);
    }
}

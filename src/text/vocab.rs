//! The token vocabulary: one token per line of `vocab.txt`, the line number is the id.

use std::collections::HashMap;
use std::path::Path;

/// Padding; id 0. Never produced by the tokeniser.
pub const PAD: &str = "<pad>";
/// A character that no vocabulary entry covers; id 1.
pub const UNK: &str = "<unk>";
/// Number shapes: numbers are tokens of their shape, so any number can be tagged.
pub const NUMBER_SHAPES: [&str; 6] = ["<num1>", "<num2>", "<num3>", "<num4>", "<dec>", "<clock>"];
/// Prefix of a word piece that continues a word.
pub const CONTINUATION: &str = "##";

/// Errors from reading or building a vocabulary.
#[derive(Debug, thiserror::Error)]
pub enum VocabError {
    /// The file could not be read.
    #[error("cannot read vocabulary {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A token appears twice.
    #[error("{path}:{line}: token {token:?} appears twice")]
    Duplicate {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// The repeated token.
        token: String,
    },
    /// The special tokens are not where they must be.
    #[error("{path}: line {line} must be {expected:?}, found {found:?}")]
    MissingSpecial {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// The special token that belongs there.
        expected: &'static str,
        /// What the file has.
        found: String,
    },
    /// A token is empty or holds a space or line break.
    #[error("{path}:{line}: token {token:?} is empty or contains white space")]
    BadToken {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// The offending token.
        token: String,
    },
}

/// A vocabulary: special tokens first (`<pad>`, `<unk>`, the number shapes),
/// then words, word-initial pieces and `##` continuation pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocab {
    tokens: Vec<String>,
    index: HashMap<String, u32>,
}

impl Vocab {
    /// The special tokens every vocabulary starts with, in id order.
    pub fn specials() -> impl Iterator<Item = &'static str> {
        [PAD, UNK].into_iter().chain(NUMBER_SHAPES)
    }

    /// Builds a vocabulary from the special tokens followed by `tokens`
    /// (duplicates and specials among `tokens` are skipped).
    pub fn new<I: IntoIterator<Item = String>>(tokens: I) -> Self {
        let mut vocab = Vocab { tokens: Vec::new(), index: HashMap::new() };
        for special in Self::specials() {
            vocab.push(special.to_string());
        }
        for token in tokens {
            vocab.push(token);
        }
        vocab
    }

    fn push(&mut self, token: String) {
        if token.is_empty() || token.chars().any(char::is_whitespace) || self.index.contains_key(&token) {
            return;
        }
        self.index.insert(token.clone(), self.tokens.len() as u32);
        self.tokens.push(token);
    }

    /// Parses the text of a vocabulary file; `path` only names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, VocabError> {
        let mut vocab = Vocab { tokens: Vec::new(), index: HashMap::new() };
        let specials: Vec<&'static str> = Self::specials().collect();
        for (line_idx, token) in text.lines().enumerate() {
            let line = line_idx + 1;
            if let Some(&expected) = specials.get(line_idx)
                && token != expected
            {
                return Err(VocabError::MissingSpecial { path: path.into(), line, expected, found: token.into() });
            }
            if token.is_empty() || token.chars().any(char::is_whitespace) {
                return Err(VocabError::BadToken { path: path.into(), line, token: token.into() });
            }
            if vocab.index.contains_key(token) {
                return Err(VocabError::Duplicate { path: path.into(), line, token: token.into() });
            }
            vocab.push(token.to_string());
        }
        if vocab.tokens.len() < specials.len() {
            let line = vocab.tokens.len() + 1;
            return Err(VocabError::MissingSpecial {
                path: path.into(),
                line,
                expected: specials[vocab.tokens.len()],
                found: String::new(),
            });
        }
        Ok(vocab)
    }

    /// Reads a vocabulary file.
    pub fn load(path: &Path) -> Result<Self, VocabError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| VocabError::Read { path: shown.clone(), source })?;
        Self::parse(&text, &shown)
    }

    /// The file form: one token per line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for token in &self.tokens {
            out.push_str(token);
            out.push('\n');
        }
        out
    }

    /// The id of `token`, if it is in the vocabulary.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.index.get(token).copied()
    }

    /// The token of `id`.
    pub fn token(&self, id: u32) -> Option<&str> {
        self.tokens.get(id as usize).map(String::as_str)
    }

    /// The id of [`UNK`].
    pub fn unk_id(&self) -> u32 {
        1
    }

    /// Number of tokens, the model's embedding rows.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True if only the special tokens are present.
    pub fn is_empty(&self) -> bool {
        self.tokens.len() <= Self::specials().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        let vocab = Vocab::new(["turn".to_string(), "##s".to_string(), "灯".to_string()]);
        let again = Vocab::parse(&vocab.to_text(), "v").unwrap();
        assert_eq!(vocab, again);
        assert_eq!(again.id("turn"), Some(8));
        assert_eq!(again.token(1), Some(UNK));
    }

    #[test]
    fn rejects_bad_files_with_line_numbers() {
        let err = Vocab::parse("hello\n", "v.txt").unwrap_err().to_string();
        assert!(err.contains("v.txt: line 1"), "{err}");
        let good = Vocab::new([]).to_text();
        let err = Vocab::parse(&format!("{good}a\na\n"), "v.txt").unwrap_err().to_string();
        assert!(err.contains("v.txt:10"), "{err}");
        let err = Vocab::parse("<pad>\n<unk>\n", "v.txt").unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
    }
}

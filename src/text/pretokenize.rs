//! Cutting normalised text into pieces: words, numbers, CJK characters, symbols.

/// What kind of text a [`Piece`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PieceKind {
    /// A run of letters (Latin, Cyrillic, ...), with inner apostrophes or hyphens.
    Word,
    /// A run of digits, with inner `.`, `,` or `:` between digits (`21.5`, `7:30`).
    Number,
    /// One Han, kana or Hangul character.
    Cjk,
    /// One character of anything else that is not a space (punctuation, emoji).
    Symbol,
}

/// A piece of normalised text: `chars[start..end]` of a [`super::Normalized`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// The kind of text.
    pub kind: PieceKind,
    /// First normalised character.
    pub start: usize,
    /// One past the last normalised character.
    pub end: usize,
}

/// True for characters that are tokenised one at a time (Han, kana, Hangul).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}' // Hangul syllables
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}')
}

/// True for Han ideographs only (used to tell Chinese from other text).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() && !is_cjk(c)
}

/// Numerals other than ASCII digits (Roman numerals, other scripts' digits).
fn is_other_numeral(c: char) -> bool {
    c.is_numeric() && !c.is_ascii_digit() && !is_cjk(c)
}

/// Splits `chars` into pieces, skipping spaces. Pieces are in order and never
/// overlap; every non-space character belongs to exactly one piece.
pub fn pretokenize(chars: &[char]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let kind = if c == ' ' {
            i += 1;
            continue;
        } else if is_cjk(c) {
            i += 1;
            PieceKind::Cjk
        } else if c.is_ascii_digit() {
            i = scan_number(chars, i);
            PieceKind::Number
        } else if is_word_char(c) || is_other_numeral(c) {
            i = scan_word(chars, i);
            if let Some(clitic) = possessive_start(&chars[start..i]) {
                pieces.push(Piece { kind: PieceKind::Word, start, end: start + clitic });
                pieces.push(Piece { kind: PieceKind::Word, start: start + clitic, end: i });
                continue;
            }
            PieceKind::Word
        } else {
            i += 1;
            PieceKind::Symbol
        };
        pieces.push(Piece { kind, start, end: i });
    }
    pieces
}

/// Digits, allowing single `.`, `,` or `:` separators between digits.
fn scan_number(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        let separator = matches!(chars[i], '.' | ',' | ':')
            && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())
            && i > 0
            && chars[i - 1].is_ascii_digit();
        if !(chars[i].is_ascii_digit() || separator) {
            break;
        }
        i += 1;
    }
    i
}

/// Letters (and non-ASCII numerals such as Roman numerals), allowing a single
/// apostrophe or hyphen between letters (`kid's`, `to-do`).
fn scan_word(chars: &[char], mut i: usize) -> usize {
    let letter = |c: char| is_word_char(c) || is_other_numeral(c);
    while i < chars.len() {
        let joiner = matches!(chars[i], '\'' | '’' | '-') && chars.get(i + 1).is_some_and(|&c| letter(c));
        if !(letter(chars[i]) || is_mark(chars[i]) || joiner) {
            break;
        }
        i += 1;
    }
    i
}

/// Where a possessive `'s` starts in a word (`chambers's` -> 8), so that
/// `'s` is a token of its own and a name ends before it.
fn possessive_start(word: &[char]) -> Option<usize> {
    let n = word.len();
    (n > 2 && word[n - 1] == 's' && matches!(word[n - 2], '\'' | '’')).then(|| n - 2)
}

/// Combining marks that survive NFKC stay inside their word.
fn is_mark(c: char) -> bool {
    unicode_normalization::char::canonical_combining_class(c) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[&str]) {
        let chars: Vec<char> = text.chars().collect();
        let got: Vec<String> = pretokenize(&chars).iter().map(|p| chars[p.start..p.end].iter().collect()).collect();
        assert_eq!(got, expect, "{text:?}");
    }

    #[test]
    fn english() {
        check("turn on the kid's lamp, please!", &["turn", "on", "the", "kid", "'s", "lamp", ",", "please", "!"]);
        check("it's don't", &["it", "'s", "don't"]);
        check("set it to 50% at 7:30pm", &["set", "it", "to", "50", "%", "at", "7:30", "pm"]);
        check("21.5 degrees. ok", &["21.5", "degrees", ".", "ok"]);
        check("my to-do list", &["my", "to-do", "list"]);
        check("'quoted' -dash", &["'", "quoted", "'", "-", "dash"]);
    }

    #[test]
    fn chinese_and_mixed() {
        check("把客厅的灯调到50%", &["把", "客", "厅", "的", "灯", "调", "到", "50", "%"]);
        check("打开luna吧", &["打", "开", "luna", "吧"]);
        check("ok 🙂 好", &["ok", "🙂", "好"]);
    }
}

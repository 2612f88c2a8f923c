//! Unicode normalisation with a map back to the original text.
//!
//! The model sees NFKC-normalised, lower-cased text; slot spans must still point
//! into what the person typed. [`normalize`] therefore works cluster by cluster
//! (a base character plus the combining marks after it) and records, for every
//! normalised character, the range of original characters it came from.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Text after normalisation, with the origin of every character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised characters.
    pub chars: Vec<char>,
    /// For each entry of `chars`, the original character range `(start, end)`
    /// it came from, in code points, `end` exclusive. Ranges never decrease.
    pub origin: Vec<(usize, usize)>,
}

/// Normalises `text`: NFKC (which also folds full-width forms to half-width),
/// lower case, and control characters turned into spaces.
///
/// Never fails and never panics, whatever the input.
pub fn normalize(text: &str) -> Normalized {
    let original: Vec<char> = text.chars().collect();
    let mut chars = Vec::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len());
    let mut cluster = String::new();
    let mut start = 0;
    while start < original.len() {
        let mut end = start + 1;
        while end < original.len() && canonical_combining_class(original[end]) != 0 {
            end += 1;
        }
        cluster.clear();
        cluster.extend(original[start..end].iter());
        for c in cluster.nfkc() {
            for lower in fold_char(c) {
                chars.push(lower);
                origin.push((start, end));
            }
        }
        start = end;
    }
    Normalized { chars, origin }
}

/// Lower-cases one NFKC character and maps control and odd space characters to
/// a plain space.
fn fold_char(c: char) -> impl Iterator<Item = char> {
    let replaced = if c.is_control() || c.is_whitespace() || is_invisible(c) { ' ' } else { c };
    replaced.to_lowercase()
}

/// Format characters that carry no text (zero-width space and joiners, BOM).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let n = normalize(input);
        assert_eq!(n.chars.iter().collect::<String>(), expect);
        assert_eq!(n.chars.len(), n.origin.len());
    }

    #[test]
    fn folds_width_case_and_controls() {
        check("Turn ON", "turn on");
        check("ＡＢＣ１２３", "abc123");
        check("５０％", "50%");
        check("客厅　灯", "客厅 灯");
        check("a\tb\u{0}c", "a b c");
        check("ﬁre", "fire");
        check("22℃", "22°c");
    }

    #[test]
    fn combining_marks_stay_with_their_base() {
        let n = normalize("cafe\u{301} x");
        assert_eq!(n.chars.iter().collect::<String>(), "café x");
        assert_eq!(n.origin[3], (3, 5));
        assert_eq!(n.origin[5], (6, 7));
    }

    #[test]
    fn expansion_maps_every_output_char_to_its_source() {
        let n = normalize("①x");
        assert_eq!(n.chars, vec!['1', 'x']);
        assert_eq!(n.origin, vec![(0, 1), (1, 2)]);
    }
}

//! Tidying slot text before it is read as a value.

use crate::text::{is_han, normalize};

/// Slot text as the parsers read it: NFKC-normalised (full-width digits,
/// letters and signs folded to ASCII, `℃` to `°c`), lower case, runs of white
/// space collapsed to one space, and without surrounding quotes, brackets or
/// trailing sentence punctuation (`.`, `!`, `？`, `。`, ...).
///
/// A leading `.`, `-`, `+` or `#` is kept, since it belongs to the value
/// (`.5`, `-3`, `#ff8800`). Never panics.
pub(crate) fn clean(text: &str) -> String {
    let normalized: String = normalize(text).chars.into_iter().collect();
    let collapsed = normalized.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_start_matches(|c: char| c == ' ' || is_opening_mark(c))
        .trim_end_matches(|c: char| c == ' ' || is_closing_mark(c))
        .to_string()
}

/// True when `text` holds at least one Han character, which sends it to the
/// Chinese reading of a value.
pub(crate) fn has_han(text: &str) -> bool {
    text.chars().any(is_han)
}

/// Quotes and brackets that may open a slot value by accident.
fn is_opening_mark(c: char) -> bool {
    matches!(c, '"' | '\'' | '`' | '“' | '‘' | '(' | '[' | '{' | '「' | '『' | '《' | '〈' | '【')
}

/// Sentence punctuation, quotes and brackets that may close a slot value.
fn is_closing_mark(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | '!'
            | '?'
            | ';'
            | ':'
            | '"'
            | '\''
            | '`'
            | '~'
            | ')'
            | ']'
            | '}'
            | '”'
            | '’'
            | '。'
            | '、'
            | '」'
            | '』'
            | '》'
            | '〉'
            | '】'
            | '…'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_space_and_punctuation() {
        assert_eq!(clean("  ＴＷＥＮＴＹ   One!! "), "twenty one");
        assert_eq!(clean("２２℃。"), "22°c");
        assert_eq!(clean("“50%”"), "50%");
        assert_eq!(clean("7 p.m."), "7 p.m");
        assert_eq!(clean("下午三点半？"), "下午三点半");
    }

    #[test]
    fn keeps_leading_value_signs() {
        assert_eq!(clean(".5"), ".5");
        assert_eq!(clean("-3"), "-3");
        assert_eq!(clean("＃FF8800"), "#ff8800");
    }

    #[test]
    fn empty_and_punctuation_only_become_empty() {
        assert_eq!(clean(""), "");
        assert_eq!(clean(" ?! 。"), "");
    }

    #[test]
    fn detects_han() {
        assert!(has_han("5分钟"));
        assert!(!has_han("5 minutes"));
    }
}

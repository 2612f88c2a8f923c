//! Plain numbers in digits, English words or Chinese numerals.

use super::chinese_number::parse_chinese_number;
use super::clean::{clean, has_han};
use super::english_number::parse_english_number;

/// Reads a number as a person types it and returns its value.
///
/// Accepted forms (case, width and surrounding punctuation do not matter):
/// - digits: `21`, `21.5`, `.5`, `1,000` (commas only as thousands separators),
///   full-width `２１`;
/// - English words: `twenty one`, `twenty-one`, `a hundred`,
///   `one hundred and five`, `two thousand`, `a dozen`, `one and a half`,
///   `2 and a half`, `twenty one point five`, `half`, `a quarter`,
///   `three quarters`, `zero`, `oh`;
/// - Chinese numerals: `二十一`, `两`, `十五`, `一百`, `一百零五`, `一千零五`,
///   `两千五` (= 2500), `三万`, `三点五`, `零`, `二五` (digit by digit = 25),
///   `半` and `一半` (= 0.5), and digits with Chinese units (`3千`, `2万`);
/// - a leading `-`, `minus`, `negative` or `负` negates.
///
/// A lone `a` or `an` is not a number here (the duration reader takes
/// `an hour` itself). `百分之五十` is a percentage, read by
/// [`parse_percent`](super::parse_percent), not here.
///
/// Returns `None` for anything else, and for values that do not fit a finite
/// `f64`. Never panics.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned = clean(text);
    let value = parse_cleaned_number(&cleaned)?;
    value.is_finite().then_some(value)
}

/// [`parse_number`] on text that is already cleaned; may return non-finite
/// values, which callers reject.
pub(crate) fn parse_cleaned_number(text: &str) -> Option<f64> {
    if let Some(rest) = strip_negative(text) {
        return parse_unsigned(rest).map(|value| -value);
    }
    parse_unsigned(text)
}

/// The text after a negative sign word, if it starts with one.
fn strip_negative(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix("minus ")
        .or_else(|| text.strip_prefix("negative "))
        .or_else(|| text.strip_prefix('负'))
        .or_else(|| text.strip_prefix('-'))?;
    let rest = rest.trim_start();
    (!rest.is_empty() && !rest.starts_with('-')).then_some(rest)
}

/// A number without a sign in any of the three notations.
fn parse_unsigned(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    if let Some(value) = parse_digits(text) {
        return Some(value);
    }
    if has_han(text) {
        return parse_chinese_number(text);
    }
    parse_english_number(text)
}

/// Reads ASCII digits with an optional decimal part: `21`, `21.5`, `.5`,
/// `1,000`, `1,000.25`. Commas must separate groups of exactly three digits.
pub(crate) fn parse_digits(text: &str) -> Option<f64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if let Some(fraction) = fraction
        && (fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if whole.is_empty() && fraction.is_none() {
        return None;
    }
    if !whole.is_empty() && !is_digit_groups(whole) {
        return None;
    }
    let plain: String = text.chars().filter(|&c| c != ',').collect();
    let value: f64 = plain.parse().ok()?;
    value.is_finite().then_some(value)
}

/// True for `123` or `1,234,567`: digits, with commas only between groups of
/// three (the first group may be shorter).
fn is_digit_groups(whole: &str) -> bool {
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let rest: Vec<&str> = groups.collect();
    if rest.is_empty() {
        return true;
    }
    first.len() <= 3 && rest.iter().all(|group| group.len() == 3 && group.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_digits() {
        assert_eq!(parse_number("21"), Some(21.0));
        assert_eq!(parse_number("21.5"), Some(21.5));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("1,000"), Some(1000.0));
        assert_eq!(parse_number("1,234,567.5"), Some(1_234_567.5));
        assert_eq!(parse_number("２１"), Some(21.0));
        assert_eq!(parse_number(" 42. "), Some(42.0));
    }

    #[test]
    fn rejects_malformed_digits() {
        assert_eq!(parse_number("1,00"), None);
        assert_eq!(parse_number("10,0000"), None);
        assert_eq!(parse_number("1.2.3"), None);
        assert_eq!(parse_number("1e5"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("5 apples"), None);
    }

    #[test]
    fn reads_signs() {
        assert_eq!(parse_number("-5"), Some(-5.0));
        assert_eq!(parse_number("minus five"), Some(-5.0));
        assert_eq!(parse_number("负五"), Some(-5.0));
        assert_eq!(parse_number("--5"), None);
        assert_eq!(parse_number("-"), None);
    }

    #[test]
    fn dispatches_to_words_and_numerals() {
        assert_eq!(parse_number("Twenty-One"), Some(21.0));
        assert_eq!(parse_number("二十一"), Some(21.0));
        assert_eq!(parse_number("blue"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn huge_values_are_finite_or_rejected() {
        assert_eq!(parse_number("99999999999999999999"), Some(1e20));
        assert_eq!(parse_number(&"9".repeat(400)), None);
    }
}

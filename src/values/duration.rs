//! Durations: an amount with a time unit, or several in a row.

use std::time::Duration;

use super::chinese_duration::parse_chinese_duration;
use super::clean::{clean, has_han};
use super::number::parse_cleaned_number;

/// Reads a duration as typed and returns its length.
///
/// Accepted forms, in English:
/// - an amount and a unit: `5 minutes`, `five minutes`, `5 mins`, `5 min`,
///   `15-min`, `5m`, `90 seconds`, `90 secs`, `90s`, `2 hours`, `2 hrs`, `2h`,
///   `1.5 hours`, `a minute`, `an hour`, `a day`;
/// - halves and quarters: `half an hour`, `a half hour`, `an hour and a half`,
///   `one and a half hours`, `two and a half minutes`,
///   `a quarter of an hour`, `three quarters of an hour`;
/// - several parts, larger units first, optionally joined by `and`:
///   `1 hour 30 minutes`, `1 hour and 30 minutes`, `1h30m`; a bare number
///   after the last part counts in the next smaller unit (`1 hour 30`,
///   `1h30` = 90 minutes).
///
/// In Chinese (any text holding a Han character), units `天`, `小时`,
/// `个小时`, `钟头`, `个钟头`, `个钟`, `刻`, `刻钟` (15 minutes), `分`,
/// `分钟`, `秒`, `秒钟`: `五分钟`, `5分钟`, `一个小时`, `两个小时`,
/// `一个半小时`, `半小时`, `半个小时`, `三十秒`, `1小时20分钟`,
/// `一小时零五分`, `一刻钟`, `两分半` (2.5 minutes), `一小时半`, `1小时20`.
///
/// The labelling keeps hours, minutes and seconds in separate slots; the
/// caller may read each slot with this function and add the results.
///
/// Returns `None` for a bare number without a unit (`5`), for units out of
/// order or repeated (`30 minutes 1 hour`), for negative amounts, for a clock
/// notation such as `1:30` (hours and minutes or minutes and seconds is
/// ambiguous) and for anything else that is not a duration.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = clean(text);
    let seconds = if has_han(&text) { parse_chinese_duration(&text)? } else { parse_english_duration(&text)? };
    Duration::try_from_secs_f64(seconds).ok()
}

/// Seconds in a minute.
pub(crate) const MINUTE: f64 = 60.0;
/// Seconds in an hour.
pub(crate) const HOUR: f64 = 3600.0;
/// Seconds in a day.
pub(crate) const DAY: f64 = 86_400.0;

/// The next smaller unit after `unit` (both in seconds), for a bare number
/// that follows the last part (`1 hour 30`). `None` after seconds and after
/// units off the day-hour-minute-second ladder.
pub(crate) fn smaller_unit(unit: f64) -> Option<f64> {
    if unit == DAY {
        Some(HOUR)
    } else if unit == HOUR {
        Some(MINUTE)
    } else if unit == MINUTE {
        Some(1.0)
    } else {
        None
    }
}

/// An amount that may not be negative, as a finite number.
pub(crate) fn non_negative(value: f64) -> Option<f64> {
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// The length in seconds of an English unit word.
fn english_unit(word: &str) -> Option<f64> {
    match word {
        "day" | "days" | "d" => Some(DAY),
        "hour" | "hours" | "hr" | "hrs" | "h" => Some(HOUR),
        "minute" | "minutes" | "min" | "mins" | "m" => Some(MINUTE),
        "second" | "seconds" | "sec" | "secs" | "s" => Some(1.0),
        _ => None,
    }
}

/// Reads an English duration (cleaned text) in seconds.
fn parse_english_duration(text: &str) -> Option<f64> {
    let spaced = space_out(text);
    let words: Vec<&str> = spaced.split(' ').filter(|word| !word.is_empty()).collect();
    let mut total = 0.0;
    let mut last_unit = f64::INFINITY;
    let mut amount: Vec<&str> = Vec::new();
    let mut index = 0;
    while index < words.len() {
        let word = words[index];
        index += 1;
        if let Some(unit) = english_unit(word)
            && !amount.is_empty()
        {
            if unit >= last_unit {
                return None;
            }
            total += english_amount(&amount)? * unit;
            amount.clear();
            last_unit = unit;
            if let Some((fraction, used)) = trailing_fraction(&words[index..]) {
                total += fraction * unit;
                index += used;
            }
        } else if word == "and" && amount.is_empty() && last_unit.is_finite() {
            continue;
        } else {
            amount.push(word);
        }
    }
    if !amount.is_empty() {
        total += english_amount(&amount)? * smaller_unit(last_unit)?;
    }
    last_unit.is_finite().then_some(total)
}

/// Puts spaces where a number meets a unit (`1h30m` -> `1 h 30 m`) and in place
/// of hyphens (except a leading minus sign) and of commas that are not
/// thousands separators.
fn space_out(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (index, &c) in chars.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1).copied();
        let between_digits = previous.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        match c {
            '-' if index > 0 => out.push(' '),
            ',' if !between_digits => out.push(' '),
            _ => {
                let boundary = previous.is_some_and(|p| {
                    (p.is_ascii_digit() && c.is_alphabetic()) || (p.is_alphabetic() && c.is_ascii_digit())
                });
                if boundary {
                    out.push(' ');
                }
                out.push(c);
            }
        }
    }
    out
}

/// The amount before an English unit: `a`/`an` = 1, `half a(n)` = 0.5,
/// `a quarter of an` = 0.25, otherwise a number.
fn english_amount(words: &[&str]) -> Option<f64> {
    let value = match words {
        ["a" | "an"] => 1.0,
        ["half", "a" | "an"] => 0.5,
        [amount @ .., "of", "a" | "an"] if !amount.is_empty() => parse_cleaned_number(&amount.join(" "))?,
        _ => parse_cleaned_number(&words.join(" "))?,
    };
    non_negative(value)
}

/// `and a half` or `and a quarter` right after a unit (`an hour and a half`):
/// the fraction of that unit and the number of words it took.
fn trailing_fraction(words: &[&str]) -> Option<(f64, usize)> {
    let fraction = match words {
        ["and", "a", "half", ..] => 0.5,
        ["and", "a", "quarter", ..] => 0.25,
        ["and", "three", "quarters", ..] => 0.75,
        _ => return None,
    };
    let followed_by_unit = words.get(3).is_some_and(|&word| english_unit(word).is_some());
    (!followed_by_unit).then_some((fraction, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(text: &str) -> Option<f64> {
        parse_duration(text).map(|d| d.as_secs_f64())
    }

    #[test]
    fn reads_corpus_english_forms() {
        let cases = [
            ("an hour", 3600.0),
            ("half an hour", 1800.0),
            ("an hour and a half", 5400.0),
            ("3 hrs", 10800.0),
            ("3h", 10800.0),
            ("three hours", 10800.0),
            ("1 hour", 3600.0),
            ("5 minutes", 300.0),
            ("twenty five minutes", 1500.0),
            ("a minute", 60.0),
            ("15-minute", 900.0),
            ("15 mins", 900.0),
            ("15 min", 900.0),
            ("30 seconds", 30.0),
            ("thirty seconds", 30.0),
            ("a second", 1.0),
            ("90 secs", 90.0),
            ("90 sec", 90.0),
            ("90 s", 90.0),
        ];
        for (text, expected) in cases {
            assert_eq!(seconds(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn reads_compound_and_fractional_english_forms() {
        let cases = [
            ("1.5 hours", 5400.0),
            ("1 hour 30 minutes", 5400.0),
            ("1 hour and 30 minutes", 5400.0),
            ("1h30m", 5400.0),
            ("1h30", 5400.0),
            ("2 minutes 30", 150.0),
            ("two and a half minutes", 150.0),
            ("one and a half hours", 5400.0),
            ("a half hour", 1800.0),
            ("a quarter of an hour", 900.0),
            ("three quarters of an hour", 2700.0),
            ("1 day", 86400.0),
            ("5 Minutes.", 300.0),
        ];
        for (text, expected) in cases {
            assert_eq!(seconds(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn rejects_non_durations() {
        for text in ["", "5", "minutes", "30 minutes 1 hour", "5 minutes 5 minutes", "1:30", "-5 minutes", "soon", "an"]
        {
            assert_eq!(seconds(text), None, "{text}");
        }
    }

    #[test]
    fn spaces_numbers_from_units() {
        assert_eq!(space_out("1h30m"), "1 h 30 m");
        assert_eq!(space_out("15-min"), "15 min");
        assert_eq!(space_out("1,000s"), "1,000 s");
        assert_eq!(space_out("1 hour, 30 minutes"), "1 hour  30 minutes");
    }
}

//! Clock times: the type, the shared rules and the English reading.

use std::fmt;

use super::chinese_time::parse_chinese_time;
use super::clean::{clean, has_han};
use super::english_number::digit_word;
use super::number::parse_cleaned_number;

/// A time of day on the 24-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay {
    /// The hour, `0..=23`.
    pub hour: u8,
    /// The minute, `0..=59`.
    pub minute: u8,
}

impl TimeOfDay {
    /// The time `hour:minute`, or `None` unless `hour` is in `0..=23` and
    /// `minute` in `0..=59`.
    pub fn new(hour: u32, minute: u32) -> Option<TimeOfDay> {
        let hour = u8::try_from(hour).ok().filter(|&hour| hour < 24)?;
        let minute = u8::try_from(minute).ok().filter(|&minute| minute < 60)?;
        Some(TimeOfDay { hour, minute })
    }
}

impl fmt::Display for TimeOfDay {
    /// Writes `HH:MM`, for example `07:30`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// A part of the day that says how to read an hour written on a 12-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayPart {
    /// `am`, `凌晨`: 12 is midnight, 1 to 11 as written.
    Am,
    /// `pm`, `下午`: 1 to 11 move to the afternoon, 12 is noon.
    Pm,
    /// `上午`, `早上`: as written (12 stays noon).
    Morning,
    /// `中午`: 1 to 6 in the afternoon, other hours as written.
    Noon,
    /// `at night`, `晚上`: 1 to 4 after midnight, 5 to 11 in the evening,
    /// 12 is midnight.
    Night,
}

/// Reads a clock time as typed.
///
/// Accepted forms, in English (case-insensitive):
/// - digits: `7`, `7:30`, `07:30`, `19:45`, `7.30`, with an optional `am`/`pm`
///   (`7 pm`, `7pm`, `7:30 am`, `7 p.m.`);
/// - words: `seven`, `seven o'clock`, `seven thirty`, `seven oh five`,
///   `twelve forty five`, `twenty one thirty`, `nineteen hundred`;
/// - relative to the hour: `half past six`, `quarter past 7`, `ten past six`,
///   `20 after 6`, `quarter to eight`, `a quarter to 8`, `ten to seven`,
///   `five of eight`, `half six` (= 6:30);
/// - parts of the day: `7 in the morning`, `3 in the afternoon`,
///   `8 in the evening`, `11 at night`, `10 tonight`;
/// - `noon`, `midday`, `12 noon`, `midnight`.
///
/// In Chinese (text holding a Han character): an hour before `点`/`時`/`时`
/// with an optional minute part (`七点`, `两点`, `七点钟`, `七点整`, `三点半`,
/// `两点一刻`, `八点三刻`, `七点十五分`, `7点15分`, `8点30`, `七点零五`,
/// `八点差一刻` = 7:45, `八点差五分` = 7:55), or `H:MM`, after an optional
/// part of the day (`凌晨`, `早上`, `早晨`, `清晨`, `上午`, `中午`, `下午`,
/// `傍晚`, `晚上`, `今晚`, `夜里`, `半夜`): `下午三点半`, `晚上八点`,
/// `早上7点15分`, `中午12点`, `凌晨两点`, `下午3:30`; and `中午`, `正午`,
/// `午夜` alone.
///
/// An hour from 1 to 12 without a part of the day (`7`, `七点`, `seven
/// thirty`) is ambiguous: it is returned as written (7:00, not 19:00) and the
/// caller picks the next occurrence of either reading. Hours 13 to 23
/// (`19:45`, `二十点`) are taken as 24-hour times, and `24:00` is midnight.
///
/// Returns `None` for anything that is not a clock time, including
/// out-of-range values (`25:00`, `7:60`, `13 am`), military `1930` and
/// seconds (`7:30:15`).
pub fn parse_time(text: &str) -> Option<TimeOfDay> {
    let text = clean(text);
    if has_han(&text) { parse_chinese_time(&text) } else { parse_english_time(&text) }
}

/// Moves an hour written with a part of the day onto the 24-hour clock and
/// builds the time; `None` when the hour does not fit the part of the day.
pub(crate) fn time_with_day_part(hour: u32, minute: u32, part: Option<DayPart>) -> Option<TimeOfDay> {
    let hour = match (part, hour) {
        (None, 24) if minute == 0 => 0,
        (None, 0..=23) => hour,
        (Some(DayPart::Am), 12) => 0,
        (Some(DayPart::Am), 0..=11) => hour,
        (Some(DayPart::Pm), 1..=11) => hour + 12,
        (Some(DayPart::Pm), 12..=23) => hour,
        (Some(DayPart::Morning), 0..=12) => hour,
        (Some(DayPart::Noon), 1..=6) => hour + 12,
        (Some(DayPart::Noon), 0 | 7..=23) => hour,
        (Some(DayPart::Night), 0 | 12) => 0,
        (Some(DayPart::Night), 1..=4 | 13..=23) => hour,
        (Some(DayPart::Night), 5..=11) => hour + 12,
        _ => return None,
    };
    TimeOfDay::new(hour, minute)
}

/// The hour before `hour` for `quarter to eight` (7:45). Hour 1 gives 12,
/// since an hour written from 1 to 12 is on the 12-hour clock; 0 gives 23.
pub(crate) fn hour_before(hour: u32) -> u32 {
    match hour {
        0 => 23,
        1 => 12,
        _ => hour - 1,
    }
}

/// Reads `7:30` or `7.30`: one or two hour digits and exactly two minute
/// digits. Returns `(hour, minute)` unchecked.
pub(crate) fn parse_clock_digits(text: &str) -> Option<(u32, u32)> {
    let (hour, minute) = text.split_once(':').or_else(|| text.split_once('.'))?;
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if !(1..=2).contains(&hour.len()) || minute.len() != 2 || !all_digits(hour) || !all_digits(minute) {
        return None;
    }
    Some((hour.parse().ok()?, minute.parse().ok()?))
}

/// A whole number from cleaned text, if it is one and at most `max`.
pub(crate) fn whole_number(text: &str, max: u32) -> Option<u32> {
    let value = parse_cleaned_number(text)?;
    let in_range = value.fract() == 0.0 && (0.0..=f64::from(max)).contains(&value);
    in_range.then_some(value as u32)
}

/// Reads an English clock time from cleaned text.
fn parse_english_time(text: &str) -> Option<TimeOfDay> {
    let text = text.replace('’', "'").replace("a.m", "am").replace("p.m", "pm");
    let text = ["o'clock", "o clock", "oclock"].iter().fold(text, |text, word| text.replace(word, " "));
    let spaced = space_digits_from_letters(&text);
    let words: Vec<&str> = spaced.split(' ').filter(|word| !word.is_empty()).collect();
    let (words, part) = split_day_part(&words);
    match words {
        ["noon" | "midday"] | ["12" | "twelve", "noon"] if matches!(part, None | Some(DayPart::Pm)) => {
            return TimeOfDay::new(12, 0);
        }
        ["midnight"] | ["12" | "twelve", "midnight"] if part.is_none() => return TimeOfDay::new(0, 0),
        _ => {}
    }
    let (hour, minute) = english_clock(words)?;
    time_with_day_part(hour, minute, part)
}

/// Puts a space where digits meet letters: `7pm` -> `7 pm`.
fn space_digits_from_letters(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if let Some(p) = previous
            && ((p.is_ascii_digit() && c.is_alphabetic()) || (p.is_alphabetic() && c.is_ascii_digit()))
        {
            out.push(' ');
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

/// Takes a trailing part of the day off: `am`, `pm`, `in the morning`,
/// `in the afternoon`, `in the evening`, `at night`, `tonight`.
fn split_day_part<'a>(words: &'a [&'a str]) -> (&'a [&'a str], Option<DayPart>) {
    let (length, part) = match words {
        [.., "am"] => (1, DayPart::Am),
        [.., "pm"] => (1, DayPart::Pm),
        [.., "tonight"] => (1, DayPart::Night),
        [.., "at", "night"] => (2, DayPart::Night),
        [.., "in", "the", "morning"] => (3, DayPart::Am),
        [.., "in", "the", "afternoon" | "evening"] => (3, DayPart::Pm),
        _ => return (words, None),
    };
    (&words[..words.len() - length], Some(part))
}

/// Reads the clock part of an English time as `(hour, minute)`, unchecked
/// against a part of the day.
fn english_clock(words: &[&str]) -> Option<(u32, u32)> {
    if let Some(relation) = words.iter().position(|word| is_relation_word(word)) {
        return relative_clock(&words[..relation], words[relation], &words[relation + 1..]);
    }
    match words {
        [] => None,
        [single] if single.contains([':', '.']) => parse_clock_digits(single),
        ["half", hour @ ..] => Some((whole_number(&hour.join(" "), 24)?, 30)),
        _ => {
            if let Some(hour) = whole_number(&words.join(" "), 24) {
                return Some((hour, 0));
            }
            (1..words.len()).find_map(|split| {
                let hour = whole_number(&words[..split].join(" "), 23)?;
                Some((hour, minute_after_hour(&words[split..])?))
            })
        }
    }
}

/// Words that put minutes before or after an hour.
fn is_relation_word(word: &str) -> bool {
    matches!(word, "past" | "after" | "to" | "till" | "til" | "before" | "of")
}

/// `half past six`, `ten to seven`: minutes, relation word, hour.
fn relative_clock(minutes: &[&str], relation: &str, hour: &[&str]) -> Option<(u32, u32)> {
    let hour = whole_number(&hour.join(" "), 24)?;
    let minutes = match minutes {
        ["half"] => 30,
        ["quarter"] | ["a", "quarter"] => 15,
        [amount @ .., "minutes" | "minute" | "mins" | "min"] => whole_number(&amount.join(" "), 59)?,
        _ => whole_number(&minutes.join(" "), 59)?,
    };
    if minutes == 0 {
        return None;
    }
    match relation {
        "past" | "after" => Some((hour, minutes)),
        _ => Some((hour_before(hour), 60 - minutes)),
    }
}

/// The minutes said after the hour: `thirty`, `forty five`, `oh five`, `05`,
/// `30`, `hundred` (= 0, as in `nineteen hundred`). Words for one to nine
/// alone (`seven five`) and single digits (`7 5`) are not minutes.
fn minute_after_hour(words: &[&str]) -> Option<u32> {
    match words {
        ["hundred"] => Some(0),
        ["oh" | "o" | "zero", digit] => digit_word(digit).filter(|&d| d > 0),
        [digits] if digits.bytes().all(|b| b.is_ascii_digit()) => {
            if digits.len() == 2 {
                whole_number(digits, 59)
            } else {
                None
            }
        }
        _ => whole_number(&words.join(" "), 59).filter(|&minute| minute >= 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(u8, u8)> {
        parse_time(text).map(|t| (t.hour, t.minute))
    }

    #[test]
    fn reads_corpus_english_forms() {
        let cases = [
            ("7 pm", (19, 0)),
            ("7pm", (19, 0)),
            ("7 a.m.", (7, 0)),
            ("7p.m.", (19, 0)),
            ("12 am", (0, 0)),
            ("12 pm", (12, 0)),
            ("7:00", (7, 0)),
            ("7:30", (7, 30)),
            ("7:05 pm", (19, 5)),
            ("11:45 a.m.", (11, 45)),
            ("seven o'clock", (7, 0)),
            ("seven thirty", (7, 30)),
            ("half past six", (6, 30)),
            ("quarter to 8", (7, 45)),
            ("quarter to 1", (12, 45)),
            ("noon", (12, 0)),
            ("midnight", (0, 0)),
            ("seven ten", (7, 10)),
            ("twelve forty five", (12, 45)),
            ("7 in the morning", (7, 0)),
            ("7 in the evening", (19, 0)),
            ("3 in the afternoon", (15, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn reads_other_english_forms() {
        let cases = [
            ("7", (7, 0)),
            ("seven", (7, 0)),
            ("19:45", (19, 45)),
            ("7.30", (7, 30)),
            ("24:00", (0, 0)),
            ("seven oh five", (7, 5)),
            ("twenty one thirty", (21, 30)),
            ("twenty three", (23, 0)),
            ("nineteen hundred", (19, 0)),
            ("7 30", (7, 30)),
            ("a quarter to eight", (7, 45)),
            ("ten past six", (6, 10)),
            ("twenty minutes after 6", (6, 20)),
            ("five of eight", (7, 55)),
            ("half six", (6, 30)),
            ("11 at night", (23, 0)),
            ("2 at night", (2, 0)),
            ("10 tonight", (22, 0)),
            ("12 noon", (12, 0)),
            ("Seven O’Clock PM", (19, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn rejects_non_times() {
        for text in [
            "",
            "25:00",
            "7:60",
            "7:5",
            "13 am",
            "0 pm",
            "1930",
            "7:30:15",
            "seven five",
            "7 5",
            "soon",
            "half",
            "pm",
            "to seven",
            "zero to seven",
            "noon am",
            "blue",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }

    #[test]
    fn day_parts_move_hours() {
        assert_eq!(time_with_day_part(12, 0, Some(DayPart::Am)), TimeOfDay::new(0, 0));
        assert_eq!(time_with_day_part(3, 0, Some(DayPart::Noon)), TimeOfDay::new(15, 0));
        assert_eq!(time_with_day_part(12, 0, Some(DayPart::Night)), TimeOfDay::new(0, 0));
        assert_eq!(time_with_day_part(13, 0, Some(DayPart::Am)), None);
        assert_eq!(time_with_day_part(24, 30, None), None);
    }

    #[test]
    fn displays_as_hours_and_minutes() {
        assert_eq!(TimeOfDay::new(7, 5).map(|t| t.to_string()), Some("07:05".to_string()));
        assert_eq!(TimeOfDay::new(24, 0), None);
        assert_eq!(TimeOfDay::new(7, 60), None);
    }
}

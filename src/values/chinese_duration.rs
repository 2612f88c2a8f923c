//! Durations written in Chinese.

use super::duration::{DAY, HOUR, MINUTE, non_negative, smaller_unit};
use super::number::parse_cleaned_number;

/// A Chinese unit word: its text, its length in seconds, and the fraction of
/// the unit it adds by itself (`个半小时` adds half an hour to the amount).
struct ChineseUnit {
    name: &'static str,
    seconds: f64,
    extra: f64,
}

/// Unit words, longest first so that `分钟` is found before `分`.
const UNITS: [ChineseUnit; 27] = [
    ChineseUnit { name: "个半小时", seconds: HOUR, extra: 0.5 },
    ChineseUnit { name: "個半小時", seconds: HOUR, extra: 0.5 },
    ChineseUnit { name: "个半钟头", seconds: HOUR, extra: 0.5 },
    ChineseUnit { name: "個半鐘頭", seconds: HOUR, extra: 0.5 },
    ChineseUnit { name: "个小时", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "個小時", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "个钟头", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "個鐘頭", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "个半钟", seconds: HOUR, extra: 0.5 },
    ChineseUnit { name: "分半钟", seconds: MINUTE, extra: 0.5 },
    ChineseUnit { name: "分半鐘", seconds: MINUTE, extra: 0.5 },
    ChineseUnit { name: "个钟", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "小时", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "小時", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "钟头", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "鐘頭", seconds: HOUR, extra: 0.0 },
    ChineseUnit { name: "刻钟", seconds: 15.0 * MINUTE, extra: 0.0 },
    ChineseUnit { name: "刻鐘", seconds: 15.0 * MINUTE, extra: 0.0 },
    ChineseUnit { name: "分钟", seconds: MINUTE, extra: 0.0 },
    ChineseUnit { name: "分鐘", seconds: MINUTE, extra: 0.0 },
    ChineseUnit { name: "秒钟", seconds: 1.0, extra: 0.0 },
    ChineseUnit { name: "秒鐘", seconds: 1.0, extra: 0.0 },
    ChineseUnit { name: "分半", seconds: MINUTE, extra: 0.5 },
    ChineseUnit { name: "天", seconds: DAY, extra: 0.0 },
    ChineseUnit { name: "刻", seconds: 15.0 * MINUTE, extra: 0.0 },
    ChineseUnit { name: "分", seconds: MINUTE, extra: 0.0 },
    ChineseUnit { name: "秒", seconds: 1.0, extra: 0.0 },
];

/// Reads a Chinese duration (cleaned text) in seconds: an amount before each
/// unit word (`五分钟`, `两个小时`, `一个半小时`, `半个小时`, `一刻钟`,
/// `1小时20分钟`, `一小时零五分`, `两分半`), parts joined directly or by
/// `又`/`和`, larger units first; a bare number after the last part counts in
/// the next smaller unit (`1小时20`), and a `半` after it is half of the last
/// unit (`一小时半`, `一天半`). Spaces are ignored.
pub(crate) fn parse_chinese_duration(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = compact.as_str();
    let mut total = 0.0;
    let mut last_unit = f64::INFINITY;
    let mut amount = String::new();
    while let Some(c) = rest.chars().next() {
        if !amount.is_empty()
            && let Some(unit) = UNITS.iter().find(|unit| rest.starts_with(unit.name))
        {
            if unit.seconds >= last_unit {
                return None;
            }
            total += (chinese_amount(&amount)? + unit.extra) * unit.seconds;
            last_unit = unit.seconds;
            amount.clear();
            rest = &rest[unit.name.len()..];
            continue;
        }
        let joins_parts = amount.is_empty() && last_unit.is_finite() && matches!(c, '又' | '和');
        if !joins_parts {
            amount.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if amount == "半" && last_unit.is_finite() {
        // `一小时半`, `一天半`: half of the last unit.
        total += 0.5 * last_unit;
    } else if !amount.is_empty() {
        total += chinese_amount(&amount)? * smaller_unit(last_unit)?;
    }
    last_unit.is_finite().then_some(total)
}

/// The amount before a unit: a number in numerals or digits, `半` = 0.5.
fn chinese_amount(text: &str) -> Option<f64> {
    non_negative(parse_cleaned_number(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(text: &str) -> Option<f64> {
        parse_chinese_duration(text)
    }

    #[test]
    fn reads_corpus_forms() {
        let cases = [
            ("半小时", 1800.0),
            ("半个小时", 1800.0),
            ("一个半小时", 5400.0),
            ("两个钟头", 7200.0),
            ("3小时", 10800.0),
            ("3个小时", 10800.0),
            ("两小时", 7200.0),
            ("十二个小时", 43200.0),
            ("五分钟", 300.0),
            ("5分钟", 300.0),
            ("十五分", 900.0),
            ("两分钟", 120.0),
            ("三十秒", 30.0),
            ("30秒钟", 30.0),
        ];
        for (text, expected) in cases {
            assert_eq!(seconds(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn reads_compound_forms() {
        let cases = [
            ("一个小时", 3600.0),
            ("1小时20分钟", 4800.0),
            ("1小时20分", 4800.0),
            ("1小时20", 4800.0),
            ("一小时零五分", 3900.0),
            ("一小时又二十分钟", 4800.0),
            ("一刻钟", 900.0),
            ("三刻钟", 2700.0),
            ("两分半", 150.0),
            ("一分半钟", 90.0),
            ("两个半小时", 9000.0),
            ("三分三十秒", 210.0),
            ("一天", 86400.0),
            ("1.5小时", 5400.0),
            ("5 分钟", 300.0),
            ("一个钟", 3600.0),
            ("一小时半", 5400.0),
            ("一个小时半", 5400.0),
            ("一天半", 129600.0),
        ];
        for (text, expected) in cases {
            assert_eq!(seconds(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn rejects_non_durations() {
        for text in ["", "小时", "个小时", "五", "两点半", "三十秒一分钟", "五分钟五分钟", "一会儿", "很久", "半"]
        {
            assert_eq!(seconds(text), None, "{text}");
        }
    }
}

//! Clock times written in Chinese.

use super::time_of_day::{DayPart, TimeOfDay, hour_before, parse_clock_digits, time_with_day_part, whole_number};

/// Words for parts of the day, longer ones before their prefixes
/// (`早上` before `早`).
const DAY_PARTS: [(&str, DayPart); 21] = [
    ("凌晨", DayPart::Am),
    ("清晨", DayPart::Morning),
    ("早上", DayPart::Morning),
    ("早晨", DayPart::Morning),
    ("上午", DayPart::Morning),
    ("今早", DayPart::Morning),
    ("早", DayPart::Morning),
    ("中午", DayPart::Noon),
    ("正午", DayPart::Noon),
    ("午后", DayPart::Pm),
    ("下午", DayPart::Pm),
    ("傍晚", DayPart::Pm),
    ("晚上", DayPart::Night),
    ("今晚", DayPart::Night),
    ("夜里", DayPart::Night),
    ("夜间", DayPart::Night),
    ("夜晚", DayPart::Night),
    ("半夜", DayPart::Night),
    ("午夜", DayPart::Night),
    ("深夜", DayPart::Night),
    ("晚", DayPart::Night),
];

/// Reads a Chinese clock time (cleaned text): see
/// [`parse_time`](super::parse_time) for the forms. Spaces are ignored.
pub(crate) fn parse_chinese_time(text: &str) -> Option<TimeOfDay> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.as_str() {
        "中午" | "正午" => return TimeOfDay::new(12, 0),
        "午夜" | "半夜" => return TimeOfDay::new(0, 0),
        _ => {}
    }
    let (part, clock) = match DAY_PARTS.iter().find(|(word, _)| compact.starts_with(word)) {
        Some((word, part)) => (Some(*part), &compact[word.len()..]),
        None => (None, compact.as_str()),
    };
    let (hour, minute) = chinese_clock(clock)?;
    time_with_day_part(hour, minute, part)
}

/// Reads the clock after the part of the day as `(hour, minute)`, unchecked
/// against the part of the day.
fn chinese_clock(text: &str) -> Option<(u32, u32)> {
    if let Some(clock) = parse_clock_digits(text) {
        return Some(clock);
    }
    let Some((hour, minutes)) = text.split_once(['点', '點', '时', '時']) else {
        return Some((whole_number(text, 24)?, 0));
    };
    let hour = whole_number(hour, 24)?;
    let minutes = minutes.strip_prefix(['钟', '鐘']).unwrap_or(minutes);
    if let Some(before) = minutes.strip_prefix('差') {
        let minutes = minute_part(before)?;
        return (minutes > 0).then(|| (hour_before(hour), 60 - minutes));
    }
    let minutes = minutes.strip_prefix('过').unwrap_or(minutes);
    Some((hour, minute_part(minutes)?))
}

/// The minutes after `点`: nothing or `整` = 0, `半` = 30, `一刻` = 15,
/// `三刻` = 45, or a number with an optional `分`/`分钟` (`十五分`, `15`,
/// `零五`).
fn minute_part(text: &str) -> Option<u32> {
    match text {
        "" | "整" => Some(0),
        "半" => Some(30),
        "一刻" => Some(15),
        "三刻" => Some(45),
        _ => {
            let number = ["分钟", "分鐘", "分"].iter().find_map(|unit| text.strip_suffix(unit)).unwrap_or(text);
            whole_number(number, 59)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(u8, u8)> {
        parse_chinese_time(text).map(|t| (t.hour, t.minute))
    }

    #[test]
    fn reads_corpus_forms() {
        let cases = [
            ("七点", (7, 0)),
            ("两点", (2, 0)),
            ("十二点", (12, 0)),
            ("下午三点半", (15, 30)),
            ("晚上八点", (20, 0)),
            ("早上七点一刻", (7, 15)),
            ("上午十点二十五分", (10, 25)),
            ("中午十二点", (12, 0)),
            ("中午一点", (13, 0)),
            ("凌晨两点", (2, 0)),
            ("凌晨十二点", (0, 0)),
            ("下午3点", (15, 0)),
            ("晚上9点30", (21, 30)),
            ("早上7点15分", (7, 15)),
            ("中午12点", (12, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn reads_other_forms() {
        let cases = [
            ("七点钟", (7, 0)),
            ("七点整", (7, 0)),
            ("八点三刻", (8, 45)),
            ("七点零五", (7, 5)),
            ("七点过五分", (7, 5)),
            ("八点差一刻", (7, 45)),
            ("八点差五分", (7, 55)),
            ("二十点", (20, 0)),
            ("零点", (0, 0)),
            ("下午3:30", (15, 30)),
            ("晚上十二点", (0, 0)),
            ("晚上十一点", (23, 0)),
            ("夜里两点", (2, 0)),
            ("中午", (12, 0)),
            ("午夜", (0, 0)),
            ("下午 3 点", (15, 0)),
            ("下午3", (15, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn rejects_non_times() {
        for text in
            ["", "点", "下午", "二十五点", "七点六十分", "下午十五点半半", "凌晨十三点", "七点差零分", "明天", "红色"]
        {
            assert_eq!(read(text), None, "{text}");
        }
    }
}

//! Slot values end to end: a table of typed inputs in both languages, every
//! form the corpus generator writes, every pool colour, and hostile input.

use hearth::text::Lang;
use hearth::values::{
    Level, TempUnit, chinese_numeral, color_name, english_words, parse_color, parse_duration, parse_number,
    parse_percent, parse_temperature, parse_time, parse_volume, resolve_unit,
};

/// Runs the reader named `kind` on `text` and writes its result as a short
/// string, `none` for `None`, so that one table can hold every reader.
fn read(kind: &str, text: &str) -> String {
    let shown = match kind {
        "number" => parse_number(text).map(|n| n.to_string()),
        "percent" => parse_percent(text).map(|p| p.to_string()),
        "volume" => parse_volume(text).map(|level| match level {
            Level::Percent(p) => format!("{p}%"),
            Level::Steps(s) => format!("{s} steps"),
        }),
        "temperature" => parse_temperature(text).map(|t| match t.unit {
            None => t.value.to_string(),
            Some(TempUnit::Celsius) => format!("{} C", t.value),
            Some(TempUnit::Fahrenheit) => format!("{} F", t.value),
        }),
        "duration" => parse_duration(text).map(|d| format!("{}s", d.as_secs_f64())),
        "time" => parse_time(text).map(|t| t.to_string()),
        "color en" => parse_color(text, Lang::En).map(|c| c.name.to_string()),
        "color zh" => parse_color(text, Lang::Zh).map(|c| c.name.to_string()),
        other => panic!("no reader {other}"),
    };
    shown.unwrap_or_else(|| "none".to_string())
}

/// `(reader, typed text, expected result)`.
const CASES: &[(&str, &str, &str)] = &[
    // Numbers.
    ("number", "21", "21"),
    ("number", "21.5", "21.5"),
    ("number", "２１", "21"),
    ("number", "1,000", "1000"),
    ("number", " Twenty One ", "21"),
    ("number", "twenty-one", "21"),
    ("number", "a hundred", "100"),
    ("number", "one and a half", "1.5"),
    ("number", "half", "0.5"),
    ("number", "a quarter", "0.25"),
    ("number", "zero", "0"),
    ("number", "oh", "0"),
    ("number", "二十一", "21"),
    ("number", "两", "2"),
    ("number", "十五", "15"),
    ("number", "一百", "100"),
    ("number", "三点五", "3.5"),
    ("number", "零", "0"),
    ("number", "一千零五", "1005"),
    ("number", "99999999999999999999", "100000000000000000000"),
    ("number", "blue", "none"),
    ("number", "", "none"),
    ("number", "hello", "none"),
    ("number", "百分之五十", "none"),
    ("number", "a", "none"),
    // Percentages.
    ("percent", "50%", "50"),
    ("percent", "50 percent", "50"),
    ("percent", "Fifty Percent!", "50"),
    ("percent", "50", "50"),
    ("percent", "５０％", "50"),
    ("percent", "百分之五十", "50"),
    ("percent", "五十", "50"),
    ("percent", "一半", "50"),
    ("percent", "halfway", "50"),
    ("percent", "full", "100"),
    ("percent", "maximum", "100"),
    ("percent", "全开", "100"),
    ("percent", "min", "0"),
    ("percent", "bright", "none"),
    // Volume.
    ("volume", "7", "7 steps"),
    ("volume", "seven", "7 steps"),
    ("volume", "七", "7 steps"),
    ("volume", "七格", "7 steps"),
    ("volume", "30%", "30%"),
    ("volume", "百分之三十", "30%"),
    ("volume", "30", "30%"),
    ("volume", "loud", "none"),
    // Temperatures.
    ("temperature", "21 degrees", "21"),
    ("temperature", "21°", "21"),
    ("temperature", "21 °C", "21 C"),
    ("temperature", "70 °F", "70 F"),
    ("temperature", "70 fahrenheit", "70 F"),
    ("temperature", "seventy degrees", "70"),
    ("temperature", "二十一度", "21"),
    ("temperature", "22摄氏度", "22 C"),
    ("temperature", "华氏70度", "70 F"),
    ("temperature", "21.5", "21.5"),
    ("temperature", "２２度", "22"),
    ("temperature", "二十一度半", "21.5"),
    ("temperature", "warm", "none"),
    // Durations.
    ("duration", "5 minutes", "300s"),
    ("duration", "5 mins", "300s"),
    ("duration", "an hour", "3600s"),
    ("duration", "1.5 hours", "5400s"),
    ("duration", "an hour and a half", "5400s"),
    ("duration", "half an hour", "1800s"),
    ("duration", "90 seconds", "90s"),
    ("duration", "1 hour 30 minutes", "5400s"),
    ("duration", "two and a half minutes", "150s"),
    ("duration", "五分钟", "300s"),
    ("duration", "一个小时", "3600s"),
    ("duration", "两个小时", "7200s"),
    ("duration", "一个半小时", "5400s"),
    ("duration", "半小时", "1800s"),
    ("duration", "半个小时", "1800s"),
    ("duration", "三十秒", "30s"),
    ("duration", "1小时20分钟", "4800s"),
    ("duration", "一刻钟", "900s"),
    ("duration", "5", "none"),
    ("duration", "soon", "none"),
    // Clock times.
    ("time", "7 pm", "19:00"),
    ("time", "7:30", "07:30"),
    ("time", "7:30 am", "07:30"),
    ("time", "seven thirty", "07:30"),
    ("time", "noon", "12:00"),
    ("time", "midnight", "00:00"),
    ("time", "half past six", "06:30"),
    ("time", "quarter to eight", "07:45"),
    ("time", "7", "07:00"),
    ("time", "七点", "07:00"),
    ("time", "下午三点半", "15:30"),
    ("time", "晚上八点", "20:00"),
    ("time", "早上7点15分", "07:15"),
    ("time", "中午12点", "12:00"),
    ("time", "凌晨两点", "02:00"),
    ("time", "下午3:30", "15:30"),
    ("time", "25:00", "none"),
    ("time", "hello", "none"),
    // Colours.
    ("color en", "red", "red"),
    ("color en", "Warm White", "warm white"),
    ("color en", "sky-blue", "sky blue"),
    ("color zh", "红色", "red"),
    ("color zh", "红", "red"),
    ("color zh", "暖白色", "warm white"),
    ("color zh", "天蓝色", "sky blue"),
    ("color en", "#ff0000", "red"),
    ("color en", "#ff8801", "custom"),
    ("color en", "table", "none"),
    ("color zh", "桌子", "none"),
];

#[test]
fn table_of_typed_values() {
    assert!(CASES.len() >= 60);
    let mut failures = Vec::new();
    for &(kind, text, expected) in CASES {
        let got = read(kind, text);
        if got != expected {
            failures.push(format!("{kind} {text:?}: expected {expected}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn table_covers_both_languages_and_rejects() {
    let chinese = CASES.iter().filter(|(_, text, _)| text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    assert!(chinese.count() >= 25);
    assert!(CASES.iter().filter(|(_, _, expected)| *expected == "none").count() >= 10);
}

#[test]
fn temperature_units_resolve_to_celsius() {
    let celsius = |text: &str, preferred| {
        let temperature = parse_temperature(text).unwrap_or_else(|| panic!("{text}"));
        resolve_unit(temperature.value, temperature.unit, preferred)
    };
    let near = |a: f32, b: f32| (a - b).abs() < 0.01;
    assert!(near(celsius("68 °F", TempUnit::Celsius), 20.0));
    assert!(near(celsius("20 degrees celsius", TempUnit::Fahrenheit), 20.0));
    assert!(near(celsius("21", TempUnit::Celsius), 21.0));
    assert!(near(celsius("68", TempUnit::Celsius), 20.0));
    assert!(near(celsius("68", TempUnit::Fahrenheit), 20.0));
    assert!(near(celsius("21", TempUnit::Fahrenheit), 21.0));
    assert!(near(celsius("华氏68度", TempUnit::Celsius), 20.0));
}

#[test]
fn reads_every_number_the_corpus_writes() {
    for n in 0..=999 {
        let expected = Some(f64::from(n));
        assert_eq!(parse_number(&english_words(n)), expected, "{}", english_words(n));
        assert_eq!(parse_number(&chinese_numeral(n, false)), expected, "{}", chinese_numeral(n, false));
        assert_eq!(parse_number(&chinese_numeral(n, true)), expected, "{}", chinese_numeral(n, true));
        assert_eq!(parse_number(&n.to_string()), expected, "{n}");
    }
}

#[test]
fn reads_every_level_the_corpus_writes() {
    for n in 1..=100u32 {
        let (words, zh) = (english_words(n), chinese_numeral(n, false));
        let forms = [
            format!("{n}%"),
            format!("{n} percent"),
            format!("{words} percent"),
            format!("{n}"),
            format!("{n} per cent"),
            words.clone(),
            format!("百分之{zh}"),
            zh.clone(),
            format!("百分之{n}"),
            format!("{n}％"),
        ];
        for form in forms {
            assert_eq!(parse_percent(&form), Some(n as f32), "{form}");
        }
        for form in [format!("{n}%"), format!("{words} percent"), format!("百分之{zh}"), format!("{n}％")] {
            assert_eq!(parse_volume(&form), Some(Level::Percent(n as f32)), "{form}");
        }
    }
    for n in 0..=10u32 {
        let zh = chinese_numeral(n, false);
        for form in [n.to_string(), english_words(n), zh.clone(), format!("{zh}格")] {
            assert_eq!(parse_volume(&form), Some(Level::Steps(n as f32)), "{form}");
        }
    }
    for special in ["halfway", "half way", "half", "一半"] {
        assert_eq!(parse_percent(special), Some(50.0), "{special}");
    }
}

#[test]
fn reads_every_temperature_the_corpus_writes() {
    let f = Some(TempUnit::Fahrenheit);
    let c = Some(TempUnit::Celsius);
    for n in 60..=82u32 {
        let w = english_words(n);
        let v = n as f32;
        for (form, unit) in [
            (format!("{n} degrees fahrenheit"), f),
            (format!("{n}°f"), f),
            (format!("{n} degrees"), None),
            (format!("{n} f"), f),
            (format!("{w} degrees"), None),
            (format!("{n}"), None),
        ] {
            let got = parse_temperature(&form).map(|t| (t.value, t.unit));
            assert_eq!(got, Some((v, unit)), "{form}");
        }
    }
    for n in 16..=30u32 {
        let (w, z) = (english_words(n), chinese_numeral(n, false));
        let (v, half) = (n as f32, n as f32 + 0.5);
        for (form, value, unit) in [
            (format!("{n}.5 degrees"), half, None),
            (format!("{n}.5"), half, None),
            (format!("{w} and a half degrees"), half, None),
            (format!("{n}.5°c"), half, c),
            (format!("{n} degrees"), v, None),
            (format!("{w} degrees"), v, None),
            (format!("{n}°"), v, None),
            (format!("{n}°c"), v, c),
            (format!("{n} degrees celsius"), v, c),
            (format!("{n} c"), v, c),
            (format!("{n}"), v, None),
            (w.clone(), v, None),
            (format!("{z}度"), v, None),
            (format!("{n}度"), v, None),
            (format!("{n}℃"), v, c),
            (format!("{z}摄氏度"), v, c),
            (format!("{n}摄氏度"), v, c),
            (format!("{z}度半"), half, None),
            (format!("{n}.5度"), half, None),
            (format!("{n} 度"), v, None),
        ] {
            let got = parse_temperature(&form).map(|t| (t.value, t.unit));
            assert_eq!(got, Some((value, unit)), "{form}");
        }
    }
}

#[test]
fn reads_every_duration_the_corpus_writes() {
    let seconds = |text: &str| parse_duration(text).map(|d| d.as_secs_f64());
    for (form, expected) in [
        ("an hour", 3600.0),
        ("half an hour", 1800.0),
        ("an hour and a half", 5400.0),
        ("半小时", 1800.0),
        ("半个小时", 1800.0),
        ("一个半小时", 5400.0),
    ] {
        assert_eq!(seconds(form), Some(expected), "{form}");
    }
    for n in 1..=12u32 {
        let hour = f64::from(n) * 3600.0;
        let (w, z) = (english_words(n), chinese_numeral(n, true));
        let unit = if n == 1 { "hour" } else { "hours" };
        for form in [
            format!("{n} hrs"),
            format!("{n}h"),
            format!("{w} {unit}"),
            format!("{n} {unit}"),
            format!("{z}个钟头"),
            format!("{n}小时"),
            format!("{n}个小时"),
            format!("{z}小时"),
            format!("{z}个小时"),
        ] {
            assert_eq!(seconds(&form), Some(hour), "{form}");
        }
    }
    for n in 1..=90u32 {
        let (w, z) = (english_words(n), chinese_numeral(n, true));
        for (unit, short, chinese, length) in [
            ("minute", ["mins", "min", "min"], ["分钟", "分", "分钟"], 60.0),
            ("second", ["secs", "sec", "s"], ["秒", "秒钟", "秒"], 1.0),
        ] {
            let plural = if n == 1 { unit.to_string() } else { format!("{unit}s") };
            let mut forms =
                vec![format!("{n} {plural}"), format!("{w} {plural}"), format!("{n}-{unit}"), format!("a {unit}")];
            forms.extend(short.iter().map(|s| format!("{n} {s}")));
            forms.extend(chinese.iter().flat_map(|c| [format!("{z}{c}"), format!("{n}{c}")]));
            for form in forms {
                let expected = if form.starts_with("a ") { length } else { f64::from(n) * length };
                assert_eq!(seconds(&form), Some(expected), "{form}");
            }
        }
    }
}

#[test]
fn reads_every_time_the_corpus_writes() {
    let time = |text: &str| parse_time(text).map(|t| (u32::from(t.hour), u32::from(t.minute)));
    for h in 1..=12u32 {
        let w = english_words(h);
        let am = h % 12;
        let pm = h % 12 + 12;
        for m in [0, 15, 30, 45, 5, 10, 20u32] {
            for (half, hour) in [("am", am), ("pm", pm), ("a.m.", am), ("p.m.", pm)] {
                assert_eq!(time(&format!("{h} {half}")), Some((hour, 0)), "{h} {half}");
                assert_eq!(time(&format!("{h}{half}")), Some((hour, 0)), "{h}{half}");
                assert_eq!(time(&format!("{h}:{m:02} {half}")), Some((hour, m)), "{h}:{m:02} {half}");
            }
            assert_eq!(time(&format!("{h}:{m:02}")), Some((h, m)));
            let minute_words = english_words(m.max(10));
            assert_eq!(time(&format!("{w} {minute_words}")), Some((h, m.max(10))), "{w} {minute_words}");
        }
        assert_eq!(time(&format!("{w} o'clock")), Some((h, 0)));
        assert_eq!(time(&format!("{w} thirty")), Some((h, 30)));
        assert_eq!(time(&format!("half past {w}")), Some((h, 30)));
        let before = if h == 1 { 12 } else { h - 1 };
        assert_eq!(time(&format!("quarter to {h}")), Some((before, 45)));
        assert_eq!(time(&format!("{h} in the morning")), Some((am, 0)));
        assert_eq!(time(&format!("{h} in the evening")), Some((pm, 0)));
        assert_eq!(time(&format!("{h} in the afternoon")), Some((pm, 0)));
    }
    assert_eq!(time("noon"), Some((12, 0)));
    assert_eq!(time("midnight"), Some((0, 0)));
}

#[test]
fn reads_every_chinese_time_the_corpus_writes() {
    let time = |text: &str| parse_time(text).map(|t| (u32::from(t.hour), u32::from(t.minute)));
    for h in 1..=12u32 {
        let hour = chinese_numeral(h, true);
        for part in ["", "早上", "上午", "中午", "下午", "晚上", "凌晨"] {
            let mut forms = vec![
                (format!("{part}{hour}点"), 0),
                (format!("{part}{hour}点半"), 30),
                (format!("{part}{hour}点一刻"), 15),
                (format!("{part}{h}点"), 0),
            ];
            forms.extend((10..=59).map(|m| (format!("{part}{hour}点{}分", chinese_numeral(m, false)), m)));
            forms.extend([10, 15, 20, 30, 40, 45].map(|m| (format!("{part}{h}点{m}"), m)));
            for (form, minute) in forms {
                let got = time(&form);
                // The hour keeps its place on the 12-hour clock; which half
                // of the day the part names is checked in the unit tests.
                let fits = got.is_some_and(|(hour, m)| hour % 12 == h % 12 && m == minute);
                assert!(fits, "{form}: {got:?}");
            }
        }
        for m in [0, 15, 30, 45u32] {
            assert_eq!(time(&format!("{h}:{m:02}")), Some((h, m)));
        }
    }
}

/// The colour names of a corpus pool file.
fn pool_colors(file: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("train/corpus/pools").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let pools = table.get("pools").and_then(|value| value.as_table()).expect("a [pools] table");
    let colors = pools.get("color").and_then(|value| value.as_array()).expect("a color pool");
    colors.iter().map(|value| value.as_str().expect("a colour name").to_string()).collect()
}

#[test]
fn every_pool_colour_is_known_in_both_languages() {
    for (file, lang) in [("en.toml", Lang::En), ("zh.toml", Lang::Zh)] {
        let names = pool_colors(file);
        assert!(names.len() > 50, "{file}");
        for name in names {
            let color = parse_color(&name, lang).unwrap_or_else(|| panic!("{file}: {name}"));
            for reply_lang in Lang::ALL {
                let reply = color_name(&color, reply_lang);
                assert_eq!(parse_color(reply, reply_lang), Some(color), "{name} -> {reply}");
            }
            if lang == Lang::Zh {
                let short = name.strip_suffix('色').unwrap_or(&name);
                assert_eq!(parse_color(short, lang), Some(color), "{name} -> {short}");
            }
        }
    }
}

/// Odd inputs: emoji, combining marks, other scripts, control characters,
/// lone signs, and long strings.
fn odd_strings() -> Vec<String> {
    let mut odd: Vec<String> = [
        "",
        " ",
        "\u{0}",
        "\t\n",
        "🙂",
        "👍🏽 50%",
        "e\u{301}\u{301}\u{301}",
        "\u{301}5",
        "5\u{301}",
        "\u{200B}7\u{200B}pm",
        "\u{FEFF}二十",
        "٣٠",
        "Ⅻ",
        "½",
        "⁵",
        "①②③",
        "%",
        "%%",
        "#",
        "##",
        "-",
        "--",
        ".",
        "..",
        ":",
        "::",
        "点",
        "点点",
        "分之",
        "百分之",
        "个半小时",
        "and",
        "a a a",
        "half half",
        "minus minus five",
        "负负五",
        "零下零下五度",
        "1e308",
        "-0",
        "NaN",
        "inf",
        "1,",
        ",1",
        "1,,000",
        "0x1f",
        "99999999999999999999",
        "99999999999999999999 hours",
        "99999999999999999999%",
        "99999999999999999999度",
        "一亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿",
        "九千九百九十九万九千九百九十九亿",
        "quarter to zero",
        "half past",
        "to",
        "12:",
        ":30",
        "7:3O",
        "🙂:🙂",
        "下午🙂点",
        "华氏",
        "°",
        "#ｆｆ８８００",
        "红色🙂",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for unit in ["9", "一", "百", "万", "半", "twenty ", "a ", "hundred ", ":", "#f", "🙂", "é", "点", "1h", "分"]
    {
        odd.push(unit.repeat(1024 / unit.len().max(1)));
    }
    odd
}

/// A fixed pseudo-random stream of inputs glued from value-like pieces, to
/// reach combinations no one would write by hand.
fn glued_strings(count: usize) -> Vec<String> {
    const PIECES: [&str; 40] = [
        "one", "twenty", "hundred", "thousand", "and", "a", "half", "quarter", "point", "minus", "past", "to", "pm",
        "hour", "minutes", "s", "degrees", "f", "%", "percent", "7", "0", "12", ":", ".", "-", " ", "十", "百", "万",
        "点", "半", "零", "两", "个", "小时", "分", "度", "下午", "#",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let length = (next() % 8) as usize;
            (0..length).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect::<String>()
        })
        .collect()
}

#[test]
fn never_panics_and_values_are_sane() {
    let mut inputs = odd_strings();
    inputs.extend(glued_strings(20_000));
    for text in &inputs {
        if let Some(n) = parse_number(text) {
            assert!(n.is_finite(), "{text:?}");
        }
        if let Some(p) = parse_percent(text) {
            assert!(p.is_finite(), "{text:?}");
        }
        match parse_volume(text) {
            Some(Level::Percent(v) | Level::Steps(v)) => assert!(v.is_finite(), "{text:?}"),
            None => {}
        }
        if let Some(t) = parse_temperature(text) {
            assert!(t.value.is_finite(), "{text:?}");
            let _ = resolve_unit(t.value, t.unit, TempUnit::Celsius);
        }
        let _ = parse_duration(text);
        if let Some(t) = parse_time(text) {
            assert!(t.hour < 24 && t.minute < 60, "{text:?}");
        }
        for lang in Lang::ALL {
            if let Some(color) = parse_color(text, lang) {
                assert!(!color_name(&color, lang).is_empty(), "{text:?}");
            }
        }
    }
}

#[test]
fn rejects_plain_words_everywhere() {
    for text in ["", "hello", "blue sky", "你好", "🙂"] {
        assert_eq!(parse_number(text), None, "{text}");
        assert_eq!(parse_percent(text), None, "{text}");
        assert_eq!(parse_volume(text), None, "{text}");
        assert_eq!(parse_temperature(text), None, "{text}");
        assert_eq!(parse_duration(text), None, "{text}");
        assert_eq!(parse_time(text), None, "{text}");
    }
}

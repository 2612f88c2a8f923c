//! Numbers, amounts and times as people write them, for the computed pools.

use hearth::text::Lang;
use rand::Rng;
use rand::seq::IndexedRandom;

pub use hearth::values::{chinese_numeral, english_words};

/// A number a person would pick for a level from 1 to 100: mostly round.
fn level(rng: &mut impl Rng) -> u32 {
    match rng.random_range(0..20) {
        0..=11 => rng.random_range(1..=10) * 10,
        12..=16 => rng.random_range(1..=19) * 5,
        _ => rng.random_range(1..=100),
    }
}

fn pick<'a>(rng: &mut impl Rng, options: &[&'a str]) -> &'a str {
    options.choose(rng).copied().unwrap_or_default()
}

/// Names of the pools the generator computes instead of reading from a file.
pub const COMPUTED_POOLS: [&str; 8] =
    ["brightness", "position", "volume", "temperature", "hours", "minutes", "seconds", "time"];

/// A value of a computed pool, or `None` if `pool` is not computed.
pub fn computed(pool: &str, lang: Lang, rng: &mut impl Rng) -> Option<String> {
    let value = match (pool, lang) {
        ("brightness", Lang::En) => {
            let n = level(rng);
            percent_en(rng, n, &[])
        }
        ("brightness", Lang::Zh) => {
            let n = level(rng);
            percent_zh(rng, n, &[])
        }
        ("position", Lang::En) => {
            let n = level(rng);
            percent_en(rng, n, &["halfway", "half way", "half"])
        }
        ("position", Lang::Zh) => {
            let n = level(rng);
            percent_zh(rng, n, &["一半"])
        }
        ("volume", Lang::En) => volume_en(rng),
        ("volume", Lang::Zh) => volume_zh(rng),
        ("temperature", Lang::En) => temperature_en(rng),
        ("temperature", Lang::Zh) => temperature_zh(rng),
        ("hours", Lang::En) => hours_en(rng),
        ("hours", Lang::Zh) => hours_zh(rng),
        ("minutes", Lang::En) => {
            let n = minutes(rng);
            amount_en(rng, n, "minute", &["mins", "min"])
        }
        ("minutes", Lang::Zh) => {
            let n = minutes(rng);
            amount_zh(rng, n, &["分钟", "分钟", "分"])
        }
        ("seconds", Lang::En) => {
            let n = seconds(rng);
            amount_en(rng, n, "second", &["secs", "sec", "s"])
        }
        ("seconds", Lang::Zh) => {
            let n = seconds(rng);
            amount_zh(rng, n, &["秒", "秒钟"])
        }
        ("time", Lang::En) => time_en(rng),
        ("time", Lang::Zh) => time_zh(rng),
        _ => return None,
    };
    Some(value)
}

fn percent_en(rng: &mut impl Rng, n: u32, specials: &[&str]) -> String {
    match rng.random_range(0..20) {
        0..=5 => format!("{n}%"),
        6..=10 => format!("{n} percent"),
        11..=14 => format!("{} percent", english_words(n)),
        15..=16 => n.to_string(),
        17 => format!("{n} per cent"),
        _ if !specials.is_empty() => pick(rng, specials).to_string(),
        _ => english_words(n),
    }
}

fn percent_zh(rng: &mut impl Rng, n: u32, specials: &[&str]) -> String {
    match rng.random_range(0..20) {
        0..=5 => format!("{n}%"),
        6..=11 => format!("百分之{}", chinese_numeral(n, false)),
        12..=14 => chinese_numeral(n, false),
        15..=16 => n.to_string(),
        17 => format!("百分之{n}"),
        _ if !specials.is_empty() => pick(rng, specials).to_string(),
        _ => format!("{n}％"),
    }
}

fn volume_en(rng: &mut impl Rng) -> String {
    if rng.random_bool(0.5) {
        let n = rng.random_range(0..=10);
        if rng.random_bool(0.5) { n.to_string() } else { english_words(n) }
    } else {
        let n = level(rng);
        percent_en(rng, n, &[])
    }
}

fn volume_zh(rng: &mut impl Rng) -> String {
    if rng.random_bool(0.5) {
        let n = rng.random_range(0..=10);
        match rng.random_range(0..3) {
            0 => n.to_string(),
            1 => chinese_numeral(n, false),
            _ => format!("{}格", chinese_numeral(n, false)),
        }
    } else {
        let n = level(rng);
        percent_zh(rng, n, &[])
    }
}

fn temperature_en(rng: &mut impl Rng) -> String {
    if rng.random_bool(0.25) {
        let n = rng.random_range(60..=82);
        let form = pick(rng, &["{n} degrees fahrenheit", "{n}°f", "{n} degrees", "{n} f", "{w} degrees", "{n}"]);
        return form.replace("{n}", &n.to_string()).replace("{w}", &english_words(n));
    }
    let n = rng.random_range(16..=30);
    if rng.random_bool(0.1) {
        let form = pick(rng, &["{n}.5 degrees", "{n}.5", "{w} and a half degrees", "{n}.5°c"]);
        return form.replace("{n}", &n.to_string()).replace("{w}", &english_words(n));
    }
    let form = pick(
        rng,
        &["{n} degrees", "{n} degrees", "{w} degrees", "{n}°", "{n}°c", "{n} degrees celsius", "{n} c", "{n}", "{w}"],
    );
    form.replace("{n}", &n.to_string()).replace("{w}", &english_words(n))
}

fn temperature_zh(rng: &mut impl Rng) -> String {
    let n = rng.random_range(16..=30);
    let form = pick(
        rng,
        &["{z}度", "{z}度", "{n}度", "{n}℃", "{z}摄氏度", "{n}摄氏度", "{z}度半", "{n}°", "{n}.5度", "{n} 度"],
    );
    form.replace("{n}", &n.to_string()).replace("{z}", &chinese_numeral(n, false))
}

fn hours_en(rng: &mut impl Rng) -> String {
    let n = rng.random_range(1..=12);
    match rng.random_range(0..12) {
        0 => "an hour".to_string(),
        1 => "half an hour".to_string(),
        2 => "an hour and a half".to_string(),
        3 => format!("{n} hrs"),
        4 => format!("{n}h"),
        5..=7 => format!("{} {}", english_words(n), if n == 1 { "hour" } else { "hours" }),
        _ => format!("{n} {}", if n == 1 { "hour" } else { "hours" }),
    }
}

fn hours_zh(rng: &mut impl Rng) -> String {
    let n = rng.random_range(1..=12);
    match rng.random_range(0..12) {
        0 => "半小时".to_string(),
        1 => "半个小时".to_string(),
        2 => "一个半小时".to_string(),
        3 => format!("{}个钟头", chinese_numeral(n, true)),
        4..=5 => format!("{n}小时"),
        6 => format!("{n}个小时"),
        7 => format!("{}小时", chinese_numeral(n, true)),
        _ => format!("{}个小时", chinese_numeral(n, true)),
    }
}

fn minutes(rng: &mut impl Rng) -> u32 {
    match rng.random_range(0..10) {
        0..=5 => *[1, 2, 3, 5, 10, 15, 20, 25, 30, 45].choose(rng).unwrap_or(&5),
        _ => rng.random_range(1..=90),
    }
}

fn seconds(rng: &mut impl Rng) -> u32 {
    match rng.random_range(0..10) {
        0..=5 => *[10, 15, 20, 30, 45, 60, 90].choose(rng).unwrap_or(&30),
        _ => rng.random_range(1..=90),
    }
}

fn amount_en(rng: &mut impl Rng, n: u32, unit: &str, short: &[&str]) -> String {
    let plural = if n == 1 { unit.to_string() } else { format!("{unit}s") };
    match rng.random_range(0..10) {
        0..=4 => format!("{n} {plural}"),
        5..=7 => format!("{} {plural}", english_words(n)),
        8 if n == 1 => format!("a {unit}"),
        8 => format!("{n}-{unit}"),
        _ => format!("{n} {}", pick(rng, short)),
    }
}

fn amount_zh(rng: &mut impl Rng, n: u32, units: &[&str]) -> String {
    let unit = pick(rng, units);
    if rng.random_bool(0.5) { format!("{}{unit}", chinese_numeral(n, true)) } else { format!("{n}{unit}") }
}

fn time_en(rng: &mut impl Rng) -> String {
    let h = rng.random_range(1..=12);
    let m = *[0, 15, 30, 45, 5, 10, 20].choose(rng).unwrap_or(&0);
    let half = pick(rng, &["am", "pm", "a.m.", "p.m."]);
    match rng.random_range(0..11) {
        0 => format!("{h} {half}"),
        1 => format!("{h}{half}"),
        2 => format!("{h}:{m:02}"),
        3 => format!("{h}:{m:02} {half}"),
        4 => format!("{} o'clock", english_words(h)),
        5 => format!("{} thirty", english_words(h)),
        6 => format!("half past {}", english_words(h)),
        7 => format!("quarter to {h}"),
        8 => pick(rng, &["noon", "midnight"]).to_string(),
        9 => format!("{} {}", english_words(h), english_words(m.max(10))),
        _ => format!("{h} in the {}", pick(rng, &["morning", "evening", "afternoon"])),
    }
}

fn time_zh(rng: &mut impl Rng) -> String {
    let h = rng.random_range(1..=12);
    let part = pick(rng, &["", "早上", "上午", "中午", "下午", "晚上", "凌晨"]);
    let hour = chinese_numeral(h, true);
    match rng.random_range(0..8) {
        0..=1 => format!("{part}{hour}点"),
        2 => format!("{part}{hour}点半"),
        3 => format!("{part}{hour}点一刻"),
        4 => format!("{part}{hour}点{}分", chinese_numeral(rng.random_range(10..=59), false)),
        5 => format!("{h}:{:02}", *[0, 15, 30, 45].choose(rng).unwrap_or(&0)),
        6 => format!("{part}{h}点"),
        _ => format!("{part}{h}点{}", *[10, 15, 20, 30, 40, 45].choose(rng).unwrap_or(&30)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_numbers() {
        assert_eq!(english_words(0), "zero");
        assert_eq!(english_words(21), "twenty one");
        assert_eq!(english_words(40), "forty");
        assert_eq!(english_words(100), "one hundred");
        assert_eq!(english_words(105), "one hundred and five");
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_numeral(0, false), "零");
        assert_eq!(chinese_numeral(2, true), "两");
        assert_eq!(chinese_numeral(12, true), "十二");
        assert_eq!(chinese_numeral(25, false), "二十五");
        assert_eq!(chinese_numeral(100, false), "一百");
        assert_eq!(chinese_numeral(105, false), "一百零五");
        assert_eq!(chinese_numeral(110, false), "一百一十");
        assert_eq!(chinese_numeral(200, true), "两百");
    }

    #[test]
    fn every_computed_pool_yields_values() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for pool in COMPUTED_POOLS {
            for lang in Lang::ALL {
                for _ in 0..50 {
                    let value = computed(pool, lang, &mut rng).unwrap();
                    assert!(!value.trim().is_empty() && value.trim() == value, "{pool} {lang}: {value:?}");
                }
            }
        }
        assert!(computed("device", Lang::En, &mut rng).is_none());
    }
    use rand::SeedableRng;
}

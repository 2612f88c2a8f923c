//! Levels: percentages (brightness, position) and volume.

use super::chinese_number::parse_chinese_fraction;
use super::clean::clean;
use super::number::parse_cleaned_number;

/// The highest number of volume steps: a bare volume of 0 to this many is
/// read as steps, above it as a percentage.
pub const VOLUME_STEPS_MAX: f32 = 10.0;

/// Reads a percentage as typed for a brightness, a cover position, a volume or
/// a relative change (`by 20 percent` is labelled `20 percent`), in percent.
///
/// Accepted forms:
/// - a number with a percent sign or word: `50%`, `50 ％`, `50 percent`,
///   `50 per cent`, `50 pct`, `fifty percent`;
/// - Chinese: `百分之五十`, `百分之50`, other fractions `四分之三` (= 75),
///   tenths with `成` (`五成` = 50);
/// - a bare number, taken as percent: `50`, `fifty`, `五十`;
/// - words: `half`, `halfway`, `half way`, `一半` = 50; `a quarter` = 25;
///   `three quarters` = 75; `full`, `fully`, `max`, `maximum`, `all the way`,
///   `全开`, `最大`, `最高`, `最亮`, `满` = 100; `min`, `minimum`, `全关`,
///   `最小`, `最低`, `最暗` = 0.
///
/// The value is returned as written, not clamped: `150%` gives 150 and `-5`
/// gives -5. The caller checks the range it accepts (for brightness a
/// "minimum" of 0 may mean the lowest level that is still on, the caller's
/// choice). A bare fraction such as `0.5` is 0.5 percent, not 50.
///
/// Returns `None` for text that is none of these, or a value too large for a
/// finite `f32`.
pub fn parse_percent(text: &str) -> Option<f32> {
    read_percent(&clean(text))
}

/// A volume level: either a percentage of full volume or a step on the
/// 0 to [`VOLUME_STEPS_MAX`] scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Level {
    /// Percent of full volume (`30%`, `百分之三十`, `half`).
    Percent(f32),
    /// Steps on a scale of 0 to [`VOLUME_STEPS_MAX`] (`7`, `seven`, `七格`).
    Steps(f32),
}

/// Reads a volume as typed.
///
/// The rule: text with a percent sign or word (`30%`, `thirty percent`,
/// `百分之三十`, `三成`) or a level word (`half`, `max`, `一半`) is a
/// [`Level::Percent`], read as by [`parse_percent`]. A bare number from 0 to
/// [`VOLUME_STEPS_MAX`] (`7`, `seven`, `七`, `7.5`) is [`Level::Steps`]; a bare
/// number above it (`30`) is [`Level::Percent`]. Step words make steps at any
/// value: `七格`, `7级`, `7档`, `level 7`, `step 7`, `7 out of 10`, `7/10`; a
/// scale other than 10 (`3 out of 5`, `3/5`) is turned into a percentage.
///
/// As with [`parse_percent`], values are not clamped (a negative bare number
/// gives negative steps); the caller checks the range. Returns `None` for
/// anything that is not a volume.
pub fn parse_volume(text: &str) -> Option<Level> {
    let text = clean(text);
    if let Some(level) = read_steps(&text) {
        return Some(level);
    }
    if has_percent_marker(&text) || percent_word(&text).is_some() {
        return read_percent(&text).map(Level::Percent);
    }
    let value = finite_f32(parse_cleaned_number(&text)?)?;
    Some(if value <= VOLUME_STEPS_MAX { Level::Steps(value) } else { Level::Percent(value) })
}

/// [`parse_percent`] on cleaned text.
fn read_percent(text: &str) -> Option<f32> {
    if let Some(value) = percent_word(text) {
        return Some(value);
    }
    let value = if let Some(number) = strip_percent_suffix(text) {
        parse_cleaned_number(number)?
    } else if text.contains("分之") {
        parse_chinese_fraction(text)? * 100.0
    } else if let Some(tenths) = text.strip_suffix('成') {
        parse_cleaned_number(tenths)? * 10.0
    } else {
        parse_cleaned_number(text)?
    };
    finite_f32(value)
}

/// The level a word stands for, in percent.
fn percent_word(text: &str) -> Option<f32> {
    let value = match text {
        "half" | "a half" | "halfway" | "half way" | "half-way" | "一半" | "半" | "一半儿" => 50.0,
        "quarter" | "a quarter" | "quarter way" | "a quarter of the way" | "quarter of the way" => 25.0,
        "three quarters" | "three quarters of the way" => 75.0,
        "full" | "fully" | "max" | "maximum" | "all the way" | "全开" | "全部打开" | "最大" | "最高" | "最亮"
        | "满" => 100.0,
        "min" | "minimum" | "全关" | "最小" | "最低" | "最暗" => 0.0,
        _ => return None,
    };
    Some(value)
}

/// The number before a percent sign or word, if the text ends with one.
fn strip_percent_suffix(text: &str) -> Option<&str> {
    ["%", "percent", "per cent", "pct", "percents"]
        .iter()
        .find_map(|suffix| text.strip_suffix(suffix))
        .map(str::trim_end)
        .filter(|number| !number.is_empty())
}

/// True when the text says explicitly that it is a percentage.
fn has_percent_marker(text: &str) -> bool {
    strip_percent_suffix(text).is_some() || text.contains("分之") || text.ends_with('成')
}

/// A volume written with a step word or a scale: `七格`, `level 7`,
/// `7 out of 10`, `3/5`.
fn read_steps(text: &str) -> Option<Level> {
    if let Some((number, scale)) = text.split_once(" out of ").or_else(|| text.split_once('/')) {
        let number = parse_cleaned_number(number.trim())?;
        let scale = parse_cleaned_number(scale.trim())?;
        if scale <= 0.0 {
            return None;
        }
        let steps = f64::from(VOLUME_STEPS_MAX);
        return Some(if scale == steps {
            Level::Steps(finite_f32(number)?)
        } else {
            Level::Percent(finite_f32(number / scale * 100.0)?)
        });
    }
    let number = ["格", "级", "档"]
        .iter()
        .find_map(|suffix| text.strip_suffix(suffix))
        .or_else(|| ["level ", "step ", "notch "].iter().find_map(|prefix| text.strip_prefix(prefix)))?;
    Some(Level::Steps(finite_f32(parse_cleaned_number(number.trim())?)?))
}

/// `value` as an `f32`, or `None` when it does not fit.
fn finite_f32(value: f64) -> Option<f32> {
    let narrow = value as f32;
    narrow.is_finite().then_some(narrow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_corpus_percent_forms() {
        let cases = [
            ("50%", 50.0),
            ("50 percent", 50.0),
            ("fifty percent", 50.0),
            ("30", 30.0),
            ("50 per cent", 50.0),
            ("百分之五十", 50.0),
            ("百分之50", 50.0),
            ("五十", 50.0),
            ("50％", 50.0),
            ("halfway", 50.0),
            ("half way", 50.0),
            ("half", 50.0),
            ("一半", 50.0),
            ("one hundred", 100.0),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_percent(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn reads_level_words_and_chinese_fractions() {
        assert_eq!(parse_percent("Max"), Some(100.0));
        assert_eq!(parse_percent("全开"), Some(100.0));
        assert_eq!(parse_percent("minimum"), Some(0.0));
        assert_eq!(parse_percent("a quarter"), Some(25.0));
        assert_eq!(parse_percent("四分之三"), Some(75.0));
        assert_eq!(parse_percent("五成"), Some(50.0));
        assert_eq!(parse_percent("12.5%"), Some(12.5));
    }

    #[test]
    fn does_not_clamp() {
        assert_eq!(parse_percent("150%"), Some(150.0));
        assert_eq!(parse_percent("-5%"), Some(-5.0));
    }

    #[test]
    fn rejects_non_percentages() {
        for text in ["", "%", "percent", "bright", "百分之", "blue", "1e999"] {
            assert_eq!(parse_percent(text), None, "{text}");
        }
        assert_eq!(parse_percent(&format!("{}%", "9".repeat(60))), None);
    }

    #[test]
    fn volume_bare_numbers_up_to_ten_are_steps() {
        assert_eq!(parse_volume("7"), Some(Level::Steps(7.0)));
        assert_eq!(parse_volume("seven"), Some(Level::Steps(7.0)));
        assert_eq!(parse_volume("七"), Some(Level::Steps(7.0)));
        assert_eq!(parse_volume("10"), Some(Level::Steps(10.0)));
        assert_eq!(parse_volume("0"), Some(Level::Steps(0.0)));
        assert_eq!(parse_volume("30"), Some(Level::Percent(30.0)));
    }

    #[test]
    fn volume_with_percent_marker_is_percent() {
        assert_eq!(parse_volume("30%"), Some(Level::Percent(30.0)));
        assert_eq!(parse_volume("5%"), Some(Level::Percent(5.0)));
        assert_eq!(parse_volume("thirty percent"), Some(Level::Percent(30.0)));
        assert_eq!(parse_volume("百分之三十"), Some(Level::Percent(30.0)));
        assert_eq!(parse_volume("half"), Some(Level::Percent(50.0)));
        assert_eq!(parse_volume("三成"), Some(Level::Percent(30.0)));
    }

    #[test]
    fn volume_step_words_and_scales() {
        assert_eq!(parse_volume("七格"), Some(Level::Steps(7.0)));
        assert_eq!(parse_volume("level 7"), Some(Level::Steps(7.0)));
        assert_eq!(parse_volume("7 out of 10"), Some(Level::Steps(7.0)));
        assert_eq!(parse_volume("7/10"), Some(Level::Steps(7.0)));
        assert_eq!(parse_volume("3/5"), Some(Level::Percent(60.0)));
        assert_eq!(parse_volume("3/0"), None);
        assert_eq!(parse_volume("loud"), None);
        assert_eq!(parse_volume(""), None);
    }
}

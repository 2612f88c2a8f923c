//! Temperatures with an optional unit, and conversion between units.

use super::clean::clean;
use super::number::parse_cleaned_number;

/// A temperature scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TempUnit {
    /// Degrees Celsius.
    Celsius,
    /// Degrees Fahrenheit.
    Fahrenheit,
}

/// A temperature as the person gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Temperature {
    /// The number as written, in `unit` (or in no stated unit).
    pub value: f32,
    /// The unit the person named, `None` for a bare number or plain
    /// `degrees`/`度`. [`resolve_unit`] decides what an unnamed unit means.
    pub unit: Option<TempUnit>,
}

/// Above this, a bare temperature is not a plausible room temperature in
/// Celsius, so it is read as Fahrenheit even when Celsius is preferred.
const CELSIUS_PLAUSIBLE_MAX: f32 = 45.0;

/// At or below this, a bare temperature is not a plausible room temperature
/// in Fahrenheit, so it is read as Celsius even when Fahrenheit is preferred.
const FAHRENHEIT_PLAUSIBLE_MIN: f32 = 35.0;

/// Reads a temperature as typed.
///
/// Accepted forms: a number (digits, English words or Chinese numerals, see
/// [`parse_number`](super::parse_number)) with an optional unit:
/// - unnamed: `21`, `21.5`, `21 degrees`, `21 degree`, `21 deg`, `21°`,
///   `seventy degrees`, `二十一度`, `21 度`;
/// - Celsius: `21 °C`, `21°c`, `21℃`, `21 c`, `21 degrees celsius`,
///   `21 centigrade`, `22摄氏度`, `摄氏22度`;
/// - Fahrenheit: `70 °F`, `70°f`, `70 f`, `70 fahrenheit`,
///   `70 degrees fahrenheit`, `华氏70度`, `70华氏度`;
/// - halves: `twenty one and a half degrees`, `二十一度半` (= 21.5);
/// - below zero: `-5`, `minus 5 degrees`, `零下五度`, `负五度`.
///
/// Returns `None` when no number remains after the unit is taken off, or the
/// value does not fit a finite `f32`. The value is not range-checked.
pub fn parse_temperature(text: &str) -> Option<Temperature> {
    let text = clean(text);
    let (text, below_zero) = match text.strip_prefix("零下") {
        Some(rest) => (rest.trim_start().to_string(), true),
        None => (text, false),
    };
    let (text, mut unit) = strip_unit_prefix(&text);
    let (text, half) = match text.strip_suffix("度半") {
        Some(rest) => (format!("{rest}度"), 0.5),
        None => (text.to_string(), 0.0),
    };
    let (text, suffix_unit) = strip_unit_suffix(&text);
    if suffix_unit.is_some() {
        if unit.is_some() && unit != suffix_unit {
            return None;
        }
        unit = suffix_unit;
    }
    let number = strip_degree_word(text);
    let mut value = parse_cleaned_number(number)? + half;
    if below_zero {
        value = -value;
    }
    let value = value as f32;
    value.is_finite().then_some(Temperature { value, unit })
}

/// Converts `value` in `unit` to degrees Celsius.
pub fn to_celsius(value: f32, unit: TempUnit) -> f32 {
    match unit {
        TempUnit::Celsius => value,
        TempUnit::Fahrenheit => (value - 32.0) * 5.0 / 9.0,
    }
}

/// Converts `value` in `unit` to degrees Fahrenheit.
pub fn to_fahrenheit(value: f32, unit: TempUnit) -> f32 {
    match unit {
        TempUnit::Celsius => value * 9.0 / 5.0 + 32.0,
        TempUnit::Fahrenheit => value,
    }
}

/// The temperature in degrees Celsius, deciding the unit when none was named.
///
/// The rule:
/// 1. an explicit `unit` wins;
/// 2. with no unit, the user's `preferred` unit applies, except where that
///    reading is not a plausible room temperature while the other one is:
///    with Celsius preferred, a value above 45 is read as Fahrenheit
///    (`set it to 70` means 70 °F); with Fahrenheit preferred, a value of 35
///    or less is read as Celsius (`set it to 21` means 21 °C).
///
/// Between 35 and 45 both readings are odd for a room, and the preference
/// decides. The result is not range-checked.
pub fn resolve_unit(value: f32, unit: Option<TempUnit>, preferred: TempUnit) -> f32 {
    let unit = unit.unwrap_or(match preferred {
        TempUnit::Celsius if value > CELSIUS_PLAUSIBLE_MAX => TempUnit::Fahrenheit,
        TempUnit::Fahrenheit if value <= FAHRENHEIT_PLAUSIBLE_MIN => TempUnit::Celsius,
        preferred => preferred,
    });
    to_celsius(value, unit)
}

/// Takes a leading `华氏` or `摄氏` off (`华氏70度`).
fn strip_unit_prefix(text: &str) -> (&str, Option<TempUnit>) {
    if let Some(rest) = text.strip_prefix("华氏").or_else(|| text.strip_prefix("華氏")) {
        return (rest.trim_start(), Some(TempUnit::Fahrenheit));
    }
    if let Some(rest) = text.strip_prefix("摄氏").or_else(|| text.strip_prefix("攝氏")) {
        return (rest.trim_start(), Some(TempUnit::Celsius));
    }
    (text, None)
}

/// Takes a trailing unit name off, with any `degrees` before it.
fn strip_unit_suffix(text: &str) -> (&str, Option<TempUnit>) {
    const CELSIUS: [&str; 6] = ["摄氏度", "攝氏度", "celsius", "centigrade", "°c", "deg c"];
    const FAHRENHEIT: [&str; 5] = ["华氏度", "華氏度", "fahrenheit", "°f", "deg f"];
    for (names, unit) in [(&CELSIUS[..], TempUnit::Celsius), (&FAHRENHEIT[..], TempUnit::Fahrenheit)] {
        if let Some(rest) = names.iter().find_map(|name| text.strip_suffix(name)) {
            return (rest.trim_end(), Some(unit));
        }
    }
    // A lone `c` or `f` after a number (`21 c`, `70f`), never a word's last letter.
    for (letter, unit) in [('c', TempUnit::Celsius), ('f', TempUnit::Fahrenheit)] {
        if let Some(rest) = text.strip_suffix(letter)
            && rest.ends_with(|c: char| c.is_ascii_digit() || c == ' ' || c == '°')
        {
            return (rest.trim_end(), Some(unit));
        }
    }
    (text, None)
}

/// Takes a trailing unit-less degree word off: `degrees`, `degree`, `deg`,
/// `°`, `度`.
fn strip_degree_word(text: &str) -> &str {
    ["degrees", "degree", "deg", "°", "度"]
        .iter()
        .find_map(|word| text.strip_suffix(word))
        .map(str::trim_end)
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(f32, Option<TempUnit>)> {
        parse_temperature(text).map(|t| (t.value, t.unit))
    }

    const C: Option<TempUnit> = Some(TempUnit::Celsius);
    const F: Option<TempUnit> = Some(TempUnit::Fahrenheit);

    #[test]
    fn reads_english_forms() {
        let cases = [
            ("21 degrees", (21.0, None)),
            ("twenty one degrees", (21.0, None)),
            ("21°", (21.0, None)),
            ("21 °C", (21.0, C)),
            ("21°c", (21.0, C)),
            ("21℃", (21.0, C)),
            ("21 c", (21.0, C)),
            ("21 degrees celsius", (21.0, C)),
            ("70 °F", (70.0, F)),
            ("70°f", (70.0, F)),
            ("70 f", (70.0, F)),
            ("70 fahrenheit", (70.0, F)),
            ("70 degrees fahrenheit", (70.0, F)),
            ("seventy degrees", (70.0, None)),
            ("21.5", (21.5, None)),
            ("21.5°c", (21.5, C)),
            ("twenty one and a half degrees", (21.5, None)),
            ("22", (22.0, None)),
            ("minus 5 degrees", (-5.0, None)),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn reads_chinese_forms() {
        let cases = [
            ("二十一度", (21.0, None)),
            ("21度", (21.0, None)),
            ("21 度", (21.0, None)),
            ("22摄氏度", (22.0, C)),
            ("二十二摄氏度", (22.0, C)),
            ("摄氏22度", (22.0, C)),
            ("华氏70度", (70.0, F)),
            ("70华氏度", (70.0, F)),
            ("二十一度半", (21.5, None)),
            ("21.5度", (21.5, None)),
            ("２２度", (22.0, None)),
            ("零下五度", (-5.0, None)),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn rejects_non_temperatures() {
        for text in ["", "degrees", "度", "°c", "warm", "华氏", "华氏22摄氏度", "度二十"] {
            assert_eq!(read(text), None, "{text}");
        }
    }

    #[test]
    fn converts_units() {
        assert_eq!(to_celsius(212.0, TempUnit::Fahrenheit), 100.0);
        assert_eq!(to_celsius(21.0, TempUnit::Celsius), 21.0);
        assert_eq!(to_fahrenheit(100.0, TempUnit::Celsius), 212.0);
        assert_eq!(to_fahrenheit(-40.0, TempUnit::Celsius), -40.0);
        assert_eq!(to_fahrenheit(70.0, TempUnit::Fahrenheit), 70.0);
    }

    #[test]
    fn resolves_units() {
        let near = |a: f32, b: f32| (a - b).abs() < 1e-4;
        assert!(near(resolve_unit(70.0, Some(TempUnit::Celsius), TempUnit::Fahrenheit), 70.0));
        assert!(near(
            resolve_unit(21.0, Some(TempUnit::Fahrenheit), TempUnit::Celsius),
            to_celsius(21.0, TempUnit::Fahrenheit)
        ));
        assert!(near(resolve_unit(21.0, None, TempUnit::Celsius), 21.0));
        assert!(near(resolve_unit(45.0, None, TempUnit::Celsius), 45.0));
        assert!(near(resolve_unit(68.0, None, TempUnit::Celsius), 20.0));
        assert!(near(resolve_unit(68.0, None, TempUnit::Fahrenheit), 20.0));
        assert!(near(resolve_unit(21.0, None, TempUnit::Fahrenheit), 21.0));
        assert!(near(resolve_unit(41.0, None, TempUnit::Fahrenheit), 5.0));
    }
}

//! Colours by name (English or Chinese) or by hex code.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::clean::clean;
use super::color_table::{COLORS, NamedColor};
use crate::text::Lang;

/// The canonical name of a colour given as a hex code that matches no named
/// colour.
pub const CUSTOM_COLOR_NAME: &str = "custom";

/// A colour for a light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color {
    /// The canonical English name (`red`, `warm white`), or
    /// [`CUSTOM_COLOR_NAME`] for a hex code that matches no named colour.
    pub name: &'static str,
    /// The sRGB value: the web (CSS) colour where the web names it, otherwise
    /// a usual reference value.
    pub rgb: [u8; 3],
    /// For whites, the colour temperature in kelvin (`warm white` 2700,
    /// `cool white` 5000, `daylight` 6500, `candlelight` 1900); `None` for
    /// other colours and for plain `white`, which is full RGB white and leaves
    /// a white-only lamp at its current temperature.
    pub kelvin: Option<u16>,
}

/// Reads a colour as typed.
///
/// Accepted forms:
/// - every colour name of the corpus pools in both languages, and some common
///   synonyms (`red`, `warm white`, `sky blue`, `aqua`, `红色`, `暖白色`,
///   `天蓝色`), whatever the case, spacing or hyphens (`Sky-Blue`, `skyblue`);
/// - a trailing `color`/`colour` or `色`/`颜色`/`的` may be added or left out
///   (`red colour`, `红`, `暖白`, `红色的`);
/// - a hex code `#ff8800` or `#f80`: the named colour with exactly that RGB
///   value if there is one, otherwise a [`CUSTOM_COLOR_NAME`] colour.
///
/// English and Chinese names of one colour give the same [`Color`]. Names of
/// either language are accepted whatever `lang` is (people mix languages);
/// `lang` only decides which language's names are tried first.
///
/// Returns `None` for anything else. Colour temperatures in kelvin (`2700k`)
/// are not read here.
pub fn parse_color(text: &str, lang: Lang) -> Option<Color> {
    let text = clean(text);
    if let Some(hex) = text.strip_prefix('#') {
        let rgb = parse_hex(hex)?;
        return Some(
            COLORS
                .iter()
                .find(|named| named.rgb == rgb)
                .map_or(Color { name: CUSTOM_COLOR_NAME, rgb, kelvin: None }, to_color),
        );
    }
    let key = name_key(&text)?;
    let in_english = || ENGLISH_KEYS.get(&key);
    let in_chinese = || CHINESE_KEYS.get(&key);
    let found = match lang {
        Lang::En => in_english().or_else(in_chinese),
        Lang::Zh => in_chinese().or_else(in_english),
    };
    found.map(|&index| to_color(&COLORS[index]))
}

/// The [`name_key`] of every English name, to its index in [`COLORS`].
static ENGLISH_KEYS: LazyLock<HashMap<String, usize>> = LazyLock::new(|| key_index(|named| named.english));

/// The [`name_key`] of every Chinese name, to its index in [`COLORS`].
static CHINESE_KEYS: LazyLock<HashMap<String, usize>> = LazyLock::new(|| key_index(|named| named.chinese));

/// Maps the key of each name that `names` picks from a table entry to the
/// entry's index; the first entry wins if two names share a key.
fn key_index(names: impl Fn(&NamedColor) -> &'static [&'static str]) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (position, named) in COLORS.iter().enumerate() {
        for key in names(named).iter().filter_map(|name| name_key(name)) {
            index.entry(key).or_insert(position);
        }
    }
    index
}

/// The name of `color` to use in a reply in `lang`: the canonical English
/// name (`warm white`) or the usual Chinese name (`暖白色`). A custom colour
/// is `custom` or `自定义颜色`.
pub fn color_name(color: &Color, lang: Lang) -> &'static str {
    let named = COLORS.iter().find(|named| named.english.first() == Some(&color.name));
    match (named, lang) {
        (Some(named), Lang::En) => named.english.first().copied().unwrap_or(color.name),
        (Some(named), Lang::Zh) => named.chinese.first().copied().unwrap_or(color.name),
        (None, Lang::En) => CUSTOM_COLOR_NAME,
        (None, Lang::Zh) => "自定义颜色",
    }
}

/// The public form of a table entry.
fn to_color(named: &NamedColor) -> Color {
    Color { name: named.english.first().copied().unwrap_or(CUSTOM_COLOR_NAME), rgb: named.rgb, kelvin: named.kelvin }
}

/// A name reduced to what identifies it: without spaces, hyphens,
/// apostrophes, a trailing `的`, and a trailing `color`, `colour`, `颜色` or
/// `色`. `None` when nothing is left.
pub(crate) fn name_key(name: &str) -> Option<String> {
    let compact: String = name.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\'' | '’')).collect();
    let compact = compact.to_lowercase();
    let compact = compact.strip_suffix('的').unwrap_or(&compact);
    let stem =
        ["colour", "color", "颜色", "色"].iter().find_map(|suffix| compact.strip_suffix(suffix)).unwrap_or(compact);
    (!stem.is_empty()).then(|| stem.to_string())
}

/// Reads `ff8800` or `f80` (without the `#`).
fn parse_hex(hex: &str) -> Option<[u8; 3]> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digits: Vec<u8> = hex.bytes().map(|b| (b as char).to_digit(16).unwrap_or(0) as u8).collect();
    match digits.as_slice() {
        [r, g, b] => Some([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Some([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_chinese_names_meet() {
        let pairs = [
            ("red", "红色"),
            ("red", "红"),
            ("warm white", "暖白色"),
            ("warm white", "暖白"),
            ("cool white", "冷光"),
            ("sky blue", "天蓝色"),
            ("orange", "橘色"),
            ("navy blue", "藏青色"),
            ("candlelight", "烛光色"),
            ("magenta", "品红色"),
        ];
        for (english, chinese) in pairs {
            let from_english = parse_color(english, Lang::En);
            assert!(from_english.is_some(), "{english}");
            assert_eq!(from_english, parse_color(chinese, Lang::Zh), "{english} / {chinese}");
        }
    }

    #[test]
    fn tolerates_case_spacing_and_suffixes() {
        let sky_blue = parse_color("sky blue", Lang::En).map(|c| c.name);
        assert_eq!(sky_blue, Some("sky blue"));
        for text in ["Sky-Blue", "SKYBLUE", "sky blue colour", " sky  blue. "] {
            assert_eq!(parse_color(text, Lang::En).map(|c| c.name), sky_blue, "{text}");
        }
        assert_eq!(parse_color("红色的", Lang::Zh).map(|c| c.name), Some("red"));
        assert_eq!(parse_color("red", Lang::Zh).map(|c| c.name), Some("red"));
        assert_eq!(parse_color("红色", Lang::En).map(|c| c.name), Some("red"));
    }

    #[test]
    fn whites_have_colour_temperatures() {
        assert_eq!(parse_color("warm white", Lang::En).and_then(|c| c.kelvin), Some(2700));
        assert_eq!(parse_color("daylight", Lang::En).and_then(|c| c.kelvin), Some(6500));
        let cool = parse_color("cool white", Lang::En).and_then(|c| c.kelvin).unwrap_or(0);
        assert!((4000..=5000).contains(&cool));
        assert_eq!(parse_color("blue", Lang::En).and_then(|c| c.kelvin), None);
    }

    #[test]
    fn reads_hex_codes() {
        let custom = parse_color("#FF8801", Lang::En);
        assert_eq!(custom, Some(Color { name: CUSTOM_COLOR_NAME, rgb: [255, 136, 1], kelvin: None }));
        assert_eq!(parse_color("#f00", Lang::En).map(|c| c.name), Some("red"));
        assert_eq!(parse_color("#0000ff", Lang::Zh).map(|c| c.name), Some("blue"));
        for text in ["#", "#ff88", "#gg0000", "#ff88000", "ff8800"] {
            assert_eq!(parse_color(text, Lang::En), None, "{text}");
        }
    }

    #[test]
    fn rejects_non_colours() {
        for text in ["", "色", "colour", "lamp", "黑白", "#"] {
            assert_eq!(parse_color(text, Lang::En), None, "{text}");
            assert_eq!(parse_color(text, Lang::Zh), None, "{text}");
        }
    }

    #[test]
    fn names_for_replies() {
        let red = parse_color("红", Lang::Zh).unwrap_or(Color { name: "", rgb: [0; 3], kelvin: None });
        assert_eq!(color_name(&red, Lang::En), "red");
        assert_eq!(color_name(&red, Lang::Zh), "红色");
        let gold = parse_color("金黄色", Lang::Zh).unwrap_or(red);
        assert_eq!(color_name(&gold, Lang::En), "gold");
        assert_eq!(color_name(&gold, Lang::Zh), "金色");
        let custom = Color { name: CUSTOM_COLOR_NAME, rgb: [1, 2, 3], kelvin: None };
        assert_eq!(color_name(&custom, Lang::Zh), "自定义颜色");
    }

    #[test]
    fn table_keys_are_unique_and_every_entry_has_both_languages() {
        let mut seen = std::collections::HashMap::new();
        for named in COLORS {
            assert!(!named.english.is_empty() && !named.chinese.is_empty());
            for name in named.english.iter().chain(named.chinese) {
                let key = name_key(name).unwrap_or_default();
                assert!(!key.is_empty(), "{name}");
                let canonical = named.english[0];
                if let Some(previous) = seen.insert(key.clone(), canonical) {
                    panic!("{name} ({key}) names both {previous} and {canonical}");
                }
            }
        }
    }
}

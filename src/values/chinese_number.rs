//! Numbers written in Chinese numerals.

use super::number::parse_digits;

/// One piece of a Chinese numeral.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    /// A digit `一` ... `九`, `两`, `俩`, or a run of ASCII digits. `single` is
    /// false for an ASCII run of more than one digit or with a decimal part.
    Digit { value: f64, single: bool },
    /// `零` or `〇`.
    Zero,
    /// `十`, `百` or `千`: multiplies the digit before it.
    SmallUnit(f64),
    /// `万` or `亿`: multiplies everything before it.
    LargeUnit(f64),
}

/// Reads cleaned Chinese numerals: `二十一`, `两`, `十五`, `一百`,
/// `一百零五`, `一千零五`, `两千五` (= 2500), `三万五` (= 35000), `三点五`,
/// `零`, `二五` (digits without units are read one by one: 25), `半` and
/// `一半` (= 0.5), and ASCII digits with Chinese units (`3千`, `2.5万`).
/// Financial forms (`壹`, `贰`, `拾`, `佰`, `仟`) and traditional `兩`, `萬`,
/// `億`, `點` are accepted too.
///
/// Returns `None` for anything else, including `百分之五十` (a percentage)
/// and fractions such as `三分之一`.
pub(crate) fn parse_chinese_number(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.as_str() {
        "半" | "一半" => return Some(0.5),
        "" => return None,
        _ => {}
    }
    match compact.split_once(['点', '點']) {
        Some((whole, fraction)) => Some(parse_integer(whole)? + parse_decimal(fraction)?),
        None => parse_integer(&compact),
    }
}

/// Reads `A分之B` (B parts of A): `百分之五十` is 0.5, `三分之一` is 1/3.
/// Returns `None` when either side is not a number or A is zero.
pub(crate) fn parse_chinese_fraction(text: &str) -> Option<f64> {
    let (denominator, numerator) = text.split_once("分之")?;
    let denominator = parse_chinese_number(denominator).or_else(|| parse_digits(denominator))?;
    let numerator = parse_chinese_number(numerator).or_else(|| parse_digits(numerator))?;
    (denominator != 0.0).then_some(numerator / denominator)
}

/// The value of one Chinese digit character, `零` included.
pub(crate) fn chinese_digit(c: char) -> Option<u32> {
    let value = match c {
        '零' | '〇' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '贰' | '貳' | '两' | '兩' | '俩' | '倆' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    };
    Some(value)
}

/// Cuts a numeral into pieces; `None` if it holds anything else.
fn pieces(text: &str) -> Option<Vec<Piece>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        if c.is_ascii_digit() {
            let start = index;
            while index < chars.len() && (chars[index].is_ascii_digit() || chars[index] == '.') {
                index += 1;
            }
            let run: String = chars[start..index].iter().collect();
            out.push(Piece::Digit { value: parse_digits(&run)?, single: run.len() == 1 });
            continue;
        }
        out.push(match c {
            '十' | '拾' => Piece::SmallUnit(10.0),
            '百' | '佰' => Piece::SmallUnit(100.0),
            '千' | '仟' => Piece::SmallUnit(1000.0),
            '万' | '萬' => Piece::LargeUnit(1e4),
            '亿' | '億' => Piece::LargeUnit(1e8),
            _ => match chinese_digit(c)? {
                0 => Piece::Zero,
                digit => Piece::Digit { value: f64::from(digit), single: true },
            },
        });
        index += 1;
    }
    Some(out)
}

/// Reads a whole number in Chinese numerals.
fn parse_integer(text: &str) -> Option<f64> {
    let pieces = pieces(text)?;
    if pieces.is_empty() {
        return None;
    }
    let has_units = pieces.iter().any(|piece| matches!(piece, Piece::SmallUnit(_) | Piece::LargeUnit(_)));
    if has_units { read_with_units(&pieces) } else { read_digit_by_digit(&pieces) }
}

/// Digits without units, one by one: `二五` is 25, `零五` is 5, and a single
/// ASCII run is its own value.
fn read_digit_by_digit(pieces: &[Piece]) -> Option<f64> {
    if let [Piece::Digit { value, .. }] = pieces {
        return Some(*value);
    }
    let mut total = 0.0;
    for piece in pieces {
        let digit = match piece {
            Piece::Zero => 0.0,
            Piece::Digit { value, single: true } => *value,
            _ => return None,
        };
        total = total * 10.0 + digit;
    }
    Some(total)
}

/// The usual reading with `十`, `百`, `千`, `万`, `亿`.
///
/// A digit waits for the unit after it. A digit left at the end counts in
/// the place just below the last unit when no `零` came between:
/// `一百五` is 150, `两千五` is 2500, but `一百零五` is 105.
fn read_with_units(pieces: &[Piece]) -> Option<f64> {
    let mut total = 0.0;
    let mut section = 0.0;
    let mut pending: Option<(f64, bool)> = None;
    let mut last_small_unit = f64::INFINITY;
    let mut last_unit = 0.0;
    let mut last_large_unit = 0.0;
    let mut zero_since_unit = false;
    for (index, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Digit { value, single } => {
                if pending.is_some() {
                    return None;
                }
                pending = Some((value, single));
            }
            Piece::Zero => {
                if pending.is_some() || index == 0 {
                    return None;
                }
                zero_since_unit = true;
            }
            Piece::SmallUnit(unit) => {
                if unit >= last_small_unit {
                    return None;
                }
                let digit = match pending.take() {
                    Some((value, _)) if value < 10.0 => value,
                    Some(_) => return None,
                    // `十五`, and a unit that opens the numeral (`百`, `千万`).
                    None if unit == 10.0 || index == 0 => 1.0,
                    None => return None,
                };
                section += digit * unit;
                last_small_unit = unit;
                last_unit = unit;
                zero_since_unit = false;
            }
            Piece::LargeUnit(unit) => {
                if let Some((value, _)) = pending.take() {
                    section += value;
                }
                let empty_section = section == 0.0;
                if unit == last_large_unit || (empty_section && (total == 0.0 || unit < last_large_unit)) {
                    return None;
                }
                if unit > last_large_unit {
                    // `一万亿`: a larger unit multiplies everything before it.
                    total = (total + section) * unit;
                } else {
                    total += section * unit;
                }
                section = 0.0;
                last_small_unit = f64::INFINITY;
                last_large_unit = unit;
                last_unit = unit;
                zero_since_unit = false;
            }
        }
    }
    if let Some((value, single)) = pending {
        if !single {
            return None;
        }
        let abbreviated = !zero_since_unit && last_unit >= 100.0;
        section += if abbreviated { value * last_unit / 10.0 } else { value };
    }
    Some(total + section)
}

/// The digits after `点`, one by one: `五` is 0.5, `一四` is 0.14.
fn parse_decimal(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let mut value = 0.0;
    let mut scale = 0.1;
    for c in text.chars() {
        let digit = chinese_digit(c).or_else(|| c.to_digit(10))?;
        value += f64::from(digit) * scale;
        scale /= 10.0;
    }
    Some(value)
}

/// The Chinese digits, by value.
const WRITTEN_DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Chinese numerals for `0..=999` (十五, 二十五, 一百零五). With `liang`, a
/// leading 2 is written 两, as before a measure word (两个小时, 两百).
pub fn chinese_numeral(n: u32, liang: bool) -> String {
    let hundreds = n / 100 % 10;
    let tens = n / 10 % 10;
    let ones = n % 10;
    let mut out = String::new();
    if hundreds > 0 {
        out.push(if liang && hundreds == 2 { '两' } else { WRITTEN_DIGITS[hundreds as usize] });
        out.push('百');
        if tens == 0 && ones > 0 {
            out.push('零');
        }
    }
    if tens > 0 {
        if hundreds > 0 || tens > 1 {
            out.push(WRITTEN_DIGITS[tens as usize]);
        }
        out.push('十');
    }
    if ones > 0 || n == 0 {
        let lone_two = liang && ones == 2 && n < 10;
        out.push(if lone_two { '两' } else { WRITTEN_DIGITS[ones as usize] });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<f64> {
        parse_chinese_number(text)
    }

    #[test]
    fn reads_every_form_the_corpus_writes() {
        let cases = [
            ("零", 0.0),
            ("两", 2.0),
            ("十", 10.0),
            ("十二", 12.0),
            ("十五", 15.0),
            ("二十五", 25.0),
            ("一百", 100.0),
            ("一百零五", 105.0),
            ("一百一十", 110.0),
            ("两百", 200.0),
            ("九百九十九", 999.0),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn reads_colloquial_and_large_forms() {
        let cases = [
            ("一千零五", 1005.0),
            ("一百五", 150.0),
            ("两千五", 2500.0),
            ("三万五", 35000.0),
            ("一万五千", 15000.0),
            ("三万零五十", 30050.0),
            ("一亿五千万", 150_000_000.0),
            ("一万亿", 1e12),
            ("千万", 1e7),
            ("百", 100.0),
            ("一百十五", 115.0),
            ("二五", 25.0),
            ("零五", 5.0),
            ("3千", 3000.0),
            ("2.5万", 25000.0),
            ("俩", 2.0),
            ("贰拾", 20.0),
            ("半", 0.5),
            ("一半", 0.5),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn reads_decimals() {
        assert_eq!(read("三点五"), Some(3.5));
        assert_eq!(read("二十一点五"), Some(21.5));
        assert_eq!(read("零点二五"), Some(0.25));
    }

    #[test]
    fn rejects_non_numerals() {
        for text in [
            "",
            "点",
            "三点",
            "点五",
            "百分之五十",
            "二三十",
            "十百",
            "一百二百",
            "万",
            "一万一万",
            "一亿万",
            "零一百",
            "五个",
            "红色",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }

    #[test]
    fn reads_fractions() {
        assert_eq!(parse_chinese_fraction("百分之五十"), Some(0.5));
        assert_eq!(parse_chinese_fraction("百分之50"), Some(0.5));
        assert_eq!(parse_chinese_fraction("四分之三"), Some(0.75));
        assert_eq!(parse_chinese_fraction("零分之一"), None);
        assert_eq!(parse_chinese_fraction("五十"), None);
    }
}

//! Numbers written in English words.

use super::number::parse_digits;

/// The words for `0..=19`, by value.
const SMALL_NUMBERS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

/// The words for the tens, by value divided by ten (`twenty` is at 2).
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// Writes `0..=999` in English words: "twenty one", "one hundred and five".
/// The corpus generator writes numbers with this, so the reader below reads
/// back every form it writes.
pub fn english_words(n: u32) -> String {
    match n {
        0..=19 => SMALL_NUMBERS[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => format!("{} {}", TENS[(n / 10) as usize], SMALL_NUMBERS[(n % 10) as usize]),
        _ if n.is_multiple_of(100) => format!("{} hundred", SMALL_NUMBERS[(n / 100 % 10) as usize]),
        _ => format!("{} hundred and {}", SMALL_NUMBERS[(n / 100 % 10) as usize], english_words(n % 100)),
    }
}

/// Reads cleaned, lower-case English number words: `twenty one`,
/// `twenty-one`, `a hundred`, `one hundred and five`, `two thousand`,
/// `a dozen`, `one and a half`, `2 and a half`, `twenty one point five`,
/// `half`, `a quarter`, `three quarters`, `zero`, `oh`.
///
/// Returns `None` for anything that is not one of these forms, including word
/// sequences that do not make one number (`one two`, `five twenty`).
pub(crate) fn parse_english_number(text: &str) -> Option<f64> {
    let words: Vec<&str> = text.split([' ', '-']).filter(|word| !word.is_empty()).collect();
    if words.is_empty() {
        return None;
    }
    if let Some(value) = parse_fraction_word(&words) {
        return Some(value);
    }
    if let Some((whole, fraction)) = split_and_fraction(&words) {
        return Some(parse_whole(whole)? + fraction);
    }
    if let Some(point) = words.iter().position(|&word| word == "point") {
        let whole = if point == 0 { 0.0 } else { parse_integer_words(&words[..point])? };
        return Some(whole + parse_decimal_digits(&words[point + 1..])?);
    }
    parse_integer_words(&words)
}

/// The value of a single digit word (`zero`, `oh`, `one` ... `nine`).
pub(crate) fn digit_word(word: &str) -> Option<u32> {
    match word {
        "oh" | "o" | "zero" | "nought" => Some(0),
        _ => SMALL_NUMBERS[1..10].iter().position(|&name| name == word).map(|index| index as u32 + 1),
    }
}

/// A fraction said on its own: `half`, `a half`, `one half`, `quarter`,
/// `a quarter`, `three quarters`.
fn parse_fraction_word(words: &[&str]) -> Option<f64> {
    match words {
        ["half"] | ["a" | "one", "half"] => Some(0.5),
        ["quarter"] | ["a" | "one", "quarter"] => Some(0.25),
        ["three", "quarters" | "quarter"] => Some(0.75),
        _ => None,
    }
}

/// Splits `one and a half` into the whole part and the fraction it adds.
fn split_and_fraction<'a>(words: &'a [&'a str]) -> Option<(&'a [&'a str], f64)> {
    let (fraction, length) = match words {
        [.., "and", "a" | "one", "half"] => (0.5, 3),
        [.., "and", "a" | "one", "quarter"] => (0.25, 3),
        [.., "and", "three", "quarters" | "quarter"] => (0.75, 3),
        _ => return None,
    };
    let whole = &words[..words.len() - length];
    (!whole.is_empty()).then_some((whole, fraction))
}

/// The whole part before `and a half`: digits or number words.
fn parse_whole(words: &[&str]) -> Option<f64> {
    match words {
        [single] => parse_digits(single).or_else(|| parse_integer_words(words)),
        _ => parse_integer_words(words),
    }
}

/// The digits after `point`, each a single digit word: `five` is 0.5,
/// `two five` is 0.25.
fn parse_decimal_digits(words: &[&str]) -> Option<f64> {
    if words.is_empty() {
        return None;
    }
    let mut value = 0.0;
    let mut scale = 0.1;
    for word in words {
        value += f64::from(digit_word(word)?) * scale;
        scale /= 10.0;
    }
    Some(value)
}

/// What the previous word of an integer was, to reject sequences that do not
/// form one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Previous {
    /// Nothing yet.
    Start,
    /// `a` or `an` before a scale word.
    Article,
    /// A word for 1 to 9, or a count in digits before a scale word.
    Unit,
    /// A word for 10 to 19.
    Teen,
    /// `twenty` ... `ninety`.
    Tens,
    /// `hundred` or `dozen`.
    Hundred,
    /// `thousand`, `million` or `billion`.
    Scale,
    /// `and` after a hundred or a scale word.
    And,
}

/// Reads an integer in words: `twenty one`, `a hundred and five`,
/// `nineteen hundred`, `two thousand three hundred`, `a dozen`, `zero`.
fn parse_integer_words(words: &[&str]) -> Option<f64> {
    if let [single] = words
        && let Some(0) = digit_word(single)
        && *single != "o"
    {
        return Some(0.0);
    }
    let mut total = 0.0;
    let mut group = 0.0;
    let mut previous = Previous::Start;
    let mut last_scale = f64::INFINITY;
    for (index, &word) in words.iter().enumerate() {
        let next_is_multiplier = words.get(index + 1).is_some_and(|&next| multiplier(next).is_some());
        if word == "and" {
            if !matches!(previous, Previous::Hundred | Previous::Scale) || index + 1 == words.len() {
                return None;
            }
            previous = Previous::And;
        } else if matches!(word, "a" | "an") {
            if previous != Previous::Start || !next_is_multiplier {
                return None;
            }
            group = 1.0;
            previous = Previous::Article;
        } else if let Some(value) = SMALL_NUMBERS[1..].iter().position(|&name| name == word).map(|i| i as f64 + 1.0) {
            let allowed = if value < 10.0 {
                matches!(
                    previous,
                    Previous::Start | Previous::Tens | Previous::Hundred | Previous::Scale | Previous::And
                )
            } else {
                matches!(previous, Previous::Start | Previous::Hundred | Previous::Scale | Previous::And)
            };
            if !allowed {
                return None;
            }
            group += value;
            previous = if value < 10.0 { Previous::Unit } else { Previous::Teen };
        } else if let Some(tens) = TENS.iter().position(|&name| !name.is_empty() && name == word) {
            if !matches!(previous, Previous::Start | Previous::Hundred | Previous::Scale | Previous::And) {
                return None;
            }
            group += tens as f64 * 10.0;
            previous = Previous::Tens;
        } else if let Some(factor) = multiplier(word) {
            if previous == Previous::Start {
                group = 1.0;
            } else if previous == Previous::And || group <= 0.0 {
                return None;
            }
            if factor < 1000.0 {
                // hundred, dozen: multiply the group below a thousand.
                if previous == Previous::Hundred || group >= 100.0 {
                    return None;
                }
                group *= factor;
                previous = Previous::Hundred;
            } else {
                if factor >= last_scale {
                    return None;
                }
                total += group * factor;
                group = 0.0;
                last_scale = factor;
                previous = Previous::Scale;
            }
        } else if previous == Previous::Start && next_is_multiplier {
            group = parse_digits(word)?;
            previous = Previous::Unit;
        } else {
            return None;
        }
    }
    if matches!(previous, Previous::Start | Previous::Article | Previous::And) {
        return None;
    }
    Some(total + group)
}

/// The factor of a word that multiplies what comes before it.
fn multiplier(word: &str) -> Option<f64> {
    match word {
        "dozen" => Some(12.0),
        "hundred" => Some(100.0),
        "thousand" => Some(1e3),
        "million" => Some(1e6),
        "billion" => Some(1e9),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<f64> {
        parse_english_number(text)
    }

    #[test]
    fn reads_every_form_the_corpus_writes() {
        let ones = SMALL_NUMBERS;
        for (n, word) in ones.iter().enumerate() {
            assert_eq!(read(word), Some(n as f64), "{word}");
        }
        assert_eq!(read("twenty one"), Some(21.0));
        assert_eq!(read("forty"), Some(40.0));
        assert_eq!(read("ninety nine"), Some(99.0));
        assert_eq!(read("one hundred"), Some(100.0));
        assert_eq!(read("one hundred and five"), Some(105.0));
    }

    #[test]
    fn reads_what_people_type() {
        assert_eq!(read("twenty-one"), Some(21.0));
        assert_eq!(read("a hundred"), Some(100.0));
        assert_eq!(read("hundred"), Some(100.0));
        assert_eq!(read("nineteen hundred"), Some(1900.0));
        assert_eq!(read("two thousand three hundred and forty five"), Some(2345.0));
        assert_eq!(read("a thousand and one"), Some(1001.0));
        assert_eq!(read("one million two hundred thousand"), Some(1_200_000.0));
        assert_eq!(read("2 thousand"), Some(2000.0));
        assert_eq!(read("a dozen"), Some(12.0));
        assert_eq!(read("two dozen"), Some(24.0));
        assert_eq!(read("oh"), Some(0.0));
    }

    #[test]
    fn reads_fractions_and_decimals() {
        assert_eq!(read("half"), Some(0.5));
        assert_eq!(read("a quarter"), Some(0.25));
        assert_eq!(read("three quarters"), Some(0.75));
        assert_eq!(read("one and a half"), Some(1.5));
        assert_eq!(read("twenty one and a half"), Some(21.5));
        assert_eq!(read("2 and a half"), Some(2.5));
        assert_eq!(read("two and three quarters"), Some(2.75));
        assert_eq!(read("twenty one point five"), Some(21.5));
        assert_eq!(read("point two five"), Some(0.25));
    }

    #[test]
    fn rejects_word_salad() {
        for text in [
            "one two",
            "five twenty",
            "twenty twenty",
            "eleven five",
            "a",
            "an",
            "and",
            "hundred and",
            "one and",
            "and a half",
            "thousand million",
            "one thousand two thousand",
            "hundred hundred",
            "a five",
            "o",
            "zero zero",
            "point",
            "one point",
            "one point twelve",
            "blue",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}

//! Turning a template into one labelled utterance, with light noise.

use hearth::text::Lang;
use rand::Rng;
use rand::seq::IndexedRandom;

use super::pools::Pools;
use super::template::Node;
use crate::data::Span;

/// A piece of an utterance before assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Its text.
    pub text: String,
    /// The slot it fills, if any.
    pub label: Option<String>,
}

/// Which wording of a template [`expand`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wording {
    /// A random alternative of every choice; each optional part half of the time.
    Random,
    /// The plainest wording: the first alternative of every choice, no optional part.
    Plain,
}

/// Picks one path through `nodes`. Slot and filler values are always drawn
/// from their pools. Every pool must exist (checked beforehand).
pub fn expand(nodes: &[Node], wording: Wording, pools: &Pools, rng: &mut impl Rng, out: &mut Vec<Segment>) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push(Segment { text: text.clone(), label: None }),
            Node::Slot { label, pool } => {
                let text = pools.sample(pool, rng).unwrap_or_default();
                out.push(Segment { text, label: Some(label.clone()) });
            }
            Node::Filler(pool) => out.push(Segment { text: pools.sample(pool, rng).unwrap_or_default(), label: None }),
            Node::Choice(alternatives) => {
                let alternative = match wording {
                    Wording::Random => alternatives.choose(rng),
                    Wording::Plain => alternatives.first(),
                };
                if let Some(alternative) = alternative {
                    expand(alternative, wording, pools, rng, out);
                }
            }
            Node::Optional(inner) => {
                if wording == Wording::Random && rng.random_bool(0.5) {
                    expand(inner, wording, pools, rng, out);
                }
            }
        }
    }
}

/// Joins segments into text with spans: runs of spaces collapse to one and the
/// ends are trimmed; a slot's span covers its value without outer spaces.
pub fn assemble(segments: &[Segment]) -> (String, Vec<Span>) {
    let mut text = String::new();
    let mut n_chars = 0usize;
    let mut last_space = true;
    let mut spans = Vec::new();
    for segment in segments {
        let mut first = None;
        let mut last = 0;
        for c in segment.text.chars() {
            let c = if c.is_whitespace() { ' ' } else { c };
            if c == ' ' && last_space {
                continue;
            }
            if c != ' ' {
                first.get_or_insert(n_chars);
                last = n_chars + 1;
            }
            text.push(c);
            n_chars += 1;
            last_space = c == ' ';
        }
        if let (Some(label), Some(start)) = (&segment.label, first) {
            spans.push(Span { start, end: last, label: label.clone() });
        }
    }
    if text.ends_with(' ') {
        text.pop();
    }
    (text, spans)
}

/// Noise rates: how often an utterance gets each kind of change.
#[derive(Debug, Clone, Copy)]
pub struct Noise {
    /// A typo in one English word.
    pub typo: f64,
    /// A capital first letter.
    pub capitalise: f64,
    /// The whole utterance in capitals.
    pub shout: f64,
    /// A final punctuation mark.
    pub punctuate: f64,
    /// Digits written full-width (Chinese input methods do this).
    pub full_width_digits: f64,
}

impl Default for Noise {
    fn default() -> Self {
        Noise { typo: 0.05, capitalise: 0.12, shout: 0.02, punctuate: 0.15, full_width_digits: 0.05 }
    }
}

/// Applies a typo to one word of one segment (before assembly, so spans follow).
pub fn add_typo(segments: &mut [Segment], rng: &mut impl Rng) {
    let candidates: Vec<(usize, usize, usize)> = segments
        .iter()
        .enumerate()
        .flat_map(|(seg_idx, seg)| words_of(&seg.text).into_iter().map(move |(start, end)| (seg_idx, start, end)))
        .filter(|&(_, start, end)| end - start >= 4)
        .collect();
    let Some(&(seg_idx, start, end)) = candidates.choose(rng) else { return };
    let mut chars: Vec<char> = segments[seg_idx].text.chars().collect();
    let pos = rng.random_range(start..end - 1);
    match rng.random_range(0..4) {
        0 => chars.swap(pos, pos + 1),
        1 => {
            chars.remove(pos + 1);
        }
        2 => chars.insert(pos, chars[pos]),
        _ => chars[pos + 1] = neighbour_key(chars[pos + 1], rng),
    }
    segments[seg_idx].text = chars.into_iter().collect();
}

/// Character ranges of the ASCII-letter words of `text`.
fn words_of(text: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start = None;
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        match (c.is_ascii_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, chars.len()));
    }
    words
}

/// A key next to `c` on a QWERTY keyboard.
fn neighbour_key(c: char, rng: &mut impl Rng) -> char {
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    for row in ROWS {
        if let Some(i) = row.find(c) {
            let row: Vec<char> = row.chars().collect();
            let j = if i == 0 || (i + 1 < row.len() && rng.random_bool(0.5)) { i + 1 } else { i - 1 };
            return row[j];
        }
    }
    c
}

/// Changes that keep every character in place (case, width, a final mark).
pub fn finish(text: &mut String, lang: Lang, noise: &Noise, rng: &mut impl Rng) {
    if lang == Lang::En {
        if rng.random_bool(noise.shout) {
            *text = text.to_ascii_uppercase();
        } else if rng.random_bool(noise.capitalise)
            && let Some(first) = text.chars().next()
            && first.is_ascii_lowercase()
        {
            text.replace_range(..1, &first.to_ascii_uppercase().to_string());
        }
    } else if rng.random_bool(noise.full_width_digits) {
        *text = text
            .chars()
            .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) } else { c })
            .collect();
    }
    if rng.random_bool(noise.punctuate) {
        let marks: &[&str] = match lang {
            Lang::En => &[".", "!", "?", "...", " please", " thanks"],
            Lang::Zh => &["。", "！", "？", "~", "…"],
        };
        let mark = marks.choose(rng).copied().unwrap_or(".");
        text.push_str(mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn seg(text: &str, label: Option<&str>) -> Segment {
        Segment { text: text.into(), label: label.map(String::from) }
    }

    #[test]
    fn assembly_collapses_spaces_and_keeps_spans() {
        let (text, spans) = assemble(&[
            seg(" turn on ", None),
            seg("", None),
            seg(" the ", None),
            seg("desk lamp", Some("device")),
            seg(" ", None),
        ]);
        assert_eq!(text, "turn on the desk lamp");
        assert_eq!((spans[0].start, spans[0].end), (12, 21));
    }

    #[test]
    fn typos_stay_inside_their_segment() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..100 {
            let mut segments = vec![seg("turn on the ", None), seg("kitchen", Some("area"))];
            add_typo(&mut segments, &mut rng);
            let (text, spans) = assemble(&segments);
            let value: String = text.chars().skip(spans[0].start).take(spans[0].end - spans[0].start).collect();
            assert_eq!(value, segments[1].text);
        }
    }
}

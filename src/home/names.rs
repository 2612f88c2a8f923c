//! Finding the home's names in what a person typed, exactly or nearly.
//!
//! Names come from the home file and from a user's taught aliases, so devices
//! the model never saw are still recognised. Matching works on normalised text
//! (NFKC, lower case, no articles or `的`), in code points.

use crate::text::{is_cjk, normalize};

/// What a name points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Named {
    /// A device, by index.
    Device(usize),
    /// An area, by index.
    Area(usize),
    /// A floor, by index.
    Floor(usize),
}

/// One occurrence of a known name in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// What the name points at.
    pub named: Named,
    /// First character in the normalised text.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The name was found with a plural `s` added ("lamps" for "lamp").
    pub plural: bool,
}

/// A searchable list of names.
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    entries: Vec<(Vec<char>, Named)>,
}

impl NameIndex {
    /// Adds `name` for `named`. Empty names are ignored.
    pub fn add(&mut self, name: &str, named: Named) {
        let key: Vec<char> = canonical(name).chars().collect();
        if !key.is_empty() && !self.entries.iter().any(|(k, n)| *k == key && *n == named) {
            self.entries.push((key, named));
        }
    }

    /// Every known name found in `text`, longest first where they overlap,
    /// in text order. English names must stand as whole words; a trailing
    /// plural `s` is allowed ("lamps" finds "lamp").
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let chars: Vec<char> = canonical(text).chars().collect();
        let mut found: Vec<Mention> = Vec::new();
        for (key, named) in &self.entries {
            let mut from = 0;
            while let Some(at) = find_chars(&chars[from..], key).map(|i| i + from) {
                let mut end = at + key.len();
                let plural =
                    end < chars.len() && chars[end] == 's' && key.last().is_some_and(|c| c.is_ascii_alphabetic());
                if plural {
                    end += 1;
                }
                if is_boundary(&chars, at, end) {
                    found.push(Mention { named: *named, start: at, end, plural });
                }
                from = at + 1;
            }
        }
        found.sort_by_key(|m| (std::cmp::Reverse(m.end - m.start), m.start));
        let mut kept: Vec<Mention> = Vec::new();
        for mention in found {
            let overlaps = kept.iter().any(|k| mention.start < k.end && k.start < mention.end);
            let same_span = kept.iter().any(|k| k.start == mention.start && k.end == mention.end);
            if !overlaps || same_span {
                kept.push(mention);
            }
        }
        kept.sort_by_key(|m| (m.start, m.named));
        kept
    }

    /// The entries that best match `query` as a whole, with a score in
    /// (0, 1]: 1 for the same name, less for a name with a typo or a name
    /// that only shares words. Entries below `min_score` are dropped; the
    /// result is sorted best first.
    pub fn rank(&self, query: &str, min_score: f32) -> Vec<(Named, f32)> {
        let query: Vec<char> = canonical(query).chars().collect();
        if query.is_empty() {
            return Vec::new();
        }
        let mut best: Vec<(Named, f32)> = Vec::new();
        for (key, named) in &self.entries {
            let score = similarity(&query, key);
            if score >= min_score {
                match best.iter_mut().find(|(n, _)| n == named) {
                    Some(entry) => entry.1 = entry.1.max(score),
                    None => best.push((*named, score)),
                }
            }
        }
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        best
    }
}

/// The form names are compared in: normalised, lower case, single spaces,
/// without leading articles or possessives and without the particle `的`.
pub fn canonical(text: &str) -> String {
    let normalized: String = normalize(text).chars.into_iter().collect();
    let mut words: Vec<&str> = Vec::new();
    for word in normalized.split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\'' && c != '-')) {
        if !word.is_empty() {
            words.push(word);
        }
    }
    while words.len() > 1 && matches!(words[0], "the" | "my" | "our" | "a" | "an" | "all") {
        words.remove(0);
    }
    let joined = words.join(" ");
    let mut out = String::with_capacity(joined.len());
    let chars: Vec<char> = joined.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // Between two Chinese characters, a space carries nothing.
        if c == ' ' && i > 0 && is_cjk(chars[i - 1]) && chars.get(i + 1).is_some_and(|&n| is_cjk(n)) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches('的').to_string()
}

fn find_chars(haystack: &[char], needle: &[char]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len()).find(|&i| haystack[i..i + needle.len()] == *needle)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn is_boundary(chars: &[char], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || !is_word_char(chars[start - 1]) || !is_word_char(chars[start]);
    let after_ok = end >= chars.len() || !is_word_char(chars[end]) || !is_word_char(chars[end - 1]);
    before_ok && after_ok
}

/// Similarity of two canonical names: 1 when equal, otherwise the larger of
/// an edit-distance ratio and a shared-word ratio (for English) or
/// shared-character ratio (for Chinese).
fn similarity(a: &[char], b: &[char]) -> f32 {
    if a == b {
        return 1.0;
    }
    let longest = a.len().max(b.len()) as f32;
    let edit = 1.0 - levenshtein(a, b) as f32 / longest;
    let cjk = a.iter().chain(b).any(|&c| is_cjk(c));
    let (overlap, part_of) = if cjk {
        let shared = a.iter().filter(|c| b.contains(c)).count() as f32;
        (shared / longest, a.len() >= 2 && find_chars(b, a).is_some())
    } else {
        let aw: Vec<String> = split_words(a);
        let bw: Vec<String> = split_words(b);
        let shared = aw.iter().filter(|w| bw.contains(w)).count();
        (shared as f32 / aw.len().max(bw.len()) as f32, aw.len() >= 2 && shared == aw.len())
    };
    // "bedside lamp" is part of "left bedside lamp": a strong match, below an exact one.
    let part = if part_of { 0.85 } else { 0.0 };
    edit.max(overlap * 0.9).max(part)
}

fn split_words(chars: &[char]) -> Vec<String> {
    chars.iter().collect::<String>().split(' ').map(|w| w.trim_end_matches('s').to_string()).collect()
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> NameIndex {
        let mut index = NameIndex::default();
        index.add("Desk Lamp", Named::Device(0));
        index.add("lamp", Named::Device(1));
        index.add("Luna", Named::Device(2));
        index.add("台灯", Named::Device(0));
        index.add("客厅", Named::Area(0));
        index.add("living room", Named::Area(0));
        index
    }

    #[test]
    fn finds_longest_names_as_words() {
        let found = index().find("turn on the desk lamp in the living room");
        let named: Vec<Named> = found.iter().map(|m| m.named).collect();
        assert_eq!(named, vec![Named::Device(0), Named::Area(0)]);
        assert!(index().find("turn on lunatic mode").is_empty());
        assert_eq!(index().find("switch off the lamps")[0].named, Named::Device(1));
        let zh: Vec<Named> = index().find("把客厅的台灯打开").iter().map(|m| m.named).collect();
        assert_eq!(zh, vec![Named::Area(0), Named::Device(0)]);
    }

    #[test]
    fn ranks_typos_and_shared_words() {
        let index = index();
        assert_eq!(index.rank("the desk lamp", 0.5)[0], (Named::Device(0), 1.0));
        assert_eq!(index.rank("dsk lamp", 0.7)[0].0, Named::Device(0));
        assert_eq!(index.rank("Lunna", 0.7)[0].0, Named::Device(2));
        assert!(index.rank("spaceship", 0.7).is_empty());
        let mut lamps = NameIndex::default();
        lamps.add("left bedside lamp", Named::Device(0));
        lamps.add("right bedside lamp", Named::Device(1));
        lamps.add("左边床头灯", Named::Device(0));
        let ranked = lamps.rank("bedside lamp", 0.75);
        assert_eq!(ranked, vec![(Named::Device(0), 0.85), (Named::Device(1), 0.85)]);
        assert_eq!(lamps.rank("床头灯", 0.75), vec![(Named::Device(0), 0.85)]);
        assert_eq!(canonical("客厅的"), "客厅");
    }
}

//! From what a person said to the devices they meant.
//!
//! Names are found in the text itself (home names and the user's aliases,
//! so devices the model never saw are recognised) and in the model's slots
//! (which also catch misspelt names). Class words ("lights", "窗帘"), areas,
//! floors and quantifiers ("all", "所有") narrow or widen the choice.

use crate::home::{ClassWord, Device, Home, Kind, NameIndex, Named, canonical, class_word};
use crate::nlu::Slot;

/// Everything an utterance says about which devices it means.
#[derive(Debug, Clone, Default)]
pub struct Mentioned {
    /// Devices named (several when a name is shared).
    pub devices: Vec<usize>,
    /// Areas named.
    pub areas: Vec<usize>,
    /// Floors named.
    pub floors: Vec<usize>,
    /// A class word ("lights").
    pub class: Option<ClassWord>,
    /// A device name that matches nothing in the home.
    pub unknown: Option<String>,
    /// A room or floor name that matches nothing in the home.
    pub unknown_area: Option<String>,
    /// "all", "every", "所有", "全部", "都".
    pub all: bool,
    /// "it", "them", "它".
    pub reference: bool,
}

impl Mentioned {
    /// Whether nothing device-like was said.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty() && self.areas.is_empty() && self.floors.is_empty() && self.class.is_none()
    }
}

/// The devices chosen for a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// Devices that can do what was asked.
    pub devices: Vec<usize>,
    /// Devices that matched but cannot do it.
    pub incapable: Vec<usize>,
    /// Several devices match a request for one: ask which.
    pub ambiguous: bool,
}

const MIN_NAME_SCORE: f32 = 0.75;

/// Collects the names, classes and quantifiers in `text` and its slots.
pub fn gather(home: &Home, aliases: &NameIndex, text: &str, slots: &[Slot]) -> Mentioned {
    let mut m = Mentioned::default();
    let canon = canonical(text);
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let canon_chars: Vec<char> = canon.chars().collect();
    for index in [home.names(), aliases] {
        for mention in index.find(text) {
            covered.push((mention.start, mention.end));
            if mention.plural && matches!(mention.named, Named::Device(_)) {
                // "the bedroom lights" is every light in the bedroom, not the one named "bedroom light".
                let span: String = canon_chars[mention.start..mention.end].iter().collect();
                if let Some((area, class)) = area_and_class(home, &span) {
                    push_named(&mut m, Named::Area(area));
                    m.class = Some(class);
                    continue;
                }
            }
            push_named(&mut m, mention.named);
        }
    }
    let mentioned_names: Vec<String> =
        m.devices.iter().flat_map(|&i| home.devices[i].names.iter().map(|n| canonical(n))).collect();
    let slots = join_split_names(home, aliases, text, slots);
    for slot in &slots {
        let value = slot.value.as_str();
        let key = canonical(value);
        // A slot inside a name already found in the text ("bedside lamp" of "left bedside lamp") adds nothing.
        let inside_found = !key.is_empty() && mentioned_names.iter().any(|n| n.contains(&key));
        let found_here = inside_found || names_in(home, aliases, value);
        match slot.label.as_str() {
            // "把它们关了" with "它们" tagged as a device: a reference, which
            // `reference` below records, not a name the home lacks.
            "device" if !found_here && is_reference(&key) => {}
            "device" if !found_here => {
                if let Some(class) = class_word(value) {
                    m.class.get_or_insert(class);
                } else if let Some(named) = best(home.names(), aliases, value, |n| matches!(n, Named::Device(_))) {
                    named.into_iter().for_each(|n| push_named(&mut m, n));
                } else {
                    m.unknown = Some(value.to_string());
                }
            }
            "area" | "floor" if !found_here => {
                if let Some(named) =
                    best(home.names(), aliases, value, |n| matches!(n, Named::Area(_) | Named::Floor(_)))
                {
                    named.into_iter().for_each(|n| push_named(&mut m, n));
                } else if !is_whole_home(&key) {
                    m.unknown_area = Some(value.to_string());
                }
            }
            "device_class" => {
                if let Some(class) = class_word(value) {
                    m.class = Some(class);
                }
            }
            _ => {}
        }
    }
    let words: Vec<&str> = canon.split(' ').collect();
    // "which lights are on?" asks about all of them, like "all".
    m.all = words.iter().any(|w| matches!(*w, "all" | "every" | "everything" | "each" | "both" | "which"))
        || ["所有", "全部", "都", "一切", "全都", "哪些", "哪几"].iter().any(|w| canon.contains(w));
    m.reference = refers_back(&canon);
    if m.class.is_none() {
        m.class = scan_class(&canon, &covered, m.reference);
        // "lock up": every lock.
        if m.class.is_some() && words.windows(2).any(|p| p == ["lock", "up"]) {
            m.all = true;
        }
    }
    m.devices.dedup();
    m
}

/// Whether a line points back at what was just talked about ("turn it
/// off", "cancel that", "把它关了").
pub fn refers_back(canon: &str) -> bool {
    canon.split(' ').any(|w| matches!(w, "it" | "them" | "that" | "those" | "this" | "these" | "one"))
        || ["它", "那个", "这个", "那些", "这些"].iter().any(|w| canon.contains(w))
}

/// Whether a slot's canonical text is only a pronoun or demonstrative ("them", "那个").
fn is_reference(key: &str) -> bool {
    matches!(
        key,
        "it" | "them"
            | "they"
            | "that"
            | "those"
            | "this"
            | "these"
            | "that one"
            | "this one"
            | "它"
            | "它们"
            | "那个"
            | "这个"
            | "那些"
            | "这些"
            | "那"
            | "这"
    )
}

/// The slots with a device span and the class-word span right after it
/// joined into one device span, where only the whole is a device's name: the
/// model sometimes tags "bedside lamps" as the device "bedside" and the class
/// "lamps", and read apart they would mean every lamp.
fn join_split_names(home: &Home, aliases: &NameIndex, text: &str, slots: &[Slot]) -> Vec<Slot> {
    let chars: Vec<char> = text.chars().collect();
    let is_device = |n: &Named| matches!(n, Named::Device(_));
    let names = |value: &str| names_in(home, aliases, value) || best(home.names(), aliases, value, is_device).is_some();
    let mut out: Vec<Slot> = Vec::with_capacity(slots.len());
    let mut i = 0;
    while i < slots.len() {
        let (a, next) = (&slots[i], slots.get(i + 1));
        if let Some(b) = next.filter(|b| a.label == "device" && b.label == "device_class")
            && a.end <= b.start
            && b.end <= chars.len()
            && chars[a.end..b.start].iter().all(|c| c.is_whitespace())
        {
            let whole: String = chars[a.start..b.end].iter().collect();
            if !names(&a.value) && names(&whole) {
                out.push(Slot { label: a.label.clone(), value: whole, start: a.start, end: b.end });
                i += 2;
                continue;
            }
        }
        out.push(a.clone());
        i += 1;
    }
    out
}

/// Whether `value` holds a home name or one of the person's aliases as written.
fn names_in(home: &Home, aliases: &NameIndex, value: &str) -> bool {
    !home.names().find(value).is_empty() || !aliases.find(value).is_empty()
}

/// Words for the whole home, which no room is called but which name a place.
fn is_whole_home(canon: &str) -> bool {
    let canon = canon.trim_start_matches("the ").trim_start_matches("my ").trim_start_matches("our ");
    matches!(canon, "house" | "home" | "flat" | "apartment" | "everywhere" | "here" | "in here" | "whole house")
        || ["家", "全屋", "屋里", "这里", "这儿", "到处", "整个"].iter().any(|w| canon.contains(w))
}

/// "bedroom lights" read as an area name followed by a plural class word.
fn area_and_class(home: &Home, span: &str) -> Option<(usize, ClassWord)> {
    let (head, last) = span.rsplit_once(' ')?;
    let class = class_word(last).filter(|c| c.plural)?;
    let area = (0..home.areas.len()).find(|&a| home.areas[a].names.iter().any(|n| canonical(n) == head))?;
    Some((area, class))
}

fn push_named(m: &mut Mentioned, named: Named) {
    let list = match named {
        Named::Device(i) => (&mut m.devices, i),
        Named::Area(i) => (&mut m.areas, i),
        Named::Floor(i) => (&mut m.floors, i),
    };
    if !list.0.contains(&list.1) {
        list.0.push(list.1);
    }
}

/// The best fuzzy matches for `value` among names of one sort: all with the top score.
fn best(home: &NameIndex, aliases: &NameIndex, value: &str, keep: impl Fn(&Named) -> bool) -> Option<Vec<Named>> {
    let mut ranked: Vec<(Named, f32)> =
        home.rank(value, MIN_NAME_SCORE).into_iter().chain(aliases.rank(value, MIN_NAME_SCORE)).collect();
    ranked.retain(|(n, _)| keep(n));
    let top = ranked.iter().map(|(_, s)| *s).fold(f32::NAN, f32::max);
    if top.is_nan() {
        return None;
    }
    Some(ranked.into_iter().filter(|(_, s)| *s >= top - 1e-6).map(|(n, _)| n).collect())
}

/// A class word in the text outside the spans of names already found, but
/// not a word that is the request's verb here: "switch" in "switch the
/// kitchen off", and with a reference also "lock" in "lock it" and "锁" in
/// "把它锁上", where "it" names the devices and the verb only says what to do.
fn scan_class(canon: &str, covered: &[(usize, usize)], reference: bool) -> Option<ClassWord> {
    let chars: Vec<char> = canon.chars().collect();
    let free: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if covered.iter().any(|&(s, e)| i >= s && i < e) { '|' } else { c })
        .collect();
    // Every word of the line, a covered name standing as `|`-letters: what
    // comes before a word decides whether it is in the verb's place.
    let all_words: Vec<&str> = free.split(' ').filter(|w| !w.is_empty()).collect();
    let is_verb = |word: &str, at: usize| -> bool {
        let verb_first = all_words[..at].iter().all(|w| VERB_LEADERS.contains(w)) && at + 1 < all_words.len();
        match word {
            "switch" => verb_first,
            "lock" | "shade" | "cover" | "plug" => verb_first && reference,
            _ => false,
        }
    };
    let mut at = 0;
    for part in free.split('|') {
        let words: Vec<&str> = part.split(' ').filter(|w| !w.is_empty()).collect();
        for pair in words.windows(2) {
            if let Some(class) = class_word(&pair.join(" ")) {
                return Some(class);
            }
        }
        for word in &words {
            // Move `at` to this word among all the line's words.
            while at < all_words.len() && all_words[at] != *word {
                at += 1;
            }
            if word.chars().any(crate::text::is_cjk) {
                for zh in ZH_CLASS_WORDS {
                    if word.contains(zh) && !(reference && *zh == "锁" && zh_lock_is_verb(word)) {
                        return class_word(zh);
                    }
                }
            } else if let Some(class) = class_word(word).filter(|_| !is_verb(word, at)) {
                return Some(class);
            }
            at += 1;
        }
    }
    None
}

/// Words that may come before the verb of a request.
const VERB_LEADERS: &[&str] = &[
    "please", "pls", "and", "then", "now", "just", "also", "ok", "okay", "so", "hey", "hearth", "can", "could",
    "would", "will", "you",
];

/// Whether every "锁" in `word` is the verb: followed by a verb complement
/// ("锁上", "锁好", "锁起来") rather than part of a noun ("门锁", "的锁").
fn zh_lock_is_verb(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let mut any = false;
    for (i, &c) in chars.iter().enumerate() {
        if c != '锁' {
            continue;
        }
        any = true;
        let next = chars.get(i + 1).copied();
        let noun = i > 0 && matches!(chars[i - 1], '门' | '的' | '把' | '个');
        if noun || !matches!(next, Some('上' | '好' | '住' | '起' | '了' | '一' | '掉') | None) {
            return false;
        }
    }
    any
}

/// Chinese class words, longest first, for finding them inside unsegmented text.
const ZH_CLASS_WORDS: &[&str] = &[
    "扫地机器人",
    "电风扇",
    "百叶窗",
    "车库门",
    "电视机",
    "扫地机",
    "吸尘器",
    "传感器",
    "所有设备",
    "灯光",
    "电灯",
    "照明",
    "开关",
    "插座",
    "风扇",
    "电扇",
    "窗帘",
    "门锁",
    "窗户",
    "暖气",
    "空调",
    "电视",
    "音箱",
    "音响",
    "灯",
    "锁",
];

/// Chooses the devices `m` means for something only devices passing `able`
/// can do. `area_default` restricts what an area alone selects ("turn on the
/// kitchen": its lights) to these kinds.
pub fn select(home: &Home, m: &Mentioned, able: &dyn Fn(&Device) -> bool, area_default: &[Kind]) -> Selection {
    let in_place = |i: usize| {
        (m.areas.is_empty() || home.devices[i].area.is_some_and(|a| m.areas.contains(&a)))
            && (m.floors.is_empty() || m.floors.iter().any(|&f| home.on_floor(i, f)))
    };
    let named = !m.devices.is_empty();
    let mut candidates: Vec<usize> = if named {
        let placed: Vec<usize> = m.devices.iter().copied().filter(|&i| in_place(i)).collect();
        if placed.is_empty() { m.devices.clone() } else { placed }
    } else if let Some(class) = &m.class {
        (0..home.devices.len()).filter(|&i| class.selects(&home.devices[i]) && in_place(i)).collect()
    } else if !m.areas.is_empty() || !m.floors.is_empty() {
        (0..home.devices.len())
            .filter(|&i| in_place(i) && (area_default.is_empty() || area_default.contains(&home.devices[i].kind)))
            .collect()
    } else {
        Vec::new()
    };
    candidates.dedup();
    let (devices, incapable): (Vec<usize>, Vec<usize>) = candidates.into_iter().partition(|&i| able(&home.devices[i]));
    let plural = m.all || m.class.is_some_and(|c| c.plural);
    let placed = !m.areas.is_empty() || !m.floors.is_empty();
    let ambiguous = devices.len() > 1 && !plural && (named || !placed);
    Selection { devices, incapable, ambiguous }
}

/// Which of `options` an answer to "which one?" picks: by name, by ordinal
/// ("the second", "第二个"), or all of them ("both", "all", "都").
pub fn pick(home: &Home, aliases: &NameIndex, options: &[usize], answer: &str) -> Vec<usize> {
    let canon = canonical(answer);
    if canon.split(' ').any(|w| matches!(w, "both" | "all" | "everything" | "each"))
        || ["都", "全部", "所有", "两个都", "一起"].iter().any(|w| canon.contains(w))
    {
        return options.to_vec();
    }
    const ORDINALS: [(&[&str], usize); 4] = [
        (&["first", "1st", "第一", "第1"], 0),
        (&["second", "2nd", "第二", "第2"], 1),
        (&["third", "3rd", "第三", "第3"], 2),
        (&["fourth", "4th", "第四", "第4"], 3),
    ];
    for (words, at) in ORDINALS {
        if words.iter().any(|w| canon.split(' ').any(|x| x == *w) || (w.starts_with('第') && canon.contains(w))) {
            return options.get(at).map(|&i| vec![i]).unwrap_or_default();
        }
    }
    if canon.split(' ').any(|w| w == "last") || canon.contains("最后") {
        return options.last().map(|&i| vec![i]).unwrap_or_default();
    }
    let mut picked: Vec<usize> = Vec::new();
    for index in [home.names(), aliases] {
        for mention in index.find(answer) {
            match mention.named {
                Named::Device(i) if options.contains(&i) => picked.push(i),
                Named::Area(a) => picked.extend(options.iter().filter(|&&i| home.devices[i].area == Some(a))),
                _ => {}
            }
        }
    }
    if picked.is_empty() {
        picked = by_shared_words(home, options, &canon);
    }
    picked.sort_unstable();
    picked.dedup();
    picked
}

/// The one option whose names share the most words (or, in Chinese, characters)
/// with the answer: "the left one" picks "left bedside lamp", "左边的" picks "左边床头灯".
fn by_shared_words(home: &Home, options: &[usize], canon: &str) -> Vec<usize> {
    const FILLER: &[&str] = &["the", "one", "a", "please", "that", "this", "i", "mean", "it's", "is", "on", "in"];
    let words: Vec<&str> = canon.split(' ').filter(|w| !w.is_empty() && !FILLER.contains(w)).collect();
    let han: Vec<char> = canon.chars().filter(|&c| crate::text::is_cjk(c) && !"的个那这一".contains(c)).collect();
    let score = |i: usize| -> usize {
        home.devices[i]
            .names
            .iter()
            .map(|name| {
                let name = canonical(name);
                let name_words: Vec<&str> = name.split(' ').collect();
                words.iter().filter(|w| name_words.contains(w)).count()
                    + han.iter().filter(|c| name.contains(**c)).count()
            })
            .max()
            .unwrap_or(0)
    };
    let scores: Vec<usize> = options.iter().map(|&i| score(i)).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    if best == 0 || scores.iter().filter(|&&s| s == best).count() > 1 {
        return Vec::new();
    }
    options.iter().zip(&scores).filter(|(_, s)| **s == best).map(|(&i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn home() -> Home {
        let text = include_str!("../../homes/example.toml");
        Home::parse(text, Path::new("example.toml")).expect("the example home parses")
    }

    fn device_slot(text: &str, value: &str) -> Slot {
        let start = text[..text.find(value).expect("the value is in the text")].chars().count();
        Slot { label: "device".into(), value: value.into(), start, end: start + value.chars().count() }
    }

    #[test]
    fn a_pronoun_tagged_as_a_device_is_a_reference_not_an_unknown_name() {
        let home = home();
        for (text, value) in [("把它们关了", "它们"), ("turn them off", "them"), ("关掉那个", "那个")] {
            let m = gather(&home, &NameIndex::default(), text, &[device_slot(text, value)]);
            assert_eq!(m.unknown, None, "{text}");
            assert!(m.reference, "{text}");
        }
        let text = "turn on the spaceship";
        let m = gather(&home, &NameIndex::default(), text, &[device_slot(text, "spaceship")]);
        assert_eq!(m.unknown.as_deref(), Some("spaceship"));
    }

    #[test]
    fn a_verb_is_not_a_class_of_device() {
        let home = home();
        let class_of = |text: &str| gather(&home, &NameIndex::default(), text, &[]).class;
        let lock = class_word("lock");
        let switch = class_word("switch");
        for text in ["switch it off", "can you switch the kitchen off", "lock it", "把它锁上", "锁上它"] {
            assert_eq!(class_of(text), None, "{text}");
        }
        for (text, class) in [
            ("turn off the switch", switch),
            ("switch off everything", class_word("everything")),
            ("turn off that switch", switch),
            ("is the lock locked", lock),
            ("lock the doors", class_word("doors")),
            ("门锁锁上了吗", lock),
        ] {
            assert_eq!(class_of(text), class, "{text}");
        }
        let up = gather(&home, &NameIndex::default(), "lock up", &[]);
        assert_eq!((up.class, up.all), (lock, true));
    }
}

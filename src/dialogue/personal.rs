//! Learning about a person: their name, preferences, names for devices and
//! phrases they teach; and forgetting them on request.

use crate::home::canonical;
use crate::nlu::Parse;
use crate::profile::{Profile, TaughtPhrase, Unit, Verbosity};
use crate::text::Lang;
use crate::values::{TempUnit, parse_percent, parse_temperature, resolve_unit};

use super::control::format_temperature;
use super::ops::Op;
use super::reply::{join, say, the};
use super::resolve::{gather, select};
use super::session::{Pending, Session};
use super::turn::Turn;
use super::{Assistant, not_understood};

/// Cosine similarity from which a line counts as a paraphrase of a taught phrase.
pub const PHRASE_SIMILARITY: f32 = 0.93;

impl Assistant {
    /// Handles the personal intents.
    pub(super) fn personal(&mut self, session: &mut Session, user: &str, text: &str, parse: &Parse, turn: &mut Turn) {
        let lang = parse.lang;
        let slot = |label: &str| parse.slots.iter().find(|s| s.label == label).map(|s| s.value.trim().to_string());
        turn.reply = match parse.intent.as_str() {
            "set_user_name" => match slot("person_name").or_else(|| name_after_cue(text)) {
                Some(name) => self.remember_name(session, user, &name, lang),
                None => {
                    session.pending = Some(Pending::Name);
                    say(lang, "What should I call you?", "我该怎么称呼你？")
                }
            },
            "get_user_name" => match &session.profile.name {
                Some(name) => say(lang, format!("You're {name}."), format!("你是{name}。")),
                None => say(
                    lang,
                    "You haven't told me your name yet. Say \"call me ...\".",
                    "你还没告诉我你的名字。可以说“我叫……”。",
                ),
            },
            "set_preference" => self.set_preference(session, user, text, parse),
            "teach_alias" => self.teach_alias(session, user, text, parse),
            "teach_phrase" => self.teach_phrase(session, user, parse),
            "forget_me" => {
                session.pending = Some(Pending::ForgetMe);
                say(
                    lang,
                    "Forget everything I know about you: your name, preferences, names and phrases? Say yes to confirm.",
                    "要忘掉关于你的一切吗？包括名字、偏好、你起的名字和口令。请说“是”确认。",
                )
            }
            _ => not_understood(lang, text),
        };
    }

    /// Remembers the name a person wants to be called and answers.
    pub(super) fn remember_name(&mut self, session: &mut Session, user: &str, name: &str, lang: Lang) -> String {
        session.profile.name = Some(name.to_string());
        self.save_profile(user, session);
        say(lang, format!("Nice to meet you, {name}. I'll remember that."), format!("你好，{name}！我记住了。"))
    }

    /// Deletes everything stored about `user`.
    pub(super) fn forget_user(&mut self, session: &mut Session, user: &str) {
        session.profile = Profile::default();
        session.rebuild_aliases(&self.home);
        session.last = None;
        session.undo.clear();
        if let Err(e) = self.store.forget(user) {
            self.notices.push(format!("could not delete the profile of {user}: {e}"));
        }
    }

    fn set_preference(&mut self, session: &mut Session, user: &str, text: &str, parse: &Parse) -> String {
        let lang = parse.lang;
        let setting =
            parse.slots.iter().find(|s| s.label == "setting").map(|s| canonical(&s.value)).unwrap_or_default();
        let canon = canonical(text);
        let has =
            |words: &[&str]| words.iter().any(|w| setting.contains(w) || (setting.is_empty() && canon.contains(w)));
        // Reply length is often said around the setting word ("keep your answers short").
        let says = |words: &[&str]| words.iter().any(|w| setting.contains(w) || canon.contains(w));
        let prefs = &mut session.profile.prefs;
        let reply = if has(&["fahrenheit", "imperial", "华氏"]) {
            prefs.unit = Unit::Fahrenheit;
            say(lang, "OK, I'll use Fahrenheit.", "好的，以后用华氏度。")
        } else if has(&["celsius", "centigrade", "metric", "摄氏"]) {
            prefs.unit = Unit::Celsius;
            say(lang, "OK, I'll use Celsius.", "好的，以后用摄氏度。")
        } else if says(&["short", "brief", "concise", "简短", "简单", "少说"]) {
            prefs.verbosity = Verbosity::Short;
            say(lang, "OK, short replies.", "好的，以后回答简短一些。")
        } else if says(&["detailed", "longer", "verbose", "chatty", "chattier", "casual", "详细", "啰嗦", "多说"])
        {
            prefs.verbosity = Verbosity::Chatty;
            say(lang, "OK, I'll be chattier.", "好的，以后多说几句。")
        } else if has(&["temperature", "温度"]) {
            let Some(t) =
                parse.slots.iter().find(|s| s.label == "temperature").and_then(|s| parse_temperature(&s.value))
            else {
                return say(lang, "Which temperature do you like?", "你喜欢多少度？");
            };
            let preferred = if prefs.unit == Unit::Fahrenheit { TempUnit::Fahrenheit } else { TempUnit::Celsius };
            let celsius = resolve_unit(t.value, t.unit, preferred);
            let m = gather(&self.home, &session.aliases, text, &parse.slots);
            let area = m.areas.first().map(|&a| self.home.areas[a].id.clone()).unwrap_or_default();
            let prefs = &mut session.profile.prefs;
            prefs.favourite_temperatures.retain(|(a, _)| *a != area);
            prefs.favourite_temperatures.push((area.clone(), celsius));
            let shown = format_temperature(celsius, prefs.unit);
            match m.areas.first() {
                Some(&a) => {
                    let place = self.home.area_name(a, lang);
                    say(
                        lang,
                        format!("OK, your favourite temperature in the {place} is {shown}."),
                        format!("好的，你在{place}喜欢的温度是{shown}。"),
                    )
                }
                None => say(
                    lang,
                    format!("OK, your favourite temperature is {shown}."),
                    format!("好的，你喜欢的温度是{shown}。"),
                ),
            }
        } else if has(&["brightness", "亮度"]) {
            let Some(level) =
                parse.slots.iter().find(|s| s.label == "brightness").and_then(|s| parse_percent(&s.value))
            else {
                return say(lang, "Which brightness do you like?", "你喜欢多亮？");
            };
            let level = level.round().clamp(1.0, 100.0) as u8;
            prefs.default_brightness = Some(level);
            say(lang, format!("OK, your default brightness is {level}%."), format!("好的，你的默认亮度是{level}%。"))
        } else {
            let shown = if setting.is_empty() { canon.clone() } else { setting.clone() };
            return say(
                lang,
                format!(
                    "I can't change \"{shown}\". I can change: temperature units, short or chatty replies, your favourite temperature and your default brightness."
                ),
                format!("我改不了“{shown}”。我能改的有：温度单位、回答长短、你喜欢的温度和默认亮度。"),
            );
        };
        self.save_profile(user, session);
        reply
    }

    fn teach_alias(&mut self, session: &mut Session, user: &str, text: &str, parse: &Parse) -> String {
        let lang = parse.lang;
        let Some(alias) = parse.slots.iter().find(|s| s.label == "alias").map(|s| alias_value(text, s)) else {
            return say(lang, "What name should I learn, and for which device?", "要我记住什么名字？是哪个设备的？");
        };
        let slots: Vec<_> = parse.slots.iter().filter(|s| s.label != "alias").cloned().collect();
        let without_alias = text.replace(&alias, " ");
        let m = gather(&self.home, &session.aliases, &without_alias, &slots);
        let selection = select(&self.home, &m, &|_| true, &[]);
        let mut options: Vec<usize> = selection.devices.into_iter().chain(selection.incapable).collect();
        options.sort_unstable();
        options.dedup();
        match options[..] {
            [device] => self.set_alias(session, user, &alias, device, lang),
            [] => {
                session.pending =
                    Some(Pending::AliasFor { alias: alias.clone(), options: (0..self.home.devices.len()).collect() });
                say(lang, format!("Which device should I call {alias}?"), format!("哪个设备叫{alias}？"))
            }
            _ => {
                let labels: Vec<String> =
                    options.iter().take(5).map(|&i| the(lang, &self.home.device_label(i, lang))).collect();
                let question = say(
                    lang,
                    format!("Which one should I call {alias}: {}?", super::reply::join_or(lang, &labels)),
                    format!("哪个叫{alias}：{}？", super::reply::join_or(lang, &labels)),
                );
                session.pending = Some(Pending::AliasFor { alias, options });
                question
            }
        }
    }

    /// Teaches `alias` for device `device` and answers.
    pub(super) fn set_alias(
        &mut self,
        session: &mut Session,
        user: &str,
        alias: &str,
        device: usize,
        lang: Lang,
    ) -> String {
        session.profile.set_alias(alias, &self.home.devices[device].id);
        session.rebuild_aliases(&self.home);
        self.save_profile(user, session);
        let label = self.home.device_label(device, lang);
        say(
            lang,
            format!("OK, {} {} now also called {alias}.", the(lang, &label), super::reply::is_are(lang, &label)),
            format!("好的，以后{label}也叫{alias}。"),
        )
    }

    fn teach_phrase(&mut self, session: &mut Session, user: &str, parse: &Parse) -> String {
        let lang = parse.lang;
        let slot = |label: &str| parse.slots.iter().find(|s| s.label == label).map(|s| s.value.trim().to_string());
        let (Some(phrase), Some(command)) = (slot("phrase"), slot("command")) else {
            return say(
                lang,
                "Tell me the phrase and what it should do, like: when I say movie time, dim the living room and close the blinds.",
                "请告诉我口令和要做的事，比如：我说电影时间，就把客厅调暗并关上窗帘。",
            );
        };
        let commands = split_commands(&command);
        for part in &commands {
            let understood = self.nlu.parse(part).ok().filter(|p| {
                p.confidence >= self.nlu.threshold() && Op::from_intent(&p.intent).is_some()
                    || matches!(p.intent.as_str(), "timer_start" | "media_play")
            });
            if understood.is_none() {
                return say(
                    lang,
                    format!(
                        "I don't understand \"{part}\" as a command, so I didn't learn \"{phrase}\". Try simpler steps joined with \"and\"."
                    ),
                    format!("我不明白“{part}”这个指令，所以没有记住“{phrase}”。请用简单的步骤，用“然后”连起来。"),
                );
            }
        }
        let embedding = self.nlu.parse(&phrase).map(|p| unit_vector(p.embedding)).unwrap_or_default();
        let key = canonical(&phrase);
        session.profile.phrases.retain(|p| canonical(&p.phrase) != key);
        session.profile.phrases.push(TaughtPhrase {
            phrase: phrase.clone(),
            lang,
            embedding,
            commands: commands.clone(),
        });
        self.save_profile(user, session);
        say(
            lang,
            format!("Got it: when you say \"{phrase}\", I'll {}.", join(lang, &commands)),
            format!("记住了：你说“{phrase}”，我就{}。", commands.join("，然后")),
        )
    }

    /// Runs a taught phrase when `text` is one (the same words, or a line
    /// whose sentence embedding is close to the phrase's). Returns whether it ran.
    pub(super) fn run_taught_phrase(
        &mut self,
        session: &mut Session,
        user: &str,
        text: &str,
        parse: &Parse,
        turn: &mut Turn,
    ) -> bool {
        if session.profile.phrases.is_empty() || parse.intent == "teach_phrase" {
            return false;
        }
        let key = canonical(text);
        let embedding = unit_vector(parse.embedding.clone());
        let mut best: Option<(usize, f32)> = None;
        for (i, phrase) in session.profile.phrases.iter().enumerate() {
            let taught = canonical(&phrase.phrase);
            let score = if taught == key {
                1.0
            } else if contains_phrase(&key, &taught) {
                // "it's movie time", "movie time please": the phrase with a few words around it.
                0.99
            } else {
                dot(&embedding, &phrase.embedding)
            };
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((i, score));
            }
        }
        let Some((i, score)) = best.filter(|&(_, s)| s >= PHRASE_SIMILARITY) else { return false };
        // A confident, different device command is not a paraphrase.
        if score < 1.0 && parse.confidence >= 0.95 && Op::from_intent(&parse.intent).is_some() {
            let m = gather(&self.home, &session.aliases, text, &parse.slots);
            if !m.is_empty() {
                return false;
            }
        }
        turn.resolved.values.insert("phrase".into(), serde_json::json!(session.profile.phrases[i].phrase));
        turn.resolved.values.insert("similarity".into(), serde_json::json!(score));
        let commands = session.profile.phrases[i].commands.clone();
        let mut replies = Vec::new();
        for command in commands {
            let Ok(sub) = self.nlu.parse(&command) else { continue };
            let mut sub_turn = Turn::from_parse(&command, &sub);
            self.respond(session, user, &command, &sub, &mut sub_turn, 1);
            turn.actions.extend(sub_turn.actions);
            turn.resolved.devices.extend(sub_turn.resolved.devices);
            replies.push(sub_turn.reply);
        }
        turn.reply = replies.join(" ");
        true
    }
}

/// The taught name of an `alias` slot, trimmed. In Chinese "叫做" and "叫作"
/// mean "be called", so a span that takes their second character along
/// ("把台灯叫|做小月|") loses it: a name never starts with the verb.
fn alias_value(text: &str, slot: &crate::nlu::Slot) -> String {
    let value = slot.value.trim();
    let after_jiao = slot.start > 0 && text.chars().nth(slot.start - 1) == Some('叫');
    match value.strip_prefix(['做', '作']) {
        Some(rest) if after_jiao && !rest.trim().is_empty() => rest.trim().to_string(),
        _ => value.to_string(),
    }
}

/// The name after "call me", "my name is", "我叫" and the like, when the
/// model did not mark it.
fn name_after_cue(text: &str) -> Option<String> {
    const CUES: &[&str] =
        &["call me ", "my name is ", "my name's ", "i'm ", "i am ", "name me ", "我叫", "叫我", "我的名字是", "我是"];
    let lower = text.to_lowercase();
    for cue in CUES {
        if let Some(at) = lower.find(cue) {
            // Lower-casing keeps byte offsets for the ASCII cues and the Chinese ones alike.
            let rest = text.get(at + cue.len()..)?;
            let name: String = rest
                .trim()
                .trim_end_matches(['.', '!', '。', '！', ',', '，'])
                .trim_end_matches(" please")
                .trim_end_matches("吧")
                .trim()
                .to_string();
            if !name.is_empty() && name.split_whitespace().count() <= 3 {
                return Some(name);
            }
        }
    }
    None
}

/// Splits a taught command into steps: "dim the lights and close the blinds".
pub fn split_commands(command: &str) -> Vec<String> {
    let mut parts = vec![command.to_string()];
    for sep in [
        ", and then ",
        " and then ",
        ", then ",
        " then ",
        ", and ",
        " and ",
        "，然后",
        "然后",
        "，再",
        "并且",
        "，",
        "、",
        "再把",
    ] {
        parts = parts.iter().flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>()).collect();
    }
    parts
        .into_iter()
        .map(|p| p.trim().trim_start_matches("and ").trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether `line` is `phrase` with at most three words (or, in Chinese, four
/// characters) around it.
fn contains_phrase(line: &str, phrase: &str) -> bool {
    let Some(at) = line.find(phrase) else { return false };
    let before = &line[..at];
    let after = &line[at + phrase.len()..];
    let boundary = |s: &str, at_end: bool| {
        let c = if at_end { s.chars().last() } else { s.chars().next() };
        c.is_none_or(|c| !c.is_alphanumeric() || crate::text::is_cjk(c))
    };
    if !boundary(before, true) || !boundary(after, false) {
        return false;
    }
    let extra = |s: &str| {
        let cjk = s.chars().filter(|&c| crate::text::is_cjk(c)).count();
        s.split_whitespace().filter(|w| !w.chars().all(crate::text::is_cjk)).count() + cjk.div_ceil(2)
    };
    extra(before) + extra(after) <= 3
}

fn unit_vector(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_in_both_languages() {
        assert_eq!(
            split_commands("dim the living room to 20 percent and close the blinds"),
            vec!["dim the living room to 20 percent", "close the blinds"]
        );
        assert_eq!(split_commands("把客厅调暗，然后关上窗帘"), vec!["把客厅调暗", "关上窗帘"]);
        assert_eq!(split_commands("start the vacuum"), vec!["start the vacuum"]);
        assert!(contains_phrase("it's movie time", "movie time"));
        assert!(contains_phrase("好了晚安", "晚安"));
        assert!(!contains_phrase("no more movie timers", "movie time"));
        assert!(!contains_phrase("turn off the lights in the living room at movie time now", "movie time"));
        assert_eq!(name_after_cue("Call me Bob"), Some("Bob".to_string()));
        assert_eq!(name_after_cue("我叫小明"), Some("小明".to_string()));
        let slot = |start: usize, value: &str| crate::nlu::Slot {
            label: "alias".into(),
            value: value.into(),
            start,
            end: start + value.chars().count(),
        };
        assert_eq!(alias_value("把台灯叫做小月", &slot(4, "做小月")), "小月");
        assert_eq!(alias_value("把台灯叫做小月", &slot(5, "小月")), "小月");
        assert_eq!(alias_value("把台灯叫作小月", &slot(4, "作小月")), "小月");
        assert_eq!(alias_value("台灯的名字是做饭灯", &slot(6, "做饭灯")), "做饭灯");
        assert_eq!(alias_value("把台灯叫做", &slot(4, "做")), "做");
    }
}

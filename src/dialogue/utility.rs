//! Everything that is not a device or a personal setting: timers, lists,
//! time and date, small talk, help, cancel and undo.

use std::time::Duration;

use crate::backend::{Asker, Order, Outcome};
use crate::home::canonical;
use crate::nlu::Parse;
use crate::text::Lang;
use crate::values::parse_duration;

use super::clock::civil;
use super::delivery::{join_sentences, reached};
use super::reply::{describe_state, devices_phrase, duration, help, join, say};
use super::session::{Pending, Session};
use super::turn::Turn;
use super::{Assistant, not_understood};

const WEEKDAYS_EN: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const WEEKDAYS_ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Assistant {
    /// Handles the intents that are not device operations or personal settings.
    pub(super) fn utility(&mut self, session: &mut Session, user: &str, text: &str, parse: &Parse, turn: &mut Turn) {
        let lang = parse.lang;
        let name = session.profile.name.clone();
        let with_name = |en: &str, zh: &str| match &name {
            Some(n) => say(lang, format!("{en}, {n}!"), format!("{n}，{zh}！")),
            None => say(lang, format!("{en}!"), format!("{zh}！")),
        };
        turn.reply = match parse.intent.as_str() {
            "greet" => with_name("Hello", "你好"),
            "thank" => say(lang, "You're welcome.", "不客气。"),
            "goodbye" => with_name("Goodbye", "再见"),
            "help" => help(lang),
            // The model sometimes reads a bare "thanks" as a yes.
            "affirm" | "deny" if super::rules::only_thanks(&canonical(text)) => {
                say(lang, "You're welcome.", "不客气。")
            }
            "affirm" | "deny" => {
                say(lang, "There's nothing waiting for a yes or no right now.", "现在没有需要确认的事。")
            }
            // "cancel it" right after setting a timer: that timer.
            "cancel" if super::resolve::refers_back(&canonical(text)) && session.previous_timer.is_some() => {
                self.cancel_started_timer(session, lang)
            }
            "cancel" => say(lang, "OK, nothing more to do.", "好的，没有别的事了。"),
            "undo" => self.undo(session, user, lang),
            "get_time" => self.time_now(lang),
            "get_date" => self.date_today(lang),
            "get_weather" => say(
                lang,
                "I work offline, so I have no weather forecast. I can tell you the temperature indoors.",
                "我是离线工作的，没有天气预报。我可以告诉你室内温度。",
            ),
            "scene_activate" => {
                let scene = parse.slots.iter().find(|s| s.label == "scene").map(|s| s.value.clone());
                let scene = scene.unwrap_or_else(|| text.to_string());
                say(
                    lang,
                    format!(
                        "I don't have a scene called \"{scene}\" yet. Teach me one: \"when I say {scene}, dim the living room and close the blinds\"."
                    ),
                    format!("我还没有叫“{scene}”的场景。你可以教我：“我说{scene}，就把客厅调暗并关上窗帘”。"),
                )
            }
            "timer_start" => self.timer_start(session, user, parse, turn),
            "timer_cancel" | "timer_pause" | "timer_resume" | "timer_add" | "timer_subtract" | "timer_status"
            | "timer_cancel_all" => self.timer_change(user, parse, turn),
            "list_add" | "list_complete" => self.list_change(text, parse, turn),
            _ => not_understood(lang, text),
        };
    }

    fn undo(&mut self, session: &mut Session, user: &str, lang: Lang) -> String {
        let Some(changes) = session.undo.pop() else {
            return say(lang, "There's nothing to undo.", "没有可以撤销的操作。");
        };
        let orders: Vec<Order> = changes
            .iter()
            .rev()
            .flat_map(|c| {
                let now = &self.home.devices[c.device].state;
                now.commands_to(&c.before).into_iter().map(|command| Order { device: c.device, command })
            })
            .collect();
        let outcomes = self.backend.execute(&self.home, &orders, Asker { user, lang });
        let mut missed: Vec<(usize, Outcome)> = Vec::new();
        for (order, outcome) in orders.iter().zip(outcomes) {
            if outcome != Outcome::Done && !missed.iter().any(|(d, _)| *d == order.device) {
                missed.push((order.device, outcome));
            }
        }
        let devices: Vec<usize> = changes.iter().map(|c| c.device).collect();
        for change in changes.into_iter().rev() {
            if !missed.iter().any(|(d, _)| *d == change.device) {
                self.home.restore(change.device, change.before);
            }
        }
        self.save_home();
        session.last = None;
        if !missed.is_empty() {
            let devices = reached(&devices, &missed);
            let done = if devices.is_empty() {
                String::new()
            } else {
                let what = devices_phrase(&self.home, &devices, lang);
                say(lang, format!("Undone for {what}."), format!("已撤销{what}的更改。"))
            };
            return join_sentences(lang, &[done, self.missed_reply(&missed, lang)]);
        }
        let what = devices_phrase(&self.home, &devices, lang);
        if let [one] = devices[..] {
            let unit = session.profile.prefs.unit;
            let state =
                describe_state(&self.home.devices[one].state, lang, &|c| super::control::format_temperature(c, unit));
            let is = super::reply::is_are(lang, &self.home.device_label(one, lang));
            return say(lang, format!("Undone: {what} {is} {state} again."), format!("已撤销：{what}恢复为{state}。"));
        }
        say(lang, format!("Undone: {what} are back as they were."), format!("已撤销：{what}恢复原状。"))
    }

    fn time_now(&self, lang: Lang) -> String {
        let t = civil(self.clock.local_seconds());
        let (h, m) = (t.hour, t.minute);
        match lang {
            Lang::En => {
                let (h12, half) = (if h % 12 == 0 { 12 } else { h % 12 }, if h < 12 { "am" } else { "pm" });
                format!("It's {h12}:{m:02} {half}.")
            }
            Lang::Zh => {
                let part = match h {
                    0..=5 => "凌晨",
                    6..=11 => "上午",
                    12 => "中午",
                    13..=17 => "下午",
                    _ => "晚上",
                };
                let h12 = if h > 12 { h - 12 } else { h };
                format!("现在是{part}{h12}点{m:02}分。")
            }
        }
    }

    fn date_today(&self, lang: Lang) -> String {
        let t = civil(self.clock.local_seconds());
        match lang {
            Lang::En => format!(
                "Today is {}, {} {} {}.",
                WEEKDAYS_EN[t.weekday as usize],
                t.day,
                MONTHS_EN[(t.month - 1) as usize],
                t.year
            ),
            Lang::Zh => {
                format!("今天是{}年{}月{}日，星期{}。", t.year, t.month, t.day, WEEKDAYS_ZH[t.weekday as usize])
            }
        }
    }

    /// The total of the hours, minutes and seconds slots.
    fn slot_duration(parse: &Parse) -> Option<Duration> {
        let parts: Vec<Duration> = parse
            .slots
            .iter()
            .filter(|s| matches!(s.label.as_str(), "hours" | "minutes" | "seconds"))
            .filter_map(|s| parse_duration(&s.value))
            .collect();
        (!parts.is_empty()).then(|| parts.into_iter().sum())
    }

    fn timer_start(&mut self, session: &mut Session, user: &str, parse: &Parse, turn: &mut Turn) -> String {
        let lang = parse.lang;
        let name = parse.slots.iter().find(|s| s.label == "timer_name").map(|s| s.value.trim().to_string());
        match Self::slot_duration(parse) {
            Some(length) if length > Duration::ZERO => self.start_timer(session, user, lang, name, length, turn),
            _ => {
                session.pending = Some(Pending::TimerLength { name });
                say(lang, "For how long?", "要计时多久？")
            }
        }
    }

    /// Cancels the timer the previous turn started, if it still runs.
    fn cancel_started_timer(&mut self, session: &mut Session, lang: Lang) -> String {
        let Some(timer) = session.previous_timer.take().and_then(|n| self.timers.cancel(n)) else {
            return say(lang, "That timer has already finished.", "那个计时器已经结束了。");
        };
        let length = duration(lang, timer.length);
        match &timer.name {
            Some(n) => say(lang, format!("Cancelled the {n} timer."), format!("已取消{n}计时。")),
            None => say(lang, format!("Cancelled the timer for {length}."), format!("已取消{length}的计时。")),
        }
    }

    /// Starts a timer and answers.
    pub(super) fn start_timer(
        &mut self,
        session: &mut Session,
        user: &str,
        lang: Lang,
        name: Option<String>,
        length: Duration,
        turn: &mut Turn,
    ) -> String {
        let now = self.clock.monotonic();
        turn.resolved.values.insert("duration_s".into(), serde_json::json!(length.as_secs()));
        let timer = self.timers.start(user, lang, name.clone(), length, now);
        session.started_timer = Some(timer.number);
        let shown = duration(lang, timer.length);
        match name {
            Some(n) => say(lang, format!("OK, {n} timer set for {shown}."), format!("好的，{n}计时{shown}，开始。")),
            None => say(lang, format!("OK, timer set for {shown}."), format!("好的，计时{shown}，开始。")),
        }
    }

    fn timer_change(&mut self, user: &str, parse: &Parse, turn: &mut Turn) -> String {
        let lang = parse.lang;
        let now = self.clock.monotonic();
        let name = parse.slots.iter().find(|s| s.label == "timer_name").map(|s| s.value.trim().to_string());
        let mut matching = self.timers.matching(user, name.as_deref());
        if matching.is_empty() && name.is_some() {
            matching = self.timers.matching(user, None);
        }
        let label = |number: u32, timers: &super::timers::Timers| {
            let t = timers.get(number).expect("listed");
            let left = duration(lang, t.left(now));
            match (&t.name, lang) {
                (Some(n), Lang::En) => format!("{n} ({left} left)"),
                (None, Lang::En) => format!("the timer for {} ({left} left)", duration(lang, t.length)),
                (Some(n), Lang::Zh) => format!("{n}（还剩{left}）"),
                (None, Lang::Zh) => format!("{}的计时（还剩{left}）", duration(lang, t.length)),
            }
        };
        if matching.is_empty() {
            return say(lang, "You have no timers running.", "你现在没有计时器。");
        }
        let intent = parse.intent.as_str();
        if intent == "timer_status" {
            let all: Vec<String> = matching.iter().map(|&n| label(n, &self.timers)).collect();
            return say(lang, format!("Timers: {}.", join(lang, &all)), format!("计时器：{}。", join(lang, &all)));
        }
        if intent == "timer_cancel_all" {
            for n in &matching {
                self.timers.cancel(*n);
            }
            let en = match matching.len() {
                1 => "Cancelled your timer.".to_string(),
                n => format!("Cancelled all {n} timers."),
            };
            return say(lang, en, format!("已取消{}个计时器。", matching.len()));
        }
        if matching.len() > 1 {
            let all: Vec<String> = matching.iter().map(|&n| label(n, &self.timers)).collect();
            return say(
                lang,
                format!("You have {} timers: {}. Which one? Say its name.", matching.len(), join(lang, &all)),
                format!("你有{}个计时器：{}。是哪一个？请说名字。", matching.len(), join(lang, &all)),
            );
        }
        let number = matching[0];
        let shown = label(number, &self.timers);
        match intent {
            "timer_cancel" => {
                self.timers.cancel(number);
                say(lang, format!("Cancelled {shown}."), format!("已取消{shown}。"))
            }
            "timer_pause" => {
                if self.timers.pause(number, now) {
                    say(lang, format!("Paused {shown}."), format!("已暂停{shown}。"))
                } else {
                    say(lang, "That timer is already paused.", "这个计时器已经暂停了。")
                }
            }
            "timer_resume" => {
                if self.timers.resume(number, now) {
                    say(
                        lang,
                        format!("Resumed {}.", label(number, &self.timers)),
                        format!("已继续{}。", label(number, &self.timers)),
                    )
                } else {
                    say(lang, "That timer is already running.", "这个计时器正在走。")
                }
            }
            _ => {
                let Some(by) = Self::slot_duration(parse) else {
                    return say(lang, "By how much?", "加减多少时间？");
                };
                turn.resolved.values.insert("duration_s".into(), serde_json::json!(by.as_secs()));
                self.timers.adjust(number, by, intent == "timer_subtract", now);
                let shown = label(number, &self.timers);
                say(lang, format!("OK: {shown}."), format!("好的：{shown}。"))
            }
        }
    }

    /// Reads a list back: "what's on the shopping list?".
    pub(super) fn read_list(&mut self, text: &str, parse: &Parse) -> String {
        let lang = parse.lang;
        merge_bilingual_lists(&mut self.home.lists);
        let key = list_name(text, parse);
        let list = list_label(&key, lang);
        let items = self.home.lists.get(&key).filter(|items| !items.is_empty());
        match items {
            None => say(lang, format!("The {list} list is empty."), format!("{list}清单是空的。")),
            Some(items) => {
                let shown = join(lang, items);
                say(lang, format!("On the {list} list: {shown}."), format!("{list}清单上有：{shown}。"))
            }
        }
    }

    /// Answers whether items are on a list, changing nothing.
    fn list_has(&self, key: &str, items: &[String], lang: Lang) -> String {
        let entries = self.home.lists.get(key).cloned().unwrap_or_default();
        let list = list_label(key, lang);
        // "is milk" of "is milk on the list": the question's own verb taken along.
        let item = |i: &String| {
            let key = canonical(i);
            key.strip_prefix("is ").or_else(|| key.strip_prefix("are ")).unwrap_or(&key).to_string()
        };
        let (on, off): (Vec<String>, Vec<String>) =
            items.iter().map(item).partition(|i| entries.iter().any(|e| canonical(e) == *i));
        let mut parts = Vec::new();
        if !on.is_empty() {
            let shown = join(lang, &on);
            parts.push(say(
                lang,
                format!("Yes, {shown} is on the {list} list."),
                format!("有，{list}清单上有{shown}。"),
            ));
        }
        if !off.is_empty() {
            let shown = join(lang, &off);
            let (en, zh) = if on.is_empty() {
                (format!("No, {shown} isn't on the {list} list."), format!("没有，{list}清单上没有{shown}。"))
            } else {
                (format!("{shown} isn't."), format!("没有{shown}。"))
            };
            parts.push(say(lang, en, zh));
        }
        join_sentences(lang, &parts)
    }

    fn list_change(&mut self, text: &str, parse: &Parse, turn: &mut Turn) -> String {
        let lang = parse.lang;
        let items: Vec<String> = parse
            .slots
            .iter()
            .filter(|s| s.label == "list_item")
            .map(|s| list_item(&s.value))
            .filter(|item| !item.is_empty())
            .collect();
        merge_bilingual_lists(&mut self.home.lists);
        let key = list_name(text, parse);
        let list = list_label(&key, lang);
        let canon = canonical(text);
        // A question changes nothing: "is milk on the list?" is answered.
        if super::control::is_question(text, &canon) && !items.is_empty() {
            return self.list_has(&key, &items, lang);
        }
        if items.is_empty() {
            if super::control::is_question(text, &canon) {
                return self.read_list(text, parse);
            }
            return say(lang, format!("What should go on the {list} list?"), format!("{list}清单上要加什么？"));
        }
        turn.resolved.values.insert("list".into(), serde_json::json!(key));
        turn.resolved.values.insert("items".into(), serde_json::json!(items));
        let entries = self.home.lists.entry(key.clone()).or_default();
        let shown = join(lang, &items);
        let reply = if parse.intent == "list_add" {
            for item in &items {
                if !entries.iter().any(|e| canonical(e) == canonical(item)) {
                    entries.push(item.clone());
                }
            }
            say(lang, format!("Added {shown} to the {list} list."), format!("已把{shown}加到{list}清单。"))
        } else {
            let before = entries.len();
            entries.retain(|e| !items.iter().any(|i| canonical(i) == canonical(e)));
            if entries.len() == before {
                return say(lang, format!("{shown} wasn't on the {list} list."), format!("{list}清单上没有{shown}。"));
            }
            say(lang, format!("Ticked off {shown} on the {list} list."), format!("已从{list}清单划掉{shown}。"))
        };
        self.save_home();
        reply
    }
}

/// Lists with a name in each language, stored under the English one, so that
/// a household speaking both keeps one shopping list.
const BILINGUAL_LISTS: [(&str, &str); 2] = [("shopping", "购物"), ("to do", "待办")];

/// The key a list is stored under: the English name of a bilingual list.
fn list_key(name: &str) -> String {
    let name = if matches!(name, "todo" | "to-do") { "to do" } else { name };
    BILINGUAL_LISTS.iter().find(|(_, zh)| *zh == name).map_or(name, |(en, _)| en).to_string()
}

/// How a list is called in `lang`.
fn list_label(key: &str, lang: Lang) -> String {
    match BILINGUAL_LISTS.iter().find(|(en, _)| *en == key) {
        Some((_, zh)) if lang == Lang::Zh => zh.to_string(),
        _ => key.to_string(),
    }
}

/// Moves items saved under a bilingual list's Chinese name (as earlier
/// versions did) onto its English key.
fn merge_bilingual_lists(lists: &mut std::collections::BTreeMap<String, Vec<String>>) {
    for (en, zh) in BILINGUAL_LISTS {
        if let Some(items) = lists.remove(zh) {
            let target = lists.entry(en.to_string()).or_default();
            for item in items {
                if !target.iter().any(|e| canonical(e) == canonical(&item)) {
                    target.push(item);
                }
            }
        }
    }
}

/// The key of the list a line names (its `list_name` slot without "list" /
/// "清单", else the English word before "list"), or the shopping list.
fn list_name(text: &str, parse: &Parse) -> String {
    let canon = canonical(text);
    let words: Vec<&str> = canon.split(' ').collect();
    let before_list = words
        .windows(2)
        .find(|p| p[1] == "list" && !matches!(p[0], "the" | "my" | "our" | "a" | "this" | "that" | "your"))
        .map(|p| p[0].to_string());
    parse
        .slots
        .iter()
        .find(|s| s.label == "list_name")
        .map(|s| canonical(&s.value))
        .map(|l| l.trim_end_matches(" list").trim_end_matches("清单").trim_end_matches('单').to_string())
        .filter(|l| !l.is_empty())
        .or(before_list)
        .map(|name| list_key(&name))
        .unwrap_or_else(|| "shopping".to_string())
}

/// A list item as said, without a joining word the model took along at either
/// end ("milk and" of "milk and eggs", "鸡蛋还有") or the command's verb at
/// its start ("take milk"). A single-character Chinese
/// joiner is only dropped at the end, where no item name has it (和牛 keeps its 和).
fn list_item(value: &str) -> String {
    const EN: [&str; 4] = ["and", "or", "plus", "also"];
    let is_joiner = |w: &&str| EN.contains(&w.to_lowercase().as_str());
    // The command's own verb taken along ("take milk" of "take milk off the list").
    const VERBS: [&str; 9] = ["take", "remove", "cross", "tick", "check", "delete", "scratch", "strike", "add"];
    let mut words: Vec<&str> = value.split_whitespace().collect();
    if words.len() > 1 && VERBS.contains(&words[0].to_lowercase().as_str()) {
        words.remove(0);
    }
    while words.first().is_some_and(is_joiner) {
        words.remove(0);
    }
    while words.last().is_some_and(is_joiner) {
        words.pop();
    }
    let mut item = words.join(" ");
    loop {
        let before = item.len();
        for joiner in ["还有", "以及"] {
            if let Some(rest) = item.strip_prefix(joiner).filter(|r| !r.is_empty()) {
                item = rest.to_string();
            }
        }
        for joiner in ["还有", "以及", "和", "跟", "或"] {
            if let Some(rest) = item.strip_suffix(joiner).filter(|r| !r.is_empty()) {
                item = rest.to_string();
            }
        }
        if item.len() == before {
            return item;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{list_item, list_key, list_label, merge_bilingual_lists};
    use crate::text::Lang;

    #[test]
    fn a_bilingual_list_is_one_list() {
        assert_eq!(list_key("购物"), "shopping");
        assert_eq!(list_key("todo"), "to do");
        assert_eq!(list_key("camping"), "camping");
        assert_eq!(list_label("shopping", Lang::Zh), "购物");
        assert_eq!(list_label("shopping", Lang::En), "shopping");
        // Items saved under the Chinese name by earlier versions join the English key.
        let mut lists = std::collections::BTreeMap::new();
        lists.insert("购物".to_string(), vec!["牛奶".to_string(), "milk".to_string()]);
        lists.insert("shopping".to_string(), vec!["Milk".to_string()]);
        merge_bilingual_lists(&mut lists);
        assert_eq!(lists.len(), 1);
        assert_eq!(lists["shopping"], ["Milk", "牛奶"]);
    }

    #[test]
    fn a_joining_word_at_the_edge_of_a_list_item_is_dropped() {
        for (said, item) in [
            ("milk and", "milk"),
            ("and eggs", "eggs"),
            (" And  bread ", "bread"),
            ("salt and pepper", "salt and pepper"),
            ("take milk", "milk"),
            ("add", "add"),
            ("and", ""),
            ("鸡蛋和", "鸡蛋"),
            ("还有牛奶", "牛奶"),
            ("和牛", "和牛"),
        ] {
            assert_eq!(list_item(said), item, "{said:?}");
        }
    }
}

//! Wording of replies in English and Chinese.

use crate::home::{Home, State};
use crate::text::Lang;

/// Picks the English or Chinese text.
pub fn say(lang: Lang, en: impl Into<String>, zh: impl Into<String>) -> String {
    match lang {
        Lang::En => en.into(),
        Lang::Zh => zh.into(),
    }
}

/// "a", "a and b", "a, b and c" / "a和b", "a、b和c".
pub fn join(lang: Lang, items: &[String]) -> String {
    let (sep, last) = match lang {
        Lang::En => (", ", " and "),
        Lang::Zh => ("、", "和"),
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(sep)),
    }
}

/// "a or b" / "a还是b".
pub fn join_or(lang: Lang, items: &[String]) -> String {
    let (sep, last) = match lang {
        Lang::En => (", ", " or "),
        Lang::Zh => ("、", "还是"),
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(sep)),
    }
}

/// Names a group of devices: their labels when few, otherwise a count with
/// the area they share ("5 devices in the kitchen").
pub fn devices_phrase(home: &Home, devices: &[usize], lang: Lang) -> String {
    if devices.len() <= 3 {
        let labels: Vec<String> = devices.iter().map(|&i| the(lang, &home.device_label(i, lang))).collect();
        return join(lang, &labels);
    }
    let area = home.devices[devices[0]].area.filter(|a| devices.iter().all(|&i| home.devices[i].area == Some(*a)));
    let n = devices.len();
    match (lang, area) {
        (Lang::En, Some(a)) => format!("{n} devices in the {}", home.area_name(a, lang)),
        (Lang::En, None) => format!("{n} devices"),
        (Lang::Zh, Some(a)) => format!("{}的{n}个设备", home.area_name(a, lang)),
        (Lang::Zh, None) => format!("{n}个设备"),
    }
}

/// Whether an English device label names several things ("blinds",
/// "under-cabinet lights"): its last word is a plural in `s`, and the label
/// is not capitalised. Chinese has no such agreement, so it is false there.
pub fn is_plural(lang: Lang, label: &str) -> bool {
    let last = label.rsplit(' ').next().unwrap_or(label).to_lowercase();
    // A capitalised label is a personal or brand name ("Sonos"): one thing.
    lang == Lang::En
        && !label.chars().next().is_some_and(char::is_uppercase)
        && last.len() > 3
        && last.ends_with('s')
        && !["ss", "us", "is", "'s", "ics"].iter().any(|end| last.ends_with(end))
}

/// "is" or "are", for one device label.
pub fn is_are(lang: Lang, label: &str) -> &'static str {
    if is_plural(lang, label) { "are" } else { "is" }
}

/// "the desk lamp" in English (unless the name is a personal name, written
/// with a capital); unchanged in Chinese.
pub fn the(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En if name.chars().next().is_some_and(char::is_uppercase) => name.to_string(),
        Lang::En => format!("the {name}"),
        Lang::Zh => name.to_string(),
    }
}

/// A short description of a device's state ("on at 40%", "开着，亮度40%").
pub fn describe_state(state: &State, lang: Lang, celsius_to_user: &dyn Fn(f32) -> String) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(on) = state.on {
        parts.push(say(lang, if on { "on" } else { "off" }, if on { "开着" } else { "关着" }));
        if on && let Some(b) = state.brightness {
            parts.push(say(lang, format!("at {b}%"), format!("亮度{b}%")));
        }
        if let Some(color) = &state.color {
            let zh = crate::values::parse_color(color, Lang::En).map(|c| crate::values::color_name(&c, Lang::Zh));
            parts.push(say(lang, color.clone(), zh.unwrap_or(color).to_string()));
        }
    }
    if let Some(p) = state.position {
        parts.push(match (lang, p) {
            (Lang::En, 0) => "closed".into(),
            (Lang::En, 100) => "open".into(),
            (Lang::En, p) => format!("{p}% open"),
            (Lang::Zh, 0) => "关着".into(),
            (Lang::Zh, 100) => "开着".into(),
            (Lang::Zh, p) => format!("开了{p}%"),
        });
    }
    if let Some(locked) = state.locked {
        parts.push(say(lang, if locked { "locked" } else { "unlocked" }, if locked { "锁着" } else { "没锁" }));
    }
    if let Some(t) = state.target {
        parts.push(say(lang, format!("set to {}", celsius_to_user(t)), format!("设定{}", celsius_to_user(t))));
    }
    if let Some(t) = state.current {
        parts.push(say(lang, format!("reading {}", celsius_to_user(t)), format!("当前{}", celsius_to_user(t))));
    }
    if let Some(cleaning) = state.cleaning {
        parts.push(say(
            lang,
            if cleaning { "cleaning" } else { "docked" },
            if cleaning { "正在清扫" } else { "在充电座上" },
        ));
    }
    if let (Some(true), Some(playing)) = (state.on, &state.playing)
        && !playing.is_empty()
    {
        let paused = state.paused == Some(true);
        parts.push(match lang {
            Lang::En => format!("{} {playing}", if paused { "paused on" } else { "playing" }),
            Lang::Zh => format!("{}{playing}", if paused { "暂停在" } else { "正在播放" }),
        });
    }
    match lang {
        Lang::En => parts.join(", "),
        Lang::Zh => parts.join("，"),
    }
}

/// A duration in words: "5 minutes", "1 hour 30 minutes", "5分钟".
pub fn duration(lang: Lang, d: std::time::Duration) -> String {
    let total = d.as_secs() + u64::from(d.subsec_millis() >= 500);
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let mut parts = Vec::new();
    let unit = |n: u64, en: &str, zh: &str| match lang {
        Lang::En => format!("{n} {en}{}", if n == 1 { "" } else { "s" }),
        Lang::Zh => format!("{n}{zh}"),
    };
    if h > 0 {
        parts.push(unit(h, "hour", "小时"));
    }
    if m > 0 {
        parts.push(unit(m, "minute", "分钟"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(unit(s, "second", "秒"));
    }
    match lang {
        Lang::En => parts.join(" "),
        Lang::Zh => parts.concat(),
    }
}

/// What hearth can do, for "help".
pub fn help(lang: Lang) -> String {
    say(
        lang,
        "I can switch and dim lights, set colours, open and close blinds and doors, lock and unlock, set the heating, \
         control speakers and the vacuum, run timers and shopping lists, and tell the time. I learn your name, your \
         own names for devices (\"call the desk lamp Luna\") and your own commands (\"when I say movie time, dim the \
         living room and close the blinds\"). Say \"undo\" to take back the last change.",
        "我可以开关和调暗灯、换颜色、开关窗帘和门、上锁开锁、调暖气和空调、控制音箱和扫地机、设定时器、记购物清单、报时。\
         我还能记住你的名字、你给设备起的名字（“把台灯叫做小月”）和你教我的口令（“我说电影时间，就把客厅调暗并关上窗帘”）。\
         说“撤销”可以撤回上一步。",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_labels() {
        for plural in ["blinds", "living room blinds", "under-cabinet lights", "fairy lights"] {
            assert!(is_plural(Lang::En, plural), "{plural}");
            assert_eq!(is_are(Lang::En, plural), "are");
        }
        for one in ["desk lamp", "glass", "bus", "Robbie", "Sonos", "christmas tree", "gas", "dennis", "electronics"] {
            assert!(!is_plural(Lang::En, one), "{one}");
        }
        assert!(!is_plural(Lang::Zh, "blinds"));
    }
}

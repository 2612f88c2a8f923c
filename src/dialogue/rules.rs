//! Word rules that settle what the model leaves open or gets wrong in
//! ways the words make plain: the verb of a command the model did not
//! recognise, a timer intent on a line that names no timer.

use crate::nlu::Parse;
use crate::text::is_cjk;

use super::ops::Op;

/// The device operation a command's verb names, if any.
pub fn verb_op(canon: &str) -> Option<Op> {
    let words: Vec<&str> = canon.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    if pair("turn", "on") || pair("switch", "on") || (has("turn") && has("on")) {
        return Some(Op::TurnOn);
    }
    if pair("turn", "off") || pair("switch", "off") || (has("turn") && has("off")) || has("shut") && has("off") {
        return Some(Op::TurnOff);
    }
    for (word, op) in [
        ("unlock", Op::Unlock),
        ("lock", Op::Lock),
        ("open", Op::Open),
        ("close", Op::Close),
        ("dim", Op::BrightnessDown),
    ] {
        if has(word) {
            return Some(op);
        }
    }
    for (word, op) in [
        ("解锁", Op::Unlock),
        ("锁上", Op::Lock),
        ("调暗", Op::BrightnessDown),
        ("调亮", Op::BrightnessUp),
        ("关掉", Op::TurnOff),
        ("关闭", Op::TurnOff),
        ("关上", Op::TurnOff),
        ("关了", Op::TurnOff),
        ("打开", Op::TurnOn),
        ("开启", Op::TurnOn),
        ("关", Op::TurnOff),
        ("开", Op::TurnOn),
    ] {
        if canon.contains(word) {
            return Some(op);
        }
    }
    None
}

/// The object of a short command ("turn on the spaceship" -> "spaceship",
/// "打开宇宙飞船" -> "宇宙飞船"), for naming a device the home does not have.
pub fn verb_object(canon: &str) -> Option<String> {
    const EN: &[&str] =
        &["turn on ", "turn off ", "switch on ", "switch off ", "open ", "close ", "unlock ", "lock ", "dim "];
    const ZH: &[&str] = &["打开", "关掉", "关闭", "关上", "开启", "解锁", "锁上", "调暗", "调亮"];
    let object = EN
        .iter()
        .find_map(|v| canon.strip_prefix(v))
        .map(|rest| rest.trim_start_matches("the ").trim_start_matches("my ").to_string())
        .or_else(|| {
            let rest = canon.trim_start_matches("请").trim_start_matches("帮我").trim_start_matches('把');
            ZH.iter().find_map(|v| rest.strip_prefix(v)).map(|r| r.trim_end_matches(['吧', '了', '啊']).to_string())
        })?;
    let n_words = object.split(' ').count();
    (!object.is_empty() && n_words <= 3 && object.chars().count() <= 24).then_some(object)
}

/// Whether the words, more than the model, decide the line is about temperature.
pub fn mentions_temperature(canon: &str) -> bool {
    ["temperature", "warm", "cold", "hot", "degrees", "温度", "几度", "多热", "多冷"].iter().any(|w| canon.contains(w))
}

const TIMER_WORDS: &[&str] = &[
    "timer",
    "minute",
    "second",
    "hour",
    "countdown",
    "alarm",
    "计时",
    "分钟",
    "秒",
    "小时",
    "倒计时",
    "闹钟",
    "定时",
];

/// Whether the model's intent is about something the line never mentions
/// (a timer without a timer word, a list without a list), so a device verb
/// in it should decide instead.
pub fn off_topic(intent: &str, canon: &str) -> bool {
    if intent.starts_with("timer_") {
        return !TIMER_WORDS.iter().any(|w| canon.contains(w));
    }
    matches!(intent, "out_of_scope" | "scene_activate" | "list_add" | "list_complete")
}

/// Words without which the model's list or play reading is not believed.
const LIST_WORDS: &[&str] = &[
    "list",
    "add",
    "put",
    "buy",
    "need",
    "get",
    "grab",
    "pick up",
    "remember",
    "shopping",
    "groceries",
    "done",
    "got",
    "bought",
    "tick",
    "cross",
    "remove",
    "take",
    "清单",
    "单子",
    "列表",
    "加",
    "添",
    "买",
    "记",
    "购物",
    "划掉",
    "删",
    "去掉",
];
const MEDIA_WORDS: &[&str] = &[
    "play",
    "music",
    "song",
    "track",
    "album",
    "playlist",
    "radio",
    "podcast",
    "listen",
    "tune",
    "artist",
    "hear",
    "start",
    "resume",
    "something",
    "播",
    "放",
    "听",
    "音乐",
    "歌",
    "曲",
    "电台",
    "专辑",
    "节目",
    "station",
    "episode",
    "chapter",
    "audiobook",
    "广播",
    "之声",
    "调频",
    "频道",
];

/// Whether a list or play reading lacks every word such a request uses
/// ("香蕉" read as play, a pangram read as a list request): the model guessed,
/// and nothing in the line backs the guess. The caller decides when that
/// matters (no slot found, or a device verb leading the line).
pub fn unsupported_guess(intent: &str, canon: &str) -> bool {
    let words: &[&str] = match intent {
        "list_add" | "list_complete" => LIST_WORDS,
        "media_play" => MEDIA_WORDS,
        _ => return false,
    };
    !words.iter().any(|w| canon.contains(w))
}

/// Below this confidence the model put more weight on all other readings
/// together than on its pick.
pub const EVEN_ODDS: f32 = 0.5;

/// Whether a list or play reading is a guess to drop: no word such a request
/// uses backs it ([`unsupported_guess`]), and the model found nothing for it
/// (`found_slot` false), or a device verb leads the line (`device_verb`:
/// "打开宇宙飞船" read as playing a title), or the model was less than even
/// sure ("the quick brown fox" of a pangram read as a title at 0.39).
pub fn unbacked_request(intent: &str, canon: &str, found_slot: bool, device_verb: bool, confidence: f32) -> bool {
    (!found_slot || device_verb || confidence < EVEN_ODDS) && unsupported_guess(intent, canon)
}

/// Words that ask for a scene or mode.
const SCENE_WORDS: &[&str] = &[
    "scene",
    "mode",
    "activate",
    "start",
    "run",
    "switch to",
    "set up",
    "time for",
    "场景",
    "情景",
    "模式",
    "启动",
    "开启",
    "切换",
    "进入",
    "执行",
    "运行",
];

/// Whether a scene reading is a guess: no word in the line asks for a scene
/// or mode, and the scene's name covers less than half of the line's words
/// ("lazy" out of a pangram; not "movie night please"). Chinese counts characters.
pub fn unsupported_scene(scene: &str, canon: &str) -> bool {
    if SCENE_WORDS.iter().any(|w| canon.contains(w)) {
        return false;
    }
    let size = |text: &str| -> usize {
        text.split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| if w.chars().any(is_cjk) { w.chars().count() } else { 1 })
            .sum()
    };
    2 * size(&crate::home::canonical(scene)) < size(canon)
}

/// Whether the whole line only thanks ("thanks", "thank you so much", "谢谢你"),
/// whatever the model read it as.
pub fn only_thanks(canon: &str) -> bool {
    let line = canon.trim_end_matches(['.', '!', '。', '！', '~', '～']);
    let filler = |w: &str| matches!(w, "you" | "so" | "very" | "much" | "a" | "lot" | "many" | "ok" | "okay" | "great");
    let thanks = |w: &str| matches!(w, "thanks" | "thank" | "thx" | "cheers" | "ta");
    let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
    let english = words.iter().any(|w| thanks(w)) && words.iter().all(|w| thanks(w) || filler(w));
    let chinese = matches!(
        line,
        "谢谢"
            | "谢谢你"
            | "谢谢您"
            | "谢了"
            | "谢啦"
            | "谢谢啦"
            | "多谢"
            | "多谢了"
            | "感谢"
            | "非常感谢"
            | "太感谢了"
            | "好的谢谢"
    );
    english || chinese
}

/// A timer intent corrected by its words: "cancel"/"取消" always cancels.
pub fn settle_timer_intent(parse: &Parse, canon: &str) -> Parse {
    let mut parse = parse.clone();
    if parse.intent.starts_with("timer_") && parse.intent != "timer_cancel_all" {
        let cancel = canon.split(' ').any(|w| matches!(w, "cancel" | "delete" | "remove"))
            || ["取消", "删掉", "删除", "不要了"].iter().any(|w| canon.contains(w));
        if cancel {
            parse.intent = "timer_cancel".into();
        }
    }
    parse
}

/// Whether the line asks for shorter or longer replies ("be more chatty",
/// "keep your answers short", "说话简短一点"), which the model may not see.
pub fn asks_reply_length(canon: &str) -> bool {
    let length = [
        "chatty", "chattier", "verbose", "detailed", "shorter", "short", "brief", "concise", "简短", "详细", "啰嗦",
        "多说", "少说",
    ];
    let about = ["answer", "repl", "talk", "be ", "speak", "response", "说话", "回答", "回复"];
    length.iter().any(|w| canon.contains(w)) && about.iter().any(|w| canon.contains(w))
}

/// Whether the line asks to hear a list: it names one ("shopping list",
/// "购物清单") and asks what is on it ("what's on", "read me", "有什么"),
/// whatever intent the model gave it (the model has no intent for reading a list).
pub fn reads_list(canon: &str) -> bool {
    let words: Vec<&str> = canon.split(' ').filter(|w| !w.is_empty()).collect();
    let names_list = words.iter().any(|w| matches!(*w, "list" | "lists"));
    let asks = matches!(words.first(), Some(&("read" | "show" | "list" | "check")))
        || words.windows(2).any(|p| {
            matches!(
                p,
                ["what", "is"] | ["what's" | "whats", "on"] | ["tell", "me"] | ["what", "do"] | ["what", "else"]
            )
        });
    let zh_list = ["清单", "购物单", "单子"].iter().any(|w| canon.contains(w));
    let zh_asks =
        ["有什么", "有哪些", "有啥", "都有", "念", "读", "看看", "看一下", "是什么"].iter().any(|w| canon.contains(w));
    (names_list && asks) || (zh_list && zh_asks)
}

/// Whether a request names a later time to act ("at 7pm", "in ten
/// minutes", "tomorrow", "晚上七点", "十分钟后"): hearth acts right away only,
/// so such a request must not run now.
pub fn names_later_time(canon: &str) -> bool {
    let words: Vec<&str> = canon.split(' ').filter(|w| !w.is_empty()).collect();
    let clock = |w: &str| {
        let digits = w.trim_end_matches("am").trim_end_matches("pm");
        !digits.is_empty() && digits.len() <= 2 && digits.chars().all(|c| c.is_ascii_digit())
    };
    let number_word = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || matches!(
                w,
                "a" | "an"
                    | "one"
                    | "two"
                    | "three"
                    | "five"
                    | "ten"
                    | "fifteen"
                    | "twenty"
                    | "thirty"
                    | "half"
                    | "few"
            )
    };
    let english = words.windows(2).any(|p| {
        p[0] == "at"
            && (clock(p[1]) && (p[1].ends_with("am") || p[1].ends_with("pm"))
                || matches!(p[1], "noon" | "midnight" | "sunset" | "sunrise" | "dawn" | "dusk"))
    }) || words.windows(3).any(|p| {
        (p[0] == "at" && clock(p[1]) && matches!(p[2], "am" | "pm" | "o'clock" | "oclock" | "tonight" | "tomorrow")
            || p[2].chars().all(|c| c.is_ascii_digit()) && p[0] == "at" && clock(p[1]) && p[2].len() == 2)
            || (p[0] == "in"
                && number_word(p[1])
                && matches!(p[2], "minute" | "minutes" | "min" | "mins" | "hour" | "hours" | "an"))
    }) || words.iter().any(|w| matches!(*w, "tomorrow" | "tonight" | "later"));
    let chinese = ["分钟后", "小时后", "分钟以后", "小时以后", "明天", "今晚", "点钟", "待会", "等会", "一会儿"]
        .iter()
        .any(|w| canon.contains(w))
        || (["早上", "晚上", "下午", "上午", "凌晨", "中午"].iter().any(|w| canon.contains(w)) && canon.contains('点'));
    english || chinese
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_and_objects() {
        assert_eq!(verb_op("turn on the spaceship"), Some(Op::TurnOn));
        assert_eq!(verb_op("把所有设备都关了"), Some(Op::TurnOff));
        assert_eq!(verb_object("turn on the spaceship"), Some("spaceship".into()));
        assert_eq!(verb_object("打开宇宙飞船"), Some("宇宙飞船".into()));
        assert_eq!(verb_object("what a day"), None);
        assert!(unsupported_guess("media_play", "香蕉"));
        assert!(unsupported_guess("list_complete", "the quick brown fox jumps over the lazy dog"));
        assert!(!unsupported_guess("media_play", "播放点音乐"));
        assert!(!unsupported_guess("media_play", "打开中国之声"));
        assert!(!unsupported_guess("media_play", "put on the next episode"));
        assert!(!unsupported_guess("list_add", "we need milk"));
        assert!(!unsupported_guess("turn_on", "香蕉"));
        assert!(unsupported_scene("lazy", "the quick brown fox jumps over the lazy dog"));
        assert!(!unsupported_scene("movie night", "movie night please"));
        assert!(!unsupported_scene("lazy", "activate lazy mode"));
        assert!(!unsupported_scene("电影", "切换到电影模式"));
        assert!(!unsupported_scene("回家", "我回家了"));
        assert!(only_thanks("thanks"));
        assert!(only_thanks("thank you so much!"));
        assert!(only_thanks("谢谢你"));
        assert!(!only_thanks("yes thanks"));
        assert!(!only_thanks("you"));
        assert!(!only_thanks("不用了谢谢"));
        assert!(asks_reply_length("be more chatty"));
        assert!(asks_reply_length("说话简短一点"));
        assert!(!asks_reply_length("turn on the short lamp"));
    }

    #[test]
    fn later_times() {
        for line in [
            "turn on the porch light at 7pm",
            "turn on the porch light at 7 pm",
            "switch off the heating at 10:30",
            "turn the lights off in ten minutes",
            "open the blinds tomorrow",
            "晚上七点打开门廊灯",
            "十分钟后关灯",
        ] {
            assert!(names_later_time(&crate::home::canonical(line)), "{line}");
        }
        for line in [
            "set the lights at 50%",
            "set the heating at 21 degrees",
            "turn on the porch light",
            "set a timer for 10 minutes",
            "把灯调亮一点",
            "晚上好",
        ] {
            assert!(!names_later_time(&crate::home::canonical(line)), "{line}");
        }
    }

    #[test]
    fn list_reading() {
        for line in ["what's on my shopping list", "what is on the shopping list", "read me the shopping list"] {
            assert!(reads_list(&crate::home::canonical(line)), "{line}");
        }
        for line in ["show me my shopping list", "购物清单上有什么", "念一下购物清单", "清单里都有啥"]
        {
            assert!(reads_list(&crate::home::canonical(line)), "{line}");
        }
        for line in ["add milk to the shopping list", "take eggs off the list", "把牛奶加到购物清单", "what time is it"]
        {
            assert!(!reads_list(&crate::home::canonical(line)), "{line}");
        }
    }

    #[test]
    fn unbacked_requests() {
        let pangram = "the quick brown fox jumps over the lazy dog";
        // A title found, but the model was less than even sure and no word asks to play.
        assert!(unbacked_request("media_play", pangram, true, false, 0.39));
        // The same reading held with confidence stands.
        assert!(!unbacked_request("media_play", pangram, true, false, 0.9));
        // Nothing found, or a device verb leading the line: a guess however sure.
        assert!(unbacked_request("media_play", "香蕉", false, false, 0.99));
        assert!(unbacked_request("media_play", "打开宇宙飞船", true, true, 0.99));
        // A word of the request backs it, however unsure.
        assert!(!unbacked_request("media_play", "play the quick brown fox", true, false, 0.39));
        assert!(!unbacked_request("list_add", "add eggs", true, false, 0.2));
        // Other intents are never this kind of guess.
        assert!(!unbacked_request("turn_on", pangram, true, false, 0.1));
    }
}

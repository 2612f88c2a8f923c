//! Acting on devices: choosing targets and values, asking when unsure,
//! confirming risky actions, applying, and answering.

use crate::backend::{Asker, Order, Outcome};
use crate::home::{Class, Home, Kind, canonical, class_word};
use crate::nlu::Parse;
use crate::profile::Unit;
use crate::text::Lang;
use crate::values::{
    Level, TempUnit, color_name, parse_color, parse_percent, parse_temperature, parse_volume, resolve_unit,
};

use super::delivery::{join_sentences, reached};
use super::ops::{Op, Value};
use super::reply::{describe_state, devices_phrase, is_are, is_plural, join_or, say, the};
use super::resolve::{Mentioned, gather, pick, select};
use super::session::{Last, Pending, Session};
use super::turn::{Action, Turn};
use super::{Assistant, not_understood};

/// More devices than this switched off at once asks for confirmation.
const CONFIRM_MANY: usize = 5;

impl Assistant {
    /// Carries a follow-up ("and the kitchen too", "卧室的也打开", "what about
    /// the bedroom?") over from the last request: returns the operation to
    /// run when `text` is one.
    pub(super) fn follow_up_op(
        &self,
        session: &Session,
        text: &str,
        parse: &Parse,
        mentioned: &Mentioned,
    ) -> Option<Op> {
        let last = session.last.as_ref()?;
        let canon = canonical(text);
        let words: Vec<&str> = canon.split(' ').collect();
        let marked = matches!(words.first(), Some(&("and" | "also" | "plus")))
            || canon.starts_with("what about")
            || canon.starts_with("how about")
            || matches!(words.last(), Some(&("too" | "also")))
            || canon.ends_with("as well")
            || canon.contains('也')
            || canon.starts_with("还有")
            || canon.starts_with('那')
            || canon.ends_with('呢');
        if !marked {
            return None;
        }
        if mentioned.is_empty() {
            return None;
        }
        match Op::from_intent(&parse.intent) {
            Some(op) if parse.confidence >= 0.9 && op != last.op && has_verb(&canon) => Some(op),
            _ => Some(last.op),
        }
    }

    /// Runs a device operation from a parsed line; `mentioned` is what the
    /// line names, `follow_up` whether it continues the last request.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn device_op(
        &mut self,
        session: &mut Session,
        user: &str,
        op: Op,
        text: &str,
        parse: &Parse,
        mut mentioned: Mentioned,
        follow_up: bool,
        turn: &mut Turn,
    ) {
        let lang = parse.lang;
        let canon = canonical(text);
        let mut op = op;
        if mentioned.all && mentioned.is_empty() && op.changes() {
            mentioned.class = class_word("everything");
        }
        // A question never changes anything: "is Robbie cleaning?", "what colour is the night light?".
        if is_question(text, &canon) && op.changes() {
            op = if super::rules::mentions_temperature(&canon) { Op::GetTemperature } else { Op::GetState };
        }
        // A room the home does not have: say so, rather than act on every room.
        if let Some(area) = &mentioned.unknown_area
            && mentioned.areas.is_empty()
            && mentioned.floors.is_empty()
            && mentioned.devices.is_empty()
        {
            turn.reply = self.unknown_area(area, lang);
            return;
        }
        // "What is the thermostat set to?" asks for the setting, which the
        // state reply gives, not for the room's temperature.
        if op == Op::GetTemperature && asks_setting(&canon) {
            op = Op::GetState;
        }
        if is_mute(&canon) && matches!(op, Op::VolumeDown | Op::VolumeSet | Op::MediaPause | Op::TurnOff) {
            op = Op::VolumeSet;
        }
        let follow = session.last.clone().filter(|_| follow_up);
        if let Some(last) = &follow
            && mentioned.class.is_none()
            && mentioned.devices.is_empty()
        {
            mentioned.class = last.class;
            // Without a class word, or when the class finds nothing there: the same kinds there.
            let class_finds = last.class.is_some_and(|c| {
                (0..self.home.devices.len()).any(|i| {
                    c.selects(&self.home.devices[i])
                        && self.home.devices[i].area.is_some_and(|a| mentioned.areas.contains(&a))
                })
            });
            if !class_finds {
                let kinds: Vec<Kind> = last.devices.iter().map(|&i| self.home.devices[i].kind).collect();
                mentioned.class = None;
                mentioned.devices = (0..self.home.devices.len())
                    .filter(|&i| kinds.contains(&self.home.devices[i].kind))
                    .filter(|&i| self.home.devices[i].area.is_some_and(|a| mentioned.areas.contains(&a)))
                    .collect();
                mentioned.all = true;
            }
        }
        if let Some(area) = mentioned.areas.first() {
            turn.resolved.area = Some(self.home.areas[*area].id.clone());
        }

        if is_usual(&canon) {
            let candidates = select(&self.home, &mentioned, &|_| true, &[]).devices;
            let last: Vec<usize> = session.last.as_ref().map(|l| l.devices.clone()).unwrap_or_default();
            let targets = if candidates.is_empty() { &last } else { &candidates };
            if let Some(usual) = self.usual_op(session, targets) {
                op = usual;
            }
        }
        // Targets. When the devices meant cannot do this operation, other ones
        // are tried: first the setting whose value the line carries (a lamp
        // "调到百分之五十" that the model read as a play request), then the
        // operation's siblings.
        // "two degrees warmer" is a temperature, however warm a colour can be.
        if op == Op::SetColor && says_degrees(&canon) {
            op = Op::SetTemperature;
        }
        let mut selection = select(&self.home, &mentioned, &|d| op.accepts(d), op.area_default());
        // "clean the kitchen": the room is where to clean, not where the robot stands.
        let mut cleaning_elsewhere = false;
        if selection.devices.is_empty()
            && matches!(op, Op::VacuumStart | Op::VacuumDock)
            && (!mentioned.areas.is_empty() || !mentioned.floors.is_empty())
        {
            let anywhere = Mentioned { areas: Vec::new(), floors: Vec::new(), ..mentioned.clone() };
            let mut retry = select(&self.home, &anywhere, &|d| op.accepts(d), op.area_default());
            if anywhere.is_empty() {
                retry.devices = (0..self.home.devices.len()).filter(|&i| op.accepts(&self.home.devices[i])).collect();
                retry.ambiguous = retry.devices.len() > 1;
            }
            if !retry.devices.is_empty() {
                cleaning_elsewhere = op == Op::VacuumStart;
                selection = retry;
            }
        }
        if selection.devices.is_empty() && !selection.incapable.is_empty() {
            let carried = op.carried_setting(parse.slots.iter().map(|s| s.label.as_str()));
            for other in carried.into_iter().chain(op.siblings().iter().copied()) {
                let retry = select(&self.home, &mentioned, &|d| other.accepts(d), other.area_default());
                if !retry.devices.is_empty() {
                    (op, selection) = (other, retry);
                    break;
                }
            }
        }
        // "turn the heating up by 2 degrees", "make it warmer": a step, not a
        // set point of 2 °C (also when the set point came from a carried slot).
        if op == Op::SetTemperature
            && let Some(warmer) = temperature_direction(&canon)
        {
            op = if warmer { Op::TemperatureUp } else { Op::TemperatureDown };
        }
        let from_last = |op: Op| -> Vec<usize> {
            session
                .last
                .as_ref()
                .map(|l| l.devices.iter().copied().filter(|&i| op.accepts(&self.home.devices[i])).collect())
                .unwrap_or_default()
        };
        let mut devices: Vec<usize> = Vec::new();
        if mentioned.is_empty() && mentioned.unknown.is_none() {
            devices = from_last(op);
            // "把它关上" after opening the curtains: "it" keeps the devices, the verb adapts.
            if devices.is_empty()
                && mentioned.reference
                && let Some(&other) = op.siblings().iter().find(|&&o| !from_last(o).is_empty())
            {
                op = other;
                devices = from_last(op);
            }
        }
        if is_mute(&canon) && op == Op::VolumeSet {
            turn.resolved.values.insert("percent".into(), serde_json::json!(0));
        }
        let mut value = if is_mute(&canon) && op == Op::VolumeSet {
            Some(Value::Percent(0.0))
        } else {
            self.value_for(session, op, text, parse, &mentioned, &devices)
        };
        if value.is_none()
            && let Some(last) = follow.as_ref().filter(|l| l.op == op)
        {
            value = last.value.clone();
        }
        if let Some(value) = &value {
            record_value(turn, value, session.profile.prefs.unit);
        }

        let devices: Vec<usize> = if !mentioned.is_empty() {
            if selection.devices.is_empty() {
                turn.reply = self.nothing_matches(&mentioned, &selection.incapable, op, lang, text);
                return;
            }
            if selection.ambiguous {
                turn.reply = self.ask_which(&selection.devices, lang);
                session.pending = Some(Pending::Which { op, value, options: selection.devices });
                return;
            }
            selection.devices
        } else if let Some(unknown) = &mentioned.unknown {
            turn.reply = self.unknown_device(unknown, op, lang);
            return;
        } else if !devices.is_empty() {
            devices
        } else {
            let capable: Vec<usize> =
                (0..self.home.devices.len()).filter(|&i| op.accepts(&self.home.devices[i])).collect();
            let active: Vec<usize> = capable
                .iter()
                .copied()
                .filter(|&i| {
                    let s = &self.home.devices[i].state;
                    op.capability() == crate::home::Capability::Media && s.on == Some(true)
                })
                .collect();
            if capable.len() == 1 || (op == Op::GetTemperature && !capable.is_empty()) {
                capable
            } else if active.len() == 1 {
                active
            } else if capable.is_empty() {
                turn.reply =
                    say(lang, "There is no device in this home that can do that.", "家里没有能做这件事的设备。");
                return;
            } else {
                turn.reply = self.ask_which(&capable, lang);
                session.pending = Some(Pending::Which { op, value, options: capable });
                return;
            }
        };
        self.finish(session, user, op, value, devices, lang, turn, &mentioned);
        if cleaning_elsewhere && turn.actions.iter().any(|a| a.outcome == Outcome::Done) {
            let note = say(
                lang,
                "It cleans the whole home: it cannot be sent to one room.",
                "它会打扫整个家，没法只打扫一个房间。",
            );
            turn.reply = join_sentences(lang, &[std::mem::take(&mut turn.reply), note]);
        }
    }

    /// The setting a person chose most often for these devices, as an
    /// operation ("set it to my usual").
    pub(super) fn usual_op(&self, session: &Session, devices: &[usize]) -> Option<Op> {
        let ids: Vec<&str> = devices.iter().map(|&i| self.home.devices[i].id.as_str()).collect();
        session
            .profile
            .usage
            .iter()
            .filter(|u| ids.contains(&u.device.as_str()))
            .max_by_key(|u| u.count)
            .and_then(|u| Op::for_setting(&u.setting))
    }

    /// Runs `op` on chosen devices: asks for a missing value, confirms risky
    /// actions, or acts.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish(
        &mut self,
        session: &mut Session,
        user: &str,
        op: Op,
        value: Option<Value>,
        devices: Vec<usize>,
        lang: Lang,
        turn: &mut Turn,
        mentioned: &Mentioned,
    ) {
        turn.resolved.devices = devices.iter().map(|&i| self.home.devices[i].id.clone()).collect();
        if op.needs_value() && value.is_none() {
            turn.reply = ask_value(op, lang, &self.home, &devices);
            session.pending = Some(Pending::Value { op, devices });
            return;
        }
        if let (Op::SetTemperature, Some(Value::Celsius(c))) = (op, &value)
            && !(SET_POINT_MIN..=SET_POINT_MAX).contains(c)
        {
            let unit = session.profile.prefs.unit;
            let (asked, low, high) = (
                format_temperature(*c, unit),
                format_temperature(SET_POINT_MIN, unit),
                format_temperature(SET_POINT_MAX, unit),
            );
            turn.reply = say(
                lang,
                format!("{asked} is not a temperature I will set: say one from {low} to {high}."),
                format!("{asked}不是我会设的温度，请说{low}到{high}之间的温度。"),
            );
            return;
        }
        if op.reads_only() {
            turn.reply = self.read_state(session, op, &devices, lang, turn);
            session.last = Some(Last { op, devices, class: mentioned.class, value: None });
            return;
        }
        if self.is_risky(op, &devices, mentioned) {
            turn.reply = self.ask_confirm(op, &devices, lang);
            session.pending = Some(Pending::Confirm { op, value, devices });
            return;
        }
        self.act(session, user, op, value, devices, lang, turn, mentioned.class);
    }

    /// Applies `op` to `devices` and writes the reply.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn act(
        &mut self,
        session: &mut Session,
        user: &str,
        op: Op,
        value: Option<Value>,
        devices: Vec<usize>,
        lang: Lang,
        turn: &mut Turn,
        class: Option<crate::home::ClassWord>,
    ) {
        let orders: Vec<Order> = devices
            .iter()
            .filter_map(|&i| {
                op.command(value.as_ref(), &self.home.devices[i].state).map(|command| Order { device: i, command })
            })
            .collect();
        let outcomes = self.backend.execute(&self.home, &orders, Asker { user, lang });
        let mut changes = Vec::new();
        let mut missed = Vec::new();
        for (order, outcome) in orders.into_iter().zip(outcomes) {
            let i = order.device;
            let id = self.home.devices[i].id.clone();
            turn.actions.push(Action { device: id.clone(), command: order.command.clone(), outcome });
            if outcome != Outcome::Done {
                missed.push((i, outcome));
                continue;
            }
            if let (Some(setting), Some(v)) = (op.setting(), &value) {
                session.profile.record(&id, setting, value_key(v));
            }
            changes.push(self.home.apply(i, order.command));
        }
        let unchanged = changes.iter().all(|c| c.before == c.after);
        let reached = reached(&devices, &missed);
        let done = if reached.is_empty() {
            String::new()
        } else {
            self.done_reply(op, &reached, &changes, lang, unchanged, session)
        };
        turn.reply = join_sentences(lang, &[done, self.missed_reply(&missed, lang)]);
        session.push_undo(changes);
        session.last = Some(Last { op, devices, class, value });
        self.save_home();
        if op.setting().is_some() {
            self.save_profile(user, session);
        }
    }

    /// The value an operation needs, from the slots, the text ("my usual"),
    /// or the user's preferences.
    fn value_for(
        &self,
        session: &Session,
        op: Op,
        text: &str,
        parse: &Parse,
        m: &Mentioned,
        targets: &[usize],
    ) -> Option<Value> {
        let slot_exact = |label: &str| parse.slots.iter().find(|s| s.label == label).map(|s| s.value.as_str());
        // A level is a level whichever slot the model put it in.
        let slot = |label: &str| match label {
            "brightness" | "position" | "volume" => {
                slot_exact(label).or_else(|| LEVELS.iter().find_map(|l| slot_exact(l)))
            }
            // A temperature request settles what a bare number is ("set the
            // thermostat to 21" with 21 tagged as a level); a percentage never is.
            "temperature" => slot_exact(label).or_else(|| {
                LEVELS
                    .iter()
                    .find_map(|l| slot_exact(l))
                    .filter(|v| !v.contains(['%', '％']) && !v.contains("percent") && !v.contains("百分"))
            }),
            _ => slot_exact(label),
        };
        let canon = canonical(text);
        let usual = is_usual(&canon);
        let from_usual = |setting: &str| -> Option<String> {
            let device =
                m.devices.first().or(targets.first()).or(session.last.as_ref().and_then(|l| l.devices.first()))?;
            session.profile.usual(&self.home.devices[*device].id, setting).map(str::to_string)
        };
        let unit = match session.profile.prefs.unit {
            Unit::Celsius => TempUnit::Celsius,
            Unit::Fahrenheit => TempUnit::Fahrenheit,
        };
        match op {
            Op::SetBrightness => slot("brightness")
                .and_then(parse_percent)
                .or_else(|| usual.then(|| from_usual("brightness")).flatten().and_then(|v| v.parse().ok()))
                .or_else(|| {
                    (canon.contains("default") || canon.contains("默认"))
                        .then_some(session.profile.prefs.default_brightness.map(f32::from))
                        .flatten()
                })
                .map(Value::Percent),
            Op::BrightnessUp | Op::BrightnessDown | Op::VolumeUp | Op::VolumeDown => {
                let small = ["a bit", "a little", "slightly", "a touch", "一点", "一些", "稍微", "一下"]
                    .iter()
                    .any(|w| canon.contains(w));
                let label = if matches!(op, Op::VolumeUp | Op::VolumeDown) { "volume" } else { "brightness" };
                slot(label).and_then(parse_percent).or(small.then_some(10.0)).map(Value::Step)
            }
            Op::SetPosition => slot("position").and_then(parse_percent).map(Value::Percent),
            Op::SetColor => slot("color")
                .and_then(|c| parse_color(c, parse.lang))
                .or_else(|| {
                    canon.split(' ').find_map(|w| parse_color(w, parse.lang)).or_else(|| {
                        usual.then(|| from_usual("color")).flatten().and_then(|c| parse_color(&c, Lang::En))
                    })
                })
                .map(Value::Color),
            Op::SetTemperature => slot("temperature")
                .and_then(parse_temperature)
                .map(|t| resolve_unit(t.value, t.unit, unit))
                .or_else(|| {
                    let favourite = ["favourite", "favorite", "comfort", "preferred", "喜欢", "舒适"]
                        .iter()
                        .any(|w| canon.contains(w));
                    if !(usual || favourite) {
                        return None;
                    }
                    let area = m.areas.first().map(|&a| self.home.areas[a].id.as_str()).unwrap_or("");
                    from_usual("temperature")
                        .and_then(|v| v.parse().ok())
                        .filter(|_| usual)
                        .or_else(|| session.profile.favourite_temperature(area))
                })
                .map(Value::Celsius),
            // "two degrees warmer": a difference, so only the unit's scale applies.
            Op::TemperatureUp | Op::TemperatureDown => slot("temperature")
                .and_then(parse_temperature)
                .or_else(|| degrees_phrase(&canon).and_then(|p| parse_temperature(&p)))
                .map(|t| {
                    let fahrenheit = t.unit.unwrap_or(unit) == TempUnit::Fahrenheit;
                    Value::Celsius(if fahrenheit { t.value * 5.0 / 9.0 } else { t.value })
                }),
            Op::VolumeSet => slot("volume")
                .and_then(parse_volume)
                .map(|level| match level {
                    Level::Steps(s) => s * 10.0,
                    Level::Percent(p) => p,
                })
                .or_else(|| usual.then(|| from_usual("volume")).flatten().and_then(|v| v.parse().ok()))
                .map(Value::Percent),
            Op::MediaPlay => slot("media_query").map(|q| Value::Media(q.to_string())),
            _ => None,
        }
    }

    fn is_risky(&self, op: Op, devices: &[usize], m: &Mentioned) -> bool {
        let class = |i: &usize| self.home.devices[*i].class;
        match op {
            Op::Unlock => true,
            Op::Open => devices.iter().any(|i| matches!(class(i), Some(Class::Garage | Class::Gate | Class::Door))),
            Op::TurnOff => {
                devices.len() > CONFIRM_MANY
                    || (m.all && m.class.is_some_and(|c| c.kinds.len() > 1) && devices.len() > 1)
            }
            _ => false,
        }
    }

    fn ask_confirm(&self, op: Op, devices: &[usize], lang: Lang) -> String {
        let what = devices_phrase(&self.home, devices, lang);
        let (en, zh) = match op {
            Op::Unlock => (format!("Unlock {what}?"), format!("确定要解锁{what}吗？")),
            Op::Open => (format!("Open {what}?"), format!("确定要打开{what}吗？")),
            _ => (format!("Turn off {what}?"), format!("确定要关闭{what}吗？")),
        };
        say(lang, format!("{en} Say yes to go ahead or no to stop."), format!("{zh}请说“是”确认，或说“不”取消。"))
    }

    fn ask_which(&self, options: &[usize], lang: Lang) -> String {
        let labels: Vec<String> =
            options.iter().take(5).map(|&i| the(lang, &self.home.device_label(i, lang))).collect();
        let more = options.len() > 5;
        match lang {
            Lang::En => format!(
                "Which one: {}{}? You can also say \"all\".",
                join_or(lang, &labels),
                if more { ", or another" } else { "" }
            ),
            Lang::Zh => {
                format!("哪一个：{}{}？也可以说“全部”。", join_or(lang, &labels), if more { "，或者别的" } else { "" })
            }
        }
    }

    fn nothing_matches(&self, m: &Mentioned, incapable: &[usize], op: Op, lang: Lang, text: &str) -> String {
        if !incapable.is_empty() {
            let what = devices_phrase(&self.home, incapable, lang);
            return say(lang, format!("Sorry, {what} can't do that."), format!("抱歉，{what}做不到这个。"));
        }
        if let Some(unknown) = &m.unknown {
            return self.unknown_device(unknown, op, lang);
        }
        let place: Vec<String> = m
            .areas
            .iter()
            .map(|&a| self.home.area_name(a, lang).to_string())
            .chain(m.floors.iter().map(|&f| self.home.floor_name(f, lang).to_string()))
            .collect();
        if place.is_empty() {
            return not_understood(lang, text);
        }
        let place = super::reply::join(lang, &place);
        say(lang, format!("I found no such device in the {place}."), format!("{place}没有这样的设备。"))
    }

    /// "Which room is X? The rooms here are ..."
    fn unknown_area(&self, unknown: &str, lang: Lang) -> String {
        let rooms: Vec<String> = (0..self.home.areas.len()).map(|a| self.home.area_name(a, lang).to_string()).collect();
        say(
            lang,
            format!(
                "Sorry, I didn't understand which room \"{unknown}\" is. The rooms here are: {}.",
                rooms.join(", ")
            ),
            format!("抱歉，我不知道“{unknown}”是哪个房间。这里的房间有：{}。", rooms.join("、")),
        )
    }

    /// "I don't know X; the closest are ..."
    pub(super) fn unknown_device(&self, unknown: &str, op: Op, lang: Lang) -> String {
        let mut ranked: Vec<(usize, f32)> = self
            .home
            .names()
            .rank(unknown, 0.0)
            .into_iter()
            .filter_map(|(n, s)| match n {
                crate::home::Named::Device(i) if op.accepts(&self.home.devices[i]) => Some((i, s)),
                _ => None,
            })
            .collect();
        ranked.dedup_by_key(|(i, _)| *i);
        let closest: Vec<String> =
            ranked.iter().take(3).map(|&(i, _)| the(lang, &self.home.device_label(i, lang))).collect();
        let closest = join_or(lang, &closest);
        if closest.is_empty() {
            return say(
                lang,
                format!("I don't know a device called \"{unknown}\"."),
                format!("我不认识叫“{unknown}”的设备。"),
            );
        }
        say(
            lang,
            format!("I don't know a device called \"{unknown}\". The closest I know: {closest}."),
            format!("我不认识叫“{unknown}”的设备。最接近的是：{closest}。"),
        )
    }

    fn read_state(&self, session: &Session, op: Op, devices: &[usize], lang: Lang, turn: &Turn) -> String {
        let unit = session.profile.prefs.unit;
        let show = move |c: f32| format_temperature(c, unit);
        let stale: Vec<String> = devices.iter().filter_map(|&i| self.stale_state(i, lang, &show)).collect();
        if stale.is_empty() {
            return self.read_live_state(op, devices, lang, turn, &show);
        }
        let live: Vec<usize> =
            devices.iter().copied().filter(|&i| self.stale_state(i, lang, &show).is_none()).collect();
        let mut sentences = Vec::new();
        if !live.is_empty() {
            sentences.push(self.read_live_state(op, &live, lang, turn, &show));
        }
        sentences.extend(stale);
        join_sentences(lang, &sentences)
    }

    fn read_live_state(
        &self,
        op: Op,
        devices: &[usize],
        lang: Lang,
        turn: &Turn,
        show: &dyn Fn(f32) -> String,
    ) -> String {
        if op == Op::GetTemperature {
            let lines: Vec<String> = devices
                .iter()
                .filter_map(|&i| {
                    let d = &self.home.devices[i];
                    let current = d.state.current?;
                    let place = d.area.map(|a| self.home.area_name(a, lang).to_string());
                    Some(match (lang, place) {
                        (Lang::En, Some(p)) => format!("{} in the {p}", show(current)),
                        (Lang::En, None) => {
                            format!("{} at {}", show(current), the(lang, &self.home.device_label(i, lang)))
                        }
                        (Lang::Zh, Some(p)) => format!("{p}{}", show(current)),
                        (Lang::Zh, None) => format!("{}{}", self.home.device_label(i, lang), show(current)),
                    })
                })
                .collect();
            return say(lang, format!("It's {}.", lines.join("; ")), format!("现在{}。", lines.join("；")));
        }
        let asked = turn.slots.iter().find(|s| s.label == "state").map(|s| canonical(&s.value));
        // "is the garage open?": the garage's door, not its light as well.
        let fitting: Vec<usize> = match &asked {
            Some(word) if devices.len() > 1 => {
                devices.iter().copied().filter(|&i| state_fits(&self.home.devices[i].state, word)).collect()
            }
            _ => Vec::new(),
        };
        let devices = if fitting.is_empty() { devices } else { &fitting[..] };
        // "which lights are on?" / "is anything on?": name the devices that
        // are as asked, rather than a yes or no about all of them.
        let canon = canonical(&turn.text);
        let first = canon.split(' ').next().unwrap_or("");
        let which = first == "which" || ["哪些", "哪个", "哪几"].iter().any(|w| canon.contains(w));
        let any = canon.split(' ').any(|w| matches!(w, "any" | "anything" | "anyone"));
        if let Some(word) = asked.as_ref().filter(|_| (which || any) && devices.len() > 1) {
            let matching: Vec<usize> = devices
                .iter()
                .copied()
                .filter(|&i| state_matches(&self.home.devices[i].state, word) == Some(true))
                .collect();
            if matching.is_empty() {
                return say(lang, format!("No. None of them is {word}."), format!("没有，都没{word}。"));
            }
            let what = devices_phrase(&self.home, &matching, lang);
            let verb = if matching.len() > 1 || is_plural(lang, &self.home.device_label(matching[0], lang)) {
                "are"
            } else {
                "is"
            };
            let yes = if any { "Yes. " } else { "" };
            return say(lang, format!("{yes}{} {verb} {word}.", capitalise(&what)), format!("{what}{word}。"));
        }
        let states: Vec<String> = devices
            .iter()
            .map(|&i| {
                let label = self.home.device_label(i, lang);
                let state = describe_state(&self.home.devices[i].state, lang, show);
                match lang {
                    Lang::En => format!("{} {} {state}", the(lang, &label), is_are(lang, &label)),
                    Lang::Zh => format!("{label}{state}"),
                }
            })
            .collect();
        // Yes when every device is as asked, no when one is not.
        let answer = asked.as_ref().and_then(|word| {
            let each: Vec<Option<bool>> =
                devices.iter().map(|&i| state_matches(&self.home.devices[i].state, word)).collect();
            if each.iter().all(|a| *a == Some(true)) {
                Some(true)
            } else if each.contains(&Some(false)) {
                Some(false)
            } else {
                None
            }
        });
        let prefix = match (answer, lang) {
            (Some(true), Lang::En) => "Yes. ",
            (Some(false), Lang::En) => "No. ",
            (Some(true), Lang::Zh) => "是的，",
            (Some(false), Lang::Zh) => "没有，",
            (None, _) => "",
        };
        match lang {
            Lang::En => format!("{prefix}{}.", capitalise(&states.join("; "))),
            Lang::Zh => format!("{prefix}{}。", states.join("；")),
        }
    }

    fn done_reply(
        &self,
        op: Op,
        devices: &[usize],
        changes: &[crate::home::Change],
        lang: Lang,
        unchanged: bool,
        session: &Session,
    ) -> String {
        let what = devices_phrase(&self.home, devices, lang);
        let after = |f: &dyn Fn(&crate::home::State) -> Option<String>| -> Option<String> {
            let values: Vec<String> = changes.iter().filter_map(|c| f(&c.after)).collect();
            values.first().filter(|v| values.iter().all(|x| x == *v)).cloned()
        };
        let unit = session.profile.prefs.unit;
        let (en, zh) = match op {
            _ if unchanged && !matches!(op, Op::MediaNext | Op::MediaPrevious) => {
                let state = changes
                    .first()
                    .map(|c| describe_state(&c.after, lang, &|t| format_temperature(t, unit)))
                    .unwrap_or_default();
                if let [one] = devices[..] {
                    let was = if is_plural(lang, &self.home.device_label(one, lang)) { "were" } else { "was" };
                    (format!("{} {was} already {state}.", capitalise(&what)), format!("{what}本来就是{state}。"))
                } else {
                    (format!("{} were already like that.", capitalise(&what)), format!("{what}本来就是这样。"))
                }
            }
            Op::TurnOn => (format!("Turned on {what}."), format!("已打开{what}。")),
            Op::TurnOff => (format!("Turned off {what}."), format!("已关闭{what}。")),
            Op::Open => (format!("Opened {what}."), format!("已打开{what}。")),
            Op::Close => (format!("Closed {what}."), format!("已关上{what}。")),
            Op::Lock => (format!("Locked {what}."), format!("已锁上{what}。")),
            Op::Unlock => (format!("Unlocked {what}."), format!("已解锁{what}。")),
            Op::SetBrightness | Op::BrightnessUp | Op::BrightnessDown => {
                let level = after(&|s| {
                    if s.on == Some(false) { Some("off".into()) } else { s.brightness.map(|b| format!("{b}%")) }
                });
                match (op, level) {
                    (_, Some(l)) if l == "off" => (format!("Turned off {what}."), format!("已关闭{what}。")),
                    (Op::BrightnessUp, Some(l)) => {
                        (format!("Brightened {what} to {l}."), format!("已把{what}调亮到{l}。"))
                    }
                    (Op::BrightnessDown, Some(l)) => {
                        (format!("Dimmed {what} to {l}."), format!("已把{what}调暗到{l}。"))
                    }
                    (_, Some(l)) => (format!("Set {what} to {l}."), format!("已把{what}调到{l}。")),
                    (Op::BrightnessUp, None) => (format!("Brightened {what}."), format!("已把{what}调亮。")),
                    _ => (format!("Dimmed {what}."), format!("已把{what}调暗。")),
                }
            }
            Op::SetColor => {
                let color = after(&|s| s.color.clone()).unwrap_or_default();
                let zh_name = parse_color(&color, Lang::En)
                    .map(|c| color_name(&c, Lang::Zh).to_string())
                    .unwrap_or(color.clone());
                (format!("Set {what} to {color}."), format!("已把{what}调成{zh_name}。"))
            }
            Op::SetPosition => {
                let p = after(&|s| s.position.map(|p| format!("{p}%"))).unwrap_or_default();
                (format!("Set {what} to {p} open."), format!("已把{what}开到{p}。"))
            }
            Op::SetTemperature | Op::TemperatureUp | Op::TemperatureDown => {
                let t = after(&|s| s.target.map(|t| format_temperature(t, unit))).unwrap_or_default();
                (format!("Set {what} to {t}."), format!("已把{what}设为{t}。"))
            }
            Op::VolumeSet | Op::VolumeUp | Op::VolumeDown => {
                let v = after(&|s| s.volume.map(|v| format!("{v}%"))).unwrap_or_default();
                (format!("The volume of {what} is now {v}."), format!("{what}的音量已调到{v}。"))
            }
            Op::MediaPlay => match after(&|s| s.playing.clone()).filter(|p| !p.is_empty()) {
                Some(p) => (format!("Playing {p} on {what}."), format!("正在{what}上播放{p}。")),
                None => (format!("Playing on {what}."), format!("{what}开始播放了。")),
            },
            Op::MediaPause => (format!("Paused {what}."), format!("已暂停{what}。")),
            Op::MediaResume => (format!("Resumed {what}."), format!("{what}继续播放了。")),
            Op::MediaNext => (format!("Next track on {what}."), format!("{what}已切到下一首。")),
            Op::MediaPrevious => (format!("Previous track on {what}."), format!("{what}已切回上一首。")),
            Op::VacuumStart => (format!("{} is cleaning now.", capitalise(&what)), format!("{what}开始清扫了。")),
            Op::VacuumDock => {
                (format!("{} is going back to its dock.", capitalise(&what)), format!("{what}正在回充电座。"))
            }
            Op::GetState | Op::GetTemperature => (String::new(), String::new()),
        };
        let chatty = session.profile.prefs.verbosity == crate::profile::Verbosity::Chatty;
        match (chatty, &session.profile.name, lang) {
            (true, Some(name), Lang::En) => format!("Sure thing, {name}! {en}"),
            (true, None, Lang::En) => format!("Sure thing! {en}"),
            (true, Some(name), Lang::Zh) => format!("好的，{name}！{zh}"),
            (true, None, Lang::Zh) => format!("好的！{zh}"),
            (false, _, _) => say(lang, en, zh),
        }
    }

    /// Handles an answer to a pending question; returns false when the line
    /// is not an answer (the question is then dropped and the line handled anew).
    pub(super) fn answer_pending(
        &mut self,
        session: &mut Session,
        user: &str,
        text: &str,
        parse: &Parse,
        mentioned: &Mentioned,
        turn: &mut Turn,
    ) -> bool {
        let Some(pending) = session.pending.take() else { return false };
        let lang = parse.lang;
        // A new, complete command is not an answer to "which one?" or "to what?".
        let new_command = Op::from_intent(&parse.intent).is_some()
            && parse.confidence >= 0.5
            && has_verb(&canonical(text))
            && !mentioned.is_empty();
        let yes = is_yes(text, parse);
        let no = is_no(text, parse);
        let none = Mentioned::default();
        match pending {
            Pending::Confirm { op, value, devices } => {
                if yes {
                    self.act(session, user, op, value, devices, lang, turn, None);
                    return true;
                }
                if no {
                    turn.reply = say(lang, "OK, I left it as it was.", "好的，保持原样。");
                    return true;
                }
            }
            Pending::ForgetMe => {
                if yes {
                    self.forget_user(session, user);
                    turn.reply =
                        say(lang, "Done. I have forgotten everything about you.", "好的，我已经忘掉了关于你的一切。");
                    return true;
                }
                if no {
                    turn.reply = say(lang, "OK, I'll keep remembering you.", "好的，我会继续记住你。");
                    return true;
                }
            }
            Pending::Which { .. } | Pending::Value { .. } if new_command => {}
            Pending::Which { op, value, options } => {
                let picked = pick(&self.home, &session.aliases, &options, text);
                // An answer that narrows the choice ("the left one") picks,
                // even when the model took it for a no; one with a negation
                // ("not the left one") is left to the rules below.
                if !picked.is_empty() && picked.len() < options.len() && !negated(text) {
                    self.finish(session, user, op, value, picked, lang, turn, &none);
                    return true;
                }
                if no || parse.intent == "cancel" {
                    turn.reply = say(lang, "OK, never mind.", "好的，算了。");
                    return true;
                }
                if !picked.is_empty() {
                    self.finish(session, user, op, value, picked, lang, turn, &none);
                    return true;
                }
            }
            Pending::Value { op, devices } => {
                if no || parse.intent == "cancel" {
                    turn.reply = say(lang, "OK, never mind.", "好的，算了。");
                    return true;
                }
                if let Some(value) = answer_value(op, text, session.profile.prefs.unit, lang) {
                    record_value(turn, &value, session.profile.prefs.unit);
                    self.finish(session, user, op, Some(value), devices, lang, turn, &none);
                    return true;
                }
            }
            Pending::AliasFor { alias, options } => {
                let picked = pick(&self.home, &session.aliases, &options, text);
                if let [device] = picked[..] {
                    turn.reply = self.set_alias(session, user, &alias, device, lang);
                    return true;
                }
            }
            Pending::Name => {
                // The name the model found, else the whole line when it is
                // short and no command ("set an alarm for 7am" is not a name).
                let line = text.trim().trim_end_matches(['.', '!', '。', '！']).trim();
                let canon = canonical(line);
                let short = match lang {
                    Lang::Zh => line.chars().count() <= 6,
                    Lang::En => canon.split(' ').filter(|w| !w.is_empty()).count() <= 3 && !has_verb(&canon),
                };
                let slot = parse.slots.iter().find(|s| s.label == "person_name").map(|s| s.value.trim());
                let name = slot.or(short.then_some(line)).unwrap_or("");
                if !name.is_empty() && name.chars().count() <= 40 && parse.intent != "cancel" && !no {
                    turn.reply = self.remember_name(session, user, name, lang);
                    return true;
                }
            }
            Pending::TimerLength { name } => {
                if let Some(length) = crate::values::parse_duration(text) {
                    turn.reply = self.start_timer(session, user, lang, name, length, turn);
                    return true;
                }
            }
        }
        false
    }
}

/// Whether a line says what to do, not only where ("and the kitchen" does
/// not; "and turn off the kitchen", "卧室的也打开" do).
fn has_verb(canon: &str) -> bool {
    const EN: &[&str] = &[
        "turn", "switch", "dim", "brighten", "open", "close", "shut", "lock", "unlock", "set", "play", "pause",
        "start", "stop", "raise", "lower", "make", "put", "change", "is", "are", "what's", "how",
    ];
    const ZH: &[&str] = &["开", "关", "调", "锁", "拉", "放", "播", "停", "设", "暗", "亮", "升", "降", "吗", "多少"];
    canon.split(' ').any(|w| EN.contains(&w)) || ZH.iter().any(|w| canon.contains(w))
}

fn is_yes(text: &str, parse: &Parse) -> bool {
    let canon = canonical(text);
    parse.intent == "affirm"
        || matches!(
            canon.trim_end_matches(['.', '!', '。', '！']),
            "yes"
                | "y"
                | "yeah"
                | "yep"
                | "sure"
                | "ok"
                | "okay"
                | "do it"
                | "go ahead"
                | "yes please"
                | "confirm"
                | "是"
                | "是的"
                | "好"
                | "好的"
                | "对"
                | "确定"
                | "可以"
                | "行"
        )
}

fn is_no(text: &str, parse: &Parse) -> bool {
    matches!(parse.intent.as_str(), "deny" | "cancel") || says_no(text)
}

/// Whether the line holds a negation or a no-word ("not", "no", "不", "别", "算了").
fn negated(text: &str) -> bool {
    let canon = canonical(text);
    says_no(text)
        || canon.split(' ').any(|w| matches!(w, "no" | "not" | "don't" | "dont" | "never" | "nope" | "neither"))
        || ["不", "别", "没", "算了"].iter().any(|w| canon.contains(w))
}

/// Whether the whole line is a no-word ("no", "never mind", "算了").
fn says_no(text: &str) -> bool {
    matches!(
        canonical(text).trim_end_matches(['.', '!', '。', '！']),
        "no" | "n" | "nope" | "don't" | "stop" | "never mind" | "不" | "不要" | "不用" | "算了" | "取消" | "别"
    )
}

/// Reads a bare answer to "to what?": a level, colour or temperature.
fn answer_value(op: Op, text: &str, unit: Unit, lang: Lang) -> Option<Value> {
    let preferred = match unit {
        Unit::Celsius => TempUnit::Celsius,
        Unit::Fahrenheit => TempUnit::Fahrenheit,
    };
    match op {
        Op::SetColor => parse_color(text, lang).map(Value::Color),
        Op::SetTemperature => parse_temperature(text).map(|t| Value::Celsius(resolve_unit(t.value, t.unit, preferred))),
        Op::VolumeSet => parse_volume(text).map(|l| match l {
            Level::Steps(s) => Value::Percent(s * 10.0),
            Level::Percent(p) => Value::Percent(p),
        }),
        _ => parse_percent(text).map(Value::Percent),
    }
}

fn ask_value(op: Op, lang: Lang, home: &Home, devices: &[usize]) -> String {
    let what = devices_phrase(home, devices, lang);
    match op {
        Op::SetColor => say(lang, format!("Which colour for {what}?"), format!("{what}要调成什么颜色？")),
        Op::SetTemperature => say(lang, format!("What temperature for {what}?"), format!("{what}要设成多少度？")),
        Op::SetPosition => say(lang, format!("How far should {what} open?"), format!("{what}要开多少？")),
        Op::VolumeSet => say(lang, format!("What volume for {what}?"), format!("{what}的音量调到多少？")),
        _ => say(lang, format!("What brightness for {what}?"), format!("{what}的亮度调到多少？")),
    }
}

/// Writes a value into the turn's resolved values.
fn record_value(turn: &mut Turn, value: &Value, _unit: Unit) {
    let values = &mut turn.resolved.values;
    match value {
        Value::Percent(p) => _ = values.insert("percent".into(), serde_json::json!(p)),
        Value::Step(s) => _ = values.insert("step".into(), serde_json::json!(s)),
        Value::Color(c) => {
            values.insert("color".into(), serde_json::json!(c.name));
            let [r, g, b] = c.rgb;
            values.insert("rgb".into(), serde_json::json!(format!("#{r:02x}{g:02x}{b:02x}")));
        }
        Value::Celsius(c) => _ = values.insert("temperature_c".into(), serde_json::json!(c)),
        Value::Media(m) => _ = values.insert("media".into(), serde_json::json!(m)),
    }
}

/// How a value is remembered in the profile.
fn value_key(value: &Value) -> String {
    match value {
        Value::Percent(p) | Value::Step(p) => format!("{}", p.round()),
        Value::Color(c) => c.name.to_string(),
        Value::Celsius(c) => format!("{c}"),
        Value::Media(m) => m.clone(),
    }
}

/// A temperature in the user's unit: "21 °C", "70 °F".
pub(super) fn format_temperature(celsius: f32, unit: Unit) -> String {
    match unit {
        Unit::Celsius => format!("{} °C", trim_float(celsius)),
        Unit::Fahrenheit => format!("{} °F", trim_float((celsius * 9.0 / 5.0 + 32.0).round())),
    }
}

fn trim_float(v: f32) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// Whether a state matches an asked word ("on", "locked", "开着").
fn state_matches(state: &crate::home::State, word: &str) -> Option<bool> {
    let open = state.position.map(|p| p > 0);
    let unlocked = state.locked.map(|l| !l);
    let open_like = state.on.or(open).or(unlocked);
    match word {
        "on" | "开着" | "开" | "亮着" | "打开" | "开了" => open_like,
        "off" | "关着" | "关" | "关了" | "灭" | "灭了" | "关上" | "关好" => open_like.map(|o| !o),
        "open" | "opened" => open.or(unlocked).or(state.on),
        "closed" | "shut" => open.or(unlocked).or(state.on).map(|o| !o),
        "locked" | "锁" | "锁着" | "锁好" | "锁上" | "锁了" => state.locked,
        "unlocked" | "没锁" => unlocked,
        _ => None,
    }
}

/// Whether the state word asked about is one this device has in its own
/// right: "open" for a cover or lock (a light is only "on"), "locked" for a lock.
fn state_fits(state: &crate::home::State, word: &str) -> bool {
    match word {
        "open" | "opened" | "closed" | "shut" => state.position.is_some() || state.locked.is_some(),
        "locked" | "unlocked" | "锁" | "锁着" | "锁好" | "锁上" | "锁了" | "没锁" => state.locked.is_some(),
        _ => state_matches(state, word).is_some(),
    }
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Assistant {
    /// What a line means for the home without acting on it or touching any
    /// conversation: intent, slots, devices and values (for `hearth parse`).
    pub fn understand(&self, text: &str) -> Turn {
        let text = text.trim();
        let lang = crate::text::detect_lang(text);
        if text.chars().count() > super::MAX_LINE_CHARS {
            return Turn::bare("", lang, String::new());
        }
        let parse = match self.nlu.parse(text) {
            Ok(parse) => parse,
            Err(e) => return Turn::bare(text, lang, format!("error: {e}")),
        };
        let mut turn = Turn::from_parse(text, &parse);
        let session = Session::new(&self.home, Default::default());
        let m = gather(&self.home, &session.aliases, text, &parse.slots);
        if let Some(area) = m.areas.first() {
            turn.resolved.area = Some(self.home.areas[*area].id.clone());
        }
        if let Some(op) = Op::from_intent(&parse.intent) {
            if let Some(value) = self.value_for(&session, op, text, &parse, &m, &[]) {
                record_value(&mut turn, &value, Unit::Celsius);
            }
            let selection = select(&self.home, &m, &|d| op.accepts(d), op.area_default());
            turn.resolved.devices = selection.devices.iter().map(|&i| self.home.devices[i].id.clone()).collect();
        }
        turn
    }
}

/// Words that ask for the value a person usually chooses.
pub(super) fn is_usual(canon: &str) -> bool {
    ["usual", "as always", "the same as always", "老样子", "平常", "惯常", "往常", "习惯"]
        .iter()
        .any(|w| canon.contains(w))
}

/// A yes/no or wh- question, as opposed to a (polite) command.
pub(super) fn is_question(text: &str, canon: &str) -> bool {
    let first = canon.split(' ').next().unwrap_or("");
    if canon.starts_with("what about") || canon.starts_with("how about") {
        return false;
    }
    matches!(
        first,
        "is" | "are" | "was" | "were" | "did" | "does" | "do" | "what" | "what's" | "whats" | "which" | "how" | "how's"
    ) || ["吗", "了没", "没有？", "是不是", "什么", "多少", "几度", "怎么样"].iter().any(|w| canon.contains(w))
        || (text.trim_end().ends_with(['?', '？']) && !matches!(first, "can" | "could" | "would" | "will" | "please"))
}

/// The slots that hold a level; the model confuses them with each other.
const LEVELS: [&str; 3] = ["brightness", "position", "volume"];

/// Whether a temperature question asks what a thermostat is set to rather
/// than how warm it is.
fn asks_setting(canon: &str) -> bool {
    let words: Vec<&str> = canon.split(' ').collect();
    words.windows(2).any(|w| w[0] == "set" && matches!(w[1], "to" | "at" | "for"))
        || words.iter().any(|w| matches!(*w, "target" | "setpoint" | "setting"))
        || ["设定", "设置", "设的", "设成", "设为", "调到多少", "调的"].iter().any(|w| canon.contains(w))
}

/// The lowest and highest set point hearth sets (°C): outside them a number
/// was misheard or misread ("up by 2 degrees" is not 2 °C).
const SET_POINT_MIN: f32 = 5.0;
const SET_POINT_MAX: f32 = 30.0;

/// Whether a temperature request asks for a change rather than a set point:
/// `Some(true)` warmer, `Some(false)` cooler, `None` a set point ("up to 22",
/// "调到22度") or no direction.
fn temperature_direction(canon: &str) -> Option<bool> {
    let words: Vec<&str> = canon.split(' ').collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let absolute = has(&["to", "at"]) || ["到", "成", "为"].iter().any(|w| canon.contains(w));
    if absolute {
        return None;
    }
    let warmer = has(&["warmer", "hotter", "higher", "up", "increase", "raise", "more"])
        || ["调高", "升高", "提高", "高一", "高点", "暖和", "热一", "加热"].iter().any(|w| canon.contains(w));
    let cooler = has(&["cooler", "colder", "lower", "down", "decrease", "reduce", "less"])
        || ["调低", "降低", "低一", "低点", "凉快", "冷一", "降温"].iter().any(|w| canon.contains(w));
    match (warmer, cooler) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Whether the line counts degrees: "degrees", "°", or a number before "度"
/// (not "亮度" or "温度").
fn says_degrees(canon: &str) -> bool {
    let chars: Vec<char> = canon.chars().collect();
    canon.split(' ').any(|w| w.starts_with("degree"))
        || canon.contains('°')
        || chars
            .windows(2)
            .any(|p| p[1] == '度' && (p[0].is_ascii_digit() || "一二两三四五六七八九十半".contains(p[0])))
}

/// The number of degrees a line names, as a temperature phrase for
/// `parse_temperature`: "two degrees" of "make it two degrees warmer", "两度"
/// of "调高两度".
fn degrees_phrase(canon: &str) -> Option<String> {
    let words: Vec<&str> = canon.split(' ').collect();
    if let Some(at) = words.iter().position(|w| w.starts_with("degree")).filter(|&at| at > 0) {
        return Some(format!("{} degrees", words[at - 1]));
    }
    let chars: Vec<char> = canon.chars().collect();
    let at = chars.iter().position(|&c| c == '度')?;
    let start = (0..at)
        .rev()
        .take_while(|&i| chars[i].is_ascii_digit() || chars[i] == '.' || "一二两三四五六七八九十半".contains(chars[i]))
        .last()?;
    Some(chars[start..=at].iter().collect())
}

fn is_mute(canon: &str) -> bool {
    canon.split(' ').any(|w| w == "mute") || canon.contains("静音")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_phrases() {
        assert_eq!(degrees_phrase("make it two degrees warmer").as_deref(), Some("two degrees"));
        assert_eq!(degrees_phrase("把暖气调高两度").as_deref(), Some("两度"));
        assert_eq!(degrees_phrase("调高1.5度").as_deref(), Some("1.5度"));
        assert_eq!(degrees_phrase("make it warmer"), None);
        assert_eq!(degrees_phrase("把亮度调高"), None);
    }

    #[test]
    fn degrees_are_counted() {
        assert!(says_degrees("make it two degrees warmer"));
        assert!(says_degrees("调高2度"));
        assert!(says_degrees("暖和两度"));
        assert!(!says_degrees("make the lights warmer"));
        assert!(!says_degrees("把亮度调高"));
        assert!(!says_degrees("温度多少"));
    }

    #[test]
    fn temperature_directions() {
        for (line, want) in [
            ("turn the heating up by 2 degrees", Some(true)),
            ("make it two degrees warmer", Some(true)),
            ("turn the heating down a bit", Some(false)),
            ("turn the heating up to 22 degrees", None),
            ("set the heating to 21", None),
            ("把暖气调高两度", Some(true)),
            ("卧室凉快一点", Some(false)),
            ("把暖气调到22度", None),
        ] {
            assert_eq!(temperature_direction(&canonical(line)), want, "{line}");
        }
    }

    #[test]
    fn negations_are_found_in_either_language() {
        for text in ["no", "not the left one", "don't", "never mind", "不是左边那个", "别开", "算了"] {
            assert!(negated(text), "{text}");
        }
        for text in ["the left one", "左边那个", "the second", "knot lamp"] {
            assert!(!negated(text), "{text}");
        }
    }

    #[test]
    fn a_question_about_the_setting_is_told_from_one_about_the_warmth() {
        for asked in [
            "what is the thermostat set to",
            "what's the heating set at",
            "what's the target temperature",
            "空调设定的温度是多少",
            "暖气调到多少度了",
        ] {
            assert!(asks_setting(&canonical(asked)), "{asked}");
        }
        for asked in ["how warm is it in the living room", "what's the temperature", "set it to 20", "客厅多少度"]
        {
            assert!(!asks_setting(&canonical(asked)), "{asked}");
        }
    }
}

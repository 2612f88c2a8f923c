//! The conversation: one turn at a time, per user, with context.
//!
//! [`Assistant::turn`] takes a line from a person and returns a [`Turn`]: what
//! the model understood, which devices and values that resolved to, what was
//! done, and the reply in the person's language. Context per user carries
//! over between turns: the devices last acted on ("turn it off"), the last
//! request ("and the kitchen too"), a pending question or confirmation, and
//! an undo history. Timers are announced through [`Assistant::due_events`].

mod clock;
mod control;
mod delivery;
mod ops;
mod personal;
mod reply;
mod resolve;
mod rules;
mod session;
mod timers;
mod turn;
mod utility;

use std::collections::HashMap;
use std::time::Duration;

pub use clock::{Clock, ManualClock, SystemClock, civil};
pub use ops::{Op, Value};
pub use turn::{Action, Event, Resolved, SlotOut, Turn};

use crate::backend::{Backend, Simulated};
use crate::home::Home;
use crate::nlu::{Nlu, Parse};
use crate::profile::ProfileStore;
use crate::text::{Lang, detect_lang};
use reply::say;
use session::Session;
use timers::Timers;

/// The longest line read, in characters; longer lines are refused whole.
pub const MAX_LINE_CHARS: usize = 1024;

/// The assistant: model, home, people and timers.
pub struct Assistant {
    nlu: Nlu,
    home: Home,
    store: ProfileStore,
    sessions: HashMap<String, Session>,
    timers: Timers,
    clock: Box<dyn Clock>,
    notices: Vec<String>,
    last_lang: HashMap<String, Lang>,
    backend: Box<dyn Backend>,
}

impl Assistant {
    /// Puts the parts together. Profiles are kept in `store`.
    pub fn new(nlu: Nlu, home: Home, store: ProfileStore, clock: Box<dyn Clock>) -> Self {
        Assistant {
            nlu,
            home,
            store,
            sessions: HashMap::new(),
            timers: Timers::default(),
            clock,
            notices: Vec::new(),
            last_lang: HashMap::new(),
            backend: Box::new(Simulated),
        }
    }

    /// Sends commands through `backend` from now on (the simulated home is
    /// the default) and takes in the devices it found.
    pub fn set_backend(&mut self, backend: Box<dyn Backend>) {
        self.backend = backend;
        self.backend.sync(&mut self.home);
        self.collect_backend_log();
    }

    /// Takes in what the backend heard since the last call (devices, state)
    /// without a turn, as `hearth home` does.
    pub fn sync_backend(&mut self) {
        self.backend.sync(&mut self.home);
        self.collect_backend_log();
    }

    fn collect_backend_log(&mut self) {
        let log = self.backend.take_log();
        self.notices.extend(log);
    }

    /// The home.
    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The model.
    pub fn nlu(&self) -> &Nlu {
        &self.nlu
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Messages about files that had to be moved aside or could not be
    /// saved, collected since the last call.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Loads `user`'s profile now (it is loaded on first use otherwise), so
    /// that a problem with it is reported at start.
    pub fn open_user(&mut self, user: &str) {
        let session = self.take_session(user);
        self.sessions.insert(user.to_string(), session);
    }

    /// Writes the home state to disk now and waits for it (at shutdown).
    pub fn flush(&mut self) {
        if let Err(e) = self.home.save_now() {
            self.notices.push(format!("could not save the home state: {e}"));
        }
    }

    /// The name `user` asked to be called, if any.
    pub fn user_name(&mut self, user: &str) -> Option<String> {
        let session = self.take_session(user);
        let name = session.profile.name.clone();
        self.sessions.insert(user.to_string(), session);
        name
    }

    /// One turn of conversation for `user`.
    pub fn turn(&mut self, user: &str, text: &str) -> Turn {
        let text = text.trim();
        if text.is_empty() {
            let lang = self.last_lang.get(user).copied().unwrap_or(Lang::En);
            let reply =
                say(lang, "I'm listening. Say \"help\" to hear what I can do.", "我在听。说“帮助”听听我能做什么。");
            return Turn::bare(text, lang, reply);
        }
        let lang = detect_lang(text);
        self.last_lang.insert(user.to_string(), lang);
        let n_chars = text.chars().count();
        if n_chars > MAX_LINE_CHARS {
            let reply = say(
                lang,
                format!("That line is too long ({n_chars} characters); I read lines of up to {MAX_LINE_CHARS}."),
                format!("这句话太长了（{n_chars}个字符），我最多读{MAX_LINE_CHARS}个字符。"),
            );
            return Turn::bare("", lang, reply);
        }
        let parse = match self.nlu.parse(text) {
            Ok(parse) => parse,
            Err(e) => {
                let reply = say(lang, format!("Something went wrong inside me: {e}"), format!("我内部出错了：{e}"));
                return Turn::bare(text, lang, reply);
            }
        };
        self.backend.sync(&mut self.home);
        let mut session = self.take_session(user);
        session.previous_timer = session.started_timer.take();
        let mut turn = Turn::from_parse(text, &parse);
        self.respond(&mut session, user, text, &parse, &mut turn, 0);
        self.sessions.insert(user.to_string(), session);
        self.backend.publish_turn(user, &turn);
        self.collect_backend_log();
        turn
    }

    /// Timers that have ended by now and queued commands that were settled
    /// since the last call, as announcements.
    pub fn due_events(&mut self) -> Vec<Event> {
        let mut events = self.settled_events();
        events.extend(self.finished_timers());
        events
    }

    fn finished_timers(&mut self) -> Vec<Event> {
        let now = self.clock.monotonic();
        self.timers
            .take_finished(now)
            .into_iter()
            .map(|t| {
                let length = reply::duration(t.lang, t.length);
                let text = match (&t.name, t.lang) {
                    (Some(name), Lang::En) => format!("Time's up: your {name} timer ({length}) has finished."),
                    (None, Lang::En) => format!("Time's up: your {length} timer has finished."),
                    (Some(name), Lang::Zh) => format!("时间到！{name}的计时（{length}）结束了。"),
                    (None, Lang::Zh) => format!("时间到！{length}的计时结束了。"),
                };
                Event { user: t.user, kind: "timer_finished".into(), name: t.name.unwrap_or_default(), text }
            })
            .collect()
    }

    /// How long until the next timer ends, or until the backend should be
    /// asked again about queued commands.
    pub fn next_event_in(&self) -> Option<Duration> {
        let timer = self.timers.next_end().map(|end| end.saturating_sub(self.clock.monotonic()));
        match (timer, self.backend.next_poll_in()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn take_session(&mut self, user: &str) -> Session {
        if let Some(session) = self.sessions.remove(user) {
            return session;
        }
        match self.store.load(user) {
            Ok(loaded) => {
                if let Some(warning) = loaded.warning {
                    self.notices.push(warning);
                }
                Session::new(&self.home, loaded.profile)
            }
            Err(e) => {
                self.notices.push(format!("{e}; starting with an empty profile that will not be saved"));
                let mut session = Session::new(&self.home, Default::default());
                session.read_only = true;
                session
            }
        }
    }

    fn save_profile(&mut self, user: &str, session: &Session) {
        if session.read_only {
            return;
        }
        if let Err(e) = self.store.save(user, &session.profile) {
            self.notices.push(format!("could not save the profile of {user}: {e}"));
        }
    }

    fn save_home(&mut self) {
        if let Err(e) = self.home.save() {
            self.notices.push(format!("could not save the home state: {e}"));
        }
    }

    /// Answers one parsed line; `depth` > 0 inside taught phrases.
    fn respond(&mut self, session: &mut Session, user: &str, text: &str, parse: &Parse, turn: &mut Turn, depth: u8) {
        let lang = parse.lang;
        // What the line names is found once and handed to everything below.
        let mentioned = resolve::gather(&self.home, &session.aliases, text, &parse.slots);
        if depth == 0 && self.answer_pending(session, user, text, parse, &mentioned, turn) {
            return;
        }
        if depth == 0 && self.run_taught_phrase(session, user, text, parse, turn) {
            return;
        }
        let confident = parse.confidence >= self.nlu.threshold();
        if let Some(op) = self.follow_up_op(session, text, parse, &mentioned) {
            return self.device_op(session, user, op, text, parse, mentioned, true, turn);
        }
        // Mostly words the model has never seen, and no name from the home: not understood,
        // however sure the model is ("asdf qwerty zzz").
        let gibberish = parse.n_unknown_words * 2 >= parse.n_words.max(1) && mentioned.is_empty();
        // "set it to my usual": whatever the model thought, the usual value of the last devices.
        if control::is_usual(&crate::home::canonical(text))
            && Op::from_intent(&parse.intent).is_none()
            && let Some(op) = session.last.as_ref().and_then(|l| self.usual_op(session, &l.devices))
        {
            return self.device_op(session, user, op, text, parse, mentioned, false, turn);
        }
        let canon = crate::home::canonical(text);
        if rules::asks_reply_length(&canon) && !parse.intent.starts_with("set_pref") {
            let mut preference = parse.clone();
            preference.intent = "set_preference".into();
            return self.personal(session, user, text, &preference, turn);
        }
        if rules::reads_list(&canon) && mentioned.is_empty() {
            turn.reply = self.read_list(text, parse);
            return;
        }
        let mut device_op = Op::from_intent(&parse.intent);
        // The model mixes up some intents that the words settle: a timer
        // without any timer word is a device command ("把所有设备都关了"); a
        // question about a device is a question, whatever else the model thought.
        let verb = rules::verb_op(&canon);
        if device_op.is_none() && !mentioned.is_empty() {
            if control::is_question(text, &canon) && !parse.intent.starts_with("get_user") {
                device_op = Some(if rules::mentions_temperature(&canon) { Op::GetTemperature } else { Op::GetState });
            } else if rules::off_topic(&parse.intent, &canon) {
                device_op = verb;
            }
        }
        // A line that is nothing but a name the home lacks ("香蕉", "banana") is no command,
        // and neither is one that is nothing but a list item or a title: no verb says
        // whether to add, remove or play it.
        let bare_unknown = mentioned.unknown.as_deref().is_some_and(|u| crate::home::canonical(u) == canon)
            || mentioned.is_empty()
                && matches!(parse.slots.as_slice(), [only] if matches!(only.label.as_str(), "list_item" | "media_query")
                    && crate::home::canonical(&only.value) == canon);
        // A list or play request that none of the request's words back is a
        // guess (`rules::unbacked_request`). A scene reading is a guess too
        // when no word asks for a scene and the name is a small part of the
        // line ("lazy" in a pangram).
        let unsupported = mentioned.is_empty()
            && (rules::unbacked_request(
                &parse.intent,
                &canon,
                !parse.slots.is_empty(),
                verb.is_some(),
                parse.confidence,
            ) || parse.intent == "scene_activate"
                && parse.slots.iter().any(|s| s.label == "scene" && rules::unsupported_scene(&s.value, &canon)));
        // An unsure device command naming a device the home lacks still gets "I don't know X".
        let unknown_device = device_op.is_some() && mentioned.unknown.is_some() && !bare_unknown;
        // "打开一半" after closing the blinds: a setting's value and nothing
        // else is that setting for the last devices, whatever the model guessed.
        if mentioned.is_empty()
            && session.last.is_some()
            && !parse.slots.is_empty()
            && parse.slots.iter().all(|s| Op::for_setting(&s.label).is_some())
            && let Some(setting) = parse.slots.iter().find_map(|s| Op::for_setting(&s.label))
            && device_op != Some(setting)
            && (unsupported || device_op.is_none() || !confident)
        {
            return self.device_op(session, user, setting, text, parse, mentioned, false, turn);
        }
        // So does a device verb with an object the home lacks, when the model
        // was unsure, found nothing in scope, or guessed a list or play request.
        if (device_op.is_none() || unsupported)
            && mentioned.is_empty()
            && !gibberish
            && let (Some(op), Some(object)) = (verb, rules::verb_object(&canon))
            && (!confident || parse.intent == "out_of_scope" || unsupported)
        {
            turn.reply = self.unknown_device(&object, op, lang);
            return;
        }
        if gibberish
            || bare_unknown
            || unsupported
            || !(confident || unknown_device || device_op.is_some() && !mentioned.is_empty())
        {
            turn.reply = not_understood(lang, text);
            return;
        }
        if let Some(op) = device_op {
            // "turn on the porch light at 7pm": not now, and there is no schedule yet.
            if op.changes() && rules::names_later_time(&canon) {
                turn.reply = say(
                    lang,
                    "I can only act right away; I can't do things at a later time yet. Say it without the time to do it now.",
                    "我只能马上做，还不能定时做事。去掉时间再说一遍，我就马上做。",
                );
                return;
            }
            return self.device_op(session, user, op, text, parse, mentioned, false, turn);
        }
        let parse = &rules::settle_timer_intent(parse, &canon);
        match parse.intent.as_str() {
            "set_user_name" | "get_user_name" | "set_preference" | "teach_alias" | "teach_phrase" | "forget_me" => {
                self.personal(session, user, text, parse, turn)
            }
            _ => self.utility(session, user, text, parse, turn),
        }
    }
}

/// The reply to a line the model is not sure about.
fn not_understood(lang: Lang, text: &str) -> String {
    let shown: String = text.chars().take(60).collect();
    say(
        lang,
        format!(
            "Sorry, I didn't understand \"{shown}\". You can say things like \"turn on the kitchen light\", or \"help\" to hear what I can do."
        ),
        format!("抱歉，我没听懂“{shown}”。你可以说“打开厨房的灯”，或者说“帮助”听听我能做什么。"),
    )
}

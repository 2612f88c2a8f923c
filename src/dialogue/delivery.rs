//! What to say when a backend could not carry out a command at once: not
//! confirmed, queued while the broker is away, unreachable; and the
//! announcements when a queued command is settled later.

use crate::backend::{Freshness, LateResult, Outcome, Settled};
use crate::text::Lang;

use super::reply::{describe_state, devices_phrase, say, the};
use super::turn::Event;
use super::{Assistant, control};

impl Assistant {
    /// Announcements for queued commands the backend settled since the last call.
    pub(super) fn settled_events(&mut self) -> Vec<Event> {
        let settled = self.backend.take_settled();
        if settled.is_empty() {
            return Vec::new();
        }
        self.backend.sync(&mut self.home);
        self.collect_backend_log();
        let mut events = Vec::new();
        for item in settled {
            events.push(self.settled_event(&item));
        }
        self.save_home();
        events
    }

    fn settled_event(&mut self, item: &Settled) -> Event {
        let lang = item.lang;
        let what = devices_phrase(&self.home, &[item.device], lang);
        let unit = self.sessions.get(&item.user).map(|s| s.profile.prefs.unit).unwrap_or_default();
        let state =
            describe_state(&self.home.devices[item.device].state, lang, &|c| control::format_temperature(c, unit));
        let (kind, text) = match item.result {
            LateResult::Confirmed => (
                "command_sent",
                say(
                    lang,
                    format!("The broker is back and the command went out: {what} is now {state}."),
                    format!("MQTT服务器恢复了，指令已发出：{what}现在{state}。"),
                ),
            ),
            LateResult::Unconfirmed => (
                "command_unconfirmed",
                say(
                    lang,
                    format!("The broker is back and I sent the command to {what}, but it did not confirm."),
                    format!("MQTT服务器恢复了，指令已发给{what}，但它没有确认。"),
                ),
            ),
            LateResult::Expired => (
                "command_expired",
                say(
                    lang,
                    format!("The broker stayed unreachable, so I did not send the command to {what}; nothing changed."),
                    format!("MQTT服务器一直连不上，所以没有把指令发给{what}，什么都没改。"),
                ),
            ),
        };
        Event { user: item.user.clone(), kind: kind.into(), name: self.home.devices[item.device].id.clone(), text }
    }

    /// Sentences for the orders that were not done, grouped by outcome; empty when all were.
    pub(super) fn missed_reply(&self, missed: &[(usize, Outcome)], lang: Lang) -> String {
        let seconds = self.backend.confirm_timeout().as_secs_f32();
        let seconds = if seconds.fract() == 0.0 { format!("{seconds:.0}") } else { format!("{seconds:.1}") };
        let group = |outcome: Outcome| -> Vec<usize> {
            missed.iter().filter(|(_, o)| *o == outcome).map(|(i, _)| *i).collect()
        };
        let mut sentences = Vec::new();
        let unconfirmed = group(Outcome::Unconfirmed);
        if !unconfirmed.is_empty() {
            let what = devices_phrase(&self.home, &unconfirmed, lang);
            sentences.push(say(
                lang,
                format!("I sent the command to {what}, but no confirmation came within {seconds} seconds."),
                format!("指令已发给{what}，但{seconds}秒内没有收到确认。"),
            ));
        }
        let queued = group(Outcome::Queued);
        if !queued.is_empty() {
            let what = devices_phrase(&self.home, &queued, lang);
            sentences.push(say(
                lang,
                format!(
                    "I can't reach the MQTT broker right now; I'll send the command to {what} as soon as it's back."
                ),
                format!("现在连不上MQTT服务器；一恢复我就把指令发给{what}。"),
            ));
        }
        let unreachable = group(Outcome::Unreachable);
        if !unreachable.is_empty() {
            let what = devices_phrase(&self.home, &unreachable, lang);
            sentences.push(say(lang, format!("I can't reach {what}."), format!("现在联系不上{what}。")));
        }
        join_sentences(lang, &sentences)
    }

    /// A sentence about a device whose state is not live, or `None` when it is.
    pub(super) fn stale_state(&self, device: usize, lang: Lang, show: &dyn Fn(f32) -> String) -> Option<String> {
        let freshness = self.backend.freshness(&self.home, device);
        let label = self.home.device_label(device, lang);
        let the_label = the(lang, &label);
        Some(match freshness {
            Freshness::Live => return None,
            Freshness::NotReported => say(
                lang,
                format!("{} hasn't reported its state yet.", control::capitalise(&the_label)),
                format!("{label}还没有报告状态。"),
            ),
            Freshness::Unreachable { heard: true } => {
                let state = describe_state(&self.home.devices[device].state, lang, show);
                say(
                    lang,
                    format!("I can't reach {the_label} right now; the last I heard, it was {state}."),
                    format!("现在联系不上{label}；最后一次报告是{state}。"),
                )
            }
            Freshness::Unreachable { heard: false } => say(
                lang,
                format!("I can't reach {the_label} right now, so I don't know its state."),
                format!("现在联系不上{label}，不知道它的状态。"),
            ),
        })
    }
}

/// Sentences one after another: a space between English ones, none between Chinese ones.
pub(super) fn join_sentences(lang: Lang, sentences: &[String]) -> String {
    let sentences: Vec<&str> = sentences.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
    match lang {
        Lang::En => sentences.join(" "),
        Lang::Zh => sentences.concat(),
    }
}

/// Device indices in `devices` that are not in `missed`.
pub(super) fn reached(devices: &[usize], missed: &[(usize, Outcome)]) -> Vec<usize> {
    devices.iter().copied().filter(|i| !missed.iter().any(|(m, _)| m == i)).collect()
}

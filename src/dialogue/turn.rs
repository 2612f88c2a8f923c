//! What one turn produced, in the shape `hearth chat --json` prints.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::backend::Outcome;
use crate::home::Command;
use crate::nlu::Parse;
use crate::text::Lang;

/// One slot the model found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotOut {
    /// Slot name.
    pub label: String,
    /// The text of the span.
    pub value: String,
    /// First character (code points).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// What the words resolved to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Resolved {
    /// Device ids chosen.
    pub devices: Vec<String>,
    /// The area id named, if one.
    pub area: Option<String>,
    /// Normalised values (`brightness: 40`, `temperature_c: 21.5`, `duration_s: 300`).
    pub values: BTreeMap<String, serde_json::Value>,
}

/// A change made to a device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// The device id.
    pub device: String,
    /// What was done.
    #[serde(flatten)]
    pub command: Command,
    /// What became of it; left out of JSON when it was done.
    #[serde(skip_serializing_if = "is_done")]
    pub outcome: Outcome,
}

fn is_done(outcome: &Outcome) -> bool {
    *outcome == Outcome::Done
}

/// The outcome of one turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Turn {
    /// The line as read (empty when it was refused).
    pub text: String,
    /// Its language.
    pub lang: Lang,
    /// The intent the model chose.
    pub intent: String,
    /// The model's confidence in it.
    pub confidence: f32,
    /// The slots the model found.
    pub slots: Vec<SlotOut>,
    /// Devices, area and values they resolved to.
    pub resolved: Resolved,
    /// Changes made.
    pub actions: Vec<Action>,
    /// The answer.
    pub reply: String,
}

/// Something that happened without being asked (a timer ended).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The user it is for.
    pub user: String,
    /// `timer_finished`.
    pub kind: String,
    /// The timer's name, empty for an unnamed timer.
    pub name: String,
    /// The announcement.
    pub text: String,
}

impl Turn {
    /// A turn without a model reading (empty or refused lines).
    pub fn bare(text: &str, lang: Lang, reply: String) -> Turn {
        Turn {
            text: text.to_string(),
            lang,
            intent: "none".into(),
            confidence: 0.0,
            slots: Vec::new(),
            resolved: Resolved::default(),
            actions: Vec::new(),
            reply,
        }
    }

    /// A turn for `parse`, before anything is resolved or done.
    pub fn from_parse(text: &str, parse: &Parse) -> Turn {
        Turn {
            text: text.to_string(),
            lang: parse.lang,
            intent: parse.intent.clone(),
            confidence: parse.confidence,
            slots: parse
                .slots
                .iter()
                .map(|s| SlotOut { label: s.label.clone(), value: s.value.clone(), start: s.start, end: s.end })
                .collect(),
            resolved: Resolved::default(),
            actions: Vec::new(),
            reply: String::new(),
        }
    }
}

//! What the dialogue remembers about one user between turns.

use crate::home::{Change, ClassWord, Home, NameIndex, Named};
use crate::profile::Profile;

use super::ops::{Op, Value};

/// The undo history kept per user.
const UNDO_DEPTH: usize = 20;

/// The last device request, for "and the kitchen too" and "turn it off".
#[derive(Debug, Clone)]
pub struct Last {
    /// What was done.
    pub op: Op,
    /// To which devices.
    pub devices: Vec<usize>,
    /// The class word it used, if any.
    pub class: Option<ClassWord>,
    /// The value it used.
    pub value: Option<Value>,
}

/// A question waiting for its answer.
#[derive(Debug, Clone)]
pub enum Pending {
    /// "Which one?": the answer picks among `options`.
    Which { op: Op, value: Option<Value>, options: Vec<usize> },
    /// "To what?": the answer gives the value.
    Value { op: Op, devices: Vec<usize> },
    /// "Are you sure?" before a risky action.
    Confirm { op: Op, value: Option<Value>, devices: Vec<usize> },
    /// "Which device should be called X?"
    AliasFor { alias: String, options: Vec<usize> },
    /// "For how long?" for a timer.
    TimerLength { name: Option<String> },
    /// "Delete everything about you?"
    ForgetMe,
    /// "What should I call you?"
    Name,
}

/// One user's conversation state.
#[derive(Debug)]
pub struct Session {
    /// What is remembered across restarts.
    pub profile: Profile,
    /// The profile's aliases as a name index.
    pub aliases: NameIndex,
    /// The last device request.
    pub last: Option<Last>,
    /// A question waiting for an answer.
    pub pending: Option<Pending>,
    /// Groups of changes, newest last.
    pub undo: Vec<Vec<Change>>,
    /// The profile could not be read from disk: never write it back.
    pub read_only: bool,
    /// The timer this turn started, if any.
    pub started_timer: Option<u32>,
    /// The timer the previous turn started: what "cancel it" cancels.
    pub previous_timer: Option<u32>,
}

impl Session {
    /// A session for `profile`.
    pub fn new(home: &Home, profile: Profile) -> Self {
        let mut session = Session {
            profile,
            aliases: NameIndex::default(),
            last: None,
            pending: None,
            undo: Vec::new(),
            read_only: false,
            started_timer: None,
            previous_timer: None,
        };
        session.rebuild_aliases(home);
        session
    }

    /// Rebuilds the alias index after the profile's aliases changed. Aliases
    /// of devices no longer in the home are ignored.
    pub fn rebuild_aliases(&mut self, home: &Home) {
        let mut index = NameIndex::default();
        for alias in &self.profile.aliases {
            if let Some(i) = home.device_index(&alias.device) {
                index.add(&alias.name, Named::Device(i));
            }
        }
        self.aliases = index;
    }

    /// Records a group of changes for undo.
    pub fn push_undo(&mut self, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        self.undo.push(changes);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }
}

//! Backends: where device commands go and where device state comes from.
//!
//! The dialogue decides *what* to do; a [`Backend`] carries it out. The
//! default, [`Simulated`], changes the home's state in memory and always
//! succeeds. The MQTT backend (feature `mqtt`, [`mqtt`]) publishes commands
//! to Zigbee2MQTT or Home Assistant devices through a broker and follows
//! their real state; there a command can also go unconfirmed, wait in a queue
//! while the broker is away, or find its device unreachable.
//!
//! Contract: [`Backend::execute`] returns one [`Outcome`] per order, in
//! order. Only orders whose outcome is [`Outcome::Done`] may be applied to
//! the home's state by the caller; every other outcome is reported to the
//! person. An order that is [`Outcome::Queued`] is later settled exactly
//! once, as a [`Settled`] from [`Backend::take_settled`].

#[cfg(feature = "mqtt")]
pub mod mqtt;
mod spec;

use std::time::Duration;

use serde::Serialize;

pub use spec::{BackendSpec, SpecError};

use crate::home::{Command, Home};
use crate::text::Lang;

/// One command for one device.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// Device index in the home.
    pub device: usize,
    /// What to do.
    pub command: Command,
}

/// What became of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Carried out (and confirmed by the device, where devices confirm).
    Done,
    /// Sent, but the device did not confirm in time.
    Unconfirmed,
    /// The broker cannot be reached; the order waits and is settled later.
    Queued,
    /// The device cannot be reached at all (not known to the broker).
    Unreachable,
}

/// How far the home's record of a device's state can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The state is current.
    Live,
    /// The device has not reported its state since hearth started.
    NotReported,
    /// The broker is unreachable; `heard` says whether the device reported before.
    Unreachable {
        /// Whether the state shown is one the device reported earlier.
        heard: bool,
    },
}

/// A queued order that was settled after its turn ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    /// Who asked.
    pub user: String,
    /// The language they asked in.
    pub lang: Lang,
    /// Device index.
    pub device: usize,
    /// What was asked.
    pub command: Command,
    /// What happened in the end.
    pub result: LateResult,
}

/// How a queued order ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateResult {
    /// Sent when the broker came back, and the device confirmed.
    Confirmed,
    /// Sent when the broker came back, but the device did not confirm.
    Unconfirmed,
    /// Not sent: the broker stayed away longer than the queue keeps orders.
    Expired,
}

/// Who is asking, for queued orders and published turns.
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    /// The user.
    pub user: &'a str,
    /// The language of the request.
    pub lang: Lang,
}

/// Where commands go and where state comes from.
pub trait Backend: Send {
    /// Brings `home` up to date: adds devices found since the last call (at
    /// the end of the device list, so indices stay valid) and applies the
    /// state devices reported.
    fn sync(&mut self, home: &mut Home);

    /// Carries out `orders` for `asker`; waits at most the backend's confirm
    /// timeout. Returns one outcome per order, in order.
    fn execute(&mut self, home: &Home, orders: &[Order], asker: Asker<'_>) -> Vec<Outcome>;

    /// How far device `device`'s recorded state can be trusted.
    fn freshness(&self, home: &Home, device: usize) -> Freshness;

    /// Queued orders settled since the last call.
    fn take_settled(&mut self) -> Vec<Settled>;

    /// How soon [`Backend::take_settled`] should be asked again, if anything is pending.
    fn next_poll_in(&self) -> Option<Duration>;

    /// Seconds a device has to confirm a command (for replies).
    fn confirm_timeout(&self) -> Duration;

    /// Tells the outside world about a finished turn (MQTT: under `hearth/`).
    fn publish_turn(&mut self, user: &str, turn: &crate::dialogue::Turn);

    /// Log lines (a malformed payload, a lost connection) since the last call.
    fn take_log(&mut self) -> Vec<String>;
}

/// The simulated home: commands change the state in memory and always succeed.
#[derive(Debug, Default)]
pub struct Simulated;

impl Backend for Simulated {
    fn sync(&mut self, _home: &mut Home) {}

    fn execute(&mut self, _home: &Home, orders: &[Order], _asker: Asker<'_>) -> Vec<Outcome> {
        vec![Outcome::Done; orders.len()]
    }

    fn freshness(&self, _home: &Home, _device: usize) -> Freshness {
        Freshness::Live
    }

    fn take_settled(&mut self) -> Vec<Settled> {
        Vec::new()
    }

    fn next_poll_in(&self) -> Option<Duration> {
        None
    }

    fn confirm_timeout(&self) -> Duration {
        Duration::ZERO
    }

    fn publish_turn(&mut self, _user: &str, _turn: &crate::dialogue::Turn) {}

    fn take_log(&mut self) -> Vec<String> {
        Vec::new()
    }
}

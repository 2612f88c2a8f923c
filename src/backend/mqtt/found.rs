//! What the broker announces: a device found in Zigbee2MQTT's device list or
//! in a Home Assistant discovery config, and how to talk to it.

use crate::home::{Capability, Class, Command, Kind, State};

use super::discovery::HaEntity;
use super::z2m::Z2mDevice;

/// A device announced on the broker.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// What a home file's `mqtt = "..."` names it by: the Zigbee2MQTT
    /// friendly name, or the Home Assistant `unique_id`.
    pub key: String,
    /// A name people can use ("Kitchen Light").
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// A finer class, if the announcement says.
    pub class: Option<Class>,
    /// What it can do.
    pub capabilities: Vec<Capability>,
    /// An area name the announcement suggests.
    pub area_hint: Option<String>,
    /// How to command it and read its state.
    pub binding: Binding,
}

/// How one device is commanded and read.
// A home has tens of bindings, so the size difference of the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    /// A Zigbee2MQTT device: JSON on `<base>/<name>`, commands on `.../set`.
    Z2m(Z2mDevice),
    /// A Home Assistant MQTT entity.
    Ha(HaEntity),
}

/// One message to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Topic.
    pub topic: String,
    /// Payload (UTF-8 JSON or plain text).
    pub payload: String,
}

impl Message {
    /// A message with a JSON payload.
    pub fn json(topic: impl Into<String>, value: &serde_json::Value) -> Message {
        Message { topic: topic.into(), payload: value.to_string() }
    }
}

impl Binding {
    /// Topics whose messages carry this device's state.
    pub fn state_topics(&self) -> Vec<String> {
        match self {
            Binding::Z2m(device) => vec![device.topic.clone()],
            Binding::Ha(entity) => entity.state_topics(),
        }
    }

    /// The messages that carry out `command`, or `None` when this device
    /// cannot be told to do it over MQTT.
    pub fn messages(&self, command: &Command) -> Option<Vec<Message>> {
        match self {
            Binding::Z2m(device) => device.messages(command),
            Binding::Ha(entity) => entity.messages(command),
        }
    }

    /// Reads a state message on `topic`: the state fields it reports, or why it was ignored.
    pub fn read(&self, topic: &str, payload: &[u8]) -> Result<State, String> {
        let text = std::str::from_utf8(payload).map_err(|_| "not UTF-8".to_string())?;
        match self {
            Binding::Z2m(device) => device.read(text),
            Binding::Ha(entity) => entity.read(topic, text),
        }
    }

    /// A request that makes the device publish its state now, where the dialect has one.
    pub fn state_request(&self) -> Option<Message> {
        match self {
            Binding::Z2m(device) => Some(device.state_request()),
            Binding::Ha(_) => None,
        }
    }
}

/// Whether a reported state shows that `command` took effect.
pub fn confirms(command: &Command, state: &State) -> bool {
    let near = |a: Option<u8>, b: u8| a.is_some_and(|a| a.abs_diff(b) <= 1);
    match command {
        Command::TurnOn => state.on == Some(true),
        Command::TurnOff | Command::SetBrightness(0) => state.on == Some(false),
        Command::SetBrightness(level) => state.on == Some(true) && near(state.brightness, *level),
        Command::SetColor(_) => state.on == Some(true),
        Command::Open => state.position.is_some_and(|p| p > 0),
        Command::Close => state.position == Some(0),
        Command::SetPosition(position) => near(state.position, *position),
        Command::Lock => state.locked == Some(true),
        Command::Unlock => state.locked == Some(false),
        Command::SetTemperature(celsius) => state.target.is_some_and(|t| (t - celsius).abs() < 0.05),
        _ => false,
    }
}

/// Brightness in percent to a device's scale (`max` is 254 for Zigbee2MQTT, 255 for Home Assistant).
pub fn to_scale(percent: u8, max: u32) -> u32 {
    (f64::from(percent.min(100)) * f64::from(max) / 100.0).round() as u32
}

/// A device's brightness on a 0-`max` scale to percent.
pub fn from_scale(value: f64, max: u32) -> u8 {
    (value.clamp(0.0, f64::from(max)) * 100.0 / f64::from(max.max(1))).round() as u8
}

/// Colour temperature in kelvin to mireds.
pub fn mireds(kelvin: u16) -> u32 {
    (1_000_000.0 / f64::from(kelvin.max(1))).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brightness_round_trips_through_both_scales() {
        for percent in 0..=100u8 {
            assert_eq!(from_scale(f64::from(to_scale(percent, 254)), 254), percent);
            assert_eq!(from_scale(f64::from(to_scale(percent, 255)), 255), percent);
        }
        assert_eq!(to_scale(100, 254), 254);
        assert_eq!(to_scale(30, 254), 76);
        assert_eq!(mireds(2700), 370);
    }
}

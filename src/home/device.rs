//! Devices: their kinds, what they can do, their state, and the commands that change it.

use serde::{Deserialize, Serialize};

/// What a device is. The kind decides its default capabilities and which
/// class words ("lights", "窗帘") name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A lamp or light fitting.
    Light,
    /// A wall switch or relay.
    Switch,
    /// A smart plug.
    Plug,
    /// A fan.
    Fan,
    /// Blinds, curtains, shutters, a garage door, a gate, a window opener.
    Cover,
    /// A door lock.
    Lock,
    /// A thermostat, heater or air conditioner.
    Climate,
    /// A TV or speaker.
    Media,
    /// A robot vacuum.
    Vacuum,
    /// A sensor that only reports (temperature, contact).
    Sensor,
}

/// A finer class inside a kind, for class words and risk rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Window blinds or shades.
    Blind,
    /// Curtains.
    Curtain,
    /// Roller shutters.
    Shutter,
    /// A garage door (opening it is confirmed first).
    Garage,
    /// A gate (opening it is confirmed first).
    Gate,
    /// A window opener.
    Window,
    /// A door with a motor or a lock.
    Door,
    /// A television.
    Tv,
    /// A speaker.
    Speaker,
    /// A heater or radiator.
    Heater,
    /// An air conditioner.
    Ac,
    /// A thermostat.
    Thermostat,
    /// A temperature sensor.
    Temperature,
    /// A door or window contact sensor.
    Contact,
}

/// One thing a device can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// On and off.
    OnOff,
    /// Brightness 0-100 %.
    Brightness,
    /// Colour.
    Color,
    /// Open and close, with a position 0 (closed) to 100 % (open).
    Position,
    /// Lock and unlock.
    Lock,
    /// A temperature set point.
    Setpoint,
    /// A temperature reading.
    Thermometer,
    /// Volume and playback.
    Media,
    /// Cleaning and docking.
    Cleaning,
}

impl Kind {
    /// The capabilities a device of this kind has unless its home file says otherwise.
    pub fn default_capabilities(self) -> &'static [Capability] {
        use Capability::*;
        match self {
            Kind::Light => &[OnOff, Brightness],
            Kind::Switch | Kind::Plug | Kind::Fan => &[OnOff],
            Kind::Cover => &[Position],
            Kind::Lock => &[Lock],
            Kind::Climate => &[OnOff, Setpoint, Thermometer],
            Kind::Media => &[OnOff, Media],
            Kind::Vacuum => &[Cleaning],
            Kind::Sensor => &[Thermometer],
        }
    }
}

/// The simulated state of a device. Fields a device does not have stay `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Switched on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<bool>,
    /// Brightness in percent (1-100 when on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brightness: Option<u8>,
    /// Canonical English colour name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Cover position: 0 closed, 100 fully open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u8>,
    /// Locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    /// Set point in degrees Celsius.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f32>,
    /// Measured temperature in degrees Celsius.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<f32>,
    /// Volume in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<u8>,
    /// What is playing (media), `None` when stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playing: Option<String>,
    /// Playback paused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
    /// Cleaning (true) or docked (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleaning: Option<bool>,
}

/// A change asked of one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", content = "value", rename_all = "snake_case")]
pub enum Command {
    /// Switch on.
    TurnOn,
    /// Switch off.
    TurnOff,
    /// Open fully.
    Open,
    /// Close fully.
    Close,
    /// Lock.
    Lock,
    /// Unlock.
    Unlock,
    /// Brightness in percent, 0-100 (0 switches off).
    SetBrightness(u8),
    /// A canonical colour name.
    SetColor(String),
    /// Cover position in percent.
    SetPosition(u8),
    /// Set point in degrees Celsius.
    SetTemperature(f32),
    /// Volume in percent.
    SetVolume(u8),
    /// Play something (or resume what was playing).
    Play(Option<String>),
    /// Pause playback.
    Pause,
    /// Resume playback.
    Resume,
    /// Next track.
    Next,
    /// Previous track.
    Previous,
    /// Start cleaning.
    StartCleaning,
    /// Return to the dock.
    Dock,
}

impl Command {
    /// The capability a device needs for this command.
    pub fn needs(&self) -> Capability {
        match self {
            Command::TurnOn | Command::TurnOff => Capability::OnOff,
            Command::Open | Command::Close | Command::SetPosition(_) => Capability::Position,
            Command::Lock | Command::Unlock => Capability::Lock,
            Command::SetBrightness(_) => Capability::Brightness,
            Command::SetColor(_) => Capability::Color,
            Command::SetTemperature(_) => Capability::Setpoint,
            Command::SetVolume(_)
            | Command::Play(_)
            | Command::Pause
            | Command::Resume
            | Command::Next
            | Command::Previous => Capability::Media,
            Command::StartCleaning | Command::Dock => Capability::Cleaning,
        }
    }

    /// Applies the command to `state` and returns the new state. The caller
    /// has checked the capability.
    pub fn apply(&self, state: &State) -> State {
        let mut next = state.clone();
        match self {
            Command::TurnOn => {
                next.on = Some(true);
                if next.brightness == Some(0) {
                    next.brightness = Some(100);
                }
            }
            Command::TurnOff => next.on = Some(false),
            Command::Open => next.position = Some(100),
            Command::Close => next.position = Some(0),
            Command::Lock => next.locked = Some(true),
            Command::Unlock => next.locked = Some(false),
            Command::SetBrightness(0) => next.on = Some(false),
            Command::SetBrightness(level) => {
                next.brightness = Some((*level).min(100));
                next.on = Some(true);
            }
            Command::SetColor(color) => {
                next.color = Some(color.clone());
                next.on = Some(true);
            }
            Command::SetPosition(position) => next.position = Some((*position).min(100)),
            Command::SetTemperature(celsius) => {
                next.target = Some(*celsius);
                next.on = Some(true);
            }
            Command::SetVolume(volume) => next.volume = Some((*volume).min(100)),
            Command::Play(query) => {
                next.on = Some(true);
                next.paused = Some(false);
                if let Some(query) = query {
                    next.playing = Some(query.clone());
                } else if next.playing.is_none() {
                    next.playing = Some(String::new());
                }
            }
            Command::Pause => next.paused = Some(true),
            Command::Resume => next.paused = Some(false),
            Command::Next | Command::Previous => next.paused = Some(false),
            Command::StartCleaning => next.cleaning = Some(true),
            Command::Dock => next.cleaning = Some(false),
        }
        next
    }
}

impl State {
    /// The commands that take a device from this state to `target`, for the
    /// fields both have (used to undo a change on a real device).
    pub fn commands_to(&self, target: &State) -> Vec<Command> {
        let mut commands = Vec::new();
        fn differs<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
            b.is_some() && a != b
        }
        if differs(&self.color, &target.color) {
            commands.extend(target.color.clone().map(Command::SetColor));
        }
        if differs(&self.brightness, &target.brightness) && target.on != Some(false) {
            commands.extend(target.brightness.map(Command::SetBrightness));
        }
        if differs(&self.on, &target.on) {
            commands.push(if target.on == Some(true) { Command::TurnOn } else { Command::TurnOff });
        }
        if differs(&self.position, &target.position) {
            commands.extend(target.position.map(Command::SetPosition));
        }
        if differs(&self.locked, &target.locked) {
            commands.push(if target.locked == Some(true) { Command::Lock } else { Command::Unlock });
        }
        if differs(&self.target, &target.target) {
            commands.extend(target.target.map(Command::SetTemperature));
        }
        if differs(&self.volume, &target.volume) {
            commands.extend(target.volume.map(Command::SetVolume));
        }
        if differs(&self.cleaning, &target.cleaning) {
            commands.push(if target.cleaning == Some(true) { Command::StartCleaning } else { Command::Dock });
        }
        commands
    }

    /// Copies every field `report` has into this state.
    pub fn overlay(&mut self, report: &State) {
        macro_rules! take {
            ($($field:ident),*) => { $(if report.$field.is_some() { self.$field = report.$field.clone(); })* };
        }
        take!(on, brightness, color, position, locked, target, current, volume, playing, paused, cleaning);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_to_undo_a_change() {
        let before = State { on: Some(false), brightness: Some(40), ..State::default() };
        let after = Command::SetBrightness(80).apply(&before);
        assert_eq!(after.commands_to(&before), vec![Command::TurnOff]);
        let dimmed = State { on: Some(true), brightness: Some(40), ..State::default() };
        assert_eq!(after.commands_to(&dimmed), vec![Command::SetBrightness(40)]);
        let mut overlaid = before.clone();
        overlaid.overlay(&State { on: Some(true), ..State::default() });
        assert_eq!((overlaid.on, overlaid.brightness), (Some(true), Some(40)));
    }

    #[test]
    fn brightness_zero_switches_off_and_on_restores() {
        let state = State { on: Some(true), brightness: Some(40), ..State::default() };
        let off = Command::SetBrightness(0).apply(&state);
        assert_eq!(off.on, Some(false));
        assert_eq!(off.brightness, Some(40));
        let dim = Command::SetBrightness(150).apply(&off);
        assert_eq!((dim.on, dim.brightness), (Some(true), Some(100)));
    }
}

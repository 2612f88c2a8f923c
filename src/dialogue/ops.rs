//! Device operations: which intents act on devices, what they need, and the
//! command each one makes for a device.

use crate::home::{Capability, Command, Kind, State};
use crate::values::Color;

/// An operation on devices, from an intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Op {
    TurnOn,
    TurnOff,
    Open,
    Close,
    Lock,
    Unlock,
    SetBrightness,
    BrightnessUp,
    BrightnessDown,
    SetColor,
    SetPosition,
    SetTemperature,
    /// Warmer by a step; no intent of its own: what brightness_up or
    /// volume_up mean for a thermostat ("turn up the heating").
    TemperatureUp,
    /// Cooler by a step, likewise.
    TemperatureDown,
    GetTemperature,
    GetState,
    VacuumStart,
    VacuumDock,
    MediaPlay,
    MediaPause,
    MediaResume,
    MediaNext,
    MediaPrevious,
    VolumeSet,
    VolumeUp,
    VolumeDown,
}

/// The value an operation carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A level in percent (brightness, position, volume).
    Percent(f32),
    /// A relative change in percent points.
    Step(f32),
    /// A colour.
    Color(Color),
    /// A temperature in degrees Celsius.
    Celsius(f32),
    /// Something to play.
    Media(String),
}

/// Degrees Celsius that "warmer" or "turn up the heating" adds.
pub const TEMPERATURE_STEP: f32 = 1.0;

impl Op {
    /// The operation of a device intent; `None` for other intents.
    pub fn from_intent(intent: &str) -> Option<Op> {
        use Op::*;
        Some(match intent {
            "turn_on" => TurnOn,
            "turn_off" => TurnOff,
            "open" => Open,
            "close" => Close,
            "lock" => Lock,
            "unlock" => Unlock,
            "set_brightness" => SetBrightness,
            "brightness_up" => BrightnessUp,
            "brightness_down" => BrightnessDown,
            "set_color" => SetColor,
            "set_position" => SetPosition,
            "climate_set_temperature" => SetTemperature,
            "climate_get_temperature" => GetTemperature,
            "get_state" => GetState,
            "vacuum_start" => VacuumStart,
            "vacuum_dock" => VacuumDock,
            "media_play" => MediaPlay,
            "media_pause" => MediaPause,
            "media_resume" => MediaResume,
            "media_next" => MediaNext,
            "media_previous" => MediaPrevious,
            "volume_set" => VolumeSet,
            "volume_up" => VolumeUp,
            "volume_down" => VolumeDown,
            _ => return None,
        })
    }

    /// What a device needs to take part.
    pub fn capability(self) -> Capability {
        use Op::*;
        match self {
            TurnOn | TurnOff => Capability::OnOff,
            Open | Close | SetPosition => Capability::Position,
            Lock | Unlock => Capability::Lock,
            SetBrightness | BrightnessUp | BrightnessDown => Capability::Brightness,
            SetColor => Capability::Color,
            SetTemperature | TemperatureUp | TemperatureDown => Capability::Setpoint,
            GetTemperature => Capability::Thermometer,
            GetState => Capability::OnOff,
            VacuumStart | VacuumDock => Capability::Cleaning,
            MediaPlay | MediaPause | MediaResume | MediaNext | MediaPrevious | VolumeSet | VolumeUp | VolumeDown => {
                Capability::Media
            }
        }
    }

    /// Whether `device` can take part (state questions take any device).
    pub fn accepts(self, device: &crate::home::Device) -> bool {
        self == Op::GetState || device.can(self.capability())
    }

    /// Operations that mean the same for other kinds of device ("打开" turns
    /// on a light and opens a curtain; "start Robbie" starts a vacuum), tried
    /// in order when the devices meant cannot do `self`.
    pub fn siblings(self) -> &'static [Op] {
        use Op::*;
        match self {
            TurnOn => &[Open, VacuumStart, MediaPlay],
            Open => &[TurnOn, Unlock],
            TurnOff => &[Close, VacuumDock, MediaPause],
            Close => &[TurnOff, Lock],
            SetPosition => &[SetBrightness, VolumeSet],
            SetBrightness => &[SetPosition, VolumeSet],
            VolumeSet => &[SetBrightness, SetPosition],
            VacuumStart => &[TurnOn],
            MediaPlay => &[TurnOn],
            VacuumDock => &[TurnOff],
            BrightnessUp => &[VolumeUp, TemperatureUp],
            BrightnessDown => &[VolumeDown, TemperatureDown],
            VolumeUp => &[BrightnessUp, TemperatureUp],
            VolumeDown => &[BrightnessDown, TemperatureDown],
            _ => &[],
        }
    }

    /// The setting whose value a line carries (the first slot labelled
    /// `brightness`, `color`, `position`, `temperature` or `volume`), when it is
    /// not `self`: what to try first when the devices meant cannot do `self`
    /// ("把小月调到百分之五十" read as a play request, 小月 a lamp).
    pub fn carried_setting<'a>(self, slot_labels: impl IntoIterator<Item = &'a str>) -> Option<Op> {
        slot_labels.into_iter().find_map(Op::for_setting).filter(|&o| o != self)
    }

    /// The operation of a profile setting name.
    pub fn for_setting(setting: &str) -> Option<Op> {
        Some(match setting {
            "brightness" => Op::SetBrightness,
            "color" => Op::SetColor,
            "position" => Op::SetPosition,
            "temperature" => Op::SetTemperature,
            "volume" => Op::VolumeSet,
            _ => return None,
        })
    }

    /// Whether the operation changes something (as opposed to a question).
    pub fn changes(self) -> bool {
        !self.reads_only()
    }

    /// What an area alone selects ("turn off the kitchen"); empty means any kind.
    pub fn area_default(self) -> &'static [Kind] {
        match self {
            Op::TurnOn => &[Kind::Light],
            Op::TurnOff => &[Kind::Light, Kind::Switch, Kind::Fan, Kind::Media],
            Op::GetState => &[],
            _ => &[],
        }
    }

    /// Whether the operation only reads state.
    pub fn reads_only(self) -> bool {
        matches!(self, Op::GetState | Op::GetTemperature)
    }

    /// Whether the operation cannot run without a value.
    pub fn needs_value(self) -> bool {
        matches!(self, Op::SetBrightness | Op::SetColor | Op::SetPosition | Op::SetTemperature | Op::VolumeSet)
    }

    /// The profile setting name its value is remembered under.
    pub fn setting(self) -> Option<&'static str> {
        match self {
            Op::SetBrightness => Some("brightness"),
            Op::SetColor => Some("color"),
            Op::SetPosition => Some("position"),
            Op::SetTemperature => Some("temperature"),
            Op::VolumeSet => Some("volume"),
            _ => None,
        }
    }

    /// The command for one device in `state`, or `None` when the value is missing.
    pub fn command(self, value: Option<&Value>, state: &State) -> Option<Command> {
        let percent = |v: f32| v.round().clamp(0.0, 100.0) as u8;
        let step = |current: Option<u8>, default: f32, sign: f32| {
            let by = match value {
                Some(Value::Step(s) | Value::Percent(s)) => *s,
                _ => default,
            };
            percent(f32::from(current.unwrap_or(50)) + sign * by)
        };
        Some(match (self, value) {
            (Op::TurnOn, _) => Command::TurnOn,
            (Op::TurnOff, _) => Command::TurnOff,
            (Op::Open, _) => Command::Open,
            (Op::Close, _) => Command::Close,
            (Op::Lock, _) => Command::Lock,
            (Op::Unlock, _) => Command::Unlock,
            (Op::SetBrightness, Some(Value::Percent(v))) => Command::SetBrightness(percent(*v)),
            (Op::BrightnessUp, _) => {
                let from = if state.on == Some(false) { Some(0) } else { state.brightness };
                Command::SetBrightness(step(from, 20.0, 1.0).max(1))
            }
            (Op::BrightnessDown, _) => Command::SetBrightness(step(state.brightness, 20.0, -1.0).max(1)),
            (Op::SetColor, Some(Value::Color(c))) => Command::SetColor(c.name.to_string()),
            (Op::SetPosition, Some(Value::Percent(v))) => Command::SetPosition(percent(*v)),
            (Op::SetTemperature, Some(Value::Celsius(c))) => Command::SetTemperature((c * 2.0).round() / 2.0),
            (Op::TemperatureUp | Op::TemperatureDown, _) => {
                let by = match value {
                    Some(Value::Celsius(c)) => c.abs().clamp(0.5, 10.0),
                    _ => TEMPERATURE_STEP,
                };
                let sign = if self == Op::TemperatureUp { 1.0 } else { -1.0 };
                let target = state.target.unwrap_or(20.0) + sign * by;
                Command::SetTemperature(((target * 2.0).round() / 2.0).clamp(5.0, 30.0))
            }
            (Op::VolumeSet, Some(Value::Percent(v))) => Command::SetVolume(percent(*v)),
            (Op::VolumeUp, _) => Command::SetVolume(step(state.volume, 10.0, 1.0)),
            (Op::VolumeDown, _) => Command::SetVolume(step(state.volume, 10.0, -1.0)),
            (Op::MediaPlay, Some(Value::Media(q))) => Command::Play(Some(q.clone())),
            (Op::MediaPlay, _) => Command::Play(None),
            (Op::MediaPause, _) => Command::Pause,
            (Op::MediaResume, _) => Command::Resume,
            (Op::MediaNext, _) => Command::Next,
            (Op::MediaPrevious, _) => Command::Previous,
            (Op::VacuumStart, _) => Command::StartCleaning,
            (Op::VacuumDock, _) => Command::Dock,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Op;

    #[test]
    fn a_temperature_step_moves_the_set_point() {
        use super::{Command, State, Value};
        let state = State { target: Some(20.5), ..State::default() };
        assert_eq!(Op::TemperatureUp.command(None, &state), Some(Command::SetTemperature(21.5)));
        assert_eq!(
            Op::TemperatureDown.command(Some(&Value::Celsius(2.0)), &state),
            Some(Command::SetTemperature(18.5))
        );
        let hot = State { target: Some(29.5), ..State::default() };
        assert_eq!(Op::TemperatureUp.command(Some(&Value::Celsius(3.0)), &hot), Some(Command::SetTemperature(30.0)));
        assert!(Op::BrightnessUp.siblings().contains(&Op::TemperatureUp));
    }

    #[test]
    fn a_carried_setting_is_another_operation() {
        assert_eq!(Op::MediaPlay.carried_setting(["device", "brightness"]), Some(Op::SetBrightness));
        assert_eq!(Op::TurnOn.carried_setting(["area", "position"]), Some(Op::SetPosition));
        assert_eq!(Op::VolumeSet.carried_setting(["device", "volume"]), None);
        assert_eq!(Op::TurnOn.carried_setting(["device", "area"]), None);
    }
}

//! Zigbee2MQTT: the device list (`<base>/bridge/devices`, retained), the
//! command payloads for `<base>/<friendly_name>/set` and the state JSON on
//! `<base>/<friendly_name>`.
//!
//! Only what a device's `definition.exposes` lists is used, under the
//! property names it gives (`state_l1` on a two-gang switch, `brightness`,
//! `color_temp`, `color`, `position`, `current_heating_setpoint` or
//! `occupied_heating_setpoint`, `local_temperature`, `temperature`).

use serde_json::{Value, json};

use crate::home::{Capability, Class, Command, Kind, State};
use crate::text::Lang;
use crate::values::parse_color;

use super::found::{Binding, Found, Message, from_scale, mireds, to_scale};

/// How to talk to one Zigbee2MQTT device.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Z2mDevice {
    /// `<base>/<friendly_name>`: state arrives here; commands go to `.../set`.
    pub topic: String,
    /// The on/off (or open/close, lock/unlock) property and its values.
    pub state: Option<Binary>,
    /// The brightness property and its maximum.
    pub brightness: Option<(String, u32)>,
    /// The colour temperature property (mireds).
    pub color_temp: Option<String>,
    /// The colour property (`{"hex": ...}` or `{"x", "y"}`).
    pub color: Option<String>,
    /// The cover position property (0-100).
    pub position: Option<String>,
    /// The heating set point property.
    pub setpoint: Option<String>,
    /// The measured temperature property.
    pub temperature: Option<String>,
    /// The climate system mode property (on = `heat`, off = `off`).
    pub system_mode: Option<String>,
    /// What the device is (decides what `state` means).
    pub kind: Option<Kind>,
}

/// A two-valued property: its name and its on and off values.
#[derive(Debug, Clone, PartialEq)]
pub struct Binary {
    /// Property name.
    pub property: String,
    /// The value meaning on (`ON`, `OPEN`, `LOCK`).
    pub on: String,
    /// The value meaning off.
    pub off: String,
}

/// Reads the device list under topic base `base`. Devices without a
/// definition (the coordinator, unsupported or disabled devices) and
/// devices that expose nothing hearth can use are left out.
pub fn parse_devices(base: &str, payload: &[u8]) -> Result<Vec<Found>, String> {
    let list: Value = serde_json::from_slice(payload).map_err(|e| format!("not JSON: {e}"))?;
    let list = list.as_array().ok_or("not a JSON array")?;
    Ok(list.iter().filter_map(|entry| device(base, entry)).collect())
}

fn device(base: &str, entry: &Value) -> Option<Found> {
    let name = entry.get("friendly_name")?.as_str()?;
    if entry.get("type").and_then(Value::as_str) == Some("Coordinator")
        || entry.get("disabled").and_then(Value::as_bool) == Some(true)
    {
        return None;
    }
    let definition = entry.get("definition")?;
    let exposes = definition.get("exposes")?.as_array()?;
    let description = definition.get("description").and_then(Value::as_str).unwrap_or("").to_lowercase();
    let mut z2m = Z2mDevice { topic: format!("{base}/{name}"), ..Z2mDevice::default() };
    let mut kind = None;
    let mut class = None;
    for expose in exposes {
        let kind_here = match expose.get("type").and_then(Value::as_str) {
            Some("light") => Some(Kind::Light),
            Some("switch") if ["plug", "socket", "outlet"].iter().any(|w| description.contains(w)) => Some(Kind::Plug),
            Some("switch") => Some(Kind::Switch),
            Some("fan") => Some(Kind::Fan),
            Some("cover") => Some(Kind::Cover),
            Some("lock") => Some(Kind::Lock),
            Some("climate") => Some(Kind::Climate),
            _ => None,
        };
        if kind.is_none()
            && let Some(found_kind) = kind_here
        {
            kind = Some(found_kind);
            for feature in expose.get("features").and_then(Value::as_array).into_iter().flatten() {
                read_feature(&mut z2m, feature);
            }
        }
        if expose.get("property").and_then(Value::as_str) == Some("temperature") && z2m.temperature.is_none() {
            z2m.temperature = Some("temperature".into());
        }
    }
    if kind.is_none() && z2m.temperature.is_some() {
        kind = Some(Kind::Sensor);
        class = Some(Class::Temperature);
    }
    let kind = kind?;
    z2m.kind = Some(kind);
    let capabilities = capabilities(&z2m, kind);
    if capabilities.is_empty() {
        return None;
    }
    let (area_hint, short_name) = match name.rsplit_once('/') {
        Some((area, rest)) => (Some(area.replace(['_', '/'], " ")), rest),
        None => (None, name),
    };
    Some(Found {
        key: name.to_string(),
        name: short_name.replace('_', " "),
        kind,
        class,
        capabilities,
        area_hint,
        binding: Binding::Z2m(z2m),
    })
}

fn read_feature(z2m: &mut Z2mDevice, feature: &Value) {
    let Some(property) = feature.get("property").and_then(Value::as_str) else { return };
    let text = |key: &str| feature.get(key).and_then(|v| v.as_str().map(str::to_string).or(Some(v.to_string())));
    match feature.get("name").and_then(Value::as_str).unwrap_or(property) {
        "state" if z2m.state.is_none() => {
            let (on, off) = match (text("value_on"), text("value_off")) {
                (Some(on), Some(off)) => (on, off),
                _ => ("ON".into(), "OFF".into()),
            };
            z2m.state = Some(Binary { property: property.into(), on, off });
        }
        "brightness" => {
            let max = feature.get("value_max").and_then(Value::as_u64).unwrap_or(254) as u32;
            z2m.brightness = Some((property.into(), max.max(1)));
        }
        "color_temp" => z2m.color_temp = Some(property.into()),
        "color_xy" | "color_hs" => z2m.color = Some(property.into()),
        "position" => z2m.position = Some(property.into()),
        "current_heating_setpoint" | "occupied_heating_setpoint" if z2m.setpoint.is_none() => {
            z2m.setpoint = Some(property.into());
        }
        "local_temperature" => z2m.temperature = Some(property.into()),
        "system_mode" => z2m.system_mode = Some(property.into()),
        _ => {}
    }
}

fn capabilities(z2m: &Z2mDevice, kind: Kind) -> Vec<Capability> {
    let mut caps = Vec::new();
    match kind {
        Kind::Cover => caps.push(Capability::Position),
        Kind::Lock => caps.push(Capability::Lock),
        Kind::Climate if z2m.system_mode.is_some() => caps.push(Capability::OnOff),
        Kind::Light | Kind::Switch | Kind::Plug | Kind::Fan if z2m.state.is_some() => caps.push(Capability::OnOff),
        _ => {}
    }
    if z2m.brightness.is_some() {
        caps.push(Capability::Brightness);
    }
    if z2m.color.is_some() || z2m.color_temp.is_some() {
        caps.push(Capability::Color);
    }
    if z2m.setpoint.is_some() {
        caps.push(Capability::Setpoint);
    }
    if z2m.temperature.is_some() {
        caps.push(Capability::Thermometer);
    }
    caps
}

impl Z2mDevice {
    /// The `/set` messages for `command`, or `None` when the device lacks the property.
    pub fn messages(&self, command: &Command) -> Option<Vec<Message>> {
        let state = |on: bool| -> Option<(String, Value)> {
            let binary = self.state.as_ref()?;
            Some((binary.property.clone(), json!(if on { &binary.on } else { &binary.off })))
        };
        let mut fields: Vec<(String, Value)> = Vec::new();
        match command {
            Command::TurnOn | Command::TurnOff if self.kind == Some(Kind::Climate) => {
                let mode = if *command == Command::TurnOn { "heat" } else { "off" };
                fields.push((self.system_mode.clone()?, json!(mode)));
            }
            Command::Open | Command::Close if self.kind == Some(Kind::Cover) => {
                fields.push(state(*command == Command::Open)?)
            }
            Command::Lock | Command::Unlock if self.kind == Some(Kind::Lock) => {
                fields.push(state(*command == Command::Lock)?)
            }
            Command::TurnOn | Command::TurnOff | Command::SetBrightness(0)
                if !matches!(self.kind, Some(Kind::Cover | Kind::Lock)) =>
            {
                fields.push(state(*command == Command::TurnOn)?)
            }
            Command::SetBrightness(level) => {
                let (property, max) = self.brightness.clone()?;
                fields.extend(state(true));
                fields.push((property, json!(to_scale(*level, max))));
            }
            Command::SetColor(name) => {
                let color = parse_color(name, Lang::En)?;
                fields.extend(state(true));
                match (color.kelvin, &self.color_temp, &self.color) {
                    (Some(kelvin), Some(property), _) => fields.push((property.clone(), json!(mireds(kelvin)))),
                    (_, _, Some(property)) => {
                        let [r, g, b] = color.rgb;
                        fields.push((property.clone(), json!({ "hex": format!("#{r:02x}{g:02x}{b:02x}") })));
                    }
                    _ => return None,
                }
            }
            Command::SetPosition(position) => match &self.position {
                Some(property) => fields.push((property.clone(), json!(position))),
                None => fields.push(state(*position > 0)?),
            },
            Command::SetTemperature(celsius) => fields.push((self.setpoint.clone()?, json!(celsius))),
            _ => return None,
        }
        let object: serde_json::Map<String, Value> = fields.into_iter().collect();
        Some(vec![Message::json(format!("{}/set", self.topic), &Value::Object(object))])
    }

    /// Reads a state message: the fields it reports.
    pub fn read(&self, text: &str) -> Result<State, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let object = value.as_object().ok_or("not a JSON object")?;
        let mut state = State::default();
        if let Some(binary) = &self.state
            && let Some(v) = object.get(&binary.property)
        {
            let v = v.as_str().map(str::to_string).unwrap_or(v.to_string());
            let on = if v.eq_ignore_ascii_case(&binary.on) {
                Some(true)
            } else if v.eq_ignore_ascii_case(&binary.off) {
                Some(false)
            } else {
                None
            };
            match (self.kind, on) {
                (Some(Kind::Cover), Some(open)) => state.position = Some(if open { 100 } else { 0 }),
                (Some(Kind::Lock), Some(locked)) => state.locked = Some(locked),
                (_, Some(on)) => state.on = Some(on),
                (_, None) => {}
            }
        }
        if let Some(locked) = object.get("lock_state").and_then(Value::as_str) {
            state.locked = Some(locked == "locked");
        }
        let number = |property: &Option<String>| -> Result<Option<f64>, String> {
            let Some(property) = property else { return Ok(None) };
            match object.get(property) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_f64().map(Some).ok_or_else(|| format!("`{property}` is not a number: {v}")),
            }
        };
        if let (Some(b), Some((_, max))) = (number(&self.brightness.as_ref().map(|b| b.0.clone()))?, &self.brightness) {
            state.brightness = Some(from_scale(b, *max).max(1));
        }
        if let Some(p) = number(&self.position)? {
            state.position = Some(p.clamp(0.0, 100.0).round() as u8);
        }
        if let Some(t) = number(&self.setpoint)? {
            state.target = Some(t as f32);
        }
        if let Some(t) = number(&self.temperature)? {
            state.current = Some(t as f32);
        }
        if let Some(mode) = self.system_mode.as_ref().and_then(|p| object.get(p)).and_then(Value::as_str) {
            state.on = Some(mode != "off");
        }
        Ok(state)
    }

    /// `<topic>/get` asking for the state properties the device has.
    pub fn state_request(&self) -> Message {
        let mut object = serde_json::Map::new();
        let properties = [
            self.state.as_ref().map(|s| s.property.clone()),
            self.brightness.as_ref().map(|b| b.0.clone()),
            self.position.clone(),
            self.setpoint.clone(),
            self.temperature.clone(),
        ];
        for property in properties.into_iter().flatten() {
            object.insert(property, json!(""));
        }
        Message::json(format!("{}/get", self.topic), &Value::Object(object))
    }
}

/// The binding of a home-file device named `friendly_name` on the broker
/// before its announcement arrives: the usual Zigbee2MQTT properties for
/// its kind and capabilities.
pub fn assumed(base: &str, friendly_name: &str, device: &crate::home::Device) -> Binding {
    let mut z2m =
        Z2mDevice { topic: format!("{base}/{friendly_name}"), kind: Some(device.kind), ..Z2mDevice::default() };
    let binary = |on: &str, off: &str| Some(Binary { property: "state".into(), on: on.into(), off: off.into() });
    match device.kind {
        Kind::Cover => z2m.state = binary("OPEN", "CLOSE"),
        Kind::Lock => z2m.state = binary("LOCK", "UNLOCK"),
        Kind::Climate => z2m.system_mode = Some("system_mode".into()),
        _ => z2m.state = binary("ON", "OFF"),
    }
    for capability in &device.capabilities {
        match capability {
            Capability::Brightness => z2m.brightness = Some(("brightness".into(), 254)),
            Capability::Color => {
                z2m.color = Some("color".into());
                z2m.color_temp = Some("color_temp".into());
            }
            Capability::Position => z2m.position = Some("position".into()),
            Capability::Setpoint => z2m.setpoint = Some("current_heating_setpoint".into()),
            Capability::Thermometer if device.kind == Kind::Climate => {
                z2m.temperature = Some("local_temperature".into())
            }
            Capability::Thermometer => z2m.temperature = Some("temperature".into()),
            _ => {}
        }
    }
    Binding::Z2m(z2m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICES: &str = r#"[
      {"type": "Coordinator", "friendly_name": "Coordinator", "definition": null},
      {"type": "Router", "friendly_name": "kitchen/ceiling", "definition": {"description": "LED bulb", "exposes": [
        {"type": "light", "features": [
          {"name": "state", "property": "state", "value_on": "ON", "value_off": "OFF"},
          {"name": "brightness", "property": "brightness", "value_max": 254},
          {"name": "color_temp", "property": "color_temp"},
          {"name": "color_xy", "property": "color"}]},
        {"type": "numeric", "name": "linkquality", "property": "linkquality"}]}},
      {"type": "Router", "friendly_name": "Garage Door", "definition": {"exposes": [
        {"type": "cover", "features": [{"name": "state", "property": "state", "value_on": "OPEN", "value_off": "CLOSE"}]}]}},
      {"type": "EndDevice", "friendly_name": "Bedroom TRV", "definition": {"exposes": [
        {"type": "climate", "features": [
          {"name": "current_heating_setpoint", "property": "current_heating_setpoint"},
          {"name": "local_temperature", "property": "local_temperature"}]}]}},
      {"type": "EndDevice", "friendly_name": "remote", "definition": {"exposes": [{"type": "enum", "name": "action", "property": "action"}]}}
    ]"#;

    fn found() -> Vec<Found> {
        parse_devices("zigbee2mqtt", DEVICES.as_bytes()).unwrap()
    }

    fn z2m(found: &Found) -> &Z2mDevice {
        match &found.binding {
            Binding::Z2m(device) => device,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn device_list_gives_kinds_capabilities_and_areas() {
        let found = found();
        let names: Vec<&str> = found.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(names, ["kitchen/ceiling", "Garage Door", "Bedroom TRV"]);
        assert_eq!((found[0].name.as_str(), found[0].area_hint.as_deref()), ("ceiling", Some("kitchen")));
        assert_eq!(found[0].capabilities, [Capability::OnOff, Capability::Brightness, Capability::Color]);
        assert_eq!((found[1].kind, &found[1].capabilities[..]), (Kind::Cover, &[Capability::Position][..]));
        assert_eq!(found[2].capabilities, [Capability::Setpoint, Capability::Thermometer]);
        assert!(parse_devices("zigbee2mqtt", b"{}").is_err());
    }

    #[test]
    fn commands_become_set_payloads() {
        let found = found();
        let light = z2m(&found[0]);
        let payload = |command: Command| light.messages(&command).unwrap()[0].payload.clone();
        assert_eq!(light.messages(&Command::TurnOn).unwrap()[0].topic, "zigbee2mqtt/kitchen/ceiling/set");
        assert_eq!(payload(Command::TurnOn), r#"{"state":"ON"}"#);
        assert_eq!(payload(Command::SetBrightness(30)), r#"{"brightness":76,"state":"ON"}"#);
        assert_eq!(payload(Command::SetBrightness(0)), r#"{"state":"OFF"}"#);
        assert_eq!(payload(Command::SetColor("warm white".into())), r#"{"color_temp":370,"state":"ON"}"#);
        assert_eq!(payload(Command::SetColor("red".into())), r##"{"color":{"hex":"#ff0000"},"state":"ON"}"##);
        assert_eq!(light.messages(&Command::Lock), None);
        let door = z2m(&found[1]);
        assert_eq!(door.messages(&Command::Open).unwrap()[0].payload, r#"{"state":"OPEN"}"#);
        let trv = z2m(&found[2]);
        assert_eq!(
            trv.messages(&Command::SetTemperature(21.5)).unwrap()[0].payload,
            r#"{"current_heating_setpoint":21.5}"#
        );
    }

    #[test]
    fn state_messages_are_read_and_bad_ones_refused() {
        let found = found();
        let light = z2m(&found[0]);
        let state = light.read(r#"{"state":"ON","brightness":76,"linkquality":120}"#).unwrap();
        assert_eq!((state.on, state.brightness), (Some(true), Some(30)));
        assert!(light.read("ON").is_err());
        assert!(light.read(r#"{"brightness":"bright"}"#).is_err());
        let door = z2m(&found[1]);
        assert_eq!(door.read(r#"{"state":"OPEN"}"#).unwrap().position, Some(100));
        let trv = z2m(&found[2]);
        let state = trv.read(r#"{"current_heating_setpoint":19,"local_temperature":18.5}"#).unwrap();
        assert_eq!((state.target, state.current), (Some(19.0), Some(18.5)));
        assert_eq!(trv.state_request().payload, r#"{"current_heating_setpoint":"","local_temperature":""}"#);
    }
}

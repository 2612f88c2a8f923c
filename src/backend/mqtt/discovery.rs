//! Home Assistant MQTT discovery: configs on
//! `homeassistant/<component>/[<node_id>/]<object_id>/config` describe an
//! entity's command and state topics and payloads.
//!
//! Read: `light` (default and `json` schema), `switch`, `fan`, `cover`,
//! `lock`, `climate`, and `sensor` with `device_class: temperature`.
//! Abbreviated keys (`cmd_t`, `stat_t`, `~`, ...) are expanded. Value
//! templates are understood in the common forms `{{ value_json.KEY }}`,
//! `{{ value_json['KEY'] }}` and `{{ value }}`; other templates are not
//! evaluated and the payload is read as it is.

use serde_json::{Map, Value, json};

use crate::home::{Capability, Class, Command, Kind, State};
use crate::text::Lang;
use crate::values::parse_color;

use super::found::{Binding, Found, Message, from_scale, mireds, to_scale};

/// One Home Assistant entity: its component and its config, with keys expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct HaEntity {
    /// `light`, `switch`, `fan`, `cover`, `lock`, `climate` or `sensor`.
    pub component: String,
    /// The config, abbreviations expanded and `~` replaced.
    pub config: Map<String, Value>,
}

/// Reads one discovery message. `Ok(None)` for a component or sensor class
/// hearth does not use, and for an empty payload (an entity removed).
pub fn parse_config(topic: &str, payload: &[u8]) -> Result<Option<Found>, String> {
    if payload.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = topic.split('/').collect();
    let component = match parts[..] {
        [_, component, _, "config"] | [_, component, _, _, "config"] => component,
        _ => return Err("not a discovery topic".into()),
    };
    let value: Value = serde_json::from_slice(payload).map_err(|e| format!("not JSON: {e}"))?;
    let config = expand(value.as_object().ok_or("not a JSON object")?);
    let text = |key: &str| config.get(key).and_then(Value::as_str).map(str::to_string);
    let (kind, class, mut capabilities) = match component {
        "light" => (Kind::Light, None, vec![Capability::OnOff]),
        "switch" => (Kind::Switch, None, vec![Capability::OnOff]),
        "fan" => (Kind::Fan, None, vec![Capability::OnOff]),
        "cover" => (Kind::Cover, cover_class(text("device_class").as_deref()), vec![Capability::Position]),
        "lock" => (Kind::Lock, None, vec![Capability::Lock]),
        "climate" => (Kind::Climate, None, Vec::new()),
        "sensor" if text("device_class").as_deref() == Some("temperature") => {
            (Kind::Sensor, Some(Class::Temperature), vec![Capability::Thermometer])
        }
        _ => return Ok(None),
    };
    let entity = HaEntity { component: component.to_string(), config: config.clone() };
    if component == "light" {
        if entity.is_json() && config.get("brightness").and_then(Value::as_bool) == Some(true)
            || config.contains_key("brightness_command_topic")
        {
            capabilities.push(Capability::Brightness);
        }
        let modes = config.get("supported_color_modes").and_then(Value::as_array);
        let has_mode = |m: &str| modes.is_some_and(|v| v.iter().any(|x| x.as_str() == Some(m)));
        if has_mode("rgb")
            || has_mode("xy")
            || has_mode("hs")
            || has_mode("color_temp")
            || config.contains_key("rgb_command_topic")
        {
            capabilities.push(Capability::Color);
        }
    }
    if component == "climate" {
        if config.contains_key("mode_command_topic") {
            capabilities.push(Capability::OnOff);
        }
        if config.contains_key("temperature_command_topic") {
            capabilities.push(Capability::Setpoint);
        }
        if config.contains_key("current_temperature_topic") {
            capabilities.push(Capability::Thermometer);
        }
    }
    let command_needed = !matches!(component, "sensor" | "climate");
    if command_needed && text("command_topic").is_none() {
        return Err(format!("a {component} without a command_topic"));
    }
    if capabilities.is_empty() {
        return Ok(None);
    }
    let device = config.get("device").and_then(Value::as_object);
    let device_name = device.and_then(|d| d.get("name")).and_then(Value::as_str);
    let name = match (text("name"), device_name) {
        (Some(name), Some(device)) if !device.to_lowercase().contains(&name.to_lowercase()) => {
            format!("{device} {name}")
        }
        (_, Some(device)) => device.to_string(),
        (Some(name), None) => name,
        (None, None) => return Err("an entity without a name".into()),
    };
    let object_id = parts[parts.len() - 2];
    let key = text("unique_id").or_else(|| text("object_id")).unwrap_or_else(|| object_id.to_string());
    let area_hint = device.and_then(|d| d.get("suggested_area")).and_then(Value::as_str).map(str::to_string);
    Ok(Some(Found { key, name, kind, class, capabilities, area_hint, binding: Binding::Ha(entity) }))
}

fn cover_class(device_class: Option<&str>) -> Option<Class> {
    Some(match device_class? {
        "garage" => Class::Garage,
        "gate" => Class::Gate,
        "blind" | "shade" => Class::Blind,
        "curtain" => Class::Curtain,
        "shutter" => Class::Shutter,
        "window" => Class::Window,
        "door" => Class::Door,
        _ => return None,
    })
}

/// Expands abbreviated keys (also inside `device`) and the `~` base topic.
fn expand(config: &Map<String, Value>) -> Map<String, Value> {
    let base = config.get("~").and_then(Value::as_str).unwrap_or("").to_string();
    let mut out = Map::new();
    for (key, value) in config {
        let key = ABBREVIATIONS.iter().find(|(short, _)| short == key).map_or(key.as_str(), |(_, long)| long);
        let value = match value {
            Value::String(s) if key.ends_with("_topic") && !base.is_empty() => {
                Value::String(if let Some(rest) = s.strip_prefix('~') {
                    format!("{base}{rest}")
                } else if let Some(rest) = s.strip_suffix('~') {
                    format!("{rest}{base}")
                } else {
                    s.clone()
                })
            }
            Value::Object(inner) if key == "device" => Value::Object(expand(inner)),
            other => other.clone(),
        };
        out.insert(key.to_string(), value);
    }
    out
}

const ABBREVIATIONS: &[(&str, &str)] = &[
    ("cmd_t", "command_topic"),
    ("stat_t", "state_topic"),
    ("bri_cmd_t", "brightness_command_topic"),
    ("bri_stat_t", "brightness_state_topic"),
    ("bri_scl", "brightness_scale"),
    ("bri_val_tpl", "brightness_value_template"),
    ("rgb_cmd_t", "rgb_command_topic"),
    ("clr_temp_cmd_t", "color_temp_command_topic"),
    ("pl_on", "payload_on"),
    ("pl_off", "payload_off"),
    ("stat_on", "state_on"),
    ("stat_off", "state_off"),
    ("val_tpl", "value_template"),
    ("stat_val_tpl", "state_value_template"),
    ("uniq_id", "unique_id"),
    ("obj_id", "object_id"),
    ("dev", "device"),
    ("sa", "suggested_area"),
    ("dev_cla", "device_class"),
    ("sup_clrm", "supported_color_modes"),
    ("set_pos_t", "set_position_topic"),
    ("pos_t", "position_topic"),
    ("pos_open", "position_open"),
    ("pos_clsd", "position_closed"),
    ("pl_open", "payload_open"),
    ("pl_cls", "payload_close"),
    ("stat_open", "state_open"),
    ("stat_clsd", "state_closed"),
    ("pl_lock", "payload_lock"),
    ("pl_unlk", "payload_unlock"),
    ("stat_locked", "state_locked"),
    ("stat_unlocked", "state_unlocked"),
    ("temp_cmd_t", "temperature_command_topic"),
    ("temp_stat_t", "temperature_state_topic"),
    ("temp_stat_tpl", "temperature_state_template"),
    ("curr_temp_t", "current_temperature_topic"),
    ("curr_temp_tpl", "current_temperature_template"),
    ("mode_cmd_t", "mode_command_topic"),
    ("mode_stat_t", "mode_state_topic"),
    ("mode_stat_tpl", "mode_state_template"),
];

impl HaEntity {
    fn text(&self, key: &str) -> Option<&str> {
        self.config.get(key).and_then(Value::as_str)
    }

    fn text_or<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        self.text(key).unwrap_or(default)
    }

    fn is_json(&self) -> bool {
        self.text("schema") == Some("json")
    }

    fn brightness_scale(&self) -> u32 {
        self.config.get("brightness_scale").and_then(Value::as_u64).unwrap_or(255).max(1) as u32
    }

    /// Topics whose messages carry this entity's state.
    pub fn state_topics(&self) -> Vec<String> {
        let keys = [
            "state_topic",
            "brightness_state_topic",
            "position_topic",
            "temperature_state_topic",
            "current_temperature_topic",
            "mode_state_topic",
        ];
        let mut topics: Vec<String> = keys.iter().filter_map(|k| self.text(k).map(str::to_string)).collect();
        topics.dedup();
        topics
    }

    /// The messages that carry out `command`, or `None` when the config has no topic for it.
    pub fn messages(&self, command: &Command) -> Option<Vec<Message>> {
        let message = |key: &str, payload: String| -> Option<Message> {
            Some(Message { topic: self.text(key)?.to_string(), payload })
        };
        let plain = |key: &str, default: &str| self.text_or(key, default).to_string();
        if self.component == "light" && self.is_json() {
            let payload = match command {
                Command::TurnOn => json!({"state": "ON"}),
                Command::TurnOff | Command::SetBrightness(0) => json!({"state": "OFF"}),
                Command::SetBrightness(level) => {
                    json!({"state": "ON", "brightness": to_scale(*level, self.brightness_scale())})
                }
                Command::SetColor(name) => {
                    let color = parse_color(name, Lang::En)?;
                    match color.kelvin {
                        Some(kelvin) => json!({"state": "ON", "color_temp": mireds(kelvin)}),
                        None => {
                            let [r, g, b] = color.rgb;
                            json!({"state": "ON", "color": {"r": r, "g": g, "b": b}})
                        }
                    }
                }
                _ => return None,
            };
            return Some(vec![message("command_topic", payload.to_string())?]);
        }
        let one = |m: Option<Message>| m.map(|m| vec![m]);
        match (self.component.as_str(), command) {
            ("light" | "switch" | "fan", Command::TurnOn) => one(message("command_topic", plain("payload_on", "ON"))),
            ("light" | "switch" | "fan", Command::TurnOff | Command::SetBrightness(0)) => {
                one(message("command_topic", plain("payload_off", "OFF")))
            }
            ("light", Command::SetBrightness(level)) => {
                let mut out = vec![message("command_topic", plain("payload_on", "ON"))?];
                let value = to_scale(*level, self.brightness_scale()).to_string();
                out.push(message("brightness_command_topic", value)?);
                Some(out)
            }
            ("light", Command::SetColor(name)) => {
                let [r, g, b] = parse_color(name, Lang::En)?.rgb;
                one(message("rgb_command_topic", format!("{r},{g},{b}")))
            }
            ("cover", Command::Open) => one(message("command_topic", plain("payload_open", "OPEN"))),
            ("cover", Command::Close) => one(message("command_topic", plain("payload_close", "CLOSE"))),
            ("cover", Command::SetPosition(p)) if self.text("set_position_topic").is_some() => {
                one(message("set_position_topic", p.to_string()))
            }
            ("cover", Command::SetPosition(p)) => {
                let key = if *p > 0 { "payload_open" } else { "payload_close" };
                one(message("command_topic", plain(key, if *p > 0 { "OPEN" } else { "CLOSE" })))
            }
            ("lock", Command::Lock) => one(message("command_topic", plain("payload_lock", "LOCK"))),
            ("lock", Command::Unlock) => one(message("command_topic", plain("payload_unlock", "UNLOCK"))),
            ("climate", Command::SetTemperature(t)) => one(message("temperature_command_topic", t.to_string())),
            ("climate", Command::TurnOn) => one(message("mode_command_topic", "heat".into())),
            ("climate", Command::TurnOff) => one(message("mode_command_topic", "off".into())),
            _ => None,
        }
    }

    /// Reads a message on one of the state topics.
    pub fn read(&self, topic: &str, text: &str) -> Result<State, String> {
        let mut state = State::default();
        let is = |key: &str| self.text(key) == Some(topic);
        let number = |template: &str| -> Result<f64, String> {
            let value = apply_template(self.text(template), text)?;
            value.trim().parse::<f64>().map_err(|_| format!("not a number: {value}"))
        };
        if self.component == "light" && self.is_json() && is("state_topic") {
            let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
            if let Some(s) = value.get("state").and_then(Value::as_str) {
                state.on = Some(s.eq_ignore_ascii_case("ON"));
            }
            if let Some(b) = value.get("brightness").and_then(Value::as_f64) {
                state.brightness = Some(from_scale(b, self.brightness_scale()).max(1));
            }
            return Ok(state);
        }
        if is("state_topic") {
            let value = apply_template(self.text("value_template").or(self.text("state_value_template")), text)?;
            let value = value.trim();
            let matches = |key: &str, default: &str| value.eq_ignore_ascii_case(self.text_or(key, default));
            match self.component.as_str() {
                "light" | "switch" | "fan" => {
                    let on = self.text("state_on").or(self.text("payload_on")).unwrap_or("ON");
                    let off = self.text("state_off").or(self.text("payload_off")).unwrap_or("OFF");
                    state.on = if value.eq_ignore_ascii_case(on) {
                        Some(true)
                    } else if value.eq_ignore_ascii_case(off) {
                        Some(false)
                    } else {
                        return Err(format!("unknown state `{value}`"));
                    };
                }
                "cover" if matches("state_open", "open") => state.position = Some(100),
                "cover" if matches("state_closed", "closed") => state.position = Some(0),
                "cover" => {}
                "lock" if matches("state_locked", "LOCKED") => state.locked = Some(true),
                "lock" if matches("state_unlocked", "UNLOCKED") => state.locked = Some(false),
                "lock" => {}
                "sensor" => state.current = Some(number("value_template")? as f32),
                _ => {}
            }
        }
        if is("brightness_state_topic") {
            state.brightness = Some(from_scale(number("brightness_value_template")?, self.brightness_scale()).max(1));
        }
        if is("position_topic") {
            let open = self.config.get("position_open").and_then(Value::as_f64).unwrap_or(100.0);
            let closed = self.config.get("position_closed").and_then(Value::as_f64).unwrap_or(0.0);
            let raw = number("position_template")?;
            let span = (open - closed).abs().max(1.0);
            state.position = Some(((raw - closed).abs() * 100.0 / span).clamp(0.0, 100.0).round() as u8);
        }
        if is("temperature_state_topic") {
            state.target = Some(number("temperature_state_template")? as f32);
        }
        if is("current_temperature_topic") {
            state.current = Some(number("current_temperature_template")? as f32);
        }
        if is("mode_state_topic") {
            state.on = Some(apply_template(self.text("mode_state_template"), text)?.trim() != "off");
        }
        Ok(state)
    }
}

/// Applies a value template of the common forms; without one, the payload itself.
fn apply_template(template: Option<&str>, payload: &str) -> Result<String, String> {
    let Some(template) = template else { return Ok(payload.to_string()) };
    let inner = template.trim().strip_prefix("{{").and_then(|t| t.strip_suffix("}}")).map(str::trim);
    let Some(inner) = inner else { return Ok(payload.to_string()) };
    if inner == "value" {
        return Ok(payload.to_string());
    }
    let Some(path) = inner.strip_prefix("value_json") else { return Ok(payload.to_string()) };
    let mut value: Value = serde_json::from_str(payload).map_err(|e| format!("not JSON: {e}"))?;
    for key in path.split(['.', '[', ']']).map(|k| k.trim_matches(['\'', '"'])).filter(|k| !k.is_empty()) {
        value = value.get(key).cloned().ok_or_else(|| format!("no `{key}` in the payload"))?;
    }
    Ok(value.as_str().map(str::to_string).unwrap_or(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(found: &Found) -> &HaEntity {
        match &found.binding {
            Binding::Ha(entity) => entity,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn abbreviated_light_config_with_base_topic() {
        let config = br#"{"~": "tasmota/desk", "name": null, "uniq_id": "desk_1", "cmd_t": "~/cmnd/POWER",
            "stat_t": "~/tele/STATE", "val_tpl": "{{ value_json.POWER }}", "bri_cmd_t": "~/cmnd/Dimmer",
            "bri_scl": 100, "dev": {"name": "Desk Lamp", "sa": "Office"}}"#;
        let found = parse_config("homeassistant/light/desk/config", config).unwrap().unwrap();
        assert_eq!((found.key.as_str(), found.name.as_str()), ("desk_1", "Desk Lamp"));
        assert_eq!(found.area_hint.as_deref(), Some("Office"));
        assert_eq!(found.capabilities, [Capability::OnOff, Capability::Brightness]);
        let lamp = entity(&found);
        let messages = lamp.messages(&Command::SetBrightness(40)).unwrap();
        assert_eq!(messages[1], Message { topic: "tasmota/desk/cmnd/Dimmer".into(), payload: "40".into() });
        assert_eq!(lamp.read("tasmota/desk/tele/STATE", r#"{"POWER":"ON"}"#).unwrap().on, Some(true));
        assert!(lamp.read("tasmota/desk/tele/STATE", "{}").is_err());
    }

    #[test]
    fn json_light_cover_lock_and_sensor() {
        let light = br#"{"name": "Hall", "schema": "json", "brightness": true, "command_topic": "h/set", "state_topic": "h/state", "unique_id": "hall"}"#;
        let found = parse_config("homeassistant/light/hall/config", light).unwrap().unwrap();
        let hall = entity(&found);
        assert_eq!(
            hall.messages(&Command::SetBrightness(50)).unwrap()[0].payload,
            r#"{"brightness":128,"state":"ON"}"#
        );
        assert_eq!(hall.read("h/state", r#"{"state":"ON","brightness":128}"#).unwrap().brightness, Some(50));

        let cover = br#"{"name": "Garage", "device_class": "garage", "command_topic": "g/set", "state_topic": "g/state", "unique_id": "garage"}"#;
        let found = parse_config("homeassistant/cover/garage/config", cover).unwrap().unwrap();
        assert_eq!(found.class, Some(Class::Garage));
        assert_eq!(entity(&found).read("g/state", "open").unwrap().position, Some(100));
        assert_eq!(entity(&found).messages(&Command::Close).unwrap()[0].payload, "CLOSE");

        let lock = br#"{"name": "Front door", "command_topic": "l/set", "state_topic": "l/state"}"#;
        let found = parse_config("homeassistant/lock/node/front/config", lock).unwrap().unwrap();
        assert_eq!(found.key, "front");
        assert_eq!(entity(&found).read("l/state", "UNLOCKED").unwrap().locked, Some(false));

        let sensor = br#"{"name": "Bedroom temperature", "device_class": "temperature", "state_topic": "s", "value_template": "{{ value_json['temperature'] }}"}"#;
        let found = parse_config("homeassistant/sensor/bed_t/config", sensor).unwrap().unwrap();
        assert_eq!(entity(&found).read("s", r#"{"temperature": 19.5}"#).unwrap().current, Some(19.5));

        let battery = br#"{"name": "Battery", "device_class": "battery", "state_topic": "b"}"#;
        assert_eq!(parse_config("homeassistant/sensor/bat/config", battery).unwrap(), None);
        assert!(parse_config("homeassistant/switch/x/config", b"[1]").is_err());
        assert_eq!(parse_config("homeassistant/switch/x/config", b"").unwrap(), None);
    }
}

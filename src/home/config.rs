//! The home file: a TOML description of floors, areas and devices.
//!
//! ```toml
//! name = "Our flat"
//! [[floors]]
//! id = "ground"
//! names = ["ground floor", "downstairs", "一楼", "楼下"]
//! [[areas]]
//! id = "living_room"
//! names = ["living room", "lounge", "客厅"]
//! floor = "ground"
//! [[devices]]
//! id = "living_room.ceiling"
//! names = ["ceiling light", "吸顶灯"]
//! area = "living_room"
//! kind = "light"
//! capabilities = ["on_off", "brightness", "color"]   # optional; defaults by kind
//! state = { on = false, brightness = 80 }            # optional
//! mqtt = "Living room ceiling"                       # optional: the device on an MQTT broker
//! ```
//! Names are listed in any language; replies use the first name written in
//! the reply's language. Errors name the file, the line and what is wrong.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::device::{Capability, Class, Kind, State};

/// Errors from reading a home file.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    /// The file could not be read.
    #[error("cannot read the home file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML for a home, or breaks a rule.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// A floor of the home.
#[derive(Debug, Clone)]
pub struct Floor {
    /// Stable id.
    pub id: String,
    /// Names people use, in any language.
    pub names: Vec<String>,
}

/// A room or zone.
#[derive(Debug, Clone)]
pub struct Area {
    /// Stable id.
    pub id: String,
    /// Names people use, in any language.
    pub names: Vec<String>,
    /// Index into [`super::Home::floors`].
    pub floor: Option<usize>,
}

/// A device of the home.
#[derive(Debug, Clone)]
pub struct Device {
    /// Stable id, unique in the home.
    pub id: String,
    /// Names, in any language; the first of a language is used in replies.
    pub names: Vec<String>,
    /// Index into [`super::Home::areas`].
    pub area: Option<usize>,
    /// What the device is.
    pub kind: Kind,
    /// A finer class, when the kind alone is not enough.
    pub class: Option<Class>,
    /// What it can do.
    pub capabilities: Vec<Capability>,
    /// The state the home file starts it in.
    pub state: State,
    /// The device on the MQTT broker this one is: a Zigbee2MQTT friendly
    /// name or a Home Assistant `unique_id` (see the MQTT backend).
    pub mqtt: Option<String>,
}

impl Device {
    /// Whether the device can do `capability`.
    pub fn can(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HomeFile {
    name: String,
    #[serde(default)]
    floors: Vec<FloorSpec>,
    #[serde(default)]
    areas: Vec<AreaSpec>,
    #[serde(default)]
    devices: Vec<DeviceSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FloorSpec {
    id: Spanned<String>,
    names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaSpec {
    id: Spanned<String>,
    names: Vec<String>,
    floor: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceSpec {
    id: Spanned<String>,
    names: Vec<String>,
    area: Option<Spanned<String>>,
    kind: Kind,
    class: Option<Class>,
    capabilities: Option<Vec<Capability>>,
    #[serde(default)]
    state: State,
    mqtt: Option<String>,
}

/// The parsed home file, before state is attached.
pub(super) struct Parsed {
    pub name: String,
    pub floors: Vec<Floor>,
    pub areas: Vec<Area>,
    pub devices: Vec<Device>,
}

/// Reads and checks a home file.
pub(super) fn load(path: &Path) -> Result<Parsed, HomeError> {
    let text = std::fs::read_to_string(path).map_err(|source| HomeError::Io { path: path.to_path_buf(), source })?;
    parse(&text, path)
}

/// Parses and checks home-file text; `path` is used in errors.
pub(super) fn parse(text: &str, path: &Path) -> Result<Parsed, HomeError> {
    let invalid = |offset: usize, message: String| HomeError::Invalid {
        path: path.to_path_buf(),
        line: text[..offset.min(text.len())].matches('\n').count() + 1,
        message,
    };
    let file: HomeFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        invalid(offset, e.message().to_string())
    })?;
    let mut seen = std::collections::HashSet::new();
    let mut check_id = |id: &Spanned<String>, what: &str| {
        if id.get_ref().trim().is_empty() {
            return Err(invalid(id.span().start, format!("empty {what} id")));
        }
        if !seen.insert(id.get_ref().clone()) {
            return Err(invalid(id.span().start, format!("the id `{}` is used twice", id.get_ref())));
        }
        Ok(())
    };
    let check_names = |names: &[String], id: &Spanned<String>| {
        if names.iter().all(|n| n.trim().is_empty()) {
            return Err(invalid(id.span().start, format!("`{}` has no names", id.get_ref())));
        }
        Ok(())
    };

    let mut floors = Vec::new();
    for spec in &file.floors {
        check_id(&spec.id, "floor")?;
        check_names(&spec.names, &spec.id)?;
        floors.push(Floor { id: spec.id.get_ref().clone(), names: spec.names.clone() });
    }
    let mut areas = Vec::new();
    for spec in &file.areas {
        check_id(&spec.id, "area")?;
        check_names(&spec.names, &spec.id)?;
        let floor =
            match &spec.floor {
                None => None,
                Some(floor) => Some(floors.iter().position(|f| f.id == *floor.get_ref()).ok_or_else(|| {
                    invalid(floor.span().start, format!("no floor has the id `{}`", floor.get_ref()))
                })?),
            };
        areas.push(Area { id: spec.id.get_ref().clone(), names: spec.names.clone(), floor });
    }
    let mut devices = Vec::new();
    for spec in file.devices {
        check_id(&spec.id, "device")?;
        check_names(&spec.names, &spec.id)?;
        let area = match &spec.area {
            None => None,
            Some(area) => Some(
                areas
                    .iter()
                    .position(|a| a.id == *area.get_ref())
                    .ok_or_else(|| invalid(area.span().start, format!("no area has the id `{}`", area.get_ref())))?,
            ),
        };
        let capabilities = spec.capabilities.unwrap_or_else(|| spec.kind.default_capabilities().to_vec());
        let state = initial_state(spec.state, &capabilities);
        devices.push(Device {
            id: spec.id.into_inner(),
            names: spec.names,
            area,
            kind: spec.kind,
            class: spec.class,
            capabilities,
            state,
            mqtt: spec.mqtt,
        });
    }
    Ok(Parsed { name: file.name, floors, areas, devices })
}

/// Fills the state fields a device's capabilities imply with sensible starting values.
pub(super) fn initial_state(mut state: State, capabilities: &[Capability]) -> State {
    for capability in capabilities {
        match capability {
            Capability::OnOff => _ = state.on.get_or_insert(false),
            Capability::Brightness => _ = state.brightness.get_or_insert(100),
            Capability::Color => _ = state.color.get_or_insert_with(|| "warm white".to_string()),
            Capability::Position => _ = state.position.get_or_insert(0),
            Capability::Lock => _ = state.locked.get_or_insert(true),
            Capability::Setpoint => _ = state.target.get_or_insert(20.0),
            Capability::Thermometer => _ = state.current.get_or_insert(20.0),
            Capability::Media => _ = state.volume.get_or_insert(30),
            Capability::Cleaning => _ = state.cleaning.get_or_insert(false),
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse(text, Path::new("home.toml")) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn errors_name_file_and_line() {
        let text = "name = \"x\"\n[[areas]]\nid = \"a\"\nnames = [\"kitchen\"]\n[[devices]]\nid = \"d\"\nnames = [\"lamp\"]\narea = \"nowhere\"\nkind = \"light\"\n";
        assert_eq!(err(text), "home.toml:8: no area has the id `nowhere`");
        let text = "name = \"x\"\n[[devices]]\nid = \"d\"\nnames = [\"lamp\"]\nkind = \"toaster\"\n";
        assert!(err(text).starts_with("home.toml:5: unknown variant `toaster`"), "{}", err(text));
        let text = "name = \"x\"\n[[devices]]\nid = \"d\"\nnames = [\"a\"]\nkind = \"light\"\n[[devices]]\nid = \"d\"\nnames = [\"b\"]\nkind = \"plug\"\n";
        assert_eq!(err(text), "home.toml:7: the id `d` is used twice");
        assert!(err("name = ").starts_with("home.toml:1:"));
    }

    #[test]
    fn capabilities_default_by_kind_and_state_is_filled() {
        let text = "name = \"x\"\n[[devices]]\nid = \"d\"\nnames = [\"lamp\"]\nkind = \"light\"\nstate = { brightness = 30 }\n";
        let home = parse(text, Path::new("h")).unwrap();
        let lamp = &home.devices[0];
        assert!(lamp.can(Capability::Brightness) && !lamp.can(Capability::Color));
        assert_eq!((lamp.state.on, lamp.state.brightness), (Some(false), Some(30)));
    }
}

//! The home: floors, areas and devices from a home file, their simulated
//! state, and the names people use for them.
//!
//! State lives in memory and is saved to a JSON file after every change
//! (atomically); a saved state for devices that no longer exist is dropped,
//! new devices start from the home file.

mod classes;
mod config;
mod device;
mod names;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use classes::{ClassWord, class_word};
pub use config::{Area, Device, Floor, HomeError};
pub use device::{Capability, Class, Command, Kind, State};
pub use names::{Mention, NameIndex, Named, canonical};

use crate::store::{self, StoreError};
use crate::text::{Lang, is_han};

/// A loaded home with its current state.
#[derive(Debug)]
pub struct Home {
    /// The home's name.
    pub name: String,
    /// Floors, in file order.
    pub floors: Vec<Floor>,
    /// Areas, in file order.
    pub areas: Vec<Area>,
    /// Devices, in file order; `state` is the current state.
    pub devices: Vec<Device>,
    /// Shopping and to-do lists by name.
    pub lists: BTreeMap<String, Vec<String>>,
    names: NameIndex,
    state_file: Option<PathBuf>,
    writer: Option<store::BackgroundWriter>,
}

/// What a state file holds.
#[derive(Serialize, Deserialize)]
struct SavedState {
    version: u32,
    devices: BTreeMap<String, State>,
    #[serde(default)]
    lists: BTreeMap<String, Vec<String>>,
}

const STATE_VERSION: u32 = 1;

/// A change made to one device, with the state before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Device index.
    pub device: usize,
    /// What was asked.
    pub command: Command,
    /// State before.
    pub before: State,
    /// State after.
    pub after: State,
}

impl Home {
    /// Loads a home file, without saved state.
    pub fn load(path: &Path) -> Result<Self, HomeError> {
        Ok(Self::from_parsed(config::load(path)?))
    }

    /// Parses home-file text (`origin` names it in errors).
    pub fn parse(text: &str, origin: &Path) -> Result<Self, HomeError> {
        Ok(Self::from_parsed(config::parse(text, origin)?))
    }

    fn from_parsed(parsed: config::Parsed) -> Self {
        let mut names = NameIndex::default();
        for (i, device) in parsed.devices.iter().enumerate() {
            for name in &device.names {
                names.add(name, Named::Device(i));
            }
        }
        for (i, area) in parsed.areas.iter().enumerate() {
            for name in &area.names {
                names.add(name, Named::Area(i));
            }
        }
        for (i, floor) in parsed.floors.iter().enumerate() {
            for name in &floor.names {
                names.add(name, Named::Floor(i));
            }
        }
        Home {
            name: parsed.name,
            floors: parsed.floors,
            areas: parsed.areas,
            devices: parsed.devices,
            lists: BTreeMap::new(),
            names,
            state_file: None,
            writer: None,
        }
    }

    /// Restores the state saved in `file` (if it exists) and saves every later
    /// change there. A file that cannot be read back is moved aside and the
    /// home file's states are used; the returned message says so.
    pub fn persist_to(&mut self, file: &Path) -> Result<Option<String>, StoreError> {
        self.state_file = Some(file.to_path_buf());
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StoreError::Io { what: "reading", path: file.to_path_buf(), source }),
        };
        match serde_json::from_slice::<SavedState>(&bytes) {
            Ok(saved) if saved.version == STATE_VERSION => {
                for device in &mut self.devices {
                    if let Some(state) = saved.devices.get(&device.id) {
                        device.state = state.clone();
                    }
                }
                self.lists = saved.lists;
                Ok(None)
            }
            Ok(saved) => {
                let moved = store::quarantine(file)?;
                Ok(Some(format!(
                    "{} has state version {}, this hearth reads version {STATE_VERSION}; it was moved to {} and the home starts from its home file",
                    file.display(),
                    saved.version,
                    moved.display()
                )))
            }
            Err(e) => {
                let moved = store::quarantine(file)?;
                Ok(Some(format!(
                    "{} is corrupt ({e}); it was moved to {} and the home starts from its home file",
                    file.display(),
                    moved.display()
                )))
            }
        }
    }

    /// Saves the current state, if a state file was set. The write happens
    /// in the background (atomically, flushed to disk); errors of earlier
    /// writes are returned by the next call.
    pub fn save(&mut self) -> Result<(), StoreError> {
        let Some(file) = &self.state_file else { return Ok(()) };
        let writer = self.writer.get_or_insert_with(|| store::BackgroundWriter::new(file.clone()));
        if let Some(error) = writer.take_errors().into_iter().next() {
            return Err(StoreError::Io { what: "saving", path: file.clone(), source: std::io::Error::other(error) });
        }
        let bytes = self.state_bytes();
        self.writer.as_ref().expect("just set").save(bytes);
        Ok(())
    }

    /// Saves the current state now, waiting until it is on disk.
    pub fn save_now(&mut self) -> Result<(), StoreError> {
        self.writer.take();
        let Some(file) = &self.state_file else { return Ok(()) };
        store::write_atomic(file, &self.state_bytes())
    }

    fn state_bytes(&self) -> Vec<u8> {
        let saved = SavedState {
            version: STATE_VERSION,
            devices: self.devices.iter().map(|d| (d.id.clone(), d.state.clone())).collect(),
            lists: self.lists.clone(),
        };
        serde_json::to_vec_pretty(&saved).expect("state serialises")
    }

    /// The names of the home file.
    pub fn names(&self) -> &NameIndex {
        &self.names
    }

    /// The index of the device with `id`.
    pub fn device_index(&self, id: &str) -> Option<usize> {
        self.devices.iter().position(|d| d.id == id)
    }

    /// Applies `command` to device `device` and returns the change. The caller
    /// has checked that the device can do it.
    pub fn apply(&mut self, device: usize, command: Command) -> Change {
        let before = self.devices[device].state.clone();
        let after = command.apply(&before);
        self.devices[device].state = after.clone();
        Change { device, command, before, after }
    }

    /// Adds a device at the end of the list (indices of earlier devices do
    /// not change) and indexes its names. Its state is filled in for its
    /// capabilities. Returns its index, or `None` when the id is taken.
    pub fn add_device(&mut self, mut device: Device) -> Option<usize> {
        if self.device_index(&device.id).is_some() {
            return None;
        }
        device.state = config::initial_state(device.state, &device.capabilities);
        let i = self.devices.len();
        for name in &device.names {
            self.names.add(name, Named::Device(i));
        }
        self.devices.push(device);
        Some(i)
    }

    /// Gives device `i` the capabilities `capabilities` (when not empty), with
    /// starting values for state fields it did not have.
    pub fn adopt_capabilities(&mut self, i: usize, capabilities: &[Capability]) {
        if capabilities.is_empty() {
            return;
        }
        let device = &mut self.devices[i];
        device.capabilities = capabilities.to_vec();
        device.state = config::initial_state(std::mem::take(&mut device.state), capabilities);
    }

    /// The index of the area one of whose names is `name` (compared in canonical form).
    pub fn area_named(&self, name: &str) -> Option<usize> {
        let wanted = canonical(name);
        self.areas.iter().position(|a| a.names.iter().any(|n| canonical(n) == wanted) || canonical(&a.id) == wanted)
    }

    /// Puts a device back into `state` (undo).
    pub fn restore(&mut self, device: usize, state: State) {
        self.devices[device].state = state;
    }

    /// The name of device `i` for a reply in `lang`.
    pub fn device_name(&self, i: usize, lang: Lang) -> &str {
        name_in(&self.devices[i].names, lang)
    }

    /// The name of area `i` for a reply in `lang`.
    pub fn area_name(&self, i: usize, lang: Lang) -> &str {
        name_in(&self.areas[i].names, lang)
    }

    /// The name of floor `i` for a reply in `lang`.
    pub fn floor_name(&self, i: usize, lang: Lang) -> &str {
        name_in(&self.floors[i].names, lang)
    }

    /// The device's name with its area, for telling similar devices apart
    /// ("bedroom ceiling light", "卧室的吸顶灯").
    pub fn device_label(&self, i: usize, lang: Lang) -> String {
        let name = self.device_name(i, lang);
        let Some(area) = self.devices[i].area else { return name.to_string() };
        let area_name = self.area_name(area, lang);
        let same_name = self.devices.iter().filter(|d| name_in(&d.names, lang) == name).count() > 1;
        if !same_name || canonical(name).contains(&canonical(area_name)) {
            return name.to_string();
        }
        match lang {
            Lang::En => format!("{area_name} {name}"),
            Lang::Zh => format!("{area_name}的{name}"),
        }
    }

    /// Whether device `i` is on floor `floor`.
    pub fn on_floor(&self, i: usize, floor: usize) -> bool {
        self.devices[i].area.and_then(|a| self.areas[a].floor) == Some(floor)
    }
}

/// The first name written in `lang` (Han characters for Chinese, none for
/// English), or the first name.
fn name_in(names: &[String], lang: Lang) -> &str {
    let wanted = |n: &&String| match lang {
        Lang::Zh => n.chars().any(is_han),
        Lang::En => !n.chars().any(is_han),
    };
    names.iter().find(wanted).or(names.first()).map(String::as_str).unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = r#"
name = "test"
[[areas]]
id = "bedroom"
names = ["bedroom", "卧室"]
[[devices]]
id = "bedroom.lamp"
names = ["bedside lamp", "床头灯"]
area = "bedroom"
kind = "light"
"#;

    #[test]
    fn state_survives_restart_and_corrupt_file_is_moved_aside() {
        let dir = std::env::temp_dir().join(format!("hearth-home-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let file = dir.join("state.json");
        let mut home = Home::parse(HOME, Path::new("home.toml")).unwrap();
        assert_eq!(home.persist_to(&file).unwrap(), None);
        home.apply(0, Command::SetBrightness(30));
        home.save().unwrap();
        drop(home);
        let mut again = Home::parse(HOME, Path::new("home.toml")).unwrap();
        again.persist_to(&file).unwrap();
        assert_eq!(again.devices[0].state.brightness, Some(30));
        std::fs::write(&file, b"{not json").unwrap();
        let mut third = Home::parse(HOME, Path::new("home.toml")).unwrap();
        let message = third.persist_to(&file).unwrap().unwrap();
        assert!(message.contains("corrupt"), "{message}");
        assert_eq!(third.devices[0].state.brightness, Some(100));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn names_per_language() {
        let home = Home::parse(HOME, Path::new("home.toml")).unwrap();
        assert_eq!(home.device_name(0, Lang::Zh), "床头灯");
        assert_eq!(home.device_name(0, Lang::En), "bedside lamp");
    }
}

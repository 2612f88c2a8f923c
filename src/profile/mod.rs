//! What hearth remembers about each person: name, preferences, their own
//! names for devices, phrases they taught, and the values they choose.
//!
//! Profiles are saved per user in `<data dir>/users/<user>.profile` in a
//! versioned, checksummed postcard file (see [`codec`]), atomically. A file
//! that cannot be read is moved aside with a message, never overwritten.

mod codec;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use codec::{CodecError, FORMAT_VERSION, decode, encode};

use crate::store::{self, StoreError};
use crate::text::Lang;

/// Temperature unit a person prefers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Degrees Celsius.
    #[default]
    Celsius,
    /// Degrees Fahrenheit.
    Fahrenheit,
}

/// How long replies are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verbosity {
    /// One short sentence.
    #[default]
    Short,
    /// A friendlier, longer sentence.
    Chatty,
}

/// A person's preferences.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    /// Unit for temperatures said without one, and in replies.
    pub unit: Unit,
    /// Reply length.
    pub verbosity: Verbosity,
    /// Brightness used when a light is dimmed "to my default".
    pub default_brightness: Option<u8>,
    /// Favourite temperature (Celsius) per area id; `""` is the whole home.
    pub favourite_temperatures: Vec<(String, f32)>,
}

/// A person's own name for a device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    /// The name, as taught.
    pub name: String,
    /// The device id in the home file.
    pub device: String,
}

/// A phrase a person taught, with the commands it stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaughtPhrase {
    /// The phrase, as taught.
    pub phrase: String,
    /// Its language.
    pub lang: Lang,
    /// The model's sentence embedding of the phrase (unit length).
    pub embedding: Vec<f32>,
    /// The commands to run, in order, as text.
    pub commands: Vec<String>,
}

/// How often a person chose a value for a device setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Device id.
    pub device: String,
    /// The setting: `brightness`, `temperature`, `position`, `volume`, `color`.
    pub setting: String,
    /// The value chosen, as text (`40`, `21.5`, `warm white`).
    pub value: String,
    /// How many times.
    pub count: u32,
}

/// Everything remembered about one person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The name they asked to be called.
    pub name: Option<String>,
    /// Their preferences.
    pub prefs: Preferences,
    /// Their names for devices.
    pub aliases: Vec<Alias>,
    /// Their taught phrases.
    pub phrases: Vec<TaughtPhrase>,
    /// Their choices, counted.
    pub usage: Vec<Usage>,
}

impl Profile {
    /// Counts one more choice of `value` for `setting` of `device`.
    pub fn record(&mut self, device: &str, setting: &str, value: String) {
        match self.usage.iter_mut().find(|u| u.device == device && u.setting == setting && u.value == value) {
            Some(usage) => usage.count += 1,
            None => self.usage.push(Usage { device: device.into(), setting: setting.into(), value, count: 1 }),
        }
    }

    /// The value chosen most often for `setting` of `device` (the latest
    /// recorded wins a tie).
    pub fn usual(&self, device: &str, setting: &str) -> Option<&str> {
        self.usage
            .iter()
            .enumerate()
            .filter(|(_, u)| u.device == device && u.setting == setting)
            .max_by_key(|(i, u)| (u.count, *i))
            .map(|(_, u)| u.value.as_str())
    }

    /// Adds or replaces an alias.
    pub fn set_alias(&mut self, name: &str, device: &str) {
        let key = crate::home::canonical(name);
        self.aliases.retain(|a| crate::home::canonical(&a.name) != key);
        self.aliases.push(Alias { name: name.to_string(), device: device.to_string() });
    }

    /// The favourite temperature for an area id (or the home's, `""`).
    pub fn favourite_temperature(&self, area: &str) -> Option<f32> {
        let find = |id: &str| self.prefs.favourite_temperatures.iter().find(|(a, _)| a == id).map(|(_, t)| *t);
        find(area).or_else(|| find(""))
    }
}

/// Where profiles are kept.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

/// A loaded profile, with a message when the stored one had to be moved aside.
#[derive(Debug)]
pub struct Loaded {
    /// The profile (fresh when none was stored or it was unreadable).
    pub profile: Profile,
    /// Set when the stored file was unreadable: what happened to it.
    pub warning: Option<String>,
}

impl ProfileStore {
    /// Profiles in `<data_dir>/users`.
    pub fn new(data_dir: &Path) -> Self {
        ProfileStore { dir: data_dir.join("users") }
    }

    /// The file of `user`. User names are kept readable; characters outside
    /// letters, digits, `-` and `_` are written as hex, so any name is safe.
    pub fn path(&self, user: &str) -> PathBuf {
        let mut file = String::new();
        for c in user.chars() {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                file.push(c);
            } else {
                file.push_str(&format!("%{:x}", c as u32));
            }
        }
        if file.is_empty() {
            file.push_str("%default");
        }
        self.dir.join(format!("{file}.profile"))
    }

    /// Loads `user`'s profile; a missing file gives a fresh profile.
    pub fn load(&self, user: &str) -> Result<Loaded, StoreError> {
        let path = self.path(user);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded { profile: Profile::default(), warning: None });
            }
            Err(source) => return Err(StoreError::Io { what: "reading", path, source }),
        };
        match decode(&bytes) {
            Ok(profile) => Ok(Loaded { profile, warning: None }),
            Err(e) => {
                let moved = store::quarantine(&path)?;
                Ok(Loaded {
                    profile: Profile::default(),
                    warning: Some(format!(
                        "the profile {} could not be read ({e}); it was moved to {} and a new profile was started",
                        path.display(),
                        moved.display()
                    )),
                })
            }
        }
    }

    /// Saves `user`'s profile atomically.
    pub fn save(&self, user: &str, profile: &Profile) -> Result<(), StoreError> {
        store::write_atomic(&self.path(user), &encode(profile))
    }

    /// Deletes everything stored for `user`.
    pub fn forget(&self, user: &str) -> Result<(), StoreError> {
        let path = self.path(user);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(StoreError::Io { what: "deleting", path, source }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_is_the_most_chosen() {
        let mut profile = Profile::default();
        for v in ["40", "60", "40", "60", "60"] {
            profile.record("lamp", "brightness", v.into());
        }
        assert_eq!(profile.usual("lamp", "brightness"), Some("60"));
        assert_eq!(profile.usual("lamp", "color"), None);
    }

    #[test]
    fn store_round_trip_and_corrupt_file() {
        let dir = std::env::temp_dir().join(format!("hearth-profile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = ProfileStore::new(&dir);
        let mut profile = Profile { name: Some("Ana".into()), ..Profile::default() };
        profile.set_alias("Luna", "bedroom.lamp");
        store.save("ana/../x", &profile).unwrap();
        assert!(store.path("ana/../x").starts_with(dir.join("users")));
        assert_eq!(store.load("ana/../x").unwrap().profile, profile);
        std::fs::write(store.path("bob"), b"garbage").unwrap();
        let loaded = store.load("bob").unwrap();
        assert!(loaded.warning.unwrap().contains("moved to"));
        assert_eq!(loaded.profile, Profile::default());
        store.forget("ana/../x").unwrap();
        assert_eq!(store.load("ana/../x").unwrap().profile, Profile::default());
        std::fs::remove_dir_all(dir).unwrap();
    }
}

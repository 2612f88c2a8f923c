//! Merging devices found on the broker with the home file.
//!
//! A found device becomes, in this order of preference:
//! 1. the home-file device whose `mqtt = "..."` is its key (friendly name or `unique_id`);
//! 2. the home-file device without an `mqtt` key, not yet bound, one of whose
//!    names is the found device's name or key (compared in canonical form);
//! 3. a new device `mqtt.<key>` named after it, in the area its name or
//!    announcement suggests when the home has an area of that name.
//!
//! A home-file device keeps its names, area, kind and class; its
//! capabilities become what the broker says the device has.

use crate::home::{Device, Home, State, canonical};

use super::found::Found;

/// Puts `found` into `home`; returns the device index. `bound(i)` says
/// whether device `i` is already bound to another found device.
pub fn place(home: &mut Home, found: &Found, bound: &dyn Fn(usize) -> bool) -> usize {
    if let Some(i) = home.devices.iter().position(|d| d.mqtt.as_deref() == Some(found.key.as_str())) {
        home.adopt_capabilities(i, &found.capabilities);
        return i;
    }
    let wanted = [canonical(&found.name), canonical(&found.key.replace(['/', '_'], " "))];
    let same_name = (0..home.devices.len()).find(|&i| {
        let device = &home.devices[i];
        !bound(i) && device.mqtt.is_none() && device.names.iter().any(|n| wanted.contains(&canonical(n)))
    });
    if let Some(i) = same_name {
        home.adopt_capabilities(i, &found.capabilities);
        return i;
    }
    let mut names = vec![found.name.clone()];
    let full = found.key.replace(['/', '_'], " ");
    if canonical(&full) != canonical(&found.name) {
        names.push(full);
    }
    let area = found.area_hint.as_deref().and_then(|a| home.area_named(a));
    let slug: String =
        found.key.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let mut id = format!("mqtt.{slug}");
    let mut n = 2;
    while home.device_index(&id).is_some() {
        id = format!("mqtt.{slug}_{n}");
        n += 1;
    }
    let device = Device {
        id,
        names,
        area,
        kind: found.kind,
        class: found.class,
        capabilities: found.capabilities.clone(),
        state: State::default(),
        mqtt: Some(found.key.clone()),
    };
    home.add_device(device).expect("the id was checked to be free")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::backend::mqtt::z2m;
    use crate::home::Capability;

    const HOME: &str = r#"
name = "t"
[[areas]]
id = "kitchen"
names = ["kitchen", "厨房"]
[[devices]]
id = "hall.light"
names = ["hall light", "门厅灯"]
kind = "light"
mqtt = "0x00158d0001"
[[devices]]
id = "garage.door"
names = ["garage door", "车库门"]
kind = "cover"
class = "garage"
"#;

    #[test]
    fn by_key_by_name_or_new() {
        let list = r#"[
          {"friendly_name": "0x00158d0001", "definition": {"exposes": [{"type": "light", "features": [{"name": "state", "property": "state"}]}]}},
          {"friendly_name": "Garage Door", "definition": {"exposes": [{"type": "cover", "features": [{"name": "state", "property": "state", "value_on": "OPEN", "value_off": "CLOSE"}, {"name": "position", "property": "position"}]}]}},
          {"friendly_name": "kitchen/spots", "definition": {"exposes": [{"type": "light", "features": [{"name": "state", "property": "state"}, {"name": "brightness", "property": "brightness"}]}]}}
        ]"#;
        let found = z2m::parse_devices("zigbee2mqtt", list.as_bytes()).unwrap();
        let mut home = Home::parse(HOME, Path::new("home.toml")).unwrap();
        let none = |_: usize| false;
        assert_eq!(place(&mut home, &found[0], &none), 0);
        assert_eq!(home.devices[0].capabilities, [Capability::OnOff]);
        assert_eq!(place(&mut home, &found[1], &none), 1);
        assert_eq!(home.devices[1].state.position, Some(0));
        let spots = place(&mut home, &found[2], &none);
        let device = &home.devices[spots];
        assert_eq!((device.id.as_str(), device.area), ("mqtt.kitchen_spots", Some(0)));
        assert_eq!(device.names, ["spots", "kitchen spots"]);
        assert_eq!(device.state.brightness, Some(100));
        assert!(!home.names().find("turn on the kitchen spots").is_empty());
    }
}

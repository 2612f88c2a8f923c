//! Class words: the bare words that name a kind of device ("lights", "窗帘").

use super::config::Device;
use super::device::{Class, Kind};
use super::names::canonical;

/// What a class word selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassWord {
    /// Kinds it names.
    pub kinds: &'static [Kind],
    /// When set, only devices of these classes (within those kinds) count,
    /// except that devices of a kind listed in `any_class` always count.
    pub classes: Option<&'static [Class]>,
    /// Kinds whose devices count whatever their class.
    pub any_class: &'static [Kind],
    /// The word was plural ("lights"), so it means every such device.
    pub plural: bool,
}

impl ClassWord {
    /// Whether `device` is one of the devices this word names.
    pub fn selects(&self, device: &Device) -> bool {
        if self.any_class.contains(&device.kind) {
            return true;
        }
        self.kinds.contains(&device.kind)
            && match self.classes {
                None => true,
                Some(classes) => device.class.is_some_and(|c| classes.contains(&c)),
            }
    }
}

const fn word(kinds: &'static [Kind], classes: Option<&'static [Class]>) -> ClassWord {
    ClassWord { kinds, classes, any_class: &[], plural: false }
}

/// The class word `text` stands for, if it is one. English plurals set `plural`.
pub fn class_word(text: &str) -> Option<ClassWord> {
    use Class::*;
    use Kind::*;
    let key = canonical(text);
    let (singular, plural) = match key.as_str() {
        "lights" | "lamps" | "lighting" | "lightings" => (key.as_str(), true),
        _ => match key.strip_suffix("es").filter(|s| s.ends_with("ch") || s.ends_with("sh")) {
            Some(stem) => (stem, true),
            None => match key.strip_suffix('s').filter(|s| !s.ends_with('s') && !s.is_empty()) {
                Some(stem) => (stem, true),
                None => (key.as_str(), false),
            },
        },
    };
    let found = match singular {
        "light" | "lights" | "lamp" | "lamps" | "lighting" | "lightings" | "灯" | "灯光" | "电灯" | "照明" => {
            word(&[Light], None)
        }
        "switch" | "开关" => word(&[Switch], None),
        "plug" | "socket" | "outlet" | "插座" | "插头" => word(&[Plug], None),
        "fan" | "风扇" | "电扇" | "电风扇" => word(&[Fan], None),
        "blind" | "shade" | "百叶窗" => word(&[Cover], Some(&[Blind, Shutter])),
        "curtain" | "drape" | "窗帘" => word(&[Cover], Some(&[Curtain, Blind])),
        "shutter" | "卷帘" => word(&[Cover], Some(&[Shutter, Blind])),
        "cover" => word(&[Cover], None),
        "door" | "门" | "大门" => ClassWord { any_class: &[Lock], ..word(&[Cover], Some(&[Door, Garage, Gate])) },
        "garage" | "garage door" | "车库门" | "车库" => word(&[Cover], Some(&[Garage])),
        "gate" | "院门" => word(&[Cover], Some(&[Gate])),
        "window" | "窗户" | "窗" => word(&[Cover], Some(&[Window])),
        "lock" | "door lock" | "锁" | "门锁" => word(&[Lock], None),
        "heating" | "heater" | "radiator" | "暖气" | "取暖器" | "地暖" => {
            word(&[Climate], Some(&[Heater, Thermostat]))
        }
        "thermostat" | "温控器" => word(&[Climate], None),
        "ac" | "a/c" | "air conditioning" | "air conditioner" | "aircon" | "空调" | "冷气" => {
            word(&[Climate], Some(&[Ac]))
        }
        "tv" | "television" | "telly" | "电视" | "电视机" => word(&[Media], Some(&[Tv])),
        "speaker" | "音箱" | "音响" | "喇叭" => word(&[Media], Some(&[Speaker])),
        "vacuum" | "robot" | "robot vacuum" | "hoover" | "扫地机" | "扫地机器人" | "吸尘器" => {
            word(&[Vacuum], None)
        }
        "sensor" | "传感器" => word(&[Sensor], None),
        "everything" | "all device" | "device" | "所有设备" | "设备" | "一切" | "全部" => {
            ClassWord { plural: true, ..word(&[Light, Switch, Plug, Fan, Media], None) }
        }
        _ => return None,
    };
    Some(ClassWord { plural: plural || found.plural, ..found })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_plurals() {
        assert!(class_word("lights").unwrap().plural);
        assert!(!class_word("light").unwrap().plural);
        assert_eq!(class_word("Switches").unwrap().kinds, &[Kind::Switch]);
        assert_eq!(class_word("窗帘").unwrap().kinds, &[Kind::Cover]);
        assert!(class_word("the blinds").unwrap().plural);
        assert!(class_word("spaceship").is_none());
    }
}

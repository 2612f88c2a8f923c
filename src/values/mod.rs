//! Slot values: from the text a person typed to numbers, levels,
//! temperatures, durations, clock times and colours.
//!
//! The model tags slot spans; the dialogue layer passes each span's text here
//! as typed (any case, full-width digits, extra spaces, trailing punctuation)
//! and gets a value back, or `None` when the text is not a value of that kind.
//! Every reader accepts English and Chinese and never panics. Readers do not
//! range-check: the caller knows what a device accepts.
//!
//! | slot | reader |
//! |---|---|
//! | `brightness`, `position` | [`parse_percent`] |
//! | `volume` | [`parse_volume`] |
//! | `temperature` | [`parse_temperature`], then [`resolve_unit`] |
//! | `hours`, `minutes`, `seconds` | [`parse_duration`] |
//! | `time` | [`parse_time`] |
//! | `color` | [`parse_color`], [`color_name`] for replies |

mod amount;
mod chinese_duration;
mod chinese_number;
mod chinese_time;
mod clean;
mod color;
mod color_table;
mod duration;
mod english_number;
mod number;
mod temperature;
mod time_of_day;

pub use amount::{Level, VOLUME_STEPS_MAX, parse_percent, parse_volume};
pub use chinese_number::chinese_numeral;
pub use color::{CUSTOM_COLOR_NAME, Color, color_name, parse_color};
pub use duration::parse_duration;
pub use english_number::english_words;
pub use number::parse_number;
pub use temperature::{TempUnit, Temperature, parse_temperature, resolve_unit, to_celsius, to_fahrenheit};
pub use time_of_day::{TimeOfDay, parse_time};

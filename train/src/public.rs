//! Public data the shipped model may learn intents from: MASSIVE en-US
//! (CC BY 4.0), with its intents mapped onto hearth's. Only intents are
//! taken; its slot conventions differ from ours, so its slots are not used.

use std::path::Path;

use crate::data::{Example, read_jsonl};

/// MASSIVE intents that mean one of hearth's, and the hearth intent.
/// Intents with no clear counterpart (alarms, list queries, date-or-time
/// questions, music preferences) are left out rather than guessed.
const MAPPING: [(&str, &str); 20] = [
    ("iot_hue_lighton", "turn_on"),
    ("iot_hue_lightoff", "turn_off"),
    ("iot_wemo_on", "turn_on"),
    ("iot_wemo_off", "turn_off"),
    ("iot_hue_lightup", "brightness_up"),
    ("iot_hue_lightdim", "brightness_down"),
    ("iot_hue_lightchange", "set_color"),
    ("iot_cleaning", "vacuum_start"),
    ("audio_volume_up", "volume_up"),
    ("audio_volume_down", "volume_down"),
    ("play_music", "media_play"),
    ("play_radio", "media_play"),
    ("play_podcasts", "media_play"),
    ("play_audiobook", "media_play"),
    ("weather_query", "get_weather"),
    ("general_greet", "greet"),
    ("general_joke", "out_of_scope"),
    ("qa_factoid", "out_of_scope"),
    ("qa_maths", "out_of_scope"),
    ("qa_definition", "out_of_scope"),
];

/// Scenarios whose every intent is outside what a home hub does.
const OUT_OF_SCOPE_SCENARIOS: [&str; 6] = ["email", "social", "takeaway", "transport", "cooking", "news"];

/// The most out-of-scope examples taken, so that they do not swamp the rest.
const MAX_OUT_OF_SCOPE: usize = 1500;

/// Words that make a MASSIVE play request one to move in or repeat the queue
/// ("next song", "skip to the next one", "replay the song"): hearth has
/// media_next and media_previous for those, and MASSIVE files them under
/// play_music, so they are left out rather than taught as plain play.
const QUEUE_WORDS: [&str; 6] = ["next", "skip", "previous", "replay", "again", "last"];

/// True if a MASSIVE play request moves in or repeats the queue.
fn moves_in_queue(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|word| QUEUE_WORDS.contains(&word.to_lowercase().as_str()))
}

/// MASSIVE en-US examples of `split` (`train`, `dev` or `test`) mapped to
/// hearth intents, without slots. `root` is the folder of the public data sets.
pub fn massive_intents(root: &Path, split: &str) -> anyhow::Result<Vec<Example>> {
    #[derive(serde::Deserialize)]
    struct Scenario {
        scenario: String,
    }
    let path = root.join("massive_en").join(format!("{split}.jsonl"));
    let text = std::fs::read_to_string(&path)?;
    let scenarios: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Scenario>(l).map(|s| s.scenario))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    let mut n_out_of_scope = 0;
    for (example, scenario) in read_jsonl(&path)?.into_iter().zip(scenarios) {
        let mapped = MAPPING
            .iter()
            .find(|(from, _)| *from == example.intent)
            .map(|(_, to)| *to)
            .or_else(|| OUT_OF_SCOPE_SCENARIOS.contains(&scenario.as_str()).then_some("out_of_scope"));
        let Some(intent) = mapped else { continue };
        if intent == "media_play" && moves_in_queue(&example.text) {
            continue;
        }
        if intent == "out_of_scope" {
            if n_out_of_scope == MAX_OUT_OF_SCOPE {
                continue;
            }
            n_out_of_scope += 1;
        }
        out.push(Example {
            text: example.text,
            intent: intent.to_string(),
            slots: Vec::new(),
            lang: Some("en".into()),
            template: Some("massive".into()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_moves_are_told_from_plain_plays() {
        assert!(moves_in_queue("please play the next song"));
        assert!(moves_in_queue("Skip this one"));
        assert!(moves_in_queue("replay the song"));
        assert!(!moves_in_queue("play some jazz"));
        assert!(!moves_in_queue("play nextdoor radio"), "whole words only");
    }
}

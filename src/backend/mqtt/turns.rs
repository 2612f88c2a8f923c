//! What hearth publishes about each turn on `hearth/turn`.
//!
//! Always: `lang`, `intent`, `confidence`, `devices` (ids), `area`, `values`
//! and `actions` (`device`, `command`, `value`, and `outcome` unless done).
//! Only with `publish_text` (people's words are personal): `user`, `text`
//! (the utterance), `slots` and `reply`.

use serde_json::json;

use crate::dialogue::Turn;

/// The JSON payload for one turn.
pub fn payload(user: &str, turn: &Turn, publish_text: bool) -> String {
    let mut object = json!({
        "lang": turn.lang,
        "intent": turn.intent,
        "confidence": turn.confidence,
        "devices": turn.resolved.devices,
        "area": turn.resolved.area,
        "values": turn.resolved.values,
        "actions": turn.actions,
    });
    if publish_text {
        object["user"] = json!(user);
        object["text"] = json!(turn.text);
        object["slots"] = json!(turn.slots);
        object["reply"] = json!(turn.reply);
    }
    object.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;

    #[test]
    fn words_only_when_asked() {
        let mut turn = Turn::bare("turn on the lamp", Lang::En, "Turned on the lamp.".into());
        turn.intent = "turn_on".into();
        let quiet = payload("ana", &turn, false);
        assert!(
            quiet.contains("\"intent\":\"turn_on\"") && !quiet.contains("lamp") && !quiet.contains("ana"),
            "{quiet}"
        );
        let open = payload("ana", &turn, true);
        assert!(open.contains("\"text\":\"turn on the lamp\"") && open.contains("\"user\":\"ana\""), "{open}");
    }
}

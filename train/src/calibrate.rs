//! The out-of-scope confidence threshold, calibrated on dev.

use serde::Serialize;

/// One scored dev utterance for calibration.
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    /// The model's confidence in its intent.
    pub confidence: f32,
    /// True if the utterance is out of scope (gold `out_of_scope` or foreign text).
    pub out_of_scope: bool,
    /// True if the model's intent is right (for in-scope) or is `out_of_scope`.
    pub correct: bool,
}

/// The chosen threshold and what it does on dev.
#[derive(Debug, Clone, Serialize)]
pub struct Calibration {
    /// Below this confidence hearth treats an utterance as not understood.
    pub threshold: f32,
    /// Share of dev utterances handled right with it.
    pub accuracy: f64,
    /// Share of in-scope dev utterances wrongly rejected.
    pub false_rejects: f64,
    /// Share of out-of-scope dev utterances accepted as a command.
    pub false_accepts: f64,
}

/// Picks the threshold (in steps of 0.01 from 0 to 0.95) that handles most
/// dev utterances right: an in-scope one must be above the threshold and
/// correct; an out-of-scope one must be below it or predicted out of scope.
pub fn calibrate(scored: &[Scored]) -> Calibration {
    let mut best: Option<Calibration> = None;
    let n_in = scored.iter().filter(|s| !s.out_of_scope).count().max(1) as f64;
    let n_out = scored.iter().filter(|s| s.out_of_scope).count().max(1) as f64;
    for step in 0..=95 {
        let threshold = step as f32 / 100.0;
        let (mut right, mut false_rejects, mut false_accepts) = (0usize, 0usize, 0usize);
        for s in scored {
            let accepted = s.confidence >= threshold;
            match (s.out_of_scope, accepted) {
                (false, true) if s.correct => right += 1,
                (false, false) => false_rejects += 1,
                (false, true) => {}
                (true, false) => right += 1,
                (true, true) if s.correct => right += 1,
                (true, true) => false_accepts += 1,
            }
        }
        let accuracy = right as f64 / scored.len().max(1) as f64;
        if best.as_ref().is_none_or(|b| accuracy > b.accuracy) {
            best = Some(Calibration {
                threshold,
                accuracy,
                false_rejects: false_rejects as f64 / n_in,
                false_accepts: false_accepts as f64 / n_out,
            });
        }
    }
    best.unwrap_or(Calibration { threshold: 0.0, accuracy: 0.0, false_rejects: 0.0, false_accepts: 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_confident_commands_from_foreign_text() {
        let mut scored = Vec::new();
        for i in 0..50 {
            scored.push(Scored { confidence: 0.8 + i as f32 / 500.0, out_of_scope: false, correct: true });
            scored.push(Scored { confidence: 0.2 + i as f32 / 500.0, out_of_scope: true, correct: false });
        }
        let c = calibrate(&scored);
        assert!((0.3..=0.8).contains(&c.threshold), "{c:?}");
        assert_eq!(c.accuracy, 1.0);
    }
}

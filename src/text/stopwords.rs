//! Stop words: the optional classic preprocessing step.
//!
//! Removing them is off by default: see MODEL.md for the measurement that
//! decided it. The lists hold only function words that carry no command
//! meaning; negations ("not", "不", "没") and words that carry a state or a
//! direction ("on", "off", "up", "down", "开", "关") are deliberately absent.

/// English function words.
const ENGLISH: &[&str] = &[
    "a", "an", "the", "please", "could", "would", "can", "you", "me", "my", "i", "to", "of", "in", "at", "for", "is",
    "are", "be", "it", "this", "that", "and", "just", "now", "hey", "hi", "some", "do", "kindly",
];

/// Chinese particles and politeness words (single characters only: the
/// tokeniser cuts Chinese into characters).
const CHINESE: &[&str] = &["的", "了", "吧", "啊", "呢", "哦", "嘛", "呀", "把", "请", "帮"];

/// True if `word` (normalised) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    ENGLISH.contains(&word) || CHINESE.contains(&word)
}

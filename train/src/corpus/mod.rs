//! The project's own smart-home corpus: templates and pools expanded into
//! labelled utterances, split by template, plus the hand-written natural sets.

pub mod expand;
pub mod natural;
pub mod numbers;
pub mod pools;
pub mod template;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use hearth::labels::Labels;
use hearth::text::Lang;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::data::{Example, write_jsonl};
use expand::{Noise, Segment, Wording, add_typo, assemble, expand, finish};
use pools::Pools;
use template::{Node, Template, parse_file};

/// The corpus splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Split {
    /// Training templates.
    Train,
    /// Development templates: model selection and early stopping.
    Dev,
    /// Held-out templates: the final report.
    Test,
    /// The hand-written natural set: the final report.
    Natural,
}

impl Split {
    /// All splits in file order.
    pub const ALL: [Split; 4] = [Split::Train, Split::Dev, Split::Test, Split::Natural];

    /// The file stem.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Dev => "dev",
            Split::Test => "test",
            Split::Natural => "natural",
        }
    }
}

/// Intents that are device control or timers: they get more examples.
const CORE_PREFIXES: [&str; 2] = ["timer_", "climate_"];
const CORE_INTENTS: [&str; 15] = [
    "turn_on",
    "turn_off",
    "open",
    "close",
    "lock",
    "unlock",
    "set_brightness",
    "brightness_up",
    "brightness_down",
    "set_color",
    "set_position",
    "get_state",
    "scene_activate",
    "vacuum_start",
    "vacuum_dock",
];

/// How the corpus is generated.
#[derive(Debug, Clone)]
pub struct CorpusConfig {
    /// The folder with `templates/`, `pools/` and `natural/`.
    pub source: PathBuf,
    /// The seed: the same seed gives the same bytes.
    pub seed: u64,
    /// Utterances per device-control or timer intent per language (all splits).
    pub core_per_intent: usize,
    /// Utterances per other intent per language (all splits).
    pub other_per_intent: usize,
    /// Noise rates.
    pub noise: Noise,
}

impl CorpusConfig {
    /// The configuration of the shipped corpus.
    pub fn new(source: PathBuf) -> Self {
        CorpusConfig { source, seed: 2024, core_per_intent: 1020, other_per_intent: 600, noise: Noise::default() }
    }
}

/// The generated corpus: examples per language and split.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// Examples by language and split.
    pub sets: BTreeMap<(Lang, Split), Vec<Example>>,
}

impl Corpus {
    /// Every example of one split, all languages, in language order.
    pub fn split(&self, split: Split) -> Vec<Example> {
        self.sets.iter().filter(|((_, s), _)| *s == split).flat_map(|(_, e)| e.iter().cloned()).collect()
    }
}

/// Generates the corpus. Fails with file and line on a broken template, an
/// unknown intent, slot or pool, or an intent without templates.
pub fn build(config: &CorpusConfig, labels: &Labels) -> anyhow::Result<Corpus> {
    let mut corpus = Corpus::default();
    for lang in Lang::ALL {
        let templates_path = config.source.join("templates").join(format!("{lang}.txt"));
        let text = std::fs::read_to_string(&templates_path)
            .with_context(|| format!("cannot read {}", templates_path.display()))?;
        let templates = parse_file(&text).with_context(|| templates_path.display().to_string())?;
        let pools = Pools::load(&config.source.join("pools").join(format!("{lang}.toml")), lang)?;
        check_templates(&templates, &pools, labels, &templates_path)?;
        let natural_path = config.source.join("natural").join(format!("{lang}.txt"));
        let text = std::fs::read_to_string(&natural_path)
            .with_context(|| format!("cannot read {}", natural_path.display()))?;
        let natural = natural::parse(&text, &natural_path.display().to_string(), lang.code())?;
        check_examples(&natural, labels, &natural_path)?;
        let held_out: HashSet<String> = natural.iter().map(|e| sentence_key(&e.text)).collect();
        for (split, examples) in expand_language(config, lang, &templates, &pools, labels, &held_out) {
            corpus.sets.insert((lang, split), examples);
        }
        corpus.sets.insert((lang, Split::Natural), natural);
    }
    Ok(corpus)
}

/// Writes `{split}.{lang}.jsonl` files into `out_dir`.
pub fn write(corpus: &Corpus, out_dir: &Path) -> anyhow::Result<()> {
    for ((lang, split), examples) in &corpus.sets {
        write_jsonl(&out_dir.join(format!("{}.{lang}.jsonl", split.name())), examples)?;
    }
    Ok(())
}

fn is_core(intent: &str) -> bool {
    CORE_INTENTS.contains(&intent) || CORE_PREFIXES.iter().any(|p| intent.starts_with(p))
}

fn check_templates(templates: &[Template], pools: &Pools, labels: &Labels, path: &Path) -> anyhow::Result<()> {
    fn check_nodes(nodes: &[Node], pools: &Pools, labels: &Labels) -> Result<(), String> {
        for node in nodes {
            match node {
                Node::Text(_) => {}
                Node::Slot { label, pool } => {
                    if labels.slot_id(label).is_none() {
                        return Err(format!("unknown slot {label:?}"));
                    }
                    if !pools.has(pool) {
                        return Err(format!("unknown pool {pool:?}"));
                    }
                }
                Node::Filler(pool) if !pools.has(pool) => return Err(format!("unknown pool {pool:?}")),
                Node::Filler(_) => {}
                Node::Choice(alternatives) => {
                    for alternative in alternatives {
                        check_nodes(alternative, pools, labels)?;
                    }
                }
                Node::Optional(inner) => check_nodes(inner, pools, labels)?,
            }
        }
        Ok(())
    }
    for template in templates {
        if labels.intent_id(&template.intent).is_none() {
            bail!("{}:{}: unknown intent {:?}", path.display(), template.line, template.intent);
        }
        check_nodes(&template.nodes, pools, labels)
            .map_err(|e| anyhow::anyhow!("{}:{}: {e}", path.display(), template.line))?;
    }
    let covered: HashSet<&str> = templates.iter().map(|t| t.intent.as_str()).collect();
    if let Some(missing) = labels.intents.iter().find(|i| !covered.contains(i.as_str())) {
        bail!("{}: no templates for intent {missing:?}", path.display());
    }
    Ok(())
}

fn check_examples(examples: &[Example], labels: &Labels, path: &Path) -> anyhow::Result<()> {
    for example in examples {
        if labels.intent_id(&example.intent).is_none() {
            bail!("{}: unknown intent {:?} in {:?}", path.display(), example.intent, example.text);
        }
        if let Some(span) = example.slots.iter().find(|s| labels.slot_id(&s.label).is_none()) {
            bail!("{}: unknown slot {:?} in {:?}", path.display(), span.label, example.text);
        }
    }
    Ok(())
}

/// The form two sentences are compared in to keep the natural set out of the
/// generated one: lower case, without outer spaces and final punctuation.
pub fn sentence_key(text: &str) -> String {
    text.trim().trim_end_matches(|c: char| c.is_ascii_punctuation() || "。！？～…，".contains(c)).trim().to_lowercase()
}

/// A stable 64-bit FNV-1a hash, so seeds do not depend on the standard
/// library's hasher.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Assigns templates of each intent to splits: about 15% to test and 15% to
/// dev, at least one each when an intent has four or more templates.
///
/// A template's split follows from a hash of its own text, not from its place
/// in the file, so adding or removing other templates never moves it: a
/// template trained on stays trained on, and a held-out one stays held out.
/// Only the fallback that keeps a small intent from having no test or dev
/// template looks at the others.
///
/// The first template of each intent is its canonical phrasing and always
/// stays in training.
fn assign_splits(config: &CorpusConfig, lang: Lang, templates: &[Template]) -> Vec<Split> {
    let mut by_intent: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (idx, template) in templates.iter().enumerate() {
        by_intent.entry(&template.intent).or_default().push(idx);
    }
    let seed = config.seed.to_string();
    let mut splits = vec![Split::Train; templates.len()];
    for (intent, indices) in by_intent {
        if indices.len() < 4 {
            continue;
        }
        // A uniform draw in [0, 1) per template, from its text alone. FNV-1a's
        // high bits barely change between lines that differ in one late
        // character, so the hash goes through SplitMix64's finaliser first.
        let draw = |idx: usize| {
            let hash = mix(fnv1a(&["split", &seed, lang.code(), intent, &templates[idx].source]));
            (hash >> 11) as f64 / (1u64 << 53) as f64
        };
        for &idx in &indices[1..] {
            let u = draw(idx);
            splits[idx] = if u < HELD_OUT_SHARE {
                Split::Test
            } else if u < 2.0 * HELD_OUT_SHARE {
                Split::Dev
            } else {
                Split::Train
            };
        }
        // An intent the draws left without a test or dev template lends its
        // lowest-drawn training template to it.
        for split in [Split::Test, Split::Dev] {
            if indices.iter().all(|&idx| splits[idx] != split) {
                let lowest = indices[1..]
                    .iter()
                    .copied()
                    .filter(|&idx| splits[idx] == Split::Train)
                    .min_by(|&a, &b| draw(a).total_cmp(&draw(b)).then(a.cmp(&b)));
                if let Some(idx) = lowest {
                    splits[idx] = split;
                }
            }
        }
    }
    splits
}

/// SplitMix64's finaliser: every input bit moves every output bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The share of each intent's templates held out for test, and again for dev.
const HELD_OUT_SHARE: f64 = 0.15;

fn expand_language(
    config: &CorpusConfig,
    lang: Lang,
    templates: &[Template],
    pools: &Pools,
    labels: &Labels,
    held_out: &HashSet<String>,
) -> BTreeMap<Split, Vec<Example>> {
    let splits = assign_splits(config, lang, templates);
    let mut per_intent: BTreeMap<&str, usize> = BTreeMap::new();
    for template in templates {
        *per_intent.entry(&template.intent).or_default() += 1;
    }
    let mut seen = HashSet::new();
    let mut out: BTreeMap<Split, Vec<Example>> = BTreeMap::new();
    // Held-out splits first: a sentence that a held-out template makes is never
    // also a training sentence.
    for split in [Split::Test, Split::Dev, Split::Train] {
        for (template, _) in templates.iter().zip(&splits).filter(|(_, s)| **s == split) {
            let target = if is_core(&template.intent) { config.core_per_intent } else { config.other_per_intent };
            let quota = target.div_ceil(per_intent[template.intent.as_str()]);
            let id = format!("{lang}/{}/{}", template.intent, template.index);
            let mut rng = ChaCha8Rng::seed_from_u64(config.seed ^ fnv1a(&["expand", &id]));
            let mut made = 0;
            // The plainest wording ("thanks", "next song") comes first, without
            // noise: sampling alone can miss it, and it is what people say most.
            // It has its own generator, so the sampled sentences stay the same.
            let mut plain_rng = ChaCha8Rng::seed_from_u64(config.seed ^ fnv1a(&["plain", &id]));
            let plain = plain_example(template, pools, lang, &mut plain_rng, &id);
            let key = sentence_key(&plain.text);
            if quota > 0 && !plain.text.is_empty() && !held_out.contains(&key) && seen.insert(key) {
                out.entry(split).or_default().push(plain);
                made += 1;
            }
            for _ in 0..quota * 30 {
                if made == quota {
                    break;
                }
                let example = sample(template, pools, lang, &config.noise, &mut rng, &id);
                let key = sentence_key(&example.text);
                if !held_out.contains(&key) && seen.insert(key) {
                    out.entry(split).or_default().push(example);
                    made += 1;
                }
            }
        }
    }
    let order = |e: &Example| labels.intent_id(&e.intent);
    for examples in out.values_mut() {
        examples.sort_by_key(order);
    }
    out
}

fn plain_example(template: &Template, pools: &Pools, lang: Lang, rng: &mut ChaCha8Rng, id: &str) -> Example {
    let mut segments: Vec<Segment> = Vec::new();
    expand(&template.nodes, Wording::Plain, pools, rng, &mut segments);
    let (text, slots) = assemble(&segments);
    Example { text, intent: template.intent.clone(), slots, lang: Some(lang.code().into()), template: Some(id.into()) }
}

fn sample(template: &Template, pools: &Pools, lang: Lang, noise: &Noise, rng: &mut ChaCha8Rng, id: &str) -> Example {
    let mut segments: Vec<Segment> = Vec::new();
    expand(&template.nodes, Wording::Random, pools, rng, &mut segments);
    if lang == Lang::En && rng.random_bool(noise.typo) {
        add_typo(&mut segments, rng);
    }
    let (mut text, slots) = assemble(&segments);
    finish(&mut text, lang, noise, rng);
    Example { text, intent: template.intent.clone(), slots, lang: Some(lang.code().into()), template: Some(id.into()) }
}

/// A table of example counts per intent, language and split.
pub fn stats_table(corpus: &Corpus, labels: &Labels) -> String {
    let mut counts: BTreeMap<(&str, Lang, Split), usize> = BTreeMap::new();
    for ((lang, split), examples) in &corpus.sets {
        for example in examples {
            *counts.entry((example.intent.as_str(), *lang, *split)).or_default() += 1;
        }
    }
    let mut out =
        String::from("intent                       en: train   dev  test   nat | zh: train   dev  test   nat\n");
    let mut totals = [0usize; 8];
    for intent in &labels.intents {
        out.push_str(&format!("{intent:<28}"));
        for (lang_idx, lang) in Lang::ALL.iter().enumerate() {
            out.push_str(if lang_idx == 0 { "    " } else { " |    " });
            for (split_idx, split) in Split::ALL.iter().enumerate() {
                let n = counts.get(&(intent.as_str(), *lang, *split)).copied().unwrap_or(0);
                totals[lang_idx * 4 + split_idx] += n;
                out.push_str(&format!("{n:>6}"));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("{:<28}    ", "total"));
    for (idx, total) in totals.iter().enumerate() {
        if idx == 4 {
            out.push_str(" |    ");
        }
        out.push_str(&format!("{total:>6}"));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template file with one intent and the numbered lines `from..to`.
    fn file(intent: &str, ranges: &[(usize, usize)]) -> String {
        let mut text = format!("@intent {intent}\n");
        for &(from, to) in ranges {
            for i in from..to {
                text.push_str(&format!("turn on lamp number {i}\n"));
            }
        }
        text
    }

    #[test]
    fn a_templates_split_does_not_move_when_others_are_added() {
        let config = CorpusConfig::new(PathBuf::new());
        let before = parse_file(&file("lights_on", &[(0, 60)])).unwrap();
        let after = parse_file(&file("lights_on", &[(0, 1), (90, 120), (1, 60), (60, 90)])).unwrap();
        assert_eq!(after.len(), 120);
        let split_of = |templates: &[Template]| -> BTreeMap<String, Split> {
            let splits = assign_splits(&config, Lang::En, templates);
            templates.iter().map(|t| t.source.clone()).zip(splits).collect()
        };
        let (before, after) = (split_of(&before), split_of(&after));
        for (source, split) in &before {
            assert_eq!(after[source], *split, "{source:?} moved");
        }
        let held = |split| after.values().filter(|s| **s == split).count();
        for split in [Split::Test, Split::Dev] {
            assert!((8..=28).contains(&held(split)), "{split:?}: {} of 120", held(split));
        }
    }

    #[test]
    fn a_small_intent_still_has_a_test_and_a_dev_template() {
        let config = CorpusConfig::new(PathBuf::new());
        for n in 4..12 {
            let templates = parse_file(&file("lights_off", &[(0, n)])).unwrap();
            let splits = assign_splits(&config, Lang::En, &templates);
            for split in [Split::Test, Split::Dev, Split::Train] {
                assert!(splits.contains(&split), "{n} templates, no {split:?}");
            }
        }
    }

    #[test]
    fn every_template_gives_its_plainest_wording_without_noise() {
        let labels = Labels::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/labels.toml")).unwrap();
        let pools = Pools::parse("[pools]\n", Lang::En).unwrap();
        // Seven optional parts: a sampled sentence is this plain about once in 500 draws.
        let text = "@intent turn_on\n[hey] [hearth] (turn|switch|flip|put) on the lamp [please] [right now] \
                    [for me] [thanks] [quickly]\n";
        let templates = parse_file(text).unwrap();
        for seed in 0..20 {
            let config = CorpusConfig { seed, ..CorpusConfig::new(PathBuf::new()) };
            let out = expand_language(&config, Lang::En, &templates, &pools, &labels, &HashSet::new());
            let texts: HashSet<&str> = out.values().flatten().map(|e| e.text.as_str()).collect();
            assert!(texts.contains("turn on the lamp"), "seed {seed}: no plain wording among {}", texts.len());
        }
    }

    #[test]
    fn the_first_template_of_an_intent_is_always_trained_on() {
        for seed in 0..50 {
            let config = CorpusConfig { seed, ..CorpusConfig::new(PathBuf::new()) };
            let templates = parse_file(&(file("lights_on", &[(0, 5)]) + &file("lights_off", &[(5, 9)]))).unwrap();
            let splits = assign_splits(&config, Lang::En, &templates);
            assert_eq!((splits[0], splits[5]), (Split::Train, Split::Train), "seed {seed}: {splits:?}");
        }
    }
}

//! Value pools: the named lists of a language's pool file plus the computed pools.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use hearth::text::Lang;
use rand::Rng;
use rand::seq::IndexedRandom;

use super::numbers::{COMPUTED_POOLS, computed};

/// The pools of one language.
#[derive(Debug, Clone)]
pub struct Pools {
    lang: Lang,
    named: BTreeMap<String, Vec<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolFile {
    pools: BTreeMap<String, Vec<String>>,
}

impl Pools {
    /// Reads a pool file (`[pools]` table of string arrays).
    pub fn load(path: &Path, lang: Lang) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(&text, lang).with_context(|| format!("in {}", path.display()))
    }

    /// Parses the text of a pool file.
    pub fn parse(text: &str, lang: Lang) -> anyhow::Result<Self> {
        let file: PoolFile = toml::from_str(text)?;
        for (name, values) in &file.pools {
            if COMPUTED_POOLS.contains(&name.as_str()) {
                bail!("pool {name:?} is computed by the generator and must not be listed");
            }
            if values.is_empty() {
                bail!("pool {name:?} is empty");
            }
            if let Some(bad) = values.iter().find(|v| v.trim().is_empty() || v.trim() != v.as_str()) {
                bail!("pool {name:?} has a value with outer white space or none: {bad:?}");
            }
        }
        Ok(Pools { lang, named: file.pools })
    }

    /// True if `pool` is listed or computed.
    pub fn has(&self, pool: &str) -> bool {
        self.named.contains_key(pool) || COMPUTED_POOLS.contains(&pool)
    }

    /// A random value of `pool`; `None` if there is no such pool.
    pub fn sample(&self, pool: &str, rng: &mut impl Rng) -> Option<String> {
        if let Some(values) = self.named.get(pool) {
            return values.choose(rng).cloned();
        }
        computed(pool, self.lang, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn listed_and_computed_pools() {
        let pools = Pools::parse("[pools]\ncolor = [\"red\", \"blue\"]\n", Lang::En).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert!(["red", "blue"].contains(&pools.sample("color", &mut rng).unwrap().as_str()));
        assert!(pools.sample("brightness", &mut rng).is_some());
        assert!(pools.sample("nope", &mut rng).is_none());
        assert!(Pools::parse("[pools]\nbrightness = [\"1\"]\n", Lang::En).is_err());
        assert!(Pools::parse("[pools]\nx = [\" a\"]\n", Lang::En).is_err());
    }
}

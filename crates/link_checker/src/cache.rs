//! `.govpress/link-cache.json`: what the last runs found, so a daily run rechecks only what is
//! due. Only clean results (working, not abnormal, fragments found) are reused while fresh;
//! everything else is checked again every run. Written atomically (temporary file + rename).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::outcome::ContentClass;

pub const CACHE_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cache {
    pub version: u32,
    /// Keyed by URL without fragment.
    pub entries: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// Unix seconds.
    pub checked_at: i64,
    /// Worked, was not abnormal, and every fragment asked for was found.
    pub clean: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_class: Option<ContentClass>,
    /// Fragments confirmed present on the page.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub fragments: BTreeSet<String>,
    /// When the link was first seen broken, while it stays broken (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken_since: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

impl Cache {
    /// Reads the cache; a missing file is an empty cache, and so (with a warning) is an unreadable one,
    /// since the cache only saves time.
    pub fn load(path: &Path) -> Cache {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Cache::empty(),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "link cache unreadable; checking everything");
                return Cache::empty();
            }
        };
        match serde_json::from_str::<Cache>(&text) {
            Ok(cache) if cache.version == CACHE_VERSION => cache,
            Ok(_) | Err(_) => {
                tracing::warn!(path = %path.display(), "link cache malformed or of another version; checking everything");
                Cache::empty()
            }
        }
    }

    pub fn empty() -> Cache {
        Cache { version: CACHE_VERSION, entries: BTreeMap::new() }
    }

    /// A clean entry younger than `max_age` that covers these fragments: no need to ask again.
    pub fn fresh(
        &self,
        url: &str,
        fragments: &BTreeSet<String>,
        now: i64,
        max_age_seconds: i64,
    ) -> Option<&CacheEntry> {
        let entry = self.entries.get(url)?;
        let age = now.saturating_sub(entry.checked_at);
        (entry.clean && (0..max_age_seconds).contains(&age) && fragments.is_subset(&entry.fragments)).then_some(entry)
    }

    /// Writes the cache next to its final place and renames it over, so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), CacheError> {
        let io_error = |source| CacheError::Io { path: path.display().to_string(), source };
        let directory = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(directory).map_err(io_error)?;
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        let temporary = directory.join(format!(
            ".{}.{}.tmp",
            path.file_name().and_then(|name| name.to_str()).unwrap_or("link-cache.json"),
            std::process::id()
        ));
        let written = std::fs::File::create(&temporary).and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()
        });
        if let Err(error) = written.and_then(|()| std::fs::rename(&temporary, path)) {
            let _ = std::fs::remove_file(&temporary);
            return Err(io_error(error));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(checked_at: i64, clean: bool) -> CacheEntry {
        CacheEntry {
            checked_at,
            clean,
            status: Some(200),
            final_url: None,
            content_class: Some(ContentClass::Page),
            fragments: BTreeSet::from(["intro".to_string()]),
            broken_since: None,
        }
    }

    #[test]
    fn only_fresh_clean_entries_covering_the_fragments_are_reused() {
        let mut cache = Cache::empty();
        cache.entries.insert("https://a.example/".into(), entry(1000, true));
        cache.entries.insert("https://b.example/".into(), entry(1000, false));
        let none = BTreeSet::new();
        assert!(cache.fresh("https://a.example/", &none, 1500, 86_400).is_some());
        assert!(cache.fresh("https://a.example/", &none, 1000 + 86_400, 86_400).is_none());
        assert!(cache.fresh("https://b.example/", &none, 1500, 86_400).is_none());
        let other = BTreeSet::from(["other".to_string()]);
        assert!(cache.fresh("https://a.example/", &other, 1500, 86_400).is_none());
    }

    #[test]
    fn saves_atomically_and_reads_back_and_survives_garbage() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join(".govpress/link-cache.json");
        let mut cache = Cache::empty();
        cache.entries.insert("https://a.example/".into(), entry(1000, true));
        cache.save(&path).unwrap();
        assert_eq!(Cache::load(&path).entries, cache.entries);
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        std::fs::write(&path, "{not json").unwrap();
        assert!(Cache::load(&path).entries.is_empty());
    }
}

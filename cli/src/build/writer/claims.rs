//! One output path, one owner: every path the build writes is claimed first, and a second claim on
//! the same path, on a directory that holds claimed files or under a path claimed as a file, is a
//! diagnostic (`output.collision`) instead of a silent overwrite or a raw I/O error.

use std::collections::{BTreeMap, HashSet};

use govpress::Diagnostic;

/// Who writes an output path: a source named by its site-relative path, or the build itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Generated,
    Source(String),
}

impl Owner {
    fn label(&self) -> Option<&str> {
        match self {
            Owner::Generated => None,
            Owner::Source(label) => Some(label),
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    owner: Owner,
    /// False while only reserved by `claim`; the claimant's own `take` then writes it.
    taken: bool,
    digest: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct Claims {
    entries: BTreeMap<String, Entry>,
    /// Every ancestor directory of a claimed path.
    directories: HashSet<String>,
    collisions: Vec<Diagnostic>,
}

impl Claims {
    /// Reserves `path` for `owner` without writing it; false (and a collision recorded) when taken.
    pub fn reserve(&mut self, path: &str, owner: Owner) -> bool {
        if let Some(first) = self.conflict(path) {
            self.record(path, first, &owner);
            return false;
        }
        self.insert(path, Entry { owner, taken: false, digest: None });
        true
    }

    /// Takes `path` for writing; a path reserved but not yet written is taken by its reserver.
    /// False (and a collision recorded) when another writer has it.
    pub fn take(&mut self, path: &str, owner: Owner) -> bool {
        if let Some(entry) = self.entries.get_mut(path).filter(|entry| !entry.taken) {
            entry.taken = true;
            return true;
        }
        if let Some(first) = self.conflict(path) {
            self.record(path, first, &owner);
            return false;
        }
        self.insert(path, Entry { owner, taken: true, digest: None });
        true
    }

    /// Gives back a path taken but not written (a reuse that failed its check), for its owner's write.
    pub fn release(&mut self, path: &str) {
        if let Some(entry) = self.entries.get_mut(path).filter(|entry| entry.digest.is_none()) {
            entry.taken = false;
        }
    }

    /// Live mode (`serve`): a generated file written again, or a new one (a new leave page).
    pub fn replace(&mut self, path: &str, digest: String) {
        match self.entries.get_mut(path) {
            Some(entry) => entry.digest = Some(digest),
            None => self.insert(path, Entry { owner: Owner::Generated, taken: true, digest: Some(digest) }),
        }
    }

    pub fn set_digest(&mut self, path: &str, digest: String) {
        if let Some(entry) = self.entries.get_mut(path) {
            entry.digest = Some(digest);
        }
    }

    pub fn contains(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    pub fn written(&self) -> usize {
        self.entries.values().filter(|entry| entry.digest.is_some()).count()
    }

    pub fn collisions(&self) -> &[Diagnostic] {
        &self.collisions
    }

    /// Path → digest of every file written.
    pub fn digests(&self) -> BTreeMap<String, String> {
        self.entries.iter().filter_map(|(path, entry)| Some((path.clone(), entry.digest.clone()?))).collect()
    }

    /// [`Claims::digests`], moved out of the claims.
    pub fn into_digests(self) -> BTreeMap<String, String> {
        self.entries.into_iter().filter_map(|(path, entry)| Some((path, entry.digest?))).collect()
    }

    /// The owner already holding `path`, the directory `path`, or a file where `path` needs a directory.
    fn conflict(&self, path: &str) -> Option<Owner> {
        if let Some(entry) = self.entries.get(path) {
            return Some(entry.owner.clone());
        }
        if self.directories.contains(path) {
            let prefix = format!("{path}/");
            return self.entries.range(prefix.clone()..).next().map(|(_, entry)| entry.owner.clone());
        }
        ancestors(path).find_map(|ancestor| self.entries.get(ancestor).map(|entry| entry.owner.clone()))
    }

    fn insert(&mut self, path: &str, entry: Entry) {
        for ancestor in ancestors(path) {
            if !self.directories.insert(ancestor.to_string()) {
                break; // its ancestors are in already
            }
        }
        self.entries.insert(path.to_string(), entry);
    }

    /// The same diagnostic whichever owner came first (the build writes on several threads at once),
    /// kept in path order.
    fn record(&mut self, path: &str, first: Owner, second: &Owner) {
        tracing::debug!(path, ?first, ?second, "output path claimed twice");
        let (first, second) = match (first.label(), second.label()) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            (Some(a), None) => (None, Some(a)),
            labels => labels,
        };
        let collision = govpress::static_files::collision(path, first, second);
        fn order(diagnostic: &Diagnostic) -> (&str, &str) {
            (&diagnostic.file, diagnostic.message.get(govpress::Lang::En))
        }
        let at = self.collisions.partition_point(|earlier| order(earlier) <= order(&collision));
        self.collisions.insert(at, collision);
    }
}

/// `a/b/c` → `a/b`, `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices().rev().filter(|&(_, character)| character == '/').map(move |(index, _)| &path[..index])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(label: &str) -> Owner {
        Owner::Source(label.to_string())
    }

    #[test]
    fn one_path_one_owner() {
        let mut claims = Claims::default();
        assert!(claims.take("news/index.html", source("content/news/_index.md")));
        assert!(!claims.take("news/index.html", source("static/news/index.html")));
        // A file where a directory of pages is, and a page under a path taken as a file.
        assert!(!claims.take("news", source("static/news")));
        assert!(claims.take("robots.txt", Owner::Generated));
        assert!(!claims.take("robots.txt/x.html", source("content/robots.txt/x.md")));
        assert_eq!(claims.collisions().len(), 3);
        for collision in claims.collisions() {
            assert_eq!(collision.rule, "output.collision");
        }
        let first = claims.collisions().iter().find(|collision| collision.file == "static/news/index.html");
        let message = first.map(|collision| collision.message.get(govpress::Lang::En).to_string()).unwrap_or_default();
        assert!(message.contains("content/news/_index.md") && message.contains("path news/index.html"), "{message}");
    }

    #[test]
    fn a_collision_reads_the_same_whichever_owner_claimed_first() {
        let collisions = |first: Owner, second: Owner| {
            let mut claims = Claims::default();
            assert!(claims.take("search/index.html", first));
            assert!(!claims.take("search/index.html", second));
            claims.collisions().to_vec()
        };
        let (a, b) = (source("content/search/_index.md"), source("static/search/index.html"));
        assert_eq!(collisions(a.clone(), b.clone()), collisions(b.clone(), a.clone()));
        assert_eq!(collisions(a.clone(), Owner::Generated), collisions(Owner::Generated, a));
        let mut claims = Claims::default();
        for path in ["z.html", "a.html"] {
            assert!(claims.take(path, Owner::Generated));
            assert!(!claims.take(path, b.clone()));
        }
        let files: Vec<_> =
            claims.collisions().iter().map(|collision| collision.message.get(govpress::Lang::En)).collect();
        assert!(files[0].contains("a.html") && files[1].contains("z.html"), "{files:?}");
    }

    #[test]
    fn a_path_released_unwritten_is_taken_again_and_a_written_one_is_not_released() {
        let mut claims = Claims::default();
        assert!(claims.take("a/index.html", Owner::Generated));
        claims.release("a/index.html");
        assert!(claims.take("a/index.html", Owner::Generated));
        claims.set_digest("a/index.html", "00".into());
        claims.release("a/index.html");
        assert!(!claims.take("a/index.html", Owner::Generated));
        assert_eq!(claims.collisions().len(), 1);
    }

    #[test]
    fn a_reserved_path_is_written_by_its_reserver_only() {
        let mut claims = Claims::default();
        assert!(claims.reserve("a.html", source("static/a.html")));
        assert!(claims.take("a.html", Owner::Generated));
        assert!(!claims.take("a.html", Owner::Generated));
        assert!(!claims.reserve("a.html", source("static/b.html")));
        assert_eq!(claims.collisions().len(), 2);
        assert_eq!(claims.written(), 0);
        claims.set_digest("a.html", "00".into());
        assert_eq!(claims.digests().len(), 1);
        assert_eq!(claims.digests(), claims.into_digests());
    }
}

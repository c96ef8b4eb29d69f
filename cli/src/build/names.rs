//! Interned strings of a build's [`super::pages::Written`] records: a site of 100,000 pages holds some
//! 200,000 of them to the end (for the broken-link check and the render cache's index), and most of
//! their strings — the navigation's links, heading ids, source paths — repeat from file to file. A
//! record keeps a 4-byte number per string instead of the string.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use super::pages::Link;

/// A string's number in [`Names`].
pub type Name = u32;

/// The strings of one build, each stored once, shared by the worker threads.
#[derive(Debug, Default)]
pub struct Names {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    numbers: HashMap<Arc<str>, Name>,
    strings: Vec<Arc<str>>,
    /// Lists of links, each held once (every leave page has the theme's links and no other).
    links: HashSet<Arc<[Link]>>,
}

impl Names {
    /// The number of `text`, given it on first sight.
    pub fn intern(&self, text: &str) -> Name {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&name) = inner.numbers.get(text) {
            return name;
        }
        let name = Name::try_from(inner.strings.len()).unwrap_or(Name::MAX);
        let text: Arc<str> = Arc::from(text);
        inner.strings.push(Arc::clone(&text));
        inner.numbers.insert(text, name);
        name
    }

    /// `links` as one list shared with every equal list given before.
    pub fn links(&self, links: Vec<Link>) -> Arc<[Link]> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(shared) = inner.links.get(links.as_slice()) {
            return Arc::clone(shared);
        }
        let shared: Arc<[Link]> = Arc::from(links);
        inner.links.insert(Arc::clone(&shared));
        shared
    }

    /// The number of `text` if it was ever interned (a string never seen equals no record's).
    pub fn find(&self, text: &str) -> Option<Name> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).numbers.get(text).copied()
    }

    /// Every string so far, by number (one lock for many look-ups).
    pub fn snapshot(&self) -> Vec<Arc<str>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).strings.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_is_numbered_once() {
        let names = Names::default();
        let first = names.intern("/news/");
        assert_eq!(names.intern("/about/"), first + 1);
        assert_eq!(names.intern("/news/"), first);
        assert_eq!(&*names.snapshot()[first as usize], "/news/");
        assert_eq!(names.find("/about/"), Some(first + 1));
        assert_eq!(names.find("/none/"), None);
        assert_eq!(names.snapshot().len(), 2);
    }

    #[test]
    fn equal_link_lists_are_held_once() {
        let names = Names::default();
        let link = |href| Link { href, at: (1, 2), in_source: None };
        let first = names.links(vec![link(0), link(1)]);
        let again = names.links(vec![link(0), link(1)]);
        let other = names.links(vec![link(1)]);
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(&*other, &[link(1)]);
    }
}

//! A short-lived cache of public pages as anonymous readers get them (micro-caching): a
//! published document read by thousands is rendered once every few seconds instead of once per
//! reader. Any change made through the site (every POST) empties it, so staff and the public
//! see a publication or a withdrawal at once; a change made outside the site (the command
//! line) shows within the time-to-live. Pages for signed-in staff are never cached.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most pages held; when full, the cache is emptied and starts again.
const MAX_ENTRIES: usize = 10_000;

pub struct PageCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, String)>>,
}

impl PageCache {
    /// A cache keeping pages for `ttl`; a zero `ttl` keeps nothing.
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, String)>> {
        match self.entries.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The page stored under `key`, if it is younger than the time-to-live.
    pub fn get(&self, key: &str) -> Option<String> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries();
        entries
            .get(key)
            .filter(|(stored, _)| stored.elapsed() < self.ttl)
            .map(|(_, page)| page.clone())
    }

    pub fn put(&self, key: &str, page: &str) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key.to_string(), (Instant::now(), page.to_string()));
    }

    pub fn clear(&self) {
        self.entries().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_expire_and_a_change_empties_the_cache() {
        let cache = PageCache::new(Duration::from_millis(50));
        cache.put("/documents/1", "<html>1</html>");
        assert_eq!(cache.get("/documents/1").as_deref(), Some("<html>1</html>"));
        cache.clear();
        assert_eq!(cache.get("/documents/1"), None);
        cache.put("/documents/1", "<html>1</html>");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("/documents/1"), None, "expired");
        let off = PageCache::new(Duration::ZERO);
        off.put("/documents/1", "x");
        assert_eq!(off.get("/documents/1"), None);
    }
}

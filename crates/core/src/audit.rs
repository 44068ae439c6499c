//! The audit chain: every entry's hash covers its content and the previous entry's hash, so a
//! changed, removed or reordered entry breaks every hash after it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Digest of a record's state before or after a change; the empty state has the empty digest.
pub fn state_digest<T: Serialize>(state: Option<&T>) -> String {
    match state.and_then(|value| serde_json::to_vec(value).ok()) {
        Some(bytes) => hex::encode(Sha256::digest(&bytes)),
        None => String::new(),
    }
}

/// The content of an entry, as hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryContent {
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub summary: String,
    pub before_digest: String,
    pub after_digest: String,
}

/// hash = SHA-256 over the previous hash and each field, separated by a unit separator.
pub fn entry_hash(prev_hash: &str, content: &EntryContent) -> String {
    let actor_user_id = content
        .actor_user_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    let fields = [
        prev_hash,
        &crate::clock::canonical(content.at),
        &actor_user_id,
        &content.actor,
        &content.action,
        &content.entity_type,
        &content.entity_id,
        &content.summary,
        &content.before_digest,
        &content.after_digest,
    ];
    let mut hasher = Sha256::new();
    for field in fields {
        hasher.update(field.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// A stored entry as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub id: i64,
    pub content: EntryContent,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry does not point at the hash of the entry before it (one removed or inserted).
    WrongPrevious { id: i64 },
    /// The entry's content no longer matches its hash (it was edited).
    WrongHash { id: i64 },
}

impl ChainBreak {
    pub fn id(&self) -> i64 {
        match self {
            ChainBreak::WrongPrevious { id } | ChainBreak::WrongHash { id } => *id,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            ChainBreak::WrongPrevious { id } => {
                format!("第{id}条审计记录与前一条不衔接（记录被删除或插入）")
            }
            ChainBreak::WrongHash { id } => {
                format!("第{id}条审计记录内容与其哈希不符（记录被改动）")
            }
        }
    }
}

/// Walks entries in id order, carrying the expected previous hash between batches.
pub struct ChainVerifier {
    expected_prev: String,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_prev: GENESIS_HASH.to_string(),
            checked: 0,
        }
    }
}

impl ChainVerifier {
    /// The hash of the last entry checked: record it outside the database, and a later
    /// verification can prove that no entry was cut off the end of the log.
    pub fn head(&self) -> &str {
        &self.expected_prev
    }

    pub fn check(&mut self, entry: &StoredEntry) -> Result<(), ChainBreak> {
        if entry.prev_hash != self.expected_prev {
            return Err(ChainBreak::WrongPrevious { id: entry.id });
        }
        if entry_hash(&entry.prev_hash, &entry.content) != entry.hash {
            return Err(ChainBreak::WrongHash { id: entry.id });
        }
        self.expected_prev = entry.hash.clone();
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use chrono::TimeZone;

    fn content(summary: &str) -> EntryContent {
        EntryContent {
            at: Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap(),
            actor_user_id: Some(1),
            actor: "admin".into(),
            action: "user.create".into(),
            entity_type: "user".into(),
            entity_id: "2".into(),
            summary: summary.into(),
            before_digest: String::new(),
            after_digest: state_digest(Some(&serde_json::json!({"username": "li"}))),
        }
    }

    fn chain(summaries: &[&str]) -> Vec<StoredEntry> {
        let mut prev = GENESIS_HASH.to_string();
        let mut entries = Vec::new();
        for (i, summary) in summaries.iter().enumerate() {
            let content = content(summary);
            let hash = entry_hash(&prev, &content);
            entries.push(StoredEntry {
                id: i as i64 + 1,
                content,
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        entries
    }

    fn first_break(entries: &[StoredEntry]) -> Option<ChainBreak> {
        let mut verifier = ChainVerifier::default();
        entries.iter().find_map(|e| verifier.check(e).err())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(first_break(&chain(&["a", "b", "c"])), None);
    }

    #[test]
    fn an_edited_entry_is_found() {
        let mut entries = chain(&["a", "b", "c"]);
        entries[1].content.summary = "changed".into();
        assert_eq!(first_break(&entries), Some(ChainBreak::WrongHash { id: 2 }));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut entries = chain(&["a", "b", "c"]);
        entries.remove(1);
        assert_eq!(
            first_break(&entries),
            Some(ChainBreak::WrongPrevious { id: 3 })
        );
    }

    #[test]
    fn digests_differ_for_different_states() {
        let a = state_digest(Some(&serde_json::json!({"x": 1})));
        let b = state_digest(Some(&serde_json::json!({"x": 2})));
        assert_ne!(a, b);
        assert_eq!(state_digest::<serde_json::Value>(None), "");
    }
}

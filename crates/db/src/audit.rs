//! The audit log: appended in the same transaction as the change it records.

use crate::{Actor, Db, Page, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Utc};
use fazhi_core::audit::{
    ChainBreak, ChainVerifier, EntryContent, GENESIS_HASH, StoredEntry, entry_hash, state_digest,
};
use fazhi_core::org::Scope;
use serde::Serialize;

/// A change to record.
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub summary: String,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

/// Appends one entry chained to the last one. Call inside the transaction that makes the change.
pub async fn append<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    at: DateTime<Utc>,
    change: Change<'_, B, A>,
) -> Result<()> {
    let content = EntryContent {
        at,
        actor_user_id: actor.user_id,
        actor: actor.name.clone(),
        action: change.action.to_string(),
        entity_type: change.entity_type.to_string(),
        entity_id: change.entity_id,
        summary: change.summary,
        before_digest: state_digest(change.before),
        after_digest: state_digest(change.after),
    };
    lock_chain(tx).await?;
    let prev_hash = last_hash(tx).await?;
    let hash = entry_hash(&prev_hash, &content);
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, actor, action, entity_type, entity_id, summary, \
             before_digest, after_digest, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(content.at)
        .bind(content.actor_user_id)
        .bind(&content.actor)
        .bind(&content.action)
        .bind(&content.entity_type)
        .bind(&content.entity_id)
        .bind(&content.summary)
        .bind(&content.before_digest)
        .bind(&content.after_digest)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// Serialises appenders so the chain never forks. SQLite transactions already hold the write
/// lock (`BEGIN IMMEDIATE`); PostgreSQL takes a transaction-scoped advisory lock. This is the
/// one place where the two dialects differ.
async fn lock_chain(tx: &mut Tx) -> Result<()> {
    if let Tx::Postgres(tx) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(7010001)")
            .execute(&mut **tx)
            .await
            .map(|done| done.rows_affected())?;
    }
    Ok(())
}

async fn last_hash(tx: &mut Tx) -> Result<String> {
    let last: Option<String> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
    })?;
    Ok(last.unwrap_or_else(|| GENESIS_HASH.to_string()))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub summary: String,
    pub before_digest: String,
    pub after_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The first 12 hex digits of the hash, for display (whole value if shorter).
    pub fn short_hash(&self) -> &str {
        self.hash.get(..12).unwrap_or(&self.hash)
    }

    fn into_stored(self) -> StoredEntry {
        StoredEntry {
            id: self.id,
            content: EntryContent {
                at: self.at,
                actor_user_id: self.actor_user_id,
                actor: self.actor,
                action: self.action,
                entity_type: self.entity_type,
                entity_id: self.entity_id,
                summary: self.summary,
                before_digest: self.before_digest,
                after_digest: self.after_digest,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

const SELECT_AUDIT: &str = "SELECT id, at, actor_user_id, actor, action, entity_type, entity_id, summary, \
     before_digest, after_digest, prev_hash, hash FROM audit_log";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact {
        entries: u64,
        /// Hash of the newest entry.
        head: String,
    },
    Broken {
        entries_checked: u64,
        at: ChainBreak,
    },
}

/// Re-computes the whole chain in id order, a batch at a time.
pub async fn verify(db: &Db) -> Result<Verification> {
    const BATCH: i64 = 2000;
    let mut verifier = ChainVerifier::default();
    let mut after_id = 0i64;
    loop {
        let sql = format!("{SELECT_AUDIT} WHERE id > $1 ORDER BY id LIMIT $2");
        let rows: Vec<AuditRow> = on_pool!(db, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(after_id).bind(BATCH).fetch_all(pool).await
        })?;
        let Some(last) = rows.last() else { break };
        after_id = last.id;
        for row in rows {
            let entry = row.into_stored();
            if let Err(at) = verifier.check(&entry) {
                return Ok(Verification::Broken {
                    entries_checked: verifier.checked,
                    at,
                });
            }
        }
    }
    Ok(Verification::Intact {
        entries: verifier.checked,
        head: verifier.head().to_string(),
    })
}

/// Filters of the admin page. Empty means "any".
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only entries made by users of agencies within these scopes (`None`: everyone's entries).
    pub actor_scopes: Option<Vec<Scope>>,
}

/// Newest first. Returns the rows of the page and the total count.
pub async fn list(db: &Db, filter: &AuditFilter, page: Page) -> Result<(Vec<AuditRow>, i64)> {
    on_pool!(db, pool => {
        let mut rows_query = sqlx::QueryBuilder::new(SELECT_AUDIT);
        push_audit_filter(&mut rows_query, filter);
        rows_query.push(" ORDER BY id DESC LIMIT ").push_bind(page.limit());
        rows_query.push(" OFFSET ").push_bind(page.offset());
        let rows: Vec<AuditRow> = rows_query.build_query_as().fetch_all(pool).await?;
        let mut count_query = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM audit_log");
        push_audit_filter(&mut count_query, filter);
        let total: i64 = count_query.build_query_scalar().fetch_one(pool).await?;
        Ok((rows, total))
    })
}

fn push_audit_filter<DB>(query: &mut sqlx::QueryBuilder<DB>, filter: &AuditFilter)
where
    DB: sqlx::Database,
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    query.push(" WHERE 1 = 1");
    if let Some(actor) = &filter.actor {
        query
            .push(" AND actor LIKE ")
            .push_bind(format!("%{}%", crate::like_escape(actor)))
            .push(" ESCAPE '\\'");
    }
    if let Some(entity_type) = &filter.entity_type {
        query
            .push(" AND entity_type = ")
            .push_bind(entity_type.clone());
    }
    if let Some(entity_id) = &filter.entity_id {
        query.push(" AND entity_id = ").push_bind(entity_id.clone());
    }
    if let Some(from) = filter.from {
        query.push(" AND at >= ").push_bind(from);
    }
    if let Some(until) = filter.until {
        query.push(" AND at < ").push_bind(until);
    }
    if let Some(scopes) = &filter.actor_scopes {
        query.push(
            " AND actor_user_id IN (SELECT u.id FROM users u JOIN agencies a ON a.id = u.agency_id \
             JOIN divisions d ON d.id = a.division_id WHERE 1 = 1",
        );
        crate::push_scope_filter(query, scopes, "u.agency_id", "d.path");
        query.push(")");
    }
}

//! Server-side sessions, login throttling and API tokens. Only digests of secrets are stored.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, Duration, Utc};
use fazhi_core::auth::{new_secret, secret_digest};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: Option<i64>,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// A new session: the secret goes into the cookie, its digest into the table.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

pub async fn create_session(
    db: &Db,
    user_id: Option<i64>,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<NewSession> {
    let session = NewSession {
        token: new_secret(),
        csrf_token: new_secret(),
    };
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(secret_digest(&session.token))
        .bind(user_id)
        .bind(&session.csrf_token)
        .bind(now)
        .bind(now + ttl)
        .execute(pool)
        .await.map(|done| done.rows_affected())
    })?;
    Ok(session)
}

/// The live session behind a cookie value, if it has not expired.
pub async fn session(db: &Db, token: &str, now: DateTime<Utc>) -> Result<Option<SessionRow>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT user_id, csrf_token, expires_at, last_seen_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(secret_digest(token))
        .bind(now)
        .fetch_optional(pool)
        .await
    })
    .map_err(Into::into)
}

/// Slides the expiry of an active session forward.
pub async fn touch_session(db: &Db, token: &str, now: DateTime<Utc>, ttl: Duration) -> Result<()> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
            .bind(now)
            .bind(now + ttl)
            .bind(secret_digest(token))
            .execute(pool)
            .await.map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// Removes expired sessions and login-failure counters that no longer matter (older than a day
/// and not locked), so neither table grows without bound.
pub async fn purge_expired_sessions(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let sessions = on_pool!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(pool).await.map(|r| r.rows_affected())
    })?;
    let day_ago = now - Duration::days(1);
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM login_throttle WHERE last_failure_at < $1 AND (locked_until IS NULL OR locked_until < $2)")
            .bind(day_ago)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(sessions)
}

/// Lockout rule for repeated failed logins (project rule, configurable).
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    pub max_failures: i64,
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_for: Duration::minutes(15),
        }
    }
}

/// Whether `username` (existing or not) is locked now. Unknown names are throttled the same way,
/// so the answer reveals nothing about which accounts exist.
pub async fn is_locked(db: &Db, username: &str, now: DateTime<Utc>) -> Result<bool> {
    let locked_until: Option<Option<DateTime<Utc>>> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE username = $1")
            .bind(username)
            .fetch_optional(pool)
            .await
    })?;
    Ok(locked_until.flatten().is_some_and(|until| until > now))
}

/// Counts a failure; returns true when this failure locks the name. `account_exists` only
/// decides how the lockout is audited: a name that is no account may be a mistyped password,
/// so the permanent log keeps a digest of it, never the text.
pub async fn record_login_failure(
    db: &Db,
    username: &str,
    account_exists: bool,
    now: DateTime<Utc>,
    policy: LockoutPolicy,
) -> Result<bool> {
    let logged_name = if account_exists {
        username.to_string()
    } else {
        format!(
            "未知用户名#{}",
            &fazhi_core::auth::secret_digest(username)[..12]
        )
    };
    let mut tx = db.begin().await?;
    let failures: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO login_throttle (username, failures, last_failure_at, locked_until) VALUES ($1, 1, $2, NULL) \
             ON CONFLICT (username) DO UPDATE SET failures = login_throttle.failures + 1, last_failure_at = $2 \
             RETURNING failures",
        )
        .bind(username)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    let locks_now = failures >= policy.max_failures;
    if locks_now {
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE login_throttle SET failures = 0, locked_until = $1 WHERE username = $2")
                .bind(now + policy.lock_for)
                .bind(username)
                .execute(&mut *conn)
                .await.map(|done| done.rows_affected())
        })?;
        audit::append(
            &mut tx,
            &Actor {
                user_id: None,
                name: "系统".into(),
            },
            now,
            Change::<(), ()> {
                action: "login.lockout",
                entity_type: "login",
                entity_id: logged_name.clone(),
                summary: format!(
                    "{logged_name}连续{}次登录失败，锁定{}分钟",
                    policy.max_failures,
                    policy.lock_for.num_minutes()
                ),
                before: None,
                after: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(locks_now)
}

/// A successful login, in one transaction: the name's failure counter is cleared, the session
/// used for the login form is replaced by a new one (a session id fixed before login is worthless
/// after it), and the login is audited.
pub async fn begin_user_session(
    db: &Db,
    user_id: i64,
    username: &str,
    replaced_token: Option<&str>,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<NewSession> {
    let session = NewSession {
        token: new_secret(),
        csrf_token: new_secret(),
    };
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM login_throttle WHERE username = $1").bind(username).execute(&mut *conn).await?;
        if let Some(old) = replaced_token {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(secret_digest(old)).execute(&mut *conn).await?;
        }
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(secret_digest(&session.token))
        .bind(user_id)
        .bind(&session.csrf_token)
        .bind(now)
        .bind(now + ttl)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    audit_session_event(&mut tx, user_id, username, now, "session.login", "登录").await?;
    tx.commit().await?;
    Ok(session)
}

/// A logout, in one transaction with its audit entry (anonymous sessions are just removed).
pub async fn end_session(
    db: &Db,
    token: &str,
    user: Option<(i64, &str)>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(secret_digest(token))
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    if let Some((user_id, username)) = user {
        audit_session_event(&mut tx, user_id, username, now, "session.logout", "退出").await?;
    }
    tx.commit().await
}

async fn audit_session_event(
    tx: &mut crate::Tx,
    user_id: i64,
    username: &str,
    now: DateTime<Utc>,
    action: &str,
    verb: &str,
) -> Result<()> {
    audit::append(
        tx,
        &Actor {
            user_id: Some(user_id),
            name: username.to_string(),
        },
        now,
        Change::<(), ()> {
            action,
            entity_type: "user",
            entity_id: user_id.to_string(),
            summary: format!("用户 {username} {verb}"),
            before: None,
            after: None,
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// API tokens

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub const MAX_TOKEN_NAME_CHARS: usize = 50;

/// Creates a token for `actor`'s own account; the secret is returned once and never stored.
pub async fn create_api_token(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    name: &str,
) -> Result<String> {
    let user_id = actor
        .user_id
        .ok_or_else(|| DbError::Invalid("只有登录用户可以创建令牌".into()))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME_CHARS {
        return Err(DbError::Invalid(format!(
            "令牌名称须为1至{MAX_TOKEN_NAME_CHARS}个字符"
        )));
    }
    let secret = format!("fz_{}", new_secret());
    let mut tx = db.begin().await?;
    let token_id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(secret_digest(&secret))
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "api_token.create",
            entity_type: "api_token",
            entity_id: token_id.to_string(),
            summary: format!("创建API令牌“{name}”"),
            before: None,
            after: Some(&serde_json::json!({ "name": name, "user_id": user_id })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// The user a bearer token belongs to, if the token is live and the user enabled.
pub async fn user_for_api_token(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
    let digest = secret_digest(secret);
    let found: Option<(i64, Option<DateTime<Utc>>)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = FALSE",
        )
        .bind(&digest)
        .fetch_optional(pool)
        .await
    })?;
    let Some((user_id, last_used_at)) = found else {
        return Ok(None);
    };
    // "Last used" to the minute is enough; writing on every call would serialise API reads on SQLite.
    if last_used_at.is_none_or(|at| now - at > Duration::minutes(1)) {
        on_pool!(db, pool => {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&digest)
                .execute(pool)
                .await.map(|done| done.rows_affected())
        })?;
    }
    Ok(Some(user_id))
}

pub async fn api_tokens_of(db: &Db, user_id: i64) -> Result<Vec<ApiTokenRow>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// Revokes one of `actor`'s own tokens.
pub async fn revoke_api_token(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    token_id: i64,
) -> Result<()> {
    let user_id = actor.user_id.ok_or(DbError::NotFound)?;
    let mut tx = db.begin().await?;
    let changed = on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(now)
            .bind(token_id)
            .bind(user_id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), ()> {
            action: "api_token.revoke",
            entity_type: "api_token",
            entity_id: token_id.to_string(),
            summary: "撤销API令牌".into(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

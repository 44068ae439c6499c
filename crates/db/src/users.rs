//! Accounts and their grants.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Page, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Utc};
use fazhi_core::auth::{check_password_strength, hash_password};
use fazhi_core::org::{Grant, Role, Scope};
use serde::Serialize;

pub const MAX_DISPLAY_NAME_CHARS: usize = 50;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub division_path: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    /// The user record itself is owned by the user's agency.
    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }
}

const SELECT_USER: &str = "SELECT u.id, u.username, u.display_name, u.agency_id, a.code AS agency_code, \
     a.name AS agency_name, d.path AS division_path, u.disabled, u.created_at \
     FROM users u JOIN agencies a ON a.id = u.agency_id JOIN divisions d ON d.id = a.division_id";

/// A grant as stored, with the names needed to show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct GrantRow {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub scope_kind: String,
    pub agency_id: Option<i64>,
    pub division_id: Option<i64>,
    pub scope_name: String,
    pub division_path: Option<String>,
}

impl GrantRow {
    pub fn to_grant(&self) -> Option<Grant> {
        let role = Role::parse(&self.role)?;
        let scope = match (
            self.scope_kind.as_str(),
            self.agency_id,
            &self.division_path,
        ) {
            ("platform", _, _) => Scope::Platform,
            ("agency", Some(agency_id), _) => Scope::Agency { agency_id },
            ("division", None, Some(path)) => Scope::Division { path: path.clone() },
            _ => return None,
        };
        Some(Grant { role, scope })
    }

    pub fn role_zh(&self) -> &'static str {
        Role::parse(&self.role).map(|r| r.zh()).unwrap_or("")
    }
}

/// A grant to create: a role over the platform, an agency or a division subtree (named by code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NewScope {
    Platform,
    Agency(String),
    Division(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewGrant {
    pub role: Role,
    pub scope: NewScope,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub agency_code: String,
    #[serde(skip)]
    pub password: String,
    pub grants: Vec<NewGrant>,
}

/// Usernames: 3–32 of a–z, 0–9, `.`, `_`, `-`, starting with a letter.
pub fn check_username(username: &str) -> Result<(), DbError> {
    let valid_chars = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    let starts_with_letter = username
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase());
    if !(3..=32).contains(&username.len()) || !valid_chars || !starts_with_letter {
        return Err(DbError::Invalid(
            "用户名须为3至32位小写字母、数字或“._-”，并以字母开头".into(),
        ));
    }
    Ok(())
}

fn check_display_name(name: &str) -> Result<(), DbError> {
    if name.trim().is_empty() {
        return Err(DbError::Invalid("姓名不能为空".into()));
    }
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(DbError::Invalid(format!(
            "姓名不能超过{MAX_DISPLAY_NAME_CHARS}个字符"
        )));
    }
    Ok(())
}

/// Creates a user with grants, all in one transaction with its audit entry.
pub async fn create_user(db: &Db, actor: &Actor, now: DateTime<Utc>, new: &NewUser) -> Result<i64> {
    check_username(&new.username)?;
    check_display_name(&new.display_name)?;
    check_password_strength(&new.password).map_err(|e| DbError::Invalid(e.to_string()))?;
    let password_hash =
        hash_password(&new.password).map_err(|e| DbError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    let agency_id = agency_id_by_code(&mut tx, &new.agency_code).await?;
    let inserted: Result<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO users (username, display_name, agency_id, password_hash, disabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, FALSE, $5, $5) RETURNING id",
        )
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(agency_id)
        .bind(&password_hash)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })
    .map_err(Into::into);
    let user_id = match inserted {
        Err(DbError::Duplicate(_)) => {
            return Err(DbError::Invalid(format!(
                "用户名“{}”已被使用",
                new.username
            )));
        }
        other => other?,
    };
    for grant in &new.grants {
        insert_grant(&mut tx, user_id, grant).await?;
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "user.create",
            entity_type: "user",
            entity_id: user_id.to_string(),
            summary: format!("创建用户 {}（{}）", new.username, new.display_name),
            before: None,
            after: Some(new),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

async fn agency_id_by_code(tx: &mut Tx, code: &str) -> Result<i64> {
    let id: Option<i64> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM agencies WHERE code = $1").bind(code).fetch_optional(&mut *conn).await
    })?;
    id.ok_or_else(|| DbError::Invalid(format!("机构“{code}”不存在")))
}

async fn insert_grant(tx: &mut Tx, user_id: i64, grant: &NewGrant) -> Result<()> {
    let (scope_kind, agency_id, division_id) = match &grant.scope {
        NewScope::Platform => ("platform", None, None),
        NewScope::Agency(code) => ("agency", Some(agency_id_by_code(tx, code).await?), None),
        NewScope::Division(code) => {
            let id: Option<i64> = on_tx!(&mut *tx, conn => {
                sqlx::query_scalar("SELECT id FROM divisions WHERE code = $1").bind(code).fetch_optional(&mut *conn).await
            })?;
            (
                "division",
                None,
                Some(id.ok_or_else(|| DbError::Invalid(format!("区划“{code}”不存在")))?),
            )
        }
    };
    let existing: i64 = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM user_grants WHERE user_id = $1 AND role = $2 AND scope_kind = $3 \
             AND COALESCE(agency_id, 0) = COALESCE($4, 0) AND COALESCE(division_id, 0) = COALESCE($5, 0)",
        )
        .bind(user_id)
        .bind(grant.role.as_str())
        .bind(scope_kind)
        .bind(agency_id)
        .bind(division_id)
        .fetch_one(&mut *conn)
        .await
    })?;
    if existing > 0 {
        return Err(DbError::Invalid(format!(
            "该用户已有此范围内的“{}”角色",
            grant.role.zh()
        )));
    }
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO user_grants (user_id, role, scope_kind, agency_id, division_id) VALUES ($1, $2, $3, $4, $5)")
            .bind(user_id)
            .bind(grant.role.as_str())
            .bind(scope_kind)
            .bind(agency_id)
            .bind(division_id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(())
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("{SELECT_USER} WHERE u.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await).map_err(Into::into)
}

pub async fn user_by_username(db: &Db, username: &str) -> Result<Option<UserRow>> {
    let sql = format!("{SELECT_USER} WHERE u.username = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// The stored password hash and disabled flag, for login only.
pub async fn login_record(db: &Db, username: &str) -> Result<Option<(i64, String, bool)>> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT id, password_hash, disabled FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(pool)
            .await
    })
    .map_err(Into::into)
}

const SELECT_GRANT: &str = "SELECT g.id, g.user_id, g.role, g.scope_kind, g.agency_id, g.division_id, \
     COALESCE(a.name, d.name, '全平台') AS scope_name, d.path AS division_path \
     FROM user_grants g LEFT JOIN agencies a ON a.id = g.agency_id \
     LEFT JOIN divisions d ON d.id = g.division_id";

pub async fn grants_of(db: &Db, user_id: i64) -> Result<Vec<GrantRow>> {
    let sql = format!("{SELECT_GRANT} WHERE g.user_id = $1 ORDER BY g.id");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(pool).await)
    .map_err(Into::into)
}

/// Users visible within `scopes` (all users when `scopes` is `None`), optionally matching `search`
/// in username, name or agency. Returns a page and the total.
pub async fn list_users(
    db: &Db,
    scopes: Option<&[Scope]>,
    search: Option<&str>,
    page: Page,
) -> Result<(Vec<UserRow>, i64)> {
    let pattern = search.map(|s| format!("%{}%", crate::like_escape(s)));
    on_pool!(db, pool => {
        let mut rows_query = sqlx::QueryBuilder::new(SELECT_USER);
        push_user_filter(&mut rows_query, scopes, &pattern);
        rows_query.push(" ORDER BY d.path, a.code, u.username LIMIT ").push_bind(page.limit());
        rows_query.push(" OFFSET ").push_bind(page.offset());
        let rows: Vec<UserRow> = rows_query.build_query_as().fetch_all(pool).await?;
        let mut count_query = sqlx::QueryBuilder::new(
            "SELECT COUNT(*) FROM users u JOIN agencies a ON a.id = u.agency_id JOIN divisions d ON d.id = a.division_id",
        );
        push_user_filter(&mut count_query, scopes, &pattern);
        let total: i64 = count_query.build_query_scalar().fetch_one(pool).await?;
        Ok((rows, total))
    })
}

fn push_user_filter<DB>(
    query: &mut sqlx::QueryBuilder<DB>,
    scopes: Option<&[Scope]>,
    pattern: &Option<String>,
) where
    DB: sqlx::Database,
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    query.push(" WHERE 1 = 1");
    if let Some(pattern) = pattern {
        query
            .push(" AND (u.username LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        query
            .push(" OR u.display_name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        query
            .push(" OR a.name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\')");
    }
    if let Some(scopes) = scopes {
        crate::push_scope_filter(query, scopes, "u.agency_id", "d.path");
    }
}

pub async fn set_password(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    user_id: i64,
    password: &str,
) -> Result<()> {
    check_password_strength(password).map_err(|e| DbError::Invalid(e.to_string()))?;
    let password_hash = hash_password(password).map_err(|e| DbError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    let username = username_in_tx(&mut tx, user_id).await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(&password_hash)
            .bind(now)
            .bind(user_id)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected())
    })?;
    // A new password ends every session of the user.
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *conn).await.map(|done| done.rows_affected())
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), ()> {
            action: "user.set_password",
            entity_type: "user",
            entity_id: user_id.to_string(),
            summary: format!("重设用户 {username} 的密码"),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

async fn username_in_tx(tx: &mut Tx, user_id: i64) -> Result<String> {
    let name: Option<String> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT username FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut *conn).await
    })?;
    name.ok_or(DbError::NotFound)
}

pub async fn set_disabled(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    user_id: i64,
    disabled: bool,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let username = username_in_tx(&mut tx, user_id).await?;
    let was_disabled: bool = on_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT disabled FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *conn).await
    })?;
    if was_disabled == disabled {
        return Ok(());
    }
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(disabled)
            .bind(now)
            .bind(user_id)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected())
    })?;
    if disabled {
        on_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *conn).await.map(|done| done.rows_affected())
        })?;
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(user_id)
                .execute(&mut *conn)
                .await.map(|done| done.rows_affected())
        })?;
    }
    let (action, verb) = if disabled {
        ("user.disable", "停用")
    } else {
        ("user.enable", "启用")
    };
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<_, _> {
            action,
            entity_type: "user",
            entity_id: user_id.to_string(),
            summary: format!("{verb}用户 {username}"),
            before: Some(&serde_json::json!({ "disabled": was_disabled })),
            after: Some(&serde_json::json!({ "disabled": disabled })),
        },
    )
    .await?;
    tx.commit().await
}

pub async fn add_grant(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    user_id: i64,
    grant: &NewGrant,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let username = username_in_tx(&mut tx, user_id).await?;
    insert_grant(&mut tx, user_id, grant).await?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "user.grant",
            entity_type: "user",
            entity_id: user_id.to_string(),
            summary: format!("授予用户 {username} 角色 {}", grant.role.zh()),
            before: None,
            after: Some(grant),
        },
    )
    .await?;
    tx.commit().await
}

pub async fn remove_grant(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    grant: &GrantRow,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let username = username_in_tx(&mut tx, grant.user_id).await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM user_grants WHERE id = $1").bind(grant.id).execute(&mut *conn).await.map(|done| done.rows_affected())
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<_, ()> {
            action: "user.revoke",
            entity_type: "user",
            entity_id: grant.user_id.to_string(),
            summary: format!(
                "撤销用户 {username} 的角色 {}（{}）",
                grant.role_zh(),
                grant.scope_name
            ),
            before: Some(grant),
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

pub async fn grant_by_id(db: &Db, grant_id: i64) -> Result<Option<GrantRow>> {
    let sql = format!("{SELECT_GRANT} WHERE g.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(grant_id).fetch_optional(pool).await)
    .map_err(Into::into)
}

pub async fn count_users(db: &Db) -> Result<i64> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await)
        .map_err(Into::into)
}

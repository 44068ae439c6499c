//! Storage on SQLite (embedded default) and PostgreSQL. Every query is written once: the
//! `on_pool!` and `on_tx!` macros expand one body for each backend, so the SQL text and the Rust
//! around it exist once while each backend keeps its native types.

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalogues;
pub mod consultations;
pub mod documents;
pub mod foi;
pub mod foi_fees;
pub mod foi_figures;
pub mod foi_online;
pub mod foi_reply;
pub mod foi_report;
pub mod gazette;
pub mod interpretations;
pub mod messages;
pub mod openness_figures;
pub mod org;
pub mod params;
pub mod powers;
pub mod search;
pub mod users;

/// Runs `$body` with `$pool` bound to the concrete pool of whichever backend `$db` holds.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the open transaction's connection (`&mut Connection`).
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction. Every state change runs in one, together with its audit entry.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("数据库地址无效：{0}（应以 sqlite:// 或 postgres:// 开头）")]
    BadUrl(String),
    #[error("无法连接数据库：{0}")]
    Unreachable(String),
    #[error("数据库迁移失败：{0}")]
    Migration(String),
    #[error("{0}")]
    Invalid(String),
    #[error("记录不存在")]
    NotFound,
    #[error("记录已存在：{0}")]
    Duplicate(String),
    #[error("数据库错误")]
    Sqlx(#[source] sqlx::Error),
}

/// Why a spreadsheet import wrote nothing: problems at places in the file, or the database.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("文件有{}处错误，未写入任何数据：{}", .0.len(), .0.iter().take(5).map(ToString::to_string).collect::<Vec<_>>().join("；"))]
    Issues(Vec<fazhi_core::powers::import::ImportIssue>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(db_error) = error.as_database_error()
            && db_error.is_unique_violation()
        {
            let constraint = db_error.constraint().unwrap_or_default().to_string();
            return DbError::Duplicate(constraint);
        }
        if matches!(error, sqlx::Error::RowNotFound) {
            return DbError::NotFound;
        }
        DbError::Sqlx(error)
    }
}

pub type Result<T, E = DbError> = std::result::Result<T, E>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// How long start-up waits for the database before saying it is unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl Db {
    /// Opens the database named by `url`: `sqlite://PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(url).await
        } else {
            Err(DbError::BadUrl(redact_password(url)))
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Db> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| DbError::BadUrl(format!("{}: {e}", redact_password(url))))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = std::path::Path::new(options.get_filename()).parent()
            && !parent.as_os_str().is_empty()
            && !parent.exists()
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| DbError::Unreachable(format!("{}: {e}", parent.display())))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| DbError::Unreachable(e.to_string()))?;
        Ok(Db::Sqlite(pool))
    }

    async fn connect_postgres(url: &str) -> Result<Db> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect(url)
            .await
            .map_err(|e| DbError::Unreachable(e.to_string()))?;
        Ok(Db::Postgres(pool))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Applies pending migrations of this backend, then loads built-in reference data that the
    /// database does not hold yet (parameters, the holiday calendar).
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        }
        .map_err(|e| DbError::Migration(e.to_string()))?;
        params::seed_builtin(self).await?;
        powers::seed_categories(self).await?;
        powers::index_missing_terms(self).await?;
        calendar::seed_builtin_if_empty(self).await
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers wait for each other instead of failing half-way.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// Table name → sorted column names, for the schema parity test and `fazhi migrate --check`.
    pub async fn schema(&self) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
        let rows: Vec<(String, String)> = match self {
            Db::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx_%'",
                )
                .fetch_all(pool)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%'",
                )
                .fetch_all(pool)
                .await?
            }
        };
        let mut schema = std::collections::BTreeMap::<String, Vec<String>>::new();
        for (table, column) in rows {
            schema.entry(table).or_default().push(column);
        }
        for columns in schema.values_mut() {
            columns.sort();
        }
        Ok(schema)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Undoes everything done in the transaction (a dry run ends this way).
    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// Who made a change, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    /// An operator at the command line (`fazhi org import`, `fazhi user add`, the demo loader).
    pub fn cli(what: &str) -> Actor {
        Actor {
            user_id: None,
            name: format!("命令行:{what}"),
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub const DEFAULT_SIZE: u32 = 50;

    pub fn new(number: u32, size: u32) -> Page {
        Page {
            number: number.max(1),
            size: size.clamp(1, 500),
        }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.size)
    }
}

/// A database URL fit for messages and logs: `postgres://user:secret@host` → `postgres://user:***@host`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// The half-open range of materialised paths below `path` (itself included): a path `p` is in
/// the subtree iff `start <= p < end`. Unlike `LIKE 'path%'`, a range uses the index on both
/// databases. Paths are `/`-separated digits, so the end is the path with its final `/` raised
/// to the next character (`0`).
pub fn subtree_range(path: &str) -> (String, String) {
    let stem = path.strip_suffix('/').unwrap_or(path);
    (path.to_string(), format!("{stem}0"))
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Appends `AND (…)` keeping only rows inside `scopes`: an agency scope matches
/// `agency_column`, a division scope is a prefix match on `path_column` (materialised path).
/// An empty list matches nothing. Every scoped list query filters through this one function.
pub fn push_scope_filter<DB>(
    query: &mut sqlx::QueryBuilder<DB>,
    scopes: &[fazhi_core::org::Scope],
    agency_column: &str,
    path_column: &str,
) where
    DB: sqlx::Database,
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if scopes.is_empty() {
        query.push(" AND 1 = 0");
        return;
    }
    // No constant term in the OR: SQLite uses an index for `a = ? OR b LIKE ?` only when every
    // term can use one, and a leading `1 = 0` made a one-agency queue scan the whole table.
    query.push(" AND (");
    for (index, scope) in scopes.iter().enumerate() {
        if index > 0 {
            query.push(" OR ");
        }
        match scope {
            fazhi_core::org::Scope::Platform => {
                query.push("1 = 1");
            }
            fazhi_core::org::Scope::Agency { agency_id } => {
                query
                    .push(format!("{agency_column} = "))
                    .push_bind(*agency_id);
            }
            fazhi_core::org::Scope::Division { path } => {
                query
                    .push(format!("{path_column} LIKE "))
                    .push_bind(format!("{}%", like_escape(path)))
                    .push(" ESCAPE '\\'");
            }
        }
    }
    query.push(")");
}

#[cfg(test)]
mod tests {
    use super::{redact_password, subtree_range};

    #[test]
    fn a_subtree_is_a_range_of_paths() {
        let (start, end) = subtree_range("/440000/441400/");
        for inside in [
            "/440000/441400/",
            "/440000/441400/441402/",
            "/440000/441400/441481/441481126/",
        ] {
            assert!(
                start.as_str() <= inside && inside < end.as_str(),
                "{inside}"
            );
        }
        for outside in [
            "/440000/",
            "/440000/441300/",
            "/440000/4414001/",
            "/440000/441500/",
        ] {
            assert!(
                !(start.as_str() <= outside && outside < end.as_str()),
                "{outside}"
            );
        }
    }

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(
            redact_password("postgres://fz:s3cret@db/fazhi"),
            "postgres://fz:***@db/fazhi"
        );
        assert_eq!(
            redact_password("postgres://fz@db/fazhi"),
            "postgres://fz@db/fazhi"
        );
        assert_eq!(
            redact_password("sqlite://data/fazhi.db"),
            "sqlite://data/fazhi.db"
        );
    }
}

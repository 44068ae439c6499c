//! 政府公报 (issue 4 part 6, spec/openness.md §7): issues by year and number, assembled from
//! the published documents of the city and its counties, published once and then kept as they
//! are; the archive by year.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};

/// The gazette's sections, in the order an issue lists them.
pub const SECTIONS: [&str; 4] = ["规范性文件", "政府文件", "政府办公室文件", "其他"];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IssueRow {
    pub id: i64,
    pub year: i32,
    pub number: i32,
    pub status: String,
    pub published_on: Option<NaiveDate>,
    pub items: i64,
}

impl IssueRow {
    pub fn label(&self) -> String {
        format!("{}年第{}期", self.year, self.number)
    }
}

/// A document as a gazette lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    pub document_id: i64,
    pub section: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub agency_name: String,
    pub written_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub body: String,
}

const ISSUE: &str = "SELECT i.id, i.year, i.number, i.status, i.published_on, \
     (SELECT COUNT(*) FROM gazette_items g WHERE g.issue_id = i.id) AS items FROM gazette_issues i";

pub async fn issue(db: &Db, id: i64) -> Result<Option<IssueRow>> {
    let sql = format!("{ISSUE} WHERE i.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

pub async fn issue_by_number(db: &Db, year: i32, number: i32) -> Result<Option<IssueRow>> {
    let sql = format!("{ISSUE} WHERE i.year = $1 AND i.number = $2");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(year).bind(number).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// Every issue, newest first; only published ones when `public_only`.
pub async fn issues(db: &Db, public_only: bool) -> Result<Vec<IssueRow>> {
    let filter = if public_only {
        " WHERE i.status = 'published'"
    } else {
        ""
    };
    let sql = format!("{ISSUE}{filter} ORDER BY i.year DESC, i.number DESC");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(pool).await)
        .map_err(Into::into)
}

const ITEM: &str = "SELECT t.id AS document_id, g.section, t.title, t.doc_number_canonical AS doc_number, \
     a.name AS agency_name, t.written_on, t.published_on, t.body FROM gazette_items g \
     JOIN documents t ON t.id = g.document_id JOIN agencies a ON a.id = t.agency_id";

/// The contents of an issue, in order.
pub async fn items(db: &Db, issue_id: i64) -> Result<Vec<ItemRow>> {
    let sql = format!("{ITEM} WHERE g.issue_id = $1 ORDER BY g.serial");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(issue_id).fetch_all(pool).await)
        .map_err(Into::into)
}

/// The section a document goes in: normative and policy documents first, then by issuer.
fn section_of(needs_interpretation: bool, agency_kind: &str) -> &'static str {
    match (needs_interpretation, agency_kind) {
        (true, _) => SECTIONS[0],
        (false, "government") => SECTIONS[1],
        (false, "general_office") => SECTIONS[2],
        _ => SECTIONS[3],
    }
}

/// Documents that may go in an issue: published, with a 文号, by the government or the general
/// office of the city (`home_division`) or one of its counties, and in no issue yet; oldest
/// first, at most `limit`.
pub async fn candidates(db: &Db, home_division: &str, limit: i64) -> Result<Vec<ItemRow>> {
    let home = crate::org::division_by_code(db, home_division)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("行政区划“{home_division}”不存在")))?;
    let rows: Vec<Candidate> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT t.id AS document_id, t.needs_interpretation, a.kind AS agency_kind, t.title, \
             t.doc_number_canonical AS doc_number, a.name AS agency_name, t.written_on, t.published_on, t.body \
             FROM documents t JOIN agencies a ON a.id = t.agency_id JOIN divisions d ON d.id = a.division_id \
             WHERE t.status = 'published' AND t.doc_number_canonical IS NOT NULL \
             AND a.kind IN ('government', 'general_office') AND (d.id = $1 OR d.parent_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM gazette_items g WHERE g.document_id = t.id) \
             ORDER BY t.published_on, t.id LIMIT $2",
        )
        .bind(home.id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|row| ItemRow {
            section: section_of(row.needs_interpretation, &row.agency_kind).to_string(),
            document_id: row.document_id,
            title: row.title,
            doc_number: row.doc_number,
            agency_name: row.agency_name,
            written_on: row.written_on,
            published_on: row.published_on,
            body: row.body,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct Candidate {
    document_id: i64,
    needs_interpretation: bool,
    agency_kind: String,
    title: String,
    doc_number: Option<String>,
    agency_name: String,
    written_on: NaiveDate,
    published_on: Option<NaiveDate>,
    body: String,
}

/// Drafts an issue with the chosen documents (each must be a candidate).
pub async fn create(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    home_division: &str,
    year: i32,
    number: i32,
    document_ids: &[i64],
) -> Result<i64> {
    let today = now.date_naive();
    let per_year = crate::params::value(db, "openness.gazette.issues_per_year", today, "/").await?;
    let per_year: i32 = per_year.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 openness.gazette.issues_per_year 的值“{per_year}”不是整数"
        ))
    })?;
    if !(2000..=2100).contains(&year) {
        return Err(DbError::Invalid(format!("年份{year}无效")));
    }
    if number < 1 || number > per_year {
        return Err(DbError::Invalid(format!(
            "期号应为1至{per_year}（每年{per_year}期）"
        )));
    }
    if issue_by_number(db, year, number).await?.is_some() {
        return Err(DbError::Invalid(format!("{year}年第{number}期已经存在")));
    }
    if document_ids.is_empty() {
        return Err(DbError::Invalid("请选择本期刊登的文件".into()));
    }
    let candidates = candidates(db, home_division, 100_000).await?;
    let mut chosen: Vec<&ItemRow> = Vec::new();
    for id in document_ids {
        let item = candidates
            .iter()
            .find(|c| c.document_id == *id)
            .ok_or_else(|| {
                DbError::Invalid(format!(
                    "文件（编号{id}）不能刊登：须是本市或所属县（市、区）政府及其办公室已发布、有文号且未刊登过的文件"
                ))
            })?;
        if !chosen.iter().any(|c| c.document_id == *id) {
            chosen.push(item);
        }
    }
    chosen.sort_by_key(|item| SECTIONS.iter().position(|s| *s == item.section));
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO gazette_issues (year, number, status, created_by, created_at) \
             VALUES ($1, $2, 'draft', $3, $4) RETURNING id",
        )
        .bind(year)
        .bind(number)
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    for (serial, item) in chosen.iter().enumerate() {
        on_tx!(&mut tx, conn => {
            sqlx::query("INSERT INTO gazette_items (issue_id, serial, section, document_id) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(serial as i32 + 1)
                .bind(&item.section)
                .bind(item.document_id)
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
        })?;
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "gazette.create",
            entity_type: "gazette_issue",
            entity_id: id.to_string(),
            summary: format!("编辑政府公报{year}年第{number}期（{}篇）", chosen.len()),
            before: None,
            after: Some(
                &serde_json::json!({"year": year, "number": number, "documents": document_ids}),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Publishes a draft issue on `today`.
pub async fn publish(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    today: NaiveDate,
) -> Result<()> {
    let row = issue(db, id).await?.ok_or(DbError::NotFound)?;
    if row.status != "draft" {
        return Err(DbError::Invalid("该期公报已经发布".into()));
    }
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE gazette_issues SET status = 'published', published_on = $1 WHERE id = $2 AND status = 'draft'")
            .bind(today)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "gazette.publish",
            entity_type: "gazette_issue",
            entity_id: id.to_string(),
            summary: format!("发布政府公报{}", row.label()),
            before: None,
            after: Some(&serde_json::json!({"published_on": today})),
        },
    )
    .await?;
    tx.commit().await
}

//! Documents published on the government's own initiative (政务公开 主动公开, issue 4 part 1,
//! spec/openness.md §1–§2): drafted with their metadata, reviewed, published with the date of
//! publication set by the publication itself, and withdrawn with a public notice. The
//! 20-working-day publication deadline runs from the formed date (成文日期 unless staff give
//! another with a reason).

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_core::foi::Ground;
use fazhi_core::openness::{
    Disclosure, GENRES, IndexNumber, IndexPattern, SUBJECTS, parse_doc_number, vocabulary,
};
use serde::Serialize;

/// Longest title and body accepted (characters).
const TITLE_MAX: usize = 200;
const BODY_MAX: usize = 200_000;

/// A document as staff draft it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub agency_code: String,
    pub title: String,
    /// As written; empty for a document without a 文号.
    pub doc_number: String,
    /// 成文日期
    pub written_on: NaiveDate,
    /// When the document was formed, if not its 成文日期 (with the reason).
    pub formed: Option<(NaiveDate, String)>,
    pub subject: String,
    pub genre: String,
    pub disclosure: Disclosure,
    pub withhold_ground: Option<Ground>,
    /// 规章, 行政规范性文件 or a 政策性文件: published with an interpretation (spec §3.1).
    pub needs_interpretation: bool,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub index_no: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub division_path: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub doc_number_canonical: Option<String>,
    pub written_on: NaiveDate,
    pub formed_on: NaiveDate,
    pub formed_reason: String,
    pub subject: String,
    pub genre: String,
    pub disclosure: String,
    pub withhold_ground: Option<String>,
    pub validity: String,
    pub body: String,
    pub status: String,
    pub published_on: Option<NaiveDate>,
    pub withdrawal_notice: Option<String>,
    pub needs_interpretation: bool,
}

impl DocumentRow {
    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }
}

const SELECT: &str = "SELECT t.id, t.index_no, t.agency_id, a.name AS agency_name, d.path AS division_path, \
     t.title, t.doc_number, t.doc_number_canonical, t.written_on, t.formed_on, t.formed_reason, t.subject, \
     t.genre, t.disclosure, t.withhold_ground, t.validity, t.body, t.status, t.published_on, t.withdrawal_notice, \
     t.needs_interpretation \
     FROM documents t JOIN agencies a ON a.id = t.agency_id JOIN divisions d ON d.id = a.division_id";

pub async fn document(db: &Db, id: i64) -> Result<Option<DocumentRow>> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// Checks the fields; returns the canonical 文号, if any.
fn check(new: &NewDocument, today: NaiveDate) -> Result<Option<String>> {
    let invalid = |message: String| Err(DbError::Invalid(message));
    let title = new.title.trim().chars().count();
    if title == 0 || title > TITLE_MAX {
        return invalid(format!("标题须为1至{TITLE_MAX}个字符"));
    }
    if new.body.chars().count() > BODY_MAX {
        return invalid(format!("正文不能超过{BODY_MAX}个字符"));
    }
    if new.written_on > today {
        return invalid(format!("成文日期{}晚于今天", new.written_on));
    }
    if let Some((formed_on, reason)) = &new.formed {
        if *formed_on < new.written_on || *formed_on > today {
            return invalid(format!(
                "形成日期{formed_on}应在成文日期{}至今天之间",
                new.written_on
            ));
        }
        if reason.trim().is_empty() {
            return invalid("另定形成日期须写明理由".into());
        }
    }
    if !vocabulary(SUBJECTS).contains(&new.subject.trim()) {
        return invalid(format!("主题分类“{}”不在主题分类表中", new.subject));
    }
    if !vocabulary(GENRES).contains(&new.genre.trim()) {
        return invalid(format!("体裁“{}”不在体裁表中", new.genre));
    }
    match (new.disclosure, new.withhold_ground) {
        (Disclosure::Withheld, None) => return invalid("不予公开的须选择理由".into()),
        (Disclosure::Withheld, Some(_)) | (_, None) => {}
        (_, Some(_)) => return invalid("只有不予公开的文件才有不予公开的理由".into()),
    }
    match new.doc_number.trim() {
        "" => Ok(None),
        text => parse_doc_number(text)
            .map(|number| Some(number.canonical))
            .map_err(DbError::Invalid),
    }
}

/// The next 索引号 of `agency_code` in `year` by the platform's pattern.
async fn next_index_no(
    db: &Db,
    agency: &crate::org::AgencyRow,
    year: i32,
    today: NaiveDate,
) -> Result<String> {
    let pattern_text = crate::params::value(
        db,
        "openness.index_no.pattern",
        today,
        &agency.division_path,
    )
    .await?;
    let pattern = IndexPattern::parse(&pattern_text).map_err(DbError::Invalid)?;
    let issued: Vec<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT index_no FROM documents WHERE agency_id = $1")
            .bind(agency.id)
            .fetch_all(pool)
            .await
    })?;
    let last = issued
        .iter()
        .filter_map(|text| pattern.read(text).ok())
        .filter(|number| number.year == year && number.code == agency.code)
        .map(|number| number.serial)
        .max()
        .unwrap_or(0);
    pattern
        .format(&IndexNumber {
            code: agency.code.clone(),
            year,
            serial: last + 1,
        })
        .map_err(DbError::Invalid)
}

/// Drafts a document: its fields checked, its 文号 unique in canonical form, a 索引号 issued.
pub async fn create(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    new: &NewDocument,
) -> Result<DocumentRow> {
    let canonical = check(new, today)?;
    let agency = crate::org::agency_by_code(db, &new.agency_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("机构“{}”不存在", new.agency_code)))?;
    if let Some(canonical) = &canonical {
        let taken: Option<String> = on_pool!(db, pool => {
            sqlx::query_scalar("SELECT title FROM documents WHERE doc_number_canonical = $1")
                .bind(canonical)
                .fetch_optional(pool)
                .await
        })?;
        if let Some(title) = taken {
            return Err(DbError::Invalid(format!(
                "文号“{canonical}”已被《{title}》使用"
            )));
        }
    }
    let index_no = next_index_no(db, &agency, today.year(), today).await?;
    let (formed_on, formed_reason) = new
        .formed
        .clone()
        .unwrap_or((new.written_on, String::new()));
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO documents (index_no, agency_id, title, doc_number, doc_number_canonical, written_on, formed_on, \
             formed_reason, subject, genre, disclosure, withhold_ground, validity, body, status, created_by, created_at, \
             needs_interpretation) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '有效', $13, 'draft', $14, $15, $16) RETURNING id",
        )
        .bind(&index_no)
        .bind(agency.id)
        .bind(new.title.trim())
        .bind(Some(new.doc_number.trim()).filter(|t| !t.is_empty()))
        .bind(&canonical)
        .bind(new.written_on)
        .bind(formed_on)
        .bind(formed_reason.trim())
        .bind(new.subject.trim())
        .bind(new.genre.trim())
        .bind(new.disclosure.zh())
        .bind(new.withhold_ground.map(Ground::as_str))
        .bind(&new.body)
        .bind(actor.user_id)
        .bind(now)
        .bind(new.needs_interpretation)
        .fetch_one(&mut *conn)
        .await
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "document.create",
            entity_type: "document",
            entity_id: id.to_string(),
            summary: format!("起草《{}》（{index_no}）", new.title.trim()),
            before: None,
            after: Some(&serde_json::json!({
                "index_no": index_no,
                "doc_number": canonical,
                "written_on": new.written_on,
                "disclosure": new.disclosure.zh(),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    document(db, id).await?.ok_or(DbError::NotFound)
}

/// The publication deadline of a document (Art 26): `openness.proactive.limit_wd` working days
/// from its formed date, by the calendar in force.
pub async fn deadline(db: &Db, row: &DocumentRow) -> Result<NaiveDate> {
    let limit = crate::params::value(
        db,
        "openness.proactive.limit_wd",
        row.formed_on,
        &row.division_path,
    )
    .await?;
    let working_days: u32 = limit.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 openness.proactive.limit_wd 的值“{limit}”不是整数"
        ))
    })?;
    let calendar = crate::calendar::load(db).await?;
    calendar
        .due_date(row.formed_on, working_days)
        .map(|due| due.date)
        .map_err(|e| DbError::Invalid(e.to_string()))
}

/// A move of a document's status, with what it sets and its audit summary.
struct Move<'a> {
    from: &'a str,
    to: &'a str,
    published_on: Option<NaiveDate>,
    notice: Option<&'a str>,
    summary: String,
}

/// Moves a document's status, or says why it cannot (someone else moved it first).
async fn transition(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    row: &DocumentRow,
    step: Move<'_>,
) -> Result<()> {
    let Move {
        from,
        to,
        published_on,
        notice,
        summary,
    } = step;
    let mut tx = db.begin().await?;
    let changed = on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE documents SET status = $1, \
             published_on = COALESCE($2, published_on), \
             published_at = CASE WHEN $2 IS NULL THEN published_at ELSE $3 END, \
             withdrawal_notice = COALESCE($4, withdrawal_notice) \
             WHERE id = $5 AND status = $6",
        )
        .bind(to)
        .bind(published_on)
        .bind(now)
        .bind(notice)
        .bind(row.id)
        .bind(from)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    if changed != 1 {
        return Err(DbError::Invalid(
            "文件状态已被他人改变，请刷新后再试".into(),
        ));
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change {
            action: "document.status",
            entity_type: "document",
            entity_id: row.id.to_string(),
            summary,
            before: Some(&serde_json::json!({"status": from})),
            after: Some(
                &serde_json::json!({"status": to, "published_on": published_on, "notice": notice}),
            ),
        },
    )
    .await?;
    match (to, published_on) {
        ("published", Some(on)) => {
            let searchable = crate::search::Searchable {
                kind: "document",
                record_id: row.id,
                title: &row.title,
                text: &row.body,
                agency_id: row.agency_id,
                published_on: on,
                subject: &row.subject,
                genre: &row.genre,
                validity: &row.validity,
            };
            crate::search::index(&mut tx, &searchable).await?;
        }
        ("withdrawn", _) => crate::search::remove(&mut tx, "document", row.id).await?,
        _ => {}
    }
    tx.commit().await
}

fn require_status(row: &DocumentRow, status: &str, what: &str) -> Result<()> {
    if row.status == status {
        Ok(())
    } else {
        Err(DbError::Invalid(format!("只有{what}的文件才能这样处理")))
    }
}

/// A clerk sends a draft for review.
pub async fn submit(db: &Db, actor: &Actor, now: DateTime<Utc>, id: i64) -> Result<()> {
    let row = document(db, id).await?.ok_or(DbError::NotFound)?;
    require_status(&row, "draft", "草稿")?;
    let step = Move {
        from: "draft",
        to: "review",
        published_on: None,
        notice: None,
        summary: format!("提交审核《{}》", row.title),
    };
    transition(db, actor, now, &row, step).await
}

/// A reviewer publishes a reviewed 主动公开 document; the publication date is today.
pub async fn publish(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    today: NaiveDate,
) -> Result<NaiveDate> {
    let row = document(db, id).await?.ok_or(DbError::NotFound)?;
    require_status(&row, "review", "待审核")?;
    if row.disclosure != Disclosure::Proactive.zh() {
        return Err(DbError::Invalid(format!(
            "公开属性为“{}”的文件不主动发布",
            row.disclosure
        )));
    }
    if today < row.written_on {
        return Err(DbError::Invalid(format!(
            "发布日期不能早于成文日期{}",
            row.written_on
        )));
    }
    let due = deadline(db, &row).await?;
    let late = if today > due {
        format!("，超过公开期限{due}")
    } else {
        String::new()
    };
    let step = Move {
        from: "review",
        to: "published",
        published_on: Some(today),
        notice: None,
        summary: format!("发布《{}》（{}）{late}", row.title, row.index_no),
    };
    transition(db, actor, now, &row, step).await?;
    Ok(due)
}

/// A reviewer withdraws a published document; the notice is shown in its place.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    notice: &str,
) -> Result<()> {
    let row = document(db, id).await?.ok_or(DbError::NotFound)?;
    require_status(&row, "published", "已发布")?;
    let notice = notice.trim();
    if notice.is_empty() || notice.chars().count() > 500 {
        return Err(DbError::Invalid(
            "撤回须写明撤回说明（1至500个字符），公开页面将显示该说明".into(),
        ));
    }
    let step = Move {
        from: "published",
        to: "withdrawn",
        published_on: None,
        notice: Some(notice),
        summary: format!("撤回《{}》：{notice}", row.title),
    };
    transition(db, actor, now, &row, step).await
}

/// 主动公开 documents of agencies within `scopes` not published by their deadline as of
/// `today`, with the deadline.
pub async fn overdue(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
    today: NaiveDate,
) -> Result<Vec<(DocumentRow, NaiveDate)>> {
    let rows: Vec<DocumentRow> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(SELECT);
        query.push(" WHERE t.disclosure = '主动公开' AND t.status IN ('draft', 'review')");
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "t.agency_id", "d.path");
        }
        query.push(" ORDER BY t.formed_on, t.id");
        query.build_query_as().fetch_all(pool).await
    })?;
    let mut late = Vec::new();
    for row in rows {
        let due = deadline(db, &row).await?;
        if due < today {
            late.push((row, due));
        }
    }
    Ok(late)
}

/// Documents of agencies within `scopes` (all when `None`), newest first, a page of them, and
/// how many there are; with `public_only`, published and withdrawn ones only.
pub async fn list(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
    public_only: bool,
    page: crate::Page,
) -> Result<(Vec<DocumentRow>, i64)> {
    let filter = |query: &mut String| {
        query.push_str(" WHERE 1 = 1");
        if public_only {
            query.push_str(" AND t.status IN ('published', 'withdrawn')");
        }
    };
    let rows: Vec<DocumentRow> = on_pool!(db, pool => {
        let mut head = String::from(SELECT);
        filter(&mut head);
        let mut query = sqlx::QueryBuilder::new(head);
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "t.agency_id", "d.path");
        }
        // Published documents in publication order (an index walk); drafts have no
        // publication date and follow, newest written first.
        query.push(" ORDER BY t.published_on DESC NULLS LAST, t.written_on DESC, t.id DESC LIMIT ");
        query.push_bind(page.limit());
        query.push(" OFFSET ");
        query.push_bind(page.offset());
        query.build_query_as().fetch_all(pool).await
    })?;
    let total: i64 = on_pool!(db, pool => {
        let mut head = String::from(
            "SELECT COUNT(*) FROM documents t JOIN agencies a ON a.id = t.agency_id JOIN divisions d ON d.id = a.division_id",
        );
        filter(&mut head);
        let mut query = sqlx::QueryBuilder::new(head);
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "t.agency_id", "d.path");
        }
        query.build_query_scalar().fetch_one(pool).await
    })?;
    Ok((rows, total))
}

/// A published document as feeds and the sitemap list it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Published {
    pub id: i64,
    pub title: String,
    pub agency_name: String,
    pub published_at: DateTime<Utc>,
}

/// Published documents, newest first; at most `limit` of them.
pub async fn published(db: &Db, limit: i64) -> Result<Vec<Published>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT t.id, t.title, a.name AS agency_name, t.published_at FROM documents t \
             JOIN agencies a ON a.id = t.agency_id WHERE t.status = 'published' \
             ORDER BY t.published_at DESC, t.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// The document with a 索引号, if any.
pub async fn id_by_index_no(db: &Db, index_no: &str) -> Result<Option<i64>> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM documents WHERE index_no = $1")
            .bind(index_no.trim())
            .fetch_optional(pool)
            .await
    })
    .map_err(Into::into)
}

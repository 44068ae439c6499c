//! 政策解读 (issue 4 part 2, spec/openness.md §3): interpretations linked to the documents they
//! explain, published with or after them, and the checker's findings over the records.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Page, Result, on_pool, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_core::openness::{
    CheckRules, Finding, INTERPRETATION_FORMS, Interpretation, PolicyDocument,
    check_interpretations, vocabulary,
};

/// An interpretation as staff write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInterpretation {
    pub agency_code: String,
    pub title: String,
    pub form: String,
    pub body: String,
    pub document_ids: Vec<i64>,
}

/// Records an interpretation (a draft) with its links; every document must exist.
pub async fn create(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    new: &NewInterpretation,
) -> Result<i64> {
    let title = new.title.trim().chars().count();
    if title == 0 || title > 200 {
        return Err(DbError::Invalid("标题须为1至200个字符".into()));
    }
    if !vocabulary(INTERPRETATION_FORMS).contains(&new.form.trim()) {
        return Err(DbError::Invalid(format!(
            "解读形式“{}”不在形式表中",
            new.form
        )));
    }
    if new.body.chars().count() > 200_000 {
        return Err(DbError::Invalid("正文不能超过200000个字符".into()));
    }
    let agency = crate::org::agency_by_code(db, &new.agency_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("机构“{}”不存在", new.agency_code)))?;
    for id in &new.document_ids {
        if crate::documents::document(db, *id).await?.is_none() {
            return Err(DbError::Invalid(format!("所解读的文件（编号{id}）不存在")));
        }
    }
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO interpretations (agency_id, title, form, body, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 'draft', $5, $6) RETURNING id",
        )
        .bind(agency.id)
        .bind(new.title.trim())
        .bind(new.form.trim())
        .bind(&new.body)
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    for document in &new.document_ids {
        on_tx!(&mut tx, conn => {
            sqlx::query("INSERT INTO interpretation_documents (interpretation_id, document_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*document)
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
        })
        .map_err(|error| match DbError::from(error) {
            DbError::Duplicate(_) => DbError::Invalid("同一文件不能重复关联".into()),
            other => other,
        })?;
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "interpretation.create",
            entity_type: "interpretation",
            entity_id: id.to_string(),
            summary: format!("起草政策解读《{}》", new.title.trim()),
            before: None,
            after: Some(
                &serde_json::json!({"form": new.form.trim(), "documents": new.document_ids}),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The documents an interpretation explains, with their status and publication date.
async fn linked(db: &Db, id: i64) -> Result<Vec<(i64, String, Option<NaiveDate>)>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT t.id, t.status, t.published_on FROM interpretation_documents l \
             JOIN documents t ON t.id = l.document_id WHERE l.interpretation_id = $1 ORDER BY t.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// Publishes an interpretation today: with or after every document it explains, which must be
/// published already.
pub async fn publish(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    today: NaiveDate,
) -> Result<()> {
    for (document, status, published_on) in linked(db, id).await? {
        match published_on {
            Some(on) if status == "published" && on <= today => {}
            _ => {
                return Err(DbError::Invalid(format!(
                    "所解读的文件（编号{document}）尚未发布：解读与文件同步或在其后发布"
                )));
            }
        }
    }
    let row = interpretation(db, id).await?;
    let mut tx = db.begin().await?;
    let changed = on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE interpretations SET status = 'published', published_on = $1 WHERE id = $2 AND status = 'draft'")
            .bind(today)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    if changed != 1 {
        return Err(DbError::Invalid("只有草稿状态的解读才能发布".into()));
    }
    if let Some(row) = &row {
        let searchable = crate::search::Searchable {
            kind: "interpretation",
            record_id: id,
            title: &row.title,
            text: &row.body,
            agency_id: row.agency_id,
            published_on: today,
            subject: "",
            genre: "",
            validity: "",
        };
        crate::search::index(&mut tx, &searchable).await?;
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "interpretation.publish",
            entity_type: "interpretation",
            entity_id: id.to_string(),
            summary: format!("发布政策解读（编号{id}）"),
            before: None,
            after: Some(&serde_json::json!({"published_on": today})),
        },
    )
    .await?;
    tx.commit().await
}

/// The checker's findings over the published records (spec §3.3), with the parameters in
/// force today.
pub async fn findings(db: &Db, today: NaiveDate) -> Result<Vec<Finding>> {
    let documents: Vec<(i64, NaiveDate, String)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, published_on, body FROM documents \
             WHERE status = 'published' AND needs_interpretation AND published_on IS NOT NULL ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })?;
    let interpretations: Vec<(i64, NaiveDate, String)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, published_on, body FROM interpretations \
             WHERE status = 'published' AND published_on IS NOT NULL ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })?;
    let links: Vec<(i64, i64)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT interpretation_id, document_id FROM interpretation_documents")
            .fetch_all(pool)
            .await
    })?;
    let lag = crate::params::value(db, "openness.interpretation.max_lag_wd", today, "/").await?;
    let max_lag_wd: u32 = lag.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 openness.interpretation.max_lag_wd 的值“{lag}”不是整数"
        ))
    })?;
    let threshold =
        crate::params::value(db, "openness.interpretation.similarity_max", today, "/").await?;
    let similarity_max: f64 = threshold.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 openness.interpretation.similarity_max 的值“{threshold}”不是数"
        ))
    })?;
    let calendar = crate::calendar::load(db).await?;
    let rules = CheckRules {
        calendar: &calendar,
        max_lag_wd,
        similarity_max,
        today,
    };
    let documents: Vec<PolicyDocument> = documents
        .into_iter()
        .map(|(id, published_on, text)| PolicyDocument {
            id,
            published_on,
            text,
        })
        .collect();
    let interpretations: Vec<Interpretation> = interpretations
        .into_iter()
        .map(|(id, published_on, text)| Interpretation {
            id,
            document_ids: links
                .iter()
                .filter(|(i, _)| *i == id)
                .map(|(_, d)| *d)
                .collect(),
            published_on,
            text,
        })
        .collect();
    Ok(check_interpretations(&documents, &interpretations, &rules))
}

/// An interpretation with its agency, as the pages show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InterpretationRow {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub division_path: String,
    pub title: String,
    pub form: String,
    pub body: String,
    pub status: String,
    pub published_on: Option<NaiveDate>,
}

impl InterpretationRow {
    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }
}

const SELECT: &str = "SELECT t.id, t.agency_id, a.name AS agency_name, d.path AS division_path, \
     t.title, t.form, t.body, t.status, t.published_on \
     FROM interpretations t JOIN agencies a ON a.id = t.agency_id JOIN divisions d ON d.id = a.division_id";

pub async fn interpretation(db: &Db, id: i64) -> Result<Option<InterpretationRow>> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(pool).await
    })
    .map_err(Into::into)
}

/// Interpretations within `scopes` (all when `None`), newest first; only published ones when
/// `public_only`.
pub async fn list(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
    public_only: bool,
    page: Page,
) -> Result<(Vec<InterpretationRow>, i64)> {
    let filter = if public_only {
        " WHERE t.status = 'published'"
    } else {
        " WHERE 1 = 1"
    };
    let rows: Vec<InterpretationRow> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(format!("{SELECT}{filter}"));
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "t.agency_id", "d.path");
        }
        query.push(" ORDER BY COALESCE(t.published_on, '9999-12-31') DESC, t.id DESC LIMIT ");
        query.push_bind(page.limit());
        query.push(" OFFSET ");
        query.push_bind(page.offset());
        query.build_query_as().fetch_all(pool).await
    })?;
    let total: i64 = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(format!(
            "SELECT COUNT(*) FROM interpretations t JOIN agencies a ON a.id = t.agency_id \
             JOIN divisions d ON d.id = a.division_id{filter}"
        ));
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "t.agency_id", "d.path");
        }
        query.build_query_scalar().fetch_one(pool).await
    })?;
    Ok((rows, total))
}

/// One end of a link between a document and an interpretation, as a page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Linked {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub published_on: Option<NaiveDate>,
    /// The interpretation's form; the document's 索引号.
    pub detail: String,
}

/// The documents an interpretation explains.
pub async fn documents_of(db: &Db, id: i64) -> Result<Vec<Linked>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT t.id, t.title, t.status, t.published_on, t.index_no AS detail \
             FROM interpretation_documents l JOIN documents t ON t.id = l.document_id \
             WHERE l.interpretation_id = $1 ORDER BY t.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// The interpretations of a document; only published ones when `public_only`.
pub async fn of_document(db: &Db, document_id: i64, public_only: bool) -> Result<Vec<Linked>> {
    let filter = if public_only {
        " AND t.status = 'published'"
    } else {
        ""
    };
    let sql = format!(
        "SELECT t.id, t.title, t.status, t.published_on, t.form AS detail \
         FROM interpretation_documents l JOIN interpretations t ON t.id = l.interpretation_id \
         WHERE l.document_id = $1{filter} ORDER BY t.id"
    );
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(document_id).fetch_all(pool).await
    })
    .map_err(Into::into)
}

/// Spec §3.1 I3 and §3.3 "single form" for the documents published in a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub year: i32,
    /// Published documents that need an interpretation.
    pub needing: i64,
    /// Those with at least one published interpretation.
    pub interpreted: i64,
    /// Interpreted documents whose interpretations are all 文字解读.
    pub text_only: i64,
    /// `openness.interpretation.text_only_max`
    pub text_only_max: f64,
}

impl Coverage {
    /// 解读比例 as a percentage with one decimal, or `None` with nothing to interpret.
    pub fn ratio(&self) -> Option<f64> {
        share(self.interpreted, self.needing)
    }

    pub fn text_only_share(&self) -> Option<f64> {
        share(self.text_only, self.interpreted)
    }

    /// Whether the share of text-only documents is over the office's limit.
    pub fn single_form(&self) -> bool {
        self.text_only_share()
            .is_some_and(|share| share > self.text_only_max * 100.0)
    }
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The form a text-only interpretation has.
pub const TEXT_FORM: &str = "文字解读";

/// Coverage of the documents published in `year`.
pub async fn coverage(db: &Db, year: i32, today: NaiveDate) -> Result<Coverage> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| DbError::Invalid(format!("年份{year}无效")))?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(first);
    let forms: Vec<(i64, Option<String>)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT t.id, i.form FROM documents t \
             LEFT JOIN interpretation_documents l ON l.document_id = t.id \
             LEFT JOIN interpretations i ON i.id = l.interpretation_id AND i.status = 'published' \
             WHERE t.status = 'published' AND t.needs_interpretation \
             AND t.published_on >= $1 AND t.published_on <= $2 ORDER BY t.id",
        )
        .bind(first)
        .bind(last)
        .fetch_all(pool)
        .await
    })?;
    let mut by_document: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for (document, form) in forms {
        let entry = by_document.entry(document).or_default();
        entry.extend(form);
    }
    let limit =
        crate::params::value(db, "openness.interpretation.text_only_max", today, "/").await?;
    let text_only_max: f64 = limit.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 openness.interpretation.text_only_max 的值“{limit}”不是数"
        ))
    })?;
    let interpreted = by_document.values().filter(|f| !f.is_empty());
    Ok(Coverage {
        year: first.year(),
        needing: by_document.len() as i64,
        interpreted: interpreted.clone().count() as i64,
        text_only: interpreted
            .filter(|forms| forms.iter().all(|form| form == TEXT_FORM))
            .count() as i64,
        text_only_max,
    })
}

//! 政策解读 (issue 4 part 2, spec/openness.md §3): interpretations linked to the documents they
//! explain, published with or after them, and the checker's findings over the records.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
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

//! Applications sent on the public form (spec/foi.md §1–§2, issue 5 part 1). Under Art 31 an
//! online application is received on the day both sides confirm it, so it waits here until staff
//! record the confirmation, which creates the request and starts its clock. The applicant follows
//! it without an account through a secret link; only the secret's SHA-256 is stored.

use crate::audit::{self, Change};
use crate::foi::{NewRequest, RequestRow};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use fazhi_core::auth::secret_digest as tracking_hash;
use fazhi_core::foi::Channel;
use serde::Serialize;

/// Length of a tracking secret: `fazhi_core::auth::new_secret`, 32 random bytes as hex.
pub const TRACKING_KEY_CHARS: usize = 64;

/// Ways a confirmation with the applicant is made (spec §2: the platform records how).
pub const CONFIRMATION_METHODS: [&str; 3] = ["电话", "系统消息", "电子邮件"];

/// Whether `key` has the shape of a tracking secret (so that nothing else is ever hashed and
/// looked up).
pub fn is_tracking_key(key: &str) -> bool {
    key.len() == TRACKING_KEY_CHARS
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A submission. Name and contact are personal data: for staff with a grant on the agency.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SubmissionRow {
    pub id: i64,
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub division_path: String,
    pub submitted_at: DateTime<Utc>,
    pub submitted_on: NaiveDate,
    pub applicant_type: String,
    pub applicant_name: String,
    pub contact: String,
    pub description: String,
    pub purpose: String,
    pub form_requested: String,
    pub request_id: Option<i64>,
    pub confirmation: Option<String>,
}

impl SubmissionRow {
    /// The number the applicant quotes: `WS-YYYY-NNNNNN`.
    pub fn number(&self) -> String {
        format!("WS-{}-{:06}", self.submitted_on.format("%Y"), self.id)
    }

    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }
}

const SELECT: &str = "SELECT s.id, s.agency_id, a.code AS agency_code, a.name AS agency_name, \
     d.path AS division_path, s.submitted_at, s.submitted_on, s.applicant_type, s.applicant_name, \
     s.contact, s.description, s.purpose, s.form_requested, s.request_id, s.confirmation \
     FROM foi_submissions s JOIN agencies a ON a.id = s.agency_id JOIN divisions d ON d.id = a.division_id";

/// What the public form sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubmission {
    pub agency_code: String,
    pub applicant_type: String,
    pub applicant_name: String,
    pub contact: String,
    pub description: String,
    pub purpose: String,
    pub form_requested: String,
}

impl NewSubmission {
    /// The request this submission becomes once confirmed on `confirmed_on`.
    fn request(&self, submitted_on: NaiveDate, confirmed_on: NaiveDate) -> NewRequest {
        NewRequest {
            agency_code: self.agency_code.clone(),
            channel: Channel::Online,
            arrived_on: submitted_on,
            confirmed_on: Some(confirmed_on),
            applicant_type: self.applicant_type.clone(),
            applicant_name: self.applicant_name.clone(),
            contact: self.contact.clone(),
            description: self.description.clone(),
            purpose: self.purpose.clone(),
            form_requested: self.form_requested.clone(),
        }
    }
}

/// The submission whose secret is `key`, if any.
pub async fn by_tracking_key(db: &Db, key: &str) -> Result<Option<SubmissionRow>> {
    if !is_tracking_key(key) {
        return Ok(None);
    }
    let sql = format!("{SELECT} WHERE s.tracking_hash = $1");
    on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tracking_hash(key)).fetch_optional(pool).await
    })
    .map_err(Into::into)
}

pub async fn submission(db: &Db, id: i64) -> Result<Option<SubmissionRow>> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// Records a submission from the public form under the secret `key` the form carried. The same
/// key sent again (a double click, a reload) returns the first submission and writes nothing.
pub async fn submit(
    db: &Db,
    now: DateTime<Utc>,
    today: NaiveDate,
    new: &NewSubmission,
    key: &str,
) -> Result<SubmissionRow> {
    if !is_tracking_key(key) {
        return Err(DbError::Invalid(
            "表单已失效，请重新打开申请页面后提交".into(),
        ));
    }
    if let Some(existing) = by_tracking_key(db, key).await? {
        return Ok(existing);
    }
    crate::foi::check(&new.request(today, today))?;
    let agency = crate::org::agency_by_code(db, &new.agency_code)
        .await?
        .ok_or_else(|| DbError::Invalid("请选择受理申请的机关".into()))?;
    let mut tx = db.begin().await?;
    let inserted: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO foi_submissions (agency_id, submitted_at, submitted_on, applicant_type, applicant_name, \
             contact, description, purpose, form_requested, tracking_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tracking_hash) DO NOTHING RETURNING id",
        )
        .bind(agency.id)
        .bind(now)
        .bind(today)
        .bind(&new.applicant_type)
        .bind(new.applicant_name.trim())
        .bind(new.contact.trim())
        .bind(new.description.trim())
        .bind(new.purpose.trim())
        .bind(&new.form_requested)
        .bind(tracking_hash(key))
        .fetch_optional(&mut *conn)
        .await
    })?;
    let Some(id) = inserted else {
        // The same form arrived twice at once: the other one wrote it.
        tx.rollback().await?;
        return by_tracking_key(db, key).await?.ok_or(DbError::NotFound);
    };
    audit::append(
        &mut tx,
        &Actor {
            user_id: None,
            name: "公众网上申请".into(),
        },
        now,
        Change::<(), _> {
            action: "foi_submission.create",
            entity_type: "foi_submission",
            entity_id: id.to_string(),
            summary: format!("收到网上政府信息公开申请（{}）", agency.name),
            before: None,
            after: Some(&serde_json::json!({"agency": agency.code, "submitted_on": today})),
        },
    )
    .await?;
    tx.commit().await?;
    submission(db, id).await?.ok_or(DbError::NotFound)
}

/// Submissions not yet confirmed, of agencies within `scopes` (all when `None`), oldest first.
pub async fn unconfirmed(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
) -> Result<Vec<SubmissionRow>> {
    on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(SELECT);
        query.push(" WHERE s.request_id IS NULL");
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "s.agency_id", "d.path");
        }
        query.push(" ORDER BY s.submitted_at, s.id LIMIT 500");
        query.build_query_as().fetch_all(pool).await
    })
    .map_err(Into::into)
}

/// Records the confirmation with the applicant made on `confirmed_on` by `method`: the request is
/// created, received that day, and the submission points to it. Once only.
pub async fn confirm(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    confirmed_on: NaiveDate,
    method: &str,
    today: NaiveDate,
) -> Result<RequestRow> {
    let found = submission(db, id).await?.ok_or(DbError::NotFound)?;
    if found.request_id.is_some() {
        return Err(DbError::Invalid("该网上申请已确认，不能重复确认".into()));
    }
    if !CONFIRMATION_METHODS.contains(&method) {
        return Err(DbError::Invalid(format!(
            "确认方式应为{}之一",
            CONFIRMATION_METHODS.join("、")
        )));
    }
    if confirmed_on < found.submitted_on || confirmed_on > today {
        return Err(DbError::Invalid(format!(
            "确认日期应在提交日期{}至今天之间",
            found.submitted_on
        )));
    }
    let new = NewSubmission {
        agency_code: found.agency_code.clone(),
        applicant_type: found.applicant_type.clone(),
        applicant_name: found.applicant_name.clone(),
        contact: found.contact.clone(),
        description: found.description.clone(),
        purpose: found.purpose.clone(),
        form_requested: found.form_requested.clone(),
    }
    .request(found.submitted_on, confirmed_on);
    let prepared = crate::foi::prepare(db, &new).await?;
    let mut tx = db.begin().await?;
    let request_id = crate::foi::insert_request(&mut tx, actor, now, &new, &prepared).await?;
    let linked = on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE foi_submissions SET request_id = $1, confirmation = $2, confirmed_by = $3 \
             WHERE id = $4 AND request_id IS NULL",
        )
        .bind(request_id)
        .bind(format!("{confirmed_on} {method}"))
        .bind(actor.user_id)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    if linked != 1 {
        return Err(DbError::Invalid("该网上申请已确认，不能重复确认".into()));
    }
    tx.commit().await?;
    crate::foi::request(db, request_id)
        .await?
        .ok_or(DbError::NotFound)
}

//! 网民留言 (issue 4 part 5, spec/openness.md §6): intake from the public form and from other
//! platforms, routing between agencies, the reply with its deadline, publication of the
//! question and answer without personal data, and the sender's rating.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Page, Result, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use fazhi_core::messages::{CATEGORIES, Channel, SATISFACTION, Validity};
use fazhi_core::privacy::{has_personal, mask_personal};

/// A message as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub channel: Channel,
    /// The other platform's number for a forwarded message.
    pub source_ref: String,
    pub received_on: NaiveDate,
    pub sender_name: String,
    pub sender_contact: String,
    pub category: String,
    pub title: String,
    pub body: String,
    /// The agency that handles it first.
    pub agency_code: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub channel: String,
    pub source_ref: String,
    pub received_on: NaiveDate,
    pub sender_name: String,
    pub sender_contact: String,
    pub category: String,
    pub title: String,
    pub body: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub division_path: String,
    pub due_on: NaiveDate,
    pub validity: String,
    pub validity_reason: String,
    pub reply: Option<String>,
    pub replied_on: Option<NaiveDate>,
    pub published: bool,
    pub public_title: String,
    pub public_body: String,
    pub satisfaction: Option<String>,
}

impl MessageRow {
    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }

    pub fn channel_zh(&self) -> &'static str {
        Channel::parse(&self.channel).map_or("", Channel::zh)
    }

    pub fn validity_zh(&self) -> &'static str {
        Validity::parse(&self.validity).map_or("", Validity::zh)
    }

    /// Whether an answer is still owed.
    pub fn open(&self) -> bool {
        self.replied_on.is_none() && self.validity == "valid"
    }

    /// Working through `today`: past its deadline without a reply.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.open() && today > self.due_on
    }

    pub fn status_zh(&self, today: NaiveDate) -> &'static str {
        if self.replied_on.is_some() {
            "已答复"
        } else if self.validity != "valid" {
            "不予答复"
        } else if today > self.due_on {
            "已逾期"
        } else {
            "办理中"
        }
    }
}

const SELECT: &str = "SELECT m.id, m.channel, m.source_ref, m.received_on, m.sender_name, m.sender_contact, \
     m.category, m.title, m.body, m.agency_id, a.name AS agency_name, d.path AS division_path, m.due_on, \
     m.validity, m.validity_reason, m.reply, m.replied_on, m.published, m.public_title, m.public_body, \
     m.satisfaction FROM messages m JOIN agencies a ON a.id = m.agency_id JOIN divisions d ON d.id = a.division_id";

pub async fn message(db: &Db, id: i64) -> Result<Option<MessageRow>> {
    let sql = format!("{SELECT} WHERE m.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// The message a tracking key belongs to.
pub async fn by_tracking_key(db: &Db, key: &str) -> Result<Option<MessageRow>> {
    let sql = format!("{SELECT} WHERE m.tracking_hash = $1");
    let hash = fazhi_core::auth::secret_digest(key);
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(hash.clone()).fetch_optional(pool).await)
        .map_err(Into::into)
}

fn check(new: &NewMessage, today: NaiveDate) -> Result<()> {
    let invalid = |message: &str| Err(DbError::Invalid(message.into()));
    let length = |text: &str| text.trim().chars().count();
    if length(&new.title) == 0 || length(&new.title) > 100 {
        return invalid("标题须为1至100个字符");
    }
    if length(&new.body) == 0 || length(&new.body) > 5_000 {
        return invalid("留言内容须为1至5000个字符");
    }
    if !CATEGORIES.contains(&new.category.as_str()) {
        return invalid("请选择留言类别");
    }
    if length(&new.sender_name) == 0 || length(&new.sender_name) > 50 {
        return invalid("请填写姓名（不超过50个字符）");
    }
    if length(&new.sender_contact) == 0 || length(&new.sender_contact) > 100 {
        return invalid("请填写联系方式（不超过100个字符）");
    }
    if new.channel.forwarded() && new.source_ref.trim().is_empty() {
        return invalid("转办的留言须填写原平台的编号");
    }
    if new.received_on > today {
        return invalid("收到日期不能晚于今天");
    }
    Ok(())
}

/// The reply deadline: the channel's period in working days from receipt.
pub async fn due_on(db: &Db, channel: Channel, received_on: NaiveDate) -> Result<NaiveDate> {
    let key = channel.limit_key();
    let value = crate::params::value(db, &key, received_on, "/").await?;
    let days: u32 = value
        .parse()
        .map_err(|_| DbError::Invalid(format!("参数 {key} 的值“{value}”不是整数")))?;
    let calendar = crate::calendar::load(db).await?;
    Ok(calendar
        .due_date(received_on, days)
        .map_err(|error| DbError::Invalid(error.to_string()))?
        .date)
}

/// Records a message; `key` (the public form's secret) makes a second send find the first.
pub async fn create(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    new: &NewMessage,
    key: Option<&str>,
) -> Result<i64> {
    check(new, today)?;
    let hash = key.map(fazhi_core::auth::secret_digest);
    if let Some(key) = key
        && let Some(existing) = by_tracking_key(db, key).await?
    {
        return Ok(existing.id);
    }
    let agency = crate::org::agency_by_code(db, &new.agency_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("机构“{}”不存在", new.agency_code)))?;
    let due = due_on(db, new.channel, new.received_on).await?;
    let mut tx = db.begin().await?;
    let inserted: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO messages (channel, source_ref, received_on, sender_name, sender_contact, category, title, \
             body, agency_id, due_on, validity, validity_reason, published, public_title, public_body, tracking_hash, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'valid', '', $11, $12, $13, $14, $15) \
             ON CONFLICT (tracking_hash) DO NOTHING RETURNING id",
        )
        .bind(new.channel.as_str())
        .bind(new.source_ref.trim())
        .bind(new.received_on)
        .bind(new.sender_name.trim())
        .bind(new.sender_contact.trim())
        .bind(&new.category)
        .bind(new.title.trim())
        .bind(new.body.trim())
        .bind(agency.id)
        .bind(due)
        .bind(false)
        .bind(mask_personal(new.title.trim()))
        .bind(mask_personal(new.body.trim()))
        .bind(&hash)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await
    })?;
    let Some(id) = inserted else {
        tx.rollback().await?;
        let key = key.ok_or(DbError::NotFound)?;
        return by_tracking_key(db, key)
            .await?
            .map(|m| m.id)
            .ok_or(DbError::NotFound);
    };
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "message.create",
            entity_type: "message",
            entity_id: id.to_string(),
            summary: format!("收到{}留言《{}》", new.channel.zh(), new.title.trim()),
            before: None,
            after: Some(&serde_json::json!({
                "channel": new.channel.as_str(), "source_ref": new.source_ref.trim(),
                "agency": agency.code, "due_on": due,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn require_open(row: &MessageRow) -> Result<()> {
    if row.replied_on.is_some() {
        return Err(DbError::Invalid("留言已答复".into()));
    }
    Ok(())
}

/// Hands a message to another agency, with the reason; the deadline does not move.
pub async fn transfer(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    id: i64,
    to_agency_code: &str,
    reason: &str,
) -> Result<()> {
    let row = message(db, id).await?.ok_or(DbError::NotFound)?;
    require_open(&row)?;
    let to = crate::org::agency_by_code(db, to_agency_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("机构“{}”不存在", to_agency_code.trim())))?;
    if to.id == row.agency_id {
        return Err(DbError::Invalid("留言已由该机构办理".into()));
    }
    if reason.trim().is_empty() || reason.chars().count() > 500 {
        return Err(DbError::Invalid("请说明转办理由（不超过500个字符）".into()));
    }
    let serial = transfers(db, id).await?.len() as i32 + 1;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO message_transfers (message_id, serial, from_agency_id, to_agency_id, transferred_on, reason) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(serial)
        .bind(row.agency_id)
        .bind(to.id)
        .bind(today)
        .bind(reason.trim())
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE messages SET agency_id = $1 WHERE id = $2")
            .bind(to.id)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change {
            action: "message.transfer",
            entity_type: "message",
            entity_id: id.to_string(),
            summary: format!("留言（编号{id}）由{}转{}办理", row.agency_name, to.name),
            before: Some(&serde_json::json!({"agency_id": row.agency_id})),
            after: Some(&serde_json::json!({"agency_id": to.id, "reason": reason.trim()})),
        },
    )
    .await?;
    tx.commit().await
}

/// (serial, from, to, on, reason)
pub type Transfer = (i32, String, String, NaiveDate, String);

pub async fn transfers(db: &Db, id: i64) -> Result<Vec<Transfer>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT t.serial, f.name, o.name, t.transferred_on, t.reason FROM message_transfers t \
             JOIN agencies f ON f.id = t.from_agency_id JOIN agencies o ON o.id = t.to_agency_id \
             WHERE t.message_id = $1 ORDER BY t.serial",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// Marks a message as one not to answer (or back to valid), with the reason.
pub async fn judge(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    validity: Validity,
    reason: &str,
) -> Result<()> {
    let row = message(db, id).await?.ok_or(DbError::NotFound)?;
    require_open(&row)?;
    if validity != Validity::Valid && reason.trim().is_empty() {
        return Err(DbError::Invalid(format!(
            "认定为“{}”须说明理由",
            validity.zh()
        )));
    }
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE messages SET validity = $1, validity_reason = $2 WHERE id = $3")
            .bind(validity.as_str())
            .bind(reason.trim())
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change {
            action: "message.validity",
            entity_type: "message",
            entity_id: id.to_string(),
            summary: format!("认定留言（编号{id}）为{}", validity.zh()),
            before: Some(&serde_json::json!({"validity": row.validity})),
            after: Some(
                &serde_json::json!({"validity": validity.as_str(), "reason": reason.trim()}),
            ),
        },
    )
    .await?;
    tx.commit().await
}

/// The reply as staff send it: its text, and whether the question and answer are published
/// (with the public wording of the question, which may not contain personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub publish: bool,
    pub public_title: String,
    pub public_body: String,
}

/// Answers a message on `today`.
pub async fn reply(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    id: i64,
    answer: &Reply,
) -> Result<()> {
    let row = message(db, id).await?.ok_or(DbError::NotFound)?;
    require_open(&row)?;
    if row.validity != "valid" {
        return Err(DbError::Invalid(
            "已认定为不予答复的留言，如需答复请先改为有效".into(),
        ));
    }
    let text = answer.text.trim();
    if text.is_empty() || text.chars().count() > 10_000 {
        return Err(DbError::Invalid("答复内容须为1至10000个字符".into()));
    }
    if answer.publish {
        for (label, public) in [
            ("公开标题", &answer.public_title),
            ("公开内容", &answer.public_body),
            ("答复内容", &answer.text),
        ] {
            if public.trim().is_empty() {
                return Err(DbError::Invalid(format!("公开的留言须有{label}")));
            }
            if has_personal(public) {
                return Err(DbError::Invalid(format!(
                    "{label}中仍有身份证号或电话号码，请删去后再公开"
                )));
            }
        }
    }
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE messages SET reply = $1, replied_on = $2, published = $3, public_title = $4, public_body = $5 \
             WHERE id = $6 AND replied_on IS NULL",
        )
        .bind(text)
        .bind(today)
        .bind(answer.publish)
        .bind(answer.public_title.trim())
        .bind(answer.public_body.trim())
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    if answer.publish {
        let searchable_text = format!("{}\n{}", answer.public_body.trim(), text);
        let searchable = crate::search::Searchable {
            kind: "message",
            record_id: id,
            title: answer.public_title.trim(),
            text: &searchable_text,
            agency_id: row.agency_id,
            published_on: today,
            subject: "",
            genre: "",
            validity: "",
        };
        crate::search::index(&mut tx, &searchable).await?;
    }
    let late = if today > row.due_on {
        format!("，超过答复期限{}", row.due_on)
    } else {
        String::new()
    };
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "message.reply",
            entity_type: "message",
            entity_id: id.to_string(),
            summary: format!("答复留言（编号{id}）{late}"),
            before: None,
            after: Some(&serde_json::json!({"replied_on": today, "published": answer.publish})),
        },
    )
    .await?;
    tx.commit().await
}

/// The sender's rating of the reply (from the tracking page, or recorded by staff after a
/// call-back).
pub async fn rate(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    satisfaction: &str,
) -> Result<()> {
    let row = message(db, id).await?.ok_or(DbError::NotFound)?;
    if row.replied_on.is_none() {
        return Err(DbError::Invalid("答复后才能评价".into()));
    }
    if !SATISFACTION.contains(&satisfaction) {
        return Err(DbError::Invalid("请选择满意、基本满意或不满意".into()));
    }
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE messages SET satisfaction = $1 WHERE id = $2")
            .bind(satisfaction)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change {
            action: "message.rate",
            entity_type: "message",
            entity_id: id.to_string(),
            summary: format!("留言（编号{id}）评价：{satisfaction}"),
            before: Some(&serde_json::json!({"satisfaction": row.satisfaction})),
            after: Some(&serde_json::json!({"satisfaction": satisfaction})),
        },
    )
    .await?;
    tx.commit().await
}

/// Which messages a queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Owed an answer, most urgent first.
    Open,
    /// Owed an answer and past the deadline.
    Overdue,
    Answered,
    All,
}

impl Show {
    pub const ALL: [Show; 4] = [Show::Open, Show::Overdue, Show::Answered, Show::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Show::Open => "open",
            Show::Overdue => "overdue",
            Show::Answered => "answered",
            Show::All => "all",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Show::Open => "待答复",
            Show::Overdue => "已逾期",
            Show::Answered => "已答复",
            Show::All => "全部",
        }
    }

    pub fn parse(text: &str) -> Option<Show> {
        Show::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

fn push_queue_filter<DB>(query: &mut sqlx::QueryBuilder<DB>, show: Show, today: NaiveDate)
where
    DB: sqlx::Database,
    for<'a> NaiveDate: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match show {
        Show::Open => query.push(" WHERE m.replied_on IS NULL AND m.validity = 'valid'"),
        Show::Overdue => query
            .push(" WHERE m.replied_on IS NULL AND m.validity = 'valid' AND m.due_on < ")
            .push_bind(today),
        Show::Answered => query.push(" WHERE m.replied_on IS NOT NULL"),
        Show::All => query.push(" WHERE 1 = 1"),
    };
}

/// A queue of the messages of agencies within `scopes` (all when `None`).
pub async fn queue(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
    show: Show,
    today: NaiveDate,
    page: Page,
) -> Result<(Vec<MessageRow>, i64)> {
    let order = match show {
        Show::Open | Show::Overdue => " ORDER BY m.due_on, m.id",
        Show::Answered => " ORDER BY m.replied_on DESC, m.id DESC",
        Show::All => " ORDER BY m.received_on DESC, m.id DESC",
    };
    let rows: Vec<MessageRow> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(SELECT);
        push_queue_filter(&mut query, show, today);
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "m.agency_id", "d.path");
        }
        query.push(order);
        query.push(" LIMIT ");
        query.push_bind(page.limit());
        query.push(" OFFSET ");
        query.push_bind(page.offset());
        query.build_query_as().fetch_all(pool).await
    })?;
    let total: i64 = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT COUNT(*) FROM messages m JOIN agencies a ON a.id = m.agency_id \
             JOIN divisions d ON d.id = a.division_id",
        );
        push_queue_filter(&mut query, show, today);
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "m.agency_id", "d.path");
        }
        query.build_query_scalar().fetch_one(pool).await
    })?;
    Ok((rows, total))
}

/// Published questions and answers, newest answer first.
pub async fn published(db: &Db, page: Page) -> Result<(Vec<MessageRow>, i64)> {
    let sql = format!(
        "{SELECT} WHERE m.published AND m.replied_on IS NOT NULL ORDER BY m.replied_on DESC, m.id DESC LIMIT $1 OFFSET $2"
    );
    let rows: Vec<MessageRow> = on_pool!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(pool)
            .await
    })?;
    let total: i64 = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM messages m WHERE m.published AND m.replied_on IS NOT NULL")
            .fetch_one(pool)
            .await
    })?;
    Ok((rows, total))
}

//! 意见征集 (issue 4 part 4, spec/openness.md §5): drafts published for comment, the comments
//! with their moderation, groups and dispositions, and the feedback report.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Page, Result, on_pool, on_tx};
use chrono::{DateTime, Days, NaiveDate, Utc};
use fazhi_core::consultation::{
    Disposition, DraftKind, FeedbackItem, FeedbackReport, Period, group_for, sections,
};
use fazhi_core::privacy::{has_personal, mask_personal};

/// The ways a comment arrives (spec §5).
pub const CHANNELS: [&str; 6] = ["网站", "电子邮件", "信函", "传真", "座谈会", "听证会"];
/// The channel of the public form.
pub const WEBSITE: &str = "网站";
/// Who commented.
pub const COMMENTER_TYPES: [&str; 2] = ["公民", "法人或其他组织"];
/// What the feedback report shows for a comment withheld from the public.
pub const WITHHELD_TEXT: &str = "（该意见内容不予公开）";
/// The longest comment accepted, in characters.
pub const COMMENT_MAX: usize = 5_000;

/// A consultation as staff set it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultation {
    pub agency_code: String,
    pub title: String,
    pub kind: DraftKind,
    pub draft_text: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// Why the window is shorter than the kind's minimum (713 Art 15); empty otherwise.
    pub short_reason: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsultationRow {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub division_path: String,
    pub title: String,
    pub kind: String,
    pub draft_text: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub short_reason: String,
    pub status: String,
    pub published_on: Option<NaiveDate>,
    pub feedback: Option<String>,
    pub feedback_published_on: Option<NaiveDate>,
}

impl ConsultationRow {
    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }

    pub fn kind_zh(&self) -> &'static str {
        DraftKind::parse(&self.kind).map_or("", DraftKind::zh)
    }

    /// Whether comments are taken on `today`.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.status == "published" && self.opens_on <= today && today <= self.closes_on
    }

    /// The published feedback report, if any.
    pub fn feedback_report(&self) -> Option<FeedbackReport> {
        self.feedback
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
    }

    pub fn sections(&self) -> Vec<String> {
        sections(&self.draft_text)
    }
}

const SELECT: &str = "SELECT t.id, t.agency_id, a.name AS agency_name, d.path AS division_path, \
     t.title, t.kind, t.draft_text, t.opens_on, t.closes_on, t.short_reason, t.status, t.published_on, \
     t.feedback, t.feedback_published_on \
     FROM consultations t JOIN agencies a ON a.id = t.agency_id JOIN divisions d ON d.id = a.division_id";

pub async fn consultation(db: &Db, id: i64) -> Result<Option<ConsultationRow>> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// The minimum period for a kind of draft opened on a day, and the earliest day it may close.
pub async fn earliest_close(
    db: &Db,
    kind: DraftKind,
    opens_on: NaiveDate,
) -> Result<(Period, NaiveDate)> {
    let record = crate::params::record(db, &kind.period_key(), opens_on, "/").await?;
    let period = Period::from_parameter(&record.value, record.unit.as_deref().unwrap_or(""))
        .map_err(DbError::Invalid)?;
    let rolls = crate::params::value(
        db,
        "calendar.calendar_period_rolls_to_working_day",
        opens_on,
        "/",
    )
    .await?
        == "true";
    let calendar = crate::calendar::load(db).await?;
    let close = period
        .earliest_close(&calendar, opens_on, rolls)
        .map_err(|error| DbError::Invalid(error.to_string()))?;
    Ok((period, close))
}

/// Checks the window against the kind's minimum; a shorter one needs its urgency stated.
async fn check_window(
    db: &Db,
    kind: DraftKind,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    short_reason: &str,
) -> Result<()> {
    if closes_on < opens_on {
        return Err(DbError::Invalid("截止日期不能早于开始日期".into()));
    }
    let (period, earliest) = earliest_close(db, kind, opens_on).await?;
    if closes_on < earliest && short_reason.trim().is_empty() {
        return Err(DbError::Invalid(format!(
            "{}草案征求意见一般不少于{}：{opens_on}开始的，最早于{earliest}截止；确因紧急需要缩短的，请填写缩短期限的理由",
            kind.zh(),
            period.zh()
        )));
    }
    Ok(())
}

fn check_fields(new: &NewConsultation) -> Result<()> {
    let title = new.title.trim().chars().count();
    if title == 0 || title > 200 {
        return Err(DbError::Invalid("标题须为1至200个字符".into()));
    }
    let draft = new.draft_text.trim().chars().count();
    if draft == 0 || draft > 200_000 {
        return Err(DbError::Invalid("征求意见稿正文须为1至200000个字符".into()));
    }
    if new.short_reason.chars().count() > 500 {
        return Err(DbError::Invalid("缩短期限的理由不能超过500个字符".into()));
    }
    Ok(())
}

/// Records a consultation (a draft) after checking its fields and window.
pub async fn create(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    new: &NewConsultation,
) -> Result<i64> {
    check_fields(new)?;
    check_window(db, new.kind, new.opens_on, new.closes_on, &new.short_reason).await?;
    let agency = crate::org::agency_by_code(db, &new.agency_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("机构“{}”不存在", new.agency_code)))?;
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO consultations (agency_id, title, kind, draft_text, opens_on, closes_on, short_reason, \
             status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9) RETURNING id",
        )
        .bind(agency.id)
        .bind(new.title.trim())
        .bind(new.kind.as_str())
        .bind(&new.draft_text)
        .bind(new.opens_on)
        .bind(new.closes_on)
        .bind(new.short_reason.trim())
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "consultation.create",
            entity_type: "consultation",
            entity_id: id.to_string(),
            summary: format!("起草意见征集《{}》", new.title.trim()),
            before: None,
            after: Some(&serde_json::json!({
                "kind": new.kind.as_str(), "opens_on": new.opens_on, "closes_on": new.closes_on,
                "short_reason": new.short_reason.trim(),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Publishes a draft consultation on `today`, which may not be after the window opens.
pub async fn publish(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    today: NaiveDate,
) -> Result<()> {
    let row = consultation(db, id).await?.ok_or(DbError::NotFound)?;
    if row.status != "draft" {
        return Err(DbError::Invalid("只有草稿状态的意见征集才能发布".into()));
    }
    if today > row.opens_on {
        return Err(DbError::Invalid(format!(
            "征求意见开始日期{}已过，请修改期限后再发布",
            row.opens_on
        )));
    }
    let kind =
        DraftKind::parse(&row.kind).ok_or_else(|| DbError::Invalid("草案类别无效".into()))?;
    check_window(db, kind, row.opens_on, row.closes_on, &row.short_reason).await?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE consultations SET status = 'published', published_on = $1 WHERE id = $2")
            .bind(today)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    let searchable = crate::search::Searchable {
        kind: "consultation",
        record_id: id,
        title: &row.title,
        text: &row.draft_text,
        agency_id: row.agency_id,
        published_on: today,
        subject: "",
        genre: "",
        validity: "",
    };
    crate::search::index(&mut tx, &searchable).await?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "consultation.publish",
            entity_type: "consultation",
            entity_id: id.to_string(),
            summary: format!("发布意见征集《{}》", row.title),
            before: None,
            after: Some(&serde_json::json!({"published_on": today})),
        },
    )
    .await?;
    tx.commit().await
}

/// Consultations within `scopes` (all when `None`), newest window first; only published ones
/// when `public_only`.
pub async fn list(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
    public_only: bool,
    page: Page,
) -> Result<(Vec<ConsultationRow>, i64)> {
    let filter = if public_only {
        " WHERE t.status = 'published'"
    } else {
        " WHERE 1 = 1"
    };
    let rows: Vec<ConsultationRow> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(format!("{SELECT}{filter}"));
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "t.agency_id", "d.path");
        }
        query.push(" ORDER BY t.opens_on DESC, t.id DESC LIMIT ");
        query.push_bind(page.limit());
        query.push(" OFFSET ");
        query.push_bind(page.offset());
        query.build_query_as().fetch_all(pool).await
    })?;
    let total: i64 = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(format!(
            "SELECT COUNT(*) FROM consultations t JOIN agencies a ON a.id = t.agency_id \
             JOIN divisions d ON d.id = a.division_id{filter}"
        ));
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "t.agency_id", "d.path");
        }
        query.build_query_scalar().fetch_one(pool).await
    })?;
    Ok((rows, total))
}

/// A comment as it arrives: from the public form (`key` set, so a second send finds the first)
/// or entered by staff from another channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub channel: String,
    pub received_on: NaiveDate,
    pub commenter_type: String,
    pub commenter_name: String,
    pub commenter_contact: String,
    pub section: String,
    pub content: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    pub id: i64,
    pub consultation_id: i64,
    pub channel: String,
    pub received_on: NaiveDate,
    pub commenter_type: String,
    pub commenter_name: String,
    pub commenter_contact: String,
    pub section: String,
    pub content: String,
    pub public_text: String,
    pub moderation: String,
    pub cluster_id: Option<i64>,
    pub disposition: Option<String>,
    pub reason: String,
}

impl CommentRow {
    pub fn moderation_zh(&self) -> &'static str {
        match self.moderation.as_str() {
            "pending" => "待审核",
            "shown" => "已公开",
            "withheld" => "不公开",
            _ => "",
        }
    }

    pub fn disposition_zh(&self) -> &'static str {
        self.disposition
            .as_deref()
            .and_then(Disposition::parse)
            .map_or("未处理", Disposition::zh)
    }
}

const COMMENT_COLUMNS: &str = "id, consultation_id, channel, received_on, commenter_type, commenter_name, \
     commenter_contact, section, content, public_text, moderation, cluster_id, disposition, reason";

/// Every comment of a consultation, in the order received.
pub async fn comments(db: &Db, consultation_id: i64) -> Result<Vec<CommentRow>> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS} FROM consultation_comments WHERE consultation_id = $1 ORDER BY id"
    );
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(consultation_id).fetch_all(pool).await)
        .map_err(Into::into)
}

pub async fn comment(db: &Db, id: i64) -> Result<Option<CommentRow>> {
    let sql = format!("SELECT {COMMENT_COLUMNS} FROM consultation_comments WHERE id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

fn check_comment(row: &ConsultationRow, new: &NewComment) -> Result<()> {
    let invalid = |message: String| Err(DbError::Invalid(message));
    if row.status != "published" {
        return invalid("该意见征集尚未发布".into());
    }
    if new.received_on < row.opens_on || new.received_on > row.closes_on {
        return invalid(format!(
            "征求意见期限为{}至{}，{}收到的意见不在期限内",
            row.opens_on, row.closes_on, new.received_on
        ));
    }
    if !CHANNELS.contains(&new.channel.as_str()) {
        return invalid(format!("意见来源“{}”无效", new.channel));
    }
    if !COMMENTER_TYPES.contains(&new.commenter_type.as_str()) {
        return invalid("请选择提出意见的是公民还是法人或其他组织".into());
    }
    if !row.sections().contains(&new.section) {
        return invalid(format!("征求意见稿中没有“{}”", new.section));
    }
    let length = new.content.trim().chars().count();
    if length == 0 {
        return invalid("请填写意见内容".into());
    }
    if length > COMMENT_MAX {
        return invalid(format!("意见内容不能超过{COMMENT_MAX}个字符"));
    }
    if new.commenter_name.chars().count() > 100 || new.commenter_contact.chars().count() > 200 {
        return invalid("姓名不能超过100个字符，联系方式不能超过200个字符".into());
    }
    Ok(())
}

/// The group a new comment joins among the consultation's earlier ones.
async fn group_of(
    db: &Db,
    row: &ConsultationRow,
    section: &str,
    content: &str,
    today: NaiveDate,
) -> Result<Option<i64>> {
    let threshold =
        crate::params::value(db, "openness.consultation.duplicate_min", today, "/").await?;
    let threshold: f64 = threshold.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 openness.consultation.duplicate_min 的值“{threshold}”不是数"
        ))
    })?;
    let leaders: Vec<(i64, String, String)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, section, content FROM consultation_comments \
             WHERE consultation_id = $1 AND cluster_id IS NULL ORDER BY id",
        )
        .bind(row.id)
        .fetch_all(pool)
        .await
    })?;
    let leaders: Vec<(i64, &str, &str)> = leaders
        .iter()
        .map(|(id, s, c)| (*id, s.as_str(), c.as_str()))
        .collect();
    Ok(group_for(&leaders, section, content, threshold))
}

/// Records a comment, pending moderation, with its public text masked and its group found.
/// `key` (from the public form) makes a second send of the same form return the first id.
pub async fn add_comment(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    consultation_id: i64,
    new: &NewComment,
    key: Option<&str>,
) -> Result<i64> {
    let row = consultation(db, consultation_id)
        .await?
        .ok_or(DbError::NotFound)?;
    check_comment(&row, new)?;
    if new.received_on > today {
        return Err(DbError::Invalid("收到日期不能晚于今天".into()));
    }
    let hashed = key.map(fazhi_core::auth::secret_digest);
    if let Some(hash) = &hashed
        && let Some(id) = comment_by_key(db, hash).await?
    {
        return Ok(id);
    }
    let cluster = group_of(db, &row, &new.section, new.content.trim(), today).await?;
    let mut tx = db.begin().await?;
    let inserted: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO consultation_comments (consultation_id, channel, received_on, commenter_type, \
             commenter_name, commenter_contact, section, content, public_text, moderation, cluster_id, \
             submission_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12) \
             ON CONFLICT (submission_key) DO NOTHING RETURNING id",
        )
        .bind(consultation_id)
        .bind(&new.channel)
        .bind(new.received_on)
        .bind(&new.commenter_type)
        .bind(new.commenter_name.trim())
        .bind(new.commenter_contact.trim())
        .bind(&new.section)
        .bind(new.content.trim())
        .bind(mask_personal(new.content.trim()))
        .bind(cluster)
        .bind(&hashed)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await
    })?;
    let Some(id) = inserted else {
        // The same form arrived twice at once: the other one wrote it.
        tx.rollback().await?;
        let hash = hashed.ok_or(DbError::NotFound)?;
        return comment_by_key(db, &hash).await?.ok_or(DbError::NotFound);
    };
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "consultation_comment.create",
            entity_type: "consultation_comment",
            entity_id: id.to_string(),
            summary: format!("收到对《{}》的意见（{}）", row.title, new.channel),
            before: None,
            after: Some(&serde_json::json!({
                "consultation": consultation_id, "section": new.section, "cluster": cluster,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn comment_by_key(db: &Db, hash: &str) -> Result<Option<i64>> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM consultation_comments WHERE submission_key = $1")
            .bind(hash)
            .fetch_optional(pool)
            .await
    })
    .map_err(Into::into)
}

/// Shows a comment with its public text (edited by staff, without personal data) or withholds
/// it from the public page; either way it stays in the count and needs a disposition.
pub async fn moderate(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    shown: bool,
    public_text: &str,
) -> Result<()> {
    let before = comment(db, id).await?.ok_or(DbError::NotFound)?;
    let public_text = public_text.trim();
    if shown {
        if public_text.is_empty() {
            return Err(DbError::Invalid("公开的意见须有公开文本".into()));
        }
        if has_personal(public_text) {
            return Err(DbError::Invalid(
                "公开文本中仍有身份证号或电话号码，请删去后再公开".into(),
            ));
        }
        if public_text.chars().count() > COMMENT_MAX {
            return Err(DbError::Invalid(format!(
                "公开文本不能超过{COMMENT_MAX}个字符"
            )));
        }
    }
    let moderation = if shown { "shown" } else { "withheld" };
    let text = if shown {
        public_text
    } else {
        before.public_text.as_str()
    };
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE consultation_comments SET moderation = $1, public_text = $2 WHERE id = $3")
            .bind(moderation)
            .bind(text)
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
            action: "consultation_comment.moderate",
            entity_type: "consultation_comment",
            entity_id: id.to_string(),
            summary: format!("审核意见（编号{id}）：{}", if shown { "公开" } else { "不公开" }),
            before: Some(&serde_json::json!({"moderation": before.moderation, "public_text": before.public_text})),
            after: Some(&serde_json::json!({"moderation": moderation, "public_text": text})),
        },
    )
    .await?;
    tx.commit().await
}

/// Records what was done with a comment and the comments grouped under it.
pub async fn dispose(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    disposition: Disposition,
    reason: &str,
) -> Result<()> {
    let before = comment(db, id).await?.ok_or(DbError::NotFound)?;
    if let Some(leader) = before.cluster_id {
        return Err(DbError::Invalid(format!(
            "该意见与编号{leader}的意见合并为一组，请在该组的第一条意见上处理"
        )));
    }
    let reason = reason.trim();
    if disposition.needs_reason() && reason.is_empty() {
        return Err(DbError::Invalid(format!(
            "{}的意见须说明理由",
            disposition.zh()
        )));
    }
    if reason.chars().count() > 2_000 {
        return Err(DbError::Invalid("理由不能超过2000个字符".into()));
    }
    let consultation = consultation(db, before.consultation_id)
        .await?
        .ok_or(DbError::NotFound)?;
    if consultation.feedback.is_some() {
        return Err(DbError::Invalid("反馈已发布，不能再修改处理意见".into()));
    }
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE consultation_comments SET disposition = $1, reason = $2 WHERE id = $3")
            .bind(disposition.as_str())
            .bind(reason)
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
            action: "consultation_comment.dispose",
            entity_type: "consultation_comment",
            entity_id: id.to_string(),
            summary: format!("处理意见（编号{id}）：{}", disposition.zh()),
            before: Some(
                &serde_json::json!({"disposition": before.disposition, "reason": before.reason}),
            ),
            after: Some(
                &serde_json::json!({"disposition": disposition.as_str(), "reason": reason}),
            ),
        },
    )
    .await?;
    tx.commit().await
}

/// The feedback report as it stands, or the reason it cannot be drawn up yet (groups without
/// a disposition).
pub async fn draft_feedback(db: &Db, row: &ConsultationRow) -> Result<FeedbackReport> {
    let all = comments(db, row.id).await?;
    let mut items = Vec::new();
    let mut undecided = Vec::new();
    let unmoderated = all
        .iter()
        .filter(|c| c.cluster_id.is_none() && c.moderation == "pending")
        .count();
    if unmoderated > 0 {
        return Err(DbError::Invalid(format!(
            "还有{unmoderated}组意见未审核，审核后才能生成反馈"
        )));
    }
    for leader in all.iter().filter(|c| c.cluster_id.is_none()) {
        let Some(disposition) = leader.disposition.as_deref().and_then(Disposition::parse) else {
            undecided.push(leader.id.to_string());
            continue;
        };
        items.push(FeedbackItem {
            section: leader.section.clone(),
            public_text: if leader.moderation == "shown" {
                leader.public_text.clone()
            } else {
                WITHHELD_TEXT.into()
            },
            count: 1 + all
                .iter()
                .filter(|c| c.cluster_id == Some(leader.id))
                .count(),
            disposition,
            reason: leader.reason.clone(),
        });
    }
    if !undecided.is_empty() {
        return Err(DbError::Invalid(format!(
            "还有{}组意见未处理（编号{}），全部处理后才能生成反馈",
            undecided.len(),
            undecided.join("、")
        )));
    }
    Ok(FeedbackReport::new(&row.sections(), items))
}

/// The day the feedback should be published by (`openness.consultation.feedback_days` after
/// the window closes).
pub async fn feedback_due(db: &Db, row: &ConsultationRow) -> Result<NaiveDate> {
    let days = crate::params::value(
        db,
        "openness.consultation.feedback_days",
        row.closes_on,
        "/",
    )
    .await?;
    let days: u64 = days.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 openness.consultation.feedback_days 的值“{days}”不是整数"
        ))
    })?;
    Ok(row
        .closes_on
        .checked_add_days(Days::new(days))
        .unwrap_or(row.closes_on))
}

/// Publishes the feedback report on `today`, after the window closed and with every group
/// decided; the report is kept as published.
pub async fn publish_feedback(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    today: NaiveDate,
) -> Result<FeedbackReport> {
    let row = consultation(db, id).await?.ok_or(DbError::NotFound)?;
    if row.status != "published" {
        return Err(DbError::Invalid("该意见征集尚未发布".into()));
    }
    if today <= row.closes_on {
        return Err(DbError::Invalid(format!(
            "征求意见{}截止，截止后才能发布反馈",
            row.closes_on
        )));
    }
    if row.feedback.is_some() {
        return Err(DbError::Invalid("反馈已经发布".into()));
    }
    let report = draft_feedback(db, &row).await?;
    let json = serde_json::to_string(&report).map_err(|e| DbError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE consultations SET feedback = $1, feedback_published_on = $2 WHERE id = $3 AND feedback IS NULL")
            .bind(&json)
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
            action: "consultation.feedback",
            entity_type: "consultation",
            entity_id: id.to_string(),
            summary: format!("发布《{}》意见采纳情况反馈", row.title),
            before: None,
            after: Some(&serde_json::json!({"published_on": today, "comments": report.comments, "groups": report.groups})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// A group of comments the public sees: the first comment's public text and the group size.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShownComment {
    pub id: i64,
    pub section: String,
    pub received_on: NaiveDate,
    pub public_text: String,
    pub count: i64,
}

/// The comments shown on the public page: group leaders approved by moderation.
pub async fn shown(db: &Db, consultation_id: i64) -> Result<Vec<ShownComment>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT c.id, c.section, c.received_on, c.public_text, \
             1 + (SELECT COUNT(*) FROM consultation_comments m WHERE m.cluster_id = c.id) AS count \
             FROM consultation_comments c WHERE c.consultation_id = $1 AND c.cluster_id IS NULL \
             AND c.moderation = 'shown' ORDER BY c.id",
        )
        .bind(consultation_id)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

//! The written answer of a request: the letter drafted from the template, and its delivery.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use fazhi_core::foi::ClockEvent;
use fazhi_core::foi::reply::{BUILTIN_TEMPLATES, Letter, LetterFacts, draft, parse_templates};
use serde::Serialize;

/// Ways a reply is delivered.
pub const DELIVERY_METHODS: [&str; 5] = ["邮寄", "电子邮件", "当面领取", "网上系统", "传真"];

/// The answer of request `id`: the date and outcome of its closing event, if it is closed.
async fn answer(db: &Db, id: i64) -> Result<Option<(NaiveDate, fazhi_core::foi::Outcome)>> {
    Ok(match crate::foi::events(db, id).await?.pop() {
        Some(ClockEvent::Answered { on, outcome }) => Some((on, outcome)),
        _ => None,
    })
}

/// The letter of an answered request, drafted from the bundled template.
pub async fn letter(db: &Db, id: i64) -> Result<Letter> {
    let request = crate::foi::request(db, id)
        .await?
        .ok_or(DbError::NotFound)?;
    let (answered_on, outcome) = answer(db, id).await?.ok_or_else(|| {
        DbError::Invalid("本申请尚未办结：请先在办理过程中记录办结和办理结果".into())
    })?;
    let (applicant, _) = crate::foi::applicant(db, id).await?.unwrap_or_default();
    let description: String = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT description FROM foi_requests WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
    })?;
    let templates = parse_templates(BUILTIN_TEMPLATES).map_err(DbError::Invalid)?;
    Ok(draft(
        &templates,
        &LetterFacts {
            applicant,
            received_on: request.received_on,
            description,
            outcome,
            agency_name: request.agency_name.clone(),
            answered_on,
            case_number: request.case_number.clone(),
        },
    ))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Delivery {
    pub method: String,
    pub delivered_on: NaiveDate,
    pub reference: String,
}

pub async fn deliveries(db: &Db, id: i64) -> Result<Vec<Delivery>> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT method, delivered_on, reference FROM foi_deliveries WHERE request_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(pool)
            .await
    })
    .map_err(Into::into)
}

/// Records that the reply of request `id` was delivered: after the answer, not after today.
pub async fn add_delivery(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    delivery: &Delivery,
    today: NaiveDate,
) -> Result<()> {
    let request = crate::foi::request(db, id)
        .await?
        .ok_or(DbError::NotFound)?;
    let (answered_on, _) = answer(db, id)
        .await?
        .ok_or_else(|| DbError::Invalid("本申请尚未办结，没有可送达的答复".into()))?;
    if !DELIVERY_METHODS.contains(&delivery.method.as_str()) {
        return Err(DbError::Invalid(format!(
            "送达方式应为{}之一",
            DELIVERY_METHODS.join("、")
        )));
    }
    if delivery.delivered_on < answered_on || delivery.delivered_on > today {
        return Err(DbError::Invalid(format!(
            "送达日期应在答复日期{answered_on}至今天之间"
        )));
    }
    let reference = delivery.reference.trim();
    if reference.chars().count() > 200 {
        return Err(DbError::Invalid("送达凭证说明不能超过200个字符".into()));
    }
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO foi_deliveries (request_id, method, delivered_on, reference, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&delivery.method)
        .bind(delivery.delivered_on)
        .bind(reference)
        .bind(actor.user_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "foi_request.delivery",
            entity_type: "foi_request",
            entity_id: id.to_string(),
            summary: format!(
                "{}：答复已{}送达（{}）",
                request.case_number, delivery.method, delivery.delivered_on
            ),
            before: None,
            after: Some(&serde_json::json!({"method": delivery.method, "delivered_on": delivery.delivered_on, "reference": reference})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

//! 信息处理费 decisions (spec/foi.md §5): the amount fazhi computes for each method, the decision
//! staff take with its approver, and the fees collected in a year for section 六 of the report.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_core::foi::ClockEvent;
use fazhi_core::foi::fees::{ApplicationBands, Method, PageBands};
use serde::Serialize;

/// What may be charged for a request, by each method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The request is the k-th of its applicant in the month of receipt (project rule: ordered
    /// by receipt date, then arrival, then registration; the same applicant is the same name).
    pub position_in_month: u32,
    pub per_application_yuan: u64,
    /// 按量, for the pages given.
    pub per_page_yuan: Option<u64>,
}

/// A recorded decision.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FeeDecision {
    pub request_id: i64,
    pub method: String,
    pub quantity: i64,
    pub amount_yuan: i64,
    pub decided_on: NaiveDate,
    pub approver_name: String,
}

impl FeeDecision {
    pub fn method_zh(&self) -> &'static str {
        Method::parse(&self.method).map_or("", Method::zh)
    }
}

/// The bands in force on `received_on` for an agency in `division_path`; none before the fee
/// rules took effect (国办函〔2020〕109号, from 2021-01-01).
async fn bands(
    db: &Db,
    received_on: NaiveDate,
    division_path: &str,
) -> Result<(ApplicationBands, PageBands)> {
    let records = crate::params::all(db).await?;
    let scopes = fazhi_core::params::scope_chain(division_path);
    let value = |key: &str| {
        fazhi_core::params::resolve(&records, key, received_on, &scopes)
            .map(|record| record.value.clone())
            .ok_or_else(|| {
                DbError::Invalid(format!(
                    "{received_on}收到的申请没有适用的信息处理费标准（参数 {key}）"
                ))
            })
    };
    let per_application = ApplicationBands::parse(&value("foi.fee.per_application.bands")?)
        .map_err(DbError::Invalid)?;
    let per_page = PageBands::parse(&value("foi.fee.per_page.bands")?).map_err(DbError::Invalid)?;
    Ok((per_application, per_page))
}

/// The position of request `id` among its applicant's requests in the month of receipt.
async fn position_in_month(db: &Db, id: i64) -> Result<(u32, crate::foi::RequestRow)> {
    let request = crate::foi::request(db, id)
        .await?
        .ok_or(DbError::NotFound)?;
    let received = request.received_on;
    let first = NaiveDate::from_ymd_opt(received.year(), received.month(), 1)
        .ok_or_else(|| DbError::Invalid("收到申请之日无效".into()))?;
    let position: i64 = on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM foi_requests o, foi_requests r WHERE r.id = $1 \
             AND o.applicant_name = r.applicant_name AND o.received_on >= $2 \
             AND (o.received_on < r.received_on \
                  OR (o.received_on = r.received_on AND (o.arrived_on < r.arrived_on \
                      OR (o.arrived_on = r.arrived_on AND o.id <= r.id))))",
        )
        .bind(id)
        .bind(first)
        .fetch_one(pool)
        .await
    })?;
    let position = u32::try_from(position).map_err(|e| DbError::Invalid(e.to_string()))?;
    Ok((position, request))
}

/// What may be charged for request `id`; `pages` for 按量.
pub async fn quote(db: &Db, id: i64, pages: Option<u32>) -> Result<Quote> {
    let (position, request) = position_in_month(db, id).await?;
    let (per_application, per_page) =
        bands(db, request.received_on, &request.division_path).await?;
    Ok(Quote {
        position_in_month: position,
        per_application_yuan: per_application.fee_of(position),
        per_page_yuan: pages.map(|p| per_page.fee_of(p)),
    })
}

pub async fn decision(db: &Db, request_id: i64) -> Result<Option<FeeDecision>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT request_id, method, quantity, amount_yuan, decided_on, approver_name \
             FROM foi_fee_decisions WHERE request_id = $1",
        )
        .bind(request_id)
        .fetch_optional(pool)
        .await
    })
    .map_err(Into::into)
}

/// A decision as staff take it: the method, the pages for 按量, the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    pub method: Method,
    pub pages: Option<u32>,
    pub decided_on: NaiveDate,
}

/// Records the decision to charge request `id`, approved by `actor`. The amount is computed
/// here; a method that charges nothing, a second decision, or a date outside the request's life
/// is refused.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    charge: Charge,
    today: NaiveDate,
) -> Result<FeeDecision> {
    let Charge {
        method,
        pages,
        decided_on,
    } = charge;
    if decision(db, id).await?.is_some() {
        return Err(DbError::Invalid(
            "本申请已作出收费决定；同一申请只能选择一种计收方式".into(),
        ));
    }
    let quote = quote(db, id, pages).await?;
    let request = crate::foi::request(db, id)
        .await?
        .ok_or(DbError::NotFound)?;
    if decided_on < request.received_on || decided_on > today {
        return Err(DbError::Invalid(format!(
            "决定日期应在收到申请之日{}至今天之间",
            request.received_on
        )));
    }
    let (quantity, amount) = match method {
        Method::PerApplication => (quote.position_in_month, quote.per_application_yuan),
        Method::PerPage => {
            let pages = pages.ok_or_else(|| DbError::Invalid("按量计收须填写页数".into()))?;
            (pages, quote.per_page_yuan.unwrap_or(0))
        }
    };
    if amount == 0 {
        return Err(DbError::Invalid(format!(
            "按{}不收费（{}），无须作出收费决定",
            method.zh(),
            match method {
                Method::PerApplication => format!("本月第{quantity}件申请"),
                Method::PerPage => format!("{quantity}页"),
            }
        )));
    }
    let amount = i64::try_from(amount).map_err(|e| DbError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO foi_fee_decisions (request_id, method, quantity, amount_yuan, decided_on, approved_by, \
             approver_name, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(method.as_str())
        .bind(i64::from(quantity))
        .bind(amount)
        .bind(decided_on)
        .bind(actor.user_id)
        .bind(&actor.name)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })
    .map_err(|error| match DbError::from(error) {
        DbError::Duplicate(_) => {
            DbError::Invalid("本申请已作出收费决定；同一申请只能选择一种计收方式".into())
        }
        other => other,
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "foi_fee.decide",
            entity_type: "foi_request",
            entity_id: id.to_string(),
            summary: format!(
                "{}：决定{}信息处理费{amount}元",
                request.case_number,
                method.zh()
            ),
            before: None,
            after: Some(&serde_json::json!({"method": method.as_str(), "quantity": quantity, "amount_yuan": amount})),
        },
    )
    .await?;
    tx.commit().await?;
    decision(db, id).await?.ok_or(DbError::NotFound)
}

/// The fees collected in `year` on requests of `agency_ids`: decided amounts whose payment
/// (a `FeePaid` event) is dated in the year. Returns the total and the requests.
pub async fn collected(db: &Db, agency_ids: &[i64], year: i32) -> Result<(u64, Vec<i64>)> {
    if agency_ids.is_empty() {
        return Ok((0, Vec::new()));
    }
    let rows: Vec<(i64, i64)> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT f.request_id, f.amount_yuan FROM foi_fee_decisions f \
             JOIN foi_requests r ON r.id = f.request_id WHERE r.agency_id IN (",
        );
        let mut list = query.separated(", ");
        for id in agency_ids {
            list.push_bind(*id);
        }
        query.push(") ORDER BY f.request_id");
        query.build_query_as().fetch_all(pool).await
    })?;
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let timelines = crate::foi::events_of(db, &ids).await?;
    let mut total = 0u64;
    let mut requests = Vec::new();
    for (request_id, amount) in rows {
        let paid_in_year = timelines.get(&request_id).is_some_and(|events| {
            events
                .iter()
                .any(|e| matches!(e, ClockEvent::FeePaid { on } if on.year() == year))
        });
        if paid_in_year {
            total += u64::try_from(amount).unwrap_or(0);
            requests.push(request_id);
        }
    }
    Ok((total, requests))
}

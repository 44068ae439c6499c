//! 依申请公开 figures for the rule-of-law annual report (issue 5 part 7): per agency and year,
//! the applications received, those closed, answered on time or late, and by outcome, each with
//! the requests it counts.

use crate::{Db, DbError, Result, on_pool};
use chrono::{Datelike, NaiveDate};
use fazhi_core::foi::{ClockEvent, ClockParams};
use serde::Serialize;
use std::collections::BTreeMap;

/// The figures of one agency for a year; every list holds request ids.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AgencyFigures {
    pub agency_code: String,
    pub agency_name: String,
    /// Received in the year.
    pub received: Vec<i64>,
    /// Closed in the year.
    pub closed: Vec<i64>,
    /// Closed in the year by the due date.
    pub on_time: Vec<i64>,
    /// Closed in the year after the due date.
    pub late: Vec<i64>,
    /// Closed in the year, loaded from a ledger without the dates to tell.
    pub timeliness_unknown: Vec<i64>,
    /// Closed in the year, by outcome (the answer type, or the report row for ledger requests).
    pub by_outcome: BTreeMap<String, Vec<i64>>,
}

type FactRow = (
    i64,
    String,
    String,
    String,
    NaiveDate,
    String,
    Option<NaiveDate>,
    Option<String>,
);

/// The figures of every agency within `scopes` (all when `None`) that had requests, by code.
pub async fn figures(
    db: &Db,
    scopes: Option<&[fazhi_core::org::Scope]>,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<AgencyFigures>> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| DbError::Invalid(format!("年份{year}无效")))?;
    let rows: Vec<FactRow> = on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT r.id, a.code, a.name, d.path, r.received_on, r.origin, r.ledger_closed_on, r.ledger_row \
             FROM foi_requests r JOIN agencies a ON a.id = r.agency_id JOIN divisions d ON d.id = a.division_id \
             WHERE r.received_on <= ",
        );
        query.push_bind(end);
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "r.agency_id", "d.path");
        }
        query.push(" ORDER BY a.code, r.id");
        query.build_query_as().fetch_all(pool).await
    })?;
    let handled: Vec<i64> = rows
        .iter()
        .filter(|row| row.5 == "case")
        .map(|row| row.0)
        .collect();
    let mut timelines = crate::foi::events_of(db, &handled).await?;
    let calendar = crate::calendar::load(db).await?;
    let records = crate::params::all(db).await?;
    let mut by_agency: BTreeMap<String, AgencyFigures> = BTreeMap::new();
    for (id, code, name, path, received_on, origin, ledger_closed_on, ledger_row) in rows {
        let figures = by_agency
            .entry(code.clone())
            .or_insert_with(|| AgencyFigures {
                agency_code: code,
                agency_name: name,
                ..AgencyFigures::default()
            });
        if received_on.year() == year {
            figures.received.push(id);
        }
        if origin == "ledger" {
            if let (Some(on), Some(row)) = (ledger_closed_on, ledger_row)
                && on.year() == year
            {
                figures.closed.push(id);
                figures.timeliness_unknown.push(id);
                let label = fazhi_core::foi::report::row_leaf(&row).unwrap_or("其他");
                figures
                    .by_outcome
                    .entry(label.to_string())
                    .or_default()
                    .push(id);
            }
            continue;
        }
        let events = timelines.remove(&id).unwrap_or_default();
        let Some(ClockEvent::Answered { on, outcome }) = events.last() else {
            continue;
        };
        if on.year() != year {
            continue;
        }
        figures.closed.push(id);
        figures
            .by_outcome
            .entry(outcome.code.zh().to_string())
            .or_default()
            .push(id);
        let scopes = fazhi_core::params::scope_chain(&path);
        let on_time = ClockParams::from_records(&records, received_on, &scopes)
            .ok()
            .and_then(|params| fazhi_core::foi::derive(&events, &calendar, &params, today).ok())
            .and_then(|clock| clock.on_time);
        match on_time {
            Some(true) => figures.on_time.push(id),
            Some(false) => figures.late.push(id),
            None => figures.timeliness_unknown.push(id),
        }
    }
    Ok(by_agency.into_values().collect())
}

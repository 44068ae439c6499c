//! Parameter records as stored. The bundled defaults are added when missing; later records
//! (a city's own value, a corrected source) are added beside them, never overwritten.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::NaiveDate;
use fazhi_core::calendar::CalendarParams;
use fazhi_core::params::{
    BUILTIN_PARAMETERS, ParamStatus, Parameter, check_no_overlap, month_day, parse_parameters_csv,
    resolve,
};

#[derive(Debug, Clone, sqlx::FromRow)]
struct ParameterRow {
    key: String,
    value: String,
    unit: Option<String>,
    scope: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    status: String,
    source: String,
    note: Option<String>,
}

impl ParameterRow {
    fn into_parameter(self) -> Result<Parameter> {
        let status = ParamStatus::parse(&self.status).ok_or_else(|| {
            DbError::Invalid(format!("参数 {} 的状态“{}”无效", self.key, self.status))
        })?;
        Ok(Parameter {
            key: self.key,
            value: self.value,
            unit: self.unit,
            scope: self.scope,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            status,
            source: self.source,
            note: self.note,
        })
    }
}

/// All parameter records, validated (no overlapping records of one key and scope).
pub async fn all(db: &Db) -> Result<Vec<Parameter>> {
    let rows: Vec<ParameterRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT key, value, unit, scope, effective_from, effective_to, status, source, note \
             FROM parameters ORDER BY key, scope, effective_from",
        )
        .fetch_all(pool)
        .await
    })?;
    let records = rows
        .into_iter()
        .map(ParameterRow::into_parameter)
        .collect::<Result<Vec<_>>>()?;
    check_no_overlap(&records).map_err(|e| DbError::Invalid(e.to_string()))?;
    Ok(records)
}

/// Adds the bundled records that the database does not hold yet.
pub async fn seed_builtin(db: &Db) -> Result<()> {
    let builtin =
        parse_parameters_csv(BUILTIN_PARAMETERS).map_err(|e| DbError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    let mut added = Vec::new();
    for record in &builtin {
        let inserted = on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO parameters (key, value, unit, scope, effective_from, effective_to, status, source, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key, scope, effective_from) DO NOTHING",
            )
            .bind(&record.key)
            .bind(&record.value)
            .bind(&record.unit)
            .bind(&record.scope)
            .bind(record.effective_from)
            .bind(record.effective_to)
            .bind(record.status.as_str())
            .bind(&record.source)
            .bind(&record.note)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
        })?;
        if inserted > 0 {
            added.push(record);
        }
    }
    if !added.is_empty() {
        audit::append(
            &mut tx,
            &Actor {
                user_id: None,
                name: "系统".into(),
            },
            fazhi_core::clock::now(),
            Change::<(), _> {
                action: "parameter.seed",
                entity_type: "parameter",
                entity_id: "*".into(),
                summary: format!("载入程序内置参数{}项", added.len()),
                before: None,
                after: Some(&added),
            },
        )
        .await?;
    }
    tx.commit().await
}

/// The calendar's parameters in force on `date` (national scope: the calendar is national).
pub async fn calendar_params(db: &Db, date: NaiveDate) -> Result<CalendarParams> {
    let records = all(db).await?;
    let national = ["national".to_string()];
    let mut params = CalendarParams::default();
    if let Some(record) = resolve(&records, "calendar.next_year_guard_from", date, &national) {
        params.next_year_guard_from =
            month_day(record).map_err(|e| DbError::Invalid(e.to_string()))?;
    }
    Ok(params)
}

/// The month-day from which a missing next-year notice is announced (spec/calendar.md §7).
pub async fn next_year_alert_from(db: &Db, date: NaiveDate) -> Result<(u32, u32)> {
    let records = all(db).await?;
    match resolve(
        &records,
        "calendar.next_year_alert_from",
        date,
        &["national".to_string()],
    ) {
        Some(record) => month_day(record).map_err(|e| DbError::Invalid(e.to_string())),
        // The bundled record is seeded at migration; without one there is no rule to apply.
        None => Err(DbError::Invalid(format!(
            "缺少{date}有效的参数 calendar.next_year_alert_from"
        ))),
    }
}

/// The value of `key` in force on `on` for an agency in `division_path` (most specific scope
/// first); a clear error when no record is in force.
pub async fn value(db: &Db, key: &str, on: NaiveDate, division_path: &str) -> Result<String> {
    record(db, key, on, division_path)
        .await
        .map(|record| record.value)
}

/// The whole record of [`value`], for parameters whose unit matters.
pub async fn record(db: &Db, key: &str, on: NaiveDate, division_path: &str) -> Result<Parameter> {
    let records = all(db).await?;
    let scopes = fazhi_core::params::scope_chain(division_path);
    resolve(&records, key, on, &scopes)
        .cloned()
        .ok_or_else(|| DbError::Invalid(format!("缺少{on}有效的参数 {key}")))
}

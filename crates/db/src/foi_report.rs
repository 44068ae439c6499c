//! The 政府信息公开工作年度报告 of an agency and year (spec/foi.md Part B): assembled from the
//! requests, the disputes and the hand-entered parts, and published as a frozen copy.

use crate::audit::{self, Change};
use crate::org::AgencyRow;
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use fazhi_core::foi::annual::{
    AnnualReport, CellKind, FEES_KEY, Inputs, assemble as assemble_report, cell_key, check_value,
    section_two_tables,
};
use fazhi_core::foi::dispute::{Window, section_four};
use fazhi_core::foi::report::{FIRST_REPORT_YEAR, Format, section_three};
use std::collections::BTreeMap;

/// Longest narrative section accepted (characters).
const NARRATIVE_MAX_CHARS: usize = 20_000;

/// Decimals of the fees collected in section 六 (元, to the fen).
const FEE_YUAN_DECIMALS: u32 = 2;

/// The report format of `year`: parameter `foi.report.format_2021_from_year`, read as in
/// force today (it maps years, it does not change with them).
pub async fn format_of_year(db: &Db, year: i32, today: NaiveDate) -> Result<Format> {
    if year < FIRST_REPORT_YEAR {
        return Err(DbError::Invalid(format!(
            "{year}年不适用现行年度报告格式：本系统的报告自{FIRST_REPORT_YEAR}年度起"
        )));
    }
    Ok(Format::for_year(
        year,
        first_2021_format_year(db, today).await?,
    ))
}

/// Parameter `foi.report.format_2021_from_year` as in force `today`.
pub async fn first_2021_format_year(db: &Db, today: NaiveDate) -> Result<i32> {
    let value = crate::params::value(db, "foi.report.format_2021_from_year", today, "/").await?;
    value.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 foi.report.format_2021_from_year 的值“{value}”不是年份"
        ))
    })
}

/// Parameter `foi.report.litigation_window` for an agency on the last day of `year`.
async fn litigation_window(db: &Db, agency: &AgencyRow, end: NaiveDate) -> Result<Window> {
    let value = crate::params::value(
        db,
        "foi.report.litigation_window",
        end,
        &agency.division_path,
    )
    .await?;
    Window::parse(&value).ok_or_else(|| {
        DbError::Invalid(format!(
            "参数 foi.report.litigation_window 的值“{value}”无效，应为 concluded_or_pending 或 filed_in_year"
        ))
    })
}

/// Parameter `foi.report.fee_decimals`: decimals of amounts in 万元 in section 二.
async fn fee_decimals(db: &Db, agency: &AgencyRow, end: NaiveDate) -> Result<u32> {
    let value =
        crate::params::value(db, "foi.report.fee_decimals", end, &agency.division_path).await?;
    value.parse().map_err(|_| {
        DbError::Invalid(format!(
            "参数 foi.report.fee_decimals 的值“{value}”不是整数"
        ))
    })
}

fn year_end(year: i32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| DbError::Invalid(format!("年份{year}无效")))
}

/// The hand-entered values of an agency's report for a year, by key.
pub async fn entries(db: &Db, agency_id: i64, year: i32) -> Result<BTreeMap<String, String>> {
    let rows: Vec<(String, String)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT key, value FROM foi_report_entries WHERE agency_id = $1 AND year = $2")
            .bind(agency_id)
            .bind(year)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows.into_iter().collect())
}

/// The kind of value a key takes in `format`, or why the key is unknown.
fn kind_of(key: &str, format: Format) -> Option<Option<CellKind>> {
    if ["一", "五", "六"].contains(&key) {
        return Some(None);
    }
    if key == FEES_KEY {
        return Some(Some(CellKind::Amount));
    }
    section_two_tables(format).iter().find_map(|table| {
        table.rows.iter().find_map(|row| {
            table
                .columns
                .iter()
                .find(|(column, _)| cell_key(table, row, column) == key)
                .map(|(_, kind)| Some(*kind))
        })
    })
}

/// Saves hand-entered values (an empty value clears one). Every value is checked first; a bad
/// one saves nothing. Returns how many values changed.
pub async fn save_entries(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    agency: &AgencyRow,
    year: i32,
    changes: &[(String, String)],
) -> Result<usize> {
    let format = format_of_year(db, year, now.date_naive()).await?;
    let decimals = fee_decimals(db, agency, year_end(year)?).await?;
    let mut checked = Vec::new();
    for (key, value) in changes {
        let value = value.trim();
        let label = key.replace('/', " ");
        let kind = kind_of(key, format)
            .ok_or_else(|| DbError::Invalid(format!("“{label}”不是本年度报告的填报项")))?;
        let value = match kind {
            _ if value.is_empty() => String::new(),
            None if value.chars().count() > NARRATIVE_MAX_CHARS => {
                return Err(DbError::Invalid(format!(
                    "第{label}部分不能超过{NARRATIVE_MAX_CHARS}个字符"
                )));
            }
            None => value.to_string(),
            Some(kind) => {
                let places = if key == FEES_KEY {
                    FEE_YUAN_DECIMALS
                } else {
                    decimals
                };
                check_value(kind, value, places)
                    .map_err(|reason| DbError::Invalid(format!("{label}：{reason}")))?
            }
        };
        checked.push((key.clone(), value));
    }
    let before = entries(db, agency.id, year).await?;
    let changed: Vec<&(String, String)> = checked
        .iter()
        .filter(|(key, value)| {
            before
                .get(key)
                .map_or(!value.is_empty(), |old| old != value)
        })
        .collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    for (key, value) in &changed {
        on_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM foi_report_entries WHERE agency_id = $1 AND year = $2 AND key = $3")
                .bind(agency.id)
                .bind(year)
                .bind(key)
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
        })?;
        if !value.is_empty() {
            on_tx!(&mut tx, conn => {
                sqlx::query(
                    "INSERT INTO foi_report_entries (agency_id, year, key, value, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(agency.id)
                .bind(year)
                .bind(key)
                .bind(value)
                .bind(actor.user_id)
                .bind(now)
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
            })?;
        }
    }
    let old: BTreeMap<&str, Option<&String>> = changed
        .iter()
        .map(|(key, _)| (key.as_str(), before.get(key)))
        .collect();
    let new: BTreeMap<&str, &String> = changed
        .iter()
        .map(|(key, value)| (key.as_str(), value))
        .collect();
    audit::append(
        &mut tx,
        actor,
        now,
        Change {
            action: "foi_report.entries",
            entity_type: "foi_report",
            entity_id: format!("{}/{year}", agency.code),
            summary: format!(
                "填报{}{year}年政府信息公开年度报告{}项",
                agency.name,
                changed.len()
            ),
            before: Some(&old),
            after: Some(&new),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(changed.len())
}

/// A published version of a report.
#[derive(Debug, Clone)]
pub struct Published {
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub report: AnnualReport,
}

/// The latest published version of an agency's report for a year.
pub async fn published(db: &Db, agency_id: i64, year: i32) -> Result<Option<Published>> {
    let row: Option<(i32, DateTime<Utc>, String)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT version, published_at, content FROM foi_reports WHERE agency_id = $1 AND year = $2 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(agency_id)
        .bind(year)
        .fetch_optional(pool)
        .await
    })?;
    row.map(|(version, published_at, content)| {
        let report = serde_json::from_str(&content)
            .map_err(|e| DbError::Invalid(format!("已发布的报告无法读取：{e}")))?;
        Ok(Published {
            version,
            published_at,
            report,
        })
    })
    .transpose()
}

/// Every published report (latest version of each), newest year first.
pub async fn published_list(db: &Db) -> Result<Vec<(String, String, i32, i32, DateTime<Utc>)>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT a.code, a.name, r.year, r.version, r.published_at FROM foi_reports r \
             JOIN agencies a ON a.id = r.agency_id \
             WHERE r.version = (SELECT MAX(o.version) FROM foi_reports o WHERE o.agency_id = r.agency_id AND o.year = r.year) \
             ORDER BY r.year DESC, a.code",
        )
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// The report of agency `code` for `year` as it stands now; `template` forces the format.
pub async fn assemble(
    db: &Db,
    code: &str,
    year: i32,
    template: Option<Format>,
    today: NaiveDate,
) -> Result<AnnualReport> {
    let format = match template {
        Some(format) => format,
        None => format_of_year(db, year, today).await?,
    };
    let covered = crate::foi::report_agencies(db, code).await?;
    let agency = covered.first().cloned().ok_or(DbError::NotFound)?;
    let ids: Vec<i64> = covered.iter().map(|a| a.id).collect();
    let end = year_end(year)?;
    let facts = crate::foi::case_facts(db, &ids, year).await?;
    let three = section_three(&facts, year, format).map_err(DbError::Invalid)?;
    let window = litigation_window(db, &agency, end).await?;
    let disputes = crate::foi::dispute_facts(db, &ids, year).await?;
    let four = section_four(&disputes, year, window).map_err(DbError::Invalid)?;
    let entries = entries(db, agency.id, year).await?;
    let (fees_recorded_yuan, _) = crate::foi_fees::collected(db, &ids, year).await?;
    let previous_carried = published(db, agency.id, year - 1).await?.and_then(|p| {
        p.report
            .section_three
            .rows
            .iter()
            .find(|r| r.code == "R4")
            .map(|r| r.values)
    });
    Ok(assemble_report(
        Inputs {
            agency_code: &agency.code,
            agency_name: &agency.name,
            covers: covered.iter().map(|a| a.code.clone()).collect(),
            year,
            entries: &entries,
            fees_recorded_yuan,
            previous_carried,
        },
        three,
        four,
    ))
}

/// Publishes the report as it stands: refused while an equation fails or a figure is missing.
/// Returns the version published.
pub async fn publish(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    code: &str,
    year: i32,
) -> Result<i32> {
    let report = assemble(db, code, year, None, now.date_naive()).await?;
    let blockers = report.publication_blockers();
    if !blockers.is_empty() {
        return Err(DbError::Invalid(format!(
            "报告不能发布：{}",
            blockers.join("；")
        )));
    }
    let agency = crate::org::agency_by_code(db, code)
        .await?
        .ok_or(DbError::NotFound)?;
    let content = serde_json::to_string(&report).map_err(|e| DbError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    let latest: Option<i32> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT MAX(version) FROM foi_reports WHERE agency_id = $1 AND year = $2")
            .bind(agency.id)
            .bind(year)
            .fetch_one(&mut *conn)
            .await
    })?;
    let version = latest.unwrap_or(0) + 1;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO foi_reports (agency_id, year, version, content, published_by, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(agency.id)
        .bind(year)
        .bind(version)
        .bind(&content)
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
            action: "foi_report.publish",
            entity_type: "foi_report",
            entity_id: format!("{code}/{year}"),
            summary: format!("发布《{}》第{version}版", report.title),
            before: None,
            after: Some(&serde_json::json!({"version": version, "year": year})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

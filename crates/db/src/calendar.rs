//! The holiday calendar as stored: notices with provenance and the day rows they announce.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_core::calendar::{Calendar, DayKind, HolidayRow, Notice, parse_holidays_csv};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub year: i64,
    pub title: String,
    pub doc_number: Option<String>,
    pub issued: NaiveDate,
    pub url: Option<String>,
    pub amends: Option<i64>,
    pub loaded_at: DateTime<Utc>,
}

impl NoticeRow {
    fn to_notice(&self) -> Notice {
        Notice {
            year: self.year as i32,
            title: self.title.clone(),
            doc_number: self.doc_number.clone(),
            issued: self.issued,
            url: self.url.clone(),
            amends: self.amends.map(|y| y as i32),
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct DayRow {
    day: NaiveDate,
    kind: String,
    name: String,
}

fn kind_from_str(kind: &str) -> Result<DayKind> {
    match kind {
        "holiday" => Ok(DayKind::Holiday),
        "workday" => Ok(DayKind::Workday),
        other => Err(DbError::Invalid(format!("节假日类型“{other}”无效"))),
    }
}

pub async fn notices(db: &Db) -> Result<Vec<NoticeRow>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, year, title, doc_number, issued, url, amends, loaded_at FROM holiday_notices ORDER BY year, issued, id",
        )
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

async fn day_rows(db: &Db) -> Result<Vec<HolidayRow>> {
    let rows: Vec<DayRow> = on_pool!(db, pool => {
        sqlx::query_as("SELECT day, kind, name FROM holiday_days ORDER BY day").fetch_all(pool).await
    })?;
    rows.into_iter()
        .map(|row| {
            Ok(HolidayRow {
                date: row.day,
                kind: kind_from_str(&row.kind)?,
                name: row.name,
            })
        })
        .collect()
}

/// The calendar in force: what the database holds, validated, with the parameters in force today.
pub async fn load(db: &Db) -> Result<Calendar> {
    let params = crate::params::calendar_params(db, fazhi_core::clock::beijing_today()).await?;
    let rows = day_rows(db).await?;
    let notices = notices(db)
        .await?
        .iter()
        .map(NoticeRow::to_notice)
        .collect();
    Calendar::new(rows, notices, params).map_err(|e| DbError::Invalid(e.to_string()))
}

/// First start: the database has no calendar yet, so it takes the one bundled with the program.
pub async fn seed_builtin_if_empty(db: &Db) -> Result<()> {
    let count: i64 = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM holiday_notices").fetch_one(pool).await
    })?;
    if count > 0 {
        return Ok(());
    }
    let builtin = Calendar::builtin().map_err(|e| DbError::Invalid(e.to_string()))?;
    let actor = Actor {
        user_id: None,
        name: "系统".into(),
    };
    store(
        db,
        &actor,
        fazhi_core::clock::now(),
        builtin.notices(),
        builtin.rows(),
        &[],
        "载入程序内置的节假日数据",
    )
    .await
}

/// What an import did: the calendar now in force and the stored days it changed.
#[derive(Debug)]
pub struct ImportedNotice {
    pub calendar: Calendar,
    pub added_days: usize,
    /// Days already stored whose status or name the notice changes: (before, after).
    pub changed_days: Vec<(HolidayRow, HolidayRow)>,
}

impl ImportedNotice {
    /// A Chinese summary for the operator; every changed day is named (spec/calendar.md §7–8).
    pub fn describe(&self) -> String {
        let mut text = format!(
            "已导入，日历版本 {}；新增{}天",
            self.calendar.version(),
            self.added_days
        );
        if self.changed_days.is_empty() {
            text.push_str("，未改变已有日期。");
        } else {
            let changes: Vec<String> = self
                .changed_days
                .iter()
                .map(|(before, after)| {
                    format!(
                        "{} {}（{}）→ {}（{}）",
                        after.date,
                        before.kind.as_str(),
                        before.name,
                        after.kind.as_str(),
                        after.name
                    )
                })
                .collect();
            text.push_str(&format!(
                "，改变已有日期{}天：{}。",
                changes.len(),
                changes.join("；")
            ));
        }
        text
    }
}

/// Adds a notice (a new year's schedule or an amendment) with its day rows. The merged calendar is
/// validated first; if it is invalid nothing is written. Rows for dates already stored replace them
/// (an amending notice changes earlier rows, spec calendar.md §8), and each such change is reported.
pub async fn import_notice(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    notice: Notice,
    holidays_csv: &str,
) -> Result<ImportedNotice> {
    let new_rows = parse_holidays_csv(holidays_csv).map_err(|e| DbError::Invalid(e.to_string()))?;
    check_rows_within_notice_year(&notice, &new_rows)?;
    let stored = day_rows(db).await?;
    let added_days = new_rows
        .iter()
        .filter(|new| !stored.iter().any(|old| old.date == new.date))
        .count();
    let (replaced, mut rows): (Vec<HolidayRow>, Vec<HolidayRow>) = stored
        .into_iter()
        .partition(|old| new_rows.iter().any(|new| new.date == old.date));
    let changed_days: Vec<(HolidayRow, HolidayRow)> = replaced
        .into_iter()
        .filter_map(|old| {
            new_rows
                .iter()
                .find(|new| new.date == old.date && **new != old)
                .map(|new| (old, new.clone()))
        })
        .collect();
    rows.extend(new_rows.iter().cloned());
    let mut all_notices: Vec<Notice> = notices(db)
        .await?
        .iter()
        .map(NoticeRow::to_notice)
        .collect();
    if all_notices.iter().any(|n| n.title == notice.title) {
        return Err(DbError::Invalid(format!("通知“{}”已导入", notice.title)));
    }
    all_notices.push(notice.clone());
    let params = crate::params::calendar_params(db, fazhi_core::clock::beijing_today()).await?;
    let calendar =
        Calendar::new(rows, all_notices, params).map_err(|e| DbError::Invalid(e.to_string()))?;
    let imported = ImportedNotice {
        calendar,
        added_days,
        changed_days,
    };
    let summary = format!(
        "导入节假日通知“{}”（{}行）：{}",
        notice.title,
        new_rows.len(),
        imported.describe()
    );
    let replaced: Vec<HolidayRow> = imported
        .changed_days
        .iter()
        .map(|(before, _)| before.clone())
        .collect();
    store(
        db,
        actor,
        now,
        std::slice::from_ref(&notice),
        &new_rows,
        &replaced,
        &summary,
    )
    .await?;
    Ok(imported)
}

/// A notice governs its own year and may fix days at the end of the year before (spec/calendar.md
/// §9: 2022-12-31 belongs to 元旦 2023). Rows outside that window would silently rewrite other
/// years' deadlines, so they are refused.
fn check_rows_within_notice_year(notice: &Notice, rows: &[HolidayRow]) -> Result<()> {
    let year = notice.amends.unwrap_or(notice.year);
    for (index, row) in rows.iter().enumerate() {
        let inside =
            row.date.year() == year || (row.date.year() == year - 1 && row.date.month() == 12);
        if !inside {
            return Err(DbError::Invalid(format!(
                "第{}行：日期{}不在{year}年通知的范围内（{}年12月至{year}年12月）",
                index + 2,
                row.date,
                year - 1
            )));
        }
    }
    Ok(())
}

async fn store(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    notices: &[Notice],
    rows: &[HolidayRow],
    replaced: &[HolidayRow],
    summary: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    for notice in notices {
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO holiday_notices (year, title, doc_number, issued, url, amends, loaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(i64::from(notice.year))
            .bind(&notice.title)
            .bind(&notice.doc_number)
            .bind(notice.issued)
            .bind(&notice.url)
            .bind(notice.amends.map(i64::from))
            .bind(now)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected())
        })?;
    }
    for row in rows {
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO holiday_days (day, kind, name) VALUES ($1, $2, $3) \
                 ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
            )
            .bind(row.date)
            .bind(row.kind.as_str())
            .bind(&row.name)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected())
        })?;
    }
    audit::append(
        &mut tx,
        actor,
        now,
        Change {
            action: "calendar.import",
            entity_type: "calendar",
            entity_id: notices
                .iter()
                .map(|n| n.year.to_string())
                .collect::<Vec<_>>()
                .join(","),
            summary: summary.to_string(),
            before: Some(&serde_json::json!({ "replaced_rows": replaced })),
            after: Some(&serde_json::json!({ "notices": notices, "rows": rows })),
        },
    )
    .await?;
    tx.commit().await
}

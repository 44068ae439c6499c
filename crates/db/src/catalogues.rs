//! 基层政务公开标准目录 (issue 4 part 3, spec/openness.md §4): catalogues per territory and
//! area in versions, their entries, and the completion of each territory.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use fazhi_core::catalogue::{AREAS, Entry, template};
use fazhi_core::openness::vocabulary;
use fazhi_core::org::DivisionLevel;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CatalogueRow {
    pub id: i64,
    pub division_id: i64,
    pub division_code: String,
    pub division_name: String,
    pub division_path: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub area: String,
    pub version: i32,
    pub status: String,
    pub approval: String,
    pub published_on: Option<NaiveDate>,
}

impl CatalogueRow {
    /// The compiling agency's record, located in the territory it covers.
    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }

    pub fn status_zh(&self) -> &'static str {
        match self.status.as_str() {
            "draft" => "草稿",
            "published" => "已发布",
            "superseded" => "已被新版本替代",
            _ => "",
        }
    }
}

const SELECT: &str = "SELECT c.id, c.division_id, d.code AS division_code, d.name AS division_name, \
     d.path AS division_path, c.agency_id, a.name AS agency_name, c.area, c.version, c.status, c.approval, \
     c.published_on FROM catalogues c JOIN divisions d ON d.id = c.division_id JOIN agencies a ON a.id = c.agency_id";

pub async fn catalogue(db: &Db, id: i64) -> Result<Option<CatalogueRow>> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// The catalogues of a territory, every area and version, newest version first.
pub async fn of_division(db: &Db, division_id: i64) -> Result<Vec<CatalogueRow>> {
    let sql = format!("{SELECT} WHERE c.division_id = $1 ORDER BY c.area, c.version DESC");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(division_id).fetch_all(pool).await)
        .map_err(Into::into)
}

type EntryRecord = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// The entries of a catalogue, in order.
pub async fn entries(db: &Db, id: i64) -> Result<Vec<Entry>> {
    let rows: Vec<EntryRecord> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT item, sub_item, content, basis, time_limit, body, channels, audience, manner, levels \
             FROM catalogue_entries WHERE catalogue_id = $1 ORDER BY serial",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    let split = |text: &str| -> Vec<String> {
        text.split('、')
            .filter(|part| !part.is_empty())
            .map(str::to_string)
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(
            |(
                item,
                sub_item,
                content,
                basis,
                time_limit,
                body,
                channels,
                audience,
                manner,
                levels,
            )| {
                Entry {
                    item,
                    sub_item,
                    content,
                    basis,
                    time_limit,
                    body,
                    channels: split(&channels),
                    audience,
                    manner,
                    levels: split(&levels),
                }
            },
        )
        .collect())
}

async fn insert_entries(tx: &mut crate::Tx, id: i64, entries: &[Entry]) -> Result<()> {
    for (serial, entry) in entries.iter().enumerate() {
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO catalogue_entries (catalogue_id, serial, item, sub_item, content, basis, time_limit, \
                 body, channels, audience, manner, levels) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(id)
            .bind(serial as i32 + 1)
            .bind(&entry.item)
            .bind(&entry.sub_item)
            .bind(&entry.content)
            .bind(&entry.basis)
            .bind(&entry.time_limit)
            .bind(&entry.body)
            .bind(entry.channels.join("、"))
            .bind(&entry.audience)
            .bind(&entry.manner)
            .bind(entry.levels.join("、"))
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
        })?;
    }
    Ok(())
}

/// Starts a new version of a territory's catalogue for an area, as a draft: a copy of the
/// version in force, or the area's starting entries for a first catalogue. One draft at a time.
pub async fn create(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    division_code: &str,
    area: &str,
    agency_code: &str,
) -> Result<i64> {
    if !vocabulary(AREAS).contains(&area) {
        return Err(DbError::Invalid(format!("“{area}”不在标准目录的领域表中")));
    }
    let division = crate::org::division_by_code(db, division_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("行政区划“{division_code}”不存在")))?;
    let level = DivisionLevel::parse(&division.level);
    if !matches!(
        level,
        Some(DivisionLevel::County | DivisionLevel::Town | DivisionLevel::Village)
    ) {
        return Err(DbError::Invalid(
            "标准目录由县（市、区）、乡镇（街道）和村（社区）编制".into(),
        ));
    }
    let agency = crate::org::agency_by_code(db, agency_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("机构“{agency_code}”不存在")))?;
    if !division.path.starts_with(&agency.division_path) {
        return Err(DbError::Invalid(format!(
            "{}不能编制{}的目录",
            agency.name, division.name
        )));
    }
    let existing = of_division(db, division.id).await?;
    let versions: Vec<&CatalogueRow> = existing.iter().filter(|c| c.area == area).collect();
    if let Some(draft) = versions.iter().find(|c| c.status == "draft") {
        return Err(DbError::Invalid(format!(
            "{}的{}目录已有草稿（第{}版），请在草稿上修改",
            division.name, area, draft.version
        )));
    }
    let in_force = versions.iter().find(|c| c.status == "published");
    let starting = match in_force {
        Some(current) => entries(db, current.id).await?,
        None => template(area),
    };
    let version = versions.iter().map(|c| c.version).max().unwrap_or(0) + 1;
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO catalogues (division_id, agency_id, area, version, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 'draft', $5, $6) RETURNING id",
        )
        .bind(division.id)
        .bind(agency.id)
        .bind(area)
        .bind(version)
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    insert_entries(&mut tx, id, &starting).await?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "catalogue.create",
            entity_type: "catalogue",
            entity_id: id.to_string(),
            summary: format!("编制{}{}领域标准目录第{version}版", division.name, area),
            before: None,
            after: Some(&serde_json::json!({
                "division": division.code, "area": area, "version": version,
                "from": if in_force.is_some() { "current" } else { "template" },
                "entries": starting.len(),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a draft's entries (an imported sheet), all or nothing.
pub async fn replace_entries(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    new_entries: &[Entry],
) -> Result<()> {
    let row = catalogue(db, id).await?.ok_or(DbError::NotFound)?;
    if row.status != "draft" {
        return Err(DbError::Invalid(
            "只能修改草稿；已发布的目录请新建版本".into(),
        ));
    }
    if new_entries.is_empty() {
        return Err(DbError::Invalid("目录至少应有一个条目".into()));
    }
    let before = entries(db, id).await?.len();
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM catalogue_entries WHERE catalogue_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    insert_entries(&mut tx, id, new_entries).await?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change {
            action: "catalogue.import",
            entity_type: "catalogue",
            entity_id: id.to_string(),
            summary: format!(
                "导入{}{}领域目录：{}个条目替换原{}个",
                row.division_name,
                row.area,
                new_entries.len(),
                before
            ),
            before: Some(&serde_json::json!({"entries": before})),
            after: Some(&serde_json::json!({"entries": new_entries.len()})),
        },
    )
    .await?;
    tx.commit().await
}

/// Publishes a draft on `today` with its approval; the version it replaces is superseded.
pub async fn publish(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    today: NaiveDate,
    approval: &str,
) -> Result<()> {
    let row = catalogue(db, id).await?.ok_or(DbError::NotFound)?;
    if row.status != "draft" {
        return Err(DbError::Invalid("只有草稿才能发布".into()));
    }
    let approval = approval.trim();
    if approval.is_empty() || approval.chars().count() > 200 {
        return Err(DbError::Invalid(
            "请填写目录的审定情况（如会议或文件及日期），不超过200个字符".into(),
        ));
    }
    if entries(db, id).await?.is_empty() {
        return Err(DbError::Invalid("目录至少应有一个条目".into()));
    }
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE catalogues SET status = 'superseded' \
             WHERE division_id = $1 AND area = $2 AND status = 'published'",
        )
        .bind(row.division_id)
        .bind(&row.area)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE catalogues SET status = 'published', published_on = $1, approval = $2 WHERE id = $3")
            .bind(today)
            .bind(approval)
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
            action: "catalogue.publish",
            entity_type: "catalogue",
            entity_id: id.to_string(),
            summary: format!(
                "发布{}{}领域标准目录第{}版",
                row.division_name, row.area, row.version
            ),
            before: None,
            after: Some(&serde_json::json!({"published_on": today, "approval": approval})),
        },
    )
    .await?;
    tx.commit().await
}

/// How far a territory is: areas with a published catalogue, the first publication, and the
/// day the last area was first published (when all are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub division_code: String,
    pub division_name: String,
    pub division_level: String,
    pub areas_published: usize,
    pub areas: usize,
    pub first_published_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
}

impl Progress {
    pub fn complete(&self) -> bool {
        self.completed_on.is_some()
    }
}

/// The progress of each territory directly under `parent_code` (the city's counties, a
/// county's towns, a town's villages).
pub async fn progress(db: &Db, parent_code: &str) -> Result<Vec<Progress>> {
    let parent = crate::org::division_by_code(db, parent_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("行政区划“{parent_code}”不存在")))?;
    let children = crate::org::child_divisions(db, Some(parent.id)).await?;
    // First publication of each area, per child territory.
    let firsts: Vec<(i64, String, NaiveDate)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT c.division_id, c.area, MIN(c.published_on) FROM catalogues c \
             JOIN divisions d ON d.id = c.division_id \
             WHERE d.parent_id = $1 AND c.published_on IS NOT NULL GROUP BY c.division_id, c.area",
        )
        .bind(parent.id)
        .fetch_all(pool)
        .await
    })?;
    let areas = vocabulary(AREAS);
    Ok(children
        .into_iter()
        .map(|child| {
            let published: Vec<NaiveDate> = firsts
                .iter()
                .filter(|(division, area, _)| {
                    *division == child.id && areas.contains(&area.as_str())
                })
                .map(|(_, _, on)| *on)
                .collect();
            Progress {
                areas_published: published.len(),
                areas: areas.len(),
                first_published_on: published.iter().min().copied(),
                completed_on: (published.len() == areas.len())
                    .then(|| published.iter().max().copied())
                    .flatten(),
                division_code: child.code,
                division_name: child.name,
                division_level: child.level,
            }
        })
        .collect())
}

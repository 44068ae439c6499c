//! Divisions and agencies: imports (all or nothing, with line numbers) and queries.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, Utc};
use fazhi_core::org::{
    AgencyKind, DivisionCode, DivisionLevel, child_path, is_valid_agency_code, root_path,
};
use serde::Serialize;
use std::collections::HashMap;

/// How many rows one INSERT statement carries.
const INSERT_BATCH: usize = 1000;
/// How many row errors an import reports at most (the file is refused whole anyway).
const MAX_REPORTED_ERRORS: usize = 50;
pub const MAX_NAME_CHARS: usize = 100;

/// One problem in an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行：{}", self.line, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("文件有{}处错误，未写入任何数据：{}", .0.len(), first_errors(.0))]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::Db(error.into())
    }
}

fn first_errors(errors: &[RowError]) -> String {
    errors
        .iter()
        .take(5)
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("；")
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub added: u64,
    pub renamed: u64,
    pub unchanged: u64,
}

struct ErrorList(Vec<RowError>);

impl ErrorList {
    fn push(&mut self, line: u64, message: String) {
        if self.0.len() < MAX_REPORTED_ERRORS {
            self.0.push(RowError { line, message });
        }
    }
}

fn check_header(reader: &mut csv::Reader<&[u8]>, expected: &[&str]) -> Result<(), ImportError> {
    let header = reader.headers().map_err(|e| {
        ImportError::Rows(vec![RowError {
            line: 1,
            message: format!("无法读取表头：{e}"),
        }])
    })?;
    let found: Vec<&str> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}'))
        .collect();
    if found != expected {
        return Err(ImportError::Rows(vec![RowError {
            line: 1,
            message: format!(
                "表头应为“{}”，实际为“{}”",
                expected.join(","),
                found.join(",")
            ),
        }]));
    }
    Ok(())
}

fn check_name(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        Some("名称不能为空".into())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some(format!("名称超过{MAX_NAME_CHARS}个字符"))
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Divisions

#[derive(Debug, Clone, PartialEq, Eq)]
struct DivisionInput {
    line: u64,
    code: String,
    name: String,
    level: DivisionLevel,
    parent_code: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct KnownDivision {
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
    path: String,
}

/// Imports divisions from CSV `code,name,level,parent_code`. Idempotent: rows already present are
/// left alone, renamed ones are updated. Any bad row refuses the whole file.
pub async fn import_divisions(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    csv_text: &str,
) -> Result<ImportReport, ImportError> {
    let rows = parse_division_rows(csv_text)?;
    let known = load_known_divisions(db).await?;
    let plan = plan_division_import(&rows, &known)?;
    let report = ImportReport {
        added: plan.to_insert.len() as u64,
        renamed: plan.to_rename.len() as u64,
        unchanged: plan.unchanged,
    };
    if report.added == 0 && report.renamed == 0 {
        return Ok(report);
    }
    let mut tx = db.begin().await?;
    insert_divisions(&mut tx, &plan.to_insert, now).await?;
    for (code, old_name, new_name) in &plan.to_rename {
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE divisions SET name = $1 WHERE code = $2")
                .bind(new_name)
                .bind(code)
                .execute(&mut *conn)
                .await.map(|done| done.rows_affected())
        })?;
        audit::append(
            &mut tx,
            actor,
            now,
            Change {
                action: "division.rename",
                entity_type: "division",
                entity_id: code.clone(),
                summary: format!("区划 {code} 更名：{old_name} → {new_name}"),
                before: Some(&serde_json::json!({ "name": old_name })),
                after: Some(&serde_json::json!({ "name": new_name })),
            },
        )
        .await?;
    }
    // New divisions are recorded as one entry with the file's digest: the file is the evidence.
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "division.import",
            entity_type: "division",
            entity_id: "*".into(),
            summary: format!(
                "导入行政区划：新增{}个，更名{}个，未变{}个",
                report.added, report.renamed, report.unchanged
            ),
            before: None,
            after: Some(&serde_json::json!({ "file_sha256": fazhi_core::auth::secret_digest(csv_text), "report": &report })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

fn parse_division_rows(csv_text: &str) -> Result<Vec<DivisionInput>, ImportError> {
    parse_rows(
        csv_text,
        &["code", "name", "level", "parent_code"],
        "区划代码",
        parse_division_record,
        |row| &row.code,
    )
}

/// Reads every row of a CSV import with `parse`, refusing duplicate codes; all errors are
/// collected (with line numbers, the header being line 1) before the file is refused.
fn parse_rows<T>(
    csv_text: &str,
    header: &[&str],
    code_label: &str,
    parse: impl Fn(u64, &csv::StringRecord) -> Result<T, String>,
    code_of: impl Fn(&T) -> &str,
) -> Result<Vec<T>, ImportError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    check_header(&mut reader, header)?;
    let mut errors = ErrorList(Vec::new());
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        let parsed = record
            .map_err(|e| format!("无法解析：{e}"))
            .and_then(|record| parse(line, &record));
        match parsed {
            Ok(row) => match seen.insert(code_of(&row).to_string(), line) {
                Some(first) => errors.push(
                    line,
                    format!("{code_label}“{}”与第{first}行重复", code_of(&row)),
                ),
                None => rows.push(row),
            },
            Err(message) => errors.push(line, message),
        }
    }
    if errors.0.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Rows(errors.0))
    }
}

fn parse_division_record(line: u64, record: &csv::StringRecord) -> Result<DivisionInput, String> {
    if record.len() != 4 {
        return Err(format!("应有4列，实际{}列", record.len()));
    }
    let (code, name, level, parent) = (&record[0], &record[1], &record[2], &record[3]);
    let level = DivisionLevel::parse(level)
        .ok_or_else(|| format!("层级“{level}”无效，应为 province/city/county/town/village"))?;
    DivisionCode::parse(code, level).map_err(|e| e.to_string())?;
    if let Some(problem) = check_name(name) {
        return Err(problem);
    }
    let parent_code = match (level, parent.is_empty()) {
        (DivisionLevel::Province, true) => None,
        (DivisionLevel::Province, false) => return Err("省级区划不应有上级代码".into()),
        (_, true) => return Err("缺少上级区划代码".into()),
        (_, false) => Some(parent.to_string()),
    };
    Ok(DivisionInput {
        line,
        code: code.into(),
        name: name.into(),
        level,
        parent_code,
    })
}

async fn load_known_divisions(db: &Db) -> Result<HashMap<String, KnownDivision>> {
    let rows: Vec<KnownDivision> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT d.code, d.name, d.level, p.code AS parent_code, d.path \
             FROM divisions d LEFT JOIN divisions p ON p.id = d.parent_id",
        )
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|row| (row.code.clone(), row))
        .collect())
}

struct DivisionPlan {
    /// (code, name, level, parent code, path), parents before children.
    to_insert: Vec<(String, String, DivisionLevel, Option<String>, String)>,
    /// (code, old name, new name)
    to_rename: Vec<(String, String, String)>,
    unchanged: u64,
}

fn plan_division_import(
    rows: &[DivisionInput],
    known: &HashMap<String, KnownDivision>,
) -> Result<DivisionPlan, ImportError> {
    let mut ordered: Vec<&DivisionInput> = rows.iter().collect();
    ordered.sort_by_key(|row| (row.level, row.line));
    let mut levels_and_paths: HashMap<&str, (DivisionLevel, String)> = HashMap::new();
    let mut plan = DivisionPlan {
        to_insert: Vec::new(),
        to_rename: Vec::new(),
        unchanged: 0,
    };
    let mut errors = ErrorList(Vec::new());
    for row in ordered {
        if let Some(existing) = known.get(&row.code) {
            if existing.level != row.level.as_str() || existing.parent_code != row.parent_code {
                errors.push(
                    row.line,
                    format!("区划代码“{}”已存在，但层级或上级不同", row.code),
                );
                continue;
            }
            if existing.name == row.name {
                plan.unchanged += 1;
            } else {
                plan.to_rename
                    .push((row.code.clone(), existing.name.clone(), row.name.clone()));
            }
            levels_and_paths.insert(&row.code, (row.level, existing.path.clone()));
            continue;
        }
        let path = match &row.parent_code {
            None => root_path(&row.code),
            Some(parent_code) => {
                let parent = levels_and_paths
                    .get(parent_code.as_str())
                    .cloned()
                    .or_else(|| {
                        known.get(parent_code).and_then(|p| {
                            DivisionLevel::parse(&p.level).map(|level| (level, p.path.clone()))
                        })
                    });
                match parent {
                    None => {
                        errors.push(row.line, format!("上级区划“{parent_code}”不存在"));
                        continue;
                    }
                    Some((parent_level, parent_path)) => {
                        if let Err(message) = check_parent(row, parent_code, parent_level) {
                            errors.push(row.line, message);
                            continue;
                        }
                        child_path(&parent_path, &row.code)
                    }
                }
            }
        };
        levels_and_paths.insert(&row.code, (row.level, path.clone()));
        plan.to_insert.push((
            row.code.clone(),
            row.name.clone(),
            row.level,
            row.parent_code.clone(),
            path,
        ));
    }
    if errors.0.is_empty() {
        Ok(plan)
    } else {
        errors.0.sort_by_key(|e| e.line);
        Err(ImportError::Rows(errors.0))
    }
}

fn check_parent(
    row: &DivisionInput,
    parent_code: &str,
    parent_level: DivisionLevel,
) -> Result<(), String> {
    if !row.level.allowed_parent_levels().contains(&parent_level) {
        return Err(format!(
            "{}级区划的上级不能是{}级（“{parent_code}”）",
            row.level.zh(),
            parent_level.zh()
        ));
    }
    let code = DivisionCode::parse(&row.code, row.level).map_err(|e| e.to_string())?;
    let parent = DivisionCode::parse(parent_code, parent_level).map_err(|e| e.to_string())?;
    if !code.belongs_under(&parent, parent_level) {
        return Err(format!(
            "区划代码“{}”与上级“{parent_code}”的代码前缀不符",
            row.code
        ));
    }
    Ok(())
}

async fn insert_divisions(
    tx: &mut Tx,
    rows: &[(String, String, DivisionLevel, Option<String>, String)],
    now: DateTime<Utc>,
) -> Result<()> {
    // A row's parent must already be stored when its INSERT runs (a statement does not see its
    // own rows), so each statement carries one level only; `rows` is sorted by level.
    let batches = rows
        .chunk_by(|a, b| a.2 == b.2)
        .flat_map(|level| level.chunks(INSERT_BATCH));
    for batch in batches {
        on_tx!(tx, conn => {
            let mut builder = sqlx::QueryBuilder::new(
                "INSERT INTO divisions (code, name, level, parent_id, path, created_at) ",
            );
            builder.push_values(batch, |mut values, (code, name, level, parent_code, path)| {
                values
                    .push_bind(code)
                    .push_bind(name)
                    .push_bind(level.as_str())
                    .push("(SELECT id FROM divisions WHERE code = ")
                    .push_bind_unseparated(parent_code)
                    .push_unseparated(")")
                    .push_bind(path)
                    .push_bind(now);
            });
            builder.build().execute(&mut *conn).await.map(|done| done.rows_affected())
        })?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DivisionRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: String,
    pub path: String,
    pub children: i64,
}

impl DivisionRow {
    pub fn level_zh(&self) -> &'static str {
        DivisionLevel::parse(&self.level)
            .map(|l| l.zh())
            .unwrap_or("")
    }
}

const SELECT_DIVISION: &str = "SELECT d.id, d.code, d.name, d.level, d.path, \
     (SELECT COUNT(*) FROM divisions c WHERE c.parent_id = d.id) AS children FROM divisions d";

pub async fn division_by_code(db: &Db, code: &str) -> Result<Option<DivisionRow>> {
    let sql = format!("{SELECT_DIVISION} WHERE d.code = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(pool).await)
        .map_err(Into::into)
}

/// The divisions directly below `parent` (or the top-level ones), by code.
pub async fn child_divisions(db: &Db, parent_id: Option<i64>) -> Result<Vec<DivisionRow>> {
    let sql = format!(
        "{SELECT_DIVISION} WHERE (($1 IS NULL AND d.parent_id IS NULL) OR d.parent_id = $1) ORDER BY d.code"
    );
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(parent_id).fetch_all(pool).await)
        .map_err(Into::into)
}

/// The chain from the top division down to `code` (breadcrumbs).
pub async fn division_ancestry(db: &Db, path: &str) -> Result<Vec<DivisionRow>> {
    let codes: Vec<String> = path
        .split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let mut chain = Vec::with_capacity(codes.len());
    for code in codes {
        if let Some(row) = division_by_code(db, &code).await? {
            chain.push(row);
        }
    }
    Ok(chain)
}

/// Number of divisions per level, from province down to village.
pub async fn count_divisions_by_level(db: &Db) -> Result<Vec<(String, i64)>> {
    let mut counts: Vec<(String, i64)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT level, COUNT(*) FROM divisions GROUP BY level").fetch_all(pool).await
    })?;
    counts.sort_by_key(|(level, _)| DivisionLevel::parse(level));
    Ok(counts)
}

// ---------------------------------------------------------------------------------------------
// Agencies

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AgencyRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub division_id: i64,
    pub division_code: String,
    pub division_name: String,
    pub division_path: String,
    pub parent_id: Option<i64>,
}

impl AgencyRow {
    pub fn kind_zh(&self) -> &'static str {
        AgencyKind::parse(&self.kind).map(|k| k.zh()).unwrap_or("")
    }

    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.id,
            division_path: self.division_path.clone(),
        }
    }
}

const SELECT_AGENCY: &str = "SELECT a.id, a.code, a.name, a.kind, a.division_id, d.code AS division_code, \
     d.name AS division_name, d.path AS division_path, a.parent_id \
     FROM agencies a JOIN divisions d ON d.id = a.division_id";

/// Agencies whose name contains `name` (all when `None`), by division path then code.
pub async fn agencies(db: &Db, name: Option<&str>) -> Result<Vec<AgencyRow>> {
    let pattern = name.map(|n| format!("%{}%", crate::like_escape(n)));
    let sql = format!(
        "{SELECT_AGENCY} WHERE ($1 IS NULL OR a.name LIKE $1 ESCAPE '\\') ORDER BY d.path, a.code"
    );
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&pattern).fetch_all(pool).await)
        .map_err(Into::into)
}

pub async fn agencies_in_division(db: &Db, division_id: i64) -> Result<Vec<AgencyRow>> {
    let sql = format!("{SELECT_AGENCY} WHERE a.division_id = $1 ORDER BY a.code");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(division_id).fetch_all(pool).await)
        .map_err(Into::into)
}

pub async fn agency_by_id(db: &Db, id: i64) -> Result<Option<AgencyRow>> {
    let sql = format!("{SELECT_AGENCY} WHERE a.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await)
        .map_err(Into::into)
}

pub async fn agency_by_code(db: &Db, code: &str) -> Result<Option<AgencyRow>> {
    let sql = format!("{SELECT_AGENCY} WHERE a.code = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(pool).await)
        .map_err(Into::into)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct AgencyInput {
    line: u64,
    code: String,
    name: String,
    kind: AgencyKind,
    division_code: String,
    parent_code: Option<String>,
}

/// Imports agencies from CSV `code,name,kind,division_code,parent_code`. Idempotent; an agency
/// whose name, kind, division or parent changed is updated; any bad row refuses the whole file.
pub async fn import_agencies(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    csv_text: &str,
) -> Result<ImportReport, ImportError> {
    let rows = parse_agency_rows(csv_text)?;
    check_agency_references(db, &rows).await?;
    let mut report = ImportReport::default();
    let mut tx = db.begin().await?;
    for row in &rows {
        match upsert_agency(&mut tx, actor, now, row).await? {
            Upsert::Added => report.added += 1,
            Upsert::Changed => report.renamed += 1,
            Upsert::Unchanged => report.unchanged += 1,
        }
    }
    tx.commit().await?;
    Ok(report)
}

fn parse_agency_rows(csv_text: &str) -> Result<Vec<AgencyInput>, ImportError> {
    // A parent must come earlier in the file or already exist; checked against the database later.
    let header = ["code", "name", "kind", "division_code", "parent_code"];
    parse_rows(
        csv_text,
        &header,
        "机构代码",
        parse_agency_record,
        |row| &row.code,
    )
}

fn parse_agency_record(line: u64, record: &csv::StringRecord) -> Result<AgencyInput, String> {
    if record.len() != 5 {
        return Err(format!("应有5列，实际{}列", record.len()));
    }
    let code = record[0].to_string();
    if !is_valid_agency_code(&code) {
        return Err(format!(
            "机构代码“{code}”既不是有效的统一社会信用代码，也不是“G区划代码-序号”格式"
        ));
    }
    if let Some(problem) = check_name(&record[1]) {
        return Err(problem);
    }
    let generated_division = code
        .strip_prefix('G')
        .and_then(|rest| rest.split_once('-'))
        .map(|(division, _)| division);
    if generated_division.is_some_and(|division| division != &record[3]) {
        return Err(format!(
            "机构代码“{code}”中的区划代码与所属区划“{}”不一致",
            &record[3]
        ));
    }
    let kind = AgencyKind::parse(&record[2]).ok_or_else(|| {
        format!(
            "机构类型“{}”无效，应为 government/general_office/department/village_committee/other",
            &record[2]
        )
    })?;
    let parent_code = Some(record[4].to_string()).filter(|p| !p.is_empty());
    Ok(AgencyInput {
        line,
        code,
        name: record[1].to_string(),
        kind,
        division_code: record[3].to_string(),
        parent_code,
    })
}

async fn check_agency_references(db: &Db, rows: &[AgencyInput]) -> Result<(), ImportError> {
    let mut errors = ErrorList(Vec::new());
    let mut earlier: HashMap<&str, ()> = HashMap::new();
    for row in rows {
        if division_by_code(db, &row.division_code).await?.is_none() {
            errors.push(row.line, format!("所属区划“{}”不存在", row.division_code));
        }
        if row.parent_code.as_deref() == Some(row.code.as_str()) {
            errors.push(row.line, "机构不能以自己为上级".into());
        }
        if let Some(parent) = &row.parent_code {
            let known = earlier.contains_key(parent.as_str())
                || agency_by_code(db, parent).await?.is_some();
            if !known {
                errors.push(
                    row.line,
                    format!("上级机构“{parent}”不存在（上级须在本文件前面或已导入）"),
                );
            }
        }
        earlier.insert(&row.code, ());
    }
    if errors.0.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Rows(errors.0))
    }
}

enum Upsert {
    Added,
    Changed,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
struct StoredAgency {
    id: i64,
    name: String,
    kind: String,
    division_code: String,
    parent_code: Option<String>,
}

async fn upsert_agency(
    tx: &mut Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    row: &AgencyInput,
) -> Result<Upsert> {
    let existing: Option<StoredAgency> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(
            "SELECT a.id, a.name, a.kind, d.code AS division_code, p.code AS parent_code FROM agencies a \
             JOIN divisions d ON d.id = a.division_id LEFT JOIN agencies p ON p.id = a.parent_id WHERE a.code = $1",
        )
        .bind(&row.code)
        .fetch_optional(&mut *conn)
        .await
    })?;
    let wanted = (
        row.name.as_str(),
        row.kind.as_str(),
        row.division_code.as_str(),
        row.parent_code.as_deref(),
    );
    let (outcome, action, summary) = match &existing {
        Some(e)
            if (
                e.name.as_str(),
                e.kind.as_str(),
                e.division_code.as_str(),
                e.parent_code.as_deref(),
            ) == wanted =>
        {
            return Ok(Upsert::Unchanged);
        }
        Some(_) => (
            Upsert::Changed,
            "agency.update",
            format!("更新机构 {} {}", row.code, row.name),
        ),
        None => (
            Upsert::Added,
            "agency.create",
            format!("新增机构 {} {}", row.code, row.name),
        ),
    };
    on_tx!(&mut *tx, conn => {
        sqlx::query(
            "INSERT INTO agencies (code, name, kind, division_id, parent_id, created_at, updated_at) \
             VALUES ($1, $2, $3, (SELECT id FROM divisions WHERE code = $4), \
                     (SELECT id FROM agencies WHERE code = $5), $6, $6) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, \
                     division_id = excluded.division_id, parent_id = excluded.parent_id, updated_at = excluded.updated_at",
        )
        .bind(&row.code)
        .bind(&row.name)
        .bind(row.kind.as_str())
        .bind(&row.division_code)
        .bind(&row.parent_code)
        .bind(now)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected())
    })?;
    audit::append(
        tx,
        actor,
        now,
        Change {
            action,
            entity_type: "agency",
            entity_id: row.code.clone(),
            summary,
            before: existing.as_ref(),
            after: Some(row),
        },
    )
    .await?;
    Ok(outcome)
}

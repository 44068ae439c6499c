//! 权责清单 storage. Adjustments are the record. Because the replay of spec/powers.md is
//! independent per item, recording a batch replays each affected item's whole history inside the
//! same transaction: an adjustment that contradicts the register rolls the batch back, and the
//! derived holdings of the item are rewritten so that as-of queries are indexed SQL even at
//! province scale.

use crate::audit::{self, Change};
use crate::{Actor, Db, DbError, ImportError, Result, Tx, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use fazhi_core::powers::{
    Adjustment, AdjustmentKind, CaseAttributes, Condition, Decision, Entrustment, HolderAnswer,
    Holding, Item, Ledger, Party, check_item,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const BUILTIN_CATEGORIES: &str = include_str!("../../../data/powers/categories.csv");

/// Adds the bundled category vocabulary where missing (spec §1: the vocabulary is data).
pub async fn seed_categories(db: &Db) -> Result<()> {
    let mut reader = csv::Reader::from_reader(BUILTIN_CATEGORIES.as_bytes());
    let mut tx = db.begin().await?;
    for record in reader.records() {
        let record = record.map_err(|e| DbError::Invalid(format!("内置事项类别表有误：{e}")))?;
        let sort: i64 = record[3]
            .parse()
            .map_err(|_| DbError::Invalid("内置事项类别表的排序号有误".into()))?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO power_categories (code, name, kind, sort, source) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(&record[0])
            .bind(&record[1])
            .bind(&record[2])
            .bind(sort)
            .bind(&record[4])
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
        })?;
    }
    tx.commit().await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CategoryRow {
    pub code: String,
    pub name: String,
    pub kind: String,
}

pub async fn categories(db: &Db) -> Result<Vec<CategoryRow>> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT code, name, kind FROM power_categories ORDER BY sort").fetch_all(pool).await
    })
    .map_err(Into::into)
}

/// The codes of the category vocabulary, for checking items.
async fn category_codes(db: &Db) -> Result<Vec<String>> {
    Ok(categories(db).await?.into_iter().map(|c| c.code).collect())
}

/// What saving an item did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemSaved {
    New,
    Changed,
    Unchanged,
}

/// Creates or updates an item's descriptive fields (holders change only through adjustments).
pub async fn save_item(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    item: &Item,
) -> Result<ItemSaved> {
    Ok(save_items(db, actor, now, std::slice::from_ref(item)).await?[0])
}

/// Saves many items in one transaction (all or nothing).
pub async fn save_items(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    items: &[Item],
) -> Result<Vec<ItemSaved>> {
    let codes = category_codes(db).await?;
    let mut tx = db.begin().await?;
    let saved = save_items_in(&mut tx, actor, now, items, &codes).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Saves `items`, then checks that every item they name as related exists (in the register or
/// among `items`, so a list may name an item it introduces further down).
async fn save_items_in(
    tx: &mut Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    items: &[Item],
    category_codes: &[String],
) -> Result<Vec<ItemSaved>> {
    let mut saved = Vec::with_capacity(items.len());
    for item in items {
        saved.push(save_item_in(tx, actor, now, item, category_codes).await?);
    }
    for item in items {
        for related in &item.related_items {
            let exists: Option<String> = on_tx!(&mut *tx, conn => {
                sqlx::query_scalar("SELECT code FROM power_items WHERE code = $1")
                    .bind(related)
                    .fetch_optional(&mut *conn)
                    .await
            })?;
            if exists.is_none() {
                return Err(DbError::Invalid(format!(
                    "事项“{}”的关联事项“{related}”不存在",
                    item.code
                )));
            }
        }
    }
    Ok(saved)
}

async fn save_item_in(
    tx: &mut Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    item: &Item,
    category_codes: &[String],
) -> Result<ItemSaved> {
    if let Some(first) = check_item(item, category_codes).first() {
        return Err(DbError::Invalid(format!(
            "事项“{}”的{}：{}",
            item.code, first.field, first.message
        )));
    }
    let basis = serde_json::to_string(&item.basis).map_err(|e| DbError::Invalid(e.to_string()))?;
    let responsibilities = serde_json::to_string(&item.responsibilities)
        .map_err(|e| DbError::Invalid(e.to_string()))?;
    let sub_items =
        serde_json::to_string(&item.sub_items).map_err(|e| DbError::Invalid(e.to_string()))?;
    let related_items =
        serde_json::to_string(&item.related_items).map_err(|e| DbError::Invalid(e.to_string()))?;
    type Stored = (
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
    let stored: Option<Stored> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(
            "SELECT name, sub_items, category, basis, responsibilities, accountability, supervision, note, \
             related_items FROM power_items WHERE code = $1",
        )
        .bind(&item.code)
        .fetch_optional(&mut *conn)
        .await
    })?;
    let wanted = (
        item.name.clone(),
        sub_items.clone(),
        item.category.clone(),
        basis.clone(),
        responsibilities.clone(),
        item.accountability.clone(),
        item.supervision.clone(),
        item.note.clone(),
        related_items.clone(),
    );
    let saved = match &stored {
        None => ItemSaved::New,
        Some(current) if *current == wanted => return Ok(ItemSaved::Unchanged),
        Some(_) => ItemSaved::Changed,
    };
    on_tx!(&mut *tx, conn => {
        sqlx::query(
            "INSERT INTO power_items (code, name, category, basis, responsibilities, accountability, supervision, note, \
             created_at, updated_at, sub_items, related_items) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, sub_items = excluded.sub_items, \
             related_items = excluded.related_items, \
             category = excluded.category, basis = excluded.basis, \
             responsibilities = excluded.responsibilities, accountability = excluded.accountability, \
             supervision = excluded.supervision, note = excluded.note, updated_at = excluded.updated_at",
        )
        .bind(&item.code)
        .bind(&item.name)
        .bind(&item.category)
        .bind(&basis)
        .bind(&responsibilities)
        .bind(&item.accountability)
        .bind(&item.supervision)
        .bind(&item.note)
        .bind(now)
        .bind(&sub_items)
        .bind(&related_items)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    write_terms(tx, item).await?;
    let category_changed = stored
        .as_ref()
        .is_some_and(|(_, _, category, ..)| *category != item.category);
    if category_changed {
        on_tx!(&mut *tx, conn => {
            sqlx::query("UPDATE power_holdings SET category = $1 WHERE item_code = $2")
                .bind(&item.category)
                .bind(&item.code)
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
        })?;
    }
    let (action, verb) = if saved == ItemSaved::New {
        ("power_item.create", "新建")
    } else {
        ("power_item.update", "更新")
    };
    audit::append(
        tx,
        actor,
        now,
        Change {
            action,
            entity_type: "power_item",
            entity_id: item.code.clone(),
            summary: format!("{verb}权责事项 {} {}", item.code, item.name),
            before: stored.as_ref(),
            after: Some(item),
        },
    )
    .await?;
    Ok(saved)
}

/// Replaces the search words of `item` (core::search) with those of its name and code.
async fn write_terms(tx: &mut Tx, item: &Item) -> Result<()> {
    let terms = fazhi_core::search::index_terms(&[&item.name, &item.code]);
    on_tx!(&mut *tx, conn => {
        sqlx::query("DELETE FROM power_item_terms WHERE item_code = $1")
            .bind(&item.code)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    if terms.is_empty() {
        return Ok(());
    }
    on_tx!(&mut *tx, conn => {
        let mut query = sqlx::QueryBuilder::new("INSERT INTO power_item_terms (term, item_code) ");
        query.push_values(&terms, |mut values, term| {
            values.push_bind(term.clone()).push_bind(item.code.clone());
        });
        query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// Indexes the items that have no search words yet (a database from before the index, or one
/// filled by other means). Returns how many were indexed.
pub async fn index_missing_terms(db: &Db) -> Result<usize> {
    let missing: Vec<(String, String)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT code, name FROM power_items i \
             WHERE NOT EXISTS (SELECT 1 FROM power_item_terms t WHERE t.item_code = i.code)",
        )
        .fetch_all(pool)
        .await
    })?;
    if missing.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    for (code, name) in &missing {
        let item = Item {
            code: code.clone(),
            name: name.clone(),
            ..Item::default()
        };
        write_terms(&mut tx, &item).await?;
    }
    tx.commit().await?;
    Ok(missing.len())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ItemRow {
    pub code: String,
    pub name: String,
    pub category: String,
    pub basis: String,
}

pub async fn item(db: &Db, code: &str) -> Result<Option<ItemRow>> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT code, name, category, basis FROM power_items WHERE code = $1")
            .bind(code)
            .fetch_optional(pool)
            .await
    })
    .map_err(Into::into)
}

// ---------------------------------------------------------------------------------------------
// Adjustments

/// Who gives: an agency on the platform or a body outside it (e.g. a province department).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Giver {
    Agency(String),
    External(String),
}

/// One adjustment to record; agencies are named by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NewAdjustment {
    pub kind: AdjustmentKind,
    pub item_code: String,
    pub effective: NaiveDate,
    pub from: Option<Giver>,
    pub to: Vec<String>,
    pub term_end: Option<NaiveDate>,
    pub condition: Option<Condition>,
    pub giver_keeps_residual: bool,
}

/// The adjustments one decision makes (spec §3 `batch`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NewBatch {
    pub decision: Decision,
    pub url: Option<String>,
    pub adjustments: Vec<NewAdjustment>,
}

/// Records a batch. Every affected item is replayed with the new adjustments; the first
/// contradiction (spec §3–4) refuses the whole batch and nothing is written.
pub async fn record_batch(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    batch: &NewBatch,
) -> Result<Vec<i64>> {
    let mut tx = db.begin().await?;
    let ids = record_batch_in(&mut tx, actor, now, batch).await?;
    tx.commit().await?;
    Ok(ids)
}

async fn record_batch_in(
    tx: &mut Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    batch: &NewBatch,
) -> Result<Vec<i64>> {
    if batch.adjustments.is_empty() {
        return Err(DbError::Invalid("该批次没有任何调整".into()));
    }
    let (batch, follows) = with_related_items(tx, batch).await?;
    let batch = &batch;
    let decision_id = upsert_decision(tx, &batch.decision, batch.url.as_deref()).await?;
    let mut ids = Vec::with_capacity(batch.adjustments.len());
    for adjustment in &batch.adjustments {
        ids.push(insert_adjustment(tx, decision_id, adjustment, now).await?);
    }
    let items: BTreeSet<&str> = batch
        .adjustments
        .iter()
        .map(|a| a.item_code.as_str())
        .collect();
    for item_code in &items {
        rebuild_item(tx, item_code).await.map_err(|error| {
            match (error, follows.get(*item_code)) {
                (DbError::Invalid(message), Some(source)) => DbError::Invalid(format!(
                    "关联事项“{item_code}”随“{source}”一并调整时出错：{message}"
                )),
                (error, _) => error,
            }
        })?;
    }
    audit::append(
        tx,
        actor,
        now,
        Change::<(), _> {
            action: "power_adjustment.record",
            entity_type: "power_decision",
            entity_id: decision_id.to_string(),
            summary: format!(
                "依据“{}”记录权责调整{}条（涉及事项{}项）",
                batch.decision.title,
                ids.len(),
                items.len()
            ),
            before: None,
            after: Some(batch),
        },
    )
    .await?;
    Ok(ids)
}

/// Spec §5: the inspection and coercive powers linked to a handed-down item move with it, and
/// come back with it. For each 下放 or 收回 in the batch, adds the same adjustment of every
/// related item that the batch does not already move from the same giver. Returns the batch
/// and, for each added item, the item it follows.
async fn with_related_items(
    tx: &mut Tx,
    batch: &NewBatch,
) -> Result<(NewBatch, BTreeMap<String, String>)> {
    let mut expanded = batch.clone();
    let mut follows = BTreeMap::new();
    for adjustment in &batch.adjustments {
        if !matches!(
            adjustment.kind,
            AdjustmentKind::Devolve | AdjustmentKind::TakeBack
        ) {
            continue;
        }
        let related: Option<String> = on_tx!(&mut *tx, conn => {
            sqlx::query_scalar("SELECT related_items FROM power_items WHERE code = $1")
                .bind(&adjustment.item_code)
                .fetch_optional(&mut *conn)
                .await
        })?;
        let related: Vec<String> = match related {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| DbError::Invalid(format!("关联事项格式有误：{e}")))?,
            None => Vec::new(),
        };
        for code in related {
            let already = expanded.adjustments.iter().any(|a| {
                a.item_code == code && a.kind == adjustment.kind && a.from == adjustment.from
            });
            if !already {
                follows.insert(code.clone(), adjustment.item_code.clone());
                expanded.adjustments.push(NewAdjustment {
                    item_code: code,
                    ..adjustment.clone()
                });
            }
        }
    }
    Ok((expanded, follows))
}

async fn upsert_decision(tx: &mut Tx, decision: &Decision, url: Option<&str>) -> Result<i64> {
    if decision.title.trim().is_empty() {
        return Err(DbError::Invalid("缺少决定文件标题".into()));
    }
    let existing: Option<i64> = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar("SELECT id FROM power_decisions WHERE title = $1 AND decided_on = $2")
            .bind(&decision.title)
            .bind(decision.date)
            .fetch_optional(&mut *conn)
            .await
    })?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO power_decisions (title, doc_number, decided_on, url) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&decision.title)
        .bind(&decision.doc_number)
        .bind(decision.date)
        .bind(url)
        .fetch_one(&mut *conn)
        .await
    })?;
    Ok(id)
}

async fn insert_adjustment(
    tx: &mut Tx,
    decision_id: i64,
    adjustment: &NewAdjustment,
    now: DateTime<Utc>,
) -> Result<i64> {
    let item_exists: Option<i64> = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar("SELECT id FROM power_items WHERE code = $1").bind(&adjustment.item_code).fetch_optional(&mut *conn).await
    })?;
    if item_exists.is_none() {
        return Err(DbError::Invalid(format!(
            "事项“{}”不存在",
            adjustment.item_code
        )));
    }
    let named_agencies = adjustment.to.iter().chain(match &adjustment.from {
        Some(Giver::Agency(code)) => Some(code),
        _ => None,
    });
    for code in named_agencies {
        territory_of(tx, code).await?;
    }
    let (from_agency, from_external) = match &adjustment.from {
        Some(Giver::Agency(code)) => (Some(code.as_str()), None),
        Some(Giver::External(name)) => (None, Some(name.as_str())),
        None => (None, None),
    };
    let condition = adjustment.condition.as_ref();
    let id: i64 = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO power_adjustments (item_code, kind, effective, decision_id, from_agency, from_external, term_end, \
             condition_attribute, condition_value, condition_text, giver_keeps_residual, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&adjustment.item_code)
        .bind(adjustment.kind.as_str())
        .bind(adjustment.effective)
        .bind(decision_id)
        .bind(from_agency)
        .bind(from_external)
        .bind(adjustment.term_end)
        .bind(condition.map(|c| c.attribute.as_str()))
        .bind(condition.map(|c| c.value.as_str()))
        .bind(condition.map(|c| c.text.as_str()))
        .bind(adjustment.giver_keeps_residual)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    if !adjustment.to.is_empty() {
        on_tx!(&mut *tx, conn => {
            let mut query = sqlx::QueryBuilder::new("INSERT INTO power_adjustment_receivers (adjustment_id, agency) ");
            query.push_values(&adjustment.to, |mut values, receiver| {
                values.push_bind(id).push_bind(receiver);
            });
            query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
        })?;
    }
    Ok(id)
}

async fn territory_of(tx: &mut Tx, agency: &str) -> Result<String> {
    let path: Option<String> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT d.path FROM agencies a JOIN divisions d ON d.id = a.division_id WHERE a.code = $1")
            .bind(agency)
            .fetch_optional(&mut *conn)
            .await
    })?;
    path.ok_or_else(|| DbError::Invalid(format!("机构“{agency}”不存在")))
}

#[derive(sqlx::FromRow)]
struct AdjustmentRow {
    id: i64,
    kind: String,
    effective: NaiveDate,
    from_agency: Option<String>,
    from_territory: Option<String>,
    from_external: Option<String>,
    term_end: Option<NaiveDate>,
    condition_attribute: Option<String>,
    condition_value: Option<String>,
    condition_text: Option<String>,
    giver_keeps_residual: bool,
    title: String,
    doc_number: Option<String>,
    decided_on: NaiveDate,
}

/// The item's adjustments as the core ledger takes them.
async fn item_adjustments(tx: &mut Tx, item_code: &str) -> Result<Vec<Adjustment>> {
    let rows: Vec<AdjustmentRow> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(
            "SELECT j.id, j.kind, j.effective, j.from_agency, d.path AS from_territory, j.from_external, j.term_end, \
             j.condition_attribute, j.condition_value, j.condition_text, j.giver_keeps_residual, \
             c.title, c.doc_number, c.decided_on \
             FROM power_adjustments j JOIN power_decisions c ON c.id = j.decision_id \
             LEFT JOIN agencies a ON a.code = j.from_agency LEFT JOIN divisions d ON d.id = a.division_id \
             WHERE j.item_code = $1",
        )
        .bind(item_code)
        .fetch_all(&mut *conn)
        .await
    })?;
    let receivers: Vec<(i64, String, String)> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(
            "SELECT r.adjustment_id, r.agency, d.path FROM power_adjustment_receivers r \
             JOIN power_adjustments j ON j.id = r.adjustment_id \
             JOIN agencies a ON a.code = r.agency JOIN divisions d ON d.id = a.division_id \
             WHERE j.item_code = $1 ORDER BY r.agency",
        )
        .bind(item_code)
        .fetch_all(&mut *conn)
        .await
    })?;
    let mut receivers_of: HashMap<i64, Vec<Party>> = HashMap::new();
    for (adjustment_id, agency, path) in receivers {
        receivers_of
            .entry(adjustment_id)
            .or_default()
            .push(Party::on_platform(&agency, &path));
    }
    rows.into_iter()
        .map(|row| {
            let kind = AdjustmentKind::parse(&row.kind)
                .ok_or_else(|| DbError::Invalid(format!("调整类型“{}”无效", row.kind)))?;
            let from = match (row.from_agency, row.from_external) {
                (Some(agency), _) => Some(Party {
                    agency,
                    territory: row.from_territory,
                }),
                (None, Some(name)) => Some(Party::external(&name)),
                (None, None) => None,
            };
            let condition = match (row.condition_attribute, row.condition_value) {
                (Some(attribute), Some(value)) => Some(Condition {
                    attribute,
                    value,
                    text: row.condition_text.unwrap_or_default(),
                }),
                _ => None,
            };
            Ok(Adjustment {
                id: row.id,
                kind,
                item_code: item_code.to_string(),
                effective: row.effective,
                from,
                to: receivers_of.remove(&row.id).unwrap_or_default(),
                term_end: row.term_end,
                condition,
                giver_keeps_residual: row.giver_keeps_residual,
                decision: Decision {
                    title: row.title,
                    doc_number: row.doc_number,
                    date: row.decided_on,
                },
            })
        })
        .collect()
}

/// Replays the item and rewrites its derived holdings and entrustments.
async fn rebuild_item(tx: &mut Tx, item_code: &str) -> Result<()> {
    let adjustments = item_adjustments(tx, item_code).await?;
    let ledger = Ledger::replay(adjustments).map_err(|e| DbError::Invalid(e.to_string()))?;
    on_tx!(&mut *tx, conn => {
        sqlx::query("DELETE FROM power_holdings WHERE item_code = $1").bind(item_code).execute(&mut *conn).await?;
        sqlx::query("DELETE FROM power_entrustments WHERE item_code = $1").bind(item_code).execute(&mut *conn).await
            .map(|done| done.rows_affected())
    })?;
    let category: String = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar("SELECT category FROM power_items WHERE code = $1")
            .bind(item_code)
            .fetch_one(&mut *conn)
            .await
    })?;
    for chunk in ledger.holdings.chunks(500) {
        insert_holdings(tx, chunk, &category).await?;
    }
    for entrustment in &ledger.entrustments {
        insert_entrustment(tx, entrustment).await?;
    }
    Ok(())
}

/// One multi-row INSERT per chunk of holdings (an item handed to a county's towns has dozens).
async fn insert_holdings(tx: &mut Tx, holdings: &[Holding], category: &str) -> Result<()> {
    on_tx!(tx, conn => {
        let mut query = sqlx::QueryBuilder::new(
            "INSERT INTO power_holdings (item_code, holder, territory, valid_from, valid_to, condition_attribute, \
             condition_value, condition_text, supervised_by, opened_by, closed_by, category) ",
        );
        query.push_values(holdings, |mut values, holding| {
            let condition = holding.condition.as_ref();
            values
                .push_bind(holding.item_code.clone())
                .push_bind(holding.holder.agency.clone())
                .push_bind(holding.holder.territory.clone().unwrap_or_default())
                .push_bind(holding.from)
                .push_bind(holding.to)
                .push_bind(condition.map(|c| c.attribute.clone()))
                .push_bind(condition.map(|c| c.value.clone()))
                .push_bind(condition.map(|c| c.text.clone()))
                .push_bind(holding.supervised_by.as_ref().map(|p| p.agency.clone()))
                .push_bind(holding.opened_by)
                .push_bind(holding.closed_by)
                .push_bind(category.to_string());
        });
        query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
    })?;
    Ok(())
}

async fn insert_entrustment(tx: &mut Tx, entrustment: &Entrustment) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO power_entrustments (item_code, legal_holder, exercised_by, territory, valid_from, valid_to, \
             term_end, opened_by, taken_back_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&entrustment.item_code)
        .bind(&entrustment.legal_holder.agency)
        .bind(&entrustment.exercised_by.agency)
        .bind(entrustment.exercised_by.territory.as_deref().unwrap_or_default())
        .bind(entrustment.from)
        .bind(entrustment.to)
        .bind(entrustment.term_end)
        .bind(entrustment.opened_by)
        .bind(entrustment.taken_back_by)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Queries

#[derive(sqlx::FromRow)]
struct HoldingRow {
    holder: String,
    territory: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    condition_attribute: Option<String>,
    condition_value: Option<String>,
    condition_text: Option<String>,
    supervised_by: Option<String>,
    opened_by: i64,
    closed_by: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct EntrustmentRow {
    legal_holder: String,
    exercised_by: String,
    territory: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    term_end: Option<NaiveDate>,
    opened_by: i64,
    taken_back_by: Option<i64>,
}

/// Q1: who holds `item_code` for the division with materialised path `place` on `date`.
pub async fn holder(
    db: &Db,
    item_code: &str,
    place: &str,
    date: NaiveDate,
    attributes: Option<&CaseAttributes>,
) -> Result<Vec<HolderAnswer>> {
    let holdings: Vec<HoldingRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT holder, territory, valid_from, valid_to, condition_attribute, condition_value, condition_text, \
             supervised_by, opened_by, closed_by FROM power_holdings WHERE item_code = $1",
        )
        .bind(item_code)
        .fetch_all(pool)
        .await
    })?;
    let entrustments: Vec<EntrustmentRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT legal_holder, exercised_by, territory, valid_from, valid_to, term_end, opened_by, taken_back_by \
             FROM power_entrustments WHERE item_code = $1",
        )
        .bind(item_code)
        .fetch_all(pool)
        .await
    })?;
    let ledger = Ledger {
        holdings: holdings
            .into_iter()
            .map(|row| holding_from_row(item_code, row))
            .collect(),
        entrustments: entrustments
            .into_iter()
            .map(|row| entrustment_from_row(item_code, row))
            .collect(),
        adjustments: Vec::new(),
    };
    Ok(ledger.holder(item_code, place, date, attributes))
}

fn holding_from_row(item_code: &str, row: HoldingRow) -> Holding {
    let condition = match (row.condition_attribute, row.condition_value) {
        (Some(attribute), Some(value)) => Some(Condition {
            attribute,
            value,
            text: row.condition_text.unwrap_or_default(),
        }),
        _ => None,
    };
    Holding {
        item_code: item_code.to_string(),
        holder: Party::on_platform(&row.holder, &row.territory),
        from: row.valid_from,
        to: row.valid_to,
        condition,
        supervised_by: row.supervised_by.map(|agency| Party {
            agency,
            territory: None,
        }),
        opened_by: row.opened_by,
        closed_by: row.closed_by,
    }
}

fn entrustment_from_row(item_code: &str, row: EntrustmentRow) -> Entrustment {
    Entrustment {
        item_code: item_code.to_string(),
        legal_holder: Party {
            agency: row.legal_holder,
            territory: None,
        },
        exercised_by: Party::on_platform(&row.exercised_by, &row.territory),
        from: row.valid_from,
        to: row.valid_to,
        term_end: row.term_end,
        opened_by: row.opened_by,
        taken_back_by: row.taken_back_by,
    }
}

/// One line of a catalogue as of a date.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CatalogueRow {
    pub item_code: String,
    pub name: String,
    pub category: String,
    pub holder: String,
    pub holder_name: String,
    pub valid_from: NaiveDate,
    pub condition_text: Option<String>,
}

/// The adjustment and decision a holding rests on, for citing it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AdjustmentSummary {
    pub id: i64,
    pub kind: String,
    pub effective: NaiveDate,
    pub decision_title: String,
    pub decision_doc_number: Option<String>,
    pub decided_on: NaiveDate,
}

pub async fn adjustment_summary(db: &Db, id: i64) -> Result<Option<AdjustmentSummary>> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT j.id, j.kind, j.effective, c.title AS decision_title, c.doc_number AS decision_doc_number, c.decided_on \
             FROM power_adjustments j JOIN power_decisions c ON c.id = j.decision_id WHERE j.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })
    .map_err(Into::into)
}

/// Q1 answered for people and programs: names instead of codes, the condition in words, and
/// the adjustment and decision that made the holder hold the item.
#[derive(Debug, Clone, Serialize)]
pub struct HolderReport {
    pub agency: String,
    pub agency_code: String,
    pub exercised_by: String,
    pub exercised_by_code: String,
    pub supervised_by: Option<String>,
    pub condition: Option<String>,
    pub division: String,
    pub on: NaiveDate,
    pub basis_adjustment: Option<AdjustmentSummary>,
    pub entrustment_lapsed: bool,
}

/// Q1 for a division code: every applicable holder, most specific first.
pub async fn holder_reports(
    db: &Db,
    item_code: &str,
    division_code: &str,
    on: NaiveDate,
    attributes: Option<&CaseAttributes>,
) -> Result<Vec<HolderReport>> {
    if item(db, item_code).await?.is_none() {
        return Err(DbError::Invalid(format!("事项“{item_code}”不存在")));
    }
    let division = crate::org::division_by_code(db, division_code)
        .await?
        .ok_or_else(|| DbError::Invalid(format!("区划“{division_code}”不存在")))?;
    let mut reports = Vec::new();
    for answer in holder(db, item_code, &division.path, on, attributes).await? {
        reports.push(HolderReport {
            agency: agency_name(db, &answer.legal_holder.agency).await?,
            agency_code: answer.legal_holder.agency.clone(),
            exercised_by: agency_name(db, &answer.exercised_by.agency).await?,
            exercised_by_code: answer.exercised_by.agency.clone(),
            supervised_by: match &answer.supervised_by {
                Some(party) => Some(agency_name(db, &party.agency).await?),
                None => None,
            },
            condition: answer.condition.as_ref().map(|c| c.text.clone()),
            division: division.code.clone(),
            on,
            basis_adjustment: adjustment_summary(db, answer.basis_adjustment).await?,
            entrustment_lapsed: answer.lapsed_entrustment.is_some(),
        });
    }
    Ok(reports)
}

async fn agency_name(db: &Db, code: &str) -> Result<String> {
    Ok(crate::org::agency_by_code(db, code)
        .await?
        .map_or_else(|| code.to_string(), |a| a.name))
}

/// Filters of the public catalogue. Empty means "any".
#[derive(Debug, Clone, Default)]
pub struct CatalogueFilter {
    /// Materialised path of the division (itself and below).
    pub division_path: String,
    pub agency: Option<String>,
    pub category: Option<String>,
    /// Words that must all occur in the item name or code (cut with jieba).
    pub search: Option<String>,
    /// Exactly this item.
    pub item: Option<String>,
    /// Level of the holder's division: city, county or town.
    pub level: Option<String>,
    /// Part of a law's name in the legal basis.
    pub basis: Option<String>,
    /// `power` or `service`: the kind of the item's category (spec §1 lists 公共服务事项 apart).
    pub kind: Option<String>,
    pub on: NaiveDate,
}

/// `kind_categories`: the category codes of `filter.kind`, when it is set.
fn push_catalogue_filter<DB>(
    query: &mut sqlx::QueryBuilder<DB>,
    filter: &CatalogueFilter,
    kind_categories: Option<&[String]>,
) where
    DB: sqlx::Database,
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    for<'a> NaiveDate: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let (start, end) = crate::subtree_range(&filter.division_path);
    query
        .push(" WHERE h.territory >= ")
        .push_bind(start)
        .push(" AND h.territory < ")
        .push_bind(end);
    query.push(" AND h.valid_from <= ").push_bind(filter.on);
    query
        .push(" AND (h.valid_to IS NULL OR h.valid_to > ")
        .push_bind(filter.on)
        .push(")");
    if let Some(agency) = &filter.agency {
        query.push(" AND h.holder = ").push_bind(agency.clone());
    }
    if let Some(category) = &filter.category {
        query.push(" AND h.category = ").push_bind(category.clone());
    }
    // The kind as the list of its category codes: a subquery on the small category table left
    // PostgreSQL guessing its size and sorting a whole city (130 ms instead of 1 ms).
    if let Some(codes) = kind_categories {
        if codes.is_empty() {
            query.push(" AND 1 = 0");
        } else {
            query.push(" AND h.category IN (");
            let mut list = query.separated(", ");
            for code in codes {
                list.push_bind(code.clone());
            }
            query.push(")");
        }
    }
    if let Some(item) = &filter.item {
        query.push(" AND h.item_code = ").push_bind(item.clone());
    }
    if let Some(level) = &filter.level {
        query.push(" AND hd.level = ").push_bind(level.clone());
    }
    if let Some(basis) = &filter.basis {
        query
            .push(" AND i.basis LIKE ")
            .push_bind(format!("%{}%", crate::like_escape(basis)))
            .push(" ESCAPE '\\'");
    }
    if let Some(search) = filter.search.as_deref() {
        push_search(query, search);
    }
}

/// Every word of the query (jieba, see core::search) among the item's indexed words; a query
/// that looks like a code also matches any code containing it ("0006" finds …-XK-00006).
fn push_search<DB>(query: &mut sqlx::QueryBuilder<DB>, search: &str)
where
    DB: sqlx::Database,
    for<'a> String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let words = fazhi_core::search::query_words(search);
    if words.is_empty() {
        return;
    }
    let code_like = search
        .trim()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    query.push(" AND ((1 = 1");
    // EXISTS, not IN: the rows of the division are read by the territory index and each is
    // checked against the word index; IN let SQLite start from every item with the word.
    for word in words {
        query
            .push(" AND EXISTS (SELECT 1 FROM power_item_terms t WHERE t.term = ")
            .push_bind(word)
            .push(" AND t.item_code = h.item_code)");
    }
    query.push(")");
    if code_like {
        query
            .push(" OR UPPER(h.item_code) LIKE ")
            .push_bind(format!(
                "%{}%",
                crate::like_escape(&search.trim().to_ascii_uppercase())
            ))
            .push(" ESCAPE '\\'");
    }
    query.push(")");
}

const CATALOGUE_FROM: &str = " FROM power_holdings h JOIN power_items i ON i.code = h.item_code \
     JOIN agencies a ON a.code = h.holder JOIN divisions hd ON hd.id = a.division_id";

/// The FROM clause a count needs: the joins only when a filter looks at items or levels.
fn catalogue_count_from(filter: &CatalogueFilter) -> String {
    let mut from = String::from(" FROM power_holdings h");
    if filter.basis.is_some() {
        from.push_str(" JOIN power_items i ON i.code = h.item_code");
    }
    if filter.level.is_some() {
        from.push_str(
            " JOIN agencies a ON a.code = h.holder JOIN divisions hd ON hd.id = a.division_id",
        );
    }
    from
}

/// Q2 as a page: holdings in force on the filter's date, by territory, holder and item. `page = None`
/// returns every row (exports).
pub async fn catalogue_page(
    db: &Db,
    filter: &CatalogueFilter,
    page: Option<crate::Page>,
) -> Result<(Vec<CatalogueRow>, i64)> {
    let kind_categories: Option<Vec<String>> = match &filter.kind {
        Some(kind) => Some(
            categories(db)
                .await?
                .into_iter()
                .filter(|c| c.kind == *kind)
                .map(|c| c.code)
                .collect(),
        ),
        None => None,
    };
    let kind_categories = kind_categories.as_deref();
    on_pool!(db, pool => {
        let mut rows_query = sqlx::QueryBuilder::new(
            "SELECT h.item_code, i.name, i.category, h.holder, a.name AS holder_name, h.valid_from, h.condition_text",
        );
        rows_query.push(CATALOGUE_FROM);
        push_catalogue_filter(&mut rows_query, filter, kind_categories);
        // Territory first: the city's own agencies, then each county followed by its towns; it is
        // also the order of the index, so a page stops reading after its rows.
        rows_query.push(" ORDER BY h.territory, h.holder, h.item_code");
        if let Some(page) = page {
            rows_query.push(" LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
        }
        let rows: Vec<CatalogueRow> = rows_query.build_query_as().fetch_all(pool).await?;
        let mut count_query = sqlx::QueryBuilder::new("SELECT COUNT(*)");
        count_query.push(catalogue_count_from(filter));
        push_catalogue_filter(&mut count_query, filter, kind_categories);
        let total: i64 = count_query.build_query_scalar().fetch_one(pool).await?;
        Ok((rows, total))
    })
}

/// An item with all its fields, for its public page.
#[derive(Debug, Clone, Serialize)]
pub struct ItemDetail {
    pub item: Item,
    pub category_name: String,
}

#[derive(sqlx::FromRow)]
struct ItemDetailRow {
    code: String,
    name: String,
    sub_items: String,
    category: String,
    category_name: String,
    basis: String,
    responsibilities: String,
    accountability: String,
    supervision: String,
    note: String,
    related_items: String,
}

pub async fn item_detail(db: &Db, code: &str) -> Result<Option<ItemDetail>> {
    let row: Option<ItemDetailRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT i.code, i.name, i.sub_items, i.category, c.name AS category_name, i.basis, i.responsibilities, \
             i.accountability, i.supervision, i.note, i.related_items FROM power_items i JOIN power_categories c ON c.code = i.category WHERE i.code = $1",
        )
        .bind(code)
        .fetch_optional(pool)
        .await
    })?;
    let Some(row) = row else { return Ok(None) };
    let json_error =
        |e: serde_json::Error| DbError::Invalid(format!("事项“{code}”的存储格式有误：{e}"));
    Ok(Some(ItemDetail {
        item: Item {
            code: row.code,
            name: row.name,
            sub_items: serde_json::from_str(&row.sub_items).map_err(json_error)?,
            category: row.category,
            basis: serde_json::from_str(&row.basis).map_err(json_error)?,
            responsibilities: serde_json::from_str(&row.responsibilities).map_err(json_error)?,
            accountability: row.accountability,
            supervision: row.supervision,
            note: row.note,
            related_items: serde_json::from_str(&row.related_items).map_err(json_error)?,
        },
        category_name: row.category_name,
    }))
}

/// Q4: one line of an item's history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: i64,
    pub kind: String,
    pub effective: NaiveDate,
    pub from_name: Option<String>,
    pub receivers: Option<String>,
    pub term_end: Option<NaiveDate>,
    pub condition_text: Option<String>,
    pub decision_title: String,
    pub decision_doc_number: Option<String>,
    pub decided_on: NaiveDate,
    pub decision_url: Option<String>,
}

impl HistoryRow {
    pub fn kind_zh(&self) -> &'static str {
        AdjustmentKind::parse(&self.kind)
            .map(AdjustmentKind::zh)
            .unwrap_or("")
    }
}

/// Q4: every adjustment of the item in date order, with giver, receivers and decision.
pub async fn item_history(db: &Db, code: &str) -> Result<Vec<HistoryRow>> {
    let mut rows: Vec<HistoryRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT j.id, j.kind, j.effective, COALESCE(a.name, j.from_external) AS from_name, \
             NULL AS receivers, j.term_end, j.condition_text, c.title AS decision_title, \
             c.doc_number AS decision_doc_number, c.decided_on, c.url AS decision_url \
             FROM power_adjustments j JOIN power_decisions c ON c.id = j.decision_id \
             LEFT JOIN agencies a ON a.code = j.from_agency WHERE j.item_code = $1 ORDER BY j.effective, j.id",
        )
        .bind(code)
        .fetch_all(pool)
        .await
    })?;
    fill_receiver_names(
        db,
        &mut rows,
        |row| row.id,
        |row, names| row.receivers = names,
    )
    .await?;
    Ok(rows)
}

/// Agencies within a division that hold anything on a date (for the catalogue's agency filter):
/// one indexed existence check per agency rather than a scan of every holding.
pub async fn holders_within(
    db: &Db,
    division_path: &str,
    on: NaiveDate,
) -> Result<Vec<(String, String)>> {
    let (start, end) = crate::subtree_range(division_path);
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT a.code, a.name FROM agencies a JOIN divisions d ON d.id = a.division_id \
             WHERE d.path >= $1 AND d.path < $2 AND EXISTS (SELECT 1 FROM power_holdings h WHERE h.holder = a.code \
             AND h.valid_from <= $3 AND (h.valid_to IS NULL OR h.valid_to > $3)) ORDER BY a.code",
        )
        .bind(&start)
        .bind(&end)
        .bind(on)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// Q3: one adjustment in a comparison of two dates.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ChangeRow {
    pub id: i64,
    pub kind: String,
    pub item_code: String,
    pub item_name: String,
    pub effective: NaiveDate,
    pub from_name: Option<String>,
    pub receivers: Option<String>,
    pub condition_text: Option<String>,
    pub term_end: Option<NaiveDate>,
    pub decision_title: String,
    pub decision_doc_number: Option<String>,
    pub decided_on: NaiveDate,
}

impl ChangeRow {
    pub fn kind_zh(&self) -> &'static str {
        AdjustmentKind::parse(&self.kind)
            .map(AdjustmentKind::zh)
            .unwrap_or("")
    }
}

/// Q3: adjustments effective after `from` up to and including `to` that touch `division_path`:
/// a giver or receiver within it, or (for 变更 and 取消 without parties) an item held within it.
/// Ordered by kind, then date, then item.
pub async fn changes_between(
    db: &Db,
    division_path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ChangeRow>> {
    changes_filtered(db, division_path, from, to, None, None).await
}

/// [`changes_between`] narrowed to one adjustment kind and, optionally, to adjustments with a
/// receiver at one division level (`county`, `town`) inside the division.
pub async fn changes_filtered(
    db: &Db,
    division_path: &str,
    from: NaiveDate,
    to: NaiveDate,
    kind: Option<AdjustmentKind>,
    receiver_level: Option<&str>,
) -> Result<Vec<ChangeRow>> {
    if to < from {
        return Err(DbError::Invalid(format!("截止日期{to}早于起始日期{from}")));
    }
    let pattern = format!("{}%", crate::like_escape(division_path));
    let mut rows: Vec<ChangeRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT j.id, j.kind, j.item_code, i.name AS item_name, j.effective, \
             COALESCE(fa.name, j.from_external) AS from_name, NULL AS receivers, j.condition_text, j.term_end, \
             c.title AS decision_title, c.doc_number AS decision_doc_number, c.decided_on \
             FROM power_adjustments j JOIN power_items i ON i.code = j.item_code \
             JOIN power_decisions c ON c.id = j.decision_id \
             LEFT JOIN agencies fa ON fa.code = j.from_agency LEFT JOIN divisions fd ON fd.id = fa.division_id \
             WHERE j.effective > $2 AND j.effective <= $3 AND ( \
               fd.path LIKE $1 ESCAPE '\\' \
               OR EXISTS (SELECT 1 FROM power_adjustment_receivers r JOIN agencies ra ON ra.code = r.agency \
                          JOIN divisions rd ON rd.id = ra.division_id \
                          WHERE r.adjustment_id = j.id AND rd.path LIKE $1 ESCAPE '\\') \
               OR (j.from_agency IS NULL AND j.from_external IS NULL \
                   AND NOT EXISTS (SELECT 1 FROM power_adjustment_receivers r WHERE r.adjustment_id = j.id) \
                   AND EXISTS (SELECT 1 FROM power_holdings h WHERE h.item_code = j.item_code \
                               AND h.territory LIKE $1 ESCAPE '\\' AND h.valid_from <= j.effective \
                               AND (h.valid_to IS NULL OR h.valid_to >= j.effective)))) \
             AND ($4 IS NULL OR j.kind = $4) \
             AND ($5 IS NULL OR EXISTS (SELECT 1 FROM power_adjustment_receivers r JOIN agencies ra ON ra.code = r.agency \
                  JOIN divisions rd ON rd.id = ra.division_id \
                  WHERE r.adjustment_id = j.id AND rd.level = $5 AND rd.path LIKE $1 ESCAPE '\\')) \
             ORDER BY j.kind, j.effective, j.item_code, j.id",
        )
        .bind(&pattern)
        .bind(from)
        .bind(to)
        .bind(kind.map(AdjustmentKind::as_str))
        .bind(receiver_level)
        .fetch_all(pool)
        .await
    })?;
    fill_receiver_names(
        db,
        &mut rows,
        |row| row.id,
        |row, names| row.receivers = names,
    )
    .await?;
    Ok(rows)
}

/// Fills `receivers` with the names of each adjustment's receivers, in one query per 1000 rows.
async fn fill_receiver_names<T>(
    db: &Db,
    rows: &mut [T],
    id_of: impl Fn(&T) -> i64,
    set: impl Fn(&mut T, Option<String>),
) -> Result<()> {
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    let ids: Vec<i64> = rows.iter().map(&id_of).collect();
    for chunk in ids.chunks(1000) {
        let found: Vec<(i64, String)> = on_pool!(db, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT r.adjustment_id, a.name FROM power_adjustment_receivers r JOIN agencies a ON a.code = r.agency \
                 WHERE r.adjustment_id IN (",
            );
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(*id);
            }
            query.push(") ORDER BY a.code");
            query.build_query_as().fetch_all(pool).await
        })?;
        for (id, name) in found {
            names.entry(id).or_default().push(name);
        }
    }
    for row in rows.iter_mut() {
        let joined = names.remove(&id_of(row)).map(|list| list.join("、"));
        set(row, joined);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Import of a published list

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportPreview {
    pub dry_run: bool,
    pub rows: usize,
    pub items_new: usize,
    pub items_changed: usize,
    pub items_unchanged: usize,
    /// Rows whose holder starts holding the item (a 新增 adjustment each).
    pub holdings_added: usize,
    /// Rows whose holder already held the item on that date (re-import: nothing to do).
    pub holdings_already: usize,
}

/// Imports a list read by `fazhi_core::powers::import::parse_list`: items are created or
/// updated, and each row's holder holds the item from the row's date (or `default_effective`)
/// under `decision`. All or nothing; with `dry_run` everything runs and is then rolled back,
/// so the preview is exactly what the import would do.
pub async fn import_list(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    rows: &[fazhi_core::powers::import::ListRow],
    decision: &Decision,
    default_effective: NaiveDate,
    dry_run: bool,
) -> std::result::Result<ImportPreview, ImportError> {
    use fazhi_core::powers::import::ImportIssue;
    let mut issues = Vec::new();
    let mut holder_codes: HashMap<&str, String> = HashMap::new();
    for row in rows {
        if !holder_codes.contains_key(row.holder.as_str()) {
            match resolve_agency(db, &row.holder).await? {
                Ok(code) => {
                    holder_codes.insert(&row.holder, code);
                }
                Err(reason) => issues.push(ImportIssue {
                    row: row.row,
                    column: "实施主体".into(),
                    reason,
                }),
            }
        }
        let effective = row.effective.unwrap_or(default_effective);
        if effective < decision.date {
            issues.push(ImportIssue {
                row: row.row,
                column: "生效日期".into(),
                reason: format!("{effective}早于决定日期{}", decision.date),
            });
        }
    }
    if !issues.is_empty() {
        return Err(ImportError::Issues(issues));
    }
    let codes = category_codes(db).await?;
    let mut preview = ImportPreview {
        dry_run,
        rows: rows.len(),
        ..ImportPreview::default()
    };
    let mut tx = db.begin().await?;
    let mut saved_codes = BTreeSet::new();
    let distinct: Vec<Item> = rows
        .iter()
        .filter(|row| saved_codes.insert(row.item.code.clone()))
        .map(|row| row.item.clone())
        .collect();
    for saved in save_items_in(&mut tx, actor, now, &distinct, &codes).await? {
        match saved {
            ItemSaved::New => preview.items_new += 1,
            ItemSaved::Changed => preview.items_changed += 1,
            ItemSaved::Unchanged => preview.items_unchanged += 1,
        }
    }
    let mut adjustments = Vec::new();
    for row in rows {
        let holder = &holder_codes[row.holder.as_str()];
        let effective = row.effective.unwrap_or(default_effective);
        if holds_on(&mut tx, &row.item.code, holder, effective).await? {
            preview.holdings_already += 1;
            continue;
        }
        adjustments.push(NewAdjustment {
            kind: AdjustmentKind::Add,
            item_code: row.item.code.clone(),
            effective,
            from: None,
            to: vec![holder.clone()],
            term_end: None,
            condition: None,
            giver_keeps_residual: false,
        });
    }
    preview.holdings_added = adjustments.len();
    if !adjustments.is_empty() {
        let batch = NewBatch {
            decision: decision.clone(),
            url: None,
            adjustments,
        };
        record_batch_in(&mut tx, actor, now, &batch).await?;
    }
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(preview)
}

/// An agency named in a file by code or by its exact name.
async fn resolve_agency(db: &Db, text: &str) -> Result<std::result::Result<String, String>> {
    if let Some(agency) = crate::org::agency_by_code(db, text).await? {
        return Ok(Ok(agency.code));
    }
    let codes: Vec<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT code FROM agencies WHERE name = $1").bind(text).fetch_all(pool).await
    })?;
    Ok(match codes.as_slice() {
        [code] => Ok(code.clone()),
        [] => Err(format!("机构“{text}”不存在（可填写机构名称或机构代码）")),
        _ => Err(format!(
            "有{}个名为“{text}”的机构，请改填机构代码",
            codes.len()
        )),
    })
}

const HOLDS_ON: &str = "SELECT COUNT(*) FROM power_holdings WHERE item_code = $1 AND holder = $2 \
     AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)";

async fn holds_on(tx: &mut Tx, item_code: &str, holder: &str, date: NaiveDate) -> Result<bool> {
    let count: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(HOLDS_ON)
        .bind(item_code)
        .bind(holder)
        .bind(date)
        .fetch_one(&mut *conn)
        .await
    })?;
    Ok(count > 0)
}

/// The territories (division paths) of the agencies holding `item_code` on `date`.
pub async fn holding_territories(db: &Db, item_code: &str, date: NaiveDate) -> Result<Vec<String>> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT DISTINCT territory FROM power_holdings WHERE item_code = $1 AND valid_from <= $2 \
             AND (valid_to IS NULL OR valid_to > $2) ORDER BY territory",
        )
        .bind(item_code)
        .bind(date)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// Whether agency `holder` holds `item_code` on `date`.
pub async fn holds(db: &Db, item_code: &str, holder: &str, date: NaiveDate) -> Result<bool> {
    let count: i64 = on_pool!(db, pool => {
        sqlx::query_scalar(HOLDS_ON)
            .bind(item_code)
            .bind(holder)
            .bind(date)
            .fetch_one(pool)
            .await
    })?;
    Ok(count > 0)
}

/// One figure of the annual report: a kind of change in a year, counted in distinct items.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: &'static str,
    pub kind: AdjustmentKind,
    pub receiver_level: Option<&'static str>,
    pub items: usize,
    pub adjustments: usize,
}

/// spec/powers.md Q6 and issue 3 part 7: per year, items taken over, handed down to counties
/// and to towns, entrusted and cancelled within a division. Counted with the same query that
/// lists them, so every figure is the length of the list it links to.
pub async fn figures_for_year(db: &Db, division_path: &str, year: i32) -> Result<Vec<Figure>> {
    let from = NaiveDate::from_ymd_opt(year - 1, 12, 31)
        .ok_or_else(|| DbError::Invalid(format!("年份{year}无效")))?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| DbError::Invalid(format!("年份{year}无效")))?;
    let definitions: [(&'static str, AdjustmentKind, Option<&'static str>); 6] = [
        ("承接上级事项", AdjustmentKind::TakeOver, None),
        ("新增事项", AdjustmentKind::Add, None),
        (
            "下放至县（市、区）",
            AdjustmentKind::Devolve,
            Some("county"),
        ),
        ("下放至镇（街道）", AdjustmentKind::Devolve, Some("town")),
        ("委托实施", AdjustmentKind::Entrust, None),
        ("取消事项", AdjustmentKind::Abolish, None),
    ];
    let mut figures = Vec::with_capacity(definitions.len());
    for (label, kind, receiver_level) in definitions {
        let rows =
            changes_filtered(db, division_path, from, to, Some(kind), receiver_level).await?;
        let items: BTreeSet<&str> = rows.iter().map(|r| r.item_code.as_str()).collect();
        figures.push(Figure {
            label,
            kind,
            receiver_level,
            items: items.len(),
            adjustments: rows.len(),
        });
    }
    Ok(figures)
}

/// Items held on a date within a division, by category (name, count of distinct items).
pub async fn counts_by_category(
    db: &Db,
    division_path: &str,
    on: NaiveDate,
) -> Result<Vec<(String, i64)>> {
    let (start, end) = crate::subtree_range(division_path);
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT c.name, COUNT(DISTINCT h.item_code) FROM power_holdings h JOIN power_categories c ON c.code = h.category \
             WHERE h.territory >= $1 AND h.territory < $2 AND h.valid_from <= $3 AND (h.valid_to IS NULL OR h.valid_to > $3) \
             GROUP BY c.name, c.sort ORDER BY c.sort",
        )
        .bind(&start)
        .bind(&end)
        .bind(on)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// One town or street and what it holds on a date (the comprehensive-enforcement announcement).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TownHolding {
    pub division_code: String,
    pub division_name: String,
    pub agency: String,
    pub agency_name: String,
    pub items: i64,
    pub since: Option<NaiveDate>,
}

/// Towns and streets within `county_path` and the number of items each holds on `on`.
pub async fn town_holdings(db: &Db, county_path: &str, on: NaiveDate) -> Result<Vec<TownHolding>> {
    let (start, end) = crate::subtree_range(county_path);
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT d.code AS division_code, d.name AS division_name, a.code AS agency, a.name AS agency_name, \
             COUNT(h.id) AS items, MIN(h.valid_from) AS since \
             FROM divisions d JOIN agencies a ON a.division_id = d.id AND a.kind = 'government' \
             LEFT JOIN power_holdings h ON h.holder = a.code AND h.valid_from <= $3 AND (h.valid_to IS NULL OR h.valid_to > $3) \
             WHERE d.level = 'town' AND d.path >= $1 AND d.path < $2 \
             GROUP BY d.code, d.name, a.code, a.name ORDER BY d.code",
        )
        .bind(&start)
        .bind(&end)
        .bind(on)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

/// An entrustment whose term ends soon (spec/powers.md Q7).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EntrustmentDue {
    pub item_code: String,
    pub item_name: String,
    pub legal_holder: String,
    pub legal_holder_name: String,
    pub exercised_by: String,
    pub exercised_by_name: String,
    pub term_end: NaiveDate,
}

/// Q7: entrustments exercised within `division_path` whose term ends in `[today, today + days]`
/// and that were not taken back, soonest first.
pub async fn entrustments_ending(
    db: &Db,
    division_path: &str,
    today: NaiveDate,
    days: i64,
) -> Result<Vec<EntrustmentDue>> {
    let horizon = today + chrono::Duration::days(days);
    let (start, end) = crate::subtree_range(division_path);
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT e.item_code, i.name AS item_name, e.legal_holder, l.name AS legal_holder_name, \
             e.exercised_by, x.name AS exercised_by_name, e.term_end \
             FROM power_entrustments e JOIN power_items i ON i.code = e.item_code \
             JOIN agencies l ON l.code = e.legal_holder JOIN agencies x ON x.code = e.exercised_by \
             WHERE e.taken_back_by IS NULL AND e.term_end >= $1 AND e.term_end <= $2 \
             AND e.territory >= $3 AND e.territory < $4 ORDER BY e.term_end, e.item_code",
        )
        .bind(today)
        .bind(horizon)
        .bind(&start)
        .bind(&end)
        .fetch_all(pool)
        .await
    })
    .map_err(Into::into)
}

// ---------------------------------------------------------------------------------------------
// Drafts: proposed by a clerk, published by a reviewer

/// Runs the batch in a transaction that is then rolled back: the same checks as publishing,
/// nothing written. A draft is only saved when this passes.
pub async fn trial_run(db: &Db, actor: &Actor, now: DateTime<Utc>, batch: &NewBatch) -> Result<()> {
    let mut tx = db.begin().await?;
    let outcome = record_batch_in(&mut tx, actor, now, batch).await;
    tx.rollback().await?;
    outcome.map(|_| ())
}

/// What a draft proposes: an adjustment batch, or an item's new or changed description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DraftContent {
    Adjustment(NewBatch),
    Item(Box<ItemChange>),
}

/// An item as the drafter saw it (`None`: a new item) and as they propose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ItemChange {
    pub before: Option<Item>,
    pub after: Item,
}

impl ItemChange {
    /// Refuses the change when the item is no longer what the drafter saw: someone published
    /// another change, or created the "new" item, in between.
    async fn check_current(&self, db: &Db) -> Result<()> {
        let current = item_detail(db, &self.after.code).await?.map(|d| d.item);
        if current != self.before {
            return Err(DbError::Invalid(format!(
                "事项“{}”在起草后已有变化（他人发布了修改或新建了同一编码），请按现状重新起草",
                self.after.code
            )));
        }
        Ok(())
    }
}

impl DraftContent {
    fn subject(&self) -> &'static str {
        match self {
            DraftContent::Adjustment(_) => "adjustment",
            DraftContent::Item(_) => "item",
        }
    }

    fn to_json(&self) -> Result<String> {
        match self {
            DraftContent::Adjustment(batch) => serde_json::to_string(batch),
            DraftContent::Item(change) => serde_json::to_string(change),
        }
        .map_err(|e| DbError::Invalid(e.to_string()))
    }
}

/// Checks a draft's content exactly as publishing would, in a transaction then rolled back.
async fn trial_content(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    content: &DraftContent,
) -> Result<()> {
    match content {
        DraftContent::Adjustment(batch) => trial_run(db, actor, now, batch).await,
        DraftContent::Item(change) => {
            change.check_current(db).await?;
            let codes = category_codes(db).await?;
            let mut tx = db.begin().await?;
            let outcome = save_items_in(
                &mut tx,
                actor,
                now,
                std::slice::from_ref(&change.after),
                &codes,
            )
            .await;
            tx.rollback().await?;
            match outcome?[0] {
                ItemSaved::Unchanged => Err(DbError::Invalid(format!(
                    "事项“{}”的内容与现有记录相同，无需修改",
                    change.after.code
                ))),
                _ => Ok(()),
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DraftRow {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub division_path: String,
    pub summary: String,
    pub subject: String,
    pub content: String,
    pub status: String,
    pub drafted_by_name: String,
    pub drafted_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}

impl DraftRow {
    pub fn target(&self) -> fazhi_core::org::Target {
        fazhi_core::org::Target::Owned {
            agency_id: self.agency_id,
            division_path: self.division_path.clone(),
        }
    }

    /// The proposal, read back from its JSON.
    pub fn content(&self) -> Result<DraftContent> {
        let unreadable = |e: serde_json::Error| DbError::Invalid(format!("草稿内容无法读取：{e}"));
        match self.subject.as_str() {
            "item" => serde_json::from_str(&self.content)
                .map(|change| DraftContent::Item(Box::new(change)))
                .map_err(unreadable),
            _ => serde_json::from_str(&self.content)
                .map(DraftContent::Adjustment)
                .map_err(unreadable),
        }
    }

    pub fn status_zh(&self) -> &'static str {
        match self.status.as_str() {
            "draft" => "待审核",
            "published" => "已发布",
            _ => "已退回",
        }
    }
}

const SELECT_DRAFT: &str = "SELECT p.id, p.agency_id, a.name AS agency_name, d.path AS division_path, p.summary, p.subject, p.content, \
     p.status, u.display_name AS drafted_by_name, p.drafted_at, p.reviewed_at, p.review_note \
     FROM power_drafts p JOIN agencies a ON a.id = p.agency_id JOIN divisions d ON d.id = a.division_id \
     JOIN users u ON u.id = p.drafted_by";

/// Saves a draft after a successful trial run; `agency_id` is the owning agency.
pub async fn save_draft(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    agency_id: i64,
    summary: &str,
    content: &DraftContent,
) -> Result<i64> {
    let drafted_by = actor
        .user_id
        .ok_or_else(|| DbError::Invalid("草稿须由登录用户提交".into()))?;
    trial_content(db, actor, now, content).await?;
    let json = content.to_json()?;
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO power_drafts (agency_id, summary, subject, content, status, drafted_by, drafted_at) \
             VALUES ($1, $2, $3, $4, 'draft', $5, $6) RETURNING id",
        )
        .bind(agency_id)
        .bind(summary)
        .bind(content.subject())
        .bind(&json)
        .bind(drafted_by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "power_draft.create",
            entity_type: "power_draft",
            entity_id: id.to_string(),
            summary: format!("提交权责清单草稿：{summary}"),
            before: None,
            after: Some(content),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn draft(db: &Db, id: i64) -> Result<Option<DraftRow>> {
    let sql = format!("{SELECT_DRAFT} WHERE p.id = $1");
    on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await).map_err(Into::into)
}

/// Drafts of agencies within `scopes` (all when `None`), newest first.
pub async fn drafts(db: &Db, scopes: Option<&[fazhi_core::org::Scope]>) -> Result<Vec<DraftRow>> {
    on_pool!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(SELECT_DRAFT);
        query.push(" WHERE 1 = 1");
        if let Some(scopes) = scopes {
            crate::push_scope_filter(&mut query, scopes, "p.agency_id", "d.path");
        }
        query.push(" ORDER BY p.id DESC LIMIT 200");
        query.build_query_as().fetch_all(pool).await
    })
    .map_err(Into::into)
}

/// Publishes a pending draft: the batch is recorded or the item saved (checked again against the
/// register as it is now) and the draft marked published, in one transaction.
pub async fn publish_draft(db: &Db, actor: &Actor, now: DateTime<Utc>, id: i64) -> Result<()> {
    let reviewer = actor
        .user_id
        .ok_or_else(|| DbError::Invalid("须由登录用户审核".into()))?;
    let row = draft(db, id).await?.ok_or(DbError::NotFound)?;
    if row.status != "draft" {
        return Err(DbError::Invalid(format!(
            "该草稿{}，不能再发布",
            row.status_zh()
        )));
    }
    let content = row.content()?;
    let mut tx = db.begin().await?;
    match &content {
        DraftContent::Adjustment(batch) => {
            record_batch_in(&mut tx, actor, now, batch).await?;
        }
        DraftContent::Item(change) => {
            change.check_current(db).await?;
            let codes = category_codes(db).await?;
            save_items_in(
                &mut tx,
                actor,
                now,
                std::slice::from_ref(&change.after),
                &codes,
            )
            .await?;
        }
    }
    set_review(&mut tx, id, "published", reviewer, now, None).await?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), ()> {
            action: "power_draft.publish",
            entity_type: "power_draft",
            entity_id: id.to_string(),
            summary: format!("审核发布：{}", row.summary),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

/// Sends a pending draft back with the reviewer's reason.
pub async fn reject_draft(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    note: &str,
) -> Result<()> {
    let reviewer = actor
        .user_id
        .ok_or_else(|| DbError::Invalid("须由登录用户审核".into()))?;
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(DbError::Invalid("退回理由须为1至500个字符".into()));
    }
    let row = draft(db, id).await?.ok_or(DbError::NotFound)?;
    if row.status != "draft" {
        return Err(DbError::Invalid(format!(
            "该草稿{}，不能退回",
            row.status_zh()
        )));
    }
    let mut tx = db.begin().await?;
    set_review(&mut tx, id, "rejected", reviewer, now, Some(note)).await?;
    audit::append(
        &mut tx,
        actor,
        now,
        Change::<(), _> {
            action: "power_draft.reject",
            entity_type: "power_draft",
            entity_id: id.to_string(),
            summary: format!("退回草稿：{}", row.summary),
            before: None,
            after: Some(&serde_json::json!({ "note": note })),
        },
    )
    .await?;
    tx.commit().await
}

async fn set_review(
    tx: &mut Tx,
    id: i64,
    status: &str,
    reviewer: i64,
    now: DateTime<Utc>,
    note: Option<&str>,
) -> Result<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE power_drafts SET status = $1, reviewed_by = $2, reviewed_at = $3, review_note = $4 \
             WHERE id = $5 AND status = 'draft'",
        )
        .bind(status)
        .bind(reviewer)
        .bind(now)
        .bind(note)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    if changed == 0 {
        return Err(DbError::Invalid("该草稿已被他人处理".into()));
    }
    Ok(())
}
